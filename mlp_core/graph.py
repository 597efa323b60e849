"""Scalar computational graph for the Backprop walkthrough, after karpathy/micrograd.

A `Value` is one number in a graph of operations. Every primitive op stores its parents and its
local gradients ∂out/∂parent, and gives `out` a `_backward` closure applying the chain rule
(parent.grad += local × out.grad). The closure reads the very numbers stored in `local_grads`,
so "upstream × local = downstream" on a page is exactly what `backward()` computes. Derived ops
(a − b, a / b, numbers on the left) are built from primitives and need no backward code.

The engine returns data, never pictures: `forward_steps`, `backward_steps` and `graph_data` give
frozen records in topological order. The lecture's circuits built on it are in mlp_core/circuits.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

Number = int | float


class Value:
    """One scalar in a computational graph: its value `data` and ∂output/∂self in `grad`."""

    def __init__(self, data: Number, parents: tuple[Value, ...] = (), op: str = "",
                 label: str = "", local_grads: tuple[float, ...] = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = op  # "" marks a leaf: an input or a constant
        self.parents = parents
        self.local_grads = local_grads  # ∂self/∂parent, aligned with parents
        self.constant = False  # a number written into the formula: never learned, no grad shown
        self._backward = lambda: None

    def __repr__(self) -> str:
        return f"Value(label={self.label!r}, data={self.data:.6g}, grad={self.grad:.6g})"

    def named(self, label: str) -> Value:
        """Set the label shown in graphs and return self, so circuits read as equations."""
        self.label = label
        return self

    # Primitives. All share one shape through `_result`: build out, attach a closure that
    # accumulates local × upstream into each parent, return out.

    @staticmethod
    def _result(data: float, parents: tuple[Value, ...], op: str,
                local_grads: tuple[float, ...]) -> Value:
        out = Value(data, parents, op, local_grads=local_grads)

        def _backward() -> None:
            # += because a value used twice (a * a) must receive both contributions.
            for parent, local in zip(parents, local_grads):
                parent.grad += local * out.grad
        out._backward = _backward
        return out

    def __add__(self, other: Value | Number) -> Value:
        other = as_value(other)
        return self._result(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __mul__(self, other: Value | Number) -> Value:
        other = as_value(other)
        return self._result(self.data * other.data, (self, other), "*", (other.data, self.data))

    def __pow__(self, exponent: Number) -> Value:
        if not isinstance(exponent, (int, float)):
            raise TypeError("the exponent must be a plain number, not a Value")
        result = self.data ** exponent
        if isinstance(result, complex):
            raise ValueError(f"{self.data} ** {exponent} is not a real number")
        local = exponent * self.data ** (exponent - 1)
        return self._result(result, (self,), f"**{exponent:g}", (local,))

    def __neg__(self) -> Value:
        return self._result(-self.data, (self,), "neg", (-1.0,))

    def exp(self) -> Value:
        e = math.exp(self.data)
        return self._result(e, (self,), "exp", (e,))

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a positive input, got {self.data}")
        return self._result(math.log(self.data), (self,), "log", (1.0 / self.data,))

    def sigmoid(self) -> Value:
        s = _sigmoid(self.data)
        return self._result(s, (self,), "sigmoid", (s * (1.0 - s),))

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._result(t, (self,), "tanh", (1.0 - t * t,))

    def relu(self) -> Value:
        positive = self.data > 0  # the kink at 0 gets slope 0, as in torch
        return self._result(self.data if positive else 0.0, (self,), "relu",
                            (1.0 if positive else 0.0,))

    def leaky_relu(self, slope: float = 0.01) -> Value:
        positive = self.data > 0
        return self._result(self.data if positive else slope * self.data, (self,),
                            "leaky_relu", (1.0 if positive else slope,))

    # Smooth ReLUs (E10 beside the lecture's three): each a primitive with its own derivative.

    def softplus(self) -> Value:
        x = self.data  # log(1 + e^x) without overflow: max(x, 0) + log(1 + e^-|x|)
        return self._result(max(x, 0.0) + math.log1p(math.exp(-abs(x))), (self,), "softplus", (_sigmoid(x),))

    def silu(self) -> Value:
        s = _sigmoid(self.data)  # x·σ(x); its derivative σ(x)·(1 + x·(1 − σ(x)))
        return self._result(self.data * s, (self,), "silu", (s * (1.0 + self.data * (1.0 - s)),))

    def gelu(self) -> Value:
        x = self.data  # x·Φ(x), Φ the standard normal CDF; its derivative Φ(x) + x·φ(x)
        cdf = 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))
        density = math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
        return self._result(x * cdf, (self,), "gelu", (cdf + x * density,))

    # Derived ops: compositions of primitives, with numbers in their argument position.

    def __sub__(self, other: Value | Number) -> Value:
        return self + (-other)

    def __truediv__(self, other: Value | Number) -> Value:
        return self * other ** -1

    def __radd__(self, other: Number) -> Value:
        return as_value(other) + self

    def __rmul__(self, other: Number) -> Value:
        return as_value(other) * self

    def __rsub__(self, other: Number) -> Value:
        return as_value(other) + (-self)

    def __rtruediv__(self, other: Number) -> Value:
        return as_value(other) * self ** -1

    def backward(self) -> None:
        """Fill `grad` of every node with ∂self/∂node.

        Grads in this graph are zeroed first, so calling it twice gives the same numbers
        (torch would accumulate across calls; on a teaching page that only confuses).
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def as_value(x: Value | Number) -> Value:
    """Pass a Value through; wrap a plain number as a constant leaf labelled with its value."""
    if isinstance(x, Value):
        return x
    constant = Value(x, label=f"{x:g}")
    constant.constant = True
    return constant


