"""The scalar graph engine against torch.autograd, finite differences and the lecture's numbers."""
from __future__ import annotations

import ast
import math
import random
from functools import reduce
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from mlp_core.data import NINE_X, NINE_Y
from mlp_core.circuits import (
    ACTIVATIONS, DIVERGED_LOSS, activation_curve, chain_rule_w2, circuit_e4, circuit_e5_expanded, circuit_e5_sigmoid,
    circuit_linear_regression, dloss_dw2_finite_difference, linear_regression_path, linear_regression_update,
    sse_stability_limit,
)
from mlp_core.graph import Value, backward_steps, by_label, forward_steps, graph_data, topological_order, walkthrough


def close(a: float, b: float, tol: float) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# Random expressions: one program, replayed on engine Values and on float64 tensors.
# Each op: (arity, guard on the operands' values, function valid for both Value and Tensor).
# Guards keep inputs in the op's domain, away from relu kinks and away from overflow.
OPS = {
    "add": (2, lambda a, b: True, lambda a, b, c: a + b),
    "mul": (2, lambda a, b: True, lambda a, b, c: a * b),
    "sub": (2, lambda a, b: True, lambda a, b, c: a - b),
    "div": (2, lambda a, b: abs(b) > 0.2, lambda a, b, c: a / b),
    "square": (1, lambda a: True, lambda a, c: a ** 2),
    "cube": (1, lambda a: True, lambda a, c: a ** 3),
    "inverse": (1, lambda a: abs(a) > 0.2, lambda a, c: a ** -1),
    "sqrt": (1, lambda a: a > 0.1, lambda a, c: a ** 0.5),
    "neg": (1, lambda a: True, lambda a, c: -a),
    "exp": (1, lambda a: a < 4, lambda a, c: a.exp()),
    "log": (1, lambda a: a > 0.1, lambda a, c: a.log()),
    "sigmoid": (1, lambda a: True, lambda a, c: a.sigmoid()),
    "tanh": (1, lambda a: True, lambda a, c: a.tanh()),
    "relu": (1, lambda a: abs(a) > 0.05, lambda a, c: a.relu()),
    "leaky_relu": (1, lambda a: abs(a) > 0.05,
                   lambda a, c: a.leaky_relu() if isinstance(a, Value) else F.leaky_relu(a, 0.01)),
    "add_const": (1, lambda a: True, lambda a, c: a + c),
    "sub_const": (1, lambda a: True, lambda a, c: a - c),
    "mul_const": (1, lambda a: True, lambda a, c: a * c),
    "div_const": (1, lambda a: True, lambda a, c: a / c),
    "radd": (1, lambda a: True, lambda a, c: c + a),
    "rsub": (1, lambda a: True, lambda a, c: c - a),
    "rmul": (1, lambda a: True, lambda a, c: c * a),
    "rtruediv": (1, lambda a: abs(a) > 0.2, lambda a, c: c / a),
}
N_LEAVES, N_OPS = 4, 12


Program = list[tuple[str, tuple[int, ...], float]]  # (op, operand indices into the pool, constant)


def random_program(rng: random.Random) -> tuple[list[float], Program]:
    """Random leaf values and a program over them whose every value stays below 1e3."""
    leaves = [rng.uniform(-2.0, 2.0) for _ in range(N_LEAVES)]
    pool = [Value(v) for v in leaves]
    program = []
    while len(program) < N_OPS:
        name = rng.choice(sorted(OPS))
        arity, guard, fn = OPS[name]
        args = tuple(rng.randrange(len(pool)) for _ in range(arity))
        const = rng.choice([-1.5, -0.5, 0.7, 2.0, 3.0])
        if not guard(*(pool[i].data for i in args)):
            continue
        out = fn(*(pool[i] for i in args), const)
        if abs(out.data) < 1e3:  # keeps finite differences meaningful
            program.append((name, args, const))
            pool.append(out)
    return leaves, program


