"""The anatomy of a trained network, as data for the "Perceptron & XOR" page.

Everything here is computed from a snapshot's weights (a tuple of `(W, b)` numpy pairs, `W` of
shape (out, in), one per Linear layer) and the config's activation names — never from pictures.
The page turns the results into a heatmap, lines, a Graphviz chart and tables.

Naming, shared by every function: layer 0 holds the inputs `x1, x2` (`x` when there is one),
hidden layer `l` (1-based, as in the diagram) holds units `h{l}_{i}` with `i` 1-based, and the
output is `ŷ`. Array indices (`units=(0, 1)`, rows of `W`) stay 0-based, as numpy's are.

The "decision line" is always where the network's *output* equals 0.5 — the lecture's threshold
for the predicted class — which is a straight line wherever the output is one monotone
activation of a weighted sum: in the input plane for the perceptron, in a hidden plane for the
output unit of an MLP.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import torch

from .config import Config
from .data import Dataset
from .export import PRINT_EVERY, _is_lecture_linear_regression
from .components import ACTIVATIONS
from .model import activation_module, make_loss
from .trainer import RunResult, Snapshot

Weights = Sequence[tuple[np.ndarray, np.ndarray]]  # (W of shape (out, in), b of shape (out,)) per layer
Line = tuple[np.ndarray, np.ndarray]  # (first coordinates, second coordinates) of the two endpoints

THRESHOLD = 0.5  # output > 0.5 is class 1, as the lecture's `(hypothesis > 0.5).float()`
POSITIVE, NEGATIVE = "#2563eb", "#dc2626"  # blue and red: the sign of a weight or a bias


def _formula(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The activation as torch's own module computes it, in float64 (exact to float32 rounding
    against the trained float32 network)."""
    module = activation_module(name)
    if module is None:
        return lambda z: np.asarray(z, dtype=np.float64)
    return lambda z: module(torch.from_numpy(np.asarray(z, dtype=np.float64))).numpy()


def _half_point(name: str) -> float:
    """The z at which the activation's output is 0.5: the registry's closed form, or bisection on
    [0, 10] (GELU and SiLU dip below 0 for z < 0 but pass 0.5 once, increasing, for z > 0)."""
    spec = ACTIVATIONS[name]
    if spec.half_at is not None:
        return spec.half_at
    formula, low, high = _formula(name), 0.0, 10.0
    for _ in range(80):
        middle = (low + high) / 2
        low, high = (middle, high) if formula(np.array([middle]))[0] < THRESHOLD else (low, middle)
    return (low + high) / 2


# name -> (the formula torch applies, the pre-activation z at which the output is 0.5).
# Each activation is increasing where it reaches 0.5, so "output > 0.5" is "z > z_half": for
# sigmoid z_half = 0 (the logit), for tanh atanh(0.5) ≈ 0.549, for relu / leaky_relu /
# identity z_half = 0.5 — a regression-style output is thresholded at 0.5, not at 0.
ACTIVATION_FORMULAS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], float]] = {
    name: (_formula(name), _half_point(name)) for name in ACTIVATIONS}
BOUNDED = {name: spec.bounds for name, spec in ACTIVATIONS.items() if spec.bounds}  # where a unit's value can live


# --- forward pass and names ---------------------------------------------------------------

def layer_activations(weights: Weights, config: Config, inputs) -> list[np.ndarray]:
    """Every Linear layer's output after its activation, for `inputs` of shape (n, in).

    Returns one float64 array of shape (n, width) per Linear layer: the hidden layers in order,
    then the network output (n, 1) last. Matches the torch model's intermediate outputs (to
    float32 rounding: the weights are float32, the arithmetic here is float64).
    """
    values = np.asarray(inputs.numpy() if isinstance(inputs, torch.Tensor) else inputs, dtype=np.float64)
    outputs = []
    for name, (W, b) in zip(_activation_names(config, len(weights)), weights):
        formula = ACTIVATION_FORMULAS[name][0]
        values = formula(values @ np.asarray(W, np.float64).T + np.asarray(b, np.float64))
        outputs.append(values)
    return outputs


