"""A page-less harness of the class poll for AppTest: the language, then the poll section alone
(lessons/lecture/poll.py), as a student link or the presenter's section shows it."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lessons.lecture.poll import class_poll_ui  # noqa: E402
from ui.language import use_language  # noqa: E402

use_language()
class_poll_ui()