def evaluate(program: Program, leaves: list):
    """Replay on Values or tensors; the output sums every unused node plus pool[0]·pool[-1],
    so each leaf reaches the output and at least two nodes are used twice."""
    pool = list(leaves)
    used = set()
    for name, args, const in program:
        pool.append(OPS[name][2](*(pool[i] for i in args), const))
        used.update(args)
    sinks = [node for i, node in enumerate(pool) if i not in used]
    return reduce(lambda a, b: a + b, sinks) + pool[0] * pool[-1]


PROGRAMS = [random_program(random.Random(seed)) for seed in range(30)]


@pytest.mark.parametrize("leaves, program", PROGRAMS)
def test_random_expressions_match_torch_autograd(leaves, program):
    values = [Value(v) for v in leaves]
    out = evaluate(program, values)
    out.backward()
    tensors = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in leaves]
    expected = evaluate(program, tensors)
    expected.backward()
    assert close(out.data, expected.item(), 1e-9)
    for value, tensor in zip(values, tensors):
        assert close(value.grad, tensor.grad.item(), 1e-9)


@pytest.mark.parametrize("leaves, program", PROGRAMS[:10])
def test_random_expressions_match_finite_differences(leaves, program):
    values = [Value(v) for v in leaves]
    evaluate(program, values).backward()
    h = 1e-6
    for i, value in enumerate(values):
        plus = evaluate(program, [Value(v + h * (j == i)) for j, v in enumerate(leaves)]).data
        minus = evaluate(program, [Value(v - h * (j == i)) for j, v in enumerate(leaves)]).data
        assert close(value.grad, (plus - minus) / (2 * h), 1e-5)


def test_every_op_appears_in_the_random_programs():
    assert {name for _, program in PROGRAMS for name, _, _ in program} == set(OPS)


def test_a_value_used_twice_gets_both_contributions():
    a = Value(3.0, label="a")
    f = a * a + a  # df/da = 2a + 1
    f.backward()
    assert a.grad == 7.0


def test_backward_twice_gives_the_same_grads():
    f = circuit_e4()
    f.backward()
    f.backward()
    assert by_label(f)["x"].grad == -4.0


def test_numbers_become_constant_leaves_in_argument_order():
    a = Value(4.0, label="a")
    assert [p.label for p in (2 + a).parents] == ["2", "a"]
    assert [p.label for p in (2 * a).parents] == ["2", "a"]
    assert (a - 2).parents[1].label == "-2"
    assert (a / 2).parents[1].label == "0.5"
    assert (2 - a).data == -2.0 and (2 / a).data == 0.5


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="positive"):
        Value(-1.0).log()
    with pytest.raises(ValueError):
        Value(-2.0) ** 0.5
    with pytest.raises(TypeError):
        Value(2.0) ** Value(2.0)


def test_sigmoid_does_not_overflow():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0


# The lecture's circuits.

def test_e4_forward_and_backward():
    f = circuit_e4()
    node = by_label(f)
    assert (node["q"].data, f.data) == (3.0, -12.0)
    f.backward()
    grads = {k: node[k].grad for k in "fzqxy"}
    assert grads == {"f": 1.0, "z": 3.0, "q": -4.0, "x": -4.0, "y": -4.0}


def test_e5_expanded_circuit_values_and_gradients():
    f = circuit_e5_expanded()
    gate_values = [round(s.value, 2) for s in forward_steps(f) if s.op]
    assert gate_values == [-2.0, 6.0, 4.0, 1.0, -1.0, 0.37, 1.37, 0.73]
    f.backward()
    node = by_label(f)
    grads = {k: round(node[k].grad, 2) for k in ("w0", "x0", "w1", "x1", "w2")}
    assert grads == {"w0": -0.20, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.20}


def test_e5_sigmoid_gate_matches_expanded_circuit():
    expanded, gate = circuit_e5_expanded(), circuit_e5_sigmoid()
    expanded.backward()
    gate.backward()
    assert close(gate.data, expanded.data, 1e-12)
    assert gate.op == "sigmoid" and round(gate.local_grads[0], 4) == 0.1966
    for name in ("w0", "x0", "w1", "x1", "w2"):
        assert close(by_label(gate)[name].grad, by_label(expanded)[name].grad, 1e-12)