def _activation_names(config: Config, n_layers: int) -> list[str]:
    """The activation after each Linear layer: the hidden one, then the output one."""
    return [config.model.activation] * (n_layers - 1) + [config.model.output_activation]


def node_names(weights: Weights) -> list[list[str]]:
    """Unit names layer by layer: [['x1', 'x2'], ['h1_1', 'h1_2'], ['ŷ']] for a 2-2-1 network."""
    n_in = np.shape(weights[0][0])[1]
    names = [["x"] if n_in == 1 else [f"x{i + 1}" for i in range(n_in)]]
    for layer, (W, _) in enumerate(weights[:-1], start=1):
        names.append([f"h{layer}_{i + 1}" for i in range(np.shape(W)[0])])
    return names + [["ŷ"]]


# --- lines where the output is 0.5 ---------------------------------------------------------

def _clip_line(a: float, b: float, c: float, x_range: tuple[float, float],
               y_range: tuple[float, float]) -> Line | None:
    """The segment of the line a·x + b·y = c inside the box, as two endpoints; None if it misses.

    Vertical (b = 0) and horizontal (a = 0) lines are handled by intersecting only the box edges
    they can cross; a = b = 0 is no line at all (the output is the same everywhere).
    """
    (x_lo, x_hi), (y_lo, y_hi) = x_range, y_range
    tolerance = 1e-9 * max(x_hi - x_lo, y_hi - y_lo)
    points = []
    if b != 0:  # crossings with the left and right edges
        points += [(x, (c - a * x) / b) for x in (x_lo, x_hi)]
    if a != 0:  # crossings with the bottom and top edges
        points += [((c - b * y) / a, y) for y in (y_lo, y_hi)]
    inside = [(min(max(x, x_lo), x_hi), min(max(y, y_lo), y_hi)) for x, y in points
              if x_lo - tolerance <= x <= x_hi + tolerance and y_lo - tolerance <= y <= y_hi + tolerance]
    if len(inside) < 2:
        return None
    # A line through a corner crosses two edges there: keep the two crossings farthest apart.
    p, q = max(itertools.combinations(sorted(inside), 2), key=lambda pq: np.hypot(*np.subtract(*pq)))
    if np.hypot(*np.subtract(p, q)) <= tolerance:
        return None  # it only touches a corner
    return np.array([p[0], q[0]]), np.array([p[1], q[1]])


def perceptron_line(weights: Weights, box: tuple[float, float] = (-0.25, 1.25), *,
                    output_activation: str = "sigmoid") -> Line | None:
    """The single-layer perceptron's decision line w1·x1 + w2·x2 + b = z_half, clipped to the box.

    This is where the output equals 0.5. For a sigmoid output z_half = 0, so it is also where the
    logit is 0; for other output activations the 0.5 level is another line: tanh(z) = 0.5 at
    z ≈ 0.549, and relu / leaky_relu / identity outputs equal 0.5 at z = 0.5 (not at z = 0).
    Returns the two endpoints `(x1s, x2s)` inside `box` (the same range on both axes), or None
    when the line misses the box or the weights are both zero (the output is constant).
    """
    if len(weights) != 1 or np.shape(weights[0][0]) != (1, 2):
        raise ValueError("perceptron_line is for a network without hidden layers and two inputs "
                         "(weights of shape (1, 2)); use hidden_space for an MLP.")
    (W, b), z_half = weights[0], ACTIVATION_FORMULAS[output_activation][1]
    w1, w2 = (float(v) for v in np.asarray(W, np.float64)[0])
    return _clip_line(w1, w2, z_half - float(b[0]), box, box)


@dataclass(frozen=True, eq=False)
class HiddenSpace:
    """The inputs as seen by two units of a hidden layer, and the output's 0.5 line there."""

    layer: int  # the hidden layer, 1-based as in the diagram
    units: tuple[int, int]  # 0-based indices of the two units in that layer
    axis_names: tuple[str, str]  # e.g. ("h1_1", "h1_2"): the diagram's node names
    points: np.ndarray  # (n, 2): each input's values on the two units
    outputs: np.ndarray  # (n,): the network's output for each input
    line: Line | None  # endpoints of the output = 0.5 line in the plane, or None
    exact: bool  # True when the line is exactly the output's 0.5 level (a 2-unit last layer)
    note: str  # what the line means, for a caption
    bounds: tuple[tuple[float, float], tuple[float, float]]  # the plane's (x range, y range)


