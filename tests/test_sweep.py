"""Seed sweeps: each seed trained as `run` trains it, the result's shapes, and the solved flags."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
import torch

from mlp_core import PRESETS, SweepResult, run, sweep
from mlp_core.fast import FastTrainer
from mlp_core.trainer import draw_data_and_model

E1 = PRESETS["xor-2-2-1"]


def assert_sweep_matches_runs(config, seeds, rtol=1e-5, device="cpu"):
    """Every seed's losses against run(config with that seed), at every step."""
    result = sweep(config, seeds, device=device)
    for row, seed in enumerate(seeds):
        single = run(config.replace(seed=seed))
        np.testing.assert_allclose(result.losses[row], single.losses, rtol=rtol, atol=0,
                                   err_msg=f"seed {seed}")
        if single.accuracy is not None:
            assert result.accuracy[row] == single.accuracy
    return result


# Short runs, while the loss is far above float32's resolution: the batched products round
# differently from run's BLAS calls, and only that separates a seed from its run.
@pytest.mark.parametrize("config", [
    E1.replace(epochs=600),
    PRESETS["xor-2-10-10-10-1"].replace(epochs=150),
    PRESETS["quadratic-wide-adam"].replace(epochs=40, n_samples=100),
    PRESETS["quadratic-small-sgd"].replace(epochs=20, n_samples=100, batch_size=16, optimizer="momentum",
                                           learning_rate=1e-4),
    E1.replace(noise_std=0.3, n_samples=24, batch_size=5, epochs=30, activation="tanh"),
    PRESETS["linear-regression-9-points"].replace(epochs=200),
], ids=["E1", "E2", "E9-adam", "mini-batches-momentum", "noisy-xor-batches", "E7-nine-points"])
def test_each_seed_trains_as_run_would(config):
    assert_sweep_matches_runs(config, [config.seed, 3, 12345])


def test_full_e1_seeds_end_as_their_runs():
    # After 10001 steps the BCE is ~1e-3 and the outputs are within 1e-3 of 0 and 1: one float32
    # step of an output there moves the loss by ~3e-5 of itself, so 1e-4 is rounding, not drift.
    result = assert_sweep_matches_runs(E1, [777, 779], rtol=1e-4)
    assert result.solved.tolist() == [True, False]  # 779 stays on the plateau (accuracy 0.5)


def test_shapes_and_seed_order():
    config = E1.replace(epochs=50)
    result = sweep(config, 4)
    assert isinstance(result, SweepResult)
    assert result.seeds.tolist() == [777, 778, 779, 780]
    assert result.losses.shape == (4, 50) and result.losses.dtype == np.float32
    assert result.final_loss.shape == result.accuracy.shape == result.solved.shape == (4,)
    assert result.grid.shape == (41 * 41, 2) and result.grid_outputs.shape == (4, 41 * 41)
    np.testing.assert_array_equal(result.final_loss, result.losses[:, -1])
    assert result.floor is None and (result.diverged_at == -1).all()
    single = run(config.replace(seed=779))
    np.testing.assert_allclose(result.grid_outputs[2], single.snapshots[-1].grid_outputs, rtol=1e-5, atol=1e-6)


def test_regression_floor_is_the_noise():
    result = sweep(PRESETS["quadratic-wide-adam"].replace(epochs=2), [1, 2])
    assert result.accuracy is None and result.grid.shape == (301, 1)
    np.testing.assert_allclose(result.floor, 5.0 * math.sqrt(2 / math.pi), rtol=0.1)  # E|N(0, 5²)|
    assert not result.solved.any()  # two epochs fit nothing


@pytest.mark.parametrize("gate, share", [("and", 1.0), ("xor", 0.0)])
def test_solved_perceptrons(gate, share):
    assert sweep(PRESETS[f"perceptron-{gate}"].replace(epochs=3000), 5).solved_share == share


def test_nine_points_reach_the_least_squares_line():
    result = sweep(PRESETS["linear-regression-9-points"], 3)
    assert result.solved.all() and np.all(result.final_loss <= 1.1 * result.floor)


def test_diverged_seeds_are_blanked_and_not_solved():
    config = PRESETS["quadratic-small-sgd"].replace(loss="mse", learning_rate=100.0, epochs=200)
    result = sweep(config, [777, 778])
    assert (result.diverged_at > 0).all() and not result.solved.any()
    for row, epoch in enumerate(result.diverged_at):
        assert np.isfinite(result.losses[row, :epoch]).all() and np.isnan(result.losses[row, epoch:]).all()
        assert epoch == run(config.replace(seed=int(result.seeds[row]))).diverged_at


def test_one_diverged_seed_leaves_the_others_alone():
    configs = [E1.replace(seed=seed) for seed in (777, 778, 779)]
    drawn = [draw_data_and_model(c) for c in configs]
    trainer = FastTrainer(E1, [m for _, m in drawn], [d for d, _ in drawn], [777, 778, 779], batched=True)
    trainer.weights[0][1].fill_(math.nan)  # seed 778's network is broken
    for _ in range(20):
        trainer.epoch()
    losses = trainer.history.read().T  # (seeds, epochs)
    assert torch.isnan(losses[1]).all() and torch.isfinite(losses[[0, 2]]).all()
    np.testing.assert_allclose(losses[0].numpy(), run(configs[0].replace(epochs=20)).losses, rtol=1e-5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_sweep_on_cuda_trains_as_run_would():
    result = assert_sweep_matches_runs(E1.replace(epochs=300), [777, 3], device="cuda")
    assert result.device == "cuda"


WIDE = PRESETS["quadratic-wide-adam"].replace(epochs=60)


def test_workers_train_the_same_networks_and_report_in_the_callers_thread():
    alone = sweep(WIDE, 4)
    caller, seen = threading.get_ident(), []
    shared = sweep(WIDE, 4, workers=2, progress=lambda done: seen.append((done, threading.get_ident())))
    np.testing.assert_allclose(shared.losses, alone.losses, rtol=1e-6, atol=0)
    np.testing.assert_allclose(shared.grid_outputs, alone.grid_outputs, rtol=1e-6, atol=0)
    assert shared.workers == 2 and alone.workers == 1
    assert {thread for _, thread in seen} == {caller}
    fractions = [done for done, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_progress_in_turn_climbs_to_one():
    seen = []
    sweep(E1.replace(epochs=200), 3, progress=seen.append)
    assert len(seen) >= 100 and seen == sorted(seen) and seen[-1] == 1.0 and 0 < seen[0] <= 0.02


@pytest.mark.parametrize("workers", [1, 2])
def test_an_exception_from_progress_stops_the_sweep(workers):
    class Stop(Exception):
        pass

    calls = []

    def stop_early(done):
        calls.append(done)
        if done >= 0.1:
            raise Stop

    with pytest.raises(Stop):
        sweep(WIDE.replace(epochs=20_000), 4, workers=workers, progress=stop_early)
    assert max(calls) < 0.5  # it stopped there, not at the end
    assert not [t for t in threading.enumerate() if t.name.startswith("sweep")]  # no worker left running


def test_workers_must_be_positive():
    with pytest.raises(ValueError, match="workers"):
        sweep(E1, 2, workers=0)


def test_the_histogram_counts_whole_seeds():
    from ui.sweeps import final_loss_histogram

    spec = final_loss_histogram(sweep(E1.replace(epochs=30), 3), title="t").to_dict()
    assert spec["encoding"]["y"]["axis"] == {"tickMinStep": 1, "format": "d"}
