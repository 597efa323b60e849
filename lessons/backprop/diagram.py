"""The graph as Graphviz: one box per value (op, name, value, grad), drawn big for a projector,
the step's node, the nodes it reads and the edge it follows highlighted."""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Mapping

from lessons.backprop.format import fmt, pretty
from mlp_core.graph import GraphData, WalkStep
from ui import graphviz as dot
from ui import theme
from ui.theme import INK, LEAF_FILL, LINE, MUTED, TINT


OP_SYMBOLS = {"+": "+", "*": "×", "**-1": "1/x", "**2": "x²", "neg": "−x", "exp": "exp",
              "log": "log", "sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky"}


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
    # The op as a rounded tag inside the box's border: a cell's own background is a square, and in
    # the top left corner it stuck out past the box's rounded corner.
    marker = (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" BGCOLOR="{INK}" '
              f'STYLE="rounded"><TR><TD><FONT COLOR="white"><B> {op} </B></FONT></TD></TR></TABLE>')
    head = (f'<TD ALIGN="LEFT">{marker}</TD><TD><B>{name}</B></TD>'
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
    statements = []
    for node in graph.nodes:
        fill = (theme.ACCENT if node.id == highlight.current else TINT if node.id in highlight.related
                else LEAF_FILL if not node.op else "white")
        value = fmt(node.value) if node.id in known else "?"
        grad = "?" if node.id in hidden else fmt(grads[node.id]) if node.id in grads else " "
        statements.append(dot.node(f"n{node.id}", {"label": node_label(node, value, grad, fill)}))
    for edge in graph.edges:
        if (edge.parent_id, edge.child_id) == highlight.edge:
            marked = {"color": theme.ACCENT, "penwidth": 5, "arrowsize": 0.5}
            if highlight.edge_label:
                marked |= {"label": f"<<B>{html.escape(highlight.edge_label)}</B>>", "fontcolor": theme.ACCENT}
            statements.append(dot.edge(f"n{edge.parent_id}", f"n{edge.child_id}", marked))
        else:
            statements.append(dot.edge(f"n{edge.parent_id}", f"n{edge.child_id}"))
    return dot.digraph(
        statements,
        graph={"rankdir": "LR", "bgcolor": "transparent", "nodesep": 0.25, "ranksep": 0.4, "pad": 0.1},
        node={"shape": "plain", "fontname": "Helvetica", "fontsize": 20, "fontcolor": INK},
        edge={"color": LINE, "penwidth": 2, "arrowsize": 0.8, "fontname": "Helvetica", "fontsize": 18})


def walk_dot(graph: GraphData, step: WalkStep, *, hide_current_grad: bool = False) -> str:
    """The graph as it stands after `step`, the step's node in ACCENT."""
    hidden = [step.node_id] if hide_current_grad and step.phase in ("seed", "backward") else []
    return graph_dot(graph, step.known_values, step.known_grads, step_highlight(graph, step), hidden)