def hidden_space(weights: Weights, config: Config, inputs, layer: int = -1,
                 units: tuple[int, int] = (0, 1)) -> HiddenSpace:
    """Map `inputs` into two units of a hidden layer: why a hidden layer makes XOR separable.

    `layer` indexes the hidden layers as a Python list does (0 is the first, -1 the last).
    For the last hidden layer the output unit sees only this layer, so its 0.5 level is the line
    w_i·h_i + w_j·h_j + b + Σ_other w_k·h_k = z_half. With exactly two units that is exact; with
    more, each other unit is held at its mean over `inputs` (`exact=False`, and the note says
    so). Earlier layers get no line: later layers bend the boundary. Bounds are fixed for
    bounded units (sigmoid [0, 1], tanh [-1, 1]) so replayed epochs share axes; other units use
    the points' extent with a margin.
    """
    activations = layer_activations(weights, config, inputs)
    hidden = activations[:-1]
    if not hidden:
        raise ValueError("a single-layer perceptron has no hidden layer; use perceptron_line.")
    if not -len(hidden) <= layer < len(hidden):
        raise ValueError(f"layer = {layer}: the network has {len(hidden)} hidden layer(s), numbered from 0 "
                         "(-1 is the last).")
    index = layer % len(hidden)
    values = hidden[index]
    i, j = units
    if i == j or not (0 <= i < values.shape[1] and 0 <= j < values.shape[1]):
        raise ValueError(f"units = {units} must be two different units of hidden layer {index + 1}, "
                         f"which has {values.shape[1]} (numbered from 0).")
    points = values[:, [i, j]]
    bounds = tuple(_axis_bounds(axis, config.model.activation) for axis in points.T)
    names = node_names(weights)[index + 1]
    line, exact, note = None, False, ("Later layers bend the decision boundary, so it is no straight "
                                      "line in this plane; choose the last hidden layer to see it.")
    if index == len(hidden) - 1:
        line, exact, note = _output_line(weights[-1], values, (i, j), config.model.output_activation, bounds)
    return HiddenSpace(index + 1, (i, j), (names[i], names[j]), points, activations[-1][:, 0],
                       line, exact, note, bounds)


def _output_line(output_layer: tuple[np.ndarray, np.ndarray], values: np.ndarray, units: tuple[int, int],
                 output_activation: str, bounds) -> tuple[Line | None, bool, str]:
    """The output = 0.5 line in the plane of two units of the last hidden layer."""
    W, b = (np.asarray(p, np.float64) for p in output_layer)
    i, j = units
    others = [k for k in range(values.shape[1]) if k not in units]
    # The other units' part of the weighted sum, frozen at their mean over the inputs.
    rest = float(W[0, others] @ values[:, others].mean(axis=0)) if others else 0.0
    line = _clip_line(W[0, i], W[0, j], ACTIVATION_FORMULAS[output_activation][1] - b[0] - rest, *bounds)
    if others:
        note = (f"Approximate: the output also depends on {len(others)} other unit(s) of this layer, "
                "held here at their mean over the data.")
    else:
        note = ("The output unit's decision line: the output is exactly 0.5 on it, and class 1 lies on "
                "the side its weights point to.")
    if line is None:
        note += " The line does not cross this view."
    return line, not others, note


def _axis_bounds(values: np.ndarray, activation: str) -> tuple[float, float]:
    """A fixed range for bounded activations, else the values' extent with a 10% margin."""
    if activation in BOUNDED:
        low, high = BOUNDED[activation]
        return low - 0.05, high + 0.05  # a little room for the markers on the edges
    low, high = float(values.min()), float(values.max())
    margin = 0.1 * (high - low) or 0.5  # a dead unit (all values equal) still gets a visible axis
    return low - margin, high + margin


# --- the network diagram ---------------------------------------------------------------------

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


