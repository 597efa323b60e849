"""Write any config as the plain PyTorch script the lecture would show.

The script draws its random numbers in the same order as the app (seed, data, weights), so
running it prints the same losses as `run(config)` — a test checks that.
"""

from __future__ import annotations

from .config import Config
from .data import CORNERS, NINE_X, NINE_Y, TRUTH_TABLES
from . import components
from .model import layer_sizes
from .presets import DESCRIPTIONS, preset_name

PRINT_EVERY = 100


def export_script(config: Config) -> str:
    """A standalone script (imports torch only) that trains `config` and prints the loss every 100 steps."""
    if _is_lecture_linear_regression(config):
        return _header(config) + "\n" + _linear_regression_from_scratch(config)
    parts = [_header(config), f"torch.manual_seed({config.seed})\n", _data(config), _model(config),
             _training(config), _report(config)]
    return "\n".join(parts)


def _num(value: float) -> str:
    """1.0 -> '1', 0.0002 -> '0.0002': numbers as a person writes them in a script."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _rows(values) -> str:
    """Rows of floats as a literal: 0.0, not 0, so torch.tensor makes float32, not int64."""
    return "[" + ", ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in values) + "]"


def _header(config: Config) -> str:
    name = preset_name(config)
    title = DESCRIPTIONS[name] if name else "A custom MLP Lab experiment"
    query = "&".join(f"{k}={v}" for k, v in config.to_query().items())
    return (f'"""{title}.\n\nExported by MLP Lab; the app shows the same losses for these settings:\n'
            f'{query}\n"""\nimport torch\nimport torch.nn as nn\n\n'
            "# The app trains on one CPU thread. Matrix products sum in an order that depends on the\n"
            "# thread count, so with one thread here the printed losses equal the app's digit for digit.\n"
            "torch.set_num_threads(1)\n")


def _data(config: Config) -> str:
    data = config.data
    if data.dataset == "logic_gate":
        labels = [[v] for v in TRUTH_TABLES[data.gate]]
        if data.noise_std == 0:
            return f"X = torch.tensor({_rows(CORNERS)})\nY = torch.tensor({_rows(labels)})\n"
        return (f"# {data.n_samples} points in noisy clouds around the 4 corners of the unit square\n"
                f"corners = torch.tensor({_rows(CORNERS)})\nlabels = torch.tensor({_rows(labels)})\n"
                f"index = torch.arange({data.n_samples}) % 4\n"
                f"X = corners[index] + torch.randn({data.n_samples}, 2) * {_num(data.noise_std)}\n"
                f"Y = labels[index]\n")
    if data.dataset == "nine_points":
        return (f"X = torch.tensor({_rows([[v] for v in NINE_X])})\n"
                f"Y = torch.tensor({_rows([[v] for v in NINE_Y])})\n")
    return (f"# y = x² + 3 + noise, x ~ U(-{_num(data.x_limit)}, {_num(data.x_limit)}), noise ~ N(0, {_num(data.noise_std)}²)\n"
            f"X = (torch.rand({data.n_samples}, 1) * 2 - 1) * {_num(data.x_limit)}\n"
            f"noise = torch.randn({data.n_samples}, 1) * {_num(data.noise_std)}\n"
            f"Y = X ** 2 + 3 + noise  # train against the noisy targets\n")


def _model(config: Config) -> str:
    model = config.model
    sizes = layer_sizes(model, config.data.in_features)
    linear = "linear" if model.init == "randn" else "nn.Linear"
    lines = []
    for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        lines.append(f"    {linear}({n_in}, {n_out}),")
        activation = model.output_activation if index == len(sizes) - 2 else model.activation
        if components.ACTIVATIONS[activation].export:
            lines.append(f"    {components.ACTIVATIONS[activation].export},")
    helper = ""
    if model.init == "randn":
        helper = ("\n\ndef linear(n_in, n_out):\n"
                  '    """nn.Linear with every weight and bias drawn from randn (no default init)."""\n'
                  "    layer = torch.nn.utils.skip_init(nn.Linear, n_in, n_out)\n"
                  "    with torch.no_grad():\n"
                  "        layer.weight.copy_(torch.randn(n_out, n_in))\n"
                  "        layer.bias.copy_(torch.randn(n_out))\n"
                  "    return layer\n\n\n")
    return helper + "model = nn.Sequential(\n" + "\n".join(lines) + "\n)\n"


