"""The network diagram of the XOR lesson: neurons and weighted connections as data, and the
Graphviz text that draws them (colour = sign, thickness = |weight|, biases on the nodes)."""

from __future__ import annotations

from dataclasses import dataclass

from mlp_core.config import Config
from mlp_core.i18n import _
from ui import graphviz as dot
from ui.theme import NEGATIVE, POSITIVE

from .analysis import Weights, _activation_names, node_names


@dataclass(frozen=True)
class Node:
    """One neuron: `layer` 0 for inputs, `index` 0-based within its layer."""

    name: str  # "x1", "h1_2", "ŷ": also its id in the DOT text
    layer: int
    index: int
    activation: str | None  # None for inputs
    bias: float | None  # None for inputs


@dataclass(frozen=True)
class Edge:
    """One connection: `weight` is W[target index, source index] of Linear layer `layer` (1-based)."""

    source: str
    target: str
    layer: int
    weight: float


@dataclass(frozen=True)
class Diagram:
    """A network as neurons and weighted connections, in layer order."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def network_diagram(weights: Weights, config: Config) -> Diagram:
    """Nodes (with biases and activations) and edges (with weights) of the network."""
    names = node_names(weights)
    nodes = [Node(name, 0, i, None, None) for i, name in enumerate(names[0])]
    edges = []
    for layer, ((W, b), activation) in enumerate(zip(weights, _activation_names(config, len(weights))), start=1):
        for i, name in enumerate(names[layer]):
            nodes.append(Node(name, layer, i, activation, float(b[i])))
            edges += [Edge(source, name, layer, float(W[i, k])) for k, source in enumerate(names[layer - 1])]
    return Diagram(tuple(nodes), tuple(edges))


BIG_NETWORK = 40  # edges; above this, edge labels would overlap: tooltips only, thinner faded lines


def network_dot(diagram: Diagram, *, edge_labels: bool | None = None, large: bool = False) -> str:
    """Graphviz DOT text, left to right: colour = sign, thickness = |weight|, biases on the nodes.

    Edge penwidth grows linearly with |w| / max |w|: 0.5 to 6 for a small network, 0.3 to 3 for a
    big one (more than 40 edges, e.g. 2-10-10-10-1 with 230), where weak edges also fade
    (alpha) so the strong paths stand out. `edge_labels` (default: small networks only) prints
    each weight on its edge; every edge and node has a tooltip with the exact values either way.
    `large` (presenter view, ui/lecture.py): type for the back of a hall. The chart is scaled to its
    column, so larger type alone would only make the graph wider and shrink it again: the type grows
    against the layout (a big network's rank gap halves), which is what makes it larger on screen.
    """
    big = len(diagram.edges) > BIG_NETWORK
    show_labels = not big if edge_labels is None else edge_labels
    thinnest, thickest = (0.3, 3.0) if big else (0.5, 6.0)
    largest = max((abs(e.weight) for e in diagram.edges), default=0.0) or 1.0
    # A small network is laid out compactly with large type: the chart is scaled to its column
    # (394 px at 1280×720, 358 px on a phone, 714 px at 1920×1080), so its text is 16 pt times the
    # column's width over the graph's. Edge labels sit in virtual ranks of their own, which a rank
    # gap of 1 inch made 434 pt wide for 2-2-1 (13.6 px at 1280); 0.45 inch makes it ~370 pt with
    # 16 pt type: ~17 px at 1280, ~15.5 on a phone (tests/test_browser_xor_views.py).
    statements = []
    for layer in sorted({n.layer for n in diagram.nodes}):
        members = " ".join(_node_dot(n) for n in diagram.nodes if n.layer == layer)
        statements.append(f"{{ rank=same; {members} }}")  # one column per layer
    for e in diagram.edges:
        share = abs(e.weight) / largest
        colour = (POSITIVE if e.weight >= 0 else NEGATIVE) + (f"{round(64 + 191 * share):02x}" if big else "")
        values = {"color": colour, "penwidth": f"{thinnest + (thickest - thinnest) * share:.2f}",
                  "tooltip": f"{e.source} → {e.target}: w = {e.weight:.6g}"}
        if show_labels:
            values["label"] = f"{e.weight:.2f}"
        statements.append(dot.edge(dot.quote(e.source), dot.quote(e.target), values))
    if large:
        ranksep, nodesep, width, node_font, edge_font = (0.55, 0.06, 0.85, 13, 13) if big else (0.3, 0.25, 1.1, 20, 21)
    else:
        ranksep, nodesep, width, node_font, edge_font = (1.2, 0.08, 0.7, 9, 10) if big else (0.45, 0.3, 1.0, 16, 16)
    return dot.digraph(
        statements, name="network",
        graph={"rankdir": "LR", "splines": "line", "ordering": "out", "bgcolor": "transparent",
               "ranksep": ranksep, "nodesep": nodesep},
        node={"shape": "circle", "fixedsize": "true", "width": width, "fontname": "Helvetica",
              "fontsize": node_font, "style": "filled", "fillcolor": "white"},
        edge={"arrowsize": 0.3 if big else 0.5, "fontname": "Helvetica", "fontsize": edge_font})


def _node_dot(node: Node) -> str:
    """One node statement: inputs show their name, neurons also their bias (border = bias sign)."""
    if node.bias is None:
        return dot.node(dot.quote(node.name), {"label": node.name, "tooltip": _("input {name}", name=node.name)})
    return dot.node(dot.quote(node.name), {"label": f"{node.name}\\nb={node.bias:.2f}",
                                "color": POSITIVE if node.bias >= 0 else NEGATIVE,
                                "tooltip": _("{name}: {activation}(Σ w·in + b), b = {bias:.6g}",
                                                           name=node.name, activation=node.activation,
                                                           bias=node.bias)})


def weights_table(weights: Weights) -> list[dict]:
    """One row per weight, then the layer's biases: layer, parameter, from, to, weight.

    `parameter` names the entry as in the maths (W1[0,1] is row 0, column 1 of the first layer's
    W); bias rows have `from` = "bias" and the bias value in `weight`.
    """
    names = node_names(weights)
    rows = []
    for layer, (W, b) in enumerate(weights, start=1):
        for i, target in enumerate(names[layer]):
            rows += [{"layer": layer, "parameter": f"W{layer}[{i},{k}]", "from": source, "to": target,
                      "weight": float(W[i, k])} for k, source in enumerate(names[layer - 1])]
        rows += [{"layer": layer, "parameter": f"b{layer}[{i}]", "from": "bias", "to": target,
                  "weight": float(b[i])} for i, target in enumerate(names[layer])]
    return rows
