"""Seed sweeps: the same experiment trained from many seeds at once.

"Does XOR 2-2-1 always learn?" is a question about seeds: with one seed it does, with another it
sits on a plateau. `sweep` trains one network per seed in one batched run — every weight matrix
gets a leading seed dimension, every matrix product is one baddbmm / bmm for all seeds — and
reports, per seed, the loss history, the final loss and accuracy, whether it solved the task and
its fit on the drawing grid (for a band of fits).

Each seed's network is the one `run(config.replace(seed=seed))` trains: its data and initial
weights are drawn from that seed's own generator in the same order, its mini-batches shuffled by
its own generator, its updates the same arithmetic. Only the batched matrix products round
differently (baddbmm / bmm add the same products in another order than run's BLAS calls), so a
seed's losses agree with its run's to float32 rounding: within 1e-5 relative while the loss is well
above float32's resolution. Two places magnify that rounding. Late in E1 the BCE is ~1e-3 and the
outputs are within 1e-3 of 0 and 1, where one float32 step of an output moves the loss by ~3e-5 of
itself. And the escape from a plateau (E2) starts at a saddle, where rounding decides the epoch of
the escape: a seed's curve keeps its shape and its end, but may be shifted by some epochs. For one
seed step by step, bit for bit, use `run`.

When is a seed "solved"?

- classification: the final network classifies every training point correctly (accuracy 1.0);
- regression: its final loss is within 10% of the best achievable, the *floor*: the loss of the
  true curve x² + 3 on that seed's noisy data (for L1 about noise_std·√(2/π), for MSE about
  noise_std²), or for the nine points the loss of the least-squares line. With noise_std = 0 the
  floor is 0, so the bar is 0.1% of the loss of predicting the mean of y instead.

A seed whose loss becomes NaN or inf has diverged: its history is NaN from that epoch on (draw
only the finite part), its `diverged_at` the epoch, and it is not solved. The others go on.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Callable, Sequence

import numpy as np
import torch

from .config import Config
from .data import GRID_STEPS_1D, GRID_STEPS_2D, Dataset, true_curve
from .fast import FastTrainer, loss_value
from .trainer import draw_data_and_model

SOLVED_MARGIN = 0.10  # a regression fit is solved within 10% of the floor
NOISELESS_BAR = 1e-3  # ... or, when the floor is 0, below 0.1% of the flat prediction's loss
MAX_FLOATS_PER_CHUNK = 2**25  # 128 MiB of activations and gradients; more seeds run in chunks


@dataclass(frozen=True, eq=False)
class SweepResult:
    """One trained network per seed. Row s of every array belongs to `seeds[s]`."""

    config: Config  # the experiment; its own seed is ignored
    seeds: np.ndarray  # (S,) int
    losses: np.ndarray  # (S, epochs) float32: the loss at each step, before its update; NaN after divergence
    final_loss: np.ndarray  # (S,) the last step's loss, as RunResult.final_loss (NaN if diverged)
    accuracy: np.ndarray | None  # (S,) final accuracy on the training points (classification only)
    solved: np.ndarray  # (S,) bool, see the module docstring
    floor: np.ndarray | None  # (S,) the best achievable loss (regression only)
    diverged_at: np.ndarray  # (S,) int: the first epoch with a NaN or inf loss, -1 if none
    grid: np.ndarray  # (points, in_features): one grid shared by all seeds
    grid_outputs: np.ndarray  # (S, points): each final network's output on the grid
    seconds: float
    device: str
    workers: int = 1  # threads it trained in (on the CPU)
    bar: np.ndarray | None = None  # (S,) the loss a solved fit must reach (regression only)
    flat: np.ndarray | None = None  # (S,) the loss of predicting the mean of y (regression only)

    @property
    def solved_share(self) -> float:
        """The fraction of seeds that solved the task."""
        return float(self.solved.mean()) if len(self.solved) else 0.0

    def verdicts(self) -> list[str]:
        """Each seed's verdict, as `mlp_core.diagnosis` gives one for a run: solved, diverged,
        plateau, still falling or stuck."""
        from .diagnosis import verdicts

        return verdicts(self.losses, self.accuracy, self.bar)


def sweep(config: Config, seeds: Sequence[int] | int, device: str | torch.device = "cpu", *,
          workers: int = 1, progress: Callable[[float], object] | None = None) -> SweepResult:
    """Train `config` from every seed at once; `seeds` is a list, or a count starting at config.seed.

    `device="cuda"` runs the batched training on the GPU (data and initial weights are still drawn
    on the CPU, from each seed's generator, as `run` draws them).

    `workers` > 1 splits the seeds into that many chunks, trained side by side in threads. The
    batched products of a wide network release the GIL, so on that many cores such a sweep takes
    about 1/workers of the time (E9: 10 seeds in 2.2 s instead of 4.4 s for 1000 epochs on 2
    cores, the same losses bit for bit). A small network's sweep is bound by the Python overhead of
    each call, which the threads share: keep 1 there (mlp_core.cost.plan_sweep decides).

    `progress(fraction done)` is called in the caller's thread about a hundred times; an exception
    it raises stops the sweep (the workers stop at their next report) and propagates.
    """
    started = time.perf_counter()
    if isinstance(seeds, int):
        seeds = range(config.seed, config.seed + seeds)
    configs = [config.replace(seed=int(seed)) for seed in seeds]  # validates every seed
    if not configs:
        raise ValueError("a sweep needs at least one seed.")
    if workers < 1:
        raise ValueError(f"workers = {workers}: a sweep needs at least one.")
    drawn = [draw_data_and_model(c) for c in configs]
    datasets = [dataset for dataset, _ in drawn]
    grid = _common_grid(datasets)
    per_chunk = min(_seeds_per_chunk(config, len(grid)), -(-len(configs) // workers))
    chunks = [(configs[i:i + per_chunk], drawn[i:i + per_chunk]) for i in range(0, len(configs), per_chunk)]
    train = partial(_train_chunk, config, grid=grid, device=device)
    progress = progress or _ignore
    if workers > 1:
        parts = _train_in_threads(train, chunks, workers, progress)
    else:
        parts = _train_in_turn(train, chunks, progress)
    losses, accuracy, grid_outputs = (np.concatenate([part[k] for part in parts]) for k in range(3))
    return _result(config, configs, datasets, losses, accuracy, grid, grid_outputs,
                   time.perf_counter() - started, str(device), min(workers, len(chunks)))


def _ignore(fraction: float) -> None:
    pass


def _train_in_turn(train: Callable, chunks: list, progress: Callable[[float], object]) -> list:
    """One chunk after another in this thread, reporting progress from inside the loop."""
    parts = []
    for index, (configs, drawn) in enumerate(chunks):
        parts.append(train(configs, drawn, report=lambda done, i=index: progress((i + done) / len(chunks))))
        progress((index + 1) / len(chunks))
    return parts


def _train_in_threads(train: Callable, chunks: list, workers: int, progress: Callable[[float], object]) -> list:
    """The chunks side by side in `workers` threads; progress is polled and reported from this thread."""
    done = [0.0] * len(chunks)  # each chunk's fraction done, written by its worker
    stop = threading.Event()

    def report(index: int, fraction: float) -> None:
        done[index] = fraction
        if stop.is_set():
            raise _Stopped

    with ThreadPoolExecutor(workers, thread_name_prefix="sweep") as pool:
        futures = [pool.submit(train, configs, drawn, report=partial(report, index))
                   for index, (configs, drawn) in enumerate(chunks)]
        try:
            while wait(futures, timeout=0.05).not_done:
                progress(sum(done) / len(chunks))
        except BaseException:
            stop.set()  # the workers stop at their next report; leaving `with` waits for them
            raise
        parts = [future.result() for future in futures]
    progress(1.0)
    return parts


class _Stopped(Exception):
    """Raised in a worker when the caller has stopped the sweep."""


def _train_chunk(config: Config, configs: list[Config], drawn: list, *, grid: torch.Tensor, device,
                 report: Callable[[float], object]):
    """Train these seeds together; return their loss histories, final accuracies, grid outputs.
    `report(fraction of this chunk done)` is called about a hundred times."""
    datasets, models = [d for d, _ in drawn], [m for _, m in drawn]
    trainer = FastTrainer(config, models, datasets, [c.seed for c in configs], batched=True, device=device)
    epochs = config.training.epochs
    check_every = max(epochs // 20, 1)  # a sync point: stop early only if every seed has diverged
    report_every = max(epochs // 100, 1)
    for epoch in range(epochs):
        trainer.epoch()
        if (epoch + 1) % report_every == 0:
            report((epoch + 1) / epochs)
        if (epoch + 1) % check_every == 0 and not bool(torch.isfinite(trainer.history.read()[-1]).any()):
            break
    history = torch.full((len(configs), epochs), math.nan)
    losses = trainer.history.read()  # (epochs done, seeds)
    history[:, :len(losses)] = losses.T.cpu()
    outputs = trainer.forward(trainer.full)  # the final networks: accuracy as run measures it
    accuracy = ((outputs > 0.5) == (trainer.full.targets > 0.5)).float().mean((1, 2))
    grid_outputs = trainer.predict(grid.expand(len(configs), *grid.shape)).squeeze(-1)
    return history.numpy(), accuracy.cpu().numpy(), grid_outputs.cpu().numpy()


def _seeds_per_chunk(config: Config, grid_points: int) -> int:
    """How many seeds fit in MAX_FLOATS_PER_CHUNK: each holds two tensors per layer and point."""
    units = sum(config.model.hidden_widths) + 1
    per_seed = 2 * units * (config.n_points + grid_points)
    return max(1, MAX_FLOATS_PER_CHUNK // per_seed)


def _common_grid(datasets: Sequence[Dataset]) -> torch.Tensor:
    """The seeds' drawing grid; if their data differ in extent (noisy gate clouds), one that
    covers them all, built as data.py builds grids."""
    first = datasets[0].grid
    if all(torch.equal(d.grid, first) for d in datasets):
        return first
    low = min(float(d.grid.min()) for d in datasets)
    high = max(float(d.grid.max()) for d in datasets)
    if first.shape[1] == 1:
        return torch.linspace(low, high, GRID_STEPS_1D).unsqueeze(1)
    axis = torch.linspace(low, high, GRID_STEPS_2D)
    return torch.cartesian_prod(axis, axis)


def _result(config: Config, configs: list[Config], datasets: list[Dataset], losses: np.ndarray,
            accuracy: np.ndarray, grid: torch.Tensor, grid_outputs: np.ndarray, seconds: float,
            device: str, workers: int) -> SweepResult:
    """Find each seed's divergence, blank what follows it, and decide which seeds solved the task."""
    finite = np.isfinite(losses)
    diverged = ~finite.all(1)
    diverged_at = np.where(diverged, np.argmin(finite, 1), -1)
    for row in np.flatnonzero(diverged):
        losses[row, diverged_at[row]:] = np.nan
    grid_outputs[diverged] = np.nan
    final_loss = losses[:, -1].astype(float)
    bar = flat = None
    if datasets[0].task == "classification":
        accuracy = np.where(diverged, np.nan, accuracy.astype(float))
        floor, solved = None, accuracy == 1.0
    else:
        floor, bar, flat = floor_and_bar(config, datasets)
        accuracy, solved = None, ~diverged & (final_loss <= bar)
    return SweepResult(config, np.array([c.seed for c in configs]), losses, final_loss, accuracy,
                       solved, floor, diverged_at, grid.numpy(), grid_outputs, seconds, device, workers,
                       bar, flat)


def floor_and_bar(config: Config, datasets: list[Dataset]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per seed: the best achievable loss on its data, the loss a solved fit must reach, and the
    loss of predicting the mean of y (what a network that learned nothing reaches)."""
    inputs = torch.stack([d.inputs for d in datasets])
    targets = torch.stack([d.targets for d in datasets])
    if config.data.dataset == "quadratic" and config.data.points is None:
        best = true_curve(config.data, inputs)  # computed as the data were: the error left is the noise
    else:  # the nine points, or one's own: the least-squares line (what E7's linear model can reach)
        design = torch.cat([inputs, torch.ones_like(inputs)], -1).double()
        best = (design @ torch.linalg.lstsq(design, targets.double()).solution).float()
    name = config.training.loss
    floor = loss_value(name, best, targets, per_network=True)
    flat = loss_value(name, targets.mean(-2, keepdim=True).expand_as(targets), targets, per_network=True)
    bar = torch.maximum(floor * (1 + SOLVED_MARGIN), flat * NOISELESS_BAR)
    return floor.double().numpy(), bar.double().numpy(), flat.double().numpy()
