"""AppTest: the Perceptron & XOR page as a lecturer and a student would drive it (small epoch counts)."""

from __future__ import annotations

import dataclasses
import itertools
import json

import numpy as np
import pytest
import torch
from apptest_support import charts_frames, metric, open_app, outcome, url_notices
from conftest import ROOT
from streamlit.testing.v1 import AppTest
from test_presets_exact import lecture_logic_gate

from mlp_core import PRESETS, run
from ui.store import get_store

PAGE = str(ROOT / "pages" / "perceptron_xor.py")
SHORT = {"epochs": "301"}


pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture(autouse=True)
def charts_get_finite_numbers(chart_datasets):
    """Every DataFrame sent to a chart on this page, live or final, holds finite numbers only."""
    return chart_datasets


def open_page(params: dict[str, str]) -> AppTest:
    return open_app(PAGE, params)


def printout_text(at: AppTest) -> str:
    return next(c.value for c in at.code if c.value.startswith("0 "))


def dot(at: AppTest) -> str:
    return at.get("graphviz_chart")[0].proto.spec


def chart_titles(at: AppTest) -> list[str]:
    return [str(json.loads(chart.proto.spec).get("title", "")) for chart in at.get("vega_lite_chart")]


@pytest.mark.parametrize("gate", ["and", "or", "xor"])
def test_page_renders_every_gate_with_all_views(gate):
    at = open_page(SHORT | {"gate": gate})
    assert not at.exception
    assert "Trained 301 epochs" in outcome(at)
    titles = " ".join(chart_titles(at))
    assert "Decision boundary" in titles and "Training loss" in titles and "Accuracy" in titles
    assert len(at.get("vega_lite_chart")) == 4  # + the hidden space
    assert dot(at).startswith("digraph") and '"h1_2"' in dot(at)
    assert at.selectbox(key="xor.gate").value == gate
    assert printout_text(at).startswith("0 0.") and "Accuracy:" in printout_text(at)


def test_perceptron_cannot_learn_xor():
    at = open_page({"hidden_widths": "none", "epochs": "1001"})
    assert not at.exception
    assert float(metric(at, "Accuracy")) <= 0.75
    assert metric(at, "Loss").startswith("0.693") and "ln 2" in metric(at, "Loss")
    assert any("No straight line can separate XOR" in m.value for m in at.markdown)
    assert "'x1' -> 'h1_1'" not in dot(at) and dot(at).count(" -> ") == 2  # x1 → ŷ, x2 → ŷ
    assert any("no hidden layer" in i.value for i in at.info)  # the hidden space explains itself
    ln2_refs = [f for f in charts_frames(at) if "label" in f and "ln 2" in " ".join(f["label"])]
    assert ln2_refs  # the plateau line is on the loss chart


def test_perceptron_learns_and():
    at = open_page({"preset": "perceptron-and", "epochs": "1001"})
    assert not at.exception
    assert metric(at, "Accuracy") == "1.00"
    assert "Accuracy: 1.0" in printout_text(at)
    assert any("AND is linearly separable" in m.value for m in at.markdown)


def test_presets_set_every_control():
    at = open_page(SHORT)
    assert at.selectbox(key="xor.preset").value == "custom"  # epochs differ from E1's
    at.selectbox(key="xor.preset").set_value("perceptron-or").run()
    assert not at.exception
    assert at.selectbox(key="xor.gate").value == "or"
    assert at.slider(key="xor.depth").value == 0 and at.text_input(key="xor.widths_text").value == "none"
    assert at.number_input(key="xor.epochs").value == 10001
    assert at.selectbox(key="xor.preset").value == "perceptron-or"
    at.selectbox(key="xor.preset").set_value("xor-2-10-10-10-1").run()  # E2: one full run, a few seconds
    assert not at.exception
    assert at.text_input(key="xor.widths_text").value == "10-10-10"
    assert at.selectbox(key="xor.gate").value == "xor" and at.selectbox(key="xor.activation").value == "sigmoid"
    assert at.select_slider(key="xor.learning_rate").value == 1.0 and at.selectbox(key="xor.optimizer").value == "sgd"
    assert at.number_input(key="xor.seed").value == 777 and at.slider(key="xor.noise_std").value == 0.0
    assert at.selectbox(key="xor.preset").value == "xor-2-10-10-10-1"  # still the preset after its run
    assert metric(at, "Accuracy") == "1.00"


