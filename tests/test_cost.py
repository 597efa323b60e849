"""The cost guard: every lecture preset trains; configs that would take minutes are refused."""

from __future__ import annotations

import pytest

from mlp_core import PRESETS
from mlp_core.cost import SweepPlan, estimate, estimate_sweep, estimate_sweep_on_gpu, plan_sweep


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_allowed(name):
    assert not estimate(PRESETS[name]).too_slow


def test_a_huge_network_is_refused_with_the_control_to_lower():
    config = PRESETS["quadratic-wide-adam"].replace(hidden_widths=(256,) * 8, n_samples=5000, epochs=50_000)
    cost = estimate(config)
    assert cost.too_slow and "width" in cost.advice


def test_many_tiny_epochs_point_at_the_epochs():
    config = PRESETS["xor-2-2-1"].replace(epochs=100_000, hidden_widths=(2,) * 8)
    cost = estimate(config)
    assert "epochs" in cost.advice


def test_a_sweep_costs_the_overhead_once_and_the_arithmetic_per_seed():
    small, wide = PRESETS["xor-2-2-1"], PRESETS["quadratic-wide-adam"]
    assert estimate_sweep(small, 100).seconds < 5 * estimate(small).seconds  # overhead-bound: batched
    assert estimate_sweep(wide, 10).seconds > 5 * estimate(wide).seconds  # arithmetic-bound: per seed
    assert estimate_sweep(wide, 100).too_slow and not estimate_sweep(small, 100).too_slow


def test_a_sweep_plan_uses_threads_only_where_the_arithmetic_dominates():
    small, wide = PRESETS["xor-2-2-1"], PRESETS["quadratic-wide-adam"]
    assert plan_sweep(small, 100, cores=2) == SweepPlan("cpu", 1, estimate_sweep(small, 100))
    plan = plan_sweep(wide, 10, cores=2)
    assert (plan.device, plan.workers) == ("cpu", 2)
    # E9's default band (10 seeds) trains on two cores (~21 s measured), not on one (~44 s)
    assert not plan.cost.too_slow and plan_sweep(wide, 10, cores=1).cost.too_slow
    assert plan_sweep(wide, 3, cores=8).workers == 3  # no more threads than seeds


def test_a_sweep_plan_takes_the_gpu_only_where_the_cpu_would_take_seconds():
    small, deep, wide = PRESETS["xor-2-2-1"], PRESETS["xor-2-10-10-10-1"], PRESETS["quadratic-wide-adam"]
    assert plan_sweep(small, 100, cores=2, cuda=True).device == "cpu"  # launches would cost more than it saves
    assert plan_sweep(deep, 100, cores=2, cuda=True).device == "cpu"
    plan = plan_sweep(wide, 50, cores=2, cuda=True)
    assert plan == SweepPlan("cuda", 1, estimate_sweep_on_gpu(wide, 50)) and not plan.cost.too_slow
    assert plan_sweep(wide, 50, cores=2).cost.too_slow  # the same sweep without a GPU
