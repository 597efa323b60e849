"""Write any config as the plain PyTorch script the lecture would show.

The script draws its random numbers in the same order as the app (seed, data, weights), so
running it prints the same losses as `run(config)` — a test checks that.

Its comments (and docstrings) are in the language current when it is written (mlp_core/i18n.py), as
the lecture's own scripts are commented in Korean; the code is the same in every language.
"""

from __future__ import annotations

import unicodedata

from .config import Config
from .data import CORNERS, NINE_X, NINE_Y, TRUTH_TABLES
from . import components
from .i18n import _ as translate
from .model import layer_sizes
from .presets import DESCRIPTIONS, preset_name

PRINT_EVERY = 100
COMMENT_WIDTH = 92  # a comment of several lines is wrapped at this many columns


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


def _(message: str, /, **values) -> str:
    """A message for a comment or a docstring, in the current language, kept on one line and free of
    backslashes and triple quotes, so that no translation can change what the script runs."""
    text = translate(message, **values)
    return " ".join(text.split()).replace("\\", "/").replace('"""', '"')


def _comment(text: str) -> str:
    """`text` as comment lines at most COMMENT_WIDTH columns wide (a Hangul syllable takes two), each
    ending with a newline."""
    lines, line = [], ""
    for word in text.split():
        if line and _columns(f"# {line} {word}") > COMMENT_WIDTH:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "".join(f"# {line}\n" for line in lines + [line])


def _columns(text: str) -> int:
    """How many columns `text` takes in an editor: wide (East Asian) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _header(config: Config) -> str:
    name = preset_name(config)
    title = _(DESCRIPTIONS[name]) if name else _("A custom MLP Lab experiment")
    query = "&".join(f"{k}={v}" for k, v in config.to_query().items())
    exported = _("Exported by MLP Lab; the app shows the same losses for these settings:")
    return (f'"""{title}.\n\n{exported}\n'
            f'{query}\n"""\nimport torch\nimport torch.nn as nn\n\n'
            + _comment(_("The app trains on one CPU thread. Matrix products sum in an order that depends on the "
                         "thread count, so with one thread here the printed losses equal the app's digit for digit."))
            + "torch.set_num_threads(1)\n")


def _data(config: Config) -> str:
    data = config.data
    if data.points is not None:
        own = ngettext_own(len(data.points), data.points.digest[:12])
        return (f"# {own}\n"
                f"X = torch.tensor({_rows(data.points.inputs)})\n"
                f"Y = torch.tensor({_rows(data.points.targets)})\n")
    if data.dataset == "logic_gate":
        labels = [[v] for v in TRUTH_TABLES[data.gate]]
        if data.noise_std == 0:
            return f"X = torch.tensor({_rows(CORNERS)})\nY = torch.tensor({_rows(labels)})\n"
        clouds = _("{n} points in noisy clouds around the 4 corners of the unit square", n=data.n_samples)
        return (f"# {clouds}\n"
                f"corners = torch.tensor({_rows(CORNERS)})\nlabels = torch.tensor({_rows(labels)})\n"
                f"index = torch.arange({data.n_samples}) % 4\n"
                f"X = corners[index] + torch.randn({data.n_samples}, 2) * {_num(data.noise_std)}\n"
                f"Y = labels[index]\n")
    if data.dataset == "nine_points":
        return (f"X = torch.tensor({_rows([[v] for v in NINE_X])})\n"
                f"Y = torch.tensor({_rows([[v] for v in NINE_Y])})\n")
    if data.target == "square":
        drawn = _("y = x² + 3 + noise, x ~ U(-{limit}, {limit}), noise ~ N(0, {std}²)", limit=_num(data.x_limit),
                  std=_num(data.noise_std))
    else:
        drawn = _("y = f(x) + noise, f(x) = {curve}, x ~ U(-{limit}, {limit}), noise ~ N(0, {std}²)",
                  curve=curve_formula(data), limit=_num(data.x_limit), std=_num(data.noise_std))
    return (f"# {drawn}\n"
            + ("import math\n\n" if data.target == "sin" else "")
            + f"X = (torch.rand({data.n_samples}, 1) * 2 - 1) * {_num(data.x_limit)}\n"
            f"noise = torch.randn({data.n_samples}, 1) * {_num(data.noise_std)}\n"
            f"Y = {_TARGET_CODE[data.target](data.x_limit)} + noise  # {_('train against the noisy targets')}\n")


# The true curves as the script writes them: the operations and constants of mlp_core.data.true_curve.
_TARGET_CODE = {
    "square": lambda limit: "X ** 2 + 3",
    "cube": lambda limit: f"X ** 3 / {float(limit)!r}",
    "sin": lambda limit: f"torch.sin(X * (2 * math.pi / {float(limit)!r})) * {float(limit) ** 2 / 2!r}",
    "abs": lambda limit: f"X.abs() * {float(limit)!r}",
    "step": lambda limit: f"(X >= 0).float() * {float(limit) ** 2!r}",
}


def curve_formula(data) -> str:
    """The target function as a person writes it, with the x range's numbers: 'x³/10', '50·sin(2πx/10)'."""
    limit = _num(data.x_limit)
    return {"square": "x² + 3", "cube": f"x³/{limit}", "sin": f"{_num(data.x_limit ** 2 / 2)}·sin(2πx/{limit})",
            "abs": f"{limit}·|x|", "step": f"0 (x < 0), {_num(data.x_limit ** 2)} (x ≥ 0)"}[data.target]


def ngettext_own(count: int, digest: str) -> str:
    """The comment over one's own points in the script (always at least 4: owndata.MIN_POINTS)."""
    return _("Your data: {count} points (data set {digest}), as uploaded or edited in the app", count=count,
             digest=digest)


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
                  f'    """{_("nn.Linear with every weight and bias drawn from randn (no default init).")}"""\n'
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
    n, size, apart = config.n_points, training.batch_size, _("batch order, apart from init")
    return setup + (f"shuffle = torch.Generator().manual_seed({config.seed + 1})  # {apart}\n"
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
            + _comment(_("The modern form of the lecture's Variable(..., requires_grad=True)")) +
            "w = torch.randn(1, requires_grad=True)\n"
            "b = torch.randn(1, requires_grad=True)\n"
            f"learning_rate = {_num(training.learning_rate)}\n\n"
            f"for step in range({training.epochs}):\n"
            "    prediction = X * w + b\n"
            f"    cost = ((prediction - Y) ** 2).sum()  # {_('sum of squared errors')}\n"
            "    cost.backward()\n"
            f"    with torch.no_grad():  # {_('the update by hand, outside the graph')}\n"
            "        w -= learning_rate * w.grad\n"
            "        b -= learning_rate * b.grad\n"
            "    w.grad.zero_()\n"
            "    b.grad.zero_()\n"
            f"    if step % {PRINT_EVERY} == 0:\n"
            "        print(step, cost.item())\n\n"
            "print('w =', w.item(), 'b =', b.item())\n")
