"""AppTest: the Quadratic regression page and the home page, as a user would drive them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_support import charts_frames, metric, open_app, outcome, url_notices
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from mlp_core import PRESETS, Config
from ui.store import get_store

PAGE = str(ROOT / "pages" / "quadratic_regression.py")
SMALL = {"epochs": "200", "n_samples": "100", "hidden_widths": "8-8"}


pytestmark = pytest.mark.usefixtures("fresh_caches")


def open_page(params: dict[str, str]) -> AppTest:
    return open_app(PAGE, params)


def test_page_renders_a_finished_run_with_charts():
    at = open_page(SMALL)
    assert not at.exception
    assert "Trained 200 epochs" in outcome(at)
    assert len(at.get("vega_lite_chart")) >= 2
    assert at.text_input(key="quad.widths_text").value == "8-8"
    assert metric(at, "Epochs") == "200 / 200"


def test_width_and_activation_change_the_run():
    at = open_page(SMALL)
    first = metric(at, "Train loss")
    at.text_input(key="quad.widths_text").set_value("16-16").run()
    assert not at.exception and metric(at, "Train loss") != first
    assert at.slider(key="quad.width").value == 16
    second = metric(at, "Train loss")
    at.selectbox(key="quad.activation").set_value("tanh").run()
    assert not at.exception and metric(at, "Train loss") != second
    assert at.query_params["activation"] == ["tanh"] or at.query_params["activation"] == "tanh"


def test_depth_slider_builds_uniform_widths():
    at = open_page(SMALL)
    at.slider(key="quad.depth").set_value(3).run()
    assert at.text_input(key="quad.widths_text").value == "8-8-8"


def test_a_preset_sets_every_control():
    at = open_page({"epochs": "200"})
    at.selectbox(key="quad.preset").set_value("quadratic-small-sgd").run()
    assert not at.exception
    assert at.text_input(key="quad.widths_text").value == "2-3-4"
    assert at.selectbox(key="quad.optimizer").value == "sgd"
    assert at.select_slider(key="quad.learning_rate").value == 0.0002
    assert at.slider(key="quad.noise_std").value == 1.0
    assert at.number_input(key="quad.epochs").value == 10000
    assert at.selectbox(key="quad.preset").value == "quadratic-small-sgd"


def test_query_params_set_the_controls():
    at = open_page(SMALL | {"activation": "tanh", "learning_rate": "0.01", "noise_std": "2.5", "seed": "5"})
    assert not at.exception and not url_notices(at)
    assert at.selectbox(key="quad.activation").value == "tanh"
    assert at.select_slider(key="quad.learning_rate").value == 0.01
    assert at.slider(key="quad.noise_std").value == 2.5
    assert at.number_input(key="quad.seed").value == 5


def test_hostile_query_params_give_a_notice_and_no_exception():
    hostile = {"epochs": "lots", "learning_rate": "nan", "noise_std": "inf", "n_samples": "-4",
               "hidden_widths": "1000000", "activation": "<script>", "seed": "1e999", "gate": "xor", "bogus": "1"}
    at = open_page(hostile)
    assert not at.exception
    text = " ".join(url_notices(at))
    for name in ["epochs", "learning_rate", "noise_std", "n_samples", "hidden_widths", "activation", "seed",
                 "gate", "bogus"]:
        assert name in text
    assert at.number_input(key="quad.epochs").value == 10000  # fell back to the default preset


def test_a_100_kB_link_is_read_only_as_far_as_a_setting_can_reach():
    """Ten 10 kB names, a 10 kB value and a hundred more names: the page says what it ignored in a
    few short lines, applies what it could, and rewrites the link to its settings."""
    huge = {f"{'k' * 10_000}{i}": "1" for i in range(10)}
    huge |= {"seed": "3", "epochs": "300", "learning_rate": "0.001", "hidden_widths": "8-" * 5_000 + "8"}
    huge |= {f"extra{i}": "1" for i in range(100)}
    at = open_page(huge)
    assert not at.exception
    notices = url_notices(at)
    assert len(notices) == 1 and len(notices[0]) < 1_500, notices  # one warning of a few short lines
    text = notices[0]
    assert "a setting name of 10,001 characters" in text and "hidden_widths: a value of 10,001 characters" in text
    assert "more ignored" in text
    assert at.number_input(key="quad.seed").value == 3 and at.number_input(key="quad.epochs").value == 300
    assert at.text_input(key="quad.widths_text").value == "100-10-6"  # the default: the long value was not read
    assert len("&".join(f"{k}={v}" for k, v in at.query_params.items())) < 300  # the link is the page's own again


def test_the_same_config_is_served_from_the_run_store():
    at = open_page(SMALL)
    store = get_store()
    assert store.trained == 1
    again = open_page(SMALL)  # a second visitor with the same link
    assert not again.exception
    assert store.trained == 1 and store.hits >= 1
    assert metric(again, "Train loss") == metric(at, "Train loss")
    assert "run store" in outcome(again)


def test_retrain_trains_again():
    at = open_page(SMALL)
    at.button(key="quad.retrain").click().run()
    assert not at.exception and get_store().trained == 2


def test_a_config_too_slow_to_train_is_refused_with_advice():
    at = open_page({"hidden_widths": "256-256-256-256-256-256-256-256", "epochs": "50000", "n_samples": "5000"})
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "lower" in message and "width" in message
    assert get_store().trained == 0


def test_a_diverging_run_says_so_without_nan_in_charts(chart_datasets):
    params = SMALL | {"loss": "mse", "learning_rate": "100", "optimizer": "sgd"}
    at = open_page(params)
    assert not at.exception
    result = get_store().get(Config.from_query(params, base=PRESETS["quadratic-wide-adam"]))  # the page's run
    assert result.status == "diverged" and 0 < result.diverged_at < 200
    message = " ".join(e.value for e in at.error)
    assert f"diverged at epoch {result.diverged_at}" in message and "learning rate" in message
    assert chart_datasets  # charts were drawn, every frame finite (checked as it was sent)
    for frame in charts_frames(at):  # and what the browser has at the end, Arrow bytes included
        assert np.isfinite(frame.select_dtypes("number").to_numpy(dtype=float)).all()
    loss = next(f for f in charts_frames(at) if list(f.columns) == ["epoch", "loss"])
    assert loss.epoch.max() == result.diverged_at - 1
    np.testing.assert_allclose(loss.loss.to_numpy(), result.losses[loss.epoch.to_numpy()], rtol=1e-6)
    for label in ("Train loss", "Against the noise floor"):
        assert not {"nan", "inf"} & set(metric(at, label).lower().replace("+", " ").split())


def test_exports_are_offered():
    at = open_page(SMALL)
    code = [c.value for c in at.code]
    assert any("torch.manual_seed(777)" in c and "nn.Linear(1, 8)" in c for c in code)


def test_home_page_lists_pages_and_presets():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "quadratic-wide-adam" in text and "xor-2-2-1" in text


def test_units_view_and_log_scale_come_on_demand_without_retraining():
    at = open_page(SMALL)
    charts_before = len(at.get("vega_lite_chart"))
    at.toggle(key="quad.show_units").set_value(True).run()
    at.toggle(key="quad.log_scale").set_value(True).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == charts_before + 1
    assert "hinge" in " ".join(m.value for m in at.markdown)
    assert get_store().trained == 1


def test_seed_sweep_draws_a_band_of_fits():
    at = open_page(SMALL)
    at.toggle(key="quad.show_sweep").set_value(True).run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Final loss, median of seeds" in labels and "10%–90% of seeds" in labels
    assert get_store().trained == 2  # the run and the sweep, each once


def test_a_wide_networks_sweep_trains_in_threads_on_every_core():
    from ui.sweeps import available_cores

    at = open_page({"epochs": "500"})  # E9's wide net, shortened
    at.toggle(key="quad.show_sweep").set_value(True).run()
    assert not at.exception and not at.error
    time = next(m for m in at.metric if m.label == "Time for all seeds")
    workers = min(available_cores(), 10)  # the default 10 seeds
    assert time.help == (f"Trained on the CPU in {workers} threads." if workers > 1 else "Trained on the CPU.")


def test_a_sweep_too_slow_to_train_is_refused(monkeypatch):
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)  # on a GPU this sweep takes seconds,
    monkeypatch.setattr("ui.sweeps.available_cores", lambda: 2)  # and on 16 cores about 5 s
    at = open_page({"epochs": "3000"})  # E9's wide net: every seed adds ~1.4 s of arithmetic (~0.75 s on 2 cores)
    at.toggle(key="quad.show_sweep").set_value(True).run()
    at.slider(key="quad.sweep_seeds").set_value(50).run()
    assert not at.exception
    assert any("fewer seeds" in e.value for e in at.error)


def test_the_fit_charts_range_comes_from_the_config_not_the_seed():
    """So that another seed keeps the chart's spec (the browser then only swaps its data), and the
    range still holds the data: over 200 seeds of E9's data, at most a point in a thousand is clamped."""
    import numpy as np

    from mlp_core import PRESETS, Config
    from lessons.quadratic import charts
    from mlp_core.data import dataset_for

    base = PRESETS["quadratic-wide-adam"]
    specs, outside, total = set(), 0, 0
    for seed in range(200):
        config = Config.from_query({"seed": str(seed)}, base=base)
        data = dataset_for(config)
        grid, targets = data.grid.squeeze(1).numpy(), data.targets.squeeze(1).numpy()
        low, high = charts.fit_y_domain(grid, data.train_range, config.data.noise_std, config.n_points)
        assert low < 0 and float(np.max(grid**2)) + 3 < high  # the true curve over the whole grid, and y = 0
        outside += int(np.sum((targets < low) | (targets > high)))
        total += len(targets)
        specs.add(repr(charts.fit_spec((float(grid.min()), float(grid.max())), (low, high), data.train_range)))
    assert len(specs) == 1
    assert outside <= total / 1000
    noisy = Config.from_query({"noise_std": "20", "x_limit": "1"}, base=base)
    data = dataset_for(noisy)
    low, high = charts.fit_y_domain(data.grid.squeeze(1).numpy(), data.train_range, 20.0, noisy.n_points)
    assert low < float(data.targets.min()) and float(data.targets.max()) < high  # noise far above the curve


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs CUDA")
def test_with_a_gpu_the_default_band_trains_there():
    at = open_page({})  # E9 as the lecture runs it: 10 seeds would take ~25 s on two CPU cores
    at.toggle(key="quad.show_sweep").set_value(True).run()
    assert not at.exception and not at.error
    time = next(m for m in at.metric if m.label == "Time for all seeds")
    assert time.help.startswith("Trained on the GPU")


