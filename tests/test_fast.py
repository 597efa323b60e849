"""The fast engine against the autograd engine (nn.Module + autograd + torch.optim, the lecture's
loop): the same losses, weights, snapshots and accuracies for every activation, output
activation, loss, optimizer, batch size and initialisation, on short runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from exactness import assert_same_losses
from mlp_core import PRESETS, components, run, train
from mlp_core.fast import FastTrainer
from mlp_core.trainer import draw_data_and_model

XOR = PRESETS["xor-2-2-1"].replace(hidden_widths=(3, 2), epochs=25)
QUADRATIC = PRESETS["quadratic-small-sgd"].replace(n_samples=40, epochs=25, learning_rate=0.001, activation="tanh")


def _cases():
    for activation in components.ACTIVATIONS:  # every registry entry, as a hidden and as an output activation
        yield f"hidden-{activation}", XOR.replace(activation=activation)
        if activation != "identity":
            yield f"output-{activation}-mse", QUADRATIC.replace(output_activation=activation, loss="mse")
    for output, loss in (("identity", "mse"), ("identity", "l1"), ("identity", "sse"), ("relu", "mse"),
                         ("leaky_relu", "l1"), ("tanh", "sse"), ("sigmoid", "mse")):
        yield f"output-{output}-{loss}", QUADRATIC.replace(output_activation=output, loss=loss)
    for optimizer in components.OPTIMIZERS:
        for batch_size in (0, 8, 12, 1):  # full, dividing 40, leaving a last batch of 4, one point
            yield f"{optimizer}-batch{batch_size}", QUADRATIC.replace(
                optimizer=optimizer, batch_size=batch_size, loss="mse", learning_rate=1e-4,
                epochs=4 if batch_size == 1 else 25)
    yield "noisy-xor-momentum-batches", XOR.replace(noise_std=0.2, n_samples=40, batch_size=7,
                                                    optimizer="momentum")
    yield "perceptron-randn-init", XOR.replace(hidden_widths=(), init="randn", gate="and")
    yield "nine-points-adam-batches", PRESETS["linear-regression-9-points"].replace(epochs=30, batch_size=4,
                                                                                    optimizer="adam")
    yield "no-hidden-layer-regression", QUADRATIC.replace(hidden_widths=(), output_activation="identity")
    yield "one-unit-one-point-batches", QUADRATIC.replace(hidden_widths=(1,), batch_size=1, epochs=3)


CASES = list(_cases())


def assert_same_run(fast, reference):
    """Float32 rounding at most; in practice the two engines agree bit for bit."""
    assert fast.status == reference.status and fast.diverged_at == reference.diverged_at
    assert_same_losses(fast.losses, reference.losses, against="the autograd engine")
    for ours, theirs in zip(fast.model.parameters(), reference.model.parameters()):
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-7)
    assert [s.epoch for s in fast.snapshots] == [s.epoch for s in reference.snapshots]
    for ours, theirs in zip(fast.snapshots, reference.snapshots):
        np.testing.assert_allclose(ours.grid_outputs, theirs.grid_outputs, rtol=1e-6, atol=1e-7)
    assert fast.accuracy == reference.accuracy
    np.testing.assert_array_equal(fast.accuracy_epochs, reference.accuracy_epochs)
    np.testing.assert_array_equal(fast.accuracy_history, reference.accuracy_history)


@pytest.mark.parametrize("config", [c for _, c in CASES], ids=[name for name, _ in CASES])
def test_fast_engine_trains_exactly_like_autograd(config):
    assert_same_run(run(config, n_snapshots=3), run(config, n_snapshots=3, engine="autograd"))


def test_the_result_is_a_real_trained_model():
    """The returned model holds the trained weights: those torch.optim reaches on the same run
    (the autograd engine trains its nn.Module in place), not the initial ones or a copy never
    written back."""
    config = XOR.replace(epochs=40)
    result, reference = run(config), run(config, engine="autograd")
    initial = draw_data_and_model(config)[1]
    assert isinstance(result.model, torch.nn.Sequential)
    for ours, theirs, before in zip(result.model.parameters(), reference.model.parameters(), initial.parameters()):
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-7)
        assert not torch.equal(ours, before)  # it moved
    with torch.no_grad():
        expected_grid = reference.model(result.dataset.grid).squeeze(1).numpy()
    np.testing.assert_allclose(result.hypothesis(), reference.hypothesis(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(result.snapshots[-1].grid_outputs, expected_grid, rtol=1e-6, atol=1e-7)


def test_live_events_match_between_engines():
    def events(engine):
        events = train(XOR, report_every=5, engine=engine)
        return [(e.epoch, e.loss, e.accuracy) for e in events if e.result is None]

    assert events("fast") == events("autograd")


def test_divergence_is_reported_alike():
    config = PRESETS["quadratic-small-sgd"].replace(loss="mse", learning_rate=100.0, epochs=60)
    fast, reference = run(config), run(config, engine="autograd")
    assert fast.status == reference.status == "diverged"
    assert fast.diverged_at == reference.diverged_at
    np.testing.assert_array_equal(fast.losses, reference.losses)


def test_a_nan_network_under_bce_reports_nan_instead_of_raising():
    # nn.BCELoss raises on a NaN probability; the fast engine reports the divergence instead.
    dataset, model = draw_data_and_model(XOR)
    trainer = FastTrainer(XOR, [model], [dataset], [XOR.seed], batched=False)
    trainer.flat.fill_(math.nan)
    trainer.epoch()
    assert math.isnan(trainer.history.read()[0].item())
