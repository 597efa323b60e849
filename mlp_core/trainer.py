"""The trainer: a generator of progress events, and `run` that drives it to the end.

An epoch is the lecture's loop: forward, loss, zero_grad, backward, step. Two engines run it:
"fast" (mlp_core.fast: the same kernels written out, without autograd's per-step overhead; the
default) and "autograd" (nn.Module, autograd and torch.optim, exactly the lecture's script; the
reference the fast one is tested against). Everything else a caller may want (a float loss,
accuracy, a snapshot for drawing) happens only at the epochs that asked for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import torch
from torch import nn

from .config import Config
from .data import Dataset, make_dataset
from .fast import FastTrainer, LossHistory
from .model import build_model, linear_layers, make_loss, make_optimizer

TRAINER_VERSION = "3"  # bump when a change alters results: run stores key on it (3: aligned parameters)
N_METRIC_POINTS = 500  # accuracy is measured at about this many epochs, spread over the run


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The network after `epoch` updates: its output on the dataset's grid, and its weights."""

    epoch: int
    grid_outputs: np.ndarray  # shape (len(dataset.grid),)
    weights: tuple[tuple[np.ndarray, np.ndarray], ...]  # (W of shape (out, in), b) per Linear


@dataclass(eq=False)
class RunResult:
    """A finished (or diverged) run. `losses[i]` is the loss at step i, before its update."""

    config: Config
    model: nn.Module
    dataset: Dataset
    losses: np.ndarray
    status: str  # "finished" or "diverged"
    diverged_at: int | None = None  # the first epoch whose loss was NaN or inf
    accuracy: float | None = None  # of the final model, for classification
    accuracy_epochs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    accuracy_history: np.ndarray = field(default_factory=lambda: np.zeros(0))
    snapshots: tuple[Snapshot, ...] = ()
    seconds: float = 0.0

    @property
    def final_loss(self) -> float | None:
        return float(self.losses[-1]) if len(self.losses) else None

    def hypothesis(self) -> np.ndarray:
        """The trained model's output for every training input, as the lecture prints it."""
        with torch.no_grad():
            return self.model(self.dataset.inputs).squeeze(1).numpy().copy()


@dataclass(frozen=True, eq=False)
class Progress:
    """One event from `train`. The last event carries `result`."""

    epoch: int  # the step just taken (0-based)
    epochs: int  # how many the run will take
    loss: float  # the loss at this step, before its update
    accuracy: float | None = None  # the latest measured accuracy (classification)
    snapshot: Snapshot | None = None  # the newest snapshot taken since the previous event
    result: RunResult | None = None
    losses: np.ndarray | None = None  # every epoch's loss so far (a read-only view, no copy)


def spread(count: int, last: int) -> set[int]:
    """About `count` epochs evenly spread over 0..last, both ends included."""
    return set(np.linspace(0, last, num=min(count, last + 1)).round().astype(int).tolist())


def draw_data_and_model(config: Config) -> tuple[Dataset, nn.Sequential]:
    """The data, then the initial network, from one generator seeded with `config.seed`: the
    lecture's order of random draws (a sweep draws each of its seeds exactly so)."""
    generator = torch.Generator().manual_seed(config.seed)
    dataset = make_dataset(config.data, generator)
    return dataset, build_model(config.model, config.data.in_features, generator)


def train(config: Config, *, report_every: int = 1, n_snapshots: int = 50,
          engine: str = "fast") -> Iterator[Progress]:
    """Train the config's network, yielding a `Progress` every `report_every` epochs.

    Snapshots (grid output and weights) are taken at about `n_snapshots` epochs spread over the
    run, the last one after the final update. Leaving the loop stops training. A loss that
    becomes NaN or inf stops the run with status "diverged" and only the finite losses kept.
    `engine` is "fast" (the default) or "autograd"; both give the same losses.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine = {engine!r} is not one of {', '.join(ENGINES)}.")
    dataset, model = draw_data_and_model(config)
    stepper = ENGINES[engine](config, model, dataset)
    epochs = config.training.epochs
    classify = dataset.task == "classification"
    snapshot_at = spread(n_snapshots, epochs) if n_snapshots else set()
    metric_at = spread(N_METRIC_POINTS, epochs - 1) if classify else set()

    snapshots: list[Snapshot] = []
    acc_epochs: list[int] = []
    acc_values: list[float] = []
    started = time.perf_counter()
    snapshot = None  # the newest snapshot not yet handed to the caller
    for epoch in range(epochs):
        if epoch in snapshot_at:
            stepper.sync_models()
            taken = _snapshot(model, dataset, epoch)
            if taken is not None:
                snapshots.append(taken)
                snapshot = taken
        stepper.epoch()
        if epoch in metric_at:
            acc_epochs.append(epoch)
            acc_values.append(_accuracy(stepper.outputs(), dataset.targets))
        if (epoch + 1) % report_every == 0 or epoch == epochs - 1:
            losses = stepper.history.read()  # the losses become numbers here, at report epochs only
            value = float(losses[epoch])
            if not np.isfinite(value) or not bool(torch.isfinite(losses[-report_every:]).all()):
                break
            yield Progress(epoch, epochs, value, acc_values[-1] if acc_values else None, snapshot,
                           losses=_read_only(losses))
            snapshot = None
    stepper.sync_models()
    losses = stepper.history.read()
    yield _finish(config, model, dataset, losses, snapshots, snapshot_at, acc_epochs, acc_values,
                  time.perf_counter() - started)


def _read_only(losses: torch.Tensor) -> np.ndarray:
    """A numpy view of the losses so far that a caller cannot write into the trainer through."""
    view = losses.numpy()
    view.flags.writeable = False
    return view


class AutogradStepper:
    """The lecture's loop through nn.Module, autograd and torch.optim: the reference engine."""

    def __init__(self, config: Config, model: nn.Module, dataset: Dataset) -> None:
        self.model, self.dataset, self.batch_size = model, dataset, config.training.batch_size
        self.loss_fn = make_loss(config.training)
        self.optimizer = make_optimizer(config.training, model.parameters())
        full = self.batch_size in (0, len(dataset.inputs))
        self._step = _full_batch_step if full else _mini_batch_step
        self.batch_generator = torch.Generator().manual_seed(config.seed + 1)  # shuffling, apart from init
        self.history = LossHistory(config.training.epochs)
        self._outputs: torch.Tensor | None = None

    def epoch(self) -> None:
        """One epoch; its loss (0-d, detached) goes to `history`."""
        self._outputs, loss = self._step(self.model, self.loss_fn, self.optimizer, self.dataset,
                                         self.batch_size, self.batch_generator)
        self.history.append(loss)

    def outputs(self) -> torch.Tensor:
        """The output on all training points, as of the last epoch (see `_full_batch_step`)."""
        return self._outputs

    def sync_models(self) -> None:
        """Nothing to do: the model is trained in place."""


