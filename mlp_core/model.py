"""Networks, losses and optimizers, each by name from a registry of one shape.

`build_model` makes the same `nn.Sequential` the lecture writes and initialises it exactly as
`nn.Linear` does, but from an explicit `torch.Generator`, so that two sessions training at the
same time never share the global RNG, and a seed gives the lecture's numbers.
"""

from __future__ import annotations

import math
from typing import Iterable

import torch
from torch import nn

from . import components
from .config import ModelConfig, TrainingConfig

def activation_module(name: str) -> nn.Module | None:
    """nn.<module>() of the registry's activation (its defaults are the record's parameters)."""
    spec = components.ACTIVATIONS[name]
    return getattr(nn, spec.module)() if spec.module else None


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
        module = activation_module(name)
        if module is not None:
            modules.append(module)
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
    spec = components.LOSSES[config.loss]
    return getattr(nn, spec.module)(**spec.parameters)


def make_optimizer(config: TrainingConfig, parameters: Iterable[nn.Parameter]) -> torch.optim.Optimizer:
    spec = components.OPTIMIZERS[config.optimizer]
    return getattr(torch.optim, spec.cls)(parameters, lr=config.learning_rate, **spec.parameters)


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
