"""AppTest: the home page and the quadratic page in Korean and in English (issue 16).

In Korean no English prose is left in what these pages' own files write (ui/live.py, ui/sweeps.py,
ui/exports.py, ui/charts.py, the quadratic lesson, the home page); the sidebar's controls and the
core's sentences set into them (a diagnosis, a cost advice, a sweep's verdict counts) are the core's
and the controls' catalogs, checked by their own tests, and are cut out of the texts here. In
English no Hangul at all, but for the language switch's own "한국어". And the language itself: from
the link, English by default, switched in the sidebar with every control kept and nothing trained
again.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from apptest_support import open_app, outcome
from conftest import ROOT
from i18n_support import english_words, hangul, readable_texts
from streamlit.testing.v1 import AppTest

from mlp_core import DESCRIPTIONS, PRESETS, Config
from mlp_core.cost import estimate
from mlp_core.diagnosis import diagnose, summary
from mlp_core.i18n import LANGUAGES, use
from mlp_core.i18n import _ as translate
from ui.store import RunStore, get_store

HOME = str(ROOT / "streamlit_app.py")
PAGE = str(ROOT / "pages" / "quadratic_regression.py")
BASE = PRESETS["quadratic-wide-adam"]
FINISHED = {"epochs": "300"}
DIVERGED = {"hidden_widths": "2-3-4", "learning_rate": "100", "optimizer": "sgd", "loss": "mse",
            "noise_std": "1.0", "x_limit": "10.0"}
STUCK = {"learning_rate": "100", "epochs": "3000", "n_samples": "200"}  # the default L1: learns nothing
TOO_SLOW = {"hidden_widths": "256-256-256-256-256-256-256-256", "epochs": "50000", "n_samples": "5000"}
SMALL = {"epochs": "200", "n_samples": "100", "hidden_widths": "8-8"}
LANGUAGE_NAMES = set(LANGUAGES.values())  # the switch names each language in itself

pytestmark = pytest.mark.usefixtures("fresh_caches")


def open_page(params: dict[str, str], lang: str | None) -> AppTest:
    return open_app(PAGE, params | ({"lang": lang} if lang else {}))


def main_texts(at: AppTest, language: str, params: dict[str, str] | None = None) -> list[str]:
    """What the main area reads, with the sentences of the core (the diagnosis, the cost advice, the
    sweep's verdict counts, in `language`) cut out: they are the core's messages, not these files'."""
    use(language)
    texts = readable_texts(SimpleNamespace(main=at.main, sidebar=None))
    cut = []
    if params is not None:
        config = Config.from_query(params, base=BASE)
        cut.append(estimate(config).advice)
        result = get_store().get(config)
        if result is not None and result.status != "diverged":
            diagnosis = diagnose(result)
            cut += [diagnosis.headline, diagnosis.hint]
        for n_seeds in range(5, 55, 5):
            sweep = get_store().lookup(RunStore.key(config.replace(seed=0), ("sweep", tuple(range(n_seeds)))))
            if sweep is not None:
                cut.append(summary(sweep.verdicts()))
    for piece in sorted(filter(None, cut), key=len, reverse=True):
        texts = [text.replace(piece, " ") for text in texts]
    return texts


def english_only(texts: list[str]) -> list[str]:
    return [text for text in hangul(texts) if text not in LANGUAGE_NAMES]


def navigation_titles(at: AppTest) -> list[str]:
    return [page["page_name"] for page in at._registered_pages.values()]


# --- the language ---------------------------------------------------------------------------------

def test_the_home_page_in_korean_from_the_link():
    at = AppTest.from_file(HOME, default_timeout=60)
    at.query_params["lang"] = "ko"
    at.run()
    assert not at.exception
    assert navigation_titles(at) == ["홈", "퍼셉트론과 XOR", "오차역전파 따라가기", "이차 함수 회귀"]
    assert [link.proto.label for link in at.page_link] == ["퍼셉트론과 XOR 열기", "오차역전파 따라가기 열기",
                                                           "이차 함수 회귀 열기"]
    assert at.radio(key="lang").label == "언어" and at.radio(key="lang").value == "ko"
    use("ko")
    texts = readable_texts(at)
    for name in PRESETS:  # the presets' descriptions are the core's catalog
        texts = [text.replace(translate(DESCRIPTIONS[name]), " ") for text in texts]
    assert english_words(texts) == set()
    assert "강의의 실험" in [h.value for h in at.subheader]


def test_the_home_page_is_english_without_a_link_or_a_locale():
    at = AppTest.from_file(HOME, default_timeout=60).run()
    assert not at.exception
    assert navigation_titles(at) == ["Home", "Perceptron & XOR", "Backprop walkthrough", "Quadratic regression"]
    assert at.radio(key="lang").value == "en" and at.radio(key="lang").label == "Language"
    assert english_only(readable_texts(at)) == []
    assert at.query_params["lang"] in ("en", ["en"])


def test_the_switch_changes_the_language_and_keeps_it_in_the_link():
    at = AppTest.from_file(HOME, default_timeout=60).run()
    at.radio(key="lang").set_value("ko").run()
    assert not at.exception
    assert at.query_params["lang"] in ("ko", ["ko"])
    assert navigation_titles(at)[0] == "홈" and at.title[0].value == "MLP Lab"
    assert "**다층 퍼셉트론**" in " ".join(m.value for m in at.markdown)
    at.radio(key="lang").set_value("en").run()
    assert at.query_params["lang"] in ("en", ["en"]) and navigation_titles(at)[0] == "Home"
    assert english_only(readable_texts(at)) == []


def test_switching_on_the_quadratic_page_keeps_every_control_and_trains_nothing_again():
    at = AppTest.from_file(HOME, default_timeout=120)
    for key, value in (SMALL | {"lang": "ko"}).items():
        at.query_params[key] = value
    at.switch_page("pages/quadratic_regression.py").run()
    assert not at.exception and "에폭을 학습했습니다" in " ".join(s.value for s in (*at.success, *at.warning))
    at.selectbox(key="quad.activation").set_value("tanh").run()
    at.toggle(key="quad.log_scale").set_value(True).run()
    at.toggle(key="quad.show_units").set_value(True).run()
    controls = {w.key: w.value for w in at.sidebar if getattr(w, "key", None) and w.key.startswith("quad.")}
    toggles = {t.key: t.value for t in at.toggle}
    trained = get_store().trained
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Quadratic regression"
    assert {w.key: w.value for w in at.sidebar if getattr(w, "key", None) and w.key.startswith("quad.")} == controls
    assert {t.key: t.value for t in at.toggle} == toggles
    assert get_store().trained == trained  # nothing trained again: the run store is keyed by the config
    assert "Trained 200 epochs" in outcome(at) and "shown from the run store" in outcome(at)
    assert at.query_params["lang"] in ("en", ["en"]) and at.query_params["activation"] in ("tanh", ["tanh"])


# --- the quadratic page in Korean -----------------------------------------------------------------

def test_a_finished_run_in_korean():
    at = open_page(FINISHED, "ko")
    assert not at.exception
    assert at.title[0].value == "이차 함수 회귀"
    status = " ".join(e.value for e in (*at.success, *at.warning))
    assert "300 에폭을 학습했습니다" in status
    assert [m.label for m in at.metric] == ["학습 손실", "노이즈 하한 대비", "에폭", "시간"]
    assert at.button(key="quad.retrain").label == "다시 학습"
    assert english_words(main_texts(at, "ko", FINISHED)) == set()
    texts = main_texts(at, "ko", FINISHED)
    for words in ("참 곡선 x² + 3", "신경망", "데이터 없음", "학습 손실", "에폭", "손실"):
        assert words in texts


def test_a_diverged_run_in_korean():
    at = open_page(DIVERGED, "ko")
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "학습이 발산했습니다" in message and "학습률 100" in message and "10(으)로 해 보세요" in message
    texts = main_texts(at, "ko", DIVERGED)
    assert "학습 손실 (로그 스케일)" in texts and "발산할 때까지 커졌습니다" in texts
    assert english_words(texts) == set()


def test_a_stuck_run_in_korean():
    at = open_page(STUCK, "ko")
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "에폭을 학습했습니다" in warning and "**해 볼 것:**" in warning and "**멈춤**" in warning
    assert english_words(main_texts(at, "ko", STUCK)) == set()


def test_the_units_view_and_the_log_scale_in_korean():
    at = open_page(SMALL, "ko")
    at.toggle(key="quad.show_units").set_value(True).run()
    at.toggle(key="quad.log_scale").set_value(True).run()
    assert not at.exception
    labels = [t.label for t in at.toggle]
    assert "손실을 로그 스케일로" in labels and "신경망이 학습한 것 보기: 마지막 은닉층, 유닛별로" in labels
    text = " ".join(m.value for m in at.markdown)
    assert "**이 곡선들의 합**" in text and "ReLU에서는 각 유닛이 경첩 모양입니다" in text
    texts = main_texts(at, "ko", SMALL)
    assert "손실 (로그 스케일)" in texts and "유닛 1" in texts
    assert "마지막 은닉층의 유닛별 기여: 출력 가중치 × 활성화 값" in texts
    assert english_words(texts) == set()


def test_the_seed_sweep_in_korean():
    at = open_page(SMALL, "ko")
    at.toggle(key="quad.show_sweep").set_value(True).run()
    at.slider(key="quad.sweep_seeds").set_value(5).run()
    assert not at.exception and not at.error
    labels = [m.label for m in at.metric]
    assert "최종 손실, 시드별 중앙값" in labels and "모든 시드의 학습 시간" in labels
    assert at.slider(key="quad.sweep_seeds").label == "시드 수"
    texts = main_texts(at, "ko", SMALL)
    assert "시드 5개의 최종 손실" in texts and "최종 손실" in texts
    assert {"해결됨", "해결 안 됨"} & set(texts)  # the legend's outcomes, in the chart's data
    assert any(text.startswith("판정별 시드:") for text in texts)
    assert english_words(texts) == set()


def test_the_exports_panel_in_korean():
    at = open_page(SMALL, "ko")
    assert not at.exception
    assert at.expander[0].label == "내보내기: PyTorch 스크립트, 손실 기록, 학습된 가중치"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["스크립트 (.py)", "손실 기록 (.csv)", "학습된 가중치 (.pt)"]
    assert "100 에폭마다" in " ".join(c.value for c in at.caption)


def test_a_config_too_slow_to_train_in_korean():
    at = open_page(TOO_SLOW, "ko")
    assert not at.exception and get_store().trained == 0
    message = " ".join(e.value for e in at.error)
    assert "이 앱이 허용하는" in message and "더 빨리 학습하려면" in message
    assert english_words(main_texts(at, "ko", TOO_SLOW)) == set()


# --- and in English: no Hangul ----------------------------------------------------------------------

@pytest.mark.parametrize("params", [FINISHED, DIVERGED, STUCK, TOO_SLOW], ids=["finished", "diverged", "stuck",
                                                                              "too-slow"])
def test_the_quadratic_page_in_english_has_no_hangul(params):
    at = open_page(params, "en")
    assert not at.exception
    assert english_only(readable_texts(at)) == []


def test_the_views_on_demand_in_english_have_no_hangul():
    at = open_page(SMALL, "en")
    at.toggle(key="quad.show_units").set_value(True).run()
    at.toggle(key="quad.log_scale").set_value(True).run()
    at.toggle(key="quad.show_sweep").set_value(True).run()
    at.slider(key="quad.sweep_seeds").set_value(5).run()
    assert not at.exception
    texts = readable_texts(at)
    assert english_only(texts) == []
    assert "Final loss of 5 seeds" in texts and "true curve x² + 3" in texts
    assert "Export: the plain PyTorch script, the loss history, the trained weights" in texts