def network_dot(diagram: Diagram, *, edge_labels: bool | None = None) -> str:
    """Graphviz DOT text, left to right: colour = sign, thickness = |weight|, biases on the nodes.

    Edge penwidth grows linearly with |w| / max |w|: 0.5 to 6 for a small network, 0.3 to 3 for a
    big one (more than 40 edges, e.g. 2-10-10-10-1 with 230), where weak edges also fade
    (alpha) so the strong paths stand out. `edge_labels` (default: small networks only) prints
    each weight on its edge; every edge and node has a tooltip with the exact values either way.
    """
    big = len(diagram.edges) > BIG_NETWORK
    show_labels = not big if edge_labels is None else edge_labels
    thinnest, thickest = (0.3, 3.0) if big else (0.5, 6.0)
    largest = max((abs(e.weight) for e in diagram.edges), default=0.0) or 1.0
    lines = ["digraph network {",
             f'  graph [rankdir=LR, splines=line, ordering=out, bgcolor="transparent", '
             f'ranksep={1.2 if big else 1.6}, nodesep={0.08 if big else 0.4}];',
             f'  node [shape=circle, fixedsize=true, width={0.7 if big else 0.9}, '
             f'fontname="Helvetica", fontsize={9 if big else 12}, style=filled, fillcolor="white"];',
             f'  edge [arrowsize={0.3 if big else 0.6}, fontname="Helvetica", fontsize=10];']
    for layer in sorted({n.layer for n in diagram.nodes}):
        members = " ".join(_node_dot(n) for n in diagram.nodes if n.layer == layer)
        lines.append(f"  {{ rank=same; {members} }}")  # one column per layer
    for e in diagram.edges:
        share = abs(e.weight) / largest
        colour = (POSITIVE if e.weight >= 0 else NEGATIVE) + (f"{round(64 + 191 * share):02x}" if big else "")
        attributes = {"color": colour, "penwidth": f"{thinnest + (thickest - thinnest) * share:.2f}",
                      "tooltip": f"{e.source} → {e.target}: w = {e.weight:.6g}"}
        if show_labels:
            attributes["label"] = f"{e.weight:.2f}"
        lines.append(f"  {_quote(e.source)} -> {_quote(e.target)} [{_attributes(attributes)}];")
    return "\n".join(lines + ["}"]) + "\n"


def _node_dot(node: Node) -> str:
    """One node statement: inputs show their name, neurons also their bias (border = bias sign)."""
    if node.bias is None:
        return f'{_quote(node.name)} [{_attributes({"label": node.name, "tooltip": f"input {node.name}"})}];'
    attributes = {"label": f"{node.name}\\nb={node.bias:.2f}", "color": POSITIVE if node.bias >= 0 else NEGATIVE,
                  "tooltip": f"{node.name}: {node.activation}(Σ w·in + b), b = {node.bias:.6g}"}
    return f"{_quote(node.name)} [{_attributes(attributes)}];"


def _quote(text: str) -> str:
    """A DOT string literal (quotes escaped; a backslash-n already in the text stays a line break)."""
    return '"' + text.replace('"', '\\"') + '"'


def _attributes(attributes: dict[str, str]) -> str:
    return ", ".join(f"{key}={_quote(value)}" for key, value in attributes.items())


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


# --- the decision boundary heatmap ----------------------------------------------------------

def boundary_grid(snapshot: Snapshot, dataset: Dataset) -> pd.DataFrame:
    """The snapshot's output on the dataset's grid as a long table, one row per heatmap cell.

    Columns: x1, x2 (the grid point), output, and the cell's edges x1_low, x1_high, x2_low,
    x2_high (half a grid step either side, for a rect mark). `dataset.grid` is
    `torch.cartesian_prod(axis, axis)`: row k is (axis[k // steps], axis[k % steps]), x1 varying
    slowest, so `output.reshape(steps, steps)[i, j]` is the output at (axis[i], axis[j]).
    """
    grid = dataset.grid.numpy().astype(np.float64)
    if grid.shape[1] != 2:
        raise ValueError("boundary_grid needs a 2-input dataset (a logic gate); 1-D data has a curve, not a map.")
    outputs = np.asarray(snapshot.grid_outputs, dtype=np.float64)
    if outputs.shape != (len(grid),):
        raise ValueError(f"the snapshot has {outputs.size} grid outputs; the dataset's grid has "
                         f"{len(grid)} points.")
    axis = grid[:: dataset.grid_steps, 0]
    half = (axis[1] - axis[0]) / 2 if len(axis) > 1 else 0.5
    x1, x2 = grid[:, 0], grid[:, 1]
    return pd.DataFrame({"x1": x1, "x2": x2, "output": outputs, "x1_low": x1 - half, "x1_high": x1 + half,
                         "x2_low": x2 - half, "x2_high": x2 + half})


