"""Streamlit and Altair helpers for the Backprop walkthrough page (pages/backprop_walkthrough.py).

Every number comes from `mlp_core.graph`; this module only turns its records into Graphviz DOT,
LaTeX, tables and Altair charts, keeps the page's inputs in the URL, and runs the quiz. The one
exception is E6's check against `torch.autograd`, which must not come from the engine it checks.

Session-state keys all start with "bp_" (the URL names without it), so they never collide with
another page's widgets.
"""
from __future__ import annotations

import html
import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import altair as alt
import pandas as pd
import streamlit as st

from lessons.backprop.analysis import (
    ACTIVATION_NAMES,
    E6_DEFAULTS,
    E6_NAMES,
    E7,
    LEARNING_RATES,
    MAX_STEPS,
    STABILITY_LIMIT,
    activation_frame,
    check_answer,
    initial_line,
    state_at,
)
from lessons.backprop.format import (
    backward_tex,
    fmt,
    forward_tex,
    local_rule,
    pretty,
    pretty_d,
    tex_number,
    tex_partial,
)
from mlp_core.data import NINE_X, NINE_Y
from mlp_core.graph import (
    GraphData,
    RegressionPath,
    WalkStep,
    circuit_e4,
    circuit_e5_expanded,
    graph_data,
    linear_regression_path,
    walkthrough,
)
from ui import theme


def _state(key: str) -> str:
    return f"bp_{key}"


# ---------------------------------------------------------------------------------------------
# Every control in the URL: one table drives parsing, defaults and writing back

@dataclass(frozen=True)
class Control:
    """One value of the page kept in the link: `key` is the query parameter's name."""
    key: str
    kind: str  # "float", "int", "bool", "choice" (one of options) or "choices" (a comma list)
    default: Any
    low: float | None = None
    high: float | None = None
    options: tuple = ()


def _walk_length(build: Callable[[], Any]) -> int:
    return len(walkthrough(build()))


CONTROLS: dict[str, Control] = {c.key: c for c in (
    Control("quiz", "bool", False),
    Control("x", "float", -2.0, -100.0, 100.0),
    Control("y", "float", 5.0, -100.0, 100.0),
    Control("z", "float", -4.0, -100.0, 100.0),
    Control("e4_step", "int", 0, 0, _walk_length(circuit_e4) - 1),
    *(Control(k, "float", v, -10.0, 10.0)
      for k, v in zip(("w0", "w1", "w2", "x0", "x1"), (2.0, -3.0, -3.0, -1.0, -2.0))),
    Control("e5_step", "int", 0, 0, _walk_length(circuit_e5_expanded) - 1),
    Control("act", "choices", tuple(ACTIVATION_NAMES), options=tuple(ACTIVATION_NAMES)),
    Control("slope", "float", 0.1, 0.0, 0.5),
    *(Control(f"net_{k}", "float", v, -5.0, 5.0) for k, v in zip(E6_NAMES, E6_DEFAULTS)),
    Control("lr", "choice", E7.training.learning_rate, options=LEARNING_RATES),
    Control("steps", "int", 0, 0, MAX_STEPS),
)}
RESERVED = {"embed", "embed_options"}  # Streamlit's own parameters: not ours to judge
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def show(value: Any) -> str:
    """A control's value as it appears in a notice and in the URL."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(value)
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def parse_value(control: Control, text: str) -> Any:
    """The value of one query parameter; ValueError says why it was refused, in plain words."""
    text = text.strip()
    if control.kind == "bool":
        if text.lower() not in TRUE | FALSE:
            raise ValueError("is not on/off (use 1 or 0)")
        return text.lower() in TRUE
    if control.kind == "choices":
        names = tuple(n for n in (p.strip() for p in text.split(",")) if n)
        unknown = [n for n in names if n not in control.options]
        if unknown or not names:
            raise ValueError(f"names no known choice ({', '.join(unknown) or 'empty'}); "
                             f"choose from {', '.join(control.options)}")
        return tuple(n for n in control.options if n in names)  # the legend's fixed order
    try:
        number = float(text)
    except ValueError:
        raise ValueError("is not a number") from None
    if not math.isfinite(number):
        raise ValueError("is not a finite number")
    if control.kind == "choice":
        match = [o for o in control.options if math.isclose(o, number, rel_tol=1e-9)]
        if not match:
            raise ValueError(f"is not one of {', '.join(show(o) for o in control.options)}")
        return match[0]
    if not control.low <= number <= control.high:
        raise ValueError(f"is outside {show(control.low)} … {show(control.high)}")
    if control.kind == "int":
        if number != int(number):
            raise ValueError("is not a whole number")
        return int(number)
    return number


def parse_params(params: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Every control's value from the link, defaults where it says nothing or nonsense.

    Returns the values and one notice per ignored parameter. Never raises.
    """
    values = {key: control.default for key, control in CONTROLS.items()}
    notices = []
    for key, text in params.items():
        shown = _quote(text)
        if key in RESERVED:
            continue
        if key not in CONTROLS:
            notices.append(f"{_quote(key)} is not a setting of this page")
            continue
        try:
            values[key] = parse_value(CONTROLS[key], text)
        except ValueError as why:
            notices.append(f"{_quote(key)} = {shown} {why}; using {show(CONTROLS[key].default)}")
    return values, notices


