"""How long a config will take to train, estimated before training it.

A step costs a fixed framework overhead per layer (Python, dispatch, autograd bookkeeping:
this is what dominates the lecture's tiny networks) plus arithmetic proportional to
points x weights. The constants were fitted on the 2-core CI machine to the fast engine's rates
(`python -m mlp_core.bench`) with about 2x to spare for drawing a live run; the estimate only has
to be right within a factor of ~2 to refuse configs that would take minutes.

The advice and the refusals are in the language current when they are made (mlp_core/i18n.py): the
advice is a clause that ends a sentence ("lower the epochs"), as `refusal` and `sweep_refusal` use it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .i18n import N_, _
from .model import layer_sizes

SECONDS_PER_STEP = 30e-6  # optimizer + loss + call overhead, independent of size
SECONDS_PER_LAYER = 20e-6  # forward + backward of one Linear and its activation
FLOPS_PER_SECOND = 15e9  # sustained float32 rate for these small matrices on 2 cores
ADAM_FACTOR = 1.3  # Adam's update is several more small ops per parameter tensor
LIMIT_SECONDS = 30.0


@dataclass(frozen=True)
class CostEstimate:
    seconds: float
    limit: float
    advice: str  # which control to lower, in the words of the page (a clause, in the reader's language)

    @property
    def too_slow(self) -> bool:
        return self.seconds > self.limit

    def refusal(self) -> str:
        """Why a run is not trained, and what to change, in the reader's language."""
        return _("These settings would take about {seconds:,.0f} s to train, more than the {limit:.0f} s this app "
                 "allows. To train faster, {advice}.", seconds=self.seconds, limit=self.limit, advice=self.advice)

    def sweep_refusal(self, n_seeds: int) -> str:
        """Why a sweep of `n_seeds` seeds is not trained, and what to change, in the reader's language."""
        return _("A sweep of {seeds} seeds would take about {seconds:,.0f} s, more than the {limit:.0f} s this app "
                 "allows. Use fewer seeds, or {advice}.", seeds=n_seeds, seconds=self.seconds, limit=self.limit,
                 advice=self.advice)


# What to lower, by what dominates the cost (clauses: "To train faster, <advice>.")
ADVICE_ARITHMETIC = N_("lower the width, the number of hidden layers, the number of samples or the epochs")
ADVICE_BATCHES = N_("raise the batch size (0 = full batch) or lower the epochs")
ADVICE_STEPS = N_("lower the epochs or the number of hidden layers")
ADVICE_EPOCHS = N_("lower the epochs")


