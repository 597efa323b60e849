"""Perceptron & XOR as the class sees it (issue 19), measured in headless Chromium: the network
diagram's text size on a 1280×720 projector and a 390×844 phone, and the decision-boundary heatmap
square on a phone (the chart's width follows the column; its height once stayed fixed)."""

from __future__ import annotations

import pytest

from ui.browser import no_exception, screenshot, wait_until_idle

pytestmark = pytest.mark.browser

GRAPH_TEXT = '[data-testid="stGraphVizChart"] svg text'

# Rendered size of every diagram text in CSS px: its font size in the SVG's units times the SVG's
# scale on screen (Streamlit stretches the graph to its column), and its box height.
TEXT_SIZES = """(selector) => [...document.querySelectorAll(selector)].map(text => [
    parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a, text.getBoundingClientRect().height])"""

# The plotting area of the chart titled "Decision boundary": the bounding box of its heatmap cells.
PLOT_AREA = """() => {
  const chart = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
      .find(c => (c.innerText || c.textContent).includes('Decision boundary'));
  const box = chart.querySelector('g.mark-rect.role-mark').getBoundingClientRect();
  return [box.width, box.height];
}"""


def open_xor(chromium, app_url, width: int, height: int):
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{app_url}/perceptron_xor")  # E1, 2-2-1, trained to its end
    wait_until_idle(page, timeout_ms=180_000)
    page.wait_for_selector(f"{GRAPH_TEXT}", timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] g.mark-rect').length >= 2",
                           timeout=60_000)
    page.wait_for_timeout(1000)  # the last charts' layout
    assert no_exception(page)
    return context, page


@pytest.mark.parametrize("viewport, smallest", [((1280, 720), 14.0), ((390, 844), 12.0)])
def test_the_diagram_text_is_large_enough_to_read(chromium, app_url, viewport, smallest):
    context, page = open_xor(chromium, app_url, *viewport)
    try:
        sizes = page.evaluate(TEXT_SIZES, GRAPH_TEXT)
        assert len(sizes) == 14  # 5 nodes (3 with a bias line) and 6 weights
        font = min(size for size, _ in sizes)
        box = min(height for _, height in sizes)
        page.locator('[data-testid="stGraphVizChart"]').first.scroll_into_view_if_needed()
        screenshot(page, f"xor-diagram-{viewport[0]}x{viewport[1]}")
        # 2026-12 before the fix: 13.6 px at 1280×720 (box 14), 12.3 on a phone; after: 17.0 and 15.5.
        assert font >= smallest and box >= smallest, (font, box)
    finally:
        context.close()


def test_the_heatmap_stays_square_on_a_phone(chromium, app_url):
    context, page = open_xor(chromium, app_url, 390, 844)
    try:
        width, height = page.evaluate(PLOT_AREA)
        page.locator('[data-testid="stVegaLiteChart"]').first.scroll_into_view_if_needed()
        screenshot(page, "xor-heatmap-phone")
        # Before the fix: 199 × 334 px (0.60); after: 199 × 199.
        assert 0.9 <= width / height <= 1.1, (width, height)
        assert width >= 180  # square, and not by shrinking to a stamp
    finally:
        context.close()
