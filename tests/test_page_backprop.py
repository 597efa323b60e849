"""The Backprop walkthrough page through AppTest, plus its helpers' contracts (URL, quiz, code)."""
from __future__ import annotations

import contextlib
import io
import math
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lessons.backprop import analysis, code, format, state
from mlp_core.data import NINE_X, NINE_Y
from mlp_core.circuits import chain_rule_w2, circuit_e4, circuit_e5_expanded, linear_regression_path
from mlp_core.graph import by_label
from ui import theme

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "backprop_walkthrough.py")


@pytest.fixture
def app():
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(PAGE, default_timeout=60)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def dots(at: AppTest) -> list[str]:
    return [chart.proto.spec for chart in at.get("graphviz_chart")]


def table(at: AppTest, column: str):
    return next(t.value for t in at.table if column in t.value.columns)


def number(text: str) -> float:
    return float(text.replace("−", "-"))


def latex(at: AppTest) -> str:
    return "\n".join(element.value for element in at.latex)


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return run(at)


# Defaults: the lecture's numbers

def test_defaults_show_the_first_circuit_and_the_sigmoid_neuron(app):
    at = run(app)
    e4 = table(at, "gradient")
    assert e4.loc["f", "value"] == "−12" and e4.loc["q", "value"] == "3"
    assert [e4.loc[k, "gradient"] for k in ("x", "y", "z", "q")] == ["−4", "−4", "3", "−4"]
    e5 = table(at, "sigmoid gate")
    lecture = {"w0": -0.20, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.20}
    for name, grad in lecture.items():
        assert round(number(e5.loc[name, "expanded circuit"]), 2) == grad
        assert round(number(e5.loc[name, "sigmoid gate"]), 2) == grad
    assert set(e5["agree"]) == {"✓"}
    assert r"\cdot 0.2689 = 0.1966" in latex(at)  # σ(1 − σ) of the sigmoid gate
    assert len(dots(at)) >= 4 and not at.warning


def test_the_graph_at_the_end_of_the_walk_shows_values_and_grads(app):
    at = click(run(app), "bp_e4_end")
    dot = dots(at)[0]
    for text in ("−12", "−4", "<B>3</B>", theme.ACCENT):
        assert text in dot
    assert "Step 7 of 7 · backward pass" in [m.value.strip("*") for m in at.markdown]


# Stepping

def test_stepping_goes_forward_then_backward_and_reset_returns(app):
    at = run(app)
    assert f'BGCOLOR="{theme.ACCENT}"' not in dots(at)[0]  # nothing computed yet
    at = click(at, "bp_e4_next")
    assert "q = x + y = (-2) + 5 = 3" in latex(at)
    assert re.search(f'n2 \\[label=<<TABLE[^>]*BGCOLOR="{theme.ACCENT}"', dots(at)[0])  # q, current
    at = click(at, "bp_e4_next")
    assert r"f = q \cdot z = 3 \cdot (-4) = -12" in latex(at)
    at = click(at, "bp_e4_next")  # the seed: df/df = 1
    assert r"\frac{\partial f}{\partial f} = 1" in latex(at)
    at = click(at, "bp_e4_next")  # first edge: f -> q, upstream 1, local z = -4
    text = latex(at)
    assert r"\underbrace{1}_{\text{upstream}} \cdot \underbrace{(-4)}_{\text{local}}" in text
    assert r"\underbrace{-4}_{\text{downstream}}" in text
    assert "a multiply gate sends each input the other input's value" in " ".join(m.value for m in at.markdown)
    assert at.query_params["e4_step"] == "4"
    at = click(at, "bp_e4_back")
    assert r"\frac{\partial f}{\partial f} = 1" in latex(at)
    at = click(at, "bp_e4_reset")
    assert "Step 0 of 7 · the inputs" in [m.value.strip("*") for m in at.markdown]
    assert "e4_step" not in at.query_params


def test_the_sigmoid_circuit_walk_reaches_the_lecture_gradients(app):
    at = click(run(app), "bp_e5_end")
    dot = dots(at)[1]
    for text in ("−0.1966", "0.3932", "−0.3932", "−0.5898", "0.1966", "0.7311"):
        assert f"<B>{text}</B>" in dot


# Quiz mode

