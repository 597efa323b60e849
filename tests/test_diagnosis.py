"""The diagnosis of a finished run, on real runs: only a run that reached its goal is 'solved'."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_core import PRESETS, run, sweep
from mlp_core.diagnosis import dead_units, diagnose, still_falling, summary, verdict_of


def test_e1_and_e9_are_solved(preset_runs):
    assert diagnose(preset_runs("xor-2-2-1")).verdict == "solved"
    e9 = diagnose(preset_runs("quadratic-wide-adam"))
    assert e9.solved and e9.hint == "" and "noise floor" in e9.headline
    assert e9.floor == pytest.approx(5.0 * np.sqrt(2 / np.pi), rel=0.1)  # E|N(0, 5²)|


def test_e9_at_learning_rate_100_learned_nothing_and_names_the_dead_units():
    result = run(PRESETS["quadratic-wide-adam"].replace(learning_rate=100.0))
    assert result.status == "finished"  # no NaN: the old page called this "Trained ✓"
    diagnosis = diagnose(result)
    assert diagnosis.verdict == "stuck" and not diagnosis.solved
    assert "Learned nothing" in diagnosis.headline and "mean of y" in diagnosis.headline
    assert 0 < diagnosis.dead_units < diagnosis.hidden_units == 116
    assert f"{diagnosis.dead_units} of 116 ReLU units never activate" in diagnosis.hint


def test_deep_xor_early_is_on_the_plateau():
    diagnosis = diagnose(run(PRESETS["xor-2-10-10-10-1"].replace(epochs=1000)))
    assert diagnosis.verdict == "plateau" and "ln 2" in diagnosis.headline and "longer" in diagnosis.hint


def test_the_perceptron_on_xor_is_told_to_add_a_hidden_layer(preset_runs):
    diagnosis = diagnose(preset_runs("perceptron-xor"))
    assert diagnosis.verdict == "plateau" and "no straight line" in diagnosis.headline
    assert "hidden layer" in diagnosis.hint


def test_a_nan_run_diverged_with_the_epoch_and_a_lower_learning_rate():
    result = run(PRESETS["quadratic-small-sgd"].replace(loss="mse", learning_rate=100.0, epochs=200))
    diagnosis = diagnose(result)
    assert diagnosis.verdict == "diverged" and f"epoch {result.diverged_at:,}" in diagnosis.headline
    assert "try 10" in diagnosis.hint


def test_a_short_run_is_still_falling_not_stuck():
    diagnosis = diagnose(run(PRESETS["quadratic-wide-adam"].replace(epochs=200, n_samples=100)))
    assert diagnosis.verdict == "still falling" and "longer" in diagnosis.hint


def test_xor_saturated_by_a_huge_step_is_stuck_with_dead_units():
    result = run(PRESETS["xor-2-2-1"].replace(activation="relu", learning_rate=100.0, hidden_widths=(8,)))
    diagnosis = diagnose(result)
    assert result.status == "finished" and diagnosis.verdict == "stuck"
    assert diagnosis.dead_units == 8 and "8 of 8" in diagnosis.hint


def test_the_trend_and_the_verdict_from_numbers():
    assert still_falling(np.linspace(10, 1, 100)) and not still_falling(np.full(100, 3.0))
    assert verdict_of([1.0, float("nan")], classification=True) == "diverged"
    assert verdict_of(np.full(100, np.log(2)), classification=True, accuracy=0.5) == "plateau"
    assert verdict_of(np.full(100, 2.0), classification=False, bar=1.0) == "stuck"
    assert verdict_of(np.full(100, 0.9), classification=False, bar=1.0) == "solved"


def test_dead_units_count_relu_units_silent_on_every_input():
    import torch
    from torch import nn

    model = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[1.0], [-1.0], [0.0]]))
        model[0].bias.copy_(torch.tensor([0.0, -5.0, -1.0]))  # unit 2 and 3 are negative on x in [0, 1]
    assert dead_units(model, torch.linspace(0, 1, 11).unsqueeze(1)) == (2, 3)
    assert dead_units(nn.Sequential(nn.Linear(1, 1)), torch.zeros(2, 1)) is None


def test_sweep_verdicts_match_each_seeds_run():
    config = PRESETS["xor-2-2-1"].replace(epochs=2001)
    result = sweep(config, [777, 779, 3])
    found = result.verdicts()
    assert found == [diagnose(run(config.replace(seed=int(s)))).verdict for s in result.seeds]
    assert summary(found).startswith(f"{found.count('solved')} / 3 solved")
    wild = PRESETS["quadratic-wide-adam"].replace(learning_rate=100.0, epochs=1000, n_samples=200)
    regression = sweep(wild, [1, 2])
    assert regression.verdicts() == [diagnose(run(wild.replace(seed=s))).verdict for s in (1, 2)]
    assert "solved" not in regression.verdicts()
    assert summary(["solved", "stuck", "stuck", "plateau"]) == "1 / 4 solved · 1 plateau · 2 stuck"
