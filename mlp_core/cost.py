"""How long a config will take to train, estimated before training it.

A step costs a fixed framework overhead per layer (Python, dispatch, autograd bookkeeping:
this is what dominates the lecture's tiny networks) plus arithmetic proportional to
points x weights. The constants were fitted on the 2-core CI machine to the fast engine's rates
(`python -m mlp_core.bench`) with about 2x to spare for drawing a live run; the estimate only has
to be right within a factor of ~2 to refuse configs that would take minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Config
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
    advice: str  # which control to lower, in the words of the page

    @property
    def too_slow(self) -> bool:
        return self.seconds > self.limit


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
    arithmetic = 6 * training.epochs * points * n_weights(config) / FLOPS_PER_SECOND  # fwd 2 + bwd 4
    seconds = overhead * (ADAM_FACTOR if training.optimizer == "adam" else 1.0) + arithmetic
    if arithmetic > overhead:
        advice = "lower the width, the number of hidden layers, the number of samples or the epochs"
    elif batch < points:
        advice = "raise the batch size (0 = full batch) or lower the epochs"
    else:
        advice = "lower the epochs or the number of hidden layers"
    return CostEstimate(seconds, limit, advice)


SWEEP_OVERHEAD_PER_SEED = 0.02  # batched: one more seed adds ~2% to the per-step framework cost


def estimate_sweep(config: Config, n_seeds: int, limit: float = LIMIT_SECONDS) -> CostEstimate:
    """Estimated seconds for `mlp_core.sweep` of `n_seeds` seeds: the framework overhead is paid
    about once for all seeds (batched matrix products), the arithmetic once per seed."""
    single = estimate(config, limit)
    arithmetic = 6 * config.training.epochs * config.n_points * n_weights(config) / FLOPS_PER_SECOND
    overhead = single.seconds - arithmetic
    seconds = overhead * (1 + SWEEP_OVERHEAD_PER_SEED * n_seeds) + arithmetic * n_seeds
    advice = single.advice if arithmetic * n_seeds > overhead else "lower the epochs"
    return CostEstimate(seconds, limit, advice)
