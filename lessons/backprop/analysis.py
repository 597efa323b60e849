"""The backprop lesson's pure parts: the lecture's settings, the quiz's tolerance, the activation
curves as a table, E6's independent autograd oracle, E7's starting line and the state at a step.

No streamlit, no altair (tests/test_layers.py holds that): usable from a notebook or a test. E7's
whole path is computed by `sections.regression_path`, which caches it with st.cache_data.
"""
from __future__ import annotations

import math
from typing import Sequence

import pandas as pd
import torch

from mlp_core.data import NINE_X
from mlp_core.circuits import RegressionPath, activation_curve, sse_stability_limit
from mlp_core.i18n import N_, _
from mlp_core.presets import PRESETS

E7 = PRESETS["linear-regression-9-points"]
MAX_STEPS = E7.training.epochs  # the lecture trains E7 for 1000 steps
LEARNING_RATES = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.01, 0.1, 1.0)
STABILITY_LIMIT = sse_stability_limit(NINE_X)
ACTIVATION_NAMES = {"sigmoid": N_("sigmoid"), "tanh": "tanh", "relu": "ReLU", "leaky_relu": N_("leaky ReLU"),
                    "softplus": "softplus", "gelu": "GELU", "silu": "SiLU"}  # the scalar engine's, in legend order
LECTURE_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")  # E10's curves, drawn until a student picks others
E6_NAMES = ("w1", "b1", "w2", "b2", "w3", "b3", "x", "target")
E6_DEFAULTS = (0.5, 0.1, -0.8, 0.2, 1.5, -0.3, 1.0, 1.0)
QUIZ_TOLERANCE = (0.01, 0.01)  # an answer counts if within 0.01 or 1 % of the true gradient


def check_answer(answer: float | None, truth: float) -> bool:
    """Whether a typed gradient is right, within 0.01 or 1 % (students round to 2 decimals)."""
    absolute, relative = QUIZ_TOLERANCE
    return answer is not None and math.isfinite(answer) and math.isclose(
        answer, truth, abs_tol=absolute, rel_tol=relative)


def activation_label(name: str) -> str:
    """An activation's name as the legend and the pills show it, in the reader's language."""
    return _(ACTIVATION_NAMES[name])


def curve_labels() -> tuple[str, str]:
    """The two curves of each activation: the function and its derivative (legend and tooltip)."""
    return "f(x)", _("f′(x), derivative")


def activation_frame(names: Sequence[str], slope: float) -> pd.DataFrame:
    """Long table (function, curve, x, y): each activation and its derivative from backward()."""
    xs = [i / 20 for i in range(-80, 81)]
    function, derivative_curve = curve_labels()
    rows = []
    for name in names:
        label = activation_label(name)
        for x, value, derivative in activation_curve(name, xs, slope):
            rows.append((label, function, x, value))
            rows.append((label, derivative_curve, x, derivative))
    return pd.DataFrame(rows, columns=["function", "curve", "x", "y"])


def torch_dloss_dw2(w1: float, b1: float, w2: float, b2: float, w3: float, b3: float,
                    x: float, target: float) -> float:
    """E6's ∂loss/∂w2 from torch.autograd in float64: an oracle independent of mlp_core.graph."""
    weights = {k: torch.tensor(v, dtype=torch.float64, requires_grad=(k == "w2"))
               for k, v in dict(w1=w1, b1=b1, w2=w2, b2=b2, w3=w3, b3=b3).items()}
    h1 = torch.sigmoid(weights["w1"] * x + weights["b1"])
    y_hat = weights["w3"] * torch.sigmoid(weights["w2"] * h1 + weights["b2"]) + weights["b3"]
    (grad,) = torch.autograd.grad((y_hat - target) ** 2, weights["w2"])
    return grad.item()


def initial_line(seed: int) -> tuple[float, float]:
    """The lecture's start: w then b from randn(1) right after seeding (the preset's seed)."""
    generator = torch.Generator().manual_seed(seed)
    w = torch.randn(1, generator=generator).item()
    return w, torch.randn(1, generator=generator).item()


def state_at(path: RegressionPath, steps: int) -> tuple[float, float, float]:
    """(w, b, loss) after `steps` updates."""
    if steps == 0:
        return path.w, path.b, path.loss
    update = path.updates[steps - 1]
    return update.new_w, update.new_b, update.new_loss
