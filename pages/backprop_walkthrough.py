"""Backprop walkthrough: the chain rule node by node, up to one weight of a real MLP (E4–E7, E10).

Reads top to bottom as the page looks. Numbers come from mlp_core.circuits; the rest from the lesson,
lessons/backprop/: state (the link and the inputs bound to it), steps (the step panel and the
quiz), diagram (the Graphviz graphs, drawn by the steps and sections), sections (sections 2–5 and their charts), code (the PyTorch
under each section), analysis and format (pure: settings, oracles, numbers and TeX as text).
"""
from __future__ import annotations

import streamlit as st

from lessons.backprop import analysis, code, sections, state, steps
from lessons.backprop.format import fmt
from mlp_core.circuits import (
    chain_rule_w2, circuit_e4, circuit_e5_expanded, circuit_e5_sigmoid, circuit_e6, dloss_dw2_finite_difference,
)
from mlp_core.i18n import _
from ui import charts
from ui.navigation import ensure_entrypoint

ensure_entrypoint()
state.load_url_state()

title, toggle = st.columns([4, 1], vertical_alignment="bottom")
title.title(_("Backprop walkthrough"))
with toggle:
    quiz = steps.quiz_toggle_ui()
st.markdown(_("Forward values and backward gradients on a computational graph: the chain rule "
              "node by node, from a three-node circuit up to one weight of a real network and a "
              "training loop written by hand. Every gradient is checked against PyTorch."))
state.url_notice_ui()
if quiz:
    st.info(_("**Quiz mode** — the gradients are hidden. At each backward step in sections 1 and 2, "
              "type the gradient of the highlighted node and press **Check**, or **Reveal** it."),
            icon=":material/school:")

st.header(_("1 · The chain rule on f(x, y, z) = (x + y) · z"), divider="orange", anchor="e4")
x, y, z = state.number_inputs_ui(("x", "y", "z"), ("x", "y", "z"), step=1.0)
steps.walkthrough_ui("e4", circuit_e4(x, y, z), quiz)
code.pytorch_code_ui(code.code_e4(x, y, z))

st.header(_("2 · A sigmoid neuron, gate by gate"), divider="orange", anchor="e5")
st.markdown(_("f(w, x) = 1 / (1 + exp(−(w0·x0 + w1·x1 + w2))): first as the expanded circuit of "
              "multiply, add, ×(−1), exp, +1 and 1/x, then as one sigmoid gate."))
w0, w1, w2, x0, x1 = state.number_inputs_ui(("w0", "w1", "w2", "x0", "x1"),
                                            ("w0", "w1", "w2", "x0", "x1"), step=0.5)
steps.walkthrough_ui("e5", circuit_e5_expanded((w0, w1, w2), (x0, x1)), quiz, wide=True)
st.subheader(_("The same neuron with one sigmoid gate"))
sections.sigmoid_gate_ui(circuit_e5_expanded((w0, w1, w2), (x0, x1)),
                         circuit_e5_sigmoid((w0, w1, w2), (x0, x1)), quiz)
code.pytorch_code_ui(code.code_e5((w0, w1, w2), (x0, x1)))

st.header(_("3 · Activation functions and their derivatives"), divider="orange", anchor="e10")
chosen, slope = sections.activation_controls_ui()
if chosen:
    charts.altair_for_screen(st, sections.activation_chart(chosen, slope))
else:
    st.info(_("Choose at least one activation to draw."))
st.markdown(_("**Why we need them:** without an activation, two linear layers collapse into one — "
              "W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂) — so any depth is still a single straight "
              "line (a plane), which cannot separate XOR. Note σ′ is at most 0.25: every sigmoid "
              "layer shrinks the gradient at least fourfold, while ReLU passes it on with slope 1."))
code.pytorch_code_ui(code.code_activations(slope))

st.header(_("4 · One weight of a real network"), divider="orange", anchor="e6")
st.markdown(_("ŷ = w3·σ(w2·σ(w1·x + b1) + b2) + b3 with loss L = (ŷ − t)². With "
              "H2_in = w2·σ(w1·x + b1) + b2, the chain rule gives ∂L/∂w2 as a product of four factors."))
sliders, factors = st.columns([2, 5], gap="large")
with sliders:
    network = state.sliders_ui([f"net_{k}" for k in analysis.E6_NAMES],
                               ["w1", "b1", "w2", "b2", "w3", "b3", "x", _("target t")])
with factors:
    result = chain_rule_w2(*network)
    st.markdown(_("Forward: H1 = σ(w1·x + b1) = {h1}, H2_in = {h2_in}, ŷ = {y_hat}, L = {loss}",
                  h1=fmt(result.h1), h2_in=fmt(result.h2_in), y_hat=fmt(result.y_hat), loss=fmt(result.loss)))
    sections.chain_rule_ui(result, analysis.torch_dloss_dw2(*network), dloss_dw2_finite_difference(*network))
sections.e6_graph_ui(circuit_e6(*network))
code.pytorch_code_ui(code.code_e6(*network))

st.header(_("5 · Linear regression by hand"), divider="orange", anchor="e7")
st.markdown(_("The nine points of the lecture, the line y = w·x + b, and the loss L = Σ (w·xᵢ + b − yᵢ)². "
              "Each step is the lecture's loop: backward, then w ← w − η·∂L/∂w and b ← b − η·∂L/∂b by hand."))
rate_column, buttons_column = st.columns([1, 1], vertical_alignment="bottom", gap="large")
with rate_column:
    learning_rate = sections.learning_rate_ui()
path = sections.regression_path(learning_rate)
with buttons_column:
    run_clicked = sections.regression_buttons_ui(path)
view = st.empty()
if run_clicked:
    sections.animate_regression(view, path)
with view.container():
    sections.regression_view_ui(path, sections.regression_steps())
code.pytorch_code_ui(code.code_e7(learning_rate, sections.regression_steps()))

state.save_url_state()
