"""A class on one link, in one process: sessions asking for one config share one training, a
session that leaves stops a run nobody else watches, and the server warms the presets up."""

from __future__ import annotations

import re
import threading
import time

import pytest
from apptest_support import metric, outcome
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from mlp_core import PRESETS
from mlp_core.presets import WARM_UP
from ui import live
from ui.store import RunStore, get_pool, get_store

pytestmark = pytest.mark.usefixtures("fresh_caches")

QUADRATIC = str(ROOT / "pages" / "quadratic_regression.py")


def sessions_at_once(path: str, params: dict[str, str], n: int, stagger: float = 0.3) -> list[AppTest]:
    """n sessions opening the same link, each a little after the previous one, run to the end."""
    tests = []
    for _ in range(n):
        at = AppTest.from_file(path, default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        tests.append(at)
    threads = [threading.Thread(target=at.run) for at in tests]
    for thread in threads:
        thread.start()
        time.sleep(stagger)
    for thread in threads:
        thread.join(180)
    return tests


def test_three_sessions_on_one_config_share_one_training():
    params = {"epochs": "4000", "seed": "5"}
    tests = sessions_at_once(QUADRATIC, params, 3)
    assert all(not at.exception for at in tests)
    assert get_pool().counts["started"] == 1 and get_store().trained == 1  # one training for all three
    losses = {metric(at, "Train loss") for at in tests}
    assert len(losses) == 1  # and they all show its result
    assert all("Trained 4,000 epochs" in outcome(at) for at in tests)
    assert sum("shown from the run store" in outcome(at) for at in tests) <= 1  # the others watched it train


def test_different_configs_train_once_each():
    tests = sessions_at_once(QUADRATIC, {"epochs": "1500"}, 2) + sessions_at_once(QUADRATIC, {"epochs": "1600"}, 2)
    assert all(not at.exception for at in tests)
    assert get_pool().counts["trained"] == 2 and get_store().trained == 2


def test_warm_up_trains_the_presets_in_the_background(monkeypatch):
    monkeypatch.setenv("MLP_LAB_WARM", "1")
    names = ("perceptron-and", "perceptron-or")
    assert live.warm_up(names) == 2
    assert live.warm_up(names) == 0  # queued already: not twice
    pool, store = get_pool(), get_store()
    deadline = time.monotonic() + 120
    while pool.counts["trained"] < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert all(store.get(PRESETS[name]) is not None for name in names)
    assert live.warm_up(names) == 0  # stored: nothing to do


def test_warm_up_is_off_where_asked(monkeypatch):
    monkeypatch.setenv("MLP_LAB_WARM", "0")
    assert live.warm_up() == 0 and get_pool().counts["started"] == 0


def test_the_warm_up_starts_with_every_pages_default_and_covers_their_presets():
    defaults, offered = [], set()
    for page in ("perceptron_xor.py", "quadratic_regression.py"):
        source = (ROOT / "pages" / page).read_text()
        defaults.append(re.search(r'default_preset="([^"]+)"', source).group(1))
        presets = re.search(r"presets=\(([^)]*)\)", source).group(1)
        offered |= set(re.findall(r'"([^"]+)"', presets))
    assert list(WARM_UP[:len(defaults)]) == defaults
    assert set(WARM_UP) == offered


def test_a_stored_preset_is_what_the_page_asks_for():
    """The warm-up stores under the key the page looks up: the default page config equals its preset."""
    config = PRESETS["quadratic-wide-adam"].replace(epochs=300)
    get_store().put(config, live.train_for_viewers(config, _NoViewers()))
    at = AppTest.from_file(QUADRATIC, default_timeout=120)
    at.query_params["epochs"] = "300"
    at.run()
    assert not at.exception and "shown from the run store" in outcome(at)
    assert get_pool().counts["started"] == 0 and RunStore.key(config) in get_store()._runs


class _NoViewers:
    def publish(self, frame) -> None:
        pass

    def check(self) -> None:
        pass
