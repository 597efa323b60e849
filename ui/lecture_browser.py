"""Lecture mode's side in the browser (ui/lecture.py draws them): the clicker keys' listener, the
scroll to a walkthrough section, and presenter view's CSS. Scripts run through `st.html` on the
app's own document; their elements take no room (ui/style.py hides `st-key-lecture_scripts` and
`st-key-lecture_scroll`)."""

from __future__ import annotations

import json

import streamlit as st

KEYS_SCRIPT = """
<script>
(function () {
  const doc = document, win = window;
  if (win.__lectureKeys) doc.removeEventListener("keydown", win.__lectureKeys, true);
  const forward = ["ArrowRight", "PageDown"], backward = ["ArrowLeft", "PageUp"];
  win.__lectureKeys = function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const which = forward.includes(event.key) ? "%(next)s" : backward.includes(event.key) ? "%(previous)s" : null;
    if (!which) return;
    const active = doc.activeElement;
    if (active && (active.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName)
        || active.closest("[role=slider], [role=tablist], [role=listbox], [role=radiogroup], [data-baseweb=select]"))) return;
    const button = doc.querySelector(".st-key-" + which + " button");
    if (!button || button.disabled) return;
    event.preventDefault();
    event.stopPropagation();
    button.click();
  };
  doc.addEventListener("keydown", win.__lectureKeys, true);
})();
</script>
"""


def keys_script(next_key: str, previous_key: str) -> None:
    """The keys' listener on the app's document (st.html runs it there, not in an iframe; it replaces
    the listener a previous run added): it presses the buttons of keys `next_key` / `previous_key`.
    Its element takes no room (CSS: `st-key-lecture_scripts`)."""
    with st.container(key="lecture_scripts"):
        st.html(KEYS_SCRIPT % {"next": next_key, "previous": previous_key}, unsafe_allow_javascript=True)


def scroll_to(section: str, step_id: str | None) -> None:
    """Scroll the page to the walkthrough's section once it is drawn (a few tries while it renders)."""
    script = f"""<script>
    (function () {{
      // Kept at the section while the page above it is still drawing (charts and graphs change its
      // height for a few seconds), until the reader scrolls or presses a key themselves.
      let tries = 0, stopped = false;
      const stop = () => {{ stopped = true; }};
      ["wheel", "touchstart", "keydown", "mousedown"].forEach(name => window.addEventListener(name, stop, {{once: true, capture: true}}));
      const go = () => {{
        if (stopped) return;
        const target = document.getElementById({json.dumps(section)});
        if (target && Math.abs(target.getBoundingClientRect().top - 80) > 40) target.scrollIntoView({{block: "start"}});
        if (tries++ < 60) setTimeout(go, 200);
      }};
      go();  // step {step_id}: a new element for every step, so that it runs again
    }})();
    </script>"""
    with st.container(key="lecture_scroll"):
        st.html(script, unsafe_allow_javascript=True)


# Presenter view (measured in tests/test_browser_lecture.py at 1920×1080 and 1280×720): the root font
# size grows with the window (Streamlit sizes its text in rem), so body text is ≥ 20 px at 1920 px and
# ≥ 17 px at 1280; metric values larger but wrapped, never cut off; the page uses the full width.
PRESENTER_CSS = """
<style>
html { font-size: clamp(18px, 1.2vw, 28px); }
[data-testid="stMainBlockContainer"] { padding-top: 4rem; padding-left: 2rem; padding-right: 2rem; max-width: 100%; }
[data-testid="stMetricValue"] > div { font-size: clamp(1.5rem, 2.1vw, 2.6rem); }
[data-testid="stMetricLabel"] p { font-size: 1rem; }
[class*="st-key-lecture_bar"] { background: #fff7ed; }
/* The bar's heading names the step; the page's own title would push the charts off the screen. */
[data-testid="stMain"] h1 { display: none; }
[class*="st-key-lecture_bar"] [data-testid="stMarkdownContainer"] p { font-size: 1.08rem; }
/* The architecture's three widgets side by side in its column of the bar. */
[class*="st-key-lecture_controls"] [data-testid="stColumn"] > [data-testid="stVerticalBlock"] { flex-flow: row wrap; }
[class*="st-key-lecture_controls"] [data-testid="stColumn"] > [data-testid="stVerticalBlock"] > * { flex: 1 1 8rem; width: auto; min-width: 8rem; }
</style>
"""
