"""The trainer's contract: events, snapshots, divergence, independence from global RNG state."""

from __future__ import annotations

import math

import numpy as np
import torch

from mlp_core import PRESETS, run, train
from mlp_core.model import linear_layers, make_loss, make_optimizer
from mlp_core.trainer import draw_data_and_model

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
    # The oracle is the lecture's loop itself (nn.Module, autograd, torch.optim), not the returned model:
    # a snapshot of weights that were never trained, or never written back, differs from it.
    trained = plain_loop(TINY)
    with torch.no_grad():
        expected = trained.model(result.dataset.grid).squeeze(1).numpy()
    np.testing.assert_allclose(result.snapshots[-1].grid_outputs, expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(result.snapshots[0].grid_outputs, trained.initial_grid,
                               rtol=1e-6, atol=1e-7)
    for (weight, bias), layer in zip(result.snapshots[-1].weights, linear_layers(trained.model)):
        np.testing.assert_allclose(weight, layer.weight.detach().numpy(), rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(bias, layer.bias.detach().numpy(), rtol=1e-6, atol=1e-7)
    assert [w.shape for w, b in result.snapshots[-1].weights] == [(2, 2), (1, 2)]


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
    config = PRESETS["quadratic-small-sgd"].replace(batch_size=30, n_samples=100, epochs=6, learning_rate=0.001)
    plain = plain_loop(config)
    for batches in plain.batches:  # 30, 30, 30 and the last 10: each point exactly once
        assert [len(b) for b in batches] == [30, 30, 30, 10]
        assert sorted(np.concatenate(batches).tolist()) == list(range(100))
    assert plain.batches[0][0].tolist() != plain.batches[1][0].tolist()  # shuffled anew each epoch
    for engine in ("fast", "autograd"):  # training on fewer points, or the same ones twice, changes every loss
        result = run(config, engine=engine)
        np.testing.assert_allclose(result.losses, plain.losses, rtol=1e-6, atol=0, err_msg=engine)
    assert np.array_equal(run(config).losses, run(config).losses)  # shuffling is seeded too


def test_accuracy_history_is_the_accuracy_of_each_epoch():
    config = TINY.replace(epochs=3000)  # E1 leaves the plateau: its accuracy goes from 0.5 to 1
    plain = plain_loop(config)
    for engine in ("fast", "autograd"):
        result = run(config, engine=engine)
        assert result.accuracy_epochs[0] == 0 and result.accuracy_epochs[-1] == 2999
        assert 400 <= len(result.accuracy_epochs) <= 500
        np.testing.assert_array_equal(result.accuracy_history, plain.accuracies[result.accuracy_epochs],
                                      err_msg=engine)
        assert result.accuracy == plain.final_accuracy
    assert {0.5, 1.0} <= set(plain.accuracies[result.accuracy_epochs].tolist())  # it does change


def test_noisy_xor_clouds():
    config = PRESETS["xor-2-2-1"].replace(noise_std=0.2, n_samples=2000, epochs=2)
    dataset = run(config).dataset
    assert dataset.inputs.shape == (2000, 2)
    corners = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    labels = torch.tensor([0.0, 1.0, 1.0, 0.0])
    index = torch.arange(2000) % 4  # four equal clouds, in the truth table's order
    assert torch.equal(dataset.targets.squeeze(1), labels[index])
    offsets = dataset.inputs - corners[index]
    # 4000 draws of N(0, 0.2²): the sample std is within ~3% of 0.2, the mean within ~0.01 of 0
    assert abs(offsets.std().item() - 0.2) < 0.01 and offsets.mean().abs().item() < 0.015
    assert offsets.abs().max().item() > 0.4  # a real normal cloud has tails
    dataset_without_noise = run(config.replace(noise_std=0.0)).dataset
    assert dataset_without_noise.inputs.shape == (4, 2)  # no noise: the four corners themselves


class PlainRun:
    """What the lecture's loop, written here without mlp_core's trainer, saw at every epoch."""

    def __init__(self) -> None:
        self.losses: list[float] = []
        self.accuracies: list[float] = []
        self.batches: list[list[np.ndarray]] = []
        self.model = None
        self.initial_grid = None
        self.final_accuracy = None


def plain_loop(config) -> PlainRun:
    """nn.Module + autograd + torch.optim on the same data and initial weights (drawn as the app
    draws them), full batch or shuffled mini-batches from a generator seeded with seed + 1."""
    dataset, model = draw_data_and_model(config)
    loss_fn = make_loss(config.training)
    optimizer = make_optimizer(config.training, model.parameters())
    shuffler = torch.Generator().manual_seed(config.seed + 1)
    x, y, n = dataset.inputs, dataset.targets, len(dataset.inputs)
    size = config.training.batch_size or n
    plain = PlainRun()
    with torch.no_grad():
        plain.initial_grid = model(dataset.grid).squeeze(1).numpy().copy()
    for _ in range(config.training.epochs):
        if size == n:
            output = model(x)
            loss = loss_fn(output, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            plain.losses.append(loss.item())
            plain.accuracies.append(((output > 0.5) == (y > 0.5)).float().mean().item())
            continue
        order, total, used = torch.randperm(n, generator=shuffler), 0.0, []
        for start in range(0, n, size):
            index = order[start:start + size]
            used.append(index.numpy())
            loss = loss_fn(model(x[index]), y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
        plain.batches.append(used)
        plain.losses.append(total / n)
    plain.model, plain.losses, plain.accuracies = model, np.array(plain.losses), np.array(plain.accuracies)
    if dataset.task == "classification":
        with torch.no_grad():
            plain.final_accuracy = ((model(x) > 0.5) == (y > 0.5)).float().mean().item()
    return plain
