"""The lecture's experiments as named configs (E1–E3 and E7–E9, as the README's preset table lists them).

`DESCRIPTIONS` and `TITLES` hold English messages marked for the catalogs (mlp_core/i18n.py): show
them with `_(DESCRIPTIONS[name])`, in the reader's language."""

from __future__ import annotations

from types import MappingProxyType

from .config import Config, DataConfig, ModelConfig, TrainingConfig
from .i18n import N_


def _xor_mlp(hidden_widths: tuple[int, ...]) -> Config:
    """E1/E2: seed 777, BCE, SGD(lr=1), 10001 full-batch steps, Sigmoid everywhere."""
    return Config(
        data=DataConfig(dataset="logic_gate", gate="xor"),
        model=ModelConfig(hidden_widths=hidden_widths, activation="sigmoid", output_activation="sigmoid"),
        training=TrainingConfig(loss="bce", optimizer="sgd", learning_rate=1.0, epochs=10001),
        seed=777,
    )


def _perceptron(gate: str) -> Config:
    """E3: Linear(2, 1) + Sigmoid, trained like E1."""
    return _xor_mlp(()).replace(gate=gate)


PRESETS: MappingProxyType[str, Config] = MappingProxyType({
    "xor-2-2-1": _xor_mlp((2,)),
    "xor-2-10-10-10-1": _xor_mlp((10, 10, 10)),
    "perceptron-and": _perceptron("and"),
    "perceptron-or": _perceptron("or"),
    "perceptron-xor": _perceptron("xor"),
    # E7: y = x*w + b on nine points, w and b from randn, sum of squared errors, updates by hand.
    "linear-regression-9-points": Config(
        data=DataConfig(dataset="nine_points"),
        model=ModelConfig(hidden_widths=(), output_activation="identity", init="randn"),
        training=TrainingConfig(loss="sse", optimizer="sgd", learning_rate=0.001, epochs=1000),
        seed=777,
    ),
    # E8: 1000 points, x ~ U(-10, 10), noise std 1; 1-2-3-4-1 ReLU; L1; SGD(lr=0.0002).
    "quadratic-small-sgd": Config(
        data=DataConfig(dataset="quadratic", n_samples=1000, x_limit=10.0, noise_std=1.0),
        model=ModelConfig(hidden_widths=(2, 3, 4), activation="relu", output_activation="identity"),
        training=TrainingConfig(loss="l1", optimizer="sgd", learning_rate=0.0002, epochs=10000),
        seed=777,
    ),
    # E9: x ~ U(-15, 15), noise std 5; 1-100-10-6-1 ReLU; L1; Adam(lr=0.0002).
    "quadratic-wide-adam": Config(
        data=DataConfig(dataset="quadratic", n_samples=1000, x_limit=15.0, noise_std=5.0),
        model=ModelConfig(hidden_widths=(100, 10, 6), activation="relu", output_activation="identity"),
        training=TrainingConfig(loss="l1", optimizer="adam", learning_rate=0.0002, epochs=10000),
        seed=777,
    ),
})

DESCRIPTIONS = MappingProxyType({
    "xor-2-2-1": N_("E1 · XOR with one hidden layer of 2 sigmoid units (2-2-1)"),
    "xor-2-10-10-10-1": N_("E2 · XOR with three hidden layers of 10 (2-10-10-10-1): a long plateau at ln 2"),
    "perceptron-and": N_("E3 · single-layer perceptron on AND: solved"),
    "perceptron-or": N_("E3 · single-layer perceptron on OR: solved"),
    "perceptron-xor": N_("E3 · single-layer perceptron on XOR: no line separates the classes"),
    "linear-regression-9-points": N_("E7 · linear regression from scratch on nine points"),
    "quadratic-small-sgd": N_("E8 · y = x² + 3 + noise, small 1-2-3-4-1 ReLU net, SGD"),
    "quadratic-wide-adam": N_("E9 · y = x² + 3 + noise (std 5), wide 1-100-10-6-1 ReLU net, Adam"),
})


TITLES = MappingProxyType({  # short enough for a sidebar selector
    "xor-2-2-1": N_("E1 · XOR, MLP 2-2-1"),
    "xor-2-10-10-10-1": N_("E2 · XOR, deep 2-10-10-10-1"),
    "perceptron-and": N_("E3 · perceptron, AND"),
    "perceptron-or": N_("E3 · perceptron, OR"),
    "perceptron-xor": N_("E3 · perceptron, XOR"),
    "linear-regression-9-points": N_("E7 · linear regression, 9 points"),
    "quadratic-small-sgd": N_("E8 · quadratic, small net, SGD"),
    "quadratic-wide-adam": N_("E9 · quadratic, wide net, Adam"),
})


def preset_name(config: Config) -> str | None:
    """The name of the preset equal to this config, if any."""
    return next((name for name, preset in PRESETS.items() if preset == config), None)

# What the server trains in the background when it starts (ui/live.py, `warm_up`), in this order:
# every training page's default first (Perceptron & XOR, Quadratic regression), then the other
# presets those pages offer, so that the students who open the link find them in the run store.
WARM_UP = ("xor-2-2-1", "quadratic-wide-adam", "xor-2-10-10-10-1", "perceptron-and", "perceptron-or",
           "perceptron-xor", "quadratic-small-sgd")