def torch_dloss_dw2(w1, b1, w2, b2, w3, b3, x, target) -> float:
    w = {k: torch.tensor(v, dtype=torch.float64, requires_grad=(k == "w2"))
         for k, v in dict(w1=w1, b1=b1, w2=w2, b2=b2, w3=w3, b3=b3).items()}
    h1 = torch.sigmoid(w["w1"] * x + w["b1"])
    y_hat = w["w3"] * torch.sigmoid(w["w2"] * h1 + w["b2"]) + w["b3"]
    (grad,) = torch.autograd.grad((y_hat - target) ** 2, w["w2"])
    return grad.item()


@pytest.mark.parametrize("seed", range(5))
def test_e6_chain_rule_factors_match_torch(seed):
    rng = random.Random(seed)
    args = [rng.uniform(-2.0, 2.0) for _ in range(8)]
    result = chain_rule_w2(*args)
    factors = (result.dloss_dyhat, result.w3, result.sigmoid_prime_h2_in, result.h1)
    assert result.product == math.prod(factors)
    expected = torch_dloss_dw2(*args)
    assert close(result.product, expected, 1e-9)
    assert close(result.engine_grad, expected, 1e-9)


def test_e6_finite_difference_agrees_with_the_chain_rule():
    for seed in range(5):
        rng = random.Random(seed)
        args = [rng.uniform(-2.0, 2.0) for _ in range(8)]
        assert close(dloss_dw2_finite_difference(*args), chain_rule_w2(*args).product, 1e-7)


# E10: activation curves, each derivative from backward(), against torch.autograd.

TORCH_ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
                     "leaky_relu": lambda t: F.leaky_relu(t, 0.2), "softplus": F.softplus, "gelu": F.gelu,
                     "silu": F.silu}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_curves_match_torch_autograd(name):
    xs = [i / 4 for i in range(-24, 25)]  # includes 0, where relu's slope is torch's convention
    curve = activation_curve(name, xs, slope=0.2)
    t = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    out = TORCH_ACTIVATIONS[name](t)
    out.sum().backward()  # each output depends on its own x only: grads are the derivatives
    assert [x for x, _, _ in curve] == xs
    for (_, value, derivative), v, d in zip(curve, out.tolist(), t.grad.tolist()):
        assert close(value, v, 1e-12) and close(derivative, d, 1e-12)


def test_sigmoid_derivative_peaks_at_a_quarter():
    assert max(d for _, _, d in activation_curve("sigmoid", [i / 10 for i in range(-50, 51)])) == 0.25


# E7: linear regression from scratch.

def torch_sse_grads(w: float, b: float) -> tuple[float, float, float]:
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    loss = ((torch.tensor(NINE_X, dtype=torch.float64) * wt + bt
             - torch.tensor(NINE_Y, dtype=torch.float64)) ** 2).sum()
    loss.backward()
    return loss.item(), wt.grad.item(), bt.grad.item()


@pytest.mark.parametrize("w, b", [(-0.4015, -0.5934), (0.5, 2.0), (-3.0, 10.0)])
def test_linear_regression_update_matches_torch_autograd(w, b):
    update = linear_regression_update(w, b, NINE_X, NINE_Y, learning_rate=0.001)
    loss, dloss_dw, dloss_db = torch_sse_grads(w, b)
    assert close(update.loss, loss, 1e-12)
    assert close(update.dloss_dw, dloss_dw, 1e-12) and close(update.dloss_db, dloss_db, 1e-12)
    assert (update.new_w, update.new_b) == (w - 0.001 * update.dloss_dw, b - 0.001 * update.dloss_db)
    assert close(update.new_loss, torch_sse_grads(update.new_w, update.new_b)[0], 1e-12)


