"""The XOR lesson's analysis: the anatomy of a trained network, as data (pure: no streamlit, no altair).

Everything here is computed from a snapshot's weights (a tuple of `(W, b)` numpy pairs, `W` of
shape (out, in), one per Linear layer) and the config's activation names — never from pictures.
The lesson's views turn the results into a heatmap, lines and tables; lessons/xor/diagram.py
draws the network.

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
import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import torch

from mlp_core.components import ACTIVATIONS
from mlp_core.config import Config
from mlp_core.data import Dataset
from mlp_core.i18n import N_, _, ngettext
from mlp_core.model import activation_module
from mlp_core.printout import THRESHOLD
from mlp_core.trainer import Snapshot

LN2 = math.log(2)  # the BCE loss of answering 0.5 everywhere: the plateau of a net that has not decided yet
PERCEPTRON_CEILING = 0.75  # the best accuracy any line reaches on the four XOR points

Weights = Sequence[tuple[np.ndarray, np.ndarray]]  # (W of shape (out, in), b of shape (out,)) per layer
Line = tuple[np.ndarray, np.ndarray]  # (first coordinates, second coordinates) of the two endpoints



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
    for _step in range(80):
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
    for layer, (W, _bias) in enumerate(weights[:-1], start=1):
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
    line, exact, note = None, False, _("Later layers bend the decision boundary, so it is no straight "
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
        note = ngettext("Approximate: the output also depends on {n} other unit of this layer, held here at "
                        "its mean over the data.",
                        "Approximate: the output also depends on {n} other units of this layer, held here at "
                        "their mean over the data.", len(others), n=len(others))
    else:
        note = _("The output unit's decision line: the output is exactly 0.5 on it, and class 1 lies on "
                 "the side its weights point to.")
    if line is None:
        note += " " + _("The line does not cross this view.")
    return line, not others, note


def _axis_bounds(values: np.ndarray, activation: str) -> tuple[float, float]:
    """A fixed range for bounded activations, else the values' extent with a 10% margin."""
    if activation in BOUNDED:
        low, high = BOUNDED[activation]
        return low - 0.05, high + 0.05  # a little room for the markers on the edges
    low, high = float(values.min()), float(values.max())
    margin = 0.1 * (high - low) or 0.5  # a dead unit (all values equal) still gets a visible axis
    return low - margin, high + margin


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


# --- the run as a whole -----------------------------------------------------------------------

def plateau_exit(losses: np.ndarray, near: float = 0.01, below: float = 0.1, min_share: float = 0.02) -> int | None:
    """The first epoch at which the loss, after *sitting* within `near` of ln 2, falls `below` under it.

    Every sigmoid network starts near ln 2 (it answers about 0.5 everywhere before it has learned
    anything), so passing through the band is no plateau. The loss sat there when, between its
    first epoch within `near` of ln 2 and the exit, it spent in that band (a fall of 2·near)
    - at least as many epochs as it then took to fall from the band to `below` under ln 2 (a fall
      of 4.5 times as much): on a plateau the curve is flat, a run that simply learns falls through
      the band at least as fast as it falls afterwards (a perceptron learning AND with lr 0.01:
      33 epochs in the band, 353 to fall); and
    - at least `min_share` of the run's epochs: one interval of the replay's ~50 snapshots, or the
      jump would land on the snapshot the run starts from (E1 with tanh: 112 epochs of 10,001).
    E1 (2-2-1) at its seed sits ~2,000 epochs there and falls in ~150; E2 (2-10-10-10-1) ~5,000
    and ~155. None when the loss never reaches the band, never leaves it, or only passes through.
    """
    losses = np.asarray(losses, dtype=np.float64)
    in_band = np.abs(losses - LN2) < near
    arrived = np.flatnonzero(in_band)
    if not len(arrived):
        return None
    left = np.flatnonzero(losses[arrived[0]:] < LN2 - below)
    if not len(left):
        return None
    exit_epoch = int(arrived[0] + left[0])
    stay = int(in_band[arrived[0]:exit_epoch].sum())
    fall = exit_epoch - int(arrived[arrived < exit_epoch][-1])
    return exit_epoch if stay >= max(fall, min_share * len(losses)) else None


def snapshot_accuracy(snapshot: Snapshot, config: Config, dataset: Dataset) -> float:
    """Accuracy on the training points of the network as it was at the snapshot."""
    outputs = layer_activations(snapshot.weights, config, dataset.inputs.numpy())[-1][:, 0]
    return float(np.mean((outputs > 0.5) == (dataset.targets.numpy()[:, 0] > 0.5)))


# --- what a configuration shows ------------------------------------------------------------

WHY = {  # marked for the catalogs; lesson() translates them where they are shown
    "xor": N_("**No straight line can separate XOR**: a line w₁x₁ + w₂x₂ + b = 0 with (0,1) and (1,0) on the "
              "class-1 side (w₂ + b > 0, w₁ + b > 0) and (0,0) on the other (b < 0) has w₁ + w₂ + b > −b > 0, "
              "so (1,1) lands on the class-1 side too. The best a line can do is 3 of 4 points (0.75); trained "
              "with BCE it settles for ŷ = 0.5 everywhere, a loss of ln 2 ≈ 0.693."),
    "and": N_("**AND is linearly separable**: one line cuts (1,1) off from the other three corners, and the "
              "perceptron finds it."),
    "or": N_("**OR is linearly separable**: one line cuts (0,0) off from the other three corners, and the "
             "perceptron finds it."),
}


def lesson(config) -> str:
    """One sentence on what this configuration shows, in the reader's language."""
    if config.data.points is not None:
        return _own_lesson(config)
    if config.model.depth == 0:
        return _(WHY[config.data.gate])
    widths = "-".join(str(w) for w in (2, *config.model.hidden_widths, 1))
    return ngettext("**The MLP {widths}** bends the boundary: its hidden layer maps the four corners to new "
                    "points where one line does separate the classes — see *Hidden space* below. Trained by "
                    "backpropagation, it often sits on the ln 2 plateau before it finds that map.",
                    "**The MLP {widths}** bends the boundary: its hidden layers map the four corners to new "
                    "points where one line does separate the classes — see *Hidden space* below. Trained by "
                    "backpropagation, it often sits on the ln 2 plateau before it finds that map.",
                    config.model.depth, widths=widths)


def _own_lesson(config) -> str:
    """The sentence for points of one's own: what the architecture can draw around them."""
    count = len(config.data.points)
    if config.model.depth == 0:
        return ngettext("**Your {count} point** and a single-layer perceptron: it draws one straight line. If no line "
                        "separates your classes, the accuracy stays below 1 — add a hidden layer.",
                        "**Your {count} points** and a single-layer perceptron: it draws one straight line. If no line "
                        "separates your classes, the accuracy stays below 1 — add a hidden layer.", count, count=count)
    widths = "-".join(str(w) for w in (2, *config.model.hidden_widths, 1))
    return ngettext("**Your {count} point** and the MLP {widths}: its hidden layers can bend the boundary around "
                    "your classes — see *Hidden space* below for the map in which one line separates them.",
                    "**Your {count} points** and the MLP {widths}: its hidden layers can bend the boundary around "
                    "your classes — see *Hidden space* below for the map in which one line separates them.",
                    count, count=count, widths=widths)
