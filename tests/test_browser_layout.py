"""What the class sees: every page at a 1280×720 projector, a 1920×1080 screen and a 390×844 phone,
with nothing a user reads cut off — metric values and labels, buttons, headings, chart titles,
display formulas (issue 19). Screenshots of the top of each page go to screenshots/."""

from __future__ import annotations

import re

import pytest

from ui.browser import no_exception, screenshot, wait_until_idle

pytestmark = pytest.mark.browser

VIEWPORTS = {"projector": (1280, 720), "screen": (1920, 1080), "phone": (390, 844)}
PAGES = {"xor": "perceptron_xor", "quadratic": "quadratic_regression?epochs=2000", "backprop": "backprop_walkthrough",
         # a diverged run: the longest numbers a metric shows (+7.63e+31 (+8.53e+33%))
         "diverged": "quadratic_regression?hidden_widths=2-3-4&learning_rate=100&optimizer=sgd&loss=mse&noise_std=1.0"
                     "&n_samples=1000&x_limit=10.0"}

# What is cut: an element a user reads whose content is wider than its box (Streamlit cuts such text
# with "…" or hides it), SVG text ending in "…" (Vega truncates a title to the chart's width), and a
# display formula wider than its box by more than a few pixels (its end scrolls out of sight).
CUT = """() => {
  const cut = [];
  const readable = '[data-testid="stMetricValue"], [data-testid="stMetricLabel"], button, h1, h2, h3';
  document.querySelectorAll(readable).forEach(element => {
    if (element.offsetParent === null || element.closest('[data-testid="stSidebar"]')) return;
    for (const box of [element, ...element.querySelectorAll('div, p, span')]) {
      if (box.scrollWidth > box.clientWidth + 1) { cut.push(element.innerText.slice(0, 60)); return; }
    }
  });
  document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text').forEach(text => {
    if ((text.textContent || '').endsWith('…')) cut.push(text.textContent);
  });
  // A button label broken inside its words ("R/e/s/et", a letter per line) is as unreadable as a cut one.
  document.querySelectorAll('button p').forEach(label => {
    if (label.offsetParent === null || label.closest('[data-testid="stSidebar"]')) return;
    const text = label.innerText.trim();
    const lineHeight = parseFloat(getComputedStyle(label).lineHeight);
    if (!text || !lineHeight) return;
    const lines = Math.round(label.getBoundingClientRect().height / lineHeight);
    if (lines > text.split(/\\s+/).length) cut.push('wrapped inside a word: ' + text.slice(0, 30));
  });
  document.querySelectorAll('.katex-display').forEach(formula => {
    if (formula.scrollWidth > formula.clientWidth + 6) cut.push('formula: ' + formula.innerText.slice(0, 30));
  });
  return cut;
}"""


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_nothing_a_user_reads_is_cut_off(chromium, app_url, name, viewport, language):
    """In both languages: Korean labels differ in length from the English ones."""
    width, height = VIEWPORTS[viewport]
    context = chromium.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        link = PAGES[name]
        page.goto(f"{app_url}/{link}{'&' if '?' in link else '?'}lang={language}")
        wait_until_idle(page, timeout_ms=180_000)
        page.wait_for_selector('[data-testid="stMetric"], .katex-display', timeout=60_000)
        page.wait_for_timeout(1000)  # the last charts' layout
        assert no_exception(page)
        assert page.evaluate(CUT) == []
        screenshot(page, f"layout-{name}-{viewport}" + ("-ko" if language == "ko" else ""))
    finally:
        context.close()


def test_a_korean_browser_opens_the_app_in_korean(chromium, app_url):
    """Without lang in the link, the browser's language decides; the link then carries it."""
    context = chromium.new_context(viewport={"width": 1280, "height": 720}, locale="ko-KR")
    try:
        page = context.new_page()
        page.goto(f"{app_url}/quadratic_regression?epochs=300")
        wait_until_idle(page, timeout_ms=120_000)
        assert no_exception(page)
        page.wait_for_function("() => window.location.search.includes('lang=ko')", timeout=30_000)
        assert re.search(r"[\uac00-\ud7a3]", page.inner_text("body"))
    finally:
        context.close()
