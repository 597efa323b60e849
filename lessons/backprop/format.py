"""Numbers and node names as a lecturer writes them: plain text for tables and metrics, LaTeX for
the step panel, and each gate's local rule in one sentence. Pure: numbers and records in, text out.
"""
from __future__ import annotations

import re
from typing import Sequence

from mlp_core.graph import GraphData, WalkStep
from mlp_core.i18n import N_, SOURCE_LANGUAGE, _, current
from ui.numbers import decimals as fmt  # the walkthrough's numbers: decimals, a real minus


# ---------------------------------------------------------------------------------------------
# Numbers

def tex_number(value: float, bracket: bool = True) -> str:
    """A number for LaTeX; negative ones in brackets (unless `bracket` is off) so products
    read (−4)·1."""
    text = fmt(value).replace("−", "-").replace("∞", r"\infty")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa}\times 10^{{{exponent}}}"
    return f"({text})" if bracket and text.startswith("-") else text


# ---------------------------------------------------------------------------------------------
# Node names, as text and in LaTeX

PRETTY_LABELS = {"w0*x0": "w0·x0", "w1*x1": "w1·x1", "-z": "−z", "exp(-z)": "exp(−z)",
                 "1+exp(-z)": "1 + exp(−z)", "-1": "−1", "w1*x": "w1·x", "w2*H1": "w2·H1",
                 "w3*H2": "w3·H2", "y_hat": "ŷ", "-target": "−target"}


# Node names that are words: shown in the reader's language (the circuits keep these English names,
# which the sections look nodes up by); the graph's boxes, the step text and the table agree.
NODE_WORDS = {"sum": N_("sum"), "error": N_("error"), "loss": N_("loss"), "target": N_("target"),
              "-target": N_("−target")}


def pretty(label: str) -> str:
    """A node's name as the page shows it, in the current language."""
    return _(NODE_WORDS[label]) if label in NODE_WORDS else PRETTY_LABELS.get(label, label)


def pretty_d(label: str) -> str:
    """A name as it reads after ∂: bracketed when it is an expression, ∂f/∂(−z), ∂f/∂(w0·x0)."""
    text = pretty(label)
    return f"({text})" if text.startswith("−") or any(c in text for c in " ·") else text


TEX_LABELS = {"w0*x0": "w_0 x_0", "w1*x1": "w_1 x_1", "-z": "(-z)", "exp(-z)": "e^{-z}",
              "1+exp(-z)": "1 + e^{-z}", "sum": r"\mathrm{sum}"}


def tex_label(label: str) -> str:
    """A node name in LaTeX: w0 → w_{0}, known E5 names by hand, the rest as upright text."""
    if label in NODE_WORDS and current() != SOURCE_LANGUAGE:
        return r"\text{" + _(NODE_WORDS[label]) + "}"
    if label in TEX_LABELS:
        return TEX_LABELS[label]
    match = re.fullmatch(r"([A-Za-z]+)(\d+)", label)
    if match:
        return f"{match[1]}_{{{match[2]}}}"
    return label if re.fullmatch(r"[A-Za-z]", label) else rf"\text{{{label}}}"


def tex_partial(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {tex_label(top)}}}{{\partial {tex_label(bottom)}}}"


# ---------------------------------------------------------------------------------------------
# One step of the walk: the forward formula, the local rule, the chain rule

def forward_formula(op: str, names: Sequence[str]) -> str:
    """The op applied to its inputs, in LaTeX (names already formatted)."""
    a, b = (list(names) + ["", ""])[:2]
    if op == "+":
        return f"{a} + {b}"
    if op == "*":
        return rf"{a} \cdot {b}"
    if op.startswith("**"):
        exponent = op[2:]
        return rf"\frac{{1}}{{{a}}}" if exponent == "-1" else f"{a}^{{{exponent}}}"
    return {"exp": rf"e^{{{a}}}", "neg": f"-{a}", "sigmoid": rf"\sigma({a})",
            "log": rf"\log({a})", "tanh": rf"\tanh({a})"}.get(op, rf"\text{{{op}}}({a})")


def forward_tex(graph: GraphData, step: WalkStep) -> str:
    f = step.forward
    parents = [graph.nodes[i] for i in f.parent_ids]
    symbols = forward_formula(f.op, [tex_label(p.label) for p in parents])
    numbers = forward_formula(f.op, [tex_number(p.value) for p in parents])
    return rf"\large {tex_label(f.label)} = {symbols} = {numbers} = {tex_number(f.value, False)}"


def local_rule(graph: GraphData, step: WalkStep, reveal: bool = True) -> str:
    """Why the local gradient is what it is, in one sentence of the lecture's words.

    Without `reveal` (the quiz) the rule stays as a hint but its number is left out.
    """
    b = step.backward
    node, parent = graph.nodes[b.node_id], graph.nodes[b.parent_id]
    other = [graph.nodes[e.parent_id] for e in graph.edges
             if e.child_id == node.id and e.parent_id != parent.id]
    n, p = pretty_d(node.label), pretty_d(parent.label)
    if node.op == "+":
        rule, number = _("an add gate passes the gradient on unchanged: ∂{n}/∂{p} = 1", n=n, p=p), ""
    elif node.op == "*":
        rule = _("a multiply gate sends each input the other input's value: ∂{n}/∂{p} = {other}",
                 n=n, p=p, other=pretty(other[0].label) if other else p)
        number = "" if other and other[0].constant else fmt(b.local)  # no "= −1 = −1"
    elif node.op == "**-1":
        rule, number = _("{node} = 1/{p}, so ∂{n}/∂{p} = −1/{p}²", node=pretty(node.label), n=n, p=p), fmt(b.local)
    elif node.op == "exp":
        rule = _("exp is its own derivative: ∂{n}/∂{p} = exp{argument}", n=n, p=p,
                 argument=p if p.startswith("(") else f"({p})")
        number = fmt(b.local)
    elif node.op == "sigmoid":
        rule = _("the sigmoid's local gradient is σ(1 − σ)")
        number = f"{fmt(node.value)} × {fmt(1 - node.value)} = {fmt(b.local)}"
    else:
        rule, number = _("the local gradient is ∂{n}/∂{p}", n=n, p=p), fmt(b.local)
    return f"{rule} = {number}." if reveal and number else f"{rule}."


def backward_tex(step: WalkStep, out: str, reveal: bool = True) -> tuple[str, str]:
    """Two LaTeX lines: the chain rule for ∂out/∂parent in symbols and in numbers."""
    b = step.backward
    upstream, local_, downstream = (rf"\text{{{word}}}" for word in (_("upstream"), _("local"), _("downstream")))
    symbols = (rf"\large {tex_partial(out, b.parent_label)} = "
               rf"\underbrace{{{tex_partial(out, b.node_label)}}}_{{{upstream}}} \cdot "
               rf"\underbrace{{{tex_partial(b.node_label, b.parent_label)}}}_{{{local_}}}")
    local = tex_number(b.local) if reveal else "\\,?\\,"
    result = tex_number(b.downstream, False) if reveal else "\\,?\\,"
    numbers = (rf"\large = \underbrace{{{tex_number(b.upstream)}}}_{{{upstream}}} \cdot "
               rf"\underbrace{{{local}}}_{{{local_}}} = "
               rf"\underbrace{{{result}}}_{{{downstream}}}")
    if b.parent_grad != b.downstream:  # the parent feeds several nodes: contributions add up
        total = _("(total so far {total})", total=fmt(b.parent_grad))
        numbers += rf"\quad\text{{{total}}}"
    return symbols, numbers
