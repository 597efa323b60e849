"""The graph as Graphviz: one box per value (op, name, value, grad), drawn big for a projector,
the step's node, the nodes it reads and the edge it follows highlighted."""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Mapping

from lessons.backprop.format import fmt, pretty
from mlp_core.graph import GraphData, WalkStep
from mlp_core.i18n import _
from ui import graphviz as dot
from ui import theme
from ui.theme import INK, LEAF_FILL, LINE, MUTED, TINT


OP_SYMBOLS = {"+": "+", "*": "×", "**-1": "1/x", "**2": "x²", "neg": "−x", "exp": "exp",
              "log": "log", "sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky"}

# The circuits' node names that are words, in the reader's language; the rest are the formulas'
# symbols (x, w0, H1_in, ŷ, exp(−z)) and stay as they are. The circuits keep the English names as
# their keys (sections.py finds nodes by them).
def node_name(label: str) -> str:
    """A node's name as a box shows it, in the current language (the step text uses the same)."""
    return pretty(label)


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
    name = html.escape(node_name(node.label) or f"n{node.id}")
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
    for caption, text in ((_("value"), value), (_("grad"), grad)):
        if text is not None:
            rows.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{caption_color}" POINT-SIZE="16">{caption}</FONT>'
                        f'</TD><TD ALIGN="RIGHT" WIDTH="{width}"><B>{html.escape(text)}</B></TD></TR>')
    return (f'<<TABLE BORDER="2" CELLBORDER="0" CELLSPACING="0" CELLPADDING="5" COLOR="{INK}" '
            f'BGCOLOR="{fill}" STYLE="rounded">{"".join(rows)}</TABLE>>')


def ranks(graph: GraphData) -> dict[int, int]:
    """Each node's column in the left-to-right drawing, as dot ranks it: one past its latest input,
    or, where that leaves a gap, just before the first op that reads it (a leaf, or a side branch
    such as the loss's −target, stands next to where it is used)."""
    parents: dict[int, list[int]] = {n.id: [] for n in graph.nodes}
    children: dict[int, list[int]] = {n.id: [] for n in graph.nodes}
    for e in graph.edges:
        parents[e.child_id].append(e.parent_id)
        children[e.parent_id].append(e.child_id)
    rank: dict[int, int] = {}
    for node in graph.nodes:  # topological order
        rank[node.id] = 1 + max((rank[p] for p in parents[node.id]), default=-1)
    for node in reversed(graph.nodes):
        if children[node.id]:
            rank[node.id] = min(rank[c] for c in children[node.id]) - 1
    return rank


@dataclass(frozen=True)
class Place:
    row: int
    column: int  # left to right in the picture, whichever way the row runs