def test_the_default_is_e1_and_stays_e1_across_reruns():
    at = open_page({})
    assert not at.exception and at.selectbox(key="xor.preset").value == "xor-2-2-1"
    at.select_slider(key="xor.replay").set_value(0).run()
    assert at.selectbox(key="xor.preset").value == "xor-2-2-1"
    assert "XOR with one hidden layer" in next(c.value for c in at.code if "import torch" in c.value)


def test_query_params_set_the_controls():
    params = {"gate": "or", "hidden_widths": "4-3", "activation": "tanh", "learning_rate": "0.5",
              "optimizer": "adam", "epochs": "300", "seed": "5", "noise_std": "0.25", "n_samples": "100"}
    at = open_page(params)
    assert not at.exception and not url_notices(at)
    assert at.selectbox(key="xor.gate").value == "or"
    assert at.text_input(key="xor.widths_text").value == "4-3" and at.slider(key="xor.depth").value == 2
    assert at.selectbox(key="xor.activation").value == "tanh"
    assert at.select_slider(key="xor.learning_rate").value == 0.5
    assert at.selectbox(key="xor.optimizer").value == "adam"
    assert at.number_input(key="xor.epochs").value == 300 and at.number_input(key="xor.seed").value == 5
    assert at.slider(key="xor.noise_std").value == 0.25 and at.number_input(key="xor.n_samples").value == 100
    points = next(f for f in charts_frames(at) if {"x1", "x2", "class"} <= set(f.columns))
    assert len(points) == 100  # the noisy clouds, not the four corners
    assert "Accuracy on the 100 noisy points" in " ".join(m.value for m in at.markdown)


def test_hostile_query_params_give_notices_and_no_exception():
    hostile = {"epochs": "lots", "learning_rate": "nan", "noise_std": "3", "n_samples": "-4",
               "hidden_widths": "64", "activation": "<script>", "seed": "1e999", "gate": "nand",
               "loss": "mse", "bogus": "1", "preset": "xor-9000"}
    at = open_page(hostile)
    assert not at.exception
    text = " ".join(url_notices(at))
    for name in ["epochs", "learning_rate", "noise_std", "n_samples", "hidden_widths", "activation", "seed",
                 "gate", "loss", "bogus", "xor-9000"]:
        assert name in text
    assert at.number_input(key="xor.epochs").value == 10001  # fell back to E1
    assert at.text_input(key="xor.widths_text").value == "2" and at.slider(key="xor.noise_std").value == 0.0


def test_the_cached_run_does_not_retrain():
    at = open_page(SHORT)
    store = get_store()
    assert store.trained == 1
    again = open_page(SHORT)  # a second visitor with the same link
    assert not again.exception and store.trained == 1
    assert "run store" in outcome(again)
    assert printout_text(again) == printout_text(at)
    again.select_slider(key="xor.replay").set_value(0).run()  # replaying, picking a plane, log scale: no run
    again.toggle(key="xor.log_scale").set_value(True).run()
    assert not again.exception and store.trained == 1


def test_retrain_trains_again():
    at = open_page(SHORT)
    at.button(key="xor.retrain").click().run()
    assert not at.exception and get_store().trained == 2


def test_printout_is_what_the_lecture_script_prints():
    at = open_page({"epochs": "501"})
    # The oracle: the lecture's loop written in tests/test_presets_exact.py, printed as its script prints.
    losses, hypothesis, accuracy = lecture_logic_gate((2,), "xor", steps=501)
    lines = [f"{step} {float(losses[step])!r}" for step in range(0, 501, 100)]
    expected = "\n".join(lines + ["", f"Hypothesis: {[float(h) for h in hypothesis]}",
                                  f"Predicted: {[float(h > 0.5) for h in hypothesis]}", f"Accuracy: {accuracy}"])
    assert printout_text(at) == expected  # st.code drops the final newline
    table = next(d.value for d in at.dataframe if "Hypothesis ŷ" in d.value.columns)
    np.testing.assert_allclose(table["Hypothesis ŷ"].to_numpy(), hypothesis, rtol=1e-6)
    np.testing.assert_array_equal(table["Predicted (ŷ > 0.5)"].to_numpy(), (hypothesis > 0.5).astype(float))
    np.testing.assert_array_equal(table["Y (target)"].to_numpy(), [0.0, 1.0, 1.0, 0.0])
    assert metric(at, "Accuracy") == f"{accuracy:.2f}"