def _quote(text: str) -> str:
    """A URL fragment made safe for Markdown: short, in backticks, no backticks inside."""
    text = text if len(text) <= 24 else text[:24] + "…"
    return "`" + text.replace("`", "'") + "`"


def load_url_state() -> None:
    """On entering the page, seed every control from the link and remember what was ignored.

    Entering is detected by the quiz toggle's state being absent: Streamlit drops a widget's
    state once a run no longer draws it, i.e. after the user visited another page.
    """
    if _state("quiz") in st.session_state:
        return
    values, notices = parse_params(st.query_params.to_dict())
    for key, value in values.items():
        st.session_state[_state(key)] = list(value) if isinstance(value, tuple) else value
    st.session_state[_state("notices")] = notices


def save_url_state() -> None:
    """Write every control that differs from its default into the link, in page order."""
    wanted = {}
    for key, control in CONTROLS.items():
        value = st.session_state.get(_state(key), control.default)
        value = tuple(value) if isinstance(value, list) else value
        if value != control.default:
            wanted[key] = show(value)
    current = {k: v for k, v in st.query_params.to_dict().items() if k not in RESERVED}
    if current != wanted:
        st.query_params.from_dict(wanted)


def url_notice_ui() -> None:
    """The notice naming what the link asked for and did not get, with a way to dismiss it."""
    notices = st.session_state.get(_state("notices"))
    if not notices:
        return
    lines = "\n".join(f"- {notice}" for notice in notices)
    st.warning(f"**Some settings in the link were ignored**; the page uses its defaults there.\n\n"
               f"{lines}", icon=":material/link_off:")
    st.button("Dismiss", key=_state("dismiss_notices"),
              on_click=lambda: st.session_state.update({_state("notices"): []}))


# ---------------------------------------------------------------------------------------------
# Controls

def number_inputs_ui(keys: Sequence[str], labels: Sequence[str], step: float) -> list[float]:
    """A row of number inputs bound to the URL controls `keys`; returns their values."""
    values = []
    for column, key, label in zip(st.columns(len(keys)), keys, labels):
        control = CONTROLS[key]
        values.append(column.number_input(label, min_value=control.low, max_value=control.high,
                                          step=step, format="%g", key=_state(key)))
    return values


def sliders_ui(keys: Sequence[str], labels: Sequence[str], columns: int = 2) -> list[float]:
    """Sliders bound to the URL controls `keys`, laid out in `columns` columns."""
    slots = st.columns(columns)
    values = []
    for i, (key, label) in enumerate(zip(keys, labels)):
        control = CONTROLS[key]
        values.append(slots[i % columns].slider(label, control.low, control.high, step=0.1,
                                                key=_state(key)))
    return values


def activation_controls_ui() -> tuple[list[str], float]:
    """Which activations to draw, and leaky ReLU's slope below 0."""
    chosen_column, slope_column = st.columns([3, 1])
    chosen = chosen_column.pills("Show", options=list(ACTIVATION_NAMES), selection_mode="multi",
                                 format_func=ACTIVATION_NAMES.get, key=_state("act"))
    control = CONTROLS["slope"]
    slope = slope_column.slider("Leaky ReLU slope below 0", control.low, control.high, step=0.01,
                                key=_state("slope"),
                                help="PyTorch's default negative_slope is 0.01; 0.1 is easier to see.")
    return chosen, slope


def quiz_toggle_ui() -> bool:
    return st.toggle("Quiz mode", key=_state("quiz"),
                     help="Hide the gradients in sections 1 and 2. At each backward step, type the "
                          "gradient of the highlighted node and check it, or reveal it.")


def pytorch_code_ui(code: str) -> None:
    """The section's plain PyTorch, collapsed: running it prints the numbers on the page."""
    with st.expander("PyTorch code for this section", icon=":material/code:"):
        st.code(code, language="python")


# ---------------------------------------------------------------------------------------------
# The graph as Graphviz: one box per value (op, name, value, grad), drawn big for a projector

OP_SYMBOLS = {"+": "+", "*": "×", "**-1": "1/x", "**2": "x²", "neg": "−x", "exp": "exp",
              "log": "log", "sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky"}
INK, MUTED, LINE, LEAF_FILL, TINT = "#111827", "#6b7280", "#9ca3af", "#f3f4f6", "#ffe3c7"


