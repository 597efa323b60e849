"""The lecture's circuits on the scalar graph engine (mlp_core/graph.py): E4's (x + y)·z, E5's sigmoid
neuron, E6's chain rule for one weight, E10's activation curves and E7's linear regression by hand.
Each builder returns the output Value (`by_label` finds the rest); each number a page shows is
checked against torch.autograd in tests/test_graph.py."""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Iterable, Mapping, Sequence

from .graph import Value, by_label


# Lecture circuits. Each builder returns the output Value; `by_label` finds the rest.

def circuit_e4(x: float = -2.0, y: float = 5.0, z: float = -4.0) -> Value:
    """E4: f = (x + y)·z. Defaults: q = 3, f = −12; then ∂f/∂x = ∂f/∂y = −4, ∂f/∂z = 3."""
    q = (Value(x, label="x") + Value(y, label="y")).named("q")
    return (q * Value(z, label="z")).named("f")


def _e5_z(w: tuple[float, float, float], x: tuple[float, float]) -> Value:
    w0, w1, w2 = (Value(v, label=f"w{i}") for i, v in enumerate(w))
    x0, x1 = (Value(v, label=f"x{i}") for i, v in enumerate(x))
    products = (w0 * x0).named("w0*x0") + (w1 * x1).named("w1*x1")
    return (products.named("sum") + w2).named("z")


def circuit_e5_expanded(w: tuple[float, float, float] = (2.0, -3.0, -3.0),
                        x: tuple[float, float] = (-1.0, -2.0)) -> Value:
    """E5 gate by gate: f = 1 / (1 + exp(−(w0·x0 + w1·x1 + w2))); f ≈ 0.73 by default."""
    negated = (_e5_z(w, x) * -1.0).named("-z")
    denominator = (negated.exp().named("exp(-z)") + 1.0).named("1+exp(-z)")
    return (denominator ** -1).named("f")


def circuit_e5_sigmoid(w: tuple[float, float, float] = (2.0, -3.0, -3.0),
                       x: tuple[float, float] = (-1.0, -2.0)) -> Value:
    """E5 with one sigmoid gate, local gradient σ(1 − σ): same f and input grads as expanded."""
    return _e5_z(w, x).sigmoid().named("f")


def circuit_e6(w1: float, b1: float, w2: float, b2: float, w3: float, b3: float,
               x: float, target: float) -> Value:
    """E6: loss = (ŷ − target)² for ŷ = w3·σ(w2·σ(w1·x + b1) + b2) + b3."""
    names = ("w1", "b1", "w2", "b2", "w3", "b3", "x", "target")
    w1, b1, w2, b2, w3, b3, x, target = (Value(v, label=k) for k, v in
                                         zip(names, (w1, b1, w2, b2, w3, b3, x, target)))
    h1 = ((w1 * x).named("w1*x") + b1).named("H1_in").sigmoid().named("H1")
    h2_in = ((w2 * h1).named("w2*H1") + b2).named("H2_in")
    y_hat = ((w3 * h2_in.sigmoid().named("H2")).named("w3*H2") + b3).named("y_hat")
    error = (y_hat + (-target).named("-target")).named("error")
    return (error ** 2).named("loss")


@dataclass(frozen=True)
class ChainRuleW2:
    """E6: ∂loss/∂w2 = ∂loss/∂ŷ · w3 · σ′(H2_in) · σ(w1·x + b1), factor by factor."""
    loss: float
    y_hat: float
    h2_in: float
    dloss_dyhat: float  # 2(ŷ − target)
    w3: float  # ∂ŷ/∂H2
    sigmoid_prime_h2_in: float  # ∂H2/∂H2_in = σ(H2_in)(1 − σ(H2_in))
    h1: float  # ∂H2_in/∂w2 = σ(w1·x + b1)
    product: float  # the four factors multiplied
    engine_grad: float  # w2.grad from backward() on the same network


def chain_rule_w2(w1: float, b1: float, w2: float, b2: float, w3: float, b3: float,
                  x: float, target: float) -> ChainRuleW2:
    """Each factor of ∂loss/∂w2 in E6 with numbers, and the engine's own gradient to check."""
    loss = circuit_e6(w1, b1, w2, b2, w3, b3, x, target)
    loss.backward()
    node = by_label(loss)
    h2 = node["H2"].data
    factors = (2.0 * node["error"].data, w3, h2 * (1.0 - h2), node["H1"].data)
    return ChainRuleW2(loss.data, node["y_hat"].data, node["H2_in"].data, *factors,
                       math.prod(factors), node["w2"].grad)


def dloss_dw2_finite_difference(w1: float, b1: float, w2: float, b2: float, w3: float,
                                b3: float, x: float, target: float, h: float = 1e-5) -> float:
    """E6 without calculus: (loss(w2 + h) − loss(w2 − h)) / 2h, forward passes only.

    The central difference is off by O(h²) from the true slope, plus rounding of about
    1e-16 / h: h = 1e-5 keeps both near 1e-10.
    """
    def loss_at(w2_shifted: float) -> float:
        return circuit_e6(w1, b1, w2_shifted, b2, w3, b3, x, target).data
    return (loss_at(w2 + h) - loss_at(w2 - h)) / (2 * h)


