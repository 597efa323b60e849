"""The step panel: Reset / Back / Next / End, the chain-rule product with numbers, and the quiz
that hides a gradient until it is typed right or revealed (sections 1 and 2)."""
from __future__ import annotations

from typing import Callable, Sequence

import pandas as pd
import streamlit as st

from lessons.backprop.analysis import check_answer
from lessons.backprop.diagram import walk_dot
from lessons.backprop.format import backward_tex, fmt, forward_tex, local_rule, pretty, pretty_d, tex_partial
from lessons.backprop.state import _state
from mlp_core.graph import GraphData, WalkStep, graph_data, walkthrough
from mlp_core.i18n import _


def quiz_toggle_ui() -> bool:
    return st.toggle(_("Quiz mode"), key=_state("quiz"),
                     help=_("Hide the gradients in sections 1 and 2. At each backward step, type the "
                            "gradient of the highlighted node and check it, or reveal it."))


def set_step(name: str, index: int) -> None:
    st.session_state[_state(f"{name}_step")] = index
    st.session_state[_state(f"{name}_answer")] = None


def walk_buttons_ui(name: str, last: int) -> int:
    """Reset / Back / Next / End; returns the current step, clamped to the walk."""
    key = _state(f"{name}_step")
    index = min(max(int(st.session_state.get(key, 0)), 0), last)
    st.session_state[key] = index
    buttons = ((_("Reset"), ":material/first_page:", 0, index == 0, "reset"),
               (_("Back"), ":material/chevron_left:", index - 1, index == 0, "back"),
               (_("Next"), ":material/chevron_right:", index + 1, index == last, "next"),
               (_("End"), ":material/last_page:", last, index == last, "end"))
    # Two rows of two: Back and Next, the steps a lecturer clicks, above Reset and End. Four in a row
    # left each ~60 px beside the graph at 1280×720, and "Reset" wrapped a letter per line.
    for row in ((buttons[1], buttons[2]), (buttons[0], buttons[3])):
        for column, (label, icon, target, disabled, suffix) in zip(st.columns(2), row):
            column.button(label, icon=icon, key=_state(f"{name}_{suffix}"), disabled=disabled,
                          on_click=set_step, args=(name, target), width="stretch",
                          type="primary" if suffix == "next" else "secondary")
    return index


def phase_caption(walk: Sequence[WalkStep], step: WalkStep) -> str:
    forward, last = sum(s.phase == "forward" for s in walk), len(walk) - 1
    if step.phase == "start":
        return _("Step 0 of {last} · the inputs", last=last)
    if step.phase == "forward":
        return _("Step {index} of {last} · forward pass, node {index} of {forward}",
                 index=step.index, last=last, forward=forward)
    return _("Step {index} of {last} · backward pass", index=step.index, last=last)


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
        st.success(_("Right: {question} = {answer}", question=question, answer=fmt(truth)),
                   icon=":material/check_circle:")
        return True
    if status == "revealed":
        st.info(_("Revealed: {question} = {answer}", question=question, answer=fmt(truth)),
                icon=":material/visibility:")
        return True
    answer_column, check_column, reveal_column = st.columns([3, 1, 1], vertical_alignment="bottom")
    answer_column.number_input(_("Your answer: {question} =", question=question), value=None, step=0.01,
                               format="%g", placeholder=_("type the gradient"), key=_state(f"{name}_answer"))
    check_column.button(_("Check"), key=_state(f"{name}_check"), on_click=_check,
                        args=(name, step.index, truth), type="primary", width="stretch")
    reveal_column.button(_("Reveal"), key=_state(f"{name}_reveal"), on_click=_reveal,
                         args=(name, step.index, truth), width="stretch")
    feedback = st.session_state.get(_state(f"{name}_feedback"))
    if feedback and feedback[:2] == (step.index, truth):
        answer = feedback[2]
        st.error(_("Type a number first.") if answer is None else
                 _("{answer} is not it. Multiply the upstream gradient by the local gradient "
                   "of this gate, then try again.", answer=fmt(answer)), icon=":material/cancel:")
    return False