@dataclass(frozen=True)
class Highlight:
    """What one step marks: the node it computes, the nodes it reads, the edge it follows."""
    current: int | None = None
    related: frozenset[int] = frozenset()
    edge: tuple[int, int] | None = None  # (parent, child)
    edge_label: str = ""


def step_highlight(graph: GraphData, step: WalkStep) -> Highlight:
    if step.forward is not None:
        return Highlight(step.node_id, frozenset(step.forward.parent_ids))
    if step.backward is not None:  # no edge label: it would widen one gap and rescale the graph
        b = step.backward
        return Highlight(b.parent_id, frozenset({b.node_id}), (b.parent_id, b.node_id))
    return Highlight(step.node_id)


def node_label(node, value: str | None, grad: str | None, fill: str) -> str:
    """An HTML-like Graphviz label: op and name on top, then value and grad rows."""
    name = html.escape(pretty(node.label) or f"n{node.id}")
    if node.constant:
        return (f'<<TABLE BORDER="1" CELLBORDER="0" CELLPADDING="6" COLOR="{LINE}" BGCOLOR="{fill}" '
                f'STYLE="rounded"><TR><TD><FONT COLOR="{MUTED}">{name}</FONT></TD></TR></TABLE>>')
    op = html.escape(OP_SYMBOLS.get(node.op, node.op))
    head = (f'<TD BGCOLOR="{INK}"><FONT COLOR="white"><B> {op} </B></FONT></TD><TD><B>{name}</B></TD>'
            if node.op else f'<TD COLSPAN="2"><B>{name}</B></TD>')
    rows = [f"<TR>{head}</TR>"]
    caption_color = INK if fill == theme.ACCENT else MUTED  # grey on orange would not read
    # Wide enough for the longest number this box will ever show, so "?" turning into "−0.5344"
    # never re-lays out and rescales the graph. Bold 20 pt Helvetica: digits and signs about
    # 11.7 pt, the point 5.6 pt; the cell's WIDTH includes its 2 × 5 pt padding.
    width = round(max(sum(5.6 if c == "." else 11.7 for c in fmt(v))
                      for v in (node.value, node.grad))) + 12
    for caption, text in (("value", value), ("grad", grad)):
        if text is not None:
            rows.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{caption_color}" POINT-SIZE="16">{caption}</FONT>'
                        f'</TD><TD ALIGN="RIGHT" WIDTH="{width}"><B>{html.escape(text)}</B></TD></TR>')
    return (f'<<TABLE BORDER="2" CELLBORDER="0" CELLSPACING="0" CELLPADDING="5" COLOR="{INK}" '
            f'BGCOLOR="{fill}" STYLE="rounded">{"".join(rows)}</TABLE>>')


def graph_dot(graph: GraphData, values: Iterable[int] | None = None,
              grads: Mapping[int, float] | None = None, highlight: Highlight = Highlight(),
              hidden_grads: Iterable[int] = ()) -> str:
    """DOT text: `values` are the ids whose value is known (all if None), `grads` the grads to
    write (all nodes' `.grad` if None); `hidden_grads` show "?" (the quiz's question)."""
    known = set(values) if values is not None else {n.id for n in graph.nodes}
    grads = grads if grads is not None else {n.id: n.grad for n in graph.nodes}
    hidden = set(hidden_grads)
    lines = ["digraph {", '  graph [rankdir=LR, bgcolor="transparent", nodesep=0.25, ranksep=0.4, pad=0.1];',
             f'  node [shape=plain, fontname="Helvetica", fontsize=20, fontcolor="{INK}"];',
             f'  edge [color="{LINE}", penwidth=2, arrowsize=0.8, fontname="Helvetica", fontsize=18];']
    for node in graph.nodes:
        fill = (theme.ACCENT if node.id == highlight.current else TINT if node.id in highlight.related
                else LEAF_FILL if not node.op else "white")
        value = fmt(node.value) if node.id in known else "?"
        grad = "?" if node.id in hidden else fmt(grads[node.id]) if node.id in grads else " "
        lines.append(f"  n{node.id} [label={node_label(node, value, grad, fill)}];")
    for edge in graph.edges:
        if (edge.parent_id, edge.child_id) == highlight.edge:
            label = (f', label=<<B>{html.escape(highlight.edge_label)}</B>>, fontcolor="{theme.ACCENT}"'
                     if highlight.edge_label else "")
            lines.append(f'  n{edge.parent_id} -> n{edge.child_id} '
                         f'[color="{theme.ACCENT}", penwidth=5, arrowsize=0.5{label}];')
        else:
            lines.append(f"  n{edge.parent_id} -> n{edge.child_id};")
    return "\n".join(lines + ["}"])


