"""Every preset against the lecture's plain PyTorch loop, written here the way the lecture writes it."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn as nn

from exactness import assert_same_losses

LN2 = math.log(2)


def lecture_logic_gate(hidden_widths, gate, steps=10001, seed=777, lr=1.0):
    """E1/E2/E3: seed, X and Y, Sequential right after seeding, BCELoss, SGD, 10001 full-batch steps."""
    torch.manual_seed(seed)
    X = torch.FloatTensor([[0, 0], [0, 1], [1, 0], [1, 1]])
    Y = torch.FloatTensor({"xor": [[0], [1], [1], [0]], "and": [[0], [0], [0], [1]],
                           "or": [[0], [1], [1], [1]]}[gate])
    layers, n_in = [], 2
    for width in hidden_widths:
        layers += [nn.Linear(n_in, width), nn.Sigmoid()]
        n_in = width
    model = nn.Sequential(*layers, nn.Linear(n_in, 1), nn.Sigmoid())
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for step in range(steps):
        hypothesis = model(X)
        cost = criterion(hypothesis, Y)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        losses.append(cost.item())
    with torch.no_grad():
        hypothesis = model(X)
        accuracy = ((hypothesis > 0.5).float() == Y).float().mean().item()
    return np.array(losses), hypothesis.squeeze(1).numpy(), accuracy


def lecture_linear_regression(steps=1000, lr=0.001, seed=777):
    """E7 in the modern API: w, b = randn(1) with requires_grad, updates by hand."""
    torch.manual_seed(seed)
    x_data = torch.tensor([1.1, 2.2, 3, 4, 5, 6, 7, 8.999, 9.555])
    y_data = torch.tensor([2.2, 4.5, 4, 6, 8.245, 7, 9, 1, 2.5])
    w = torch.randn(1, requires_grad=True)
    b = torch.randn(1, requires_grad=True)
    losses = []
    for step in range(steps):
        prediction = x_data * w + b
        loss = ((prediction - y_data) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
        losses.append(loss.item())
    return np.array(losses)


def lecture_quadratic(limit, noise_std, widths, optimizer_cls, lr, epochs=10000, n=1000, seed=777, with_model=False):
    """E8/E9: x ~ U(-limit, limit), y = x² + 3 + noise, ReLU MLP, L1Loss, full batch (the losses,
    and the trained model too `with_model`)."""
    torch.manual_seed(seed)
    x = (torch.rand(n, 1) * 2 - 1) * limit
    noise = torch.randn(n, 1) * noise_std
    y = x ** 2 + 3 + noise
    layers, n_in = [], 1
    for width in widths:
        layers += [nn.Linear(n_in, width), nn.ReLU()]
        n_in = width
    model = nn.Sequential(*layers, nn.Linear(n_in, 1))
    criterion = nn.L1Loss()
    optimizer = optimizer_cls(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        loss = criterion(model(x), y)  # against the noisy targets
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return (np.array(losses), model) if with_model else np.array(losses)


@pytest.mark.parametrize("name, hidden, gate", [
    ("xor-2-2-1", (2,), "xor"),
    ("xor-2-10-10-10-1", (10, 10, 10), "xor"),
    ("perceptron-and", (), "and"),
    ("perceptron-or", (), "or"),
    ("perceptron-xor", (), "xor"),
])
def test_logic_gate_presets_match_the_lecture_loop(preset_runs, name, hidden, gate):
    result = preset_runs(name)
    losses, hypothesis, accuracy = lecture_logic_gate(hidden, gate)
    assert_same_losses(result.losses, losses)
    np.testing.assert_allclose(result.hypothesis(), hypothesis, rtol=1e-5, atol=1e-7)
    assert result.accuracy == accuracy
    assert result.status == "finished"


def test_e1_prints_the_lecture_first_loss(preset_runs):
    # The lecture's script prints "0 0.7434073090553284" for seed 777.
    assert preset_runs("xor-2-2-1").losses[0] == pytest.approx(0.7434073090553284, rel=1e-7)
    assert len(preset_runs("xor-2-2-1").losses) == 10001


def test_linear_regression_preset_matches_the_by_hand_loop(preset_runs):
    assert_same_losses(preset_runs("linear-regression-9-points").losses, lecture_linear_regression())


def test_quadratic_small_sgd_matches_the_lecture_loop(preset_runs):
    plain = lecture_quadratic(10.0, 1.0, (2, 3, 4), torch.optim.SGD, 0.0002)
    assert_same_losses(preset_runs("quadratic-small-sgd").losses, plain)


def test_quadratic_wide_adam_matches_the_lecture_loop(preset_runs):
    plain = lecture_quadratic(15.0, 5.0, (100, 10, 6), torch.optim.Adam, 0.0002)
    assert_same_losses(preset_runs("quadratic-wide-adam").losses, plain)


def test_quadratic_wide_adam_reaches_the_noise_floor(preset_runs):
    floor = 5.0 * math.sqrt(2 / math.pi)  # E|N(0, 5²)| ≈ 3.99: no L1 fit can do better on average
    assert abs(preset_runs("quadratic-wide-adam").final_loss - floor) / floor < 0.10


@pytest.mark.parametrize("gate", ["and", "or"])
def test_perceptron_solves_and_or(preset_runs, gate):
    assert preset_runs(f"perceptron-{gate}").accuracy == 1.0


def test_perceptron_cannot_solve_xor(preset_runs):
    result = preset_runs("perceptron-xor")
    assert result.accuracy <= 0.75
    assert result.final_loss == pytest.approx(LN2, abs=0.01)


def test_deep_xor_sits_on_the_ln2_plateau_then_falls(preset_runs):
    losses = preset_runs("xor-2-10-10-10-1").losses
    assert np.all(np.abs(losses[200:2000] - LN2) < 0.01)  # thousands of steps near ln 2
    assert losses[-1] < 0.01 and preset_runs("xor-2-10-10-10-1").accuracy == 1.0
