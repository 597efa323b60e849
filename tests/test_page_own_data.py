"""AppTest: data of one's own on both training pages, and the regression page's target functions."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_support import charts_frames, metric, open_app, outcome
from conftest import ROOT

from test_own_data import BAD, random_points

QUAD = str(ROOT / "pages" / "quadratic_regression.py")
XOR = str(ROOT / "pages" / "perceptron_xor.py")
QUAD_SMALL = {"epochs": "200", "n_samples": "100", "hidden_widths": "8-8", "x_limit": "10"}
XOR_SMALL = {"epochs": "300", "hidden_widths": "4"}

pytestmark = pytest.mark.usefixtures("fresh_caches")


def param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def choose_own(at, page: str):
    return at.radio(key=f"{page}.own.source").set_value("own").run()


# --- target functions -------------------------------------------------------------------------

@pytest.mark.parametrize("target,formula", [("cube", "x³/10"), ("sin", "50·sin(2πx/10)"), ("abs", "10·|x|"),
                                            ("step", "0 (x < 0), 100 (x ≥ 0)")])
def test_each_target_function_trains_and_says_what_it_is(target, formula):
    at = open_app(QUAD, QUAD_SMALL)
    square_loss = metric(at, "Train loss")
    at.selectbox(key="quad.target").set_value(target).run()
    assert not at.exception
    assert at.title[0].value == "Regression"
    intro = at.markdown[0].value
    assert formula in intro and "x² + 3" not in intro
    assert param(at, "target") == target and "Trained 200 epochs" in outcome(at)
    assert metric(at, "Train loss") != square_loss
    curves = {name for frame in charts_frames(at) if "curve" in frame for name in frame["curve"]}
    assert f"true curve {formula}" in curves and "true curve x² + 3" not in curves


def test_the_default_target_keeps_the_page_as_it_was():
    at = open_app(QUAD, QUAD_SMALL)
    assert not at.exception and at.title[0].value == "Quadratic regression"
    assert "x² + 3" in at.markdown[0].value and param(at, "points") is None
    assert at.radio(key="quad.own.source").value == "builtin"


# --- uploads: good ones train, bad ones change nothing ------------------------------------------

def test_an_uploaded_csv_trains_on_its_points_and_travels_in_the_link():
    at = open_app(QUAD, QUAD_SMALL)
    choose_own(at, "quad")
    points = random_points("xy", 30)
    at.file_uploader(key="quad.own.upload").set_value(("mine.csv", points.to_csv().encode(), "text/csv")).run()
    assert not at.exception and not errors(at)
    assert any("mine.csv: read 30 points" in s.value for s in at.success)
    assert param(at, "points") == points.to_text()
    assert "your 30 points" in at.markdown[0].value and at.title[0].value == "Regression"
    assert metric(at, "Against the noise floor") == "unknown for your data"
    data = next(frame for frame in charts_frames(at) if list(frame.columns) == ["x", "y"])
    assert np.allclose(sorted(data["x"]), sorted(r[0] for r in points.rows))
    reopened = open_app(QUAD, {**QUAD_SMALL, "points": param(at, "points")})
    assert not reopened.exception and reopened.radio(key="quad.own.source").value == "own"
    assert metric(reopened, "Train loss") == metric(at, "Train loss")  # the same run, from the link


@pytest.mark.parametrize("page,kind", [("quad", "xy"), ("xor", "labels")])
@pytest.mark.parametrize("case", range(len(BAD)), ids=[f"bad{i}" for i in range(len(BAD))])
def test_a_bad_file_gets_its_message_and_changes_nothing(page, kind, case):
    data, bad_kind, words = BAD[case]
    if bad_kind != kind:
        data = data.replace(b"x1,x2,label", b"x,y") if kind == "xy" else data.replace(b"x,y\n", b"x1,x2,label\n")
    at = open_app(QUAD if page == "quad" else XOR, QUAD_SMALL if page == "quad" else XOR_SMALL)
    choose_own(at, page)
    label = "Train loss" if page == "quad" else "Loss"
    before_points, before_loss = param(at, "points"), metric(at, label)
    at.file_uploader(key=f"{page}.own.upload").set_value(("bad.csv", data, "text/csv")).run()
    assert not at.exception
    shown = errors(at)
    assert len(shown) == 1 and shown[0].startswith("bad.csv:") and "previous points stay" in shown[0]
    if bad_kind == kind:
        assert all(word in shown[0] for word in words), (words, shown[0])
    assert param(at, "points") == before_points and metric(at, label) == before_loss


def test_a_bad_file_after_a_good_one_keeps_the_good_one():
    at = open_app(XOR, XOR_SMALL)
    choose_own(at, "xor")
    good = random_points("labels", 20)
    at.file_uploader(key="xor.own.upload").set_value(("good.csv", good.to_csv().encode(), "text/csv")).run()
    loss = metric(at, "Loss")
    at.file_uploader(key="xor.own.upload").set_value(("bad.csv", b"x1,x2,label\n0,0,7\n", "text/csv")).run()
    assert not at.exception and "column label" in errors(at)[0]
    assert param(at, "points") == good.to_text() and metric(at, "Loss") == loss


# --- the table ----------------------------------------------------------------------------------

def test_an_edited_point_changes_the_run():
    at = open_app(XOR, XOR_SMALL)
    choose_own(at, "xor")
    assert at.data_editor[0].value.shape == (4, 3)  # the gate's truth table to start from
    first, loss = param(at, "points"), metric(at, "Loss")
    at.session_state["xor.own.editor1"] = {"edited_rows": {3: {"label": 1.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not errors(at)
    assert param(at, "points") == "labels:0,0,0;0,1,1;1,0,1;1,1,1" != first  # XOR became OR
    assert metric(at, "Loss") != loss
    at.session_state["xor.own.editor1"] = {"edited_rows": {3: {"label": 1.0}},
                                           "added_rows": [{"x1": 0.5, "x2": 0.5, "label": 0.0}], "deleted_rows": [0]}
    at.run()
    assert param(at, "points") == "labels:0,1,1;1,0,1;1,1,1;0.5,0.5,0"


def test_a_bad_edit_gets_its_message_and_keeps_the_run():
    at = open_app(XOR, XOR_SMALL)
    choose_own(at, "xor")
    first, loss = param(at, "points"), metric(at, "Loss")
    at.session_state["xor.own.editor1"] = {"edited_rows": {1: {"x2": None}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert errors(at) == ["The table: Row 2, column x2: the cell is empty. Until it is fixed the previous points stay."]
    assert param(at, "points") == first and metric(at, "Loss") == loss


def test_choosing_the_gate_again_and_a_preset_bring_the_built_in_data_back():
    at = open_app(XOR, XOR_SMALL)
    choose_own(at, "xor")
    assert param(at, "points") is not None
    at.radio(key="xor.own.source").set_value("builtin").run()
    assert not at.exception and param(at, "points") is None
    choose_own(at, "xor")
    at.selectbox(key="xor.preset").set_value("perceptron-and").run()
    assert not at.exception and param(at, "points") is None
    assert at.radio(key="xor.own.source").value == "builtin"


# --- links --------------------------------------------------------------------------------------

def test_a_link_with_points_opens_on_them():
    points = random_points("labels", 50)
    at = open_app(XOR, {**XOR_SMALL, "points": points.to_text()})
    assert not at.exception and not errors(at)
    assert at.radio(key="xor.own.source").value == "own"
    assert at.data_editor[0].value.shape == (50, 3) and param(at, "points") == points.to_text()
    assert "Your 50 points" in at.markdown[0].value or any("Your 50 points" in m.value for m in at.markdown)


def test_a_larger_set_gets_a_notice_and_its_link_does_not_break_the_page():
    at = open_app(QUAD, QUAD_SMALL)
    choose_own(at, "quad")
    points = random_points("xy", 120)
    at.file_uploader(key="quad.own.upload").set_value(("big.csv", points.to_csv().encode(), "text/csv")).run()
    assert not at.exception
    assert any("more than a link carries" in i.value for i in at.info)
    assert param(at, "points") == "#" + points.digest
    unknown = open_app(QUAD, {**QUAD_SMALL, "points": "#" + "ab" * 32})
    assert not unknown.exception and param(unknown, "points") is None
    assert any("no longer holds" in w.value for w in unknown.warning)
    wrong_kind = open_app(XOR, {**XOR_SMALL, "points": "xy:0,1;1,2;2,3;3,4"})
    assert not wrong_kind.exception and param(wrong_kind, "points") is None
    assert any("do not fit" in w.value for w in wrong_kind.warning)
    garbage = open_app(XOR, {**XOR_SMALL, "points": "labels:1,2;nonsense"})
    assert not garbage.exception and param(garbage, "points") is None
    assert any("points" in w.value for w in garbage.warning)


# --- in Korean ----------------------------------------------------------------------------------

@pytest.mark.parametrize("page,params", [
    ("xor", {**XOR_SMALL, "points": "labels:0,0,0;0,1,1;1,0,1;1,1,0;0.5,0.5,1"}),
    ("quad", {**QUAD_SMALL, "points": "xy:0,1;1,2;2,5;3,10;4,17"}),
    ("quad", {**QUAD_SMALL, "target": "sin"}),
])
def test_own_data_reads_in_korean(page, params):
    from i18n_support import english_words, hangul, readable_texts

    from mlp_core import FIELDS

    at = open_app(XOR if page == "xor" else QUAD, {**params, "lang": "ko"})
    assert not at.exception
    if page == "quad" and "target" not in params:
        at.file_uploader(key="quad.own.upload").set_value(("나쁜.csv", b"x,y\n1,2\n3,abc\n", "text/csv")).run()
        assert not at.exception and "숫자가 아닙니다" in errors(at)[0]
    texts = readable_texts(at)
    assert hangul(texts)
    # the table's column names are the CSV's own (x1, x2, label), as the file must spell them
    assert english_words(texts, allowed=set(FIELDS) | {"label"}) == set()


@pytest.mark.parametrize("page,params", [
    ("quad", {**QUAD_SMALL, "points": "xy:0,1;1,2;2,5;3,10;4,17;5,26"}),
    ("xor", {**XOR_SMALL, "points": "labels:0,0,0;0,1,1;1,0,1;1,1,0;0.5,0.5,1"}),
])
def test_the_seed_sweep_runs_on_own_data(page, params):
    at = open_app(QUAD if page == "quad" else XOR, params)
    at.toggle(key=f"{page}.show_sweep").set_value(True).run()
    assert not at.exception and not errors(at)
    assert len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart")) >= 3
    if page == "quad":  # no noise floor is known for one's own points: the bar is the best line
        assert metric(at, "Seeds within 10% of the best straight line").endswith("/ 10")


# --- own data with the other features: pins, the lecture's comparisons ----------------------------

def test_own_points_pinned_beside_the_built_in_data_and_a_link_reproduces_it():
    """A run on uploaded points and one on the built-in data, side by side: the pin names the points
    by their digest's first digits (the link has no room for the points themselves)."""
    at = open_app(QUAD, QUAD_SMALL)
    choose_own(at, "quad")
    points = random_points("xy", 60)
    at.file_uploader(key="quad.own.upload").set_value(("mine.csv", points.to_csv().encode(), "text/csv")).run()
    at.button(key="quad.pin_run").click().run()
    assert not at.exception and param(at, "pin").count("P#" + points.digest[:16]) == 1
    at.radio(key="quad.own.source").set_value("builtin").run()
    at.button(key="quad.pin_current").click().run()
    assert not at.exception and len(at.session_state["quad.pins"]) == 2
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "your points (60, #" + points.digest[:4] + ")" in shown and "built-in data" in shown
    again = open_app(QUAD, {key: param(at, key) for key in at.query_params})  # the same server holds the set
    assert not again.exception and again.session_state["quad.pins"] == at.session_state["quad.pins"]


def test_a_lecture_comparison_chosen_on_own_points_returns_to_the_built_in_data():
    at = open_app(XOR, XOR_SMALL)
    choose_own(at, "xor")
    points = random_points("labels", 40)
    at.file_uploader(key="xor.own.upload").set_value(("mine.csv", points.to_csv().encode(), "text/csv")).run()
    assert param(at, "points") == points.to_text()
    at.button(key="xor.comparison_0").click().run()  # E1 vs E2
    assert not at.exception and not errors(at)
    assert param(at, "points") is None and at.radio(key="xor.own.source").value == "builtin"
