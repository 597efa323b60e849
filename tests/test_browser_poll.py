"""The class poll in real Chromium, two browser contexts (two sessions): the presenter at projector
size (1280×720) opens a room and a poll, a student on a phone (390×844) opens the student link,
answers, the presenter's tally counts it without a reload, the presenter reveals and the phone
shows the right answer. In English and in Korean; screenshots in screenshots/poll-*.png."""

from __future__ import annotations

import re

import pytest
from test_browser_layout import CUT  # what "cut off" means: the layout test's own check

from ui.browser import screenshot

pytestmark = pytest.mark.browser

WORDS = {  # what each screen says, per language (the catalogs' texts)
    "en": {"section": "Class poll: the class predicts, then you reveal", "toggle": "Open a room for this lecture",
           "code": r"Room code: ([A-Z0-9]{5})", "open": "Open the poll", "reveal": "Reveal",
           "tap": "tap your answer", "choice": "B. No: no straight line", "mine": "Your answer: B",
           "counted": "1 answer so far", "opened": "The poll is open:", "right": "Right answer: B", "you": "You answered B: right!"},
    "ko": {"section": "수업 투표: 학생들이 먼저 예측하고", "toggle": "이 강의의 강의실 열기",
           "code": r"강의실 코드: ([A-Z0-9]{5})", "open": "투표 열기", "reveal": "정답 보기",
           "tap": "답을 누르세요", "choice": "B. 아니요: 어떤 직선도", "mine": "내 답: B",
           "counted": "지금까지 답 1개", "opened": "투표가 열려 있습니다:", "right": "정답: B", "you": "내 답은 B: 정답입니다!"},
}
TIMEOUT = 60_000


def wait_text(page, text: str, timeout: int = TIMEOUT) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_student_answers_the_presenter_counts_and_reveals(chromium, app_url, lang):
    words = WORDS[lang]
    lecturer_context = chromium.new_context(viewport={"width": 1280, "height": 720})
    phone_context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                         device_scale_factor=2)
    try:
        lecturer = lecturer_context.new_page()
        lecturer.goto(f"{app_url}/?lang={lang}")
        lecturer.get_by_text(words["section"]).first.click(timeout=TIMEOUT)
        lecturer.get_by_text(words["toggle"]).first.click(timeout=TIMEOUT)
        wait_text(lecturer, words["open"])
        code = re.search(words["code"], lecturer.inner_text("body")).group(1)
        qr = lecturer.locator('[data-testid="stImage"] img').first
        box = qr.bounding_box()
        assert box["width"] >= 300 and abs(box["width"] - box["height"]) < 2  # a square, scannable from afar
        assert "presenter=" not in lecturer.url and "room=" not in lecturer.url  # the projected address bar
        lecturer.get_by_role("button", name=words["open"]).click()
        wait_text(lecturer, words["opened"])

        phone = phone_context.new_page()
        phone.goto(f"{app_url}/?room={code}&lang={lang}")
        wait_text(phone, words["tap"])
        phone.get_by_role("button", name=re.compile("^" + re.escape(words["choice"]))).click()
        wait_text(phone, words["mine"])
        assert no_horizontal_scroll(phone)
        screenshot(phone, f"poll-{lang}-phone-answered")

        wait_text(lecturer, words["counted"], timeout=5_000)  # the tally's fragment, no reload
        lecturer.locator('[data-testid="stVegaLiteChart"]').first.scroll_into_view_if_needed()
        screenshot(lecturer, f"poll-{lang}-presenter-counted")
        lecturer.get_by_role("button", name=words["reveal"]).click()
        wait_text(lecturer, words["right"])
        screenshot(lecturer, f"poll-{lang}-presenter-revealed")

        wait_text(phone, words["you"], timeout=6_000)  # the phone's fragment reads the room
        assert no_horizontal_scroll(phone)
        screenshot(phone, f"poll-{lang}-phone-revealed")
        for page in (lecturer, phone):
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.evaluate(CUT) == []  # no button label, heading or chart text cut off
    finally:
        lecturer_context.close()
        phone_context.close()