def _training(config: Config) -> str:
    training = config.training
    setup = (f"criterion = {components.LOSSES[training.loss].export}\n"
             f"optimizer = {components.OPTIMIZERS[training.optimizer].export(_num(training.learning_rate))}\n\n")
    if training.batch_size in (0, config.n_points):
        return setup + (f"for step in range({training.epochs}):\n"
                        "    hypothesis = model(X)\n"
                        "    cost = criterion(hypothesis, Y)\n"
                        "    optimizer.zero_grad()\n"
                        "    cost.backward()\n"
                        "    optimizer.step()\n"
                        f"    if step % {PRINT_EVERY} == 0:\n"
                        "        print(step, cost.item())\n")
    n, size = config.n_points, training.batch_size
    return setup + (f"shuffle = torch.Generator().manual_seed({config.seed + 1})  # batch order, apart from init\n"
                    f"for epoch in range({training.epochs}):\n"
                    f"    order = torch.randperm({n}, generator=shuffle)\n"
                    "    total = torch.zeros(())\n"
                    f"    for start in range(0, {n}, {size}):\n"
                    f"        index = order[start:start + {size}]\n"
                    "        cost = criterion(model(X[index]), Y[index])\n"
                    "        optimizer.zero_grad()\n"
                    "        cost.backward()\n"
                    "        optimizer.step()\n"
                    "        total += cost.detach() * len(index)\n"
                    f"    if epoch % {PRINT_EVERY} == 0:\n"
                    f"        print(epoch, (total / {n}).item())\n")


def _report(config: Config) -> str:
    if config.data.task == "regression":
        return ("with torch.no_grad():\n"
                "    print('Final loss:', criterion(model(X), Y).item())\n")
    show = config.n_points <= 16  # the 4-point truth table; clouds would flood the console
    return ("with torch.no_grad():\n"
            "    hypothesis = model(X)\n"
            "    predicted = (hypothesis > 0.5).float()\n"
            "    accuracy = (predicted == Y).float().mean()\n"
            + ("    print('\\nHypothesis:', hypothesis.squeeze(1).tolist())\n"
               "    print('Predicted:', predicted.squeeze(1).tolist())\n" if show else "")
            + "    print('Accuracy:', accuracy.item())\n")


def _is_lecture_linear_regression(config: Config) -> bool:
    """E7's shape: y = x*w + b with randn w, b and SSE — written with tensors, as the lecture does."""
    return (config.model.hidden_widths == () and config.model.init == "randn"
            and config.model.output_activation == "identity" and config.training.loss == "sse"
            and config.training.optimizer == "sgd" and config.training.batch_size in (0, config.n_points)
            and config.data.in_features == 1)


def _linear_regression_from_scratch(config: Config) -> str:
    training = config.training
    return (f"torch.manual_seed({config.seed})\n\n{_data(config)}\n"
            "# The modern form of the lecture's Variable(..., requires_grad=True)\n"
            "w = torch.randn(1, requires_grad=True)\n"
            "b = torch.randn(1, requires_grad=True)\n"
            f"learning_rate = {_num(training.learning_rate)}\n\n"
            f"for step in range({training.epochs}):\n"
            "    prediction = X * w + b\n"
            "    cost = ((prediction - Y) ** 2).sum()  # sum of squared errors\n"
            "    cost.backward()\n"
            "    with torch.no_grad():  # the update by hand, outside the graph\n"
            "        w -= learning_rate * w.grad\n"
            "        b -= learning_rate * b.grad\n"
            "    w.grad.zero_()\n"
            "    b.grad.zero_()\n"
            f"    if step % {PRINT_EVERY} == 0:\n"
            "        print(step, cost.item())\n\n"
            "print('w =', w.item(), 'b =', b.item())\n")
