"""The Perceptron & XOR page in Korean and in English (issue 16), rendered by AppTest: every text the
page's own files write (pages/perceptron_xor.py, lessons/xor/*) reads in Korean with lang=ko, and
no Hangul is left with lang=en.

In Korean only the page's own elements are checked: the sidebar controls, the run's status line and
its Retrain button, the exports panel and the sweep's shared charts and time metric come from ui/*
and mlp_core/* (translated apart); the sweep's verdict caption is checked without the verdicts.
"""

from __future__ import annotations

import json
import re

import pytest
from apptest_support import open_app
from conftest import ROOT
from i18n_support import _chart_texts, _graph_texts, _proto_strings, english_words, hangul, readable_texts

from lessons.xor import views
from mlp_core import i18n
from mlp_core.i18n import _

PAGE = str(ROOT / "pages" / "perceptron_xor.py")
SHORT = {"epochs": "300"}
HOSTILE = {"epochs": "lots", "learning_rate": "nan", "noise_std": "3", "n_samples": "-4", "hidden_widths": "64",
           "activation": "<script>", "seed": "1e999", "gate": "nand", "loss": "mse", "bogus": "1",
           "preset": "xor-9000"}

# Elements on the page that other parts of the app write: ui/live's Retrain button, the status line
# and the link's notices (warnings, successes, errors), the exports panel (an expander of downloads).
FOREIGN_KINDS = {"warning", "success", "error", "exception", "code"}
FOREIGN_KEYS = {"xor.retrain"}
MY_METRICS = ("Loss", "Accuracy", "Epoch", "Time", "Seeds that solve it", "Median final loss")
SWEEP_CAPTION = "The seeds by verdict: {verdicts} (the same verdicts as a single run's)."

pytestmark = pytest.mark.usefixtures("fresh_caches")


def open_page(params: dict[str, str], language: str) -> object:
    return open_app(PAGE, {**params, "lang": language})


def _children(node):
    children = getattr(node, "children", None)
    return list(children.values()) if isinstance(children, dict) else list(children or [])


def _walk(node):
    """The page's tree, without the exports panel (an expander holding download buttons)."""
    if getattr(node, "type", "") == "expander" and any(
            getattr(n, "type", "") == "download_button" for n in _descendants(node)):
        return
    yield node
    for child in _children(node):
        yield from _walk(child)


def _descendants(node):
    for child in _children(node):
        yield child
        yield from _descendants(child)


def own_texts(at, language: str) -> list[str]:
    """What the XOR page's own files show a reader (see the module's docstring)."""
    i18n.use(language)  # for the labels and the caption's frame, as the page shows them
    try:
        metrics = {_(label) for label in MY_METRICS}
        prefix, suffix = _(SWEEP_CAPTION).split("{verdicts}")
    finally:
        i18n.use("en")
    texts = [header.value for header in at.sidebar.header]  # the sidebar's controls are ui/controls'
    for element in _walk(at.main):
        kind, proto = getattr(element, "type", ""), getattr(element, "proto", None)
        if proto is None or kind in FOREIGN_KINDS or getattr(element, "key", None) in FOREIGN_KEYS:
            continue
        if kind == "metric":
            if element.label in metrics:
                texts += _proto_strings(proto)
        elif kind == "caption" and element.value.startswith(prefix.strip()):
            assert element.value.endswith(suffix), element.value
            texts += [prefix, suffix]  # the verdicts between them are mlp_core.diagnosis'
        elif kind == "vega_lite_chart":
            texts += _own_chart_texts(proto)
        elif kind == "graphviz_chart":
            texts += _graph_texts(proto.spec)
        elif kind == "dataframe":  # the column names (the proto's strings are its column config's JSON)
            texts += [str(column) for column in element.value.columns]
        else:
            texts += _proto_strings(proto)
    return [text for text in texts if text.strip()]


def _own_chart_texts(proto) -> list[str]:
    names = {dataset.name for dataset in proto.datasets}
    spec = json.loads(proto.spec)
    if "refs" in names:  # the loss chart: its axes are ui/charts' loss_spec; title and ln 2 label are ours
        title = spec.get("title")
        return [title["text"] if isinstance(title, dict) else title] + [
            text for text in _chart_texts(proto) if "ln 2" in text]
    if not names & {"cells", "accuracy"}:  # the sweep's charts (ui/sweeps): only the histogram's title
        title = spec.get("title", "")
        title = title.get("text", "") if isinstance(title, dict) else title
        return [title] if re.search(r"(?<!\d)100(?!\d)", str(title)) else []
    # The corner labels' places ("below left", …) are data a filter reads, never drawn.
    return [text for text in _chart_texts(proto) if text not in views.LABEL_PLACES]


def assert_korean(at) -> list[str]:
    assert not at.exception
    texts = own_texts(at, "ko")
    assert english_words(texts) == set(), texts
    assert hangul(texts)
    return texts


def assert_english(at) -> None:
    assert not at.exception
    texts = readable_texts(at) + [str(c) for frame in at.dataframe for c in frame.value.columns]
    assert hangul(texts) == []


def early_epoch(at) -> int:
    """The second saved snapshot's epoch: a replay near the start of the run."""
    return int(at.select_slider(key="xor.replay").options[1].replace(",", ""))


