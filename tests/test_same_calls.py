"""The fast engine makes the calls autograd makes: the same kernels on the same shapes, strides and
alignments, in the same order. Equal calls give equal results on any CPU, so these tests show a
difference on every machine, also where the losses happen to agree (tests/test_fast.py and
tests/test_presets_exact.py compare the values on the machine they run on).

What the two engines do differently by design is tested apart, against torch itself:
- the optimizers update one flat vector instead of each parameter: the elementwise kernels give the
  same values at any length and alignment (`test_flat_updates_equal_torch_optim`);
- the full batch's loss is computed later, on a block of stored predictions
  (`test_losses_in_blocks_equal_the_loss_of_each_step`);
- dL/dprediction is written with the arithmetic of autograd's formula, in other calls
  (`loss_gradient`), and compared by value in tests/test_fast.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from mlp_core import PRESETS, components
from mlp_core.config import TrainingConfig
from mlp_core.fast import OPTIMIZERS as FAST_OPTIMIZERS, FastTrainer, aligned_offsets, loss_per_network
from mlp_core.model import make_loss, make_optimizer
from mlp_core.trainer import draw_data_and_model

# The kernels of a layer's forward and backward. Everything else either moves no numbers (views,
# detach) or is the loss, whose value and gradient are compared by value elsewhere.
BOUNDARY = 64  # bytes: where PyTorch's CPU allocator starts every tensor it makes
LAYER_KERNELS = {"addmm", "mm", "sum"} | {name for spec in components.ACTIVATIONS.values()
                                          for name in (spec.kernel, spec.backward) if name}


def describe(value):
    """What a kernel sees of an argument: a tensor's dtype, shape, strides and whether its data
    starts on a 64-byte boundary (MKL's sgemm sums in another order when its output does not)."""
    if isinstance(value, torch.Tensor):
        return (str(value.dtype), tuple(value.shape), value.stride(), value.data_ptr() % BOUNDARY == 0)
    if isinstance(value, (list, tuple)):
        return tuple(describe(item) for item in value)
    return value


class KernelTrace(TorchDispatchMode):
    """Records (kernel, its inputs, its output) for every layer kernel called under it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        result = func(*args, **(kwargs or {}))
        name = func.overloadpacket.__name__.rstrip("_")  # relu_ and relu, sum.IntList_out and sum: one kernel
        if name in LAYER_KERNELS:
            inputs = [arg for key, arg in (kwargs or {}).items() if key not in ("out", "grad_input")]
            # an out= or in-place kernel returns the tensor it wrote: the output either way
            self.calls.append((name, describe(list(args) + inputs), describe(result)))
        return result


def autograd_step_calls(config) -> list[tuple]:
    """The layer kernels of the lecture's forward and backward, in its second step."""
    dataset, model = draw_data_and_model(config)
    loss_fn, optimizer = make_loss(config.training), make_optimizer(config.training, model.parameters())
    loss_fn(model(dataset.inputs), dataset.targets).backward()
    optimizer.step()
    optimizer.zero_grad()
    with KernelTrace() as trace:
        loss_fn(model(dataset.inputs), dataset.targets).backward()
    return trace.calls


def fast_step_calls(config) -> list[tuple]:
    """The same kernels of the fast engine's forward and backward, after one epoch."""
    dataset, model = draw_data_and_model(config)
    trainer = FastTrainer(config, [model], [dataset], [config.seed], batched=False)
    trainer.epoch()
    with KernelTrace() as trace:
        for call in trainer.full.forward + trainer.full.backward:
            call()
    return trace.calls


def _cases():
    for name in PRESETS:
        yield name, PRESETS[name]
    base = PRESETS["xor-2-2-1"].replace(hidden_widths=(3, 2), epochs=5)
    quadratic = PRESETS["quadratic-wide-adam"].replace(epochs=5)
    for activation in components.ACTIVATIONS:  # every registry entry, hidden and at the output
        yield f"xor-{activation}", base.replace(activation=activation)
        yield f"quadratic-wide-{activation}-{activation}-mse", quadratic.replace(
            activation=activation, output_activation=activation, loss="mse")
    for output, loss in (("identity", "mse"), ("identity", "sse"), ("tanh", "l1")):
        yield f"quadratic-{output}-{loss}", quadratic.replace(output_activation=output, loss=loss)
    for optimizer in components.OPTIMIZERS:  # the optimizer is not in the trace; its data is
        yield f"quadratic-wide-{optimizer}", quadratic.replace(optimizer=optimizer)


CASES = list(_cases())


@pytest.mark.parametrize("config", [c for _, c in CASES], ids=[name for name, _ in CASES])
def test_one_step_makes_the_calls_autograd_makes(config):
    ours, theirs = fast_step_calls(config), autograd_step_calls(config)
    for index, (mine, reference) in enumerate(zip(ours, theirs)):
        assert mine == reference, f"call {index} differs:\n  fast     {mine}\n  autograd {reference}"
    assert len(ours) == len(theirs), f"{len(ours)} layer kernels in the fast engine, {len(theirs)} in autograd"
    assert len(ours) >= 3 * len(config.model.hidden_widths) + 2  # a real trace, not an empty one


def test_the_trace_sees_an_unaligned_output():
    """What the first version of the fast engine did wrong, and this trace would have caught."""
    dz, h = torch.randn(1000, 6), torch.randn(1000, 10)
    aligned, shifted = torch.empty(6, 10), torch.empty(64)[1:61].view(6, 10)
    calls = []
    for out in (aligned, shifted):
        trace = KernelTrace()
        with trace:
            torch.mm(dz.t(), h, out=out)
        calls.append(trace.calls)
    assert calls[0] != calls[1]
    with KernelTrace() as trace:
        fresh = torch.mm(dz.t(), h)
    assert trace.calls == calls[0] and torch.equal(fresh, aligned)


def test_every_parameter_view_starts_aligned():
    config = PRESETS["quadratic-wide-adam"]
    dataset, model = draw_data_and_model(config)
    trainer = FastTrainer(config, [model], [dataset], [config.seed], batched=False)
    for tensor in trainer.weights + trainer.biases + trainer.weight_grads + trainer.bias_grads:
        assert tensor.data_ptr() % BOUNDARY == 0
    assert aligned_offsets([100, 100, 1000, 10, 60, 6, 6, 1]) == (
        [0, 112, 224, 1232, 1248, 1312, 1328, 1344], 1360)


SHAPES = [(100, 1), (100,), (10, 100), (10,), (6, 10), (6,), (1, 6), (1,)]  # E9's parameters


@pytest.mark.parametrize("optimizer", sorted(FAST_OPTIMIZERS))
@pytest.mark.parametrize("lr", [0.0002, 0.5])
def test_flat_updates_equal_torch_optim(optimizer, lr):
    """The fast optimizers on one flat, padded vector against torch.optim on separate tensors:
    the same values, bit for bit, over steps whose gradients change sign and scale."""
    generator = torch.Generator().manual_seed(3)
    params = [torch.randn(shape, generator=generator).requires_grad_() for shape in SHAPES]
    reference = make_optimizer(TrainingConfig(loss="l1", optimizer=optimizer, learning_rate=lr), params)
    offsets, count = aligned_offsets([p.numel() for p in params])
    flat, flat_grad = torch.zeros(count), torch.zeros(count)
    views = [flat[o:o + p.numel()].view(p.shape) for o, p in zip(offsets, params)]
    grad_views = [flat_grad[o:o + p.numel()].view(p.shape) for o, p in zip(offsets, params)]
    for view, param in zip(views, params):
        view.copy_(param.detach())
    ours = FAST_OPTIMIZERS[optimizer](flat, flat_grad, lr)
    for step in range(20):
        for param, grad_view in zip(params, grad_views):
            grad = torch.randn(param.shape, generator=generator) * 10.0 ** (step % 5 - 2)
            param.grad = grad.clone()
            grad_view.copy_(grad)
        reference.step()
        ours.step()
        for index, (view, param) in enumerate(zip(views, params)):
            assert torch.equal(view, param.detach()), f"step {step}, parameter {index} {tuple(param.shape)}"
    padding = torch.ones(count, dtype=torch.bool)
    for offset, param in zip(offsets, params):
        padding[offset:offset + param.numel()] = False
    assert torch.equal(flat[padding], torch.zeros(int(padding.sum())))  # the padding never moves


@pytest.mark.parametrize("name", ["xor-2-2-1", "quadratic-wide-adam", "linear-regression-9-points"])
def test_losses_in_blocks_equal_the_loss_of_each_step(name):
    """The fast engine's losses come from one loss kernel over a block of stored predictions;
    each must equal the lecture's criterion on that step's prediction alone."""
    config = PRESETS[name]
    dataset, model = draw_data_and_model(config)
    criterion = make_loss(config.training)
    generator = torch.Generator().manual_seed(5)
    with torch.no_grad():
        output = model(dataset.inputs)
    predictions = torch.stack([output + 0.1 * k * torch.randn(output.shape, generator=generator)
                               for k in range(7)])
    if config.training.loss == "bce":
        predictions = predictions.clamp(1e-3, 1 - 1e-3)
    block = loss_per_network(config.training.loss, predictions, dataset.targets.expand_as(predictions))
    single = torch.stack([criterion(p, dataset.targets) for p in predictions])
    assert torch.equal(block, single), np.flatnonzero((block != single).numpy())

