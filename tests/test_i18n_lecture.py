"""Lecture mode in both languages: every step of the path, with its lecture bar and its page, in Korean
has no English prose left, and in English no Hangul (tests/i18n_support.py)."""

from __future__ import annotations

import pytest
from conftest import ROOT
from i18n_support import english_words, hangul, readable_texts
from streamlit.testing.v1 import AppTest

from lessons.lecture.path import STEPS
from mlp_core import FIELDS
from ui import lecture

pytestmark = pytest.mark.usefixtures("fresh_caches")


def walk(language: str):
    """Each step's page as the presenter sees it, from the first step to the last by Next."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=240)
    at.query_params.update({"present": "1", "step": STEPS[0].id, "lang": language})
    at.run()
    for number, step in enumerate(STEPS):
        assert not at.exception and at.session_state[lecture.STEP] == step.id
        yield step, readable_texts(at)
        if number + 1 < len(STEPS):
            at.button(key=lecture.NEXT_KEY).click().run()


def test_every_step_in_korean_has_no_english_prose_left():
    for step, texts in walk("ko"):
        assert hangul(texts), step.id
        assert english_words(texts, allowed=set(FIELDS)) == set(), step.id


def test_every_step_in_english_has_no_hangul():
    for step, texts in walk("en"):
        assert all("한국어" in text for text in hangul(texts)), step.id  # the language switch names itself


def test_a_bad_step_notice_is_in_korean():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=240)
    at.query_params.update({"step": "nonsense-step", "lang": "ko"})
    at.run()
    notices = [w.value for w in at.warning if "nonsense" in w.value]
    assert len(notices) == 1 and english_words(notices) == set() and hangul(notices)