def fold(graph: GraphData, columns: int | None) -> dict[int, Place]:
    """Where each node goes when the left-to-right chain is folded into rows of at most `columns`
    ranks, every other row running right to left (a snake: each row ends above the next one's
    start), the rows as even as the ranks allow. `None`: one row.

    A long circuit drawn in one row is scaled down to its column's width until its text is
    unreadable (the expanded sigmoid, 8 ranks, was 10 px at 1280×720 and 4 px on a phone); in rows
    of 4 it is half as wide and still about as tall as it was, as its inputs stand 4 high.
    """
    rank = ranks(graph)
    depth = max(rank.values()) + 1
    rows = 1 if columns is None else -(-depth // columns)
    width = -(-depth // rows)
    row_of = {i: r // width for i, r in rank.items()}
    for e in graph.edges:  # a leaf read by a row's first op stands beside it, in that row
        if not graph.nodes[e.parent_id].op and row_of[e.parent_id] < row_of[e.child_id]:
            row_of[e.parent_id] = row_of[e.child_id]
            rank[e.parent_id] = rank[e.child_id]
    return {i: Place(row_of[i], r % width if row_of[i] % 2 == 0 else width - 1 - r % width)
            for i, r in rank.items()}


def graph_dot(graph: GraphData, values: Iterable[int] | None = None,
              grads: Mapping[int, float] | None = None, highlight: Highlight = Highlight(),
              hidden_grads: Iterable[int] = (), columns: int | None = None) -> str:
    """DOT text: `values` are the ids whose value is known (all if None), `grads` the grads to
    write (all nodes' `.grad` if None); `hidden_grads` show "?" (the quiz's question); `columns`
    folds the chain into rows of at most that many ranks (see `fold`)."""
    known = set(values) if values is not None else {n.id for n in graph.nodes}
    grads = grads if grads is not None else {n.id: n.grad for n in graph.nodes}
    hidden = set(hidden_grads)
    place = fold(graph, columns)
    statements = []
    for node in graph.nodes:
        fill = (theme.ACCENT if node.id == highlight.current else TINT if node.id in highlight.related
                else LEAF_FILL if not node.op else "white")
        value = fmt(node.value) if node.id in known else "?"
        grad = "?" if node.id in hidden else fmt(grads[node.id]) if node.id in grads else " "
        statements.append(dot.node(f"n{node.id}", {"label": node_label(node, value, grad, fill)}))
    for edge in graph.edges:
        marked = {}
        if (edge.parent_id, edge.child_id) == highlight.edge:
            marked = {"color": theme.ACCENT, "penwidth": 5, "arrowsize": 0.5}
            if highlight.edge_label:
                marked |= {"label": f"<<B>{html.escape(highlight.edge_label)}</B>>", "fontcolor": theme.ACCENT}
        statements.append(_edge(place[edge.parent_id], place[edge.child_id], edge.parent_id,
                                edge.child_id, marked))
    if columns is not None and len({p.row for p in place.values()}) > 1:
        statements += _rows(graph, place)
    return dot.digraph(
        statements,
        graph={"rankdir": "LR", "bgcolor": "transparent", "nodesep": 0.25, "ranksep": 0.4, "pad": 0.1},
        node={"shape": "plain", "fontname": "Helvetica", "fontsize": 20, "fontcolor": INK},
        edge={"color": LINE, "penwidth": 2, "arrowsize": 0.8, "fontname": "Helvetica", "fontsize": 18})


def _edge(parent: Place, child: Place, parent_id: int, child_id: int, marked: dict) -> str:
    """An arrow parent → child, written so that dot keeps every node in its column: left to right
    as it is, right to left (a reversed row) or upwards (a leaf below the op that reads it) as
    the reverse edge drawn backwards. Down to the next row it stays as it is (in a left-to-right
    graph, an edge within one column runs from top to bottom)."""
    tail, head = f"n{parent_id}", f"n{child_id}"
    if parent.column == child.column and "label" in marked:  # dot centres a label on a vertical
        marked = {**marked, "xlabel": marked["label"]}       # edge, half outside the picture
        del marked["label"]
    backwards = (parent.column > child.column
                 or parent.column == child.column and parent.row == child.row)
    if backwards:
        return dot.edge(head, tail, {"dir": "back", **marked})
    return dot.edge(tail, head, marked or None)


def _rows(graph: GraphData, place: Mapping[int, Place]) -> list[str]:
    """Each picture column as one dot rank, its boxes in a fixed order from top to bottom (chained
    by invisible edges): row by row; within a row, the box the row above feeds first, the box that
    feeds the row below last, and a leaf right below the op that reads it, so that no arrow
    between rows, nor from a leaf, has to run round a box."""
    down = [e for e in graph.edges if place[e.child_id].row == place[e.parent_id].row + 1]
    entry, exit_ = {e.child_id for e in down}, {e.parent_id for e in down}
    beside = {e.parent_id: e.child_id for e in graph.edges  # a leaf in its op's own column and row
              if not graph.nodes[e.parent_id].op and place[e.parent_id] == place[e.child_id]}
    statements = []
    for column in sorted({p.column for p in place.values()}):
        order: list[int] = []
        for row in sorted({p.row for p in place.values() if p.column == column}):
            cell = [i for i, p in place.items() if p == Place(row, column) and i not in beside]
            cell.sort(key=lambda i: (i not in entry, i in exit_, i))
            for i in cell:
                order += [i] + [leaf for leaf, op in beside.items() if op == i]
        statements.append(dot.same_rank(f"n{i}" for i in order))
        statements += [dot.edge(f"n{a}", f"n{b}", {"style": "invis"}) for a, b in zip(order, order[1:])]
    return statements


def walk_dot(graph: GraphData, step: WalkStep, *, hide_current_grad: bool = False,
             columns: int | None = None) -> str:
    """The graph as it stands after `step`, the step's node in ACCENT."""
    hidden = [step.node_id] if hide_current_grad and step.phase in ("seed", "backward") else []
    return graph_dot(graph, step.known_values, step.known_grads, step_highlight(graph, step), hidden,
                     columns)
