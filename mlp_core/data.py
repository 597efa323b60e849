"""Datasets of the lecture. Every generator has one signature: (DataConfig, torch.Generator) -> Dataset.

The order of random draws is part of the contract: the exported plain-PyTorch script draws in
the same order from `torch.manual_seed(seed)`, so the app and the script see the same points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch

from .config import DataConfig

# The corners of the unit square and each gate's truth table on them (the lecture's X and Y).
CORNERS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
TRUTH_TABLES = {"and": (0.0, 0.0, 0.0, 1.0), "or": (0.0, 1.0, 1.0, 1.0), "xor": (0.0, 1.0, 1.0, 0.0)}

# E7: the nine points of "linear regression from scratch".
NINE_X = (1.1, 2.2, 3.0, 4.0, 5.0, 6.0, 7.0, 8.999, 9.555)
NINE_Y = (2.2, 4.5, 4.0, 6.0, 8.245, 7.0, 9.0, 1.0, 2.5)

GRID_STEPS_2D = 41  # 41 x 41 = 1681 inputs: a smooth heatmap, a forward pass of microseconds
GRID_STEPS_1D = 301


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training inputs and targets (float32, shape (n, in) and (n, 1)) plus a grid for drawing.

    `grid` covers the data and a margin beyond it: for 1-D data that margin is where the
    network has to extrapolate; for 2-D data the grid is a `grid_steps` x `grid_steps` raster,
    row-major with the first input varying slowest.
    """

    inputs: torch.Tensor
    targets: torch.Tensor
    grid: torch.Tensor
    task: str  # "classification" or "regression"
    train_range: tuple[float, float]  # the x range the data was drawn from (1-D) or (0, 1)
    grid_steps: int


def logic_gate(config: DataConfig, generator: torch.Generator) -> Dataset:
    """The 4 corners with the gate's labels, or n noisy points around them if noise_std > 0."""
    corners = torch.tensor(CORNERS)
    labels = torch.tensor(TRUTH_TABLES[config.gate]).unsqueeze(1)
    if config.noise_std == 0:
        inputs, targets = corners, labels
    else:
        index = torch.arange(config.n_samples) % 4  # equal clouds, corners in table order
        noise = torch.randn(config.n_samples, 2, generator=generator) * config.noise_std
        inputs, targets = corners[index] + noise, labels[index]
    low = min(-0.25, float(inputs.min()) - 0.1)
    high = max(1.25, float(inputs.max()) + 0.1)
    axis = torch.linspace(low, high, GRID_STEPS_2D)
    grid = torch.cartesian_prod(axis, axis)
    return Dataset(inputs, targets, grid, "classification", (0.0, 1.0), GRID_STEPS_2D)


def true_curve(config: DataConfig, x: torch.Tensor) -> torch.Tensor:
    """The target function f of the regression data y = f(x) + noise, on x (float32, as the data).

    Scaled to the x range L = x_limit, so that every target spans about as much as x² does and the
    same noise reads the same on each: x² + 3; x³/L; (L²/2)·sin(2πx/L) (two periods over the data);
    L·|x|; a step from 0 to L² at x = 0. The exported script (mlp_core/export.py) writes the same
    operations with the same constants, so its data equal these to the last bit.
    """
    limit, target = config.x_limit, config.target
    if target == "square":
        return x**2 + 3
    if target == "cube":
        return x**3 / limit
    if target == "sin":
        return torch.sin(x * (2 * math.pi / limit)) * (limit**2 / 2)
    if target == "abs":
        return x.abs() * limit
    if target == "step":
        return (x >= 0).float() * limit**2
    raise ValueError(f"unknown target {target!r}")


def quadratic(config: DataConfig, generator: torch.Generator) -> Dataset:
    """y = f(x) + noise with x ~ U(−x_limit, x_limit) and noise ~ N(0, noise_std²); f is the
    config's target, x² + 3 unless chosen otherwise (`true_curve`).

    Draw order: x first, then the noise (always drawn, so changing noise_std keeps x and the
    initial weights), then the model's initial weights.
    """
    n, limit = config.n_samples, config.x_limit
    x = (torch.rand(n, 1, generator=generator) * 2 - 1) * limit
    noise = torch.randn(n, 1, generator=generator) * config.noise_std
    y = true_curve(config, x) + noise
    grid = torch.linspace(-1.25 * limit, 1.25 * limit, GRID_STEPS_1D).unsqueeze(1)
    return Dataset(x, y, grid, "regression", (-limit, limit), GRID_STEPS_1D)


def nine_points(config: DataConfig, generator: torch.Generator) -> Dataset:
    """The fixed nine points of E7 (no randomness)."""
    x = torch.tensor(NINE_X).unsqueeze(1)
    y = torch.tensor(NINE_Y).unsqueeze(1)
    grid = torch.linspace(0.0, 10.5, GRID_STEPS_1D).unsqueeze(1)
    return Dataset(x, y, grid, "regression", (min(NINE_X), max(NINE_X)), GRID_STEPS_1D)


def own_points(config: DataConfig, generator: torch.Generator) -> Dataset:
    """The config's own points (no randomness): (x, y) for a regression, (x1, x2, label) for a
    classification. The grid covers them with a margin, as for the built-in data."""
    points = config.points
    inputs = torch.tensor(points.inputs, dtype=torch.float32)
    targets = torch.tensor(points.targets, dtype=torch.float32)
    low, high = float(inputs.min()), float(inputs.max())
    if points.kind == "labels":
        margin = max(0.1, 0.1 * (high - low))
        axis = torch.linspace(low - margin, high + margin, GRID_STEPS_2D)
        return Dataset(inputs, targets, torch.cartesian_prod(axis, axis), "classification", (low, high),
                       GRID_STEPS_2D)
    margin = max(0.25 * (high - low), 0.5)
    grid = torch.linspace(low - margin, high + margin, GRID_STEPS_1D).unsqueeze(1)
    return Dataset(inputs, targets, grid, "regression", (low, high), GRID_STEPS_1D)


DATASETS: dict[str, Callable[[DataConfig, torch.Generator], Dataset]] = {
    "logic_gate": logic_gate,
    "quadratic": quadratic,
    "nine_points": nine_points,
}


def make_dataset(config: DataConfig, generator: torch.Generator) -> Dataset:
    """The dataset a config names, drawn from `generator` (its own points, if it has them)."""
    if config.points is not None:
        return own_points(config, generator)
    return DATASETS[config.dataset](config, generator)


def dataset_for(config) -> Dataset:
    """The training data of a full config, drawn exactly as `train(config)` draws it (seed first)."""
    return make_dataset(config.data, torch.Generator().manual_seed(config.seed))
