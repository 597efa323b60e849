"""Comparing runs, without a page: the pins' link encoding (compact, within the URL caps, bad values
dropped with a notice), the legend's words for what differs, epochs-to-solve, and a mini-batch run
reproduced by its exported script."""

from __future__ import annotations

import pytest
from conftest import ROOT
from exactness import assert_same_losses
from i18n_support import english_words, hangul
from test_export import printed_losses

from lessons.quadratic import compare as quadratic_compare
from lessons.xor import compare as xor_compare
from mlp_core import FIELDS, PRESETS, export_script, i18n, run
from ui import compare
from ui.controls import MAX_VALUE_CHARS, PageControls


def page_controls(path: str) -> PageControls:
    """A page's CONTROLS, read from its source without running the page."""
    source = (ROOT / path).read_text()
    namespace: dict = {}
    exec(source.split("ensure_entrypoint()\n")[0], namespace)
    return namespace["CONTROLS"]


XOR = page_controls("pages/perceptron_xor.py")
QUAD = page_controls("pages/quadratic_regression.py")
LESSONS = [(XOR, xor_compare.COMPARISONS), (QUAD, quadratic_compare.COMPARISONS)]
E1, E2, E8, E9 = (PRESETS[name] for name in ("xor-2-2-1", "xor-2-10-10-10-1", "quadratic-small-sgd",
                                             "quadratic-wide-adam"))


@pytest.mark.parametrize("spec, comparison", [(spec, c) for spec, cs in LESSONS for c in cs],
                         ids=lambda value: getattr(value, "title", getattr(value, "page", "")))
def test_every_lecture_comparison_round_trips_through_the_link(spec, comparison):
    text = compare.encode_pins(spec, comparison.configs)
    assert len(text) <= 60  # compact: only what differs from the page's default
    configs, notices = compare.decode_pins(spec, text)
    assert notices == [] and configs == list(comparison.configs)


def test_the_encoding_writes_only_what_differs_from_the_default():
    assert compare.encode_pins(XOR, [E1, E2]) == "=~H10-10-10"
    assert compare.encode_pin(QUAD, E8) == "H2-3-4OsgdN1X10"
    assert compare.decode_pin(QUAD, "H2-3-4OsgdN1X10") == E8
    assert compare.decode_pin(XOR, "B2N0.1S40") == E1.replace(batch_size=2, noise_std=0.1, n_samples=40)


def test_a_pin_at_its_longest_still_fits_the_controls_cap(monkeypatch):
    """Every field at its widest value the page allows: one pin is well under the cap (and the page's Pin
    refuses a comparison whose link would pass it). Far too slow to train, which is not what this tests."""
    widest = QUAD.range("hidden_widths")[1]
    config = E9.replace(hidden_widths=(widest,) * FIELDS["hidden_widths"].max_length, activation="leaky_relu",
                        learning_rate=0.0005, optimizer="rmsprop", loss="sse", epochs=12345, batch_size=4321,
                        noise_std=12.3456789, n_samples=4999, x_limit=33.3333, seed=2**31 - 2)
    text = compare.encode_pin(QUAD, config)
    assert len(text) < MAX_VALUE_CHARS
    with pytest.raises(ValueError, match="would take about"):
        compare.decode_pin(QUAD, text)
    monkeypatch.setattr(compare, "estimate", lambda config: type("Fast", (), {"too_slow": False})())
    assert compare.decode_pin(QUAD, text) == config


@pytest.mark.parametrize("text, says", [
    ("", "not a pinned run"),
    ("abc", "not a pinned run"),
    ("2-3", "not a pinned run"),  # no capital first: not a pin
    ("Q1", "Q names no setting"),
    ("X3", "X names no setting"),  # x_limit is not a setting of the XOR page
    ("H2H3", "twice"),
    ("Hxx", "layer widths"),
    ("Rlots", "learning_rate"),
    ("Rnan", "learning_rate"),
    ("Rinf", "learning_rate"),
    ("R1000", "learning_rate"),
    ("E20001", "outside this page's range"),  # within the core's range, not this page's
    ("H64", "outside this page's range"),
    ("B5", "larger than the data set"),  # four points without noise
    ("Obogus", "optimizer"),
    ("N0.5S1000B1E20000", "more than the 30 s"),  # 1000 updates an epoch for 20000 epochs
])
def test_a_bad_pin_is_dropped_with_a_notice_naming_it(text, says):
    configs, notices = compare.decode_pins(XOR, f"={compare.PIN_SEPARATOR}{text}")
    assert configs == [E1]
    assert len(notices) == 1 and "pinned run 2" in notices[0] and says in notices[0], notices


def test_repeats_too_many_and_an_oversize_link_are_dropped_with_notices():
    configs, notices = compare.decode_pins(XOR, "=~=~H3~H4~H5~H6")
    assert configs == [E1, E1.replace(hidden_widths=(3,)), E1.replace(hidden_widths=(4,)),
                       E1.replace(hidden_widths=(5,))]
    assert ["repeats" in notices[0], "at most 4" in notices[1]] == [True, True] and len(notices) == 2
    configs, notices = compare.decode_pins(XOR, "H3" * 150)
    assert configs == [] and "300 characters" in notices[0]


@pytest.mark.parametrize("text", ["~", "~~~~", "=~" * 5, "H", "HHHH", "H-", "H--1", "H0", "E-5", "E1e9", "D-1",
                                  "Gnand", "A", "\x00", "é", "H2" * 99, "R1e-9", "S5001", "N-1"])
