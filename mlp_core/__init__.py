"""MLP Lab's core: configs, datasets, models, the trainer, presets, sweeps and script export.

Pure Python and torch — no streamlit, no altair — so everything here works in a notebook:

    >>> from mlp_core import PRESETS, run
    >>> result = run(PRESETS["xor-2-2-1"])
    >>> result.losses[0], result.accuracy

Configs and presets import without torch; everything that trains is imported on first use
(PEP 562), because importing torch takes seconds and the app's home page needs none of it.
"""

from __future__ import annotations

import importlib
from typing import Any

from .config import FIELDS, Config, DataConfig, ModelConfig, TrainingConfig, parse_query_lenient
from .presets import DESCRIPTIONS, PRESETS, TITLES, preset_name

_LAZY = {  # name -> the submodule that defines it (each one imports torch)
    "Dataset": "data", "make_dataset": "data", "dataset_for": "data",
    "export_script": "export", "build_model": "model",
    "TRAINER_VERSION": "trainer", "Progress": "trainer", "RunResult": "trainer", "Snapshot": "trainer",
    "run": "trainer", "train": "trainer",
    "SweepResult": "sweeps", "sweep": "sweeps",
}

__all__ = ["FIELDS", "Config", "DataConfig", "ModelConfig", "TrainingConfig", "parse_query_lenient",
           "DESCRIPTIONS", "PRESETS", "TITLES", "preset_name", *_LAZY]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'mlp_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
