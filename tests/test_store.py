"""The run store: least recently used out, keyed by config, variant and the trainer's version."""

from __future__ import annotations

import threading

from mlp_core import PRESETS, TRAINER_VERSION
from ui.store import MAX_RUNS, RunStore

BASE = PRESETS["xor-2-2-1"].replace(epochs=3)


def config(seed: int):
    return BASE.replace(seed=seed)


def result(seed: int) -> object:
    return f"result of seed {seed}"  # the store never looks inside a result


def test_the_least_recently_used_run_goes_first():
    store = RunStore(max_runs=3)
    for seed in (1, 2, 3):
        store.put(config(seed), result(seed))
    assert store.get(config(1)) == result(1)  # 1 is now the most recently used; 2 the least
    store.put(config(4), result(4))
    assert len(store) == 3
    assert store.get(config(2)) is None
    assert [store.get(config(s)) for s in (1, 3, 4)] == [result(1), result(3), result(4)]
    store.put(config(5), result(5))  # 1 was read before 3 and 4: it is the oldest now
    assert store.get(config(1)) is None and store.get(config(5)) == result(5)
    assert store.hits == 5 and store.misses == 2 and store.trained == 5


def test_putting_a_stored_config_again_refreshes_it_without_growing():
    store = RunStore(max_runs=2)
    store.put(config(1), result(1))
    store.put(config(2), result(2))
    store.put(config(1), "retrained")  # Retrain: the same key, newest again
    store.put(config(3), result(3))
    assert len(store) == 2 and store.get(config(1)) == "retrained" and store.get(config(2)) is None


def test_keys_tell_configs_variants_and_trainer_versions_apart():
    store = RunStore()
    store.put(config(1), "run")
    store.put(config(1), "sweep", variant=("sweep", 100))
    assert store.get(config(1)) == "run" and store.get(config(1), ("sweep", 100)) == "sweep"
    assert store.get(config(1).replace(learning_rate=0.5)) is None
    assert RunStore.key(config(1))[0] == TRAINER_VERSION  # a trainer change never serves an old run


def test_the_default_bound_holds_under_concurrent_puts():
    store = RunStore()

    def fill(offset: int) -> None:  # seeds from offset + 1, so that seed - 1 is a valid one
        for seed in range(offset + 1, offset + 101):
            store.put(config(seed), result(seed))
            store.get(config(seed - 1))

    threads = [threading.Thread(target=fill, args=(offset,)) for offset in (0, 1000, 2000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store) == MAX_RUNS and store.trained == 300
