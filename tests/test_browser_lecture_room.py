"""Lecture mode with its room in real Chromium: the presenter (1920×1080, presenter view) moves to
the XOR step with the keyboard, the experiment stays hidden, a student's phone (390×844) opens the
room's link, follows to the step and answers; the presenter's tally counts it, the presenter reveals,
and both screens show the experiment and the right answer. English and Korean; screenshots in
screenshots/lecture-room-*.png."""

from __future__ import annotations

import re

import pytest
from test_browser_layout import CUT  # what "cut off" means: the layout test's own check

from ui.browser import screenshot

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"join": r"Students join: room ([A-Z0-9]{5})", "open": "Open the poll", "reveal": "Reveal",
           "hidden": "The experiment shows after the poll's reveal", "question": "Can a single-layer perceptron",
           "counted": "1 answer so far", "right": "Right answer: B", "boundary": "Decision boundary"},
    "ko": {"join": r"학생 참여: 강의실 ([A-Z0-9]{5})", "open": "투표 열기", "reveal": "정답 보기",
           "hidden": "실험 결과는 투표의 정답을 공개한 뒤에", "question": "단층 퍼셉트론이 XOR을",
           "counted": "지금까지 답 1개", "right": "정답: B", "boundary": None},
}
TIMEOUT = 90_000


def wait_text(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=TIMEOUT)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_predict_then_reveal_on_the_projector_and_a_phone(chromium, app_url, lang):
    words = WORDS[lang]
    projector = chromium.new_context(viewport={"width": 1920, "height": 1080})
    phone_context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        presenter = projector.new_page()
        presenter.goto(f"{app_url}/?present=1&step=e3-gates&lang={lang}")
        code = None
        presenter.locator(".st-key-lecture_next button").wait_for(timeout=TIMEOUT)
        presenter.wait_for_timeout(1500)
        presenter.keyboard.press("ArrowRight")  # the clicker's key: to the XOR step
        wait_text(presenter, words["hidden"])
        code = re.search(words["join"], presenter.inner_text("body")).group(1)
        assert "present=1" in presenter.url and "room_secret" not in presenter.url and "presenter=" not in presenter.url
        presenter.get_by_role("button", name=words["open"]).click()

        phone = phone_context.new_page()
        phone.goto(f"{app_url}/?room={code}&lang={lang}")
        wait_text(phone, words["question"])
        wait_text(phone, words["hidden"])  # it followed the presenter to the step, and the answer stays hidden
        assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
        phone.get_by_role("button", name=re.compile(r"^B\.")).click()
        wait_text(presenter, words["counted"])  # the tally's fragment, without a reload
        screenshot(presenter, f"lecture-room-{lang}-counted")
        screenshot(phone, f"lecture-room-{lang}-phone-answered")

        presenter.get_by_role("button", name=words["reveal"], exact=True).click()
        wait_text(presenter, words["right"])
        presenter.locator("[data-testid=stVegaLiteChart], [data-testid=stArrowVegaLiteChart]").nth(1).wait_for(
            timeout=TIMEOUT)  # the experiment's charts below the poll
        assert words["hidden"] not in presenter.inner_text("body")
        wait_text(phone, words["right"])
        phone.get_by_text(words["hidden"]).first.wait_for(state="detached", timeout=TIMEOUT)
        screenshot(presenter, f"lecture-room-{lang}-revealed")
        screenshot(phone, f"lecture-room-{lang}-phone-revealed")
        assert presenter.evaluate(CUT) == [] and phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    finally:
        projector.close()
        phone_context.close()