def graph_style_ui() -> None:
    """Let the graphs' own font sizes through.

    Streamlit's theme sets every element inside a chart to a 0.6rem font, which beats the SVG's
    font-size attributes: Graphviz lays the boxes out for 20 pt text and the browser draws 10 px
    text in them. `revert-layer` hands the size (and family) back to the SVG's attributes.
    """
    st.html('<style>[data-testid="stGraphVizChart"] svg text '
            '{ font-size: revert-layer; font-family: revert-layer; }</style>')


def walk_dot(graph: GraphData, step: WalkStep, *, hide_current_grad: bool = False) -> str:
    """The graph as it stands after `step`, the step's node in ACCENT."""
    hidden = [step.node_id] if hide_current_grad and step.phase in ("seed", "backward") else []
    return graph_dot(graph, step.known_values, step.known_grads, step_highlight(graph, step), hidden)


# ---------------------------------------------------------------------------------------------
# The step panel: buttons, the chain-rule product with numbers, and the quiz


def set_step(name: str, index: int) -> None:
    st.session_state[_state(f"{name}_step")] = index
    st.session_state[_state(f"{name}_answer")] = None


def walk_buttons_ui(name: str, last: int) -> int:
    """Reset / Back / Next / End; returns the current step, clamped to the walk."""
    key = _state(f"{name}_step")
    index = min(max(int(st.session_state.get(key, 0)), 0), last)
    st.session_state[key] = index
    buttons = (("Reset", ":material/first_page:", 0, index == 0, "reset"),
               ("Back", ":material/chevron_left:", index - 1, index == 0, "back"),
               ("Next", ":material/chevron_right:", index + 1, index == last, "next"),
               ("End", ":material/last_page:", last, index == last, "end"))
    for column, (label, icon, target, disabled, suffix) in zip(st.columns(4), buttons):
        column.button(label, icon=icon, key=_state(f"{name}_{suffix}"), disabled=disabled,
                      on_click=set_step, args=(name, target), width="stretch",
                      type="primary" if suffix == "next" else "secondary")
    return index


def phase_caption(walk: Sequence[WalkStep], step: WalkStep) -> str:
    forward = sum(s.phase == "forward" for s in walk)
    if step.phase == "start":
        return f"Step 0 of {len(walk) - 1} · the inputs"
    if step.phase == "forward":
        return f"Step {step.index} of {len(walk) - 1} · forward pass, node {step.index} of {forward}"
    return f"Step {step.index} of {len(walk) - 1} · backward pass"


def _quiz_record(name: str) -> dict:
    return st.session_state.setdefault(_state(f"{name}_quiz_record"), {})


def quiz_status(name: str, step: WalkStep) -> str | None:
    """"right" or "revealed" once this step's question is settled for the current inputs."""
    entry = _quiz_record(name).get(step.index)
    truth = step.known_grads[step.node_id]
    return entry[0] if entry and entry[1] == truth else None


def _check(name: str, index: int, truth: float) -> None:
    answer = st.session_state.get(_state(f"{name}_answer"))
    right = check_answer(answer, truth)
    st.session_state[_state(f"{name}_feedback")] = (index, truth, answer, right)
    if right:
        _quiz_record(name)[index] = ("right", truth)


def _reveal(name: str, index: int, truth: float) -> None:
    _quiz_record(name)[index] = ("revealed", truth)


def quiz_ui(name: str, step: WalkStep, question: str) -> bool:
    """Ask for the highlighted node's gradient; True once it is answered right or revealed."""
    status = quiz_status(name, step)
    truth = step.known_grads[step.node_id]
    if status == "right":
        st.success(f"Right: {question} = {fmt(truth)}", icon=":material/check_circle:")
        return True
    if status == "revealed":
        st.info(f"Revealed: {question} = {fmt(truth)}", icon=":material/visibility:")
        return True
    answer_column, check_column, reveal_column = st.columns([3, 1, 1], vertical_alignment="bottom")
    answer_column.number_input(f"Your answer: {question} =", value=None, step=0.01, format="%g",
                               placeholder="type the gradient", key=_state(f"{name}_answer"))
    check_column.button("Check", key=_state(f"{name}_check"), on_click=_check,
                        args=(name, step.index, truth), type="primary", width="stretch")
    reveal_column.button("Reveal", key=_state(f"{name}_reveal"), on_click=_reveal,
                         args=(name, step.index, truth), width="stretch")
    feedback = st.session_state.get(_state(f"{name}_feedback"))
    if feedback and feedback[:2] == (step.index, truth):
        answer = feedback[2]
        st.error("Type a number first." if answer is None else
                 f"{fmt(answer)} is not it. Multiply the upstream gradient by the local gradient "
                 f"of this gate, then try again.", icon=":material/cancel:")
    return False


