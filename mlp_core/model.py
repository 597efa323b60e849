"""Networks, losses and optimizers, each by name from a registry of one shape.

`build_model` makes the same `nn.Sequential` the lecture writes and initialises it exactly as
`nn.Linear` does, but from an explicit `torch.Generator`, so that two sessions training at the
same time never share the global RNG, and a seed gives the lecture's numbers.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable

import torch
from torch import nn

from .config import ModelConfig, TrainingConfig

# name -> (module factory, its name in an exported script)
ACTIVATIONS: dict[str, tuple[Callable[[], nn.Module], str]] = {
    "sigmoid": (nn.Sigmoid, "nn.Sigmoid()"),
    "tanh": (nn.Tanh, "nn.Tanh()"),
    "relu": (nn.ReLU, "nn.ReLU()"),
    "leaky_relu": (nn.LeakyReLU, "nn.LeakyReLU()"),  # slope 0.01
    "identity": (nn.Identity, ""),  # no module at all: a plain Linear output
}

LOSSES: dict[str, tuple[Callable[[], nn.Module], str]] = {
    "bce": (nn.BCELoss, "nn.BCELoss()"),
    "mse": (nn.MSELoss, "nn.MSELoss()"),
    "l1": (nn.L1Loss, "nn.L1Loss()"),
    "sse": (lambda: nn.MSELoss(reduction="sum"), "nn.MSELoss(reduction='sum')"),
}

OPTIMIZERS: dict[str, tuple[Callable[..., torch.optim.Optimizer], str]] = {
    "sgd": (lambda params, lr: torch.optim.SGD(params, lr=lr), "torch.optim.SGD(model.parameters(), lr={lr})"),
    "momentum": (lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
                 "torch.optim.SGD(model.parameters(), lr={lr}, momentum=0.9)"),
    "adam": (lambda params, lr: torch.optim.Adam(params, lr=lr), "torch.optim.Adam(model.parameters(), lr={lr})"),
}


def layer_sizes(config: ModelConfig, in_features: int) -> list[int]:
    """[in, hidden..., 1]: the widths of every layer, input and output included."""
    return [in_features, *config.hidden_widths, 1]


def build_model(config: ModelConfig, in_features: int, generator: torch.Generator) -> nn.Sequential:
    """Linear layers with the activation between them and the output activation at the end."""
    sizes = layer_sizes(config, in_features)
    modules: list[nn.Module] = []
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        modules.append(_linear(n_in, n_out, config.init, generator))
        last = index == len(sizes) - 2
        name = config.output_activation if last else config.activation
        if name != "identity":
            modules.append(ACTIVATIONS[name][0]())
    return nn.Sequential(*modules)


def _linear(n_in: int, n_out: int, init: str, generator: torch.Generator) -> nn.Linear:
    """nn.Linear initialised from `generator`, drawing exactly what nn.Linear(n_in, n_out) draws."""
    layer = nn.utils.skip_init(nn.Linear, n_in, n_out)
    with torch.no_grad():
        if init == "randn":
            layer.weight.copy_(torch.randn(n_out, n_in, generator=generator))
            layer.bias.copy_(torch.randn(n_out, generator=generator))
        else:  # nn.Linear.reset_parameters, with our generator instead of the global one
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
            bound = 1 / math.sqrt(n_in)
            nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
    return layer


def make_loss(config: TrainingConfig) -> nn.Module:
    return LOSSES[config.loss][0]()


def make_optimizer(config: TrainingConfig, parameters: Iterable[nn.Parameter]) -> torch.optim.Optimizer:
    return OPTIMIZERS[config.optimizer][0](parameters, config.learning_rate)


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The model's Linear layers in order (activations skipped)."""
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def last_hidden_contributions(model: nn.Sequential, inputs: torch.Tensor) -> torch.Tensor:
    """Each last-hidden-layer unit's share of the output before the output activation.

    Row j is w_out[j] · h_j(x): summed over j, plus the output bias, it is the last Linear's
    output. For ReLU units each row is a hinge, which is how the fit is built. Shape (units, n).
    """
    modules = list(model)
    last = max(i for i, m in enumerate(modules) if isinstance(m, nn.Linear))
    with torch.no_grad():
        hidden = nn.Sequential(*modules[:last])(inputs)  # (n, units); the inputs themselves if no hidden layer
        return (hidden * modules[last].weight[0]).T
