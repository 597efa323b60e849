"""The anatomy data behind the Perceptron & XOR page (lessons/xor/analysis.py and diagram.py): checked by hand and against torch and the script."""

from __future__ import annotations

import ast
import functools
import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from mlp_core import PRESETS, export_script, run
from mlp_core import config as config_module
from lessons.xor.analysis import (ACTIVATION_FORMULAS, boundary_grid, decision_contour, hidden_plane_grid,
                                  hidden_space, layer_activations, node_names, perceptron_line, plateau_exit)
from lessons.xor.diagram import NEGATIVE, POSITIVE, network_diagram, network_dot, weights_table
from mlp_core.model import build_model
from mlp_core.printout import lecture_printout

XOR = PRESETS["xor-2-2-1"]
CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def as_weights(*layers):
    """((W, b), ...) as float32 numpy, like a Snapshot's weights."""
    return tuple((np.array(W, np.float32), np.array(b, np.float32)) for W, b in layers)


# A hand-made XOR solver: h1 fires for "at least one", h2 for "not both", ŷ needs h1 + h2 > 1.5.
HAND = as_weights(([[4, 4], [-4, -4]], [-2, 6]), ([[8, 8]], [-12]))


def output_layer(weights, hidden_values, config=XOR):
    """The network output for given values of the last hidden layer."""
    W, b = weights[-1]
    return layer_activations(((W, b),), config.replace(hidden_widths=()), hidden_values)[-1][:, 0]


# --- layer activations ---------------------------------------------------------------------

def test_layer_activations_of_a_hand_set_network():
    hidden, output = layer_activations(HAND, XOR, CORNERS)
    for (x1, x2), h, y in zip(CORNERS, hidden, output[:, 0]):
        h1, h2 = sigmoid(4 * x1 + 4 * x2 - 2), sigmoid(-4 * x1 - 4 * x2 + 6)
        np.testing.assert_allclose(h, [h1, h2], rtol=1e-12)
        assert y == pytest.approx(sigmoid(8 * h1 + 8 * h2 - 12), rel=1e-12)
    assert ((output[:, 0] > 0.5) == [False, True, True, False]).all()  # it solves XOR


def test_every_activation_of_the_config_has_a_formula():
    assert set(ACTIVATION_FORMULAS) == set(config_module.ACTIVATIONS)


@pytest.mark.parametrize("activation", config_module.ACTIVATIONS)
def test_each_activation_matches_the_torch_modules(activation):
    config = XOR.replace(hidden_widths=(3, 2), activation=activation, output_activation=activation, loss="mse")
    model = build_model(config.model, 2, torch.Generator().manual_seed(3))
    weights = tuple((m.weight.detach().numpy(), m.bias.detach().numpy())
                    for m in model if isinstance(m, torch.nn.Linear))
    inputs = torch.randn(50, 2, generator=torch.Generator().manual_seed(4)) * 3
    expected, value = [], inputs
    with torch.no_grad():
        for module in model:
            value = module(value)
            expected.append(value.numpy())
    ours = layer_activations(weights, config, inputs)
    stride = 1 if activation == "identity" else 2  # identity adds no module after a Linear
    for mine, theirs in zip(ours, expected[stride - 1::stride]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_snapshot_weights_reproduce_the_trained_model_layer_by_layer():
    result = run(XOR.replace(epochs=200))
    last = result.snapshots[-1]
    assert last.epoch == 200
    inputs = torch.cat([result.dataset.inputs, result.dataset.grid[::37]])
    with torch.no_grad():
        hidden = result.model[1](result.model[0](inputs))
        output = result.model(inputs)
    ours = layer_activations(last.weights, result.config, inputs)
    np.testing.assert_allclose(ours[0], hidden.numpy(), atol=1e-6)
    np.testing.assert_allclose(ours[1], output.numpy(), atol=1e-6)
    np.testing.assert_allclose(ours[1][: len(result.dataset.inputs), 0], result.hypothesis(), atol=1e-6)


# --- lines ----------------------------------------------------------------------------------

@pytest.mark.parametrize("W, b, expected", [
    ([[1, 1]], [0], ([-0.25, 0.25], [0.25, -0.25])),  # x1 + x2 = 0
    ([[2, 0]], [-1], ([0.5, 0.5], [-0.25, 1.25])),  # vertical: x1 = 0.5
    ([[0, 4]], [-2], ([-0.25, 1.25], [0.5, 0.5])),  # horizontal: x2 = 0.5
    ([[1, -1]], [0], ([-0.25, 1.25], [-0.25, 1.25])),  # the diagonal, through two corners
])
def test_perceptron_line_endpoints(W, b, expected):
    x1, x2 = perceptron_line(as_weights((W, b)))
    np.testing.assert_allclose(x1, expected[0], atol=1e-12)
    np.testing.assert_allclose(x2, expected[1], atol=1e-12)


@pytest.mark.parametrize("W, b", [([[0, 0]], [1]), ([[1, 1]], [-10])])
def test_perceptron_line_is_none_when_constant_or_outside(W, b):
    assert perceptron_line(as_weights((W, b))) is None


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "identity"])
def test_perceptron_line_is_where_the_output_is_one_half(activation):
    weights = as_weights(([[1.5, 1.0]], [-0.5]))
    x1, x2 = perceptron_line(weights, output_activation=activation)
    config = XOR.replace(hidden_widths=(), output_activation=activation, loss="mse")
    along = np.linspace(0, 1, 7)[:, None]
    points = np.column_stack([x1[0] + along * (x1[1] - x1[0]), x2[0] + along * (x2[1] - x2[0])])
    np.testing.assert_allclose(layer_activations(weights, config, points)[-1], 0.5, atol=1e-6)
    if activation == "identity":  # the 0.5 level, not the logit's zero: 1.5 x1 + x2 = 1
        np.testing.assert_allclose(x1, [-1 / 6, 5 / 6], atol=1e-12)


