"""The registry of components: one record per activation, loss and optimizer.

Every table of the app derives from these records: the config's choices (mlp_core/config.py), the
nn.Module and torch.optim objects (mlp_core/model.py), the fast engine's kernels
(mlp_core/fast.py), the exported script (mlp_core/export.py) and the XOR lesson's analysis
(mlp_core/anatomy.py). Adding one is adding one record here (and its label in ui/controls.py,
which a test keeps in step); the tests are parametrised over the registry.

The records are plain data, names of torch's own classes and ATen kernels, so that configs import
without torch (a cold start loads torch in the background). `parameters` are the torch class's
defaults, stated so the fast engine passes the same numbers to its kernels (a test checks them
against the class).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .i18n import N_


@dataclass(frozen=True)
class Activation:
    """An activation function: nn.<module>(**parameters), and the ATen kernels the fast engine
    calls for it, in place on one buffer where the derivative needs only the output."""

    name: str
    module: str | None  # the torch.nn class; None: no module at all (a plain Linear output)
    formula: str  # as the lecture writes it (words in it marked with N_: show it with _())
    kernel: str = ""  # ATen forward (autograd calls the functional one; the fast engine its in-place or .out form)
    backward: str = ""  # ATen backward kernel: (dL/da, saved tensor, *backward_args) -> dL/dz
    backward_args: tuple[Any, ...] = ()
    kernel_args: tuple[Any, ...] = ()  # after z, as nn.<module> passes them
    keywords: Mapping[str, Any] = field(default_factory=dict)  # keyword arguments of both kernels
    saves: str = "output"  # what the backward reads: "output" (a) or "input" (z, kept in its own buffer)
    parameters: Mapping[str, Any] = field(default_factory=dict)  # nn.<module>'s defaults
    half_at: float | None = None  # the z at which the output is 0.5 (None: found numerically)
    bounds: tuple[float, float] | None = None  # where a unit's value can live, if bounded

    @property
    def export(self) -> str:
        """The module as the exported script writes it ("" for identity)."""
        return f"nn.{self.module}()" if self.module else ""


LEAKY_SLOPE = 0.01  # nn.LeakyReLU's default negative_slope

ACTIVATIONS: Mapping[str, Activation] = MappingProxyType({a.name: a for a in (
    Activation("sigmoid", "Sigmoid", "σ(z) = 1 / (1 + e^(−z))", "sigmoid", "sigmoid_backward",
               half_at=0.0, bounds=(0.0, 1.0)),
    Activation("tanh", "Tanh", "tanh(z)", "tanh", "tanh_backward", half_at=math.atanh(0.5), bounds=(-1.0, 1.0)),
    # relu's backward from the result: a > 0 exactly where z > 0 (autograd does the same)
    Activation("relu", "ReLU", "max(0, z)", "relu", "threshold_backward", (0,), half_at=0.5),
    # given a instead of the z autograd keeps: a > 0 exactly where z > 0 (the slope is positive),
    # so the kernel picks g or slope·g alike; self_is_result=False as autograd passes it
    Activation("leaky_relu", "LeakyReLU", "max(0.01·z, z)", "leaky_relu", "leaky_relu_backward",
               (LEAKY_SLOPE, False), (LEAKY_SLOPE,), parameters={"negative_slope": LEAKY_SLOPE}, half_at=0.5),
    # the three below have a derivative that is no function of the output alone: the backward reads z
    Activation("softplus", "Softplus", "log(1 + e^z)", "softplus", "softplus_backward", (1.0, 20.0), (1.0, 20.0),
               saves="input", parameters={"beta": 1.0, "threshold": 20.0}, half_at=math.log(math.expm1(0.5))),
    Activation("gelu", "GELU", N_("z·Φ(z), Φ the standard normal CDF"), "gelu", "gelu_backward", saves="input",
               keywords={"approximate": "none"}, parameters={"approximate": "none"}),
    Activation("silu", "SiLU", "z·σ(z)", "silu", "silu_backward", saves="input"),
    Activation("identity", None, "z", half_at=0.5),
)})


@dataclass(frozen=True)
class Loss:
    """A loss: nn.<module>(**parameters); `reduction` is what it does over the points."""

    name: str
    module: str
    formula: str
    reduction: str  # "mean" or "sum"
    parameters: Mapping[str, Any] = field(default_factory=dict)  # given to the module (not defaults)

    @property
    def export(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.parameters.items())
        return f"nn.{self.module}({arguments})"


LOSSES: Mapping[str, Loss] = MappingProxyType({loss.name: loss for loss in (
    Loss("bce", "BCELoss", "−mean(y·log ŷ + (1 − y)·log(1 − ŷ))", "mean"),
    Loss("mse", "MSELoss", "mean((ŷ − y)²)", "mean"),
    Loss("l1", "L1Loss", "mean(|ŷ − y|)", "mean"),
    Loss("sse", "MSELoss", "Σ(ŷ − y)²", "sum", parameters={"reduction": "sum"}),
)})


@dataclass(frozen=True)
class Optimizer:
    """An optimizer: torch.optim.<cls>(params, lr, **parameters); `fast` names the class in
    mlp_core/fast.py that does the same arithmetic on one flat vector."""

    name: str
    cls: str
    fast: str
    description: str  # an English message marked with N_: show it with _()
    parameters: Mapping[str, Any] = field(default_factory=dict)  # given to torch.optim.<cls>

    def export(self, lr: str) -> str:
        extra = "".join(f", {key}={value!r}" for key, value in self.parameters.items())
        return f"torch.optim.{self.cls}(model.parameters(), lr={lr}{extra})"


OPTIMIZERS: Mapping[str, Optimizer] = MappingProxyType({o.name: o for o in (
    Optimizer("sgd", "SGD", "SGD", N_("plain gradient descent, p −= lr·g")),
    Optimizer("momentum", "SGD", "Momentum", N_("SGD with momentum 0.9, v = 0.9·v + g and p −= lr·v"),
              parameters={"momentum": 0.9}),
    Optimizer("rmsprop", "RMSprop", "RMSprop", N_("each step divided by the root of a running mean of g²")),
    Optimizer("adam", "Adam", "Adam", N_("momentum and RMSprop's scaling, with bias correction")),
)})
