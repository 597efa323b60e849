"""Sections 2 to 5 beyond the step-by-step walk, with their Altair charts: the sigmoid neuron as
one gate, the activation functions, one weight of a real network checked three ways, and linear
regression by hand (E7)."""
from __future__ import annotations

import math
import time
from typing import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from lessons.backprop.analysis import (
    ACTIVATION_NAMES,
    E7,
    LEARNING_RATES,
    MAX_STEPS,
    STABILITY_LIMIT,
    activation_frame,
    activation_label,
    curve_labels,
    initial_line,
    state_at,
)
from lessons.backprop.diagram import Highlight, graph_dot
from lessons.backprop.format import fmt, tex_number
from lessons.backprop.state import CONTROLS, _state
from lessons.backprop.steps import graph_ui
from mlp_core.data import NINE_X, NINE_Y
from mlp_core.circuits import RegressionPath, linear_regression_path
from mlp_core.graph import graph_data
from mlp_core.i18n import _, spoken_now
from ui import charts, theme


# ---------------------------------------------------------------------------------------------
# The charts' type scale (sections 3 and 5)

def _axis_style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (chart.configure_axis(labelFontSize=theme.FONT_SIZE, titleFontSize=theme.FONT_SIZE)
            .configure_legend(labelFontSize=theme.FONT_SIZE, titleFontSize=theme.FONT_SIZE,
                              symbolStrokeWidth=4, symbolSize=300)
            .configure_title(fontSize=theme.TITLE_SIZE))


# ---------------------------------------------------------------------------------------------
# Section 2: the sigmoid neuron as one gate

E5_INPUTS = ("w0", "x0", "w1", "x1", "w2")


def sigmoid_gate_ui(expanded, gate, quiz: bool) -> None:
    """The one-gate circuit above a table showing both circuits give the same gradients."""
    expanded.backward()
    gate.backward()
    graph = graph_data(gate)
    sigmoid = graph.nodes[-1]
    z = next(n for n in graph.nodes if n.label == "z")
    local = sigmoid.value * (1 - sigmoid.value)
    highlight = Highlight(sigmoid.id, frozenset({z.id}), (z.id, sigmoid.id), f"σ(1 − σ) = {fmt(local)}")
    # The whole width: beside the table, a 1280 px projector's column cut its text to 8 px.
    graph_ui("gate", lambda columns: graph_dot(graph, grads={} if quiz else None,
                                               highlight=highlight, columns=columns))
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.latex(rf"\frac{{d\sigma}}{{dz}} = \sigma(z)\,(1-\sigma(z)) = {tex_number(sigmoid.value)}"
                 rf"\cdot {tex_number(1 - sigmoid.value)} = {tex_number(local)}")
        st.markdown(_("One local gradient replaces the four gates ×(−1), exp, +1 and 1/x: the same "
                      "chain rule, fewer steps, and the same numbers at the inputs."))
    with right:
        table = comparison_table(expanded, gate)
        if quiz:
            with st.expander(_("Answers: the gradients of both circuits")):
                st.table(table)
        else:
            st.table(table)


def comparison_table(expanded, gate) -> pd.DataFrame:
    """∂f/∂input from the expanded circuit and from the sigmoid gate, side by side."""
    a, b = ({n.label: n for n in graph_data(c).nodes} for c in (expanded, gate))
    columns = (_("input"), _("value"), _("expanded circuit"), _("sigmoid gate"), _("agree"))
    rows = [dict(zip(columns, (name, fmt(a[name].value), fmt(a[name].grad), fmt(b[name].grad),
                               "✓" if math.isclose(a[name].grad, b[name].grad, abs_tol=1e-12) else "✗")))
            for name in E5_INPUTS]
    return pd.DataFrame(rows).set_index(columns[0])


# ---------------------------------------------------------------------------------------------
# Section 3: activation functions

def activation_controls_ui() -> tuple[list[str], float]:
    """Which activations to draw, and leaky ReLU's slope below 0."""
    chosen_column, slope_column = st.columns([3, 1])
    chosen = chosen_column.pills(_("Show"), options=list(ACTIVATION_NAMES), selection_mode="multi",
                                 format_func=spoken_now(activation_label), key=_state("act"))
    control = CONTROLS["slope"]
    slope = slope_column.slider(_("Leaky ReLU slope below 0"), control.low, control.high, step=0.01,
                                key=_state("slope"),
                                help=_("PyTorch's default `negative_slope` is 0.01; 0.1 is easier to see."))
    return chosen, slope