def n_weights(config: Config) -> int:
    sizes = layer_sizes(config.model, config.data.in_features)
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def estimate(config: Config, limit: float = LIMIT_SECONDS) -> CostEstimate:
    """Estimated training seconds for `config`, and the control that matters most to lower."""
    training = config.training
    points = config.n_points
    batch = training.batch_size or points
    steps = training.epochs * -(-points // batch)
    layers = len(config.model.hidden_widths) + 1
    overhead = steps * (SECONDS_PER_STEP + SECONDS_PER_LAYER * layers)
    arithmetic = _flops(config) / FLOPS_PER_SECOND
    seconds = overhead * (ADAM_FACTOR if training.optimizer == "adam" else 1.0) + arithmetic
    if arithmetic > overhead:
        advice = ADVICE_ARITHMETIC
    elif batch < points:
        advice = ADVICE_BATCHES
    else:
        advice = ADVICE_STEPS
    return CostEstimate(seconds, limit, _(advice))


SWEEP_OVERHEAD_PER_SEED = 0.02  # batched: one more seed adds ~2% to the per-step framework cost
SWEEP_FLOPS_PER_SECOND = 17e9  # batched, one core, nothing drawn: E9's 10-seed sweep ran at ~19e9
SWEEP_THREAD_EFFICIENCY = 0.9  # E9, 10 seeds, 1000 epochs: 4.4 s on one core, 2.2 s in two threads
GPU_SECONDS_PER_LAYER = 100e-6  # per step on a GPU: one layer's kernel calls, each launched from Python
GPU_FLOPS_PER_SECOND = 2e12  # small batched float32 products (an H100 sustained ~3.5e12 on E9's)
GPU_SECONDS_PER_SEED = 2e-3  # drawing a seed's data and weights on the CPU; small per-matrix kernels
GPU_FROM_SECONDS = 3.0  # a sweep estimated longer than this on the CPU trains on the GPU, if there is one


def _flops(config: Config) -> float:
    return 6 * config.training.epochs * config.n_points * n_weights(config)  # forward 2, backward 4


def _sweep_parts(config: Config) -> tuple[float, float]:
    """A CPU sweep's framework overhead (paid about once for all seeds: batched products) and its
    arithmetic per seed, in seconds."""
    return estimate(config).seconds - _flops(config) / FLOPS_PER_SECOND, _flops(config) / SWEEP_FLOPS_PER_SECOND


def estimate_sweep(config: Config, n_seeds: int, limit: float = LIMIT_SECONDS, workers: int = 1) -> CostEstimate:
    """Estimated seconds for `mlp_core.sweep` of `n_seeds` seeds on the CPU: the framework overhead is
    paid about once for all seeds (batched matrix products), the arithmetic once per seed. With
    `workers` threads (on as many cores) each pays the overhead for its share of the seeds, at once,
    and they share the arithmetic."""
    single = estimate(config, limit)
    overhead, arithmetic = _sweep_parts(config)
    per_worker = -(-n_seeds // workers)
    speedup = 1.0 if workers == 1 else workers * SWEEP_THREAD_EFFICIENCY
    seconds = overhead * (1 + SWEEP_OVERHEAD_PER_SEED * per_worker) + arithmetic * n_seeds / speedup
    advice = single.advice if arithmetic * n_seeds > overhead else _(ADVICE_EPOCHS)
    return CostEstimate(seconds, limit, advice)


def estimate_sweep_on_gpu(config: Config, n_seeds: int, limit: float = LIMIT_SECONDS) -> CostEstimate:
    """Estimated seconds for `mlp_core.sweep(..., device="cuda")`: every step launches each layer's
    kernels from Python (measured on an H100: 2-2-1, 10001 epochs, 100 seeds in 1.95 s; 1-100-10-6-1,
    2000 epochs, 100 seeds in 1.2 s), and the arithmetic of all seeds runs at a GPU's rate."""
    training = config.training
    steps = training.epochs * -(-config.n_points // (training.batch_size or config.n_points))
    layers = len(config.model.hidden_widths) + 1
    per_seed = GPU_SECONDS_PER_SEED + _flops(config) / GPU_FLOPS_PER_SECOND
    seconds = steps * layers * GPU_SECONDS_PER_LAYER + n_seeds * per_seed
    return CostEstimate(seconds, limit, estimate_sweep(config, n_seeds, limit).advice)


@dataclass(frozen=True)
class SweepPlan:
    """Where a sweep trains and in how many threads, and how long it will take there."""

    device: str  # "cpu" or "cuda"
    workers: int  # threads, each training a share of the seeds (mlp_core.sweep's `workers`)
    cost: CostEstimate


def plan_sweep(config: Config, n_seeds: int, *, cores: int = 1, cuda: bool = False,
               limit: float = LIMIT_SECONDS) -> SweepPlan:
    """How the app should train a sweep: on the CPU, in threads on `cores` cores where the arithmetic
    outweighs the per-call overhead (threads share Python's overhead: a tiny network's sweep only
    gets slower, E1's 100 seeds 0.4 s -> 0.9 s in two threads); on the GPU, where `cuda` and the
    CPU would take more than GPU_FROM_SECONDS (below that the GPU's launches make it slower: E1's
    100 seeds took 0.7 s on one CPU core and 1.95 s on an H100)."""
    overhead, arithmetic = _sweep_parts(config)
    workers = max(1, min(cores, n_seeds)) if arithmetic * n_seeds > 2 * overhead else 1
    cpu = estimate_sweep(config, n_seeds, limit, workers)
    if cuda and cpu.seconds > GPU_FROM_SECONDS:
        gpu = estimate_sweep_on_gpu(config, n_seeds, limit)
        if gpu.seconds < cpu.seconds:
            return SweepPlan("cuda", 1, gpu)
    return SweepPlan("cpu", workers, cpu)


def available_cores() -> int:
    """The cores this process may use: its CPU affinity, capped by a cgroup CPU quota (containers,
    Community Cloud), where the machine's count would overstate it."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores
