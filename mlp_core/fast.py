"""The fast path: forward and backward written out by hand, no autograd, no allocation per step.

For the lecture's tiny networks the plain loop's time goes to framework overhead, not arithmetic:
an autograd graph built and walked every step, a fresh tensor for every intermediate, zero_grad,
an optimizer looping over parameters in Python. Here an epoch is a fixed list of kernel calls,
their arguments bound once to tensors allocated once (~2 µs a call on a tiny net):

    forward    z = b + h·Wᵀ (the addmm that nn.Linear calls), the activation applied in place
    loss       dL/dprediction with the arithmetic of autograd's formula; the loss's value from
               torch's own kernel, later, on a block of stored predictions (PredictionHistory)
    backward   per layer, last first: dL/dz = activation'·dL/da (the ATen kernel autograd calls),
               dL/dW = (dL/dz)ᵀ·h,  dL/db = Σ_rows dL/dz,  dL/dh = dL/dz·W
    update     SGD, momentum, RMSprop or Adam with torch.optim's arithmetic (mlp_core/flat_optimizers.py),
               once, on one flat vector that holds every parameter (W and b of each layer are views
               into it, each on a 64-byte boundary)

Every layer's call is the kernel autograd would call, on the same shapes, strides and alignments, in
the same order (tests/test_same_calls.py compares the two traces call by call, which holds on any
CPU); the loss's gradient has autograd's arithmetic, and the optimizers' elementwise kernels give the
same values on one flat vector as on each parameter. So a run's losses equal the autograd loop's bit
for bit (tests/test_fast.py and tests/test_presets_exact.py compare the values, also under lower
ATEN_CPU_CAPABILITY levels: tests/test_cpu_capabilities.py).

The same code trains S networks at once (a seed sweep) when every tensor has a leading seed
dimension: addmm becomes baddbmm and mm becomes bmm. Those batched kernels add up dot products in
another order than addmm's BLAS call, so a sweep matches `run` to float32 rounding, not to the bit
(mlp_core/sweeps.py says where that rounding shows).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Callable, NamedTuple, Sequence

import torch
from torch import Tensor, nn

from . import components
from .config import Config
from .data import Dataset
from .flat_optimizers import OPTIMIZERS  # torch.optim's arithmetic on the flat vector
from .model import layer_sizes, linear_layers

Call = Callable[[], object]  # a kernel call with its arguments bound: calling it costs ~2 µs, in C++
_aten = torch.ops.aten  # the backward kernels autograd calls; `.grad_input` variants write into a buffer


class Activation(NamedTuple):
    """The kernels of one activation (from its record in mlp_core.components), bound to buffers.

    An activation whose derivative is a function of its output (sigmoid, tanh, relu, leaky relu)
    runs in place: one buffer per layer holds z and then a, and the backward reads a. One whose
    derivative needs z (softplus, GELU, SiLU) keeps z in a buffer of its own (`saves_input`)."""

    forward: Callable[[Tensor, Tensor], Call]  # (z, a) -> the bound call writing a (z is a when in place)
    backward: Callable[[Tensor, Tensor], Call]  # (dL/da, a or z) -> the bound call writing dL/dz over dL/da
    saves_input: bool


def _function(name: str) -> Callable[..., object]:
    """torch's C binding of an ATen function (torch.sigmoid_, torch._C._nn.gelu, ...): ~1 µs a call."""
    return getattr(torch, name, None) or getattr(torch._C._nn, name)


def fast_activation(spec: components.Activation) -> Activation | None:
    """The fast engine's calls for one registry entry; None for identity (no module)."""
    if spec.module is None:
        return None
    args, keywords = spec.kernel_args, dict(spec.keywords)
    backward = getattr(_aten, spec.backward).grad_input
    saves_input = spec.saves == "input"
    if saves_input:
        kernel = _function(spec.kernel)
        forward = lambda z, a: partial(kernel, z, *args, **keywords, out=a)  # noqa: E731
    else:
        in_place = _function(spec.kernel + "_")
        forward = lambda z, a: partial(in_place, z, *args, **keywords)  # noqa: E731
    return Activation(forward, lambda grad, saved: partial(backward, grad, saved, *spec.backward_args,
                                                           **keywords, grad_input=grad), saves_input)


ACTIVATIONS: dict[str, Activation | None] = {name: fast_activation(spec)
                                             for name, spec in components.ACTIVATIONS.items()}

REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}  # torch's loss kernels take the reduction as a number


def _bce(prediction: Tensor, target: Tensor, reduction: int) -> Tensor:
    return torch._C._nn.binary_cross_entropy(prediction, target, None, reduction)  # log clamped at -100


# (prediction, target, reduction) -> loss: the kernels nn.BCELoss, MSELoss, L1Loss call
LOSS_KERNELS = {"bce": _bce, "mse": torch._C._nn.mse_loss, "sse": torch._C._nn.mse_loss,
                "l1": torch._C._nn.l1_loss}


def loss_value(name: str, prediction: Tensor, target: Tensor, per_network: bool) -> Tensor:
    """The loss as nn.BCELoss / MSELoss / L1Loss / MSELoss(sum) computes it: 0-d, or with
    `per_network` one value per network of a sweep (the same sums, over each network's points)."""
    if not per_network:
        return LOSS_KERNELS[name](prediction, target, REDUCTIONS["sum" if name == "sse" else "mean"])
    per_point = LOSS_KERNELS[name](prediction, target, REDUCTIONS["none"])
    return per_point.sum((-2, -1)) if name == "sse" else per_point.mean((-2, -1))


def loss_gradient(name: str, batch: Batch, per_network: bool) -> list[Call]:
    """Calls that write dL/dprediction into batch.dz[-1] with the arithmetic of autograd's formula."""
    prediction, target, out = batch.z[-1], batch.targets, batch.dz[-1]
    if name == "bce":  # binary_cross_entropy_backward: (x - y) / max(x(1 - x), 1e-12), then / n
        if not per_network:
            return [partial(_aten.binary_cross_entropy_backward.grad_input, batch.one, prediction, target, None,
                            REDUCTIONS["mean"], grad_input=out)]
        return [partial(_aten.binary_cross_entropy_backward.grad_input, batch.ones, prediction, target, None,
                        REDUCTIONS["none"], grad_input=out),
                partial(out.div_, batch.rows)]  # what the kernel does for "mean", with each network's n
    calls = [partial(torch.sub, prediction, target, out=out)]
    if name == "l1":  # abs's backward is sign (0 at 0), mean's is 1/n as a float32 division
        return calls + [out.sign_, partial(out.mul_, batch.inverse_rows)]
    return calls + [partial(out.mul_, 2.0 if name == "sse" else 2.0 / batch.rows)]  # mse_loss_backward


def loss_per_network(name: str, prediction: Tensor, target: Tensor) -> Tensor:
    """One loss per network (over the last two dims), NaN for a network whose prediction is NaN:
    bce's kernel raises on one (on CUDA it even kills the CUDA context), and the others must go on."""
    if name != "bce":
        return loss_value(name, prediction, target, per_network=True)
    loss = loss_value(name, prediction.nan_to_num(0.5), target, per_network=True)
    return loss.masked_fill_(prediction.isnan().any(-2).squeeze(-1), math.nan)


class LossHistory:
    """Every epoch's loss, (epochs,) or (epochs, seeds) float32, turned into numbers only when read.

    `append` keeps the epoch's loss tensor; `read` stacks what came since the last read in one
    call (a sync point on a GPU), so the steps in between never wait for a number.
    """

    def __init__(self, epochs: int, seed_shape: tuple[int, ...] = (), device: str | torch.device = "cpu") -> None:
        self.values = torch.empty(epochs, *seed_shape, device=device)
        self.count = 0  # epochs whose loss is in `values`
        self._pending: list[Tensor] = []

    def append(self, loss: Tensor) -> None:
        self._pending.append(loss)

    def read(self) -> Tensor:
        """The losses of every epoch so far."""
        if self._pending:
            self._store(torch.stack(self._pending))
            self._pending.clear()
        return self.values[:self.count]

    def _store(self, block: Tensor) -> None:
        self.values[self.count:self.count + len(block)] = block
        self.count += len(block)


class PredictionHistory(LossHistory):
    """For full batches: `record` copies the step's prediction into a slot (~1 µs); the loss kernel
    runs later on a block of slots at once. One call on a tiny net costs ~10 µs, almost all of it
    fixed overhead, so this saves most of it; the per-network sums are the same, bit for bit."""

    def __init__(self, epochs: int, loss: str, prediction: Tensor, targets: Tensor) -> None:
        super().__init__(epochs, prediction.shape[:-2], prediction.device)
        slots = max(1, min(1024, 2**16 // prediction.numel()))  # at most 256 KiB of predictions
        self.buffer = prediction.new_empty(slots, *prediction.shape)
        self._copies = [partial(slot.copy_, prediction) for slot in self.buffer]  # bound once
        self.targets, self.loss, self.filled = targets.expand_as(self.buffer), loss, 0

    def record(self) -> None:
        self._copies[self.filled]()
        self.filled += 1
        if self.filled == len(self._copies):
            self.read()

    def read(self) -> Tensor:
        if self.filled:
            self._store(loss_per_network(self.loss, self.buffer[:self.filled], self.targets[:self.filled]))
            self.filled = 0
        return self.values[:self.count]


class Batch:
    """Every tensor one forward and backward on `rows` points per network needs, allocated once,
    and the calls of one update on them (bound by FastTrainer)."""

    def __init__(self, inputs: Tensor, targets: Tensor, widths: Sequence[int], saves_input: Sequence[bool]) -> None:
        lead = inputs.shape[:-1]  # (rows,) for one network, (seeds, rows) for a sweep
        self.inputs, self.targets, self.rows = inputs, targets, inputs.shape[-2]
        self.z = [inputs.new_empty(*lead, width) for width in widths]  # each layer's output (activated in place)
        # z before the activation, for those whose backward reads it; else the same buffer as z
        self.pre = [inputs.new_empty(*lead, width) if keep else out for width, keep, out in zip(widths, saves_input, self.z)]
        self.dz = [inputs.new_empty(*lead, width) for width in widths]  # dL/dz of each layer
        self.one, self.ones = targets.new_ones(()), torch.ones_like(targets)  # dL/dL, overall and per point
        self.inverse_rows = inputs.new_ones(()) / self.rows  # mean's backward: 1/n, rounded as autograd does
        self.forward: list[Call] = []
        self.loss: Callable[[], Tensor | None] | None = None  # the loss of the last forward, or records it
        self.backward: list[Call] = []


ALIGNMENT = 16  # float32 elements in 64 bytes: where PyTorch's CPU allocator starts every tensor


def aligned_offsets(sizes: Sequence[int], alignment: int = ALIGNMENT) -> tuple[list[int], int]:
    """Where each of `sizes` starts in one flat vector, every start a multiple of `alignment`,
    and the vector's length.

    Alignment changes results, not only speed: on an AMD EPYC with AVX-512 (and with MKL held to
    AVX2 there), MKL's sgemm sums a product whose output C starts off a 16-byte boundary in
    another order, so E9's dL/dW written into an unaligned view differed in its last bit from
    autograd's, which mm writes into a fresh, aligned tensor; after ~1,700 Adam steps the losses
    were 0.4% apart. The elementwise kernels of the optimizers give the same values at any
    alignment and length (tests/test_fast.py checks both on the machine it runs on)."""
    offsets, end = [], 0
    for size in sizes:
        start = -(-end // alignment) * alignment
        offsets.append(start)
        end = start + size
    return offsets, -(-end // alignment) * alignment



class FastTrainer:
    """Trains one network (`batched=False`) or one per seed at once (`batched=True`), as `run` would.

    `models` and `datasets` come from build_model and make_dataset with each seed's generator; their
    weights are copied into one flat vector here and back with `sync_models`. `seeds` seed each
    network's mini-batch shuffling (seed + 1, as the trainer does). A sweep's tensors carry a
    leading seed dimension: W is (seeds, out, in), a batch of inputs (seeds, rows, in).
    """

    def __init__(self, config: Config, models: Sequence[nn.Sequential], datasets: Sequence[Dataset],
                 seeds: Sequence[int], *, batched: bool, device: str | torch.device = "cpu") -> None:
        if not batched and len(models) != 1:
            raise ValueError(f"one network without a seed dimension, not {len(models)}; use batched=True.")
        self.batched, self.loss = batched, config.training.loss
        self.sizes = layer_sizes(config.model, config.data.in_features)
        self.seed_shape = (len(models),) if batched else ()
        self._affine, self._matmul = (torch.baddbmm, torch.bmm) if batched else (torch.addmm, torch.mm)
        depth = len(self.sizes) - 1
        names = [config.model.activation] * (depth - 1) + [config.model.output_activation]
        self.activations = [ACTIVATIONS[name] for name in names]
        self.models = list(models)
        self._allocate_parameters(device)
        self._copy(into_models=False)
        training = config.training
        self.optimizer = OPTIMIZERS[training.optimizer](self.flat, self.flat_grad, training.learning_rate)
        inputs = self._stack([d.inputs for d in datasets], device)
        targets = self._stack([d.targets for d in datasets], device)
        self.n = inputs.shape[-2]
        self.full = self._batch(inputs, targets)
        self._outputs_current = True
        self.batch_size = None if training.batch_size in (0, self.n) else training.batch_size
        if self.batch_size is None:  # the full batch's loss is computed later, in blocks
            self.history: LossHistory = PredictionHistory(training.epochs, self.loss, self.full.z[-1], targets)
            self.full.loss = self.history.record
        else:
            self.history = LossHistory(training.epochs, self.seed_shape, device)
            self.shufflers = [torch.Generator().manual_seed(seed + 1) for seed in seeds]
            self.batches = {rows: self._batch(inputs.new_empty(*self.seed_shape, rows, inputs.shape[-1]),
                                              targets.new_empty(*self.seed_shape, rows, 1))
                            for rows in {self.batch_size, self.n % self.batch_size or self.batch_size}}

    def _stack(self, tensors: Sequence[Tensor], device) -> Tensor:
        return (torch.stack(tensors) if self.batched else tensors[0]).to(device)

    def _allocate_parameters(self, device) -> None:
        """One flat vector for all parameters (and one for their gradients); W and b are views,
        each starting on a 64-byte boundary, as a tensor of its own would (`aligned_offsets`)."""
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        shapes = [(*self.seed_shape, *shape) for n_in, n_out in pairs for shape in ((n_out, n_in), (1, n_out))]
        offsets, count = aligned_offsets([math.prod(shape) for shape in shapes])
        self.flat = torch.zeros(count, device=device)  # the padding stays 0: its updates are 0 too
        self.flat_grad = torch.zeros_like(self.flat)
        self.weights, self.biases, self.weight_grads, self.bias_grads = [], [], [], []
        for index, (shape, offset) in enumerate(zip(shapes, offsets)):
            params, grads = (self.weights, self.weight_grads) if index % 2 == 0 else (self.biases, self.bias_grads)
            end = offset + math.prod(shape)
            params.append(self.flat[offset:end].view(shape))
            grads.append(self.flat_grad[offset:end].view(shape))
        self.weights_t = [w.mT for w in self.weights]  # (in, out): what nn.Linear hands to addmm

    def sync_models(self) -> None:
        """Write the current weights into the models (seed s into model s): for snapshots, the result."""
        self._copy(into_models=True)

    @torch.no_grad()
    def _copy(self, into_models: bool) -> None:
        for index, model in enumerate(self.models):
            for layer, weight, bias in zip(linear_layers(model), self.weights, self.biases):
                if self.batched:
                    weight, bias = weight[index], bias[index]
                for theirs, ours in ((layer.weight, weight), (layer.bias, bias.view(-1))):
                    if into_models:
                        theirs.copy_(ours)
                    else:
                        ours.copy_(theirs)

    def _batch(self, inputs: Tensor, targets: Tensor) -> Batch:
        """Buffers for these inputs, and the calls of forward, loss and backward bound to them."""
        batch = Batch(inputs, targets, self.sizes[1:], [bool(a and a.saves_input) for a in self.activations])
        h = batch.inputs
        for weight_t, bias, pre, z, activation in zip(self.weights_t, self.biases, batch.pre, batch.z,
                                                      self.activations):
            bias = bias if self.batched else bias.view(-1)  # nn.Linear's (out,) bias, the same memory
            batch.forward.append(partial(self._affine, bias, h, weight_t, out=pre))  # z = b + h·Wᵀ, as nn.Linear
            if activation:
                batch.forward.append(activation.forward(pre, z))
            h = z
        batch.loss = partial(loss_per_network, self.loss, batch.z[-1], batch.targets)
        batch.backward = loss_gradient(self.loss, batch, self.batched) + self._backward_calls(batch)
        return batch

    def _backward_calls(self, batch: Batch) -> list[Call]:
        """From dL/da of the last layer to every parameter's gradient, the last layer first."""
        calls: list[Call] = []
        for index in reversed(range(len(self.weights))):
            dz, activation = batch.dz[index], self.activations[index]
            if activation:  # dL/da -> dL/dz, in place, from a (or z where the derivative needs it)
                calls.append(activation.backward(dz, batch.pre[index] if activation.saves_input else batch.z[index]))
            # in autograd's order (addmm's backward: input, weight, bias), so a trace compares call by call
            if index:  # the data's own gradient is never needed (autograd skips it too)
                calls.append(partial(self._matmul, dz, self.weights[index], out=batch.dz[index - 1]))
            h = batch.z[index - 1] if index else batch.inputs
            calls.append(partial(self._matmul, dz.mT, h, out=self.weight_grads[index]))  # (out, rows)·(rows, in)
            calls.append(partial(torch.sum, dz, dz.dim() - 2, keepdim=True, out=self.bias_grads[index]))
        return calls

    def forward(self, batch: Batch) -> Tensor:
        """The network's output for `batch.inputs`, left in `batch.z[-1]`."""
        for call in batch.forward:
            call()
        return batch.z[-1]

    def update(self, batch: Batch) -> Tensor | None:
        """One update: forward, loss, backward, step (the lecture's loop; no zero_grad: gradients
        are written, not accumulated). Returns the loss before the update, or None where the
        history records the prediction instead (the full batch)."""
        for call in batch.forward:
            call()
        loss = batch.loss()
        for call in batch.backward:
            call()
        self.optimizer.step()
        return loss

    def epoch(self) -> None:
        """One epoch, its loss kept in `history`: one full-batch update, or shuffled mini-batches
        (the epoch's loss is their size-weighted mean, as the autograd trainer computes it)."""
        if self.batch_size is None:
            self.update(self.full)
            return
        self._outputs_current = False
        order = self._shuffle()
        total = self.flat.new_zeros(self.seed_shape)
        for start in range(0, self.n, self.batch_size):
            index = order[..., start:start + self.batch_size]
            batch = self.batches[index.shape[-1]]
            self._gather(index, batch)
            total += self.update(batch) * index.shape[-1]
        self.history.append(total / self.n)

    def _shuffle(self) -> Tensor:
        """Each network's order of the points for this epoch, from its own generator."""
        orders = [torch.randperm(self.n, generator=g) for g in self.shufflers]
        return torch.stack(orders).to(self.flat.device) if self.batched else orders[0]

    def _gather(self, index: Tensor, batch: Batch) -> None:
        if self.batched:
            torch.gather(self.full.inputs, 1, index.unsqueeze(-1).expand(-1, -1, self.sizes[0]), out=batch.inputs)
            torch.gather(self.full.targets, 1, index.unsqueeze(-1), out=batch.targets)
        else:
            torch.index_select(self.full.inputs, 0, index, out=batch.inputs)
            torch.index_select(self.full.targets, 0, index, out=batch.targets)

    def outputs(self) -> Tensor:
        """The output on all training points: from the last full-batch forward (before its update),
        or, with mini-batches, a forward after the epoch, as the autograd trainer reports it."""
        if not self._outputs_current:
            self.forward(self.full)
            self._outputs_current = True
        return self.full.z[-1]

    def predict(self, inputs: Tensor) -> Tensor:
        """The output for any inputs (a grid: (points, in), or (seeds, points, in) for a sweep)."""
        inputs = inputs.to(self.flat.device)
        return self.forward(self._batch(inputs, inputs.new_empty(*inputs.shape[:-1], 1)))