def chart_titles(at) -> str:
    return " ".join(str(json.loads(chart.proto.spec).get("title", "")) for chart in at.get("vega_lite_chart"))


# --- Korean ---------------------------------------------------------------------------------------

def test_e1_in_korean_trained_replayed_and_swept():
    at = open_page(SHORT, "ko")
    texts = assert_korean(at)
    assert at.title[0].value == "퍼셉트론과 XOR"
    assert any("다층 퍼셉트론**(MLP)은" in m.value for m in at.markdown)
    assert "결정 경계" in chart_titles(at) and "학습 손실 (BCE)" in chart_titles(at)
    assert {m.label for m in at.metric} >= {"손실", "정확도", "에폭", "시간"}
    assert any("클래스 0" in text for text in texts)  # the legend and the points' data
    table = next(frame.value for frame in at.dataframe if "가설 ŷ" in frame.value.columns)
    assert list(table.columns) == ["x1", "x2", "Y (정답)", "가설 ŷ", "예측 (ŷ > 0.5)"]
    assert "Accuracy:" in " ".join(m.value for m in at.markdown)  # the script's own line, as it prints it

    at.select_slider(key="xor.replay").set_value(early_epoch(at)).run()
    texts = assert_korean(at)
    assert any("번을 마친 네트워크" in text for text in texts)  # the replay's caption and the table's
    at.toggle(key="xor.log_scale").set_value(True).run()
    assert_korean(at)

    at.toggle(key="xor.show_sweep").set_value(True).run()
    texts = assert_korean(at)
    assert "시드 100개의 최종 손실" in texts
    assert any(text.startswith("판정별 시드") for text in (c.value for c in at.caption))
    assert {m.label for m in at.metric} >= {"성공한 시드", "최종 손실 중앙값"}
    assert at.selectbox(key="xor.sweep_seed").label == "시드 하나를 일반 실행으로 열기"
    assert re.match(r"시드 \d+: (성공|실패), 최종 손실 ", at.selectbox(key="xor.sweep_seed").options[0])


def test_perceptron_in_korean():
    at = open_page(SHORT | {"preset": "perceptron-xor"}, "ko")
    texts = assert_korean(at)
    assert any("어떤 직선으로도 XOR를 분리할 수 없습니다" in m.value for m in at.markdown)
    assert any("단층 퍼셉트론에는 은닉층이 없습니다" in i.value for i in at.info)
    assert any("입력 x1" in text for text in texts)  # the diagram's tooltips


def test_noisy_and_gate_in_korean():
    at = open_page(SHORT | {"gate": "and", "hidden_widths": "none", "noise_std": "0.2", "n_samples": "100"}, "ko")
    assert_korean(at)
    assert any("AND는 선형 분리가 가능합니다" in m.value for m in at.markdown)
    assert any("노이즈가 섞인 점 100개에서의 정확도" in m.value for m in at.markdown)
    corners = next(frame.value for frame in at.dataframe if "출력 ŷ" in frame.value.columns)
    assert list(corners.columns) == ["x1", "x2", "정답", "출력 ŷ", "예측 (ŷ > 0.5)"]


def test_deep_e2_and_the_hidden_space_pickers_in_korean():
    at = open_page(SHORT | {"preset": "xor-2-10-10-10-1"}, "ko")
    texts = assert_korean(at)
    assert at.selectbox(key="xor.hidden_layer").label == "은닉층"
    assert at.selectbox(key="xor.hidden_layer").options[0] == "1 (뉴런 10개)"
    assert any("근사입니다: 출력은 이 층의 다른 뉴런 8개에도 의존하며" in text for text in texts)
    at.selectbox(key="xor.hidden_layer").set_value(0).run()
    texts = assert_korean(at)
    assert any("마지막 은닉층을 고르세요" in text for text in texts)
    at.selectbox(key="xor.unit_a.0").set_value(3).run()
    assert_korean(at)
    assert at.selectbox(key="xor.unit_b.0").label == "세로축 뉴런"
    weights = next(frame.value for frame in at.dataframe if "파라미터" in frame.value.columns)
    assert list(weights.columns) == ["층", "파라미터", "출발", "도착", "값"] and "편향" in set(weights["출발"])


def test_hostile_link_in_korean():
    at = open_page(HOSTILE, "ko")
    assert_korean(at)  # the notices about the link are ui/controls'


# --- English ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("params", [SHORT | {"preset": "perceptron-xor"},
                                    SHORT | {"gate": "and", "hidden_widths": "none", "noise_std": "0.2",
                                             "n_samples": "100"},
                                    HOSTILE], ids=["perceptron", "noisy-and", "hostile"])
def test_no_hangul_in_english(params):
    assert_english(open_page(params, "en"))


def test_e1_and_e2_in_english_with_replay_pickers_and_sweep():
    at = open_page(SHORT, "en")
    assert_english(at)
    assert at.title[0].value == "Perceptron & XOR"
    at.select_slider(key="xor.replay").set_value(early_epoch(at)).run()
    assert_english(at)
    at.toggle(key="xor.show_sweep").set_value(True).run()
    assert_english(at)
    at = open_page(SHORT | {"preset": "xor-2-10-10-10-1"}, "en")
    at.selectbox(key="xor.hidden_layer").set_value(0).run()
    assert_english(at)
    assert at.selectbox(key="xor.hidden_layer").options[0] == "1 (10 units)"
