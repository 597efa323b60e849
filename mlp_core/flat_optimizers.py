"""torch.optim's optimizers on one flat vector of parameters (the fast engine's), in the order of
their single-tensor CPU code, so each update equals torch.optim's bit for bit: elementwise kernels
give the same values at any length and alignment (tests/test_same_calls.py checks that against
torch.optim on separate tensors)."""

from __future__ import annotations

import torch
from torch import Tensor

from . import components


class SGD:
    """torch.optim.SGD(lr) on the flat parameter vector: p -= lr·g."""

    def __init__(self, params: Tensor, grads: Tensor, lr: float) -> None:
        self.params, self.grads, self.lr = params, grads, lr

    def step(self) -> None:
        self.params.add_(self.grads, alpha=-self.lr)


class Momentum(SGD):
    """torch.optim.SGD(lr, momentum=0.9): v = 0.9·v + g (v = g on the first step), p -= lr·v."""

    def __init__(self, params: Tensor, grads: Tensor, lr: float, momentum: float = 0.9) -> None:
        super().__init__(params, grads, lr)
        self.momentum, self.velocity = momentum, None

    def step(self) -> None:
        if self.velocity is None:
            self.velocity = self.grads.clone()
        else:
            self.velocity.mul_(self.momentum).add_(self.grads, alpha=1)
        self.params.add_(self.velocity, alpha=-self.lr)


class Adam(SGD):
    """torch.optim.Adam(lr) with its defaults, in the order of its single-tensor (CPU) code."""

    def __init__(self, params: Tensor, grads: Tensor, lr: float, betas=(0.9, 0.999), eps: float = 1e-8) -> None:
        super().__init__(params, grads, lr)
        self.betas, self.eps, self.steps = betas, eps, 0
        self.exp_avg, self.exp_avg_sq = torch.zeros_like(params), torch.zeros_like(params)
        self.denom = torch.empty_like(params)

    def step(self) -> None:
        (beta1, beta2), grads = self.betas, self.grads
        self.steps += 1
        step = float(self.steps)  # torch.optim keeps it in a float32 tensor and reads .item()
        step_size = self.lr / (1 - beta1**step)
        bias_correction2_sqrt = (1 - beta2**step) ** 0.5
        self.exp_avg.lerp_(grads, 1 - beta1)
        self.exp_avg_sq.mul_(beta2).addcmul_(grads, grads, value=1 - beta2)
        torch.sqrt(self.exp_avg_sq, out=self.denom).div_(bias_correction2_sqrt).add_(self.eps)
        self.params.addcdiv_(self.exp_avg, self.denom, value=-step_size)


class RMSprop(SGD):
    """torch.optim.RMSprop(lr) with its defaults (alpha 0.99, eps 1e-8), in the order of its
    single-tensor code: s = α·s + (1 − α)·g², p −= lr·g / (√s + ε)."""

    def __init__(self, params: Tensor, grads: Tensor, lr: float, alpha: float = 0.99, eps: float = 1e-8) -> None:
        super().__init__(params, grads, lr)
        self.alpha, self.eps = alpha, eps
        self.square_avg, self.denom = torch.zeros_like(params), torch.empty_like(params)

    def step(self) -> None:
        self.square_avg.mul_(self.alpha).addcmul_(self.grads, self.grads, value=1 - self.alpha)
        torch.sqrt(self.square_avg, out=self.denom).add_(self.eps)
        self.params.addcdiv_(self.grads, self.denom, value=-self.lr)


# registry name -> the class that does its arithmetic (components.Optimizer.fast names it)
OPTIMIZERS: dict[str, type[SGD]] = {name: globals()[spec.fast] for name, spec in components.OPTIMIZERS.items()}
