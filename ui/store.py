"""The run store (finished runs shared by every session, least recently used out) and the trainer
pool that fills it (mlp_core/pool.py: one training per config in flight, for every session).

Keyed by the full config and the trainer's version, so a code change that alters results
never serves a stale run. Only `put` after a run finished adds to it: a run interrupted by a
slider change raises out of the training loop before it gets there.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Hashable

import streamlit as st

from mlp_core import TRAINER_VERSION, Config, RunResult
from mlp_core.cost import available_cores
from mlp_core.pool import TrainerPool

MAX_RUNS = 64  # a 10000-epoch run with 50 snapshots is well under 1 MB


class RunStore:
    """A thread-safe LRU of RunResults; `hits` and `misses` count look-ups (tests read them)."""

    def __init__(self, max_runs: int = MAX_RUNS) -> None:
        self.max_runs = max_runs
        self._runs: OrderedDict[Hashable, RunResult] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.trained = 0  # runs put after training: a second look at the same config must not add one

    @staticmethod
    def key(config: Config, variant: Hashable = None) -> Hashable:
        return (TRAINER_VERSION, config, variant)

    def get(self, config: Config, variant: Hashable = None) -> RunResult | None:
        return self.lookup(self.key(config, variant))

    def put(self, config: Config, result: RunResult, variant: Hashable = None) -> None:
        self.keep(self.key(config, variant), result)

    def lookup(self, key: Hashable) -> RunResult | None:
        """The stored result under a `key(...)`, or None (the trainer pool looks runs up by key)."""
        with self._lock:
            result = self._runs.get(key)
            if result is None:
                self.misses += 1
                return None
            self._runs.move_to_end(key)
            self.hits += 1
            return result

    def keep(self, key: Hashable, result: RunResult) -> None:
        with self._lock:
            self._runs[key] = result
            self._runs.move_to_end(key)
            self.trained += 1
            while len(self._runs) > self.max_runs:
                self._runs.popitem(last=False)

    def __len__(self) -> int:
        return len(self._runs)


@st.cache_resource(show_spinner=False)
def get_store() -> RunStore:
    """The one store of this server process, shared by all sessions."""
    return RunStore()


@st.cache_resource(show_spinner=False)
def get_pool() -> TrainerPool:
    """The one trainer pool of this server process: as many trainings at once as the cores this app
    may use (its affinity and cgroup quota), finished runs kept in `get_store()`. With the environment
    variable MLP_LAB_STATS_FILE set, it writes its counters there as JSON (`python -m ui.classroom`)."""
    return TrainerPool(available_cores(), get_store(), stats_file=os.environ.get("MLP_LAB_STATS_FILE"))
