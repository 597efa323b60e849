"""Lecture mode with a room (ui/lecture.py + ui/room.py): presenter view opens a room, its students
follow the presenter's step, and at a step with a question the experiment stays hidden on every
screen until the presenter reveals the poll's answer. Several AppTest sessions, one server process."""

from __future__ import annotations

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from lessons.lecture.questions import QUESTIONS
from ui import lecture, room as rooms_ui

APP = str(ROOT / "streamlit_app.py")
HIDDEN = "after the poll's reveal"

pytestmark = pytest.mark.usefixtures("fresh_caches")


def open_app(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def shown(at: AppTest) -> str:
    return " ".join(e.value for kind in (at.markdown, at.info, at.success, at.warning, at.error, at.title)
                    for e in kind if isinstance(e.value, str))


def hidden(at: AppTest) -> bool:
    return HIDDEN in shown(at)


def test_presenter_and_student_predict_then_reveal():
    question = QUESTIONS["e3-xor"]
    presenter = open_app({"present": "1", "step": "e3-xor", "lang": "en"})
    assert not presenter.exception
    code, secret = presenter.session_state[rooms_ui.CODE_KEY], presenter.session_state[rooms_ui.SECRET_KEY]
    assert f"?room={code}" in shown(presenter) and secret not in shown(presenter)  # the join panel, no key
    assert all(secret not in value for value in presenter.query_params.values())
    assert hidden(presenter) and "Perceptron & XOR" not in shown(presenter)  # the page has not run
    presenter.button(key=f"poll_open_{question.id}").click().run()

    student = open_app({"room": code, "lang": "en"})  # the QR code's link: the home page with the code
    assert not student.exception
    assert student.session_state[lecture.STEP] == "e3-xor"  # it followed the presenter to the step's page
    assert student.query_params["room"] == code and "present" not in student.query_params
    assert rooms_ui.SECRET_KEY not in student.session_state
    assert hidden(student) and question.prompt in shown(student)
    assert not [b for b in student.button if b.key and b.key.startswith("poll_")]  # no presenter buttons
    wrong = 1 - question.answer
    student.button(key=f"answer_{question.id}_{wrong}").click().run()
    poll = rooms_ui.get_rooms().get(code).poll(question.id)
    assert poll.total == 1 and poll.counts[wrong] == 1

    presenter.button(key=f"poll_reveal_{question.id}").click().run()
    assert not presenter.exception and not hidden(presenter)
    assert "Perceptron & XOR" in shown(presenter) or presenter.session_state["xor.preset"] == "perceptron-xor"
    student.run()  # its fragment's next tick: the reveal reruns the page
    assert not student.exception and not hidden(student)
    assert "Right answer" in shown(student)


def test_the_presenter_moves_and_the_students_follow_unless_told_not_to():
    presenter = open_app({"present": "1", "step": "e3-gates", "lang": "en"})
    code = presenter.session_state[rooms_ui.CODE_KEY]
    student = open_app({"room": code, "lang": "en"})
    assert student.session_state[lecture.STEP] == "e3-gates" and student.session_state["xor.preset"] == "perceptron-and"
    presenter.button(key=lecture.NEXT_KEY).click().run()
    presenter.button(key="lecture_skip_e3-xor").click().run()  # the presenter shows it without a poll
    assert not hidden(presenter)
    student.run()
    assert student.session_state[lecture.STEP] == "e3-xor" and not hidden(student)  # skipped: revealed for all
    student.toggle(key=lecture.FOLLOW).set_value(False).run()
    presenter.button(key=lecture.NEXT_KEY).click().run()
    student.run()
    assert student.session_state[lecture.STEP] == "e3-xor"  # it stays where it is
    assert rooms_ui.get_rooms().get(code).step == "e1-mlp"


def test_a_bad_room_code_gets_a_message_and_the_page_still_works():
    for garbage in ("NOPE", "", "x" * 300, "<b>AAAAA</b>"):
        at = open_app({"room": garbage, "lang": "en"})
        assert not at.exception, garbage
        assert any("no room with this code" in e.value for e in at.error), garbage
        assert "MLP Lab" in shown(at)


def test_only_the_presenter_goes_first_in_the_trainer_queue(monkeypatch):
    """The pool's priority follows the room's secret (ui/lecture.py, `presenter_session`): the presenter's
    session asks with it, a student of the room, whose link carries only the code, without it."""
    from ui import live

    seen, real = [], live.presenter_session

    def spy():
        seen.append(real())
        return seen[-1]

    monkeypatch.setattr(live, "presenter_session", spy)
    presenter = open_app({"present": "1", "step": "e3-gates", "lang": "en"})
    assert not presenter.exception and seen and all(seen)
    seen.clear()
    student = open_app({"room": presenter.session_state[rooms_ui.CODE_KEY], "lang": "en"})
    assert not student.exception and student.session_state["xor.preset"] == "perceptron-and"
    assert seen and not any(seen)


def test_the_entry_points_imports_work_in_a_fresh_interpreter():
    """ui/lecture.py, ui/room.py and ui/charts.py import each other: in the entry point's order (the
    poll section first) a module-level use of a half-imported module broke the app before any page."""
    import subprocess
    import sys

    for module in ("lessons.lecture.poll", "ui.room", "ui.charts", "ui.lecture"):
        done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
    assert rooms_ui.ROOM_PARAM == lecture.ROOM_URL
