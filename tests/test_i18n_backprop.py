"""The Backprop walkthrough in Korean and in English (issue 16), through AppTest: every text of the
page's own files (the step narration, the quiz, the sections, the charts, the link's notice) reads
in Korean with `lang=ko` and has no Hangul with `lang=en`.

The graphs' node names and the PyTorch code panel are another part's (lessons/backprop/diagram.py,
code.py, mlp_core/graph.py); so are the reasons mlp_core/fields.py gives for a refused link value.
Their words are allowed here only where they come from there (see `OTHERS`).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from i18n_support import english_words, hangul, readable_texts
from lessons.backprop import state
from mlp_core.fields import parse_lenient
from mlp_core.i18n import use

pytestmark = pytest.mark.usefixtures("fresh_caches")

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "backprop_walkthrough.py")

# Names the page keeps in Latin letters as the lecture writes them: the walk's node names (graph
# labels from mlp_core/circuits.py, e.g. "sum") and activation names in the legend.
NAMES = {"sum", "softplus"}
# Not a text: st.header's divider colour, which tests/i18n_support.py reads as one (its SKIPPED_FIELDS
# lacks "divider").
NAMES |= {"orange"}
# Texts the page shows from another part's files (lessons/backprop/code.py's expander), translated there.
OTHER_TEXTS = {"PyTorch code for this section"}

HOSTILE = {"x": "abc", "y": "nan", "z": "inf", "w0": "1e308", "net_w1": "-1e400", "e4_step": "99",
           "lr": "5", "steps": "3.5", "quiz": "maybe", "act": "relu,softmax", "bogus": "1",
           "<script>": "`x`"}


def others(language: str) -> set[str]:
    """The English words of texts this page shows but does not write: the graphs' labels (another
    part's files) and mlp_core/fields.py's reasons for refusing a link value."""
    use(language)
    try:
        _, refused = parse_lenient(state.CONTROLS, HOSTILE, ignore=state.RESERVED)
        return english_words([error.reason for error in refused])
    finally:
        use("en")


def open_page(language: str, **params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params = {"lang": language, **params}
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return run(at)


def own_texts(at: AppTest) -> list[str]:
    """What a reader reads, less the Graphviz graphs (diagram.py's labels, tested by their part)."""
    graphs = {label for chart in at.get("graphviz_chart") for label in readable_texts_of_graph(chart)}
    return [text for text in readable_texts(at) if text not in graphs and text not in OTHER_TEXTS]


def readable_texts_of_graph(chart) -> list[str]:
    from i18n_support import _graph_texts

    return _graph_texts(chart.proto.spec)


def check(at: AppTest, language: str, allowed: set[str] = frozenset()) -> list[str]:
    texts = own_texts(at)
    if language == "ko":
        assert english_words(texts, allowed=NAMES | set(allowed)) == set()
        assert hangul(texts), "no Korean on the page"
    else:
        assert hangul(texts) == []
    return texts


def walk(at: AppTest, language: str, name: str, clicks: int) -> AppTest:
    """Step forward `clicks` times through a section's walk (forward pass, seed, backward pass),
    checking every step, then back once, then to the end and the start."""
    for _ in range(clicks):
        at = click(at, f"bp_{name}_next")
        check(at, language)
    at = click(at, f"bp_{name}_back")
    check(at, language)
    at = click(at, f"bp_{name}_end")
    check(at, language)
    return click(at, f"bp_{name}_reset")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_first_visit(language):
    at = open_page(language)
    texts = check(at, language)
    if language == "ko":
        joined = " ".join(texts)
        for korean in ("오차역전파 따라가기", "연쇄법칙", "활성화 함수", "선형 회귀", "학습률 η", "퀴즈 모드",
                       "다음", "이전", "처음", "끝", "한 스텝", "100 스텝 실행", "처음부터"):
            assert korean in joined, korean
        assert at.title[0].value == "오차역전파 따라가기"
    else:
        assert at.title[0].value == "Backprop walkthrough"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_stepping_through_sections_1_and_2(language):
    at = open_page(language)
    at = walk(at, language, "e4", 5)  # two forward nodes, the seed, two backward edges
    at = walk(at, language, "e5", 12)  # the whole forward pass, the seed and the first backward edges
    check(at, language)
    if language == "ko":
        at = click(at, "bp_e4_next")
        markdown = " ".join(m.value for m in at.markdown)
        assert "1단계" in markdown and "순전파" in markdown


@pytest.mark.parametrize("language", ["ko", "en"])
def test_backward_steps_say_the_chain_rule_in_the_language(language):
    at = open_page(language, e4_step="4", e5_step="14")
    check(at, language)
    text = " ".join(m.value for m in at.markdown) + " ".join(latex.value for latex in at.latex)
    if language == "ko":
        assert "곱셈 게이트는 각 입력에 다른 입력의 값을 보냅니다" in text
        assert r"\text{상류}" in text and r"\text{국소}" in text and r"\text{하류}" in text
        assert "상류 기울기" in text
    else:
        assert "a multiply gate sends each input the other input's value" in text
        assert r"\text{upstream}" in text


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_quiz_asks_and_answers_in_the_language(language):
    at = open_page(language, quiz="1", e4_step="4")
    check(at, language)
    at.number_input(key="bp_e4_answer").set_value(-3.0)
    at = click(at, "bp_e4_check")
    check(at, language)
    assert at.error
    at.number_input(key="bp_e4_answer").set_value(-4.0)
    at = click(at, "bp_e4_check")
    check(at, language)
    assert at.success
    if language == "ko":
        assert at.success[0].value.startswith("정답입니다: ∂f/∂q = −4")
    at = click(at, "bp_e4_next")
    at = click(at, "bp_e4_check")  # nothing typed
    check(at, language)
    at = click(at, "bp_e4_reveal")
    check(at, language)
    at = click(at, "bp_e5_end")
    check(at, language)
    if language == "ko":
        assert any(i.value.startswith("정답 공개") for i in at.info)
        assert at.number_input(key="bp_e5_answer").label.startswith("내 답:")
        assert at.number_input(key="bp_e5_answer").placeholder == "기울기를 입력하세요"
        assert at.button(key="bp_e5_check").label == "확인" and at.button(key="bp_e5_reveal").label == "정답 보기"
        assert any("퀴즈 모드" in i.value for i in at.info)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_section_5_buttons_and_a_divergence(language):
    at = open_page(language)
    at = click(at, "bp_e7_step")
    check(at, language)
    at = click(at, "bp_e7_run")
    check(at, language)
    at = click(at, "bp_e7_reset")
    check(at, language)
    at.select_slider[0].set_value(1.0)
    at = run(at)
    check(at, language)
    assert at.warning
    at = click(click(at, "bp_e7_step"), "bp_e7_step")
    check(at, language)
    assert at.error
    if language == "ko":
        assert "2번째 스텝에서 발산" in at.error[0].value
        assert {m.label for m in at.metric} >= {"스텝", "손실", "곱 ∂L/∂w2", "세 값 일치"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_activations_chart_and_the_empty_choice(language):
    at = open_page(language, act="sigmoid,leaky_relu,softplus")
    check(at, language)
    at.button_group[0].set_value([])
    at = run(at)
    check(at, language)
    assert at.info


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_hostile_link_gets_a_notice_in_the_language(language):
    at = open_page(language, **HOSTILE)
    check(at, language, allowed=others(language))
    notice = at.warning[0].value
    for name in HOSTILE:
        assert f"`{name}`" in notice
    if language == "ko":
        assert notice.startswith("**링크의 일부 설정을 무시했습니다.**")
        assert "이 페이지의 설정이 아닙니다" in notice and at.button(key="bp_dismiss_notices").label == "닫기"
    at = click(at, "bp_dismiss_notices")
    assert not at.warning
