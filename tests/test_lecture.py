"""Lecture mode (ui/lecture.py, lessons/lecture/path.py): the path's steps open the right page with the
right preset, Previous/Next/the step list and the link round-trip, a bad step id, the presenter view's
switch, and what the narration says checked against the presets' own runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from lessons.lecture.path import BACKPROP_PAGE, BY_ID, STEPS, index_of
from lessons.lecture.questions import QUESTIONS
from mlp_core import PRESETS
from mlp_core.presets import DESCRIPTIONS
from ui import lecture

APP = str(ROOT / "streamlit_app.py")
CONTROL_KEYS = {"perceptron_xor": "xor", "quadratic_regression": "quad"}

pytestmark = pytest.mark.usefixtures("fresh_caches")


def open_app(params: dict[str, str], page: str | None = None) -> AppTest:
    """The app opened from a link: at `page` (a pages/ file) or the home page, with these params."""
    at = AppTest.from_file(APP, default_timeout=240)
    if page is not None:
        at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def page_of(at: AppTest) -> str:
    """The page this run showed, from the lecture bar's own record of it (the link's path is not in AppTest)."""
    titles = {"perceptron_xor": "Perceptron & XOR", "quadratic_regression": "Quadratic regression",
              "backprop_walkthrough": "Backprop walkthrough"}
    shown = {t.value for t in at.title}
    return next((page for page, title in titles.items() if title in shown), "home")


def test_the_path_is_the_lectures_order_with_the_agreed_ids():
    assert [s.id for s in STEPS] == ["e3-gates", "e3-xor", "e1-mlp", "e2-deep", "e4-graph", "e5-neuron",
                                     "e6-chain", "e7-linear", "e10-activations", "e8-small", "e9-wide"]
    for step in STEPS:
        assert step.title and step.look_at and 2 <= step.narration.count(". ") + 1 <= 4, step.id
        if step.preset is not None:
            assert DESCRIPTIONS[step.preset].startswith(step.id.split("-")[0].upper() + " ")  # E3 step: an E3 preset
    assert index_of("e9-wide") == 10 and index_of("nonsense") is None


def test_the_narration_says_what_the_presets_runs_do(preset_runs):
    """The numbers the narration quotes, read from the presets' runs (not from the lecture's slides)."""
    ln2 = math.log(2)
    for gate in ("and", "or"):
        result = preset_runs(f"perceptron-{gate}")
        assert result.accuracy == 1.0 and result.losses[-1] < 0.01
    xor = preset_runs("perceptron-xor")
    assert xor.accuracy == 0.5 and abs(xor.losses[1000:] - ln2).max() < 1e-3  # "stays at ln 2", "0.50"

    def leaves_plateau(losses) -> int:
        return int(np.argmax(np.asarray(losses) < ln2 - 0.05))

    assert 1_500 <= leaves_plateau(preset_runs("xor-2-2-1").losses) <= 2_600  # "about the first 2,000 steps"
    assert preset_runs("xor-2-2-1").accuracy == 1.0
    assert 4_500 <= leaves_plateau(preset_runs("xor-2-10-10-10-1").losses) <= 5_800  # "about 5,000 steps"
    assert 17 <= preset_runs("quadratic-small-sgd").losses[-1] <= 19.5  # "still near 18"
    assert 3.4 <= preset_runs("quadratic-wide-adam").losses[-1] <= 4.0  # "near 3.7, about the noise floor"


def test_next_walks_the_whole_path_each_step_on_its_page_with_its_preset():
    at = open_app({"present": "1", "step": STEPS[0].id})
    assert not at.exception
    for number, step in enumerate(STEPS):
        assert at.session_state[lecture.STEP] == step.id
        assert at.query_params["step"] == step.id and at.query_params["present"] == "1"
        if step.id in QUESTIONS:  # predict, then reveal: the page runs once the poll is revealed (or skipped)
            assert page_of(at) == "home" and any("after the poll's reveal" in i.value for i in at.info), step.id
            at.button(key=f"lecture_skip_{step.id}").click().run()
        assert page_of(at) == step.page, step.id
        assert any(f"Step {number + 1} of {len(STEPS)}" in m.value for m in at.markdown)
        if step.preset is not None:
            controls = CONTROL_KEYS[step.page]
            assert at.session_state[f"{controls}.preset"] == step.preset, step.id
            flat = PRESETS[step.preset].to_flat()
            assert at.query_params["seed"] == str(flat["seed"])
        else:
            assert step.page == BACKPROP_PAGE and lecture.SCROLL not in at.session_state  # the scroll was sent
        assert not at.exception and not at.error, step.id
        if number + 1 < len(STEPS):
            at.button(key=lecture.NEXT_KEY).click().run()
    assert at.button(key=lecture.NEXT_KEY).disabled  # the last step
    at.button(key=lecture.PREVIOUS_KEY).click().run()
    assert at.session_state[lecture.STEP] == "e8-small" and at.session_state["quad.preset"] == "quadratic-small-sgd"


def test_the_step_list_jumps_and_the_link_opens_the_same_step():
    at = open_app({"step": "e3-gates", "lang": "en"})
    assert at.session_state[lecture.STEP] == "e3-gates" and at.session_state["xor.preset"] == "perceptron-and"
    assert at.button(key=lecture.PREVIOUS_KEY).disabled
    at.selectbox(key=lecture.CHOICE).set_value("e6-chain").run()
    assert at.session_state[lecture.STEP] == "e6-chain" and page_of(at) == BACKPROP_PAGE
    link = {key: at.query_params[key] for key in at.query_params}
    assert link["step"] == "e6-chain" and "present" not in link  # a student's link: the path, not presenter view
    again = open_app(link)  # the copied link, in a new session
    assert again.session_state[lecture.STEP] == "e6-chain" and page_of(again) == BACKPROP_PAGE
    assert not again.exception


def test_a_bad_step_id_gets_a_notice_and_the_first_step():
    for garbage in ("e99", "", "<script>" + "x" * 500):
        at = open_app({"step": garbage, "present": "1"})
        assert not at.exception
        assert at.session_state[lecture.STEP] == STEPS[0].id and page_of(at) == STEPS[0].page
        notices = [w.value for w in at.warning if "not a step of the lecture" in w.value]
        assert len(notices) == 1 and len(notices[0]) < 200  # the id is cut in the notice
        assert at.query_params["step"] == STEPS[0].id
        at.button(key=lecture.NEXT_KEY).click().run()  # moving on clears the notice
        assert not [w for w in at.warning if "not a step of the lecture" in w.value]


def test_a_link_with_a_steps_page_settings_keeps_them():
    """A shared link to a step with its page's own settings opens those settings, not the preset."""
    at = open_app({"step": "e1-mlp", "seed": "5", "epochs": "300"}, page="pages/perceptron_xor.py")
    assert at.session_state[lecture.STEP] == "e1-mlp" and at.session_state["xor.seed"] == 5
    assert not [w for w in at.warning if "ignored" in w.value]  # present and step are not read as settings
    assert at.query_params["step"] == "e1-mlp" and at.query_params["seed"] == "5"
    # The same settings on another page than the step's are not the step's: the step opens as the path has it.
    at = open_app({"step": "e1-mlp", "seed": "5"}, page="pages/quadratic_regression.py")
    assert page_of(at) == "perceptron_xor" and at.session_state["xor.preset"] == "xor-2-2-1"