def test_a_run_that_learned_nothing_warns_instead_of_a_green_tick():
    at = open_page({"learning_rate": "100", "epochs": "3000", "n_samples": "200"})  # E9's net, lr 100
    assert not at.exception and not at.success
    line = outcome(at)
    assert line in [w.value for w in at.warning]
    assert "Trained 3,000 epochs" in line and "Stuck" in line and "Learned nothing" in line
    assert "ReLU units never activate" in line and "Try:" in line


def test_a_diverged_runs_metrics_hold_short_numbers():
    at = open_page({"hidden_widths": "2-3-4", "activation": "relu", "learning_rate": "100", "optimizer": "sgd",
                    "loss": "mse", "epochs": "10000", "noise_std": "1.0", "n_samples": "1000", "x_limit": "10.0"})
    assert not at.exception and "diverged at epoch" in outcome(at)
    for label in ("Train loss", "Against the noise floor"):
        value = metric(at, label)
        assert all(len(token) <= 12 for token in value.replace("(", " ").replace(")", " ").split()), value
    assert "e+" in metric(at, "Train loss")  # 7.63e+31, not a 32-digit integer
    loss_chart = next(json.loads(c.proto.spec) for c in at.get("vega_lite_chart")
                      if "diverged" in json.dumps(json.loads(c.proto.spec).get("title", "")))
    assert loss_chart["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