def test_replay_slider_changes_the_shown_epoch():
    at = open_page({"epochs": "3001"})
    slider = at.select_slider(key="xor.replay")
    assert slider.value == 3001 and len(slider.options) == 50
    final_dot, final_frames = dot(at), charts_frames(at)
    slider.set_value(0).run()
    assert not at.exception
    assert "after **0** of 3,001 updates" in " ".join(c.value for c in at.caption)
    assert dot(at) != final_dot  # the initial weights
    markers = [f for f in charts_frames(at) if list(f.columns) == ["epoch"]]
    assert markers and all(f.epoch.tolist() == [0.0] for f in markers)  # on the loss and the accuracy
    boundary = next(f for f in charts_frames(at) if "x1_low" in f.columns)
    assert not boundary.output.equals(next(f for f in final_frames if "x1_low" in f.columns).output)
    # Everything that describes "the network at epoch 0" follows the replay (issue 19): the metrics are
    # the initial network's, against the lecture loop's first step; the table its outputs.
    losses, _, _ = lecture_logic_gate((2,), "xor", steps=1)
    assert metric(at, "Epoch") == "0 / 3,001" and metric(at, "Loss") == f"{losses[0]:.4f}"
    torch.manual_seed(777)  # the lecture's initial network, built right after seeding
    initial = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1), torch.nn.Sigmoid())
    with torch.no_grad():
        expected = initial(torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])).squeeze(1).numpy()
    table = next(d.value for d in at.dataframe if "Hypothesis ŷ" in d.value.columns)
    np.testing.assert_allclose(table["Hypothesis ŷ"].to_numpy(), expected, rtol=1e-5)
    assert metric(at, "Accuracy") == f"{np.mean((expected > 0.5) == [False, True, True, False]):.2f}"
    slider.set_value(3001).run()
    assert metric(at, "Epoch") == "3,001 / 3,001"  # back at the end: the trained network's


def test_jump_to_the_end_of_the_plateau():
    at = open_page({"epochs": "4001"})
    assert not at.exception
    at.button(key="xor.jump").click().run()
    shown = at.select_slider(key="xor.replay").value
    assert 1500 < shown < 3500  # E1 leaves ln 2 after about 2,250 updates
    assert f"after **{shown:,}**" in " ".join(c.value for c in at.caption)


def jump_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.key == "xor.jump"]


@pytest.mark.parametrize("preset", ["perceptron-and", "perceptron-xor"])
def test_no_jump_for_a_run_that_never_sat_on_the_plateau(preset):
    # AND starts at 0.6932 and learns at once; the perceptron on XOR reaches ln 2 and never leaves it.
    at = open_page({"preset": preset})
    assert not at.exception and "Trained 10,001 epochs" in outcome(at)
    assert at.select_slider(key="xor.replay").value == 10001  # the replay is there, the jump is not
    assert jump_buttons(at) == []


def test_e2_offers_the_jump_off_its_long_plateau():
    at = open_page({"preset": "xor-2-10-10-10-1"})
    assert not at.exception
    (jump,) = jump_buttons(at)
    assert "ln 2 plateau at epoch 5,145" in jump.help  # E2 sits at ln 2 for ~5,000 epochs
    jump.click().run()
    assert 4900 <= at.select_slider(key="xor.replay").value <= 5400


def test_hidden_space_pickers_choose_two_units():
    at = open_page({"hidden_widths": "3-4", "epochs": "201"})
    assert not at.exception
    assert at.selectbox(key="xor.hidden_layer").value == 1  # the last hidden layer, 0-based
    at.selectbox(key="xor.unit_b.1").set_value(3).run()
    assert not at.exception
    hidden = [c.value for c in at.caption if "placed at its values" in c.value]
    assert hidden and "h2_1 and h2_4" in hidden[0] and "Approximate" in hidden[0]
    at.selectbox(key="xor.hidden_layer").set_value(0).run()
    hidden = [c.value for c in at.caption if "placed at its values" in c.value]
    assert "h1_1 and h1_3" in hidden[0] and "Later layers bend" in hidden[0]  # unit 4 clamped to the 3 there
    assert get_store().trained == 1


