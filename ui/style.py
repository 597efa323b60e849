"""The app's own CSS, sent once per page run from the entry point: what a 1280×720 projector and
a 390 px phone need beyond Streamlit's theme. Measured with headless Chromium (README, "What the
class sees"): at 1280×720 four metrics share ~190 px each, and a value such as "10,001 / 10,001"
at Streamlit's 2.25rem was cut to "10,001 / 1…"."""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
/* Metric values: smaller on narrow columns, and wrapped at spaces rather than cut off. */
[data-testid="stMetricValue"] > div {
    font-size: clamp(1.25rem, 1.9vw, 2.25rem);
    overflow: visible;
}
[data-testid="stMetricValue"] p {
    white-space: normal;
    overflow-wrap: anywhere;
    text-overflow: clip;
}
/* Metric labels too: "σ(w1·x + b1) = …" was cut where a chain-rule factor's name is the point. */
[data-testid="stMetricLabel"] * {
    white-space: normal;
    overflow: visible;
    text-overflow: clip;
}
/* Button labels wrap instead of being cut to their first letter. */
[data-testid="stBaseButton-secondary"] p, [data-testid="stBaseButton-primary"] p {
    white-space: normal;
    overflow-wrap: anywhere;
}
/* Graphviz graphs keep their own font sizes: Streamlit's theme sets every element inside a chart
   to a 0.6rem font, which beats the SVG's font-size attributes (the walkthrough did this for its
   own graphs alone; the XOR diagram was drawn at ~9 px). */
[data-testid="stGraphVizChart"] svg text { font-size: revert-layer; font-family: revert-layer; }
/* Folded graphs (lessons/backprop/steps.py, `graph_ui`): a long graph comes twice, in rows of 4
   ranks and in rows of 2; the width of the column it stands in picks one, so that its text is at
   least 14 px on a 1280×720 projector and 12 px on a 390 px phone (tests/test_browser_graph_text.py). */
[class*="st-key-graph_fold_"] { container-type: inline-size; }
[class*="st-key-graph_narrow_"] { display: none; }
@container (max-width: 560px) {
    [class*="st-key-graph_wide_"] { display: none; }
    [class*="st-key-graph_narrow_"] { display: flex; }
}
/* A walkthrough's graph stands above its Next button: on a 720 px projector both fit on one screen. */
[class*="st-key-graph_wide_walk_"] svg { max-height: max(560px, 100vh - 180px); }
/* Korean breaks between words, not inside them ("깊/이" on a phone was the browser's default CJK
   breaking); a word longer than its line still breaks. English is unaffected. */
[data-testid="stMarkdownContainer"], [data-testid="stMarkdownContainer"] *, [data-testid="stWidgetLabel"] *,
[data-testid="stMetricLabel"] *, [data-testid="stCaptionContainer"] *, [data-testid="stHeading"] *, button p {
    word-break: keep-all !important;  /* Streamlit's own rules on p set break-word, more specific */
    overflow-wrap: anywhere;
}
/* Pills (the walkthrough's activations) wrap to the next line instead of running off a phone's screen. */
[data-testid="stButtonGroup"] > div { flex-wrap: wrap; }
/* The lecture bar's scripts (ui/lecture.py) take no room. */
[class*="st-key-lecture_scripts"], [class*="st-key-lecture_scroll"] { display: none; }
/* Display formulas scale with the window, so that their result stays on screen. */
.katex-display > .katex { font-size: clamp(0.75em, 1.1vw, 1.21em); }
</style>
"""


def page_style_ui() -> None:
    """Apply the app's CSS to the page being run (an invisible element)."""
    st.html(CSS)
