"""Data of one's own in the core: the target functions, the strict CSV parser, PointSet as a config
value (hashable, comparable, in the URL), and the exported script reproducing the app's losses."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import torch

from exactness import assert_same_losses
from mlp_core import PRESETS, Config, export_script, run
from mlp_core.config import TARGETS
from mlp_core.data import dataset_for, true_curve
from mlp_core.fields import FieldError
from mlp_core import i18n
from mlp_core.owndata import (MAX_ROWS, URL_POINTS, DataError, PointSet, lookup, parse_csv, points_from_table,
                              remember)
from test_export import printed_losses

QUAD = PRESETS["quadratic-wide-adam"].replace(epochs=201, n_samples=100, hidden_widths=(8, 8))
XOR = PRESETS["xor-2-2-1"].replace(epochs=301)


def random_points(kind: str, n: int, seed: int = 0) -> PointSet:
    rng = np.random.default_rng(seed)
    if kind == "xy":
        x = rng.uniform(-3, 3, n)
        return PointSet("xy", zip(x, np.sin(x) + 0.1 * rng.normal(size=n)))
    xy = rng.uniform(0, 1, (n, 2))
    return PointSet("labels", [(a, b, float((a > 0.5) != (b > 0.5))) for a, b in xy])


# --- target functions -------------------------------------------------------------------------

@pytest.mark.parametrize("target", TARGETS)
def test_each_target_draws_its_curve_plus_the_same_noise(target):
    square = dataset_for(QUAD)
    config = QUAD.replace(target=target)
    data = dataset_for(config)
    assert torch.equal(data.inputs, square.inputs)  # the same x, the same noise: only f differs
    noise = square.targets - (square.inputs**2 + 3)
    torch.testing.assert_close(data.targets - true_curve(config.data, data.inputs), noise, rtol=0, atol=1e-3)
    x, limit = data.inputs.double(), QUAD.data.x_limit
    expected = {"square": x**2 + 3, "cube": x**3 / limit, "sin": limit**2 / 2 * torch.sin(2 * math.pi * x / limit),
                "abs": limit * x.abs(), "step": (x >= 0).double() * limit**2}[target]
    torch.testing.assert_close(true_curve(config.data, data.inputs).double(), expected, rtol=1e-5, atol=1e-3)
    spread = float(expected.max() - expected.min())
    assert spread > 0.5 * limit**2  # scaled to the x range: the same noise reads alike on every target


def test_the_default_target_leaves_presets_unchanged():
    for name, preset in PRESETS.items():
        assert preset.data.target == "square" and preset.data.points is None
        assert Config.from_query(preset.to_query()) == preset
    assert Config.from_query({k: v for k, v in QUAD.to_query().items() if k not in ("target", "points")}) == QUAD


@pytest.mark.parametrize("target", ["cube", "sin", "abs", "step"])
def test_export_reproduces_each_target(target):
    config = QUAD.replace(target=target)
    printed = printed_losses(export_script(config))
    losses = run(config).losses
    assert_same_losses(losses[::100], [printed[s] for s in sorted(printed)], epochs=sorted(printed),
                       against="the exported script")


@pytest.mark.parametrize("target", ["sin", "step"])
def test_the_noise_floor_is_the_true_curves_loss(target):
    from mlp_core.sweeps import floor_and_bar

    config = QUAD.replace(target=target, loss="mse")
    data = dataset_for(config)
    floors, _bars, _flats = floor_and_bar(config, [data])
    noise = data.targets - true_curve(config.data, data.inputs)
    assert floors[0] == pytest.approx(float((noise**2).mean()), rel=1e-5)


# --- the strict parser: every refusal names the row and the column ------------------------------

GOOD_XY = b"x,y\n0,1\n1,2\n2,5\n3,10\n"
GOOD_LABELS = b"x1,x2,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"

BAD = [  # (data, kind, words the message must hold)
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "xy", ["not a CSV", "binary"]),
    (b"x,y\n1,2\n\xff\xfe,3\n", "xy", ["UTF-8", "byte 9", "row 3"]),
    (b"a,b\n1,2\n3,4\n5,6\n7,8\n", "xy", ["Row 1", "column 1", "'a'", "x,y"]),
    (b"x\n1\n2\n3\n4\n", "xy", ["Row 1", "'y'", "missing"]),
    (b"x,y,z\n1,2,3\n", "xy", ["column 3", "'z'"]),
    (b"x,x\n1,2\n", "xy", ["column 2", "twice"]),
    (b"x,y\n1,2\n3,four\n5,6\n7,8\n", "xy", ["Row 3", "column y", "'four'", "not a number"]),
    (b"x,y\n1,2\n3,4\nnan,6\n7,8\n", "xy", ["Row 4", "column x", "not a finite number"]),
    (b"x,y\n1,2\n3,4\n5,inf\n7,8\n", "xy", ["Row 4", "column y", "not a finite number"]),
    (b"x,y\n1,2\n3,4\n5,\n7,8\n", "xy", ["Row 4", "column y", "empty"]),
    (b"x,y\n1,2\n3,4,5\n", "xy", ["Row 3", "3 cells"]),
    (b"x1,x2,label\n0,0,0\n0,1,2\n1,0,1\n1,1,0\n", "labels", ["Row 3", "column label", "0 or 1"]),
    (b"x1,x2,label\n0,0,0\n0,1,0.5\n1,0,1\n1,1,0\n", "labels", ["Row 3", "column label", "'0.5'"]),
    (b"x,y\n1,2\n3,4\n", "xy", ["2 points", "at least 4"]),
    (b"", "xy", ["empty"]),
    (b"x,y\n1,2\n3,1e300\n5,6\n7,8\n", "xy", ["Row 3", "column y", "too large"]),
    (b"x,y\n1,2\n3,1_000\n5,6\n7,8\n", "xy", ["Row 3", "'1_000'", "not a number"]),
    (b"x,y\n" + b"1,2\n" * (MAX_ROWS + 1), "xy", ["more than 5,000", "row 5002"]),
    (b"x,y\n" + b"1," + b"0" * 1_000_001 + b"\n", "xy", ["1 MB"]),
]


@pytest.mark.parametrize("data,kind,words", BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_csv_is_refused_with_a_message_naming_where(data, kind, words):
    with pytest.raises(DataError) as refused:
        parse_csv(data, kind)
    for word in words:
        assert word in str(refused.value), (word, str(refused.value))


def test_bad_csv_messages_are_in_korean_too():
    i18n.use("ko")
    try:
        with pytest.raises(DataError) as refused:
            parse_csv(b"x,y\n1,2\n3,four\n5,6\n7,8\n", "xy")
    finally:
        i18n.use("en")
    assert "3행" in str(refused.value) and "숫자가 아닙니다" in str(refused.value)


def test_good_csv_reads_any_column_order_blank_lines_a_bom_and_crlf():
    points = parse_csv("\ufeffy,x\r\n1,0\r\n\r\n2,1\r\n5,2\r\n10,3\r\n".encode(), "xy")
    assert points == parse_csv(GOOD_XY, "xy")
    assert points.rows == ((0.0, 1.0), (1.0, 2.0), (2.0, 5.0), (3.0, 10.0))
    assert parse_csv(points.to_csv(), "xy") == points  # the download reads back
    labels = parse_csv(GOOD_LABELS, "labels")
    assert labels.kind == "labels" and len(labels) == 4


def test_the_parser_never_evaluates_what_it_reads():
    for text in ("x,y\n__import__('os'),1\n", "x,y\n=1+1,2\n", "x,y\n(1),2\n"):
        with pytest.raises(DataError, match="not a number"):
            parse_csv(text.encode() + b"1,2\n2,3\n3,4\n", "xy")
    with pytest.raises(DataError, match="not a CSV"):
        parse_csv(pickle.dumps({"x": [1, 2]}), "xy")


def test_a_table_is_checked_like_a_file_and_empty_rows_are_skipped():
    rows = [(0, 0, 0), (0, 1, 1), (None, None, None), (1, 0, 1), (1, 1, 0)]
    assert points_from_table("labels", rows) == parse_csv(GOOD_LABELS, "labels")
    with pytest.raises(DataError, match="Row 2, column x2: the cell is empty"):
        points_from_table("labels", [(0, 0, 0), (0, float("nan"), 1), (1, 0, 1), (1, 1, 0)])


# --- a PointSet in a config ---------------------------------------------------------------------

def test_a_pointset_is_keyed_by_its_digest_and_cheap_to_hash():
    big = random_points("xy", MAX_ROWS)
    again = PointSet("xy", big.rows)
    assert big == again and hash(big) == hash(again) and big is not again
    assert big != random_points("xy", MAX_ROWS, seed=1)
    config = QUAD.replace(points=big)
    assert config == QUAD.replace(points=again) and hash(config) == hash(QUAD.replace(points=again))
    assert {config: 1}[QUAD.replace(points=again)] == 1  # the run store's and the pool's key
    assert config != QUAD and config.n_points == MAX_ROWS
    assert pickle.loads(pickle.dumps(config)) == config
    with pytest.raises(AttributeError):
        big.rows = ()


def test_an_edited_point_changes_the_config_and_the_run():
    points = parse_csv(GOOD_LABELS, "labels")
    moved = PointSet("labels", [points.rows[0], (0.0, 1.0, 0.0), *points.rows[2:]])
    first, second = XOR.replace(points=points), XOR.replace(points=moved)
    assert first != second
    assert run(first).losses[-1] != run(second).losses[-1]


def test_points_must_fit_the_task():
    with pytest.raises(ValueError, match="do not fit"):
        XOR.replace(points=parse_csv(GOOD_XY, "xy"))
    with pytest.raises(ValueError, match="do not fit"):
        QUAD.replace(points=parse_csv(GOOD_LABELS, "labels"))


@pytest.mark.parametrize("kind,n", [("xy", 4), ("xy", URL_POINTS), ("labels", URL_POINTS), ("labels", 7)])
def test_up_to_50_points_travel_in_the_url(kind, n):
    base = QUAD if kind == "xy" else XOR
    config = base.replace(points=random_points(kind, n))
    query = config.to_query()
    assert not query["points"].startswith("#") and len(query["points"]) < 4000
    assert Config.from_query(query) == config
    assert Config.from_query({"points": query["points"]}, base=base) == config
    assert Config.from_json(config.to_json()) == config


def test_a_larger_set_is_named_by_digest_and_found_only_while_held():
    points = remember(random_points("xy", URL_POINTS + 1, seed=5))
    config = QUAD.replace(points=points)
    text = config.to_query()["points"]
    assert text == "#" + points.digest and lookup(points.digest) is points
    assert Config.from_query({"points": text}, base=QUAD) == config
    with pytest.raises(FieldError, match="no longer holds"):
        Config.from_query({"points": "#" + "0" * 64}, base=QUAD)
    with pytest.raises(FieldError, match="not a data set"):
        Config.from_query({"points": "garbage"}, base=QUAD)
    with pytest.raises(FieldError, match="not a number"):
        Config.from_query({"points": "xy:1,2;3,x;4,5;6,7"}, base=QUAD)


@pytest.mark.parametrize("kind,n", [("xy", 30), ("labels", 12), ("xy", 400)])
def test_export_reproduces_the_losses_on_own_data(kind, n):
    base = QUAD if kind == "xy" else XOR
    config = base.replace(points=random_points(kind, n))
    if kind == "labels":
        config = config.replace(hidden_widths=(4,), optimizer="adam", learning_rate=0.05)
    script = export_script(config)
    assert "mlp_core" not in script and "owndata" not in script
    printed = printed_losses(script)
    losses = run(config).losses
    assert sorted(printed) == list(range(0, len(losses), 100))
    assert_same_losses(losses[::100], [printed[s] for s in sorted(printed)], epochs=sorted(printed),
                       against="the exported script")


def test_own_regression_data_is_judged_against_the_best_line():
    from mlp_core.diagnosis import diagnose

    config = QUAD.replace(points=random_points("xy", 40))
    result = run(config)
    diagnosis = diagnose(result)
    assert "x² + 3" not in diagnosis.headline and "noise floor" not in diagnosis.headline


def test_the_weights_download_of_a_run_on_own_data_loads_with_weights_only():
    import io

    from ui.exports import _files

    config = XOR.replace(points=random_points("labels", 12), epochs=101)
    _script, _losses, weights = _files(run(config))
    saved = torch.load(io.BytesIO(weights), weights_only=True)
    assert saved["config"]["points"]["kind"] == "labels" and len(saved["config"]["points"]["rows"]) == 12
    assert points_from_table("labels", saved["config"]["points"]["rows"]) == config.data.points


def test_a_perceptron_stuck_on_own_points_is_not_told_about_xor():
    from mlp_core.diagnosis import diagnose

    rings = PointSet("labels", [(0.5 + r * math.cos(a / 3), 0.5 + r * math.sin(a / 3), float(r < 0.3))
                                for a in range(19) for r in (0.15, 0.45)])
    result = run(PRESETS["perceptron-xor"].replace(points=rings, epochs=2001))
    assert "XOR" not in diagnose(result).headline
