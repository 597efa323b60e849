"""Every poll question's right answer, and every number its explanation gives, computed from the
app's own runs (mlp_core.run of the lecture's presets) and values (mlp_core.circuits): a question
can never claim a wrong answer."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from lessons.lecture.questions import QUESTIONS
from mlp_core import PRESETS, run
from mlp_core.circuits import circuit_e4
from mlp_core.graph import by_label

LN2 = math.log(2)


def answer(step_id: str) -> str:
    question = QUESTIONS[step_id]
    return question.choices[question.answer]


def test_every_question_is_well_formed_and_keyed_by_its_step():
    lecture_steps = {"e3-gates", "e3-xor", "e1-mlp", "e2-deep", "e4-graph", "e5-neuron", "e6-chain", "e7-linear",
                     "e10-activations", "e8-small", "e9-wide"}  # the agreed step ids of the lecture path
    assert {"e3-xor", "e1-mlp", "e4-graph", "e9-wide"} <= set(QUESTIONS) <= lecture_steps
    for step_id, question in QUESTIONS.items():
        assert question.id == step_id and 2 <= len(question.choices) <= 4
        assert len(set(question.choices)) == len(question.choices) and question.explanation.endswith(".")


def test_e3_a_single_layer_perceptron_cannot_learn_xor(preset_runs):
    assert answer("e3-xor").startswith("No")
    result = preset_runs("perceptron-xor")
    assert result.accuracy <= 0.75
    assert abs(result.final_loss - LN2) < 1e-4  # converged to ln 2: more steps change nothing
    assert np.abs(np.diff(result.losses[-1000:])).max() < 1e-6


def test_e1_the_loss_sits_near_ln2_for_the_first_2000_steps(preset_runs):
    assert answer("e1-mlp") == "On a plateau near ln 2 ≈ 0.69"
    losses = preset_runs("xor-2-2-1").losses
    assert np.abs(losses[100:2001] - LN2).max() < 0.01  # the plateau (step 0 starts at 0.74)
    assert losses[:2001].max() < 1  # not "above 1"
    assert losses[:2001].min() > 0.6  # not "falling steadily toward 0"
    assert losses[2500] < 0.05  # "then falls below 0.05 within 500 more steps"


def test_e2_the_deep_net_sits_on_ln2_longer(preset_runs):
    assert answer("e2-deep").startswith("No: its loss stays near ln 2 even longer")
    deep, shallow = preset_runs("xor-2-10-10-10-1"), preset_runs("xor-2-2-1")
    assert np.abs(deep.losses[:4000] - LN2).max() < 0.01
    first_below = int(np.argmax(deep.losses < 0.6))
    assert first_below > 5000 and first_below > int(np.argmax(shallow.losses < 0.6))
    assert deep.accuracy == 1.0 and deep.final_loss < 0.01  # not "it never leaves ln 2"


def test_e4_df_dx_is_larger_in_size_than_df_dz():
    f = circuit_e4()  # the walkthrough's own circuit and values
    f.backward()
    nodes = by_label(f)
    dx, dz = nodes["x"].grad, nodes["z"].grad
    assert (dx, dz) == (-4.0, 3.0)  # the explanation's numbers
    assert answer("e4-graph") == ("∂f/∂x" if abs(dx) > abs(dz) else "∂f/∂z")
    x, y, z = (torch.tensor(v, requires_grad=True) for v in (-2.0, 5.0, -4.0))
    ((x + y) * z).backward()
    assert (x.grad.item(), z.grad.item()) == (dx, dz)


def test_e10_without_activations_the_small_net_fits_a_straight_line():
    assert answer("e10-activations") == "Only a straight line"
    small = PRESETS["quadratic-small-sgd"]
    config = dataclasses.replace(small, model=dataclasses.replace(small.model, activation="identity"),
                                 training=dataclasses.replace(small.training, epochs=300))
    result = run(config)
    xs = torch.linspace(-10, 10, 81).unsqueeze(1)
    with torch.no_grad():
        fit = result.model(xs).squeeze(1).double().numpy()
    slope, intercept = np.polyfit(xs.squeeze(1).double().numpy(), fit, 1)
    assert np.abs(fit - (slope * xs.squeeze(1).double().numpy() + intercept)).max() < 1e-3 * (1 + np.abs(fit).max())


@pytest.fixture(scope="module")
def e9_outside(preset_runs):
    """The E9 fit on x in [15, 45] and [−45, −15], beyond the data (x ~ U(−15, 15))."""
    model = preset_runs("quadratic-wide-adam").model
    right, left = torch.linspace(20, 45, 26).unsqueeze(1), torch.linspace(-45, -20, 26).unsqueeze(1)
    with torch.no_grad():
        return [(x.squeeze(1).double().numpy(), model(x).squeeze(1).double().numpy()) for x in (right, left)]


def test_e9_outside_the_data_the_relu_fit_goes_on_as_a_straight_line(e9_outside):
    assert answer("e9-wide") == "No, it goes on as a straight line"
    for xs, fit in e9_outside:
        slopes = np.diff(fit) / np.diff(xs)
        assert np.abs(slopes - slopes.mean()).max() < 0.01 * abs(slopes.mean())  # constant slope: a line
        assert np.abs(fit).min() > 100  # it does not fall back to 0
        ends = np.abs(xs) == 40
        assert 0.4 < fit[ends][0] / (40**2 + 3) < 0.6  # "at x = ±40 it is about half of x²"
