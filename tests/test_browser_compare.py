"""Comparing runs in a real browser at 1280×720, in English and Korean: E1 vs E2 on the XOR page (chosen
with one click, then from its link), E8 vs E9 on the regression page; screenshots of the comparison
go to screenshots/ (compare-*.png) for a person to look at."""

from __future__ import annotations

import pytest

from test_browser_layout import CUT
from ui.browser import SCREENSHOTS, no_exception, wait_for_charts, wait_until_idle

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}


@pytest.fixture
def small_page(chromium, app_url):
    context = chromium.new_context(viewport=PROJECTOR)
    tab = context.new_page()
    yield tab
    context.close()


def shoot(page, key: str, name: str) -> None:
    """The screen a lecturer sees scrolled to the comparison (1280×720, `name`-screen.png), and the
    comparison block whole (`name`.png: the window made as tall as the page, the width kept, so the
    layout is the same; Streamlit scrolls its own main area, which a taller element shot leaves blank)."""
    block = page.locator(f".st-key-{key}")
    block.scroll_into_view_if_needed()
    page.evaluate("(key) => document.querySelector('.st-key-' + key).scrollIntoView({block: 'start'})", key)
    page.wait_for_timeout(800)  # the charts' last layout
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-screen.png"))
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": PROJECTOR["width"], "height": max(PROJECTOR["height"], height)})
    page.wait_for_timeout(800)
    block.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.set_viewport_size(PROJECTOR)


def overflowing(page, key: str) -> list[str]:
    """Charts or buttons in the block wider than their column (cut off at the side)."""
    return page.evaluate("""(key) => {
        const block = document.querySelector('.st-key-' + key);
        const out = [];
        for (const el of block.querySelectorAll('[data-testid="stVegaLiteChart"], button')) {
            const parent = el.closest('[data-testid="stColumn"]') || block;
            const a = el.getBoundingClientRect(), b = parent.getBoundingClientRect();
            if (!a.width) continue;  // not shown (a closed popover)
            if (a.right > b.right + 2 || a.left < b.left - 2)
                out.push((el.innerText || el.dataset.testid) + ` ${a.left}-${a.right} in ${b.left}-${b.right}`);
        }
        return out;
    }""", key)


def test_e1_vs_e2_in_one_click_then_from_its_link(small_page, app_url):
    page = small_page
    page.goto(f"{app_url}/perceptron_xor?lang=en")
    wait_until_idle(page)
    page.get_by_role("button", name="Compare the lecture's runs").click()
    page.get_by_role("button", name="E1 vs E2: one hidden layer of 2 vs three of 10").click()
    page.keyboard.press("Escape")  # the popover closes
    page.wait_for_function("() => window.location.search.includes('pin=')", timeout=30_000)
    wait_until_idle(page, timeout_ms=180_000)
    assert no_exception(page)
    text = page.locator(".st-key-xor-compare").inner_text()
    assert "depth 1 vs 3 · width 2 vs 10" in text and text.count("solved by epoch") == 2
    wait_for_charts(page, 5)
    shoot(page, "xor-compare", "compare-e1-e2-en")
    assert overflowing(page, "xor-compare") == [] and page.evaluate(CUT) == []  # the layout test's check
    link = page.url

    page.goto(link.replace("lang=en", "lang=ko"))  # the link, in Korean: the same two runs, from the store
    wait_until_idle(page, timeout_ms=180_000)
    assert no_exception(page)
    text = page.locator(".st-key-xor-compare").inner_text()
    assert "깊이 1 대 3 · 너비 2 대 10" in text and text.count("에폭까지 해결") == 2
    assert overflowing(page, "xor-compare") == [] and page.evaluate(CUT) == []
    shoot(page, "xor-compare", "compare-e1-e2-ko")


@pytest.mark.parametrize("language, contrast", [("en", "SGD vs Adam"), ("ko", "SGD 대 Adam")])
def test_e8_vs_e9(small_page, app_url, language, contrast):
    page = small_page
    page.goto(f"{app_url}/quadratic_regression?lang={language}&pin=H2-3-4OsgdN1X10~%3D")
    wait_until_idle(page, timeout_ms=240_000)
    assert no_exception(page)
    text = page.locator(".st-key-quad-compare").inner_text()
    assert contrast in text
    wait_for_charts(page, 4)
    assert overflowing(page, "quad-compare") == [] and page.evaluate(CUT) == []
    shoot(page, "quad-compare", f"compare-e8-e9-{language}")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_four_runs_fit_side_by_side(small_page, app_url, language):
    """The most a comparison holds, with the longest names (four aspects differ): nothing cut off, the
    small multiples in one row."""
    page = small_page
    page.goto(f"{app_url}/perceptron_xor?lang={language}&pin=%3D~H10-10-10~B1~H10-10-10R0.01Oadam")
    wait_until_idle(page, timeout_ms=240_000)
    assert no_exception(page)
    wait_for_charts(page, 7)
    assert overflowing(page, "xor-compare") == [] and page.evaluate(CUT) == []
    tops = page.evaluate("""() => [0, 1, 2, 3].map(i => document.querySelector('.st-key-xor-compare-' + i)
                                                         .getBoundingClientRect().top)""")
    assert max(tops) - min(tops) < 2  # one row
    shoot(page, "xor-compare", f"compare-four-{language}")
