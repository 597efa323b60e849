"""The classroom benchmark's poll burst at a small size (ui/classroom.py, `poll_burst`), through
Streamlit's websocket protocol: a presenter opens a room and a poll, five students join from the
student link and answer within a second, every answer is confirmed on its screen and the
presenter's chart counts exactly what was sent. Correctness only: the timings are
`python -m ui.classroom --poll 50`'s, never asserted here."""

from __future__ import annotations

import pytest

from ui.classroom_poll import POLL_CHOICES, poll_burst

pytestmark = pytest.mark.browser  # starts `streamlit run` (no Chromium needed)


def test_a_small_class_answers_and_the_presenter_counts_exactly():
    row, notes = poll_burst(5, 1.0, timeout=120)
    assert notes == []
    assert (row.joined, row.confirmed, row.exceptions) == (5, 5, 0)
    assert row.exact  # the presenter's chart: A 3, B 2 (student i answered POLL_CHOICES[i % 2])
    assert row.updates >= 1 and row.tally_s is not None
    assert len(POLL_CHOICES) == 2