def step_panel_ui(name: str, graph: GraphData, walk: Sequence[WalkStep], step: WalkStep,
                  quiz: bool) -> bool:
    """Explain the current step; returns whether its gradient may be shown on the graph."""
    out = graph.nodes[-1].label
    st.markdown(f"**{phase_caption(walk, step)}**")
    if step.phase == "start":
        inputs = ", ".join(f"{pretty(n.label)} = {fmt(n.value)}"
                           for n in graph.nodes if not n.op and not n.constant)
        st.markdown(_("The inputs are set: {inputs}. **Next** computes the forward pass one node at "
                      "a time; then the backward pass sends gradients from {out} back to every input.",
                      inputs=inputs, out=out))
        return True
    if step.phase == "forward":
        st.latex(forward_tex(graph, step))
        st.markdown(_("Forward pass: **{node}** is computed from the values it depends on. "
                      "Its gradient waits for the backward pass.", node=pretty(step.forward.label)))
        return True
    question = f"∂{pretty_d(out)}/∂{pretty_d(graph.nodes[step.node_id].label)}"
    revealed = not quiz or quiz_ui(name, step, question)
    if step.phase == "seed":
        st.latex(rf"\large {tex_partial(out, out)} = {1 if revealed else '?'}")
        st.markdown(_("The backward pass starts at the output: the gradient of {out} with respect "
                      "to itself is 1. From here on, every step is upstream × local = downstream.", out=out))
        return revealed
    for line in backward_tex(step, out, reveal=revealed):
        st.latex(line)
    b = step.backward
    text = _("The upstream gradient {upstream} arrives at **{node}**; {rule}", upstream=fmt(b.upstream),
             node=pretty(b.node_label), rule=local_rule(graph, step, revealed))
    if revealed:
        text += " " + _("So **{parent}** receives {downstream}.", parent=pretty(b.parent_label),
                        downstream=fmt(b.downstream))
    st.markdown(text)
    return revealed


def answer_table_ui(graph: GraphData, walk: Sequence[WalkStep]) -> None:
    """Every value and gradient at the end of the walk, for students going over it later."""
    grads = walk[-1].known_grads
    node, value, gradient = _("node"), _("value"), _("gradient")
    rows = [{node: pretty(n.label), value: fmt(n.value), gradient: fmt(grads[n.id])}
            for n in graph.nodes if n.id in grads]
    with st.expander(_("Every value and gradient (the end of the walk)"), icon=":material/table:"):
        st.table(pd.DataFrame(rows).set_index(node))


WIDE_COLUMNS, NARROW_COLUMNS = 4, 2  # ranks per row of a folded graph (see diagram.fold)


def graph_ui(name: str, dot_for: Callable[[int | None], str]) -> None:
    """A long graph twice, folded into rows of 4 ranks and of 2; the CSS (ui/style.py, "folded
    graphs") shows the one that suits its column's width, so its text stays readable.

    Both are drawn at their natural size or less (`width="content"`): stretched to a 1920 px
    screen's column the walkthrough's first graph had 48 px text.
    """
    with st.container(key=f"graph_fold_{name}"):
        for variant, columns in (("wide", WIDE_COLUMNS), ("narrow", NARROW_COLUMNS)):
            with st.container(key=f"graph_{variant}_{name}"):
                st.graphviz_chart(dot_for(columns), width="content")


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
        def dot_for(columns: int | None) -> str:
            return walk_dot(graph, step, hide_current_grad=not revealed, columns=columns)
        if wide:
            graph_ui(f"walk_{name}", dot_for)
        else:  # short enough for a phone in one row
            st.graphviz_chart(dot_for(None), width="content")
    if not quiz:
        answer_table_ui(graph, walk)