def step_panel_ui(name: str, graph: GraphData, walk: Sequence[WalkStep], step: WalkStep,
                  quiz: bool) -> bool:
    """Explain the current step; returns whether its gradient may be shown on the graph."""
    out = graph.nodes[-1].label
    st.markdown(f"**{phase_caption(walk, step)}**")
    if step.phase == "start":
        inputs = ", ".join(f"{pretty(n.label)} = {fmt(n.value)}"
                           for n in graph.nodes if not n.op and not n.constant)
        st.markdown(f"The inputs are set: {inputs}. **Next** computes the forward pass one node at "
                    f"a time; then the backward pass sends gradients from {out} back to every input.")
        return True
    if step.phase == "forward":
        st.latex(forward_tex(graph, step))
        st.markdown(f"Forward pass: **{pretty(step.forward.label)}** is computed from the values "
                    f"it depends on. Its gradient waits for the backward pass.")
        return True
    question = f"∂{pretty_d(out)}/∂{pretty_d(graph.nodes[step.node_id].label)}"
    revealed = not quiz or quiz_ui(name, step, question)
    if step.phase == "seed":
        st.latex(rf"\large {tex_partial(out, out)} = {1 if revealed else '?'}")
        st.markdown(f"The backward pass starts at the output: the gradient of {out} with respect "
                    f"to itself is 1. From here on, every step is upstream × local = downstream.")
        return revealed
    for line in backward_tex(step, out, reveal=revealed):
        st.latex(line)
    b = step.backward
    text = (f"The upstream gradient {fmt(b.upstream)} arrives at **{pretty(b.node_label)}**; "
            f"{local_rule(graph, step, revealed)}")
    if revealed:
        text += f" So **{pretty(b.parent_label)}** receives {fmt(b.downstream)}."
    st.markdown(text)
    return revealed


def answer_table_ui(graph: GraphData, walk: Sequence[WalkStep]) -> None:
    """Every value and gradient at the end of the walk, for students going over it later."""
    grads = walk[-1].known_grads
    rows = [{"node": pretty(n.label), "value": fmt(n.value), "gradient": fmt(grads[n.id])}
            for n in graph.nodes if n.id in grads]
    with st.expander("Every value and gradient (the end of the walk)", icon=":material/table:"):
        st.table(pd.DataFrame(rows).set_index("node"))


def walkthrough_ui(name: str, output, quiz: bool, wide: bool = False) -> None:
    """The graph and the step panel for one circuit: side by side, or the graph above (`wide`)."""
    output.backward()  # only so the boxes know their widest number; the walk keeps its own grads
    graph, walk = graph_data(output), walkthrough(output)
    if wide:
        graph_slot = st.container()
        buttons_column, panel_column = st.columns([2, 3], gap="large")
    else:
        graph_slot, panel_column = st.columns([3, 2], gap="large")
        buttons_column = panel_column
    with buttons_column:
        step = walk[walk_buttons_ui(name, len(walk) - 1)]
    with panel_column:
        revealed = step_panel_ui(name, graph, walk, step, quiz)
    with graph_slot:
        st.graphviz_chart(walk_dot(graph, step, hide_current_grad=not revealed), width="stretch")
    if not quiz:
        answer_table_ui(graph, walk)


# ---------------------------------------------------------------------------------------------
# Section 2: the sigmoid neuron as one gate

E5_INPUTS = ("w0", "x0", "w1", "x1", "w2")


def sigmoid_gate_ui(expanded, gate, quiz: bool) -> None:
    """The one-gate circuit beside a table showing both circuits give the same gradients."""
    expanded.backward()
    gate.backward()
    graph = graph_data(gate)
    sigmoid = graph.nodes[-1]
    z = next(n for n in graph.nodes if n.label == "z")
    local = sigmoid.value * (1 - sigmoid.value)
    highlight = Highlight(sigmoid.id, frozenset({z.id}), (z.id, sigmoid.id), f"σ(1 − σ) = {fmt(local)}")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.graphviz_chart(graph_dot(graph, grads={} if quiz else None, highlight=highlight),
                          width="stretch")
    with right:
        st.latex(rf"\frac{{d\sigma}}{{dz}} = \sigma(z)\,(1-\sigma(z)) = {tex_number(sigmoid.value)}"
                 rf"\cdot {tex_number(1 - sigmoid.value)} = {tex_number(local)}")
        st.markdown("One local gradient replaces the four gates ×(−1), exp, +1 and 1/x: the same "
                    "chain rule, fewer steps, and the same numbers at the inputs.")
        table = comparison_table(expanded, gate)
        if quiz:
            with st.expander("Answers: the gradients of both circuits"):
                st.table(table)
        else:
            st.table(table)


