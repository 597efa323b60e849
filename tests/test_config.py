"""Config validation, the field table, and round trips through the URL form and JSON."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mlp_core import FIELDS, PRESETS, Config, DataConfig, ModelConfig, TrainingConfig, parse_query_lenient


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_round_trip_through_query_and_json(name):
    config = PRESETS[name]
    assert Config.from_query(config.to_query()) == config
    assert Config.from_json(config.to_json()) == config
    assert all(isinstance(v, str) for v in config.to_query().values())


def test_preset_names_are_the_lecture_experiments():
    assert set(PRESETS) == {"xor-2-2-1", "xor-2-10-10-10-1", "perceptron-and", "perceptron-or",
                            "perceptron-xor", "linear-regression-9-points", "quadratic-small-sgd",
                            "quadratic-wide-adam"}


def test_the_field_table_covers_every_config_field():
    flat = Config().to_flat()
    assert set(flat) == set(FIELDS)
    assert {name: FIELDS[name].default for name in FIELDS} == flat


@pytest.mark.parametrize("make, words", [
    (lambda: TrainingConfig(learning_rate=0.0), ["learning_rate", "0", "between"]),
    (lambda: TrainingConfig(learning_rate=float("nan")), ["learning_rate", "nan"]),
    (lambda: TrainingConfig(epochs=2.5), ["epochs", "2.5", "whole"]),
    (lambda: TrainingConfig(epochs="100"), ["epochs", "'100'", "number"]),
    (lambda: TrainingConfig(optimizer="adagrad"), ["optimizer", "adagrad", "sgd, momentum, rmsprop, adam"]),
    (lambda: ModelConfig(hidden_widths=(10,) * 9), ["hidden_widths", "9 hidden layers", "8"]),
    (lambda: ModelConfig(hidden_widths=(0,)), ["hidden_widths", "between 1 and 256"]),
    (lambda: ModelConfig(hidden_widths=(True,)), ["hidden_widths"]),
    (lambda: DataConfig(noise_std=-1.0), ["noise_std", "-1", "between 0 and 20"]),
    (lambda: DataConfig(gate="nand"), ["gate", "nand", "and, or, xor"]),
    (lambda: Config(seed=-1), ["seed", "-1"]),
    (lambda: Config(training=TrainingConfig(loss="bce"), model=ModelConfig(output_activation="identity")),
     ["bce", "output_activation", "sigmoid"]),
    (lambda: PRESETS["quadratic-wide-adam"].replace(loss="bce"), ["bce", "quadratic"]),
    (lambda: PRESETS["xor-2-2-1"].replace(batch_size=5), ["batch_size", "5", "4 points"]),
])
def test_bad_values_raise_a_value_error_naming_field_and_value(make, words):
    with pytest.raises(ValueError) as error:
        make()
    for word in words:
        assert word in str(error.value)


def test_strict_query_parsing_names_the_field():
    with pytest.raises(ValueError, match="learning_rate"):
        Config.from_query({"learning_rate": "fast"})
    with pytest.raises(ValueError, match="unknown setting"):
        Config.from_query({"depth": "3"})


def test_hidden_widths_in_a_url():
    config = PRESETS["quadratic-wide-adam"]
    assert config.to_query()["hidden_widths"] == "100-10-6"
    assert PRESETS["perceptron-and"].to_query()["hidden_widths"] == "none"
    assert Config.from_query({"hidden_widths": "4, 4"}).model.hidden_widths == (4, 4)


def test_lenient_parsing_keeps_good_values_and_names_every_bad_one():
    base = PRESETS["xor-2-2-1"]
    hostile = {"learning_rate": "inf", "epochs": "-5", "seed": "abc", "hidden_widths": "9999",
               "activation": "swish", "noise_std": "1e400", "width": "3", "gate": "AND"}
    config, notices = parse_query_lenient(hostile, base)
    assert config == base.replace(gate="and")  # 'AND' is accepted case-insensitively
    text = " ".join(notices)
    for name in ["learning_rate", "epochs", "seed", "hidden_widths", "activation", "noise_std", "width"]:
        assert name in text
    assert len(notices) == 7


def test_lenient_parsing_applies_values_that_only_fit_together():
    params = {"dataset": "quadratic", "loss": "l1", "output_activation": "identity"}
    config, notices = parse_query_lenient(params, PRESETS["xor-2-2-1"])
    assert notices == [] and config.data.dataset == "quadratic" and config.training.loss == "l1"


def test_lenient_parsing_drops_what_does_not_fit():
    config, notices = parse_query_lenient({"dataset": "quadratic"}, PRESETS["xor-2-2-1"])
    assert config == PRESETS["xor-2-2-1"] and "bce" in notices[0]


def test_configs_are_hashable_cache_keys():
    assert hash(PRESETS["xor-2-2-1"]) == hash(Config.from_query(PRESETS["xor-2-2-1"].to_query()))
    assert PRESETS["xor-2-2-1"].replace(learning_rate=0.5) != PRESETS["xor-2-2-1"]


def test_configs_and_presets_import_without_torch():
    code = ("import sys, mlp_core; mlp_core.PRESETS['xor-2-2-1'].to_query(); "
            "assert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("conftest").ROOT))


def test_mlp_core_never_imports_streamlit_or_altair():
    code = ("import sys, pkgutil, importlib, mlp_core; "
            "[importlib.import_module('mlp_core.' + m.name) for m in pkgutil.iter_modules(mlp_core.__path__)]; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('streamlit', 'altair')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("conftest").ROOT))