def _fast_stepper(config: Config, model: nn.Module, dataset: Dataset) -> FastTrainer:
    return FastTrainer(config, [model], [dataset], [config.seed], batched=False)


ENGINES = {"fast": _fast_stepper, "autograd": AutogradStepper}


def _full_batch_step(model, loss_fn, optimizer, dataset, batch_size, batch_generator):
    """One update on all the data: the lecture's forward, loss, zero_grad, backward, step."""
    output = model(dataset.inputs)
    loss = loss_fn(output, dataset.targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return output.detach(), loss.detach()


def _mini_batch_step(model, loss_fn, optimizer, dataset, batch_size, batch_generator):
    """One epoch of shuffled mini-batches; the epoch's loss is the size-weighted batch mean."""
    n = len(dataset.inputs)
    order = torch.randperm(n, generator=batch_generator)
    total = torch.zeros(())
    for start in range(0, n, batch_size):
        index = order[start:start + batch_size]
        loss = loss_fn(model(dataset.inputs[index]), dataset.targets[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.detach() * len(index)
    with torch.no_grad():
        output = model(dataset.inputs)
    return output, total / n


def _accuracy(output: torch.Tensor, targets: torch.Tensor) -> float:
    """Share of points whose predicted class (output > 0.5) matches the label."""
    return ((output > 0.5) == (targets > 0.5)).float().mean().item()


def _snapshot(model: nn.Module, dataset: Dataset, epoch: int) -> Snapshot | None:
    """Grid output and weights now; None if the network has gone non-finite (no NaN in charts)."""
    with torch.no_grad():
        grid_outputs = model(dataset.grid).squeeze(1)
        if not torch.isfinite(grid_outputs).all():
            return None
        weights = tuple((layer.weight.numpy().copy(), layer.bias.numpy().copy()) for layer in linear_layers(model))
    return Snapshot(epoch, grid_outputs.numpy().copy(), weights)


def _finish(config, model, dataset, losses, snapshots, snapshot_at, acc_epochs, acc_values, seconds) -> Progress:
    """Build the RunResult: cut at the first non-finite loss, take the final snapshot."""
    values = losses.double().numpy()
    bad = np.flatnonzero(~np.isfinite(values))
    diverged_at = int(bad[0]) if len(bad) else None
    epochs = config.training.epochs
    if diverged_at is None:
        final = _snapshot(model, dataset, epochs) if epochs in snapshot_at else None
        snapshots = snapshots + [final] if final is not None else snapshots
    else:
        values = values[:diverged_at]
        keep = [i for i, e in enumerate(acc_epochs) if e < diverged_at]
        acc_epochs, acc_values = [acc_epochs[i] for i in keep], [acc_values[i] for i in keep]
        snapshots = [s for s in snapshots if s.epoch <= diverged_at]
    accuracy = None
    if dataset.task == "classification" and diverged_at is None:
        with torch.no_grad():
            accuracy = _accuracy(model(dataset.inputs), dataset.targets)
    result = RunResult(
        config, model, dataset, values, "diverged" if diverged_at is not None else "finished", diverged_at,
        accuracy, np.array(acc_epochs, dtype=int), np.array(acc_values), tuple(snapshots), seconds)
    last = len(values) - 1
    return Progress(max(last, 0), epochs, float(values[-1]) if len(values) else float("nan"),
                    acc_values[-1] if acc_values else None, snapshots[-1] if snapshots else None, result)


def run(config: Config, *, n_snapshots: int = 50, engine: str = "fast") -> RunResult:
    """Train to the end (or to divergence) and return the result (`engine` as for `train`)."""
    report_every = max(config.training.epochs // 20, 1)
    for event in train(config, report_every=report_every, n_snapshots=n_snapshots, engine=engine):
        if event.result is not None:
            return event.result
    raise AssertionError("train() always ends with a result")