def _sigmoid(x: float) -> float:
    # Two branches so math.exp never overflows for large |x|.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def topological_order(output: Value) -> list[Value]:
    """Every node `output` depends on, each after its parents (parents in argument order)."""
    order: list[Value] = []
    visited: set[Value] = set()
    # Iterative DFS, as deep graphs would hit the recursion limit. Values hash by identity
    # (no __eq__), so the set and dicts here key on the node itself.
    stack = [(output, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents) if p not in visited)
    return order


def by_label(output: Value) -> dict[str, Value]:
    """The labelled nodes of the graph of `output`, by label (a repeated label keeps the last)."""
    return {node.label: node for node in topological_order(output) if node.label}


# Step-by-step records for the page. Node ids are positions in `topological_order(output)`,
# shared by forward_steps, backward_steps and graph_data. None of these touch `.grad`.

@dataclass(frozen=True)
class ForwardStep:
    """One node of the forward pass, in the order it can be computed."""
    node_id: int
    label: str
    op: str  # "" for a leaf (input or constant): nothing to compute
    parent_ids: tuple[int, ...]
    parent_values: tuple[float, ...]
    value: float


@dataclass(frozen=True)
class BackwardStep:
    """One edge node → parent of the backward pass: downstream = upstream × local."""
    step: int
    node_id: int
    node_label: str
    node_op: str
    node_value: float
    upstream: float  # ∂output/∂node, complete by the time the node is processed
    parent_id: int
    parent_label: str
    local: float  # ∂node/∂parent
    downstream: float  # upstream × local: this edge's contribution to ∂output/∂parent
    parent_grad: float  # the parent's accumulated gradient after this step


def forward_steps(output: Value) -> list[ForwardStep]:
    """The nodes of `output`'s graph in topological order, leaves included (op == "")."""
    order = topological_order(output)
    ids = {node: i for i, node in enumerate(order)}
    return [ForwardStep(ids[n], n.label, n.op, tuple(ids[p] for p in n.parents),
                        tuple(p.data for p in n.parents), n.data) for n in order]