# --- hidden space ---------------------------------------------------------------------------

def test_hidden_space_of_the_hand_network_separates_xor_by_a_line():
    space = hidden_space(HAND, XOR, CORNERS)
    assert (space.layer, space.units, space.axis_names, space.exact) == (1, (0, 1), ("h1_1", "h1_2"), True)
    hidden = [[sigmoid(4 * x1 + 4 * x2 - 2), sigmoid(-4 * x1 - 4 * x2 + 6)] for x1, x2 in CORNERS]
    np.testing.assert_allclose(space.points, hidden, rtol=1e-12)
    assert space.bounds == ((-0.05, 1.05), (-0.05, 1.05))
    # output 0.5 <=> 8 h1 + 8 h2 - 12 = 0 <=> h1 + h2 = 1.5, cut by the box at h = 0.45 and 1.05
    np.testing.assert_allclose(space.line[0], [0.45, 1.05], atol=1e-12)
    np.testing.assert_allclose(space.line[1], [1.05, 0.45], atol=1e-12)
    np.testing.assert_allclose(output_layer(HAND, np.column_stack(space.line)), 0.5, atol=1e-6)
    side = space.points.sum(axis=1) > 1.5  # XOR's 1s lie beyond the line, its 0s before it
    assert side.tolist() == [False, True, True, False]


def test_hidden_space_of_a_wide_layer_holds_other_units_at_their_mean():
    weights = as_weights(([[4, 4], [-4, -4], [1, -1]], [-2, 6, 0]), ([[8, 8, 1]], [-12]))
    config = XOR.replace(hidden_widths=(3,))
    space = hidden_space(weights, config, CORNERS, units=(1, 0))
    assert not space.exact and "mean" in space.note and space.axis_names == ("h1_2", "h1_1")
    third = layer_activations(weights, config, CORNERS)[0][:, 2].mean()
    h2, h1 = space.line
    on_line = np.column_stack([h1, h2, [third, third]])
    np.testing.assert_allclose(output_layer(weights, on_line, config), 0.5, atol=1e-6)


def test_hidden_space_before_the_last_hidden_layer_has_no_line_and_unbounded_units_fit_the_data():
    weights = as_weights(([[1, 0], [0, 1]], [0, 0]), ([[1, 1], [1, -1]], [0, 0]), ([[1, 1]], [0]))
    config = XOR.replace(hidden_widths=(2, 2), activation="relu")
    first = hidden_space(weights, config, CORNERS, layer=0)
    assert first.line is None and first.layer == 1 and not first.exact
    assert first.bounds == ((-0.1, 1.1), (-0.1, 1.1))  # relu values 0..1 plus a 10% margin
    assert hidden_space(weights, config, CORNERS).layer == 2
    with pytest.raises(ValueError, match="no hidden layer"):
        hidden_space(as_weights(([[1, 1]], [0])), XOR.replace(hidden_widths=()), CORNERS)
    with pytest.raises(ValueError, match="two different units"):
        hidden_space(HAND, XOR, CORNERS, units=(0, 0))