def comparison_table(expanded, gate) -> pd.DataFrame:
    """∂f/∂input from the expanded circuit and from the sigmoid gate, side by side."""
    a, b = ({n.label: n for n in graph_data(c).nodes} for c in (expanded, gate))
    rows = [{"input": name, "value": fmt(a[name].value), "expanded circuit": fmt(a[name].grad),
             "sigmoid gate": fmt(b[name].grad),
             "agree": "✓" if math.isclose(a[name].grad, b[name].grad, abs_tol=1e-12) else "✗"}
            for name in E5_INPUTS]
    return pd.DataFrame(rows).set_index("input")


# ---------------------------------------------------------------------------------------------
# Section 3: activation functions

def _axis_style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (chart.configure_axis(labelFontSize=theme.FONT_SIZE, titleFontSize=theme.FONT_SIZE)
            .configure_legend(labelFontSize=theme.FONT_SIZE, titleFontSize=theme.FONT_SIZE,
                              symbolStrokeWidth=4, symbolSize=300)
            .configure_title(fontSize=theme.TITLE_SIZE))


def activation_chart(names: Sequence[str], slope: float) -> alt.TopLevelMixin:
    """The chosen activations (solid) and their derivatives (dashed) on one chart."""
    data = activation_frame(names, slope)
    functions = list(ACTIVATION_NAMES.values())
    chart = alt.Chart(data).mark_line(strokeWidth=3.5, clip=True).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[-4, 4]), title="x", axis=alt.Axis(format="~g")),
        y=alt.Y("y:Q", scale=alt.Scale(domain=[-1.2, 2.2]), title=None),
        color=alt.Color("function:N", scale=alt.Scale(domain=functions, range=theme.SERIES[:4]),
                        legend=alt.Legend(orient="right", title=None)),
        strokeDash=alt.StrokeDash("curve:N", scale=alt.Scale(domain=["f(x)", "f′(x), derivative"],
                                                             range=[[1, 0], [8, 5]]),
                                  legend=alt.Legend(orient="right", title=None)),
        detail="curve:N",
        tooltip=["function", "curve", alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", format=".4f")],
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
    labels = ("∂L/∂ŷ = 2(ŷ − t)", "w3", "σ′(H2_in)", "σ(w1·x + b1) = H1", "product ∂L/∂w2")
    for column, label, value in zip(st.columns(5), labels, (*factors, result.product)):
        column.metric(label, fmt(value))
    agree = all(math.isclose(result.product, other, rel_tol=1e-6, abs_tol=1e-9)
                for other in (autograd, finite_difference))
    check = st.columns(3)
    check[0].metric("torch.autograd", fmt(autograd))
    check[1].metric("finite difference (h = 1e−5)", fmt(finite_difference))
    check[2].metric("all three agree", "✓ yes" if agree else "✗ no",
                    help="The chain-rule product, torch.autograd and the central difference "
                         "(L(w2 + h) − L(w2 − h)) / 2h agree to 6 significant digits.")


def e6_graph_ui(loss) -> None:
    """The whole network as a computational graph, w2's path to the loss highlighted."""
    loss.backward()
    graph = graph_data(loss)
    by_name = {n.label: n.id for n in graph.nodes}
    path = {by_name[k] for k in ("w2*H1", "H2_in", "H2", "w3*H2", "y_hat", "error", "loss", "H1")}
    with st.expander("The whole network as a computational graph", icon=":material/account_tree:"):
        st.graphviz_chart(graph_dot(graph, highlight=Highlight(by_name["w2"], frozenset(path))),
                          width="stretch")


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
        "Learning rate η", options=LEARNING_RATES, key=_state("lr"), on_change=restart,
        format_func=lambda v: f"{v:g}",
        help=f"Gradient descent on this loss converges only for η < {fmt(STABILITY_LIMIT)}. "
             f"Changing η starts again from the same random line.")


