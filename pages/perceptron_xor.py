"""Perceptron & XOR: a single-layer perceptron solves AND and OR but not XOR; a hidden layer does (E1–E3).

Reads top to bottom as the page looks: the settings, the lesson's sentence, then the run view
(lessons/xor/run_view.py: charts, metrics, diagram, hidden space, printout), the seed sweep and
the exports.
"""

from __future__ import annotations

import streamlit as st

from lessons.xor import compare as xor_compare
from lessons.xor.analysis import lesson
from lessons.xor.run_view import XorRunView
from lessons.xor.sweep import classification_panel
from mlp_core.i18n import _
from ui.compare import compare_panel
from ui.controls import PageControls, config_ui, show_url_notices
from ui.exports import export_panel
from ui.live import show_run
from ui.navigation import ensure_entrypoint
from ui.owndata import own_data_ui

CONTROLS = PageControls(
    page="xor",
    fields=("gate", "hidden_widths", "activation", "learning_rate", "optimizer", "epochs", "batch_size",
            "noise_std", "n_samples", "seed", "points"),
    presets=("xor-2-2-1", "xor-2-10-10-10-1", "perceptron-and", "perceptron-or", "perceptron-xor"),
    default_preset="xor-2-2-1",
    # Every preset's values lie inside these limits (n_samples defaults to 1000): the controls clamp a
    # value outside them silently, and the clamped config would no longer equal its preset.
    limits={"noise_std": (0.0, 0.5), "n_samples": (8, 1000), "epochs": (1, 20_000), "hidden_widths": (1, 32),
            "batch_size": (0, 1000)},
)


ensure_entrypoint()
st.title(_("Perceptron & XOR"))
own_data_ui(CONTROLS, "labels", st.container())  # before the controls read the points it chose
with st.sidebar:
    st.header(_("Settings"))
    config = config_ui(CONTROLS)
show_url_notices(CONTROLS)
st.markdown(lesson(config))

view = XorRunView(config)
with view.status_slot:
    result = show_run(config, view.draw, key="xor")

if result is not None:
    view.finish(result)
compare_panel(CONTROLS, config, result, xor_compare.LESSON)  # pinned runs side by side (ui/compare.py)
if result is not None:
    if st.toggle(_("Seed sweep: train this architecture from 100 seeds at once"), key="xor.show_sweep"):
        st.markdown(_("One run says whether *this* seed learned. The same settings from seeds 0–99, trained "
                      "together in one batched run, say **how often** this architecture learns the gate — the "
                      "2-2-1 net sits on the ln 2 plateau for a fair share of seeds."))
        classification_panel(config, CONTROLS)
    widths = "-".join(map(str, (2, *config.model.hidden_widths, 1)))
    export_panel(result, f"{'points' if config.data.points is not None else config.data.gate}_{widths}")
