"""Every page in both languages, whole, as a reader sees it: in Korean no English prose is left
(code, formulas and names aside), in English no Hangul; and the language comes from the link, else
from the browser, and survives the page's own rewriting of the link."""

from __future__ import annotations

import pytest
from apptest_support import open_app
from conftest import ROOT
from i18n_support import english_words, hangul, readable_texts

from mlp_core import FIELDS

pytestmark = pytest.mark.usefixtures("fresh_caches")

PAGES = {
    "home": ("streamlit_app.py", {}),
    "xor": ("pages/perceptron_xor.py", {"epochs": "300"}),
    "xor-perceptron": ("pages/perceptron_xor.py", {"preset": "perceptron-and", "epochs": "300"}),
    "quadratic": ("pages/quadratic_regression.py", {"epochs": "300"}),
    "quadratic-diverged": ("pages/quadratic_regression.py", {"hidden_widths": "2-3-4", "learning_rate": "100",
                                                             "optimizer": "sgd", "loss": "mse", "noise_std": "1.0",
                                                             "x_limit": "10.0", "epochs": "300"}),
    "quadratic-stuck": ("pages/quadratic_regression.py", {"learning_rate": "100", "epochs": "300"}),
    "quadratic-hostile-link": ("pages/quadratic_regression.py", {"epochs": "lots", "bogus": "1", "seed": "-3"}),
    "backprop": ("pages/backprop_walkthrough.py", {}),
    "backprop-mid-walk": ("pages/backprop_walkthrough.py", {"e4_step": "5", "e5_step": "12", "quiz": "1"}),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_page_in_korean_has_no_english_prose_left(name):
    path, params = PAGES[name]
    at = open_app(str(ROOT / path), {**params, "lang": "ko"})
    assert not at.exception
    texts = readable_texts(at)
    assert hangul(texts), "nothing on the page is in Korean"
    assert english_words(texts, allowed=set(FIELDS)) == set()  # a link's setting names are the link's


@pytest.mark.parametrize("name", PAGES)
def test_a_page_in_english_has_no_hangul(name):
    path, params = PAGES[name]
    at = open_app(str(ROOT / path), {**params, "lang": "en"})
    assert not at.exception
    texts = readable_texts(at)
    assert hangul(texts) == [] or all("한국어" in text for text in hangul(texts))  # the switch names itself


def test_without_lang_the_page_speaks_english_and_the_link_keeps_the_choice():
    at = open_app(str(ROOT / "pages/quadratic_regression.py"), {"epochs": "300"})
    assert not at.exception and at.query_params["lang"] in ("en", ["en"])  # AppTest has no browser locale
    at = open_app(str(ROOT / "pages/quadratic_regression.py"), {"epochs": "300", "lang": "ko"})
    assert at.query_params["lang"] in ("ko", ["ko"])  # the page rewrote its link and kept the language
    at = open_app(str(ROOT / "pages/quadratic_regression.py"), {"epochs": "300", "lang": "xx"})
    assert not at.exception and at.query_params["lang"] in ("en", ["en"])