def test_presenter_view_is_switched_from_the_sidebar_and_the_path_with_it():
    at = open_app({"lang": "en", "epochs": "300"})
    assert not lecture.presenter_session()
    assert not [m for m in at.markdown if "Step 1 of" in m.value]  # the path is off
    at.toggle(key=lecture.PRESENT).set_value(True).run()
    assert at.session_state[lecture.PATH] and at.query_params["present"] == "1"
    assert any("Step 1 of" in m.value for m in at.markdown)
    at.toggle(key=lecture.PATH).set_value(False).run()  # leaving the path leaves presenter view too
    assert not at.session_state[lecture.PRESENT] and "present" not in at.query_params
    assert "step" not in at.query_params


def test_presenter_view_draws_the_steps_controls_in_the_bar():
    at = open_app({"present": "1", "step": "e3-gates"})
    bar_keys = {w.key for w in at.main.selectbox} | {w.key for w in at.main.number_input}
    assert "xor.gate" in bar_keys  # the step's control, above the charts
    assert "xor.seed" not in bar_keys and "xor.seed" in {w.key for w in at.sidebar.number_input}
    at.main.selectbox(key="xor.gate").set_value("or").run()
    assert at.session_state["xor.preset"] == "perceptron-or"  # the gate switch is the OR preset
    assert at.session_state[lecture.STEP] == "e3-gates"