def test_quiz_hides_gradients_and_checks_answers(app):
    app.query_params = {"quiz": "1", "e4_step": "4"}  # first backward edge: df/dq
    at = run(app)
    assert at.toggle(key="bp_quiz").value is True
    assert "<B>?</B>" in dots(at)[0] and 'n2 -> n4 [color="#ff7f0e"' in dots(at)[0]
    explanation = next(m.value for m in at.markdown if "upstream gradient" in m.value)
    assert "∂f/∂q = z." in explanation and "−4" not in explanation  # the rule, not the number
    assert not [t for t in at.table if "gradient" in t.value.columns]  # no answer table
    at.number_input(key="bp_e4_answer").set_value(-3.0)
    at = click(at, "bp_e4_check")
    assert at.error and "not it" in at.error[0].value
    at.number_input(key="bp_e4_answer").set_value(-4.0)
    at = click(at, "bp_e4_check")
    assert at.success and "∂f/∂q = −4" in at.success[0].value
    assert "<B>?</B>" not in dots(at)[0]
    at = click(at, "bp_e4_next")  # df/dz: reveal instead of answering
    assert at.number_input(key="bp_e4_answer").value is None  # a fresh answer box
    at = click(at, "bp_e4_reveal")
    assert at.info and any("∂f/∂z = 3" in i.value for i in at.info)


def test_quiz_accepts_a_rounded_answer_within_the_tolerance():
    assert analysis.check_answer(-0.20, -0.19661193)
    assert analysis.check_answer(-4.0, -4.0) and not analysis.check_answer(-3.9, -4.0)
    assert not analysis.check_answer(None, 1.0) and not analysis.check_answer(math.nan, 1.0)


# Edited inputs

def test_edited_inputs_change_the_numbers(app):
    at = run(app)
    at.number_input(key="bp_x").set_value(1.0)
    at = run(at)
    e4 = table(at, "gradient")
    assert e4.loc["f", "value"] == "−24" and e4.loc["z", "gradient"] == "6"
    at.number_input(key="bp_w0").set_value(1.0)
    at = run(at)
    assert table(at, "sigmoid gate").loc["w0", "expanded circuit"] != "−0.1966"
    before = metrics(at)["product ∂L/∂w2"]
    at.slider(key="bp_net_w2").set_value(1.2)
    at = run(at)
    after = metrics(at)
    assert after["product ∂L/∂w2"] != before
    assert after["product ∂L/∂w2"] == after["torch.autograd"] == after["finite difference (h = 1e−5)"]
    assert at.query_params["x"] == "1" and at.query_params["net_w2"] == "1.2"


def test_a_copied_link_reproduces_the_inputs(app):
    app.query_params = {"x": "1", "z": "2", "e4_step": "2", "w1": "0.5", "act": "relu,tanh",
                        "slope": "0.2", "net_x": "-1.5", "lr": "0.003", "steps": "7"}
    at = run(app)
    assert not at.warning
    assert at.number_input(key="bp_x").value == 1.0 and at.number_input(key="bp_z").value == 2.0
    assert r"f = q \cdot z = 6 \cdot 2 = 12" in latex(at)
    assert at.button_group[0].value == ["tanh", "relu"]  # pills, in the legend's order
    assert at.slider(key="bp_net_x").value == -1.5 and at.select_slider[0].value == 0.003
    assert metrics(at)["step"] == "7"
    path = linear_regression_path(*analysis.initial_line(777), NINE_X, NINE_Y, 0.003, 7)
    assert metrics(at)["loss"] == format.fmt(path.updates[-1].new_loss)
    assert dict(at.query_params) == app.query_params | {"act": "tanh,relu", "lang": "en"}


# Hostile links

HOSTILE = {"x": "abc", "y": "nan", "z": "inf", "w0": "1e308", "net_w1": "-1e400", "e4_step": "99",
           "lr": "5", "steps": "3.5", "quiz": "maybe", "act": "relu,softmax", "bogus": "1",
           "<script>": "`x`"}


def test_hostile_query_params_fall_back_with_a_notice(app):
    app.query_params = dict(HOSTILE)
    at = run(app)
    notice = at.warning[0].value
    for name in HOSTILE:
        assert f"`{name}`" in notice
    e4 = table(at, "gradient")
    assert e4.loc["f", "value"] == "−12"
    assert at.toggle(key="bp_quiz").value is False and metrics(at)["step"] == "0"
    assert dict(at.query_params) == {"lang": "en"}  # the link is cleaned (the language stays in it)
    at = click(at, "bp_dismiss_notices")
    assert not at.warning


@pytest.mark.parametrize("key, text", [("x", "1e6"), ("x", "-101"), ("e5_step", "-1"),
                                       ("lr", "0.0015"), ("quiz", ""), ("act", ",")])
def test_each_bad_value_is_refused_and_named(key, text):
    values, notices = state.parse_params({key: text})
    assert values[key] == state.CONTROLS[key].default
    assert len(notices) == 1 and notices[0].startswith(f"`{key}`")


