"""MLP Lab: the entry point. Declares the pages in lecture order and draws the home page."""

from __future__ import annotations

import gc
import importlib
import threading

import streamlit as st

from mlp_core import DESCRIPTIONS, PRESETS  # configs only: torch is not imported here
from lessons.lecture.poll import class_poll_ui
from mlp_core.i18n import N_, _
from lessons.lecture.path import STEPS
from lessons.lecture.questions import QUESTIONS
from ui.language import language_ui, use_language
from ui.lecture import lecture_setup, lecture_ui
from ui.style import page_style_ui

PAGES = {  # titles and lessons in English, marked for the catalogs; shown with _() in the reader's language
    "perceptron_xor": (N_("Perceptron & XOR"), "pages/perceptron_xor.py", ":material/call_split:",
                       N_("A single-layer perceptron solves AND and OR but no line separates XOR; "
                          "one hidden layer, trained by backpropagation, does.")),
    "backprop_walkthrough": (N_("Backprop walkthrough"), "pages/backprop_walkthrough.py", ":material/account_tree:",
                             N_("Forward values and backward gradients on a computational graph: the chain "
                                "rule node by node, up to one weight of a real MLP.")),
    "quadratic_regression": (N_("Quadratic regression"), "pages/quadratic_regression.py", ":material/show_chart:",
                             N_("An MLP fits y = x² + 3 + noise: depth, width, activation, learning rate and "
                                "noise change what it can fit.")),
}


def home() -> None:
    st.title("MLP Lab")
    class_poll_ui()  # a student link's poll, or the lecturer's "Class poll" section (folded)
    st.markdown(_(
        "An interactive companion to the lecture on **multi-layer perceptrons**. Every page trains "
        "real PyTorch networks live, with the lecture's exact settings as presets: the same seed "
        "gives the same losses as the lecture's scripts, step by step. Move a slider and the "
        "network retrains; copy the link and anyone gets the same run."
    ))
    columns = st.columns(len(PAGES))
    for column, (title, path, icon, lesson) in zip(columns, PAGES.values()):
        with column.container(border=True, height="stretch"):
            st.subheader(_(title))
            st.write(_(lesson))
            st.page_link(path, label=_("Open {title}", title=_(title)), icon=icon)
    st.subheader(_("The lecture's experiments"))
    st.caption(_("Each preset reproduces a script from the lecture exactly; choose it on its page."))
    rows = "\n".join(f"| `{name}` | {_(DESCRIPTIONS[name])} |" for name in PRESETS)
    st.markdown(_("| preset | experiment |") + "\n|---|---|\n" + rows)


# What the training pages import: loaded once in the background at server start (see `warm_up`).
# (torch.fx's symbolic shapes, and sympy with them, are what the first training imports lazily.)
PAGE_MODULES = ("ui.live", "ui.sweeps", "ui.exports", "lessons.xor.run_view", "lessons.xor.sweep",
                "lessons.quadratic.charts", "lessons.quadratic.sweep", "lessons.backprop.sections",
                "torch.fx.experimental.symbolic_shapes")


def _warm_up() -> None:
    for name in PAGE_MODULES:
        importlib.import_module(name)
    # Everything imported so far (torch alone is hundreds of thousands of objects) lives as long as
    # the server: moved out of the garbage collector's sight. Without this every visit set off a
    # full collection that scanned them all, ~0.19 s of server CPU per visit, most of what a visit
    # served from the run store cost.
    gc.freeze()
    importlib.import_module("ui.live").warm_up()


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per server process, in the background: import torch and what the pages need, then
    queue the lecture's presets on the trainer pool (ui/live.py, `warm_up`).

    Importing torch takes seconds; the home page needs none of it, so it shows at once while the
    import runs, and the first training page a visitor opens finds torch loaded and, soon, its
    default run in the store. A run a visitor asks for goes ahead of the presets.
    """
    thread = threading.Thread(target=_warm_up, daemon=True, name="warm-up")
    thread.start()
    return thread


presenting = lecture_setup(STEPS, QUESTIONS)  # presenter view: the sidebar starts collapsed (ui/lecture.py)
st.set_page_config(page_title="MLP Lab", page_icon=":material/hub:", layout="wide",
                   initial_sidebar_state="collapsed" if presenting else "auto")
use_language()  # every message of this run in the reader's language (ui/language.py)
page_style_ui()
language_ui()
warm_up()
navigation = st.navigation(
    [st.Page(home, title=_("Home"), icon=":material/home:", default=True)]
    + [st.Page(path, title=_(title), icon=icon, url_path=key) for key, (title, path, icon, _lesson) in PAGES.items()]
)
lecture_ui(navigation.url_path)  # the lecture bar above the page, when the lecture path is on
navigation.run()
