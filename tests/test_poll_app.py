"""The class poll with several AppTest sessions on one server process (tests/apps/poll_app.py): only
the presenter's session can open, close, reveal or reset; one answer per session, changeable until
the reveal; unknown, forged and expired rooms and garbage get a clear message and change nothing;
both screens read wholly in Korean."""

from __future__ import annotations

import pytest
from conftest import ROOT
from i18n_support import english_words, hangul, readable_texts
from streamlit.testing.v1 import AppTest

from mlp_core.rooms import REASONS

pytestmark = pytest.mark.usefixtures("fresh_caches")

APP = str(ROOT / "tests" / "apps" / "poll_app.py")
STEP = "e3-xor"  # the section's first question: "Can a single-layer perceptron learn XOR?" (answer B)


def session(params: dict[str, str] | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {**(params or {}), "lang": lang}.items():
        at.query_params[key] = value
    return at.run()


def presenter(lang: str = "en") -> AppTest:
    at = session(lang=lang)
    at.toggle(key="poll_present").set_value(True).run()
    assert not at.exception
    return at


def student(code: str, lang: str = "en") -> AppTest:
    at = session({"room": code}, lang)
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.markdown, at.success, at.info, at.warning, at.error) for e in kind)


def status(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**The poll"))


def press(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception
    return at


def press_stale(at: AppTest, key: str) -> AppTest:
    """Press a button the screen shows disabled: what a device whose screen is a moment old (it
    redraws every 1.5 s) or a hand-made client sends. (Streamlit drops a trigger of a widget that
    this run draws disabled; what matters is that nothing changes.)"""
    button = at.button(key=key)
    button.proto.disabled = False
    return press(at, key)


def the_room(at: AppTest):
    from ui.room import get_rooms  # the server's registry: AppTest sessions share this process

    return get_rooms().get(at.session_state["room_code"])


def test_students_answer_the_presenter_counts_reveals_and_they_see_it():
    lecturer = presenter()
    code = lecturer.session_state["room_code"]
    assert f"?room={code}" in texts(lecturer) and lecturer.session_state["room_secret"] not in texts(lecturer)
    press(lecturer, f"poll_open_{STEP}")
    first, second = student(code), student(code)
    assert "The poll is open: tap your answer." in texts(first)
    press(first, f"answer_{STEP}_0")
    press(first, f"answer_{STEP}_1")  # changed its mind: still one answer
    press(second, f"answer_{STEP}_1")
    assert "Your answer: B. You can change it until the reveal." in texts(first)
    lecturer.run()
    assert status(lecturer) == "**The poll is open: 2 answers so far.**"
    assert the_room(lecturer).poll(STEP).counts == (0, 2)
    press(lecturer, f"poll_reveal_{STEP}")
    assert "Right answer: B. No: no straight line separates XOR's two classes" in texts(lecturer)
    first.run()
    assert "Right answer: B." in texts(first) and "You answered **B**: right!" in texts(first)
    press_stale(first, f"answer_{STEP}_0")  # after the reveal: refused, unchanged
    assert "You answered **B**: right!" in texts(first) and the_room(lecturer).poll(STEP).counts == (0, 2)
    press(lecturer, f"poll_reset_{STEP}")
    assert status(lecturer) == "**The poll is not open yet.**" and the_room(lecturer).poll(STEP).total == 0


def test_only_the_presenter_gets_the_buttons_and_a_forged_secret_gets_nothing():
    lecturer = presenter()
    code, room = lecturer.session_state["room_code"], the_room(lecturer)
    pupil = student(code)
    assert not [b for b in pupil.button if b.key and b.key.startswith("poll_")]  # no presenter buttons
    forger = session()
    forger.session_state["room_code"], forger.session_state["room_secret"] = code, "guessed"
    forger.toggle(key="poll_present").set_value(True).run()
    assert forger.session_state["room_code"] != code  # it got a room of its own, not this one
    press(forger, f"poll_open_{STEP}")
    assert room.poll(STEP) is None  # the lecturer's room is untouched
    press(lecturer, f"poll_open_{STEP}")
    assert room.poll(STEP).state == "open"


def test_a_presenter_link_attaches_once_and_leaves_the_address_bar():
    lecturer = presenter()
    code, secret = lecturer.session_state["room_code"], lecturer.session_state["room_secret"]
    other_tab = session({"room": code, "presenter": secret})
    assert not other_tab.exception
    assert "presenter" not in other_tab.query_params and "room" not in other_tab.query_params
    assert other_tab.session_state["room_code"] == code
    other_tab.toggle(key="poll_present").set_value(True).run()
    press(other_tab, f"poll_open_{STEP}")
    assert the_room(lecturer).poll(STEP).state == "open"
    wrong = session({"room": code, "presenter": secret[:-2] + "zz"})
    assert REASONS["not-presenter"] in texts(wrong) and "presenter" not in wrong.query_params
    assert "room_secret" not in wrong.session_state


@pytest.mark.parametrize("code", ["ZZZZZ", "AAAA", "x" * 5000, "<script>", "%00"])
def test_an_unknown_or_garbled_room_code_gets_a_clear_message(code):
    at = student(code)
    assert [e.value for e in at.error] == [REASONS["unknown-room"]]


def test_an_expired_room_tells_its_students_and_gives_the_presenter_a_new_one():
    lecturer = presenter()
    code, room = lecturer.session_state["room_code"], the_room(lecturer)
    pupil = student(code)
    from ui.room import get_rooms

    room.last_activity -= get_rooms().idle_seconds + 1  # hours without a presenter or an answer
    pupil.run()
    assert REASONS["unknown-room"] in texts(pupil)
    assert [e.value for e in student(code).error] == [REASONS["unknown-room"]]
    lecturer.run()
    assert lecturer.session_state["room_code"] != code and "ended after hours" in texts(lecturer)


def test_garbage_from_a_student_changes_nothing():
    lecturer = presenter()
    code = lecturer.session_state["room_code"]
    room = the_room(lecturer)
    pupil = student(code)
    press_stale(pupil, f"answer_{STEP}_1")  # the poll is not open yet
    assert "Wait for the presenter to open the poll." in texts(pupil) and room.poll(STEP) is None
    press(lecturer, f"poll_open_{STEP}")
    pupil.run()
    for choice in (0, 1, 0, 1, 0):  # the burst a token bucket allows
        press(pupil, f"answer_{STEP}_{choice}")
    press(pupil, f"answer_{STEP}_1")  # flooding: refused
    assert REASONS["too-fast"] in texts(pupil)
    assert room.poll(STEP).counts == (1, 0)  # its last accepted answer, once
    press(lecturer, f"poll_close_{STEP}")
    press_stale(student(code), f"answer_{STEP}_1")  # a closed poll takes no new answers
    assert room.poll(STEP).counts == (1, 0)


def test_the_students_device_follows_the_presenters_step():
    lecturer = presenter()
    code = lecturer.session_state["room_code"]
    pupil = student(code)
    assert "Can a single-layer perceptron learn XOR?" in texts(pupil)
    lecturer.selectbox(key="poll_question").set_value("e9-wide").run()
    pupil.run()
    assert "Outside the data, will the ReLU fit keep rising like x²?" in texts(pupil)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_both_screens_read_in_one_language(lang):
    lecturer = presenter(lang)
    press(lecturer, f"poll_open_{STEP}")
    pupil = student(lecturer.session_state["room_code"], lang)
    press(pupil, f"answer_{STEP}_1")
    press(lecturer, f"poll_reveal_{STEP}")
    pupil.run()
    for at in (lecturer, pupil):
        shown = readable_texts(at)
        if lang == "ko":
            assert hangul(shown) and english_words(shown) == set(), english_words(shown)
        else:
            assert all("한국어" in text for text in hangul(shown))
