"""Shared fixtures: one run per preset for the whole session (runs take seconds each)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def preset_runs():
    """name -> RunResult, computed on first use and shared by every test."""
    from mlp_core import PRESETS, run

    cache: dict = {}

    def get(name: str):
        if name not in cache:
            cache[name] = run(PRESETS[name])
        return cache[name]

    return get