# --- diagram and table ----------------------------------------------------------------------

def edge_lines(dot: str) -> list[str]:
    return [line for line in dot.splitlines() if " -> " in line]


def test_diagram_nodes_edges_and_dot_colours_and_thickness():
    diagram = network_diagram(HAND, XOR)
    assert [n.name for n in diagram.nodes] == ["x1", "x2", "h1_1", "h1_2", "ŷ"]
    assert [n.bias for n in diagram.nodes] == [None, None, -2.0, 6.0, -12.0]
    assert [(e.source, e.target, e.weight) for e in diagram.edges] == [
        ("x1", "h1_1", 4.0), ("x2", "h1_1", 4.0), ("x1", "h1_2", -4.0), ("x2", "h1_2", -4.0),
        ("h1_1", "ŷ", 8.0), ("h1_2", "ŷ", 8.0)]
    dot = network_dot(diagram)
    assert dot.startswith("digraph") and "rankdir=LR" in dot and dot.count("{") == dot.count("}")
    lines = edge_lines(dot)
    assert len(lines) == 6
    assert [f'color="{POSITIVE}"' in line for line in lines] == [True, True, False, False, True, True]
    assert all(f'color="{NEGATIVE}"' in line for line in lines[2:4])
    widths = [float(re.search(r'penwidth="([\d.]+)"', line).group(1)) for line in lines]
    assert widths[4] == widths[5] == 6.0 and widths[0] == 0.5 + 5.5 * 0.5  # |w| 8 is the largest
    assert 'label="-4.00"' in lines[2] and 'tooltip="x1 → h1_2: w = -4"' in lines[2]
    assert 'label="h1_2\\nb=6.00"' in dot  # the bias on the neuron


def test_big_network_diagram_stays_light():
    result = run(PRESETS["xor-2-10-10-10-1"].replace(epochs=2), n_snapshots=1)
    diagram = network_diagram(result.snapshots[0].weights, result.config)
    assert len(diagram.nodes) == 33 and len(diagram.edges) == 230
    lines = edge_lines(network_dot(diagram))
    assert len(lines) == 230 and all("tooltip=" in line and "label=" not in line for line in lines)
    widths = [float(re.search(r'penwidth="([\d.]+)"', line).group(1)) for line in lines]
    assert max(widths) == 3.0 and min(widths) >= 0.3
    order = np.argsort([abs(e.weight) for e in diagram.edges], kind="stable")
    assert np.all(np.diff(np.array(widths)[order]) >= 0)  # thicker means a larger |w|


def test_weights_table_rows():
    rows = weights_table(HAND)
    assert len(rows) == 6 + 3
    assert rows[0] == {"layer": 1, "parameter": "W1[0,0]", "from": "x1", "to": "h1_1", "weight": 4.0}
    assert rows[4] == {"layer": 1, "parameter": "b1[0]", "from": "bias", "to": "h1_1", "weight": -2.0}
    assert rows[-1] == {"layer": 2, "parameter": "b2[0]", "from": "bias", "to": "ŷ", "weight": -12.0}
    assert node_names(as_weights(([[1.0]], [0.0]))) == [["x"], ["ŷ"]]


# --- heatmap grid ---------------------------------------------------------------------------

def test_boundary_grid_is_the_snapshot_output_at_each_grid_point():
    result = run(XOR.replace(epochs=50), n_snapshots=2)
    snapshot, dataset = result.snapshots[-1], result.dataset
    frame = boundary_grid(snapshot, dataset)
    steps = dataset.grid_steps
    assert len(frame) == steps**2 and list(frame.columns)[:3] == ["x1", "x2", "output"]
    assert frame.x1.iloc[0] == frame.x1.iloc[steps - 1] < frame.x1.iloc[steps]  # x1 varies slowest
    np.testing.assert_allclose(frame.x1_high - frame.x1_low, 1.5 / (steps - 1), rtol=1e-5)  # cells tile the square
    np.testing.assert_allclose(frame.x2_high.iloc[0], frame.x2_low.iloc[1], atol=1e-7)
    raster = frame.output.to_numpy().reshape(steps, steps)
    assert raster[3, 5] == snapshot.grid_outputs[3 * steps + 5]
    ours = layer_activations(snapshot.weights, result.config, frame[["x1", "x2"]].to_numpy())[-1][:, 0]
    np.testing.assert_allclose(frame.output, ours, atol=1e-6)


