"""The registry of activations, losses and optimizers: its records state what torch does, every
table is derived from it, and every entry trains exactly as the lecture's loop would.

Adding an entry to mlp_core/components.py is tested here and in tests/test_fast.py,
tests/test_same_calls.py and tests/test_export.py without touching them (they are parametrised
over the registry); the labels the UI shows must exist for it (below)."""

from __future__ import annotations

import inspect

import pytest
import torch
from torch import nn

from mlp_core import PRESETS, components, config, run
from mlp_core.fast import ACTIVATIONS as FAST_ACTIVATIONS, OPTIMIZERS as FAST_OPTIMIZERS
from mlp_core.model import activation_module, make_loss, make_optimizer

ACTIVATIONS = [spec for spec in components.ACTIVATIONS.values() if spec.module]


@pytest.mark.parametrize("spec", ACTIVATIONS, ids=lambda spec: spec.name)
def test_an_activation_states_its_modules_defaults(spec):
    module = getattr(nn, spec.module)()
    for name, value in spec.parameters.items():
        assert getattr(module, name) == value, f"nn.{spec.module}().{name}"
    signature = inspect.signature(getattr(nn, spec.module))
    stated = {name for name, parameter in signature.parameters.items() if name != "inplace"}
    assert set(spec.parameters) <= stated


@pytest.mark.parametrize("spec", ACTIVATIONS, ids=lambda spec: spec.name)
def test_the_fast_kernels_compute_what_the_module_computes(spec):
    """Forward and backward of the fast engine's bound calls against the module and autograd,
    on values around every kink, bit for bit."""
    z = torch.linspace(-25, 25, 2001)  # softplus switches to the identity past its threshold of 20
    reference_in = z.clone().requires_grad_()
    reference = getattr(nn, spec.module)()(reference_in)
    upstream = torch.randn(z.shape, generator=torch.Generator().manual_seed(0))
    reference.backward(upstream)

    fast = FAST_ACTIVATIONS[spec.name]
    pre, out = z.clone(), torch.empty_like(z)
    if fast.saves_input:
        fast.forward(pre, out)()
    else:
        out = pre
        fast.forward(pre, out)()
    assert torch.equal(out, reference.detach())
    grad = upstream.clone()
    fast.backward(grad, pre if fast.saves_input else out)()
    assert torch.equal(grad, reference_in.grad)


def test_identity_has_no_module_and_no_kernels():
    assert activation_module("identity") is None and FAST_ACTIVATIONS["identity"] is None
    assert components.ACTIVATIONS["identity"].export == ""


@pytest.mark.parametrize("name", sorted(components.LOSSES))
def test_a_loss_record_builds_the_lectures_criterion(name):
    spec = components.LOSSES[name]
    criterion = make_loss(config.TrainingConfig(loss=name, optimizer="sgd"))
    assert type(criterion).__name__ == spec.module and criterion.reduction == spec.reduction
    assert eval(spec.export, {"nn": nn}).reduction == spec.reduction  # the exported text builds the same


@pytest.mark.parametrize("name", sorted(components.OPTIMIZERS))
def test_an_optimizer_record_builds_torch_optim_and_has_a_fast_twin(name):
    spec = components.OPTIMIZERS[name]
    parameter = torch.zeros(3, requires_grad=True)
    optimizer = make_optimizer(config.TrainingConfig(optimizer=name, learning_rate=0.1), [parameter])
    assert type(optimizer).__name__ == spec.cls and optimizer.defaults["lr"] == 0.1
    for key, value in spec.parameters.items():
        assert optimizer.defaults[key] == value
    assert FAST_OPTIMIZERS[name].__name__ == spec.fast
    built = eval(spec.export("0.1"), {"torch": torch, "model": nn.Linear(1, 1)})
    assert type(built) is type(optimizer) and built.defaults == optimizer.defaults


def test_every_table_has_exactly_the_registrys_names():
    from ui.controls import CHOICE_LABELS

    assert config.ACTIVATIONS == tuple(components.ACTIVATIONS)
    assert config.LOSSES == tuple(components.LOSSES) and config.OPTIMIZERS == tuple(components.OPTIMIZERS)
    assert set(FAST_ACTIVATIONS) == set(components.ACTIVATIONS)
    assert set(FAST_OPTIMIZERS) == set(components.OPTIMIZERS)
    labelled = set(components.ACTIVATIONS) | set(components.LOSSES) | set(components.OPTIMIZERS)
    other_choices = set(config.GATES) | set(config.INITS) | set(config.TARGETS)
    assert set(CHOICE_LABELS) == labelled | other_choices


def test_the_scalar_engine_draws_every_activation_of_the_registry():
    from lessons.backprop.analysis import ACTIVATION_NAMES
    from mlp_core.circuits import ACTIVATIONS as SCALAR_ACTIVATIONS

    assert set(SCALAR_ACTIVATIONS) == set(ACTIVATION_NAMES) == set(components.ACTIVATIONS) - {"identity"}


def test_the_quadratic_lesson_explains_every_activation():
    from lessons.quadratic.analysis import UNIT_SHAPES

    assert set(UNIT_SHAPES) == set(components.ACTIVATIONS)


@pytest.mark.parametrize("activation", ["softplus", "gelu", "silu"])
def test_the_new_activations_learn_xor(activation):
    # What they are for: a smooth hidden layer that solves XOR like the lecture's sigmoid one.
    config_ = PRESETS["xor-2-2-1"].replace(activation=activation, hidden_widths=(8,), epochs=2000, learning_rate=0.5)
    assert run(config_).accuracy == 1.0


def test_rmsprop_fits_the_quadratic():
    base = PRESETS["quadratic-wide-adam"].replace(epochs=1500, n_samples=200)
    result = run(base.replace(optimizer="rmsprop", learning_rate=0.001))
    assert result.status == "finished" and result.final_loss < 0.5 * result.losses[0]


@pytest.mark.usefixtures("fresh_caches")
@pytest.mark.parametrize("page, key, params", [
    ("perceptron_xor.py", "xor", {"epochs": "301"}),
    ("quadratic_regression.py", "quad", {"epochs": "200", "n_samples": "100", "hidden_widths": "8-8"}),
])
def test_every_entry_is_offered_and_trains_on_every_training_page(page, key, params):
    from apptest_support import metric, open_app, outcome, url_notices
    from conftest import ROOT

    at = open_app(str(ROOT / "pages" / page), params | {"activation": "gelu", "optimizer": "rmsprop",
                                                        "learning_rate": "0.01"})
    assert not at.exception and not url_notices(at)
    assert set(at.selectbox(key=f"{key}.activation").options) == {
        label for name, label in _labels().items() if name in components.ACTIVATIONS}
    assert set(at.selectbox(key=f"{key}.optimizer").options) == {
        label for name, label in _labels().items() if name in components.OPTIMIZERS}
    assert at.selectbox(key=f"{key}.activation").value == "gelu"
    assert "Trained" in outcome(at)
    for activation in ("softplus", "silu"):
        at.selectbox(key=f"{key}.activation").set_value(activation).run()
        assert not at.exception and at.query_params["activation"] in (activation, [activation])
    assert metric(at, "Epoch" if key == "xor" else "Epochs").startswith(params["epochs"])


def _labels() -> dict[str, str]:
    from ui.controls import CHOICE_LABELS

    return CHOICE_LABELS