def decision_contour(snapshot: Snapshot, dataset: Dataset, level: float = THRESHOLD) -> np.ndarray:
    """Where the snapshot's output crosses `level` on the dataset's grid, as line segments.

    Marching squares on the `grid_steps` x `grid_steps` raster: in each cell whose corners lie on
    both sides of `level`, the crossings on its edges are found by linear interpolation and joined.
    A saddle cell (diagonal corners on the same side) is split by its centre value, the mean of
    its corners. Returns an array of shape (k, 4): rows (x1_a, x2_a, x1_b, x2_b); empty when the
    output is on one side everywhere (as for a network that has not left the ln 2 plateau).
    """
    outputs = np.asarray(snapshot.grid_outputs, dtype=np.float64)
    steps = dataset.grid_steps
    axis = dataset.grid.numpy().astype(np.float64)[::steps, 0]
    if outputs.shape != (steps * steps,) or dataset.grid.shape[1] != 2:
        raise ValueError("decision_contour needs a 2-input dataset and a snapshot of its grid.")
    values = outputs.reshape(steps, steps)  # values[i, j] is the output at (axis[i], axis[j])
    above = values > level
    corners = above[:-1, :-1].astype(int) + above[1:, :-1] + above[:-1, 1:] + above[1:, 1:]
    segments = [_cell_segments(values, axis, i, j, level) for i, j in np.argwhere((corners > 0) & (corners < 4))]
    flat = [segment for cell in segments for segment in cell]
    return np.array(flat, dtype=np.float64).reshape(len(flat), 4)


def _cell_segments(values: np.ndarray, axis: np.ndarray, i: int, j: int, level: float) -> list[tuple]:
    """The one or two pieces of the `level` line inside cell (i, j) of the raster."""
    x_lo, x_hi, y_lo, y_hi = axis[i], axis[i + 1], axis[j], axis[j + 1]
    v00, v10, v01, v11 = values[i, j], values[i + 1, j], values[i, j + 1], values[i + 1, j + 1]

    def crossing(a: float, b: float, start: tuple[float, float], end: tuple[float, float]):
        if (a > level) == (b > level):
            return None
        t = (level - a) / (b - a)
        return start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])

    bottom = crossing(v00, v10, (x_lo, y_lo), (x_hi, y_lo))
    right = crossing(v10, v11, (x_hi, y_lo), (x_hi, y_hi))
    top = crossing(v01, v11, (x_lo, y_hi), (x_hi, y_hi))
    left = crossing(v00, v01, (x_lo, y_lo), (x_lo, y_hi))
    found = [p for p in (bottom, right, top, left) if p is not None]
    if len(found) == 2:
        return [(*found[0], *found[1])]
    # A saddle: all four edges cross. If the centre is on v00's side, v00 and v11 connect through
    # it and the line cuts off the other two corners; otherwise it cuts off v00 and v11.
    if ((v00 + v10 + v01 + v11) / 4 > level) == (v00 > level):
        return [(*bottom, *right), (*top, *left)]
    return [(*left, *bottom), (*right, *top)]


