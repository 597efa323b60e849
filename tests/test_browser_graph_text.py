"""The Backprop walkthrough's graphs are readable where the class sees them (issue 19): every text of
every graph at least 14 CSS px on a 1280×720 projector and 12 px on a 390×844 phone, as the browser
draws it (the SVG's font size times its current scale), and no larger than 32 px on a 1920×1080
screen. Each graph lies inside its column; one that does not must scroll in its own box with a
visible "scroll sideways" cue. Screenshots of each graph go to screenshots/."""

from __future__ import annotations

import pytest

from ui.browser import no_exception, screenshot, wait_until_idle

pytestmark = pytest.mark.browser

GRAPH = '[data-testid="stGraphVizChart"]'
# Mid-walk in both walks (a backward step: highlighted node, inputs and edge), all graphs drawn.
URL = "backprop_walkthrough?e4_step=5&e5_step=12"
# viewport: (width, height, smallest text, largest text) in CSS px
VIEWPORTS = {"projector": (1280, 720, 14.0, None), "phone": (390, 844, 12.0, None),
             "screen": (1920, 1080, 14.0, 32.0)}
EXPANDERS = ("The whole network as a computational graph",)  # graphs drawn only once opened

MEASURE = """() => Array.from(document.querySelectorAll('[data-testid="stGraphVizChart"]'))
  .filter(chart => chart.offsetParent !== null)  // a folded graph's other drawing is hidden
  .map(chart => {
    const svg = chart.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim());
    const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    // where the graph is seen: its nearest ancestor that clips (a scroll box), else the window
    let clip = chart;
    while (clip && getComputedStyle(clip).overflowX === 'visible') clip = clip.parentElement;
    const view = clip ? clip.getBoundingClientRect() : {left: 0, right: innerWidth};
    const scrolls = !!clip && ['auto', 'scroll'].includes(getComputedStyle(clip).overflowX);
    const cue = !!clip && Array.from(clip.parentElement.querySelectorAll('*')).some(
        e => /scroll sideways/i.test(e.textContent) && e.offsetParent !== null && !e.children.length);
    return {texts: sizes.length, min: Math.min(...sizes), max: Math.max(...sizes),
            width: box.width, height: box.height,
            inside: box.left >= Math.max(0, view.left) - 1 && box.right <= Math.min(innerWidth, view.right) + 1,
            scrolls, cue, words: texts.slice(0, 6).map(t => t.textContent.trim()).join(' ')};
  })"""


def open_walkthrough(page, app_url: str) -> None:
    page.goto(f"{app_url}/{URL}")
    wait_until_idle(page, timeout_ms=180_000)
    for label in EXPANDERS:
        page.get_by_text(label, exact=True).click()
        wait_until_idle(page)
    page.wait_for_function(
        """(graph) => { const drawn = Array.from(document.querySelectorAll(graph))
                          .filter(chart => chart.offsetParent !== null);
                        return drawn.length >= 4 && drawn.every(chart => chart.querySelector('svg text')); }""",
        arg=GRAPH, timeout=60_000)
    page.wait_for_timeout(500)  # the last graph's layout
    assert no_exception(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_graph_of_the_walkthrough_is_readable(chromium, app_url, viewport):
    width, height, smallest, largest = VIEWPORTS[viewport]
    context = chromium.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        open_walkthrough(page, app_url)
        graphs = page.evaluate(MEASURE)
        report = [f"{g['words']}: {g['min']:.1f}–{g['max']:.1f} px" for g in graphs]
        print(viewport, report)
        # E4, the expanded sigmoid walk, the sigmoid gate, the whole network
        assert len(graphs) == 4, report
        for graph in graphs:
            assert graph["texts"] >= 10 and graph["width"] > 100 and graph["height"] > 100, report
            assert graph["min"] >= smallest, report
            if largest is not None:
                assert graph["max"] <= largest, report
            assert graph["inside"] or (graph["scrolls"] and graph["cue"]), report
        charts = page.locator(GRAPH)
        for i in range(charts.count()):
            if charts.nth(i).is_visible():
                charts.nth(i).scroll_into_view_if_needed()
                page.wait_for_timeout(200)
                screenshot(page, f"graph-text-{viewport}-{i}")
    finally:
        context.close()