def test_garbage_never_raises(text):
    configs, notices = compare.decode_pins(XOR, text)
    assert isinstance(configs, list) and all(isinstance(n, str) for n in notices)


def test_the_legend_names_what_differs():
    assert compare.contrast([E1, E2]) == "depth 1 vs 3 · width 2 vs 10"
    assert compare.run_labels([E1, E2]) == ["depth 1, width 2", "depth 3, width 10"]
    assert compare.contrast([E2, E2.replace(optimizer="adam")]) == "SGD vs Adam"
    assert compare.contrast([E1.replace(learning_rate=0.1), E1]) == "lr 0.1 vs 1"
    assert compare.contrast([E1, E1.replace(batch_size=1)]) == "batch full vs 1"
    assert compare.contrast([E9, E9.replace(activation="sigmoid")]) == "ReLU vs sigmoid"
    assert compare.contrast([E8, E9]) == ("noise 1 vs 5 · x within ±10 vs 15 · 1-2-3-4-1 vs 1-100-10-6-1 · "
                                          "SGD vs Adam")
    assert compare.run_labels([E8, E9])[1] == "noise 5, x within ±15, 1-100-10-6-1, Adam"
    assert compare.run_labels([E1]) == ["this run"] and compare.contrast([E1]) == ""
    four = [E1, E2, E1.replace(batch_size=1), E2.replace(optimizer="adam", learning_rate=0.01)]
    assert compare.contrast(four) == "depth 1 vs 3 · width 2 vs 10 · SGD vs Adam · lr 1 vs 0.01 · batch full vs 1"
    assert compare.run_labels(four)[3] == "depth 3, width 10, Adam, lr 0.01, batch full"


def test_the_legend_reads_in_korean():
    i18n.use("ko")
    try:
        labels = compare.run_labels([E8, E9, E9.replace(batch_size=100, seed=1, epochs=500)])
        words = compare.contrast([E1, E2, E1.replace(learning_rate=0.1, n_samples=8, noise_std=0.1)])
    finally:
        i18n.use("en")
    assert all(hangul([text]) for text in (*labels, words))
    assert english_words([*labels, words], {"lr"}) == set(), (labels, words)


def test_epochs_to_solve_is_where_every_point_stays_right(preset_runs):
    e1 = preset_runs("xor-2-2-1")
    epoch = xor_compare.solved_at(e1)
    index = list(e1.accuracy_epochs).index(epoch)
    assert (e1.accuracy_history[index:] == 1.0).all() and e1.accuracy_history[index - 1] < 1.0
    assert xor_compare.outcome_line(e1) == f"accuracy 1.00 · solved by epoch {epoch:,}"
    e3 = preset_runs("perceptron-xor")
    assert xor_compare.solved_at(e3) is None
    assert xor_compare.outcome_line(e3).endswith("not solved in 10,001 epochs")


@pytest.mark.parametrize("config", [
    E1.replace(noise_std=0.2, n_samples=40, batch_size=8, epochs=301),  # the XOR page's batch size control
    E8.replace(n_samples=200, batch_size=50, epochs=201, learning_rate=0.001),  # the regression page's
], ids=["xor-batches-of-8", "quadratic-batches-of-50"])
def test_the_exported_script_reproduces_a_mini_batch_run(config):
    printed = printed_losses(export_script(config))
    losses = run(config).losses
    assert sorted(printed) == list(range(0, len(losses), 100))
    assert_same_losses(losses[::100], [printed[s] for s in sorted(printed)], epochs=sorted(printed),
                       against="the exported script")


def test_presets_still_equal_their_configs_with_the_batch_size_control():
    for spec in (XOR, QUAD):
        assert "batch_size" in spec.fields and spec.range("batch_size")[0] == 0
        for name in spec.presets:
            assert PRESETS[name].training.batch_size == 0  # the lecture's full batch


def _own(config, points):
    from dataclasses import replace

    return replace(config, data=replace(config.data, points=points))


@pytest.mark.parametrize("spec, kind, rows", [
    (QUAD, "xy", [(i, i * i) for i in range(60)]),
    (XOR, "labels", [(i % 7, i % 5, i % 2) for i in range(30)]),
])
def test_runs_on_own_data_and_other_targets_pin_by_the_datas_digest(spec, kind, rows):
    """Own data travels in a pin as the first digits of its digest (its points would not fit a link
    value), found again while this server holds the set; the target function by its name."""
    from dataclasses import replace

    from mlp_core.owndata import points_from_table, remember

    points = remember(points_from_table(kind, rows))
    base = PRESETS[spec.default_preset]
    configs = [_own(base, points), base]
    if spec is QUAD:
        configs.append(replace(base, data=replace(base.data, target="sin")))
    text = compare.encode_pins(spec, configs)
    assert len(text) <= 40 and text.startswith("P#" + points.digest[:16])
    assert compare.decode_pins(spec, text) == (configs, [])
    assert "your points" in compare.contrast(configs) and "built-in data" in compare.contrast(configs)
    if spec is QUAD:
        assert "sin x" in compare.contrast(configs)
    # A digest this server does not hold is dropped with a notice, the other pins kept.
    kept, notices = compare.decode_pins(spec, "P#0000000000000000~=")
    assert kept == [base] and len(notices) == 1 and "no longer holds" in notices[0]