def hidden_plane_grid(weights: Weights, config: Config, inputs, units: tuple[int, int],
                      bounds, steps: int = 25) -> pd.DataFrame:
    """The network output over the plane of two units of the LAST hidden layer, for shading.

    Each cell's output is the output activation of w_i·h_i + w_j·h_j + b + Σ_other w_k·h_k, with
    every other unit held at its mean over `inputs`, as `hidden_space` does for its line; so the
    0.5 level of this grid is that line. Columns: h_a, h_b, output and the cell edges
    h_a_low, h_a_high, h_b_low, h_b_high over `bounds` (a HiddenSpace's).
    """
    last_hidden = layer_activations(weights, config, inputs)[-2]
    W, b = (np.asarray(p, np.float64) for p in weights[-1])
    i, j = units
    others = [k for k in range(last_hidden.shape[1]) if k not in (i, j)]
    rest = float(W[0, others] @ last_hidden[:, others].mean(axis=0)) if others else 0.0
    (a_lo, a_hi), (b_lo, b_hi) = bounds
    a_axis, b_axis = np.linspace(a_lo, a_hi, steps), np.linspace(b_lo, b_hi, steps)
    a, c = (values.ravel() for values in np.meshgrid(a_axis, b_axis, indexing="ij"))
    output = ACTIVATION_FORMULAS[config.model.output_activation][0](W[0, i] * a + W[0, j] * c + b[0] + rest)
    half_a, half_b = (a_hi - a_lo) / (2 * (steps - 1)), (b_hi - b_lo) / (2 * (steps - 1))
    return pd.DataFrame({"h_a": a, "h_b": c, "output": output, "h_a_low": a - half_a, "h_a_high": a + half_a,
                         "h_b_low": c - half_b, "h_b_high": c + half_b})


# --- the lecture's printout ----------------------------------------------------------------

MAX_POINTS_SHOWN = 16  # the exported script prints hypothesis and prediction only for this few


@dataclass(frozen=True, eq=False)
class Printout:
    """What the lecture's script prints for a run, as numbers and as text.

    `losses` is exactly `result.losses[::every]`, at `steps`. After training: for classification
    the hypothesis (output per input), predicted class (output > 0.5, as 0.0 / 1.0) and accuracy;
    for regression the final loss (and w, b for the linear-regression-from-scratch script). A
    diverged run has only the finite losses and nothing after them.
    """

    steps: np.ndarray
    losses: np.ndarray
    targets: np.ndarray
    hypothesis: np.ndarray | None = None
    predicted: np.ndarray | None = None
    accuracy: float | None = None
    final_loss: float | None = None  # regression: criterion(model(X), Y) after training
    line_fit: tuple[float, float] | None = None  # E7: the fitted (w, b)
    show_points: bool = True  # whether hypothesis and predicted are printed (≤ 16 points)

    def lines(self) -> list[str]:
        """The printed lines, formatted as Python's print formats them (floats in repr)."""
        lines = [f"{step} {float(loss)!r}" for step, loss in zip(self.steps, self.losses)]
        if self.line_fit is not None:
            return lines + [f"w = {self.line_fit[0]!r} b = {self.line_fit[1]!r}"]
        if self.final_loss is not None:
            return lines + [f"Final loss: {self.final_loss!r}"]
        if self.accuracy is None:
            return lines  # diverged: the script would go on printing nan
        if self.show_points:
            lines += ["", f"Hypothesis: {[float(v) for v in self.hypothesis]}",
                      f"Predicted: {[float(v) for v in self.predicted]}"]
        return lines + [f"Accuracy: {self.accuracy!r}"]

    def text(self) -> str:
        """The whole printout, one line per print() call, ending with a newline."""
        return "\n".join(self.lines()) + "\n"


def lecture_printout(result: RunResult, every: int = PRINT_EVERY) -> Printout:
    """The numbers the lecture's script prints for this run (`export_script` prints the same text)."""
    losses = np.asarray(result.losses)[::every]
    targets = result.dataset.targets.squeeze(1).numpy().astype(np.float64)
    printout = Printout(np.arange(0, len(result.losses), every), losses, targets)
    if result.status != "finished":
        return printout
    config = result.config
    if config.data.task == "classification":
        hypothesis = result.hypothesis()
        return Printout(printout.steps, losses, targets, hypothesis, (hypothesis > THRESHOLD).astype(np.float32),
                        result.accuracy, show_points=len(targets) <= MAX_POINTS_SHOWN)
    if _is_lecture_linear_regression(config):
        W, b = (p.detach() for p in result.model.parameters())
        return Printout(printout.steps, losses, targets, line_fit=(W.item(), b.item()))
    with torch.no_grad():
        final = make_loss(config.training)(result.model(result.dataset.inputs), result.dataset.targets).item()
    return Printout(printout.steps, losses, targets, final_loss=final)
