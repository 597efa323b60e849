"""The trainer's contract: events, snapshots, divergence, independence from global RNG state."""

from __future__ import annotations

import math

import numpy as np
import torch

from mlp_core import PRESETS, run, train

TINY = PRESETS["xor-2-2-1"].replace(epochs=300)


def test_train_yields_one_event_per_epoch_and_ends_with_the_result():
    events = list(train(TINY))
    assert [e.epoch for e in events[:-1]] == list(range(300))
    result = events[-1].result
    assert result is not None and result.status == "finished"
    np.testing.assert_allclose([e.loss for e in events[:-1]], result.losses, rtol=1e-7)
    assert all(isinstance(e.loss, float) for e in events)


def test_leaving_the_loop_stops_training():
    seen = 0
    for event in train(TINY):
        seen += 1
        if event.epoch == 9:
            break
    assert seen == 10


def test_snapshots_spread_over_the_run_end_after_the_last_update():
    result = run(TINY, n_snapshots=11)
    epochs = [s.epoch for s in result.snapshots]
    assert epochs[0] == 0 and epochs[-1] == 300 and len(epochs) == 11
    last = result.snapshots[-1]
    with torch.no_grad():
        expected = result.model(result.dataset.grid).squeeze(1).numpy()
    np.testing.assert_allclose(last.grid_outputs, expected, rtol=1e-6)
    assert [w.shape for w, b in last.weights] == [(2, 2), (1, 2)]


def test_a_run_does_not_depend_on_global_rng_state():
    torch.manual_seed(0)
    first = run(TINY).losses
    torch.rand(1000)  # another run or session disturbing the global generator
    np.testing.assert_array_equal(run(TINY).losses, first)


def test_a_huge_learning_rate_diverges_and_keeps_only_finite_losses():
    config = PRESETS["quadratic-small-sgd"].replace(loss="mse", learning_rate=100.0, epochs=200)
    result = run(config)
    assert result.status == "diverged"
    assert result.diverged_at is not None and result.diverged_at == len(result.losses)
    assert 0 < result.diverged_at < 200
    assert np.all(np.isfinite(result.losses))
    assert all(np.all(np.isfinite(s.grid_outputs)) for s in result.snapshots)


def test_live_events_stop_at_divergence_without_nan():
    config = PRESETS["quadratic-small-sgd"].replace(loss="mse", learning_rate=100.0, epochs=200)
    events = list(train(config))
    assert all(math.isfinite(e.loss) for e in events[:-1])
    assert events[-1].result.status == "diverged"


def test_mini_batches_use_every_point_once_per_epoch():
    config = PRESETS["quadratic-small-sgd"].replace(batch_size=100, epochs=20, learning_rate=0.001)
    result = run(config)
    assert len(result.losses) == 20 and result.status == "finished"
    assert np.array_equal(run(config).losses, result.losses)  # shuffling is seeded too


def test_accuracy_history_is_recorded_for_classification():
    result = run(TINY)
    assert result.accuracy_epochs[0] == 0 and result.accuracy_epochs[-1] == 299
    assert set(np.unique(result.accuracy_history)) <= {0.0, 0.25, 0.5, 0.75, 1.0}


def test_noisy_xor_clouds():
    config = PRESETS["xor-2-2-1"].replace(noise_std=0.1, n_samples=200, epochs=50)
    result = run(config)
    assert result.dataset.inputs.shape == (200, 2)
    assert result.dataset.targets[:4].squeeze(1).tolist() == [0.0, 1.0, 1.0, 0.0]
