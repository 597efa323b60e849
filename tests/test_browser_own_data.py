"""Data of one's own in a real browser: a CSV uploaded on each training page (Playwright's
set_input_files), trained on, drawn; a bad file gets its message. In English and Korean, with
screenshots under screenshots/ to look at."""

from __future__ import annotations

import math

import pytest

from mlp_core.owndata import PointSet
from ui.browser import SCREENSHOTS, no_exception, screenshot, wait_for_charts, wait_until_idle

pytestmark = pytest.mark.browser

WORDS = {  # what the page says, by language
    "en": {"own": "Your points", "read": "read 40 points", "intro": "your 40 points", "bad": "is not a number"},
    "ko": {"own": "내 점", "read": "점 40개를 읽었습니다", "intro": "내 점 40개", "bad": "숫자가 아닙니다"},
}


def wave() -> PointSet:
    """40 points of a wave: a fit the network bends to."""
    return PointSet("xy", [(x / 4 - 5, 8 * math.sin(x / 4 - 5) + (x % 3)) for x in range(40)])


def rings() -> PointSet:
    """40 labelled points: an inner cluster (1) inside a ring (0), which no straight line separates."""
    points = []
    for k in range(20):
        angle = 2 * math.pi * k / 20
        points.append((0.5 + 0.15 * math.cos(angle), 0.5 + 0.15 * math.sin(angle), 1.0))
        points.append((0.5 + 0.45 * math.cos(angle), 0.5 + 0.45 * math.sin(angle), 0.0))
    return PointSet("labels", points)


def shoot(page, name: str) -> None:
    """A screenshot with the charts in view (the page scrolls inside its own container)."""
    page.locator('[data-testid="stVegaLiteChart"]').first.scroll_into_view_if_needed()
    page.mouse.wheel(0, -120)
    page.wait_for_timeout(600)
    screenshot(page, name)


def upload(page, points: PointSet, name: str, language: str) -> None:
    page.get_by_text(WORDS[language]["own"], exact=True).click()
    wait_until_idle(page)
    path = SCREENSHOTS / name
    path.write_text(points.to_csv())
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.wait_for_function("() => window.location.search.includes('points=')", timeout=60_000)
    wait_until_idle(page)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_an_uploaded_csv_on_the_regression_page(page, app_url, language):
    page.goto(f"{app_url}/quadratic_regression?epochs=1500&hidden_widths=32-32&lang={language}")
    wait_until_idle(page)
    upload(page, wave(), f"wave-{language}.csv", language)
    wait_for_charts(page, 2)
    assert no_exception(page)
    text = page.inner_text("body")
    assert WORDS[language]["read"] in text and WORDS[language]["intro"] in text
    shoot(page, f"own-data-regression-{language}")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_an_uploaded_csv_on_the_xor_page(page, app_url, language):
    page.goto(f"{app_url}/perceptron_xor?epochs=3000&hidden_widths=8&optimizer=adam&learning_rate=0.05"
              f"&lang={language}")
    wait_until_idle(page)
    upload(page, rings(), f"rings-{language}.csv", language)
    wait_for_charts(page, 3)
    assert no_exception(page)
    assert WORDS[language]["read"] in page.inner_text("body")
    shoot(page, f"own-data-xor-{language}")
    page.locator(".st-key-xor-hidden").scroll_into_view_if_needed()
    page.wait_for_timeout(600)
    screenshot(page, f"own-data-xor-hidden-{language}")
    path = SCREENSHOTS / "bad.csv"
    path.write_text("x1,x2,label\n0,0,0\n0,one,1\n1,0,1\n1,1,0\n")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.wait_for_function(f"() => document.body.innerText.includes({WORDS[language]['bad']!r})", timeout=30_000)
    wait_until_idle(page)
    assert no_exception(page)
    assert "x2" in page.inner_text("body")
    screenshot(page, f"own-data-bad-file-{language}")
