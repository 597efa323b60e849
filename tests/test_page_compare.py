"""Comparing runs on the two training pages (AppTest): pin, unpin, clear, a link that reproduces a
comparison, the lecture's comparisons, bad pins in a link, and the batch size control."""

from __future__ import annotations

import threading

import pytest
from apptest_support import open_app, url_notices
from conftest import ROOT
from i18n_support import english_words, hangul, readable_texts

from mlp_core import FIELDS, PRESETS
from ui import compare, live
from ui.store import get_pool, get_store

pytestmark = pytest.mark.usefixtures("fresh_caches")

XOR_PAGE, QUAD_PAGE = str(ROOT / "pages/perceptron_xor.py"), str(ROOT / "pages/quadratic_regression.py")
SHORT = {"epochs": "300"}
E1 = PRESETS["xor-2-2-1"]


def pins_of(at, page: str = "xor") -> list:
    return at.session_state[f"{page}.pins"]


def link(at) -> dict[str, str]:
    return {key: at.query_params[key][0] if isinstance(at.query_params[key], list) else at.query_params[key]
            for key in at.query_params}


def chips(at) -> list[str]:
    """The labels of the pinned runs' buttons (unpin) and the current run's (pin it)."""
    return [b.label for b in at.button if b.key and (".unpin_" in b.key or b.key.endswith(".pin_current"))]


def loss_series(at) -> list[str]:
    """The runs named in the overlaid loss chart's legend (its colour scale's domain)."""
    import json

    for chart in at.get("vega_lite_chart"):
        encoding = json.loads(chart.proto.spec).get("encoding", {})
        if encoding.get("color", {}).get("field") == "run" and encoding.get("x", {}).get("field") == "epoch":
            return encoding["color"]["scale"]["domain"]
    return []


def test_pin_change_a_setting_unpin_and_clear():
    at = open_app(XOR_PAGE, SHORT)
    assert not at.exception and pins_of(at) == [] and "pin" not in link(at)
    at.button(key="xor.pin_run").click().run()
    pinned = E1.replace(epochs=300)
    assert pins_of(at) == [pinned] and link(at)["pin"] == "E300"
    assert at.button(key="xor.pin_run").disabled  # this run is pinned already
    at.number_input(key="xor.epochs").set_value(400).run()  # another run: both side by side
    assert not at.exception
    assert chips(at) == ["300 epochs", "400 epochs"]
    assert loss_series(at) == ["300 epochs", "400 epochs"]
    assert "**300 vs 400 epochs**" in [m.value for m in at.markdown]
    at.button(key="xor.pin_current").click().run()  # pin the current one too
    assert pins_of(at) == [pinned, pinned.replace(epochs=400)] and link(at)["pin"] == "E300~E400"
    at.button(key="xor.unpin_0").click().run()
    assert pins_of(at) == [pinned.replace(epochs=400)] and link(at)["pin"] == "E400"
    at.button(key="xor.clear_pins").click().run()
    assert pins_of(at) == [] and "pin" not in link(at) and not at.exception


def test_a_link_reproduces_the_comparison_from_the_store():
    at = open_app(XOR_PAGE, {**SHORT, "pin": "E300~H10-10-10E300"})
    assert not at.exception and url_notices(at) == []
    assert loss_series(at) == ["depth 1, width 2", "depth 3, width 10"]
    captions = [c.value for c in at.caption]
    assert sum("not solved in 300 epochs" in c for c in captions) == 2  # one per small multiple
    trained = get_store().trained
    again = open_app(XOR_PAGE, link(at))  # the link the page wrote: the same comparison, nothing trained
    assert not again.exception and pins_of(again) == pins_of(at)
    assert loss_series(again) == loss_series(at) and get_store().trained == trained


def test_pinned_runs_of_a_fresh_link_train_on_the_pool(monkeypatch):
    threads = []
    original = live.train_for_viewers

    def recorded(config, run):
        threads.append(threading.current_thread().name)
        return original(config, run)

    monkeypatch.setattr(live, "train_for_viewers", recorded)  # the current run's job (ui/live.py)
    monkeypatch.setattr(compare, "train_for_viewers", recorded)  # the pinned runs' (ui/compare.py)
    at = open_app(QUAD_PAGE, {"epochs": "200", "pin": "E200~E200Osgd~E200Asigmoid"})
    assert not at.exception
    assert loss_series(at) == ["ReLU, Adam", "ReLU, SGD", "sigmoid, Adam"]
    assert len(threads) == 3 and threading.main_thread().name not in threads  # trained on the pool's threads
    for config in pins_of(at, "quad"):
        assert get_store().get(config) is not None
    assert get_pool().counts["trained"] == 3