def test_linear_regression_path_matches_a_plain_torch_loop():
    path = linear_regression_path(0.3, -0.2, NINE_X, NINE_Y, learning_rate=0.001, steps=50)
    w = torch.tensor([0.3], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([-0.2], dtype=torch.float64, requires_grad=True)
    x, y = torch.tensor(NINE_X, dtype=torch.float64), torch.tensor(NINE_Y, dtype=torch.float64)
    for update in path.updates:
        loss = ((x * w + b - y) ** 2).sum()
        loss.backward()
        assert close(update.loss, loss.item(), 1e-10)
        assert close(update.dloss_dw, w.grad.item(), 1e-10)
        with torch.no_grad():  # the lecture's update by hand
            w -= 0.001 * w.grad
            b -= 0.001 * b.grad
        w.grad.zero_()
        b.grad.zero_()
        assert close(update.new_w, w.item(), 1e-10) and close(update.new_b, b.item(), 1e-10)
    assert len(path.updates) == 50 and path.diverged_at is None and path.loss == path.updates[0].loss


def test_linear_regression_path_reproduces_the_e7_preset(preset_runs):
    from mlp_core import PRESETS

    config = PRESETS["linear-regression-9-points"]
    generator = torch.Generator().manual_seed(config.seed)
    w, b = torch.randn(1, generator=generator).item(), torch.randn(1, generator=generator).item()
    path = linear_regression_path(w, b, NINE_X, NINE_Y, config.training.learning_rate, steps=200)
    losses = preset_runs("linear-regression-9-points").losses[:200]  # float32 in the trainer
    assert all(close(u.loss, float(l), 1e-4) for u, l in zip(path.updates, losses))


def test_the_stability_limit_separates_convergence_from_divergence():
    limit = sse_stability_limit(NINE_X)
    assert 0.0031 < limit < 0.0032
    calm = linear_regression_path(0.0, 0.0, NINE_X, NINE_Y, 0.97 * limit, steps=3000)
    assert calm.diverged_at is None and calm.updates[-1].new_loss < calm.loss
    wild = linear_regression_path(0.0, 0.0, NINE_X, NINE_Y, 1.05 * limit, steps=3000)
    assert wild.diverged_at is not None


@pytest.mark.parametrize("learning_rate", [0.01, 1.0, 1e6, 1e300])
def test_a_huge_learning_rate_stops_at_divergence_with_finite_numbers(learning_rate):
    path = linear_regression_path(-0.4, -0.6, NINE_X, NINE_Y, learning_rate, steps=1000)
    assert path.diverged_at == len(path.updates) < 1000
    last = path.updates[-1]
    assert not last.new_loss <= DIVERGED_LOSS
    numbers = [v for u in path.updates for v in (u.w, u.b, u.loss, u.dloss_dw, u.dloss_db)]
    assert all(math.isfinite(v) for v in numbers)


def test_linear_regression_circuit_labels_w_and_b():
    loss = circuit_linear_regression(1.0, 0.0, [1.0, 2.0], [1.0, 3.0])
    assert loss.data == 1.0 and {"w", "b", "loss"} <= set(by_label(loss))


# Step-by-step records and graph data.

@pytest.mark.parametrize("leaves, program", PROGRAMS[:10])
def test_backward_steps_end_with_the_grads_of_backward(leaves, program):
    values = [Value(v) for v in leaves]
    out = evaluate(program, values)
    steps = backward_steps(out)
    assert all(n.grad == 0.0 for n in topological_order(out))  # steps leave .grad alone
    out.backward()
    order = topological_order(out)
    final = {s.parent_id: s.parent_grad for s in steps}  # the last record per parent wins
    assert final == {i: n.grad for i, n in enumerate(order) if n is not out}
    assert all(s.upstream == order[s.node_id].grad for s in steps)  # upstream is complete
    assert all(s.downstream == s.upstream * s.local for s in steps)
    ids = [s.node_id for s in steps]
    assert ids == sorted(ids, reverse=True) and [s.step for s in steps] == list(range(len(steps)))


def test_backward_steps_record_both_uses_of_a_value():
    a = Value(3.0, label="a")
    steps = backward_steps((a * a).named("f"))
    assert [(s.node_label, s.parent_label, s.local, s.parent_grad) for s in steps] == [
        ("f", "a", 3.0, 3.0), ("f", "a", 3.0, 6.0)]


def test_backward_steps_for_e4_follow_the_lecture():
    steps = [(s.node_label, s.upstream, s.parent_label, s.local, s.downstream)
             for s in backward_steps(circuit_e4())]
    assert steps == [("f", 1.0, "q", -4.0, -4.0), ("f", 1.0, "z", 3.0, 3.0),
                     ("q", -4.0, "x", 1.0, -4.0), ("q", -4.0, "y", 1.0, -4.0)]


def test_graph_data_for_e4_is_in_topological_order():
    f = circuit_e4()
    f.backward()
    graph = graph_data(f)
    assert [n.label for n in graph.nodes] == ["x", "y", "q", "z", "f"]
    assert [n.id for n in graph.nodes] == list(range(5))
    assert [n.op for n in graph.nodes] == ["", "", "+", "", "*"]
    assert [(n.value, n.grad) for n in graph.nodes] == [
        (-2.0, -4.0), (5.0, -4.0), (3.0, -4.0), (-4.0, 3.0), (-12.0, 1.0)]
    assert [(e.parent_id, e.child_id) for e in graph.edges] == [(0, 2), (1, 2), (2, 4), (3, 4)]
    assert [s.node_id for s in forward_steps(f)] == list(range(5))


def test_walkthrough_of_e4_goes_forward_then_backward():
    walk = walkthrough(circuit_e4())
    assert [(s.phase, s.node_id) for s in walk] == [
        ("start", None), ("forward", 2), ("forward", 4), ("seed", 4),
        ("backward", 2), ("backward", 3), ("backward", 0), ("backward", 1)]
    assert [s.index for s in walk] == list(range(8))
    assert walk[0].known_values == {0, 1, 3} and walk[2].known_values == {0, 1, 2, 3, 4}
    assert dict(walk[-1].known_grads) == {4: 1.0, 2: -4.0, 3: 3.0, 0: -4.0, 1: -4.0}
    step = walk[4].backward
    assert (step.upstream, step.local, step.downstream) == (1.0, -4.0, -4.0)


@pytest.mark.parametrize("build", [circuit_e4, circuit_e5_expanded, circuit_e5_sigmoid])
def test_walkthrough_ends_with_torch_autograd_grads_and_skips_constants(build):
    out = build()
    graph = graph_data(out)
    walk = walkthrough(out)
    constants = {n.id for n in graph.nodes if n.constant}
    assert all(s.node_id not in constants for s in walk)
    final = dict(walk[-1].known_grads)
    assert set(final) == {n.id for n in graph.nodes} - constants
    out.backward()
    for node in graph_data(out).nodes:
        if node.id in final:
            assert final[node.id] == node.grad
    # the same leaves through torch: the grads the page ends on are autograd's
    leaves = {n.label: n.value for n in graph.nodes if not n.op and not n.constant}
    tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in leaves.items()}
    if build is circuit_e4:
        result = (tensors["x"] + tensors["y"]) * tensors["z"]
    else:
        t = tensors
        result = torch.sigmoid(t["w0"] * t["x0"] + t["w1"] * t["x1"] + t["w2"])
    result.backward()
    by_name = {n.label: n.id for n in graph.nodes}
    for name, tensor in tensors.items():
        assert close(final[by_name[name]], tensor.grad.item(), 1e-12)


def test_constants_are_marked_in_graph_data():
    graph = graph_data(circuit_e5_expanded())
    assert sorted(n.label for n in graph.nodes if n.constant) == ["-1", "1"]
    assert not any(n.constant for n in graph_data(circuit_e4()).nodes)


def test_engine_imports_neither_streamlit_nor_altair_nor_torch():
    tree = ast.parse(Path(__file__).parents[1].joinpath("mlp_core", "graph.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"__future__", "math", "dataclasses", "types", "typing"}