def activation_chart(names: Sequence[str], slope: float) -> alt.TopLevelMixin:
    """The chosen activations (solid) and their derivatives (dashed) on one chart."""
    data = activation_frame(names, slope)
    functions = [activation_label(name) for name in ACTIVATION_NAMES]
    chart = alt.Chart(data).mark_line(strokeWidth=3.5, clip=True).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[-4, 4]), title="x", axis=alt.Axis(format="~g")),
        y=alt.Y("y:Q", scale=alt.Scale(domain=[-1.2, 2.2]), title=None),
        color=alt.Color("function:N", scale=alt.Scale(domain=functions, range=theme.SERIES[:len(functions)]),
                        legend=alt.Legend(orient="right", title=None)),
        strokeDash=alt.StrokeDash("curve:N", scale=alt.Scale(domain=list(curve_labels()),
                                                             range=[[1, 0], [8, 5]]),
                                  legend=alt.Legend(orient="right", title=None)),
        detail="curve:N",
        tooltip=[alt.Tooltip("function:N", title=_("function")), alt.Tooltip("curve:N", title=_("curve")),
                 alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", format=".4f")],
    ).properties(height=theme.CHART_HEIGHT + 60)
    return _axis_style(chart)


# ---------------------------------------------------------------------------------------------
# Section 4: one weight of a real network, checked three ways

def chain_rule_ui(result, autograd: float, finite_difference: float) -> None:
    """Each factor of ∂loss/∂w2 with its number, the product, and the two independent checks."""
    st.latex(r"\large \frac{\partial L}{\partial w_2} = "
             r"\underbrace{\frac{\partial L}{\partial \hat y}}_{2(\hat y - t)} \cdot "
             r"\underbrace{w_3}_{\partial \hat y / \partial H_2} \cdot "
             r"\underbrace{\sigma'(H_2^{in})}_{\partial H_2 / \partial H_2^{in}} \cdot "
             r"\underbrace{\sigma(w_1 x + b_1)}_{\partial H_2^{in} / \partial w_2}")
    factors = (result.dloss_dyhat, result.w3, result.sigmoid_prime_h2_in, result.h1)
    st.latex(r"\large = " + r" \cdot ".join(tex_number(f) for f in factors)
             + f" = {tex_number(result.product, False)}")
    labels = ("∂L/∂ŷ = 2(ŷ − t)", "w3", "σ′(H2_in)", "σ(w1·x + b1) = H1", _("product ∂L/∂w2"))
    for column, label, value in zip(st.columns(5), labels, (*factors, result.product)):
        column.metric(label, fmt(value))
    agree = all(math.isclose(result.product, other, rel_tol=1e-6, abs_tol=1e-9)
                for other in (autograd, finite_difference))
    check = st.columns(3)
    check[0].metric("torch.autograd", fmt(autograd))
    check[1].metric(_("finite difference (h = 1e−5)"), fmt(finite_difference))
    check[2].metric(_("all three agree"), _("✓ yes") if agree else _("✗ no"),
                    help=_("The chain-rule product, `torch.autograd` and the central difference "
                           "(L(w2 + h) − L(w2 − h)) / 2h agree to 6 significant digits."))


def e6_graph_ui(loss) -> None:
    """The whole network as a computational graph, w2's path to the loss highlighted."""
    loss.backward()
    graph = graph_data(loss)
    by_name = {n.label: n.id for n in graph.nodes}
    path = {by_name[k] for k in ("w2*H1", "H2_in", "H2", "w3*H2", "y_hat", "error", "loss", "H1")}
    with st.expander(_("The whole network as a computational graph"), icon=":material/account_tree:"):
        graph_ui("e6", lambda columns: graph_dot(graph, highlight=Highlight(by_name["w2"], frozenset(path)),
                                                 columns=columns))


# ---------------------------------------------------------------------------------------------
# Section 5: linear regression by hand (E7)

@st.cache_data(max_entries=len(LEARNING_RATES), show_spinner=False)
def regression_path(learning_rate: float) -> RegressionPath:
    """All MAX_STEPS updates at this learning rate (or up to divergence); about half a second."""
    w, b = initial_line(E7.seed)
    return linear_regression_path(w, b, NINE_X, NINE_Y, learning_rate, MAX_STEPS)


