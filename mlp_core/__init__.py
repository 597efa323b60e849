"""MLP Lab's core: configs, datasets, models, the trainer, presets and script export.

Pure Python and torch — no streamlit, no altair — so everything here works in a notebook:

    >>> from mlp_core import PRESETS, run
    >>> result = run(PRESETS["xor-2-2-1"])
    >>> result.losses[0], result.accuracy
"""

from .config import FIELDS, Config, DataConfig, ModelConfig, TrainingConfig, parse_query_lenient
from .data import Dataset, make_dataset
from .export import export_script
from .model import build_model
from .presets import DESCRIPTIONS, PRESETS, preset_name
from .sweep import SweepResult, sweep
from .trainer import TRAINER_VERSION, Progress, RunResult, Snapshot, run, train

__all__ = [
    "FIELDS", "Config", "DataConfig", "ModelConfig", "TrainingConfig", "parse_query_lenient",
    "Dataset", "make_dataset", "export_script", "build_model", "DESCRIPTIONS", "PRESETS",
    "preset_name", "TRAINER_VERSION", "Progress", "RunResult", "Snapshot", "run", "train",
    "SweepResult", "sweep",
]