# E10: activation functions and their derivatives, each derivative read from backward().

ACTIVATIONS: Mapping[str, Callable[[Value, float], Value]] = MappingProxyType({
    "sigmoid": lambda v, slope: v.sigmoid(),
    "tanh": lambda v, slope: v.tanh(),
    "relu": lambda v, slope: v.relu(),
    "leaky_relu": lambda v, slope: v.leaky_relu(slope),
    "softplus": lambda v, slope: v.softplus(),
    "gelu": lambda v, slope: v.gelu(),
    "silu": lambda v, slope: v.silu(),
})  # every activation of the registry (mlp_core/components.py) but identity: tests/test_registry.py


def activation_curve(name: str, xs: Iterable[float],
                     slope: float = 0.01) -> list[tuple[float, float, float]]:
    """(x, activation(x), activation′(x)) for each x; `slope` is leaky ReLU's slope below 0."""
    points = []
    for x in xs:
        v = Value(x, label="x")
        out = ACTIVATIONS[name](v, slope)
        out.backward()
        points.append((float(x), out.data, v.grad))
    return points


# E7: linear regression from scratch, one hand-written gradient-descent update at a time.

DIVERGED_LOSS = 1e12  # beyond this the line is far off the chart; a few steps later it is inf


def circuit_linear_regression(w: float, b: float, xs: Sequence[float],
                              ys: Sequence[float]) -> Value:
    """E7: loss = Σ (w·x + b − y)², the sum of squared errors of the line y = w·x + b."""
    w_node, b_node = Value(w, label="w"), Value(b, label="b")
    squared_errors = [((w_node * x + b_node) - y) ** 2 for x, y in zip(xs, ys)]
    return sum(squared_errors[1:], squared_errors[0]).named("loss")


@dataclass(frozen=True)
class RegressionUpdate:
    """One step of E7: w ← w − η·∂loss/∂w and b ← b − η·∂loss/∂b, done by hand."""
    step: int  # 1 for the first update
    w: float
    b: float
    loss: float
    dloss_dw: float
    dloss_db: float
    learning_rate: float
    new_w: float
    new_b: float
    new_loss: float  # inf when the squares overflow a float


@dataclass(frozen=True)
class RegressionPath:
    """Consecutive updates from the initial w, b; `diverged_at` is the step whose new loss blew up."""
    w: float  # initial values, before any update
    b: float
    loss: float
    updates: tuple[RegressionUpdate, ...]
    diverged_at: int | None


def linear_regression_update(w: float, b: float, xs: Sequence[float], ys: Sequence[float],
                             learning_rate: float, step: int = 1) -> RegressionUpdate:
    """Backward through the E7 loss, then one update by hand, then the loss at the new w, b."""
    loss = circuit_linear_regression(w, b, xs, ys)
    loss.backward()
    node = by_label(loss)
    dloss_dw, dloss_db = node["w"].grad, node["b"].grad
    new_w, new_b = w - learning_rate * dloss_dw, b - learning_rate * dloss_db
    try:
        new_loss = circuit_linear_regression(new_w, new_b, xs, ys).data
    except OverflowError:  # float ** 2 raises instead of returning inf
        new_loss = math.inf
    return RegressionUpdate(step, w, b, loss.data, dloss_dw, dloss_db, learning_rate,
                            new_w, new_b, new_loss)


def linear_regression_path(w: float, b: float, xs: Sequence[float], ys: Sequence[float],
                           learning_rate: float, steps: int) -> RegressionPath:
    """Up to `steps` updates; stops after the first whose loss passes DIVERGED_LOSS or inf/NaN,
    so every number in the path is finite except possibly that last new_loss."""
    start = (w, b, circuit_linear_regression(w, b, xs, ys).data)
    updates: list[RegressionUpdate] = []
    for step in range(1, steps + 1):
        update = linear_regression_update(w, b, xs, ys, learning_rate, step)
        updates.append(update)
        if not update.new_loss <= DIVERGED_LOSS:  # also catches NaN
            return RegressionPath(*start, tuple(updates), diverged_at=step)
        w, b = update.new_w, update.new_b
    return RegressionPath(*start, tuple(updates), diverged_at=None)


def sse_stability_limit(xs: Sequence[float]) -> float:
    """The largest learning rate for which gradient descent on Σ (w·x + b − y)² converges.

    The loss is a quadratic bowl with Hessian H = 2·[[Σx², Σx], [Σx, n]]; each update multiplies
    the distance to the minimum along H's steepest direction by (1 − η·λ_max), so it shrinks
    only while η < 2 / λ_max. Beyond, every step overshoots further than the last.
    """
    a, c, off = 2 * sum(x * x for x in xs), 2 * len(xs), 2 * sum(xs)
    lambda_max = (a + c) / 2 + math.sqrt(((a - c) / 2) ** 2 + off ** 2)
    return 2 / lambda_max