def learning_rate_ui() -> float:
    def restart() -> None:  # a new rate starts again from the lecture's random line
        st.session_state[_state("steps")] = 0
    return st.select_slider(
        _("Learning rate η"), options=LEARNING_RATES, key=_state("lr"), on_change=restart,
        format_func=lambda v: f"{v:g}",
        help=_("Gradient descent on this loss converges only for η < {limit}. "
               "Changing η starts again from the same random line.", limit=fmt(STABILITY_LIMIT)))


def regression_buttons_ui(path: RegressionPath) -> bool:
    """Step / Run 100 steps / Start again; returns whether Run was clicked (the page animates)."""
    key, available = _state("steps"), len(path.updates)
    steps = min(max(int(st.session_state.get(key, 0)), 0), available)
    st.session_state[key] = steps
    step_column, run_column, reset_column = st.columns(3)
    step_column.button(_("Step"), icon=":material/skip_next:", key=_state("e7_step"), type="primary",
                       disabled=steps >= available, width="stretch",
                       on_click=lambda: st.session_state.update({key: min(steps + 1, available)}))
    reset_column.button(_("Start again"), icon=":material/restart_alt:", key=_state("e7_reset"),
                        disabled=steps == 0, width="stretch",
                        on_click=lambda: st.session_state.update({key: 0}))
    return run_column.button(_("Run 100 steps"), icon=":material/fast_forward:", key=_state("e7_run"),
                             disabled=steps >= available, width="stretch")


def regression_steps() -> int:
    """How many updates the page has done (the URL's `steps`)."""
    return st.session_state[_state("steps")]


def animate_regression(slot, path: RegressionPath, frames_per_second: float = 7.0) -> None:
    """Run up to 100 more updates, redrawing `slot` about 7 times a second.

    A click elsewhere interrupts the loop; the steps done so far are kept.
    """
    key = _state("steps")
    start = st.session_state[key]
    target = min(start + 100, len(path.updates))
    for steps in range(start + 5, target + 5, 5):
        st.session_state[key] = min(steps, target)
        with slot.container():
            regression_view_ui(path, st.session_state[key])
        time.sleep(1 / frames_per_second)


def regression_view_ui(path: RegressionPath, steps: int) -> None:
    """The line over the points and the loss so far, beside the last update written out."""
    w, b, loss = state_at(path, steps)
    previous = state_at(path, steps - 1) if steps else None
    for column, label, value, index in zip(st.columns(4), (_("step"), "w", "b", _("loss")),
                                           (steps, w, b, loss), (None, 0, 1, 2)):
        # an ASCII minus: Streamlit reads the arrow's direction from a leading "-"
        delta = fmt(value - previous[index]).replace("−", "-") if previous and index is not None else None
        column.metric(label, fmt(value), delta, delta_color="off" if index != 2 else "inverse")
    left, right = st.columns([3, 2], gap="large")
    with left:
        charts.altair_for_screen(st, fit_chart(path, steps))
        charts.altair_for_screen(st, loss_chart(path, steps))
    with right:
        update_explanation_ui(path, steps)
        divergence_ui(path, steps)


def update_explanation_ui(path: RegressionPath, steps: int) -> None:
    if steps == 0:
        first = path.updates[0]
        st.markdown(_("The lecture's start: w and b drawn by `randn(1)` after seeding with "
                      "{seed}, w first. The loss is the **sum** of squared errors over the nine "
                      "points. Its gradients here:", seed=E7.seed))
        st.latex(rf"\frac{{\partial L}}{{\partial w}} = 2\sum_i (w x_i + b - y_i)\,x_i = "
                 rf"{tex_number(first.dloss_dw, False)}")
        st.latex(rf"\frac{{\partial L}}{{\partial b}} = 2\sum_i (w x_i + b - y_i) = "
                 rf"{tex_number(first.dloss_db, False)}")
        st.markdown(_("**Step** applies one update by hand: w ← w − η·∂L/∂w, b ← b − η·∂L/∂b."))
        return
    u = path.updates[steps - 1]
    st.markdown(_("**Step {step}, by hand:** backward gives", step=u.step))
    st.latex(rf"\frac{{\partial L}}{{\partial w}} = {tex_number(u.dloss_dw, False)},\qquad "
             rf"\frac{{\partial L}}{{\partial b}} = {tex_number(u.dloss_db, False)}")
    st.latex(rf"w \leftarrow {tex_number(u.w)} - {u.learning_rate:g} \cdot {tex_number(u.dloss_dw)}"
             rf" = {tex_number(u.new_w, False)}")
    st.latex(rf"b \leftarrow {tex_number(u.b)} - {u.learning_rate:g} \cdot {tex_number(u.dloss_db)}"
             rf" = {tex_number(u.new_b, False)}")
    st.markdown(_("The loss goes from {before} to **{after}**.", before=fmt(u.loss), after=fmt(u.new_loss)))