def snapshot_of(function, dataset):
    """A Snapshot whose grid output is `function(x1, x2)` on the dataset's grid."""
    from mlp_core.trainer import Snapshot

    grid = dataset.grid.numpy().astype(np.float64)
    return Snapshot(0, function(grid[:, 0], grid[:, 1]), ())


def gate_dataset():
    from mlp_core.data import dataset_for

    return dataset_for(XOR)


def test_decision_contour_of_a_linear_output_lies_on_its_line_and_spans_the_square():
    dataset = gate_dataset()
    segments = decision_contour(snapshot_of(lambda a, b: 0.4 * a + 0.4 * b + 0.1, dataset), dataset)
    assert segments.shape[1] == 4 and len(segments) > 0
    ends = segments.reshape(-1, 2)
    np.testing.assert_allclose(ends.sum(axis=1), 1.0, atol=1e-9)  # exact for a linear output: x1 + x2 = 1
    lengths = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    assert lengths.sum() == pytest.approx(math.sqrt(2) * 1.5, rel=1e-6)  # from (-0.25, 1.25) to (1.25, -0.25)


def test_decision_contour_of_a_circle_and_of_a_constant_output():
    dataset = gate_dataset()
    circle = decision_contour(snapshot_of(lambda a, b: (a - 0.5) ** 2 + (b - 0.5) ** 2, dataset), dataset, level=0.16)
    radii = np.hypot(circle.reshape(-1, 2)[:, 0] - 0.5, circle.reshape(-1, 2)[:, 1] - 0.5)
    np.testing.assert_allclose(radii, 0.4, atol=2e-3)
    lengths = np.hypot(circle[:, 2] - circle[:, 0], circle[:, 3] - circle[:, 1])
    assert lengths.sum() == pytest.approx(2 * math.pi * 0.4, rel=5e-3)
    assert decision_contour(snapshot_of(lambda a, b: 0 * a + 0.5, dataset), dataset).shape == (0, 4)


def test_decision_contour_of_the_hand_xor_network_separates_the_corners():
    dataset = gate_dataset()
    grid = dataset.grid.numpy()
    outputs = layer_activations(HAND, XOR, grid)[-1][:, 0]
    segments = decision_contour(snapshot_of(lambda a, b: outputs, dataset), dataset)
    ends = segments.reshape(-1, 2)
    on_line = layer_activations(HAND, XOR, ends)[-1][:, 0]
    np.testing.assert_allclose(on_line, 0.5, atol=0.05)  # linear interpolation of a smooth output
    assert (ends[:, 0] + ends[:, 1] < 0.7).sum() > 0 and (ends[:, 0] + ends[:, 1] > 1.3).sum() > 0  # two bands


def test_hidden_plane_grid_crosses_one_half_on_the_hidden_space_line():
    space = hidden_space(HAND, XOR, CORNERS)
    frame = hidden_plane_grid(HAND, XOR, CORNERS, (0, 1), space.bounds, steps=11)
    assert len(frame) == 121 and list(frame.columns)[:3] == ["h_a", "h_b", "output"]
    np.testing.assert_allclose(frame.output, output_layer(HAND, frame[["h_a", "h_b"]].to_numpy()), rtol=1e-12)
    (x_a, x_b), (y_a, y_b) = space.line
    np.testing.assert_allclose(output_layer(HAND, np.array([[x_a, y_a], [x_b, y_b]])), 0.5, atol=1e-9)
    assert frame.h_a.min() == space.bounds[0][0] and frame.h_b.max() == space.bounds[1][1]


# --- the lecture's printout against the exported script -------------------------------------

PRINTOUT_CONFIGS = {
    "xor": XOR.replace(epochs=301),
    "linear-regression": PRESETS["linear-regression-9-points"],
    # A regression MLP (the script ends with "Final loss:"); nine points keep it quick.
    "regression": PRESETS["linear-regression-9-points"].replace(
        hidden_widths=(3,), activation="tanh", init="default", loss="mse", learning_rate=0.01, epochs=201),
}