def regression_buttons_ui(path: RegressionPath) -> bool:
    """Step / Run 100 steps / Start again; returns whether Run was clicked (the page animates)."""
    key, available = _state("steps"), len(path.updates)
    steps = min(max(int(st.session_state.get(key, 0)), 0), available)
    st.session_state[key] = steps
    step_column, run_column, reset_column = st.columns(3)
    step_column.button("Step", icon=":material/skip_next:", key=_state("e7_step"), type="primary",
                       disabled=steps >= available, width="stretch",
                       on_click=lambda: st.session_state.update({key: min(steps + 1, available)}))
    reset_column.button("Start again", icon=":material/restart_alt:", key=_state("e7_reset"),
                        disabled=steps == 0, width="stretch",
                        on_click=lambda: st.session_state.update({key: 0}))
    return run_column.button("Run 100 steps", icon=":material/fast_forward:", key=_state("e7_run"),
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
    for column, label, value, index in zip(st.columns(4), ("step", "w", "b", "loss"),
                                           (steps, w, b, loss), (None, 0, 1, 2)):
        # an ASCII minus: Streamlit reads the arrow's direction from a leading "-"
        delta = fmt(value - previous[index]).replace("−", "-") if previous and index is not None else None
        column.metric(label, fmt(value), delta, delta_color="off" if index != 2 else "inverse")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.altair_chart(fit_chart(path, steps), width="stretch")
        st.altair_chart(loss_chart(path, steps), width="stretch")
    with right:
        update_explanation_ui(path, steps)
        divergence_ui(path, steps)


def update_explanation_ui(path: RegressionPath, steps: int) -> None:
    if steps == 0:
        first = path.updates[0]
        st.markdown(f"The lecture's start: w and b drawn by `randn(1)` after seeding with "
                    f"{E7.seed}, w first. The loss is the **sum** of squared errors over the nine "
                    f"points. Its gradients here:")
        st.latex(rf"\frac{{\partial L}}{{\partial w}} = 2\sum_i (w x_i + b - y_i)\,x_i = "
                 rf"{tex_number(first.dloss_dw, False)}")
        st.latex(rf"\frac{{\partial L}}{{\partial b}} = 2\sum_i (w x_i + b - y_i) = "
                 rf"{tex_number(first.dloss_db, False)}")
        st.markdown("**Step** applies one update by hand: w ← w − η·∂L/∂w, b ← b − η·∂L/∂b.")
        return
    u = path.updates[steps - 1]
    st.markdown(f"**Step {u.step}, by hand:** backward gives")
    st.latex(rf"\frac{{\partial L}}{{\partial w}} = {tex_number(u.dloss_dw, False)},\qquad "
             rf"\frac{{\partial L}}{{\partial b}} = {tex_number(u.dloss_db, False)}")
    st.latex(rf"w \leftarrow {tex_number(u.w)} - {u.learning_rate:g} \cdot {tex_number(u.dloss_dw)}"
             rf" = {tex_number(u.new_w, False)}")
    st.latex(rf"b \leftarrow {tex_number(u.b)} - {u.learning_rate:g} \cdot {tex_number(u.dloss_db)}"
             rf" = {tex_number(u.new_b, False)}")
    st.markdown(f"The loss goes from {fmt(u.loss)} to **{fmt(u.new_loss)}**.")


def divergence_ui(path: RegressionPath, steps: int) -> None:
    """Say why a too-large learning rate blows up, before and after it does."""
    rate = path.updates[0].learning_rate if path.updates else E7.training.learning_rate
    factor = 1 - rate * 2 / STABILITY_LIMIT  # 1 − η·λ_max, as λ_max = 2 / limit
    why = (f"Along the steepest direction of the loss bowl each update multiplies the distance to "
           f"the minimum by 1 − η·λ = {fmt(factor)}; once that factor is below −1 every step "
           f"overshoots further than the last. Lower η below {fmt(STABILITY_LIMIT)}.")
    if path.diverged_at is not None and steps >= path.diverged_at:
        loss = path.updates[-1].new_loss
        st.error(f"**Diverged at step {path.diverged_at}**: the loss jumped to {fmt(loss)}, past "
                 f"10¹², and would be inf, then NaN, a few steps later — so the run stops here. "
                 f"{why}", icon=":material/warning:")
    elif rate > STABILITY_LIMIT:
        st.warning(f"η = {rate:g} is too large: the loss will grow at every step. {why}",
                   icon=":material/trending_up:")


def fit_chart(path: RegressionPath, steps: int) -> alt.TopLevelMixin:
    """The nine points, the start line (dashed) and the current line; lines off-chart are clipped."""
    w, b, _ = state_at(path, steps)
    points = pd.DataFrame({"x": NINE_X, "y": NINE_Y})
    lines = pd.DataFrame([{"line": name, "x": x, "y": lw * x + lb}
                          for name, lw, lb in (("start", path.w, path.b), ("now", w, b))
                          for x in (0.0, 10.5)])
    x_scale, y_scale = alt.Scale(domain=[0, 10.5], nice=False), alt.Scale(domain=[-2, 12], nice=False)
    dots = alt.Chart(points).mark_circle(size=160, color=theme.DATA, opacity=1).encode(
        x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale))
    drawn = alt.Chart(lines).mark_line(clip=True, strokeWidth=4).encode(
        x=alt.X("x:Q", scale=x_scale, axis=alt.Axis(format="~g")),
        y=alt.Y("y:Q", scale=y_scale, title="y"),
        color=alt.Color("line:N", scale=alt.Scale(domain=["start", "now"],
                                                  range=[theme.DATA, theme.NETWORK]),
                        legend=alt.Legend(orient="top-right", title=None)),
        strokeDash=alt.StrokeDash("line:N", scale=alt.Scale(domain=["start", "now"],
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
        x=alt.X("step:Q", scale=alt.Scale(domain=[0, max(10, steps)]), title="step",
                axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("loss:Q", scale=alt.Scale(type="log" if log else "linear", zero=not log),
                title="loss (log scale)" if log else "loss", axis=alt.Axis(format=".0e" if log else "~g")))
    line = base.mark_line(color=theme.NETWORK, strokeWidth=3)
    last = base.transform_filter(alt.datum.step == steps).mark_circle(size=120, color=theme.ACCENT)
    return _axis_style((line + last).properties(height=theme.CHART_HEIGHT - 100))


# ---------------------------------------------------------------------------------------------
# The matching PyTorch, with the page's current numbers: running it prints what the page shows

def _py(value: float) -> str:
    return repr(float(value))


def code_e4(x: float, y: float, z: float) -> str:
    return f'''import torch

x = torch.tensor({_py(x)}, requires_grad=True)
y = torch.tensor({_py(y)}, requires_grad=True)
z = torch.tensor({_py(z)}, requires_grad=True)

q = x + y          # forward pass, node by node
f = q * z
f.backward()       # backward pass: fills .grad of every leaf with df/dleaf

print("f =", f.item())
print("df/dx =", x.grad.item(), " df/dy =", y.grad.item(), " df/dz =", z.grad.item())
'''


def code_e5(w: Sequence[float], x: Sequence[float]) -> str:
    return f'''import torch

w = torch.tensor([{", ".join(_py(v) for v in w)}], requires_grad=True)
x = torch.tensor([{", ".join(_py(v) for v in x)}], requires_grad=True)

# The expanded circuit: multiply, add, *(-1), exp, +1, 1/x
f = 1 / (1 + torch.exp(-(w[0] * x[0] + w[1] * x[1] + w[2])))
f.backward()
print("f =", f.item())
print("expanded: w.grad =", w.grad.tolist(), " x.grad =", x.grad.tolist())

# The same neuron with one sigmoid gate, whose local gradient is sigmoid * (1 - sigmoid)
w.grad, x.grad = None, None
f = torch.sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])
f.backward()
print("sigmoid gate: w.grad =", w.grad.tolist(), " x.grad =", x.grad.tolist())
'''


def code_activations(slope: float) -> str:
    return f'''import torch
import torch.nn.functional as F

x = torch.linspace(-4, 4, 161, requires_grad=True)
activations = {{
    "sigmoid": torch.sigmoid,                        # 1 / (1 + e^-x)
    "tanh": torch.tanh,
    "relu": torch.relu,                              # max(0, x)
    "leaky_relu": lambda t: F.leaky_relu(t, {_py(slope)}),
}}
for name, activation in activations.items():
    y = activation(x)
    (dy_dx,) = torch.autograd.grad(y.sum(), x)       # y[i] depends on x[i] only
    print(f"{{name:>10}}: f(1) = {{y[100].item():.4f}}, f'(1) = {{dy_dx[100].item():.4f}}")

# Without activations, two linear layers are one: W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)
'''


def code_e6(w1: float, b1: float, w2: float, b2: float, w3: float, b3: float, x: float,
            target: float) -> str:
    weights = "\n".join(f"{k} = torch.tensor({_py(v)}, requires_grad=True)"
                        for k, v in zip(("w1", "b1", "w2", "b2", "w3", "b3"), (w1, b1, w2, b2, w3, b3)))
    return f'''import torch

{weights}
x, target = torch.tensor({_py(x)}), torch.tensor({_py(target)})

H1 = torch.sigmoid(w1 * x + b1)
H2_in = w2 * H1 + b2
y_hat = w3 * torch.sigmoid(H2_in) + b3
loss = (y_hat - target) ** 2
loss.backward()

# The chain rule, factor by factor
s = torch.sigmoid(H2_in)
by_hand = 2 * (y_hat - target) * w3 * s * (1 - s) * H1
print("dloss/dw2 by autograd:", w2.grad.item(), " by hand:", by_hand.item())
'''


def code_e7(learning_rate: float, steps: int) -> str:
    return f'''import torch

torch.manual_seed({E7.seed})
x_data = torch.tensor({list(NINE_X)})
y_data = torch.tensor({list(NINE_Y)})

# The lecture's Variable(torch.randn(1), requires_grad=True), in today's API
w = torch.randn(1, requires_grad=True)
b = torch.randn(1, requires_grad=True)
lr = {learning_rate:g}
steps = {steps}                                   # the page's step counter

for step in range(steps):
    hypothesis = x_data * w + b
    loss = ((hypothesis - y_data) ** 2).sum()     # sum of squared errors
    loss.backward()                               # fills w.grad and b.grad
    with torch.no_grad():                         # the update, by hand
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()                                # .grad accumulates: reset it
    b.grad.zero_()

loss = ((x_data * w + b - y_data) ** 2).sum()
print("after", steps, "steps: w =", w.item(), " b =", b.item(), " loss =", loss.item())
'''