def backward_steps(output: Value) -> list[BackwardStep]:
    """The backward pass from `output`, one record per edge, in reverse topological order.

    Runs its own pass on a dict of gradients, leaving every `.grad` untouched; it applies the
    same `local_grads` in the same order as `backward()`, so the final numbers are identical.
    """
    order = topological_order(output)
    ids = {node: i for i, node in enumerate(order)}
    grads = {node: 0.0 for node in order}
    grads[output] = 1.0
    steps: list[BackwardStep] = []
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            downstream = local * grads[node]
            grads[parent] += downstream
            steps.append(BackwardStep(len(steps), ids[node], node.label, node.op, node.data,
                                      grads[node], ids[parent], parent.label, local,
                                      downstream, grads[parent]))
    return steps


@dataclass(frozen=True)
class GraphNode:
    """A value to draw: `id` is its position in topological order."""
    id: int
    label: str
    op: str
    value: float
    grad: float
    constant: bool = False  # a number in the formula (the 1 of 1 + e^−z), not an input


@dataclass(frozen=True)
class GraphEdge:
    """An arrow parent → child, with the local gradient ∂child/∂parent it carries."""
    parent_id: int
    child_id: int
    local_grad: float  # ∂child/∂parent; a value used twice by one op gives two edges


@dataclass(frozen=True)
class GraphData:
    """A whole graph as plain records, ready for a table or a picture."""
    nodes: tuple[GraphNode, ...]  # topological order; id == position
    edges: tuple[GraphEdge, ...]


def graph_data(output: Value) -> GraphData:
    """The graph of `output` as plain data for drawing; grads are whatever `.grad` holds now."""
    order = topological_order(output)
    ids = {node: i for i, node in enumerate(order)}
    nodes = tuple(GraphNode(i, n.label, n.op, n.data, n.grad, n.constant) for i, n in enumerate(order))
    edges = tuple(GraphEdge(ids[p], ids[n], local)
                  for n in order for p, local in zip(n.parents, n.local_grads))
    return GraphData(nodes, edges)


# The walkthrough a lecturer clicks through: inputs, then the forward pass one node at a time,
# then the backward pass one edge at a time. Each step carries everything known after it, so a
# page draws step k without replaying steps 0..k−1.

@dataclass(frozen=True)
class WalkStep:
    """One click of the walkthrough and the state of the graph after it.

    phase: "start" (only the inputs are known), "forward" (`forward` computes node_id's value),
    "seed" (∂out/∂out = 1 at the output) or "backward" (`backward`: upstream × local = downstream
    into node_id). Edges into constants are skipped: nobody asks for the gradient of the 1 in
    1 + e^−z.
    """
    index: int
    phase: str
    node_id: int | None  # the node whose value (forward) or gradient (seed, backward) appears
    forward: ForwardStep | None
    backward: BackwardStep | None
    known_values: frozenset[int]  # node ids whose value has been computed (inputs from the start)
    known_grads: Mapping[int, float]  # node id -> gradient accumulated so far


def walkthrough(output: Value) -> list[WalkStep]:
    """Every step of the walkthrough of `output`'s graph; node ids as in `graph_data`."""
    order = topological_order(output)
    constants = {i for i, node in enumerate(order) if node.constant}
    computed = forward_steps(output)
    known = frozenset(s.node_id for s in computed if not s.op)
    walk = [WalkStep(0, "start", None, None, None, known, MappingProxyType({}))]
    for step in computed:
        if step.op:
            known = known | {step.node_id}
            walk.append(WalkStep(len(walk), "forward", step.node_id, step, None, known,
                                 MappingProxyType({})))
    grads = {len(order) - 1: 1.0}  # the output is last in topological order
    walk.append(WalkStep(len(walk), "seed", len(order) - 1, None, None, known,
                         MappingProxyType(dict(grads))))
    for step in backward_steps(output):
        if step.parent_id not in constants:
            grads[step.parent_id] = step.parent_grad
            walk.append(WalkStep(len(walk), "backward", step.parent_id, None, step, known,
                                 MappingProxyType(dict(grads))))
    return walk
