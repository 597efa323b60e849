"""Korean in the backprop walkthrough's graphs and code panel (issue 16): every Graphviz label the
page can draw (each step of both walks, the sigmoid gate, the E6 network, folded or not, quiz or
not) and the PyTorch panel's title and comments, in Korean with lang=ko and in English with en."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lessons.backprop import code
from lessons.backprop.diagram import Highlight, graph_dot, walk_dot
from lessons.backprop.state import CONTROLS
from mlp_core import i18n
from mlp_core.circuits import circuit_e4, circuit_e5_expanded, circuit_e5_sigmoid, circuit_e6
from mlp_core.graph import graph_data, walkthrough
from tests.i18n_support import _graph_texts, english_words, hangul, readable_texts

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "backprop_walkthrough.py")
E6_DEFAULTS = [CONTROLS[f"net_{k}"].default for k in ("w1", "b1", "w2", "b2", "w3", "b3", "x", "target")]


@pytest.fixture(params=["ko", "en"])
def language(request):
    i18n.use(request.param)
    yield request.param
    i18n.use("en")


def every_graph() -> list[str]:
    """The DOT of every graph the walkthrough draws, as steps.py and sections.py draw them."""
    dots = []
    for circuit in (circuit_e4(), circuit_e5_expanded()):
        circuit.backward()
        graph = graph_data(circuit)
        for step in walkthrough(circuit):
            for columns in (None, 4, 2):
                for hide in (False, True):
                    dots.append(walk_dot(graph, step, hide_current_grad=hide, columns=columns))
    gate = circuit_e5_sigmoid()
    gate.backward()
    graph = graph_data(gate)
    sigmoid, z = graph.nodes[-1], next(n for n in graph.nodes if n.label == "z")
    highlight = Highlight(sigmoid.id, frozenset({z.id}), (z.id, sigmoid.id), "σ(1 − σ) = 0.1966")
    for grads in (None, {}):
        dots += [graph_dot(graph, grads=grads, highlight=highlight, columns=c) for c in (4, 2)]
    loss = circuit_e6(*E6_DEFAULTS)
    loss.backward()
    graph = graph_data(loss)
    by_name = {n.label: n.id for n in graph.nodes}
    dots += [graph_dot(graph, highlight=Highlight(by_name["w2"], frozenset({by_name["loss"]})), columns=c)
             for c in (4, 2)]
    return dots


def graph_texts(dot: str) -> list[str]:
    """The text of a graph's labels. As i18n_support._graph_texts, but it takes only the outer
    brackets off an HTML label (`<<TABLE …>…</TABLE>>`): `strip('<>"')` took the first tag's `<`
    too, and its attributes (STYLE="rounded", BGCOLOR="white") read as words."""
    found = re.findall(r'(?:label|tooltip|xlabel)\s*=\s*(<(?:[^<>]|<[^<>]*>)*>|"(?:[^"\\]|\\.)*")', dot)
    return [re.sub(r"<[^>]*>", " ", label[1:-1]) for label in found]


# What i18n_support._graph_texts lets through of the boxes' HTML (see graph_texts): not words
HTML_ATTRIBUTES = {"rounded", "white"}


def labels(dots: list[str]) -> list[str]:
    return [text for dot in dots for text in graph_texts(dot) if text.strip()]


def test_every_graph_label_is_in_the_language(language):
    texts = labels(every_graph())
    assert texts
    if language == "ko":
        assert english_words(texts) == set()
        assert all(word in " ".join(texts) for word in (" 값 ", " 기울기 ", " 합 ", " 오차 ", " 손실 ", " −정답 "))
    else:
        assert hangul(texts) == []
        assert all(word in " ".join(texts) for word in ("value", "grad", "sum", "error", "loss", "−target"))


def test_node_names_that_are_symbols_stay_as_they_are(language):
    """x, w0, H1_in, ŷ, exp(−z) are the formulas' symbols: the same boxes in both languages."""
    text = " ".join(labels(every_graph()))
    for symbol in (" x ", " w0 ", " H1_in ", " ŷ ", " exp(−z) ", " 1 + exp(−z) ", " w2·H1 "):
        assert symbol in text


def code_listings() -> list[str]:
    return [code.code_e4(-2.0, 5.0, -4.0), code.code_e5((2.0, -3.0, -3.0), (-1.0, -2.0)),
            code.code_activations(0.1), code.code_e6(*E6_DEFAULTS), code.code_e7(0.001, 3)]


def comments(listing: str) -> list[str]:
    return [line.split("# ", 1)[1] for line in listing.splitlines() if "# " in line]


FORMULA_COMMENTS = {"1 / (1 + e^-x)", "max(0, x)", "log(1 + e^x)", "x·Φ(x)", "x·σ(x)"}


def test_the_code_panels_comments_are_in_the_language(language):
    prose = [c for listing in code_listings() for c in comments(listing) if c not in FORMULA_COMMENTS]
    assert len(prose) == 13
    if language == "ko":
        assert all(hangul([c]) for c in prose), prose
        assert english_words(prose) == set()
    else:
        assert hangul(prose) == []