def test_a_diverged_run_says_so_and_draws_only_finite_values(charts_get_finite_numbers):
    # The page's own controls cannot make XOR diverge: BCE clamps its log at -100, so a huge step
    # ends on a finite loss of 50. The same network on the same corners under MSE with a linear
    # output and lr = 100 does diverge; that real run is what the page is given to show.
    config = PRESETS["xor-2-2-1"].replace(epochs=400, activation="relu", learning_rate=100.0)
    diverged = run(config.replace(loss="mse", output_activation="identity"))
    assert diverged.status == "diverged" and 0 < diverged.diverged_at < 400
    assert len(diverged.accuracy_epochs) and diverged.accuracy_epochs[-1] < diverged.diverged_at
    get_store().put(config, dataclasses.replace(diverged, config=config))
    at = open_page({"epochs": "400", "activation": "relu", "learning_rate": "100"})
    assert not at.exception and get_store().trained == 1  # shown from the store, not trained again
    message = " ".join(e.value for e in at.error)
    assert f"diverged at epoch {diverged.diverged_at}" in message and "learning rate" in message
    assert "diverged" in " ".join(m.value for m in at.markdown)
    assert charts_get_finite_numbers  # the page did draw, and every number it drew was finite
    for frame in charts_frames(at):
        numbers = frame.select_dtypes("number").to_numpy(dtype=float)
        assert np.isfinite(numbers).all()
    loss_frame = next(f for f in charts_frames(at) if list(f.columns) == ["epoch", "loss"])
    assert loss_frame.epoch.max() == diverged.diverged_at - 1  # the finite epochs, and no more
    for label in ("Loss", "Accuracy", "Epoch"):
        assert "nan" not in metric(at, label).lower() and "inf" not in metric(at, label).lower()


def test_exports_are_offered():
    at = open_page(SHORT)
    script = next(c.value for c in at.code if "import torch" in c.value)
    assert "torch.manual_seed(777)" in script and "nn.Linear(2, 2)" in script and "nn.BCELoss()" in script
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Script (.py)", "Loss history (.csv)", "Trained weights (.pt)"]


def test_seed_sweep_shows_the_success_rate_and_opens_a_seed():
    from mlp_core import PRESETS, sweep

    at = open_page({"epochs": "2001"})
    at.toggle(key="xor.show_sweep").set_value(True).run()
    assert not at.exception
    expected = sweep(PRESETS["xor-2-2-1"].replace(epochs=2001, seed=0), list(range(100)))
    assert metric(at, "Seeds that solve it") == f"{int(expected.solved.sum())} / 100"
    picker = at.selectbox(key="xor.sweep_seed")
    failing = next(int(s) for s, ok in zip(expected.seeds, expected.solved) if not ok)
    picker.set_value(failing).run()
    at.button(key="xor.open_seed").click().run()
    assert not at.exception and at.number_input(key="xor.seed").value == failing
    assert float(metric(at, "Accuracy")) < 1.0  # the seed the sweep called unsolved, opened as a normal run
    trained = get_store().trained
    at.run()  # the sweep is stored too: showing it again trains nothing
    assert get_store().trained == trained


@pytest.mark.parametrize("preset", ["xor-2-2-1", "xor-2-10-10-10-1"])
def test_hidden_space_corner_labels_never_overlap(preset_runs, preset):
    """Every replayed epoch of E1 and E2 (E2's plateau maps the four corners nearly onto one point):
    each corner is named once, and no two labels' boxes meet on a 200 px plot (a phone's)."""
    from lessons.xor import views
    from mlp_core.data import dataset_for

    config = PRESETS[preset]
    dataset = dataset_for(config)
    choice = views.HiddenChoice.default(config.model.hidden_widths)
    signs = {"below left": (-1, -1), "above left": (-1, 1), "below right": (1, -1), "above right": (1, 1)}
    for snapshot in preset_runs(preset).snapshots:
        space, frames = views.hidden_frames(snapshot.weights, config, dataset, choice)
        labels = frames["labels"]
        names = " ".join(labels.input).split()
        assert sorted(names) == ["(0,0)", "(0,1)", "(1,0)", "(1,1)"]
        (x_low, x_high), (y_low, y_high) = space.bounds
        boxes = []
        for row in labels.itertuples():
            x, y = 200 * (row.h_a - x_low) / (x_high - x_low), 200 * (row.h_b - y_low) / (y_high - y_low)
            lines = row.input.split("\n")
            width, height = 5.5 * max(map(len, lines)), 15 * len(lines)  # 14 px bold text, measured ~5.3 px a char
            sx, sy = signs[row.place]
            boxes.append((sorted((x + 12 * sx, x + (12 + width) * sx)), sorted((y + 12 * sy, y + (12 + height) * sy))))
        for (ax, ay), (bx, by) in itertools.combinations(boxes, 2):
            assert not (ax[0] < bx[1] and bx[0] < ax[1] and ay[0] < by[1] and by[0] < ay[1]), (snapshot.epoch, labels)