def test_bad_pins_in_a_link_are_dropped_with_a_notice():
    at = open_app(XOR_PAGE, {**SHORT, "pin": "E300~Zbad~H999E300~E300~" + "H3" * 5})
    assert not at.exception
    warning = next(w.value for w in at.warning if "pinned runs were not kept" in w.value)
    assert "pinned run 2 ('Zbad')" in warning and "pinned run 3 ('H999E300')" in warning
    assert "repeats" in warning and "twice" in warning
    assert pins_of(at) == [E1.replace(epochs=300)] and link(at)["pin"] == "E300"  # the link keeps what was kept
    assert not any("pin" in notice for notice in url_notices(at) if "pinned runs" not in notice)  # not a setting


def test_a_pin_too_long_for_the_url_caps_is_ignored_with_a_notice():
    at = open_app(XOR_PAGE, {**SHORT, "pin": "E300" + "~H3" * 80})
    assert not at.exception and pins_of(at) == []
    assert any("too long" in w.value for w in at.warning)


def test_four_runs_at_most():
    at = open_app(XOR_PAGE, {**SHORT, "pin": "E301~E302~E303~E304"})
    assert not at.exception and len(pins_of(at)) == 4
    assert any("The current run is not in the comparison" in c.value for c in at.caption)
    assert loss_series(at) == ["301 epochs", "302 epochs", "303 epochs", "304 epochs"]
    at.button(key="xor.pin_run").click().run()
    assert len(pins_of(at)) == 4 and any("At most 4 runs" in w.value for w in at.warning)


def test_the_lecture_comparison_e1_vs_e2_in_one_click():
    at = open_app(XOR_PAGE, {})
    at.button(key="xor.comparison_0").click().run()
    assert not at.exception
    assert pins_of(at) == [PRESETS["xor-2-2-1"], PRESETS["xor-2-10-10-10-1"]]
    assert at.selectbox(key="xor.preset").value == "xor-2-10-10-10-1"  # the controls show the last
    assert link(at)["pin"] == "=~H10-10-10" and link(at)["hidden_widths"] == "10-10-10"
    assert loss_series(at) == ["depth 1, width 2", "depth 3, width 10"]
    captions = [c.value for c in at.caption]
    assert sum("solved by epoch" in c for c in captions) == 2


@pytest.mark.parametrize("path, params, page", [
    (XOR_PAGE, {"noise_std": "0.2", "n_samples": "40", "batch_size": "8", "epochs": "300"}, "xor"),
    (QUAD_PAGE, {"n_samples": "200", "batch_size": "50", "epochs": "200"}, "quad"),
], ids=["xor", "quadratic"])
def test_batch_size_is_a_control_in_the_link(path, params, page):
    at = open_app(path, params)
    assert not at.exception and url_notices(at) == []
    assert at.number_input(key=f"{page}.batch_size").value == int(params["batch_size"])
    assert link(at)["batch_size"] == params["batch_size"]
    assert at.selectbox(key=f"{page}.preset").value == "custom"
    again = open_app(path, link(at))
    assert again.number_input(key=f"{page}.batch_size").value == int(params["batch_size"])
    # full batch against mini-batches, side by side
    at.button(key=f"{page}.pin_run").click().run()
    at.number_input(key=f"{page}.batch_size").set_value(0).run()
    assert not at.exception
    assert loss_series(at) == [f"batch {params['batch_size']}", "batch full"]


def test_a_preset_keeps_the_full_batch_and_a_bad_batch_size_gets_a_notice():
    at = open_app(XOR_PAGE, {"preset": "xor-2-2-1", "epochs": "10001"})
    assert at.number_input(key="xor.batch_size").value == 0 and at.selectbox(key="xor.preset").value == "xor-2-2-1"
    at = open_app(XOR_PAGE, {**SHORT, "batch_size": "5"})  # four points without noise
    assert not at.exception
    assert any("batch_size = 5 is larger than the data set" in n for n in url_notices(at))
    assert at.number_input(key="xor.batch_size").value == 0
    at = open_app(QUAD_PAGE, {"epochs": "200", "batch_size": "lots"})
    assert not at.exception and any("batch_size" in n for n in url_notices(at))


@pytest.mark.parametrize("path, params", [
    (XOR_PAGE, {**SHORT, "pin": "E300~H10-10-10E300B2~Zbad"}),
    (QUAD_PAGE, {"epochs": "200", "pin": "E200~E200H2-3-4OsgdN1X10~E200Asigmoid"}),
], ids=["xor", "quadratic"])
def test_a_comparison_in_korean_has_no_english_left(path, params):
    at = open_app(path, {**params, "lang": "ko"})
    assert not at.exception
    texts = readable_texts(at)
    assert hangul(texts)
    assert english_words(texts, allowed=set(FIELDS) | {"Zbad"}) == set()
    series = loss_series(at)
    assert len(series) >= 2  # the pins the link kept (a bad one dropped)
    assert series == chips(at)
    assert english_words(series, allowed=set(FIELDS)) == set()