def test_the_code_is_the_same_code_in_both_languages():
    """Only the comments change: the lines of code and what they print are byte for byte the same."""
    def code_only(listings):
        return [re.sub(r"\s*# .*", "", line) for listing in listings for line in listing.splitlines()]
    i18n.use("ko")
    try:
        korean = code_listings()
    finally:
        i18n.use("en")
    assert code_only(korean) == code_only(code_listings())
    for listing in korean:
        compile(listing, "<code panel>", "exec")


# ---------------------------------------------------------------------------------------------
# The page itself

pytestmark = pytest.mark.usefixtures("fresh_caches")


def open_page(lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def page_graph_texts(at: AppTest) -> list[str]:
    return labels([chart.proto.spec for chart in at.get("graphviz_chart")])


@pytest.mark.parametrize("params", [{}, {"e4_step": "6", "e5_step": "20"}, {"quiz": "1", "e4_step": "4"}])
def test_the_pages_graphs_read_in_korean(params):
    at = open_page("ko", **params)
    texts = page_graph_texts(at)
    assert len(at.get("graphviz_chart")) >= 6 and texts
    assert english_words(texts) == set()
    assert "기울기" in " ".join(texts)
    # readable_texts includes these Graphviz labels: none of them is left in English
    drawn = {text for chart in at.get("graphviz_chart") for text in _graph_texts(chart.proto.spec)}
    assert english_words([t for t in readable_texts(at) if t in drawn], allowed=HTML_ATTRIBUTES) == set()
    expanders = [e.proto.label for e in at.get("expander")]
    assert "이 절의 PyTorch 코드" in expanders and "PyTorch code for this section" not in expanders


def test_the_pages_graphs_read_in_english():
    at = open_page("en", e4_step="6")
    texts = page_graph_texts(at)
    assert texts and hangul(texts) == []
    assert "PyTorch code for this section" in [e.proto.label for e in at.get("expander")]


# ---------------------------------------------------------------------------------------------
# In the browser: the Korean boxes as readable as the English ones (tests/test_browser_graph_text.py),
# and every text inside its box (Graphviz sizes a box from its own font metrics, not the browser's)

INSIDE_BOXES = """() => Array.from(document.querySelectorAll('[data-testid="stGraphVizChart"]'))
  .filter(chart => chart.offsetParent !== null)
  .flatMap(chart => Array.from(chart.querySelectorAll('g.node')).flatMap(node => {
    const outline = node.querySelector('path, polygon');
    if (!outline) return [];
    const box = outline.getBoundingClientRect();
    return Array.from(node.querySelectorAll('text')).filter(t => t.textContent.trim()).map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent.trim(), inside: r.left >= box.left - 1 && r.right <= box.right + 1
              && r.top >= box.top - 1 && r.bottom <= box.bottom + 1};
    });
  }))"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", ["projector", "phone", "screen"])
def test_the_korean_graphs_are_readable(chromium, app_url, viewport):
    from tests.test_browser_graph_text import GRAPH, MEASURE, URL, VIEWPORTS
    from ui.browser import no_exception, screenshot, wait_until_idle

    width, height, smallest, largest = VIEWPORTS[viewport]
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="ko-KR")
    try:
        page = context.new_page()
        page.goto(f"{app_url}/{URL}&lang=ko")
        wait_until_idle(page, timeout_ms=180_000)
        # the E6 network is drawn once its expander opens (whatever its title reads in Korean)
        for summary in page.locator('[data-testid="stExpander"] summary').all():
            if summary.is_visible():
                summary.click()
                wait_until_idle(page)
        page.wait_for_function(
            """(graph) => { const drawn = Array.from(document.querySelectorAll(graph))
                              .filter(chart => chart.offsetParent !== null);
                            return drawn.length >= 4 && drawn.every(chart => chart.querySelector('svg text')); }""",
            arg=GRAPH, timeout=60_000)
        page.wait_for_timeout(500)
        assert no_exception(page)
        graphs = page.evaluate(MEASURE)
        report = [f"{g['words']}: {g['min']:.1f}–{g['max']:.1f} px" for g in graphs]
        print(viewport, report)
        assert len(graphs) == 4, report
        assert any("기울기" in g["words"] for g in graphs), report
        for graph in graphs:
            assert graph["min"] >= smallest, report
            if largest is not None:
                assert graph["max"] <= largest, report
            assert graph["inside"] or (graph["scrolls"] and graph["cue"]), report
        outside = [t["text"] for t in page.evaluate(INSIDE_BOXES) if not t["inside"]]
        assert outside == [], outside
        charts = page.locator(GRAPH)
        for i in range(charts.count()):
            if charts.nth(i).is_visible():
                charts.nth(i).scroll_into_view_if_needed()
                page.wait_for_timeout(200)
                screenshot(page, f"graph-text-ko-{viewport}-{i}")
    finally:
        context.close()