def test_good_values_parse_to_the_controls_types():
    values, notices = state.parse_params({"x": " 3 ", "e4_step": "2.0", "quiz": "true", "lr": "1e-3",
                                          "act": "leaky_relu,sigmoid", "embed": "true"})
    assert notices == []
    assert (values["x"], values["e4_step"], values["quiz"], values["lr"]) == (3.0, 2, True, 0.001)
    assert values["act"] == ("sigmoid", "leaky_relu")


# Linear regression by hand

def test_a_step_changes_w_b_and_the_loss(app):
    at = run(app)
    start = metrics(at)
    assert (start["w"], start["b"], start["loss"]) == ("−0.4015", "−0.5934", "593.6833")
    at = click(at, "bp_e7_step")
    after = metrics(at)
    assert after["step"] == "1" and after["loss"] == "186.0533"
    assert after["w"] != start["w"] and after["b"] != start["b"]
    assert r"w \leftarrow (-0.4015) - 0.001 \cdot" in latex(at)
    at = click(at, "bp_e7_run")
    assert metrics(at)["step"] == "101" and at.query_params["steps"] == "101"
    at = click(at, "bp_e7_reset")
    assert metrics(at)["step"] == "0"


def test_a_huge_learning_rate_diverges_with_a_message_not_an_exception(app):
    at = run(app)
    at.select_slider[0].set_value(1.0)
    at = run(at)
    assert at.warning and "too large" in at.warning[0].value  # said before the first step
    at = click(click(at, "bp_e7_step"), "bp_e7_step")
    assert at.error and "Diverged at step 2" in at.error[0].value
    assert metrics(at)["step"] == "2" and at.button(key="bp_e7_step").disabled
    assert at.button(key="bp_e7_run").disabled and "e" in metrics(at)["loss"]  # 7.8e13, not NaN


def test_run_100_steps_stops_where_a_large_rate_diverges(app):
    at = run(app)
    at.select_slider[0].set_value(0.01)
    at = click(run(at), "bp_e7_run")
    steps = int(metrics(at)["step"])
    assert 1 < steps < 100 and f"Diverged at step {steps}" in at.error[0].value
    assert at.query_params["steps"] == str(steps)


# The PyTorch code shown on the page prints the page's numbers

def execute(code: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<page code>", "exec"), namespace)
    return namespace


def test_e4_code_reproduces_the_graph():
    ns = execute(code.code_e4(1.5, -2.0, 3.0))
    f = circuit_e4(1.5, -2.0, 3.0)
    f.backward()
    node = by_label(f)
    assert ns["f"].item() == f.data
    assert [ns[k].grad.item() for k in "xyz"] == [node[k].grad for k in "xyz"]


def test_e5_code_reproduces_both_circuits():
    ns = execute(code.code_e5((2.0, -3.0, -3.0), (-1.0, -2.0)))
    f = circuit_e5_expanded()
    f.backward()
    node = by_label(f)
    assert math.isclose(ns["w"].grad[0].item(), node["w0"].grad, rel_tol=1e-6)
    assert math.isclose(ns["x"].grad[1].item(), node["x1"].grad, rel_tol=1e-6)


def test_e6_code_and_autograd_check_match_the_chain_rule():
    args = (0.5, 0.1, -0.8, 0.2, 1.5, -0.3, 1.0, 1.0)
    ns = execute(code.code_e6(*args))
    product = chain_rule_w2(*args).product
    assert math.isclose(ns["w2"].grad.item(), product, rel_tol=1e-5)
    assert math.isclose(ns["by_hand"].item(), product, rel_tol=1e-5)
    assert math.isclose(analysis.torch_dloss_dw2(*args), product, rel_tol=1e-12)


def test_e7_code_reproduces_the_path_in_float32():
    ns = execute(code.code_e7(0.001, 25))
    path = linear_regression_path(*analysis.initial_line(777), NINE_X, NINE_Y, 0.001, 25)
    assert math.isclose(ns["w"].item(), path.updates[-1].new_w, rel_tol=1e-4)
    assert math.isclose(ns["loss"].item(), path.updates[-1].new_loss, rel_tol=1e-4)


def test_e7_code_at_step_zero_prints_the_start():
    ns = execute(code.code_e7(0.001, 0))
    assert math.isclose(ns["loss"].item(), 593.6833, rel_tol=1e-6)


def test_activation_code_runs():
    assert set(execute(code.code_activations(0.1))["activations"]) == set(analysis.ACTIVATION_NAMES)


def test_numbers_are_rounded_for_reading():
    assert [format.fmt(v) for v in (-12.0, 0.19661193, 3.0, 593.68331, 1234.5678, -76136.41, 1e-7,
                                    2.3e13, -0.0, math.inf)] == [
        "−12", "0.1966", "3", "593.6833", "1234.57", "−7.61e4", "1e−7", "2.3e13", "0", "∞"]