def divergence_ui(path: RegressionPath, steps: int) -> None:
    """Say why a too-large learning rate blows up, before and after it does."""
    rate = path.updates[0].learning_rate if path.updates else E7.training.learning_rate
    factor = 1 - rate * 2 / STABILITY_LIMIT  # 1 − η·λ_max, as λ_max = 2 / limit
    why = _("Along the steepest direction of the loss bowl each update multiplies the distance to "
            "the minimum by 1 − η·λ = {factor}; once that factor is below −1 every step "
            "overshoots further than the last. Lower η below {limit}.",
            factor=fmt(factor), limit=fmt(STABILITY_LIMIT))
    if path.diverged_at is not None and steps >= path.diverged_at:
        loss = path.updates[-1].new_loss
        st.error(_("**Diverged at step {step}**: the loss jumped to {loss}, past 10¹², and would be "
                   "inf, then NaN, a few steps later — so the run stops here. {why}",
                   step=path.diverged_at, loss=fmt(loss), why=why), icon=":material/warning:")
    elif rate > STABILITY_LIMIT:
        st.warning(_("η = {rate} is too large: the loss will grow at every step. {why}", rate=f"{rate:g}", why=why),
                   icon=":material/trending_up:")


def fit_chart(path: RegressionPath, steps: int) -> alt.TopLevelMixin:
    """The nine points, the start line (dashed) and the current line; lines off-chart are clipped."""
    w, b, _loss = state_at(path, steps)
    points = pd.DataFrame({"x": NINE_X, "y": NINE_Y})
    start, now = _("start"), _("now")
    lines = pd.DataFrame([{"line": name, "x": x, "y": lw * x + lb}
                          for name, lw, lb in ((start, path.w, path.b), (now, w, b))
                          for x in (0.0, 10.5)])
    x_scale, y_scale = alt.Scale(domain=[0, 10.5], nice=False), alt.Scale(domain=[-2, 12], nice=False)
    dots = alt.Chart(points).mark_circle(size=160, color=theme.DATA, opacity=1).encode(
        x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale))
    drawn = alt.Chart(lines).mark_line(clip=True, strokeWidth=4).encode(
        x=alt.X("x:Q", scale=x_scale, axis=alt.Axis(format="~g")),
        y=alt.Y("y:Q", scale=y_scale, title="y"),
        color=alt.Color("line:N", scale=alt.Scale(domain=[start, now],
                                                  range=[theme.DATA, theme.NETWORK]),
                        legend=alt.Legend(orient="top-right", title=None)),
        strokeDash=alt.StrokeDash("line:N", scale=alt.Scale(domain=[start, now],
                                                            range=[[6, 4], [1, 0]]),
                                  legend=alt.Legend(orient="top-right", title=None)))  # merges with colour's
    title = f"y = {fmt(w)}·x + {fmt(b)}".replace("+ −", "− ")
    return _axis_style((drawn + dots).properties(height=theme.CHART_HEIGHT, title=title))


def loss_chart(path: RegressionPath, steps: int) -> alt.TopLevelMixin:
    """Loss after each update so far; only finite losses ever reach the chart.

    Linear while the loss stays within a factor 100 (a fit slowly improving), log once it
    spans more (a divergence, up to 1e12), where a linear axis would show one spike.
    """
    losses = [state_at(path, k)[2] for k in range(steps + 1)]
    data = pd.DataFrame({"step": range(len(losses)), "loss": losses})
    data = data[data["loss"].map(math.isfinite) & (data["loss"] > 0)]
    log = data["loss"].max() > 100 * data["loss"].min()
    base = alt.Chart(data).encode(
        x=alt.X("step:Q", scale=alt.Scale(domain=[0, max(10, steps)]), title=_("step"),
                axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("loss:Q", scale=alt.Scale(type="log" if log else "linear", zero=not log),
                title=_("loss (log scale)") if log else _("loss"), axis=alt.Axis(format=".0e" if log else "~g")))
    line = base.mark_line(color=theme.NETWORK, strokeWidth=3)
    last = base.transform_filter(alt.datum.step == steps).mark_circle(size=120, color=theme.ACCENT)
    return _axis_style((line + last).properties(height=theme.CHART_HEIGHT - 100))
