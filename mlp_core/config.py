"""Experiment configs: one frozen dataclass per experiment, driven by one field table.

The table `FIELDS` is the single source of truth for every tunable value: its type, default,
allowed range or choices, label and help text. Validation, the flat query-string / JSON
serialisation and the ranges of the app's controls all read it, so adding a field is adding
one row here and one attribute on the section dataclass.

A `Config` is made of three sections plus the seed:

    Config(data=DataConfig(...), model=ModelConfig(...), training=TrainingConfig(...), seed=777)

Every section validates itself on construction and raises `ValueError` with a message that
names the field, the value and what is allowed, in the reader's language (mlp_core/i18n.py; labels
and help are marked here and translated by `field_label` and `field_help`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

from . import components
from .fields import Field, check_value, format_text, parse_text, shown_help, shown_label
from .i18n import N_, _
from .owndata import PointSet

DATASETS = ("logic_gate", "quadratic", "nine_points")
GATES = ("and", "or", "xor")
TARGETS = ("square", "cube", "sin", "abs", "step")  # the function the "quadratic" dataset samples
ACTIVATIONS = tuple(components.ACTIVATIONS)  # every choice comes from the registry
LOSSES = tuple(components.LOSSES)
OPTIMIZERS = tuple(components.OPTIMIZERS)
INITS = ("default", "randn")

MAX_HIDDEN_LAYERS = 8
MAX_WIDTH = 256


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("dataset", "data", str, "logic_gate", N_("Dataset"),
              N_("What the network learns: a logic gate, y = x² + 3 + noise, or the 9 points of the "
                 "linear-regression example."), choices=DATASETS),
        Field("gate", "data", str, "xor", N_("Logic gate"),
              N_("Which truth table the 4 corners of the unit square carry."), choices=GATES),
        Field("target", "data", str, "square", N_("Target function"),
              N_("The function the regression data is drawn from, plus noise. Scaled to the x range L: "
                 "x² + 3, x³/L, (L²/2)·sin(2πx/L), L·|x|, or a step from 0 to L² at x = 0."), choices=TARGETS),
        Field("points", "data", PointSet, None, N_("Your data"),
              N_("Points of your own (an uploaded CSV or an edited table): when set, they are the data, and "
                 "the dataset's other settings are not used.")),
        Field("n_samples", "data", int, 1000, N_("Number of samples"),
              N_("Points in the data set (quadratic data, or noisy gate clouds)."), low=4, high=5000),
        Field("noise_std", "data", float, 0.0, N_("Noise std"),
              N_("Standard deviation of the Gaussian noise: added to y for the quadratic, to the "
                 "corners for noisy gates (0 = the exact 4 points)."), low=0.0, high=20.0),
        Field("x_limit", "data", float, 10.0, N_("x range (±)"),
              N_("The quadratic's x is drawn uniformly from [−x_limit, x_limit]."), low=0.5, high=50.0),
        Field("hidden_widths", "model", tuple, (2,), N_("Hidden layers"),
              N_("Width of each hidden layer; no hidden layer is the single-layer perceptron."),
              low=1, high=MAX_WIDTH, max_length=MAX_HIDDEN_LAYERS),
        Field("activation", "model", str, "sigmoid", N_("Activation"),
              N_("Non-linearity after every hidden layer."), choices=ACTIVATIONS),
        Field("output_activation", "model", str, "sigmoid", N_("Output activation"),
              N_("Applied to the last layer: sigmoid gives a probability for BCE, identity a real "
                 "number for regression."), choices=ACTIVATIONS),
        Field("init", "model", str, "default", N_("Initialisation"),
              N_("PyTorch's default (Kaiming-uniform) initialisation, or every weight and bias drawn "
                 "from randn as in the linear-regression-from-scratch example."), choices=INITS),
        Field("loss", "training", str, "bce", N_("Loss function"),
              N_("bce: binary cross-entropy; mse: mean squared error; l1: mean absolute error; "
                 "sse: sum of squared errors."), choices=LOSSES),
        # The help lists the registry's optimizers (translated by `field_help`, entry by entry).
        Field("optimizer", "training", str, "sgd", N_("Optimizer"),
              "; ".join(f"{o.name}: {o.description}" for o in components.OPTIMIZERS.values()) + ".",
              choices=OPTIMIZERS),
        Field("learning_rate", "training", float, 1.0, N_("Learning rate"),
              N_("Step size of each update. Too large and the loss diverges."), low=1e-5, high=100.0,
              log_scale=True),
        Field("epochs", "training", int, 10001, N_("Epochs"),
              N_("Passes over the data (one update each with full batches)."), low=1, high=100_000),
        Field("batch_size", "training", int, 0, N_("Batch size"),
              N_("Samples per update; 0 means the full batch, as in the lecture."), low=0, high=5000),
        Field("seed", "", int, 777, N_("Seed"),
              N_("Seeds the data and the initial weights: the same seed gives the same run."),
              low=0, high=2**31 - 1),
    )
}


def field_label(name: str) -> str:
    """A field's label in the reader's language."""
    return shown_label(FIELDS[name])


def field_help(name: str) -> str:
    """A field's help text in the reader's language (the optimizer's: each registry entry's description)."""
    if name == "optimizer":
        return "; ".join(f"{o.name}: {_(o.description)}" for o in components.OPTIMIZERS.values()) + "."
    return shown_help(FIELDS[name])


def _check(name: str, value: Any) -> Any:
    """Validate one value against its field; return it normalised (ints as int, tuples as tuple)."""
    return check_value(FIELDS[name], value)


def _validate_section(obj: Any) -> None:
    for f in fields(obj):
        object.__setattr__(obj, f.name, _check(f.name, getattr(obj, f.name)))


def _default(name: str) -> Any:
    return field(default=FIELDS[name].default)


@dataclass(frozen=True)
class DataConfig:
    """What the network learns. Fields that a dataset does not use are ignored by it."""

    dataset: str = _default("dataset")
    gate: str = _default("gate")
    n_samples: int = _default("n_samples")
    noise_std: float = _default("noise_std")
    x_limit: float = _default("x_limit")
    target: str = _default("target")
    points: PointSet | None = _default("points")

    def __post_init__(self) -> None:
        _validate_section(self)
        if self.points is not None and (self.points.kind == "labels") != (self.dataset == "logic_gate"):
            raise ValueError(_("points of kind {kind} do not fit dataset = {dataset}: labelled points (x1, x2, "
                               "label) replace a logic gate, points (x, y) a regression's data.",
                               kind=repr(self.points.kind), dataset=repr(self.dataset)))

    @property
    def task(self) -> str:
        """'classification' for logic gates (and labelled points of one's own), 'regression' otherwise."""
        return "classification" if self.dataset == "logic_gate" else "regression"

    @property
    def in_features(self) -> int:
        return 2 if self.dataset == "logic_gate" else 1


@dataclass(frozen=True)
class ModelConfig:
    """The network: Linear layers of these hidden widths, each followed by `activation`."""

    hidden_widths: tuple[int, ...] = _default("hidden_widths")
    activation: str = _default("activation")
    output_activation: str = _default("output_activation")
    init: str = _default("init")

    def __post_init__(self) -> None:
        _validate_section(self)

    @property
    def depth(self) -> int:
        """Number of hidden layers (0 = single-layer perceptron)."""
        return len(self.hidden_widths)


@dataclass(frozen=True)
class TrainingConfig:
    """How the network learns: loss, optimizer, step size, number of epochs, batch size."""

    loss: str = _default("loss")
    optimizer: str = _default("optimizer")
    learning_rate: float = _default("learning_rate")
    epochs: int = _default("epochs")
    batch_size: int = _default("batch_size")

    def __post_init__(self) -> None:
        _validate_section(self)


_SECTIONS = {"data": DataConfig, "model": ModelConfig, "training": TrainingConfig}


@dataclass(frozen=True)
class Config:
    """One experiment: data, model, training and the seed. Frozen and hashable (a cache key)."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    seed: int = _default("seed")

    def __post_init__(self) -> None:
        for name, cls in _SECTIONS.items():
            if not isinstance(getattr(self, name), cls):
                raise ValueError(f"{name} must be a {cls.__name__}, not {type(getattr(self, name)).__name__}.")
        object.__setattr__(self, "seed", _check("seed", self.seed))
        self._check_combination()

    def _check_combination(self) -> None:
        """Rules that involve two fields; each message says what to change."""
        data, model, training = self.data, self.model, self.training
        if training.loss == "bce" and data.dataset != "logic_gate":
            raise ValueError(_("loss = 'bce' is for 0/1 labels (dataset = 'logic_gate'); for dataset = "
                               "{dataset} use 'l1', 'mse' or 'sse'.", dataset=repr(data.dataset)))
        if training.loss == "bce" and model.output_activation != "sigmoid":
            raise ValueError(_("loss = 'bce' needs output_activation = 'sigmoid' (binary cross-entropy "
                               "takes probabilities between 0 and 1), not {activation}.",
                               activation=repr(model.output_activation)))
        if training.batch_size > self.n_points:
            raise ValueError(_("batch_size = {batch_size} is larger than the data set ({points} points); "
                               "use 0 for the full batch.", batch_size=training.batch_size, points=self.n_points))

    @property
    def n_points(self) -> int:
        """How many training points the dataset has."""
        if self.data.points is not None:
            return len(self.data.points)
        if self.data.dataset == "logic_gate":
            return 4 if self.data.noise_std == 0 else self.data.n_samples
        return 9 if self.data.dataset == "nine_points" else self.data.n_samples

    # --- flat views: one key per field, as in a URL -----------------------------------------

    def to_flat(self) -> dict[str, Any]:
        """Every field by name with its plain value (widths as a tuple): a new dict each call."""
        flat = self.__dict__.get("_flat")
        if flat is None:  # a page asks ~40 times per visit: worked out once per (immutable) config
            flat = {name: getattr(self._section(spec), name) for name, spec in FIELDS.items()}
            object.__setattr__(self, "_flat", flat)
        return dict(flat)

    def _section(self, spec: Field) -> Any:
        return getattr(self, spec.section) if spec.section else self

    @classmethod
    def from_flat(cls, values: Mapping[str, Any], base: Config | None = None) -> Config:
        """Build from a flat mapping of field values; missing fields come from `base`."""
        unknown = sorted(set(values) - set(FIELDS))
        if unknown:
            raise ValueError(_("unknown setting(s): {names}; known: {known}.", names=", ".join(unknown),
                               known=", ".join(FIELDS)))
        merged = {**(base or cls()).to_flat(), **values}
        parts = {s: {n: merged[n] for n, f in FIELDS.items() if f.section == s} for s in _SECTIONS}
        return cls(**{s: _SECTIONS[s](**kw) for s, kw in parts.items()}, seed=merged["seed"])

    def replace(self, **changes: Any) -> Config:
        """A copy with some fields changed, by flat name: `config.replace(learning_rate=0.1)`."""
        return Config.from_flat(changes, base=self)

    def to_query(self) -> dict[str, str]:
        """The config as a flat dict of strings, for a URL query string."""
        return {name: format_value(name, value) for name, value in self.to_flat().items()}

    @classmethod
    def from_query(cls, params: Mapping[str, str], base: Config | None = None) -> Config:
        """Parse a flat dict of strings strictly: any bad value raises ValueError."""
        unknown = sorted(set(params) - set(FIELDS))
        if unknown:
            raise ValueError(_("unknown setting(s): {names}.", names=", ".join(unknown)))
        return cls.from_flat({k: parse_value(k, v) for k, v in params.items()}, base=base)

    def to_json(self) -> str:
        flat = self.to_flat()
        flat["points"] = None if flat["points"] is None else [flat["points"].kind, [list(r) for r in flat["points"].rows]]
        return json.dumps({k: list(v) if isinstance(v, tuple) else v for k, v in flat.items()})

    @classmethod
    def from_json(cls, text: str) -> Config:
        values = json.loads(text)
        if not isinstance(values, dict):
            raise ValueError(_("a config in JSON must be an object of field names to values."))
        if isinstance(values.get("hidden_widths"), list):
            values["hidden_widths"] = tuple(values["hidden_widths"])
        if isinstance(values.get("points"), list) and len(values["points"]) == 2:
            from .owndata import points_from_table
            values["points"] = points_from_table(values["points"][0], values["points"][1])
        return cls.from_flat(values)


def format_value(name: str, value: Any) -> str:
    """One field's value as it appears in a URL: widths as '100-10-6' (or 'none'), floats exactly."""
    return format_text(FIELDS[name], value)


def parse_value(name: str, text: str) -> Any:
    """Parse one URL string into the field's type; raise ValueError naming the field if it can't."""
    return parse_text(FIELDS[name], text)


def parse_query_lenient(params: Mapping[str, str], base: Config) -> tuple[Config, list[str]]:
    """Parse URL params, keeping every good value and falling back to `base` for bad ones.

    Returns the config and one message per value that was ignored (unknown names, wrong types,
    out-of-range numbers, combinations that don't fit). Never raises.
    """
    notices: list[str] = []
    good: dict[str, Any] = {}
    for key, text in params.items():
        if key not in FIELDS:
            notices.append(_("unknown setting {name} ignored.", name=repr(key)))
            continue
        try:
            good[key] = _check(key, parse_value(key, text))
        except ValueError as error:
            fallback = format_value(key, base.to_flat()[key])
            notices.append(_("{error} Using {fallback}.", error=error, fallback=fallback))
    try:
        return Config.from_flat(good, base=base), notices
    except ValueError:
        pass  # some values don't fit together: keep as many as fit, in URL order
    config = base
    for key, value in good.items():
        try:
            config = Config.from_flat({key: value}, base=config)
        except ValueError as error:
            notices.append(_("{error} Ignored.", error=error))
    return config, notices