@functools.cache
def finished_run(name: str):
    return run(PRINTOUT_CONFIGS[name])


@pytest.fixture(scope="module")
def script_outputs() -> dict[str, list[str]]:
    """Each exported script's printed lines, all run in one subprocess (torch imports once)."""
    runner = "\n".join(f"print('=== {name}', flush=True)\nexec({export_script(config)!r}, {{}})"
                       for name, config in PRINTOUT_CONFIGS.items())
    one_thread = {**os.environ, "OMP_NUM_THREADS": "1"}  # tiny tensors: threads only contend for the cores
    done = subprocess.run([sys.executable, "-c", runner], capture_output=True, text=True, check=True,
                          env=one_thread)
    chunks = re.split(r"^=== (\S+)\n", done.stdout, flags=re.M)[1:]
    return {name: text.splitlines() for name, text in zip(chunks[::2], chunks[1::2])}


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?|nan|inf")


def test_the_plateau_exit_is_found_where_the_loss_sat_at_ln_2(preset_runs):
    e1, e2 = (np.asarray(preset_runs(name).losses) for name in ("xor-2-2-1", "xor-2-10-10-10-1"))
    # E1 sits within 0.01 of ln 2 from epoch 2 to ~2,005 and is 0.1 under it at 2,157; E2 from 0 to ~4,990.
    assert plateau_exit(e1) == 2157 and np.all(np.abs(e1[2:2000] - math.log(2)) < 0.01)
    assert plateau_exit(e2) == 5145 and np.all(np.abs(e2[:4990] - math.log(2)) < 0.01)
    assert plateau_exit(e1[:4001]) == 2157  # the AppTest's shorter E1
    assert plateau_exit(e2[:4001]) is None  # still on it: no exit yet


def test_no_plateau_exit_for_a_run_that_never_sat_at_ln_2(preset_runs):
    # Each of these starts at or passes through ln 2 ± 0.01, which once counted as "the plateau".
    assert plateau_exit(preset_runs("perceptron-and").losses) is None  # 0.6932 at epoch 0, 0.48 at 10
    assert plateau_exit(preset_runs("perceptron-xor").losses) is None  # at ln 2 for good: never leaves
    slow = run(PRESETS["perceptron-and"].replace(learning_rate=0.01)).losses  # 33 epochs in the band, 353 to fall
    assert plateau_exit(slow) is None
    tanh = run(XOR.replace(activation="tanh")).losses  # 112 of 10,001 epochs in the band: under one replay step
    assert plateau_exit(tanh) is None
    # The same curves with a real plateau spliced in front (2,000 epochs at ln 2) do have an exit.
    for losses in (slow, tanh):
        flat = np.full(2000, math.log(2) + 1e-4)
        assert plateau_exit(np.concatenate([flat, losses])) is not None


@pytest.mark.parametrize("name", sorted(PRINTOUT_CONFIGS))
def test_printout_text_matches_the_exported_script(script_outputs, name):
    lines = lecture_printout(finished_run(name)).lines()
    printed = script_outputs[name]
    assert [NUMBER.sub("#", line) for line in lines] == [NUMBER.sub("#", line) for line in printed]
    ours = [float(v) for line in lines for v in NUMBER.findall(line)]
    theirs = [float(v) for line in printed for v in NUMBER.findall(line)]
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_printout_numbers_are_the_runs_numbers():
    result = finished_run("xor")
    printout = lecture_printout(result)
    assert printout.steps.tolist() == [0, 100, 200, 300]
    np.testing.assert_array_equal(printout.losses, result.losses[::100])
    np.testing.assert_array_equal(printout.hypothesis, result.hypothesis())
    np.testing.assert_array_equal(printout.predicted, (result.hypothesis() > 0.5).astype(np.float32))
    np.testing.assert_array_equal(printout.targets, [0.0, 1.0, 1.0, 0.0])
    assert printout.accuracy == result.accuracy
    assert printout.lines()[0] == f"0 {float(result.losses[0])!r}"
    assert printout.text().endswith(f"Accuracy: {result.accuracy}\n")


def test_anatomy_imports_no_drawing_library():
    from lessons.xor import analysis as anatomy

    tree = ast.parse(open(anatomy.__file__, encoding="utf-8").read())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"streamlit", "altair", "graphviz"}
