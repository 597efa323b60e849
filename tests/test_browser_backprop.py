"""The Backprop walkthrough in headless Chromium: the graphs draw, stepping moves the highlight."""
from __future__ import annotations

import pytest

from ui.browser import screenshot, wait_until_idle
from ui import theme

pytestmark = pytest.mark.browser

GRAPH = '[data-testid="stGraphVizChart"]'


def open_page(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/backprop_walkthrough{query}")
    wait_until_idle(page)
    page.wait_for_selector(f"{GRAPH} svg", timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def first_graph_text(page) -> str:
    return page.locator(GRAPH).first.inner_text()


def accent_fills(page) -> int:
    """How many shapes in the first graph are filled with the palette's ACCENT (the current node)."""
    return page.locator(f'{GRAPH} >> nth=0').locator(f'svg [fill="{theme.ACCENT}"]').count()


def scroll_to(page, heading: str) -> None:
    """Put a section's heading at the top of the window, as a lecturer scrolls to it."""
    page.get_by_text(heading).first.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)  # charts draw lazily once scrolled into view


def click_button(page, label: str, nth: int = 0) -> None:
    page.get_by_role("button", name=label, exact=True).nth(nth).click()
    wait_until_idle(page)


def test_page_draws_its_graphs_and_steps_through_them(page, app_url):
    open_page(page, app_url)
    assert page.locator(f"{GRAPH} svg").count() >= 4  # E4, E5 expanded, E5 gate, E6 (in expander)
    assert "Step 0 of 7" in page.inner_text("body")
    assert accent_fills(page) == 0
    screenshot(page, "backprop_start")

    click_button(page, "Next")  # forward: q = x + y
    page.wait_for_function("() => document.body.innerText.includes('Step 1 of 7')")
    assert accent_fills(page) >= 1
    for _ in range(3):  # f, the seed, then the first backward edge f -> q
        click_button(page, "Next")
    page.wait_for_function("() => document.body.innerText.includes('Step 4 of 7')")
    assert "downstream" in page.inner_text("body")  # the KaTeX chain-rule line
    assert "−4" in first_graph_text(page)  # q's gradient, now on the graph
    assert page.locator(GRAPH).first.locator(f'path[stroke="{theme.ACCENT}"]').count() == 1  # f -> q
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "e4_step=4" in page.url
    page.locator(GRAPH).first.scroll_into_view_if_needed()
    screenshot(page, "backprop_step4")
    for heading, name in (("2 · A sigmoid neuron", "backprop_sigmoid"),
                          ("3 · Activation functions", "backprop_activations"),
                          ("4 · One weight", "backprop_one_weight")):
        scroll_to(page, heading)
        screenshot(page, name)


def test_linear_regression_steps_and_quiz_mode_in_the_browser(page, app_url):
    open_page(page, app_url, "?quiz=1&e4_step=5&lr=0.001")
    assert "Quiz mode" in page.inner_text("body")
    answer = page.get_by_label("Your answer: ∂f/∂z =")
    answer.fill("3")
    answer.press("Enter")
    wait_until_idle(page)
    click_button(page, "Check")
    page.wait_for_function("() => document.body.innerText.includes('Right: ∂f/∂z = 3')")
    screenshot(page, "backprop_quiz")

    click_button(page, "Step")
    page.wait_for_function("() => document.body.innerText.includes('Step 1, by hand')")
    click_button(page, "Run 100 steps")
    page.wait_for_function("() => document.body.innerText.includes('Step 101, by hand')",
                           timeout=60_000)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 3
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "steps=101" in page.url
    scroll_to(page, "5 · Linear regression by hand")
    screenshot(page, "backprop_regression")


def test_a_hostile_link_shows_a_notice_in_the_browser(page, app_url):
    open_page(page, app_url, "?x=abc&lr=1e999&nope=1")
    notice = page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "`x`" not in notice and "x" in notice and "nope" in notice
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "backprop_bad_link")
