"""The core in Korean (locale/ko/LC_MESSAGES/core.po): the fields' labels and help, the choices and
the presets, every refused value, the diagnoses, the cost's advice and refusals, the exported script's
comments, and the training pages' sidebar. In English nothing changes (the other tests run in English)."""

from __future__ import annotations

import io
import tokenize

import pytest
from exactness import assert_same_losses
from i18n_support import _proto_strings, _walk, english_words, hangul
from test_export import printed_losses

from mlp_core import DESCRIPTIONS, FIELDS, PRESETS, TITLES, export_script, i18n, parse_query_lenient, run
from mlp_core.config import Config, field_help, field_label
from mlp_core.cost import estimate, estimate_sweep
from mlp_core.diagnosis import VERDICTS, diagnose, summary, verdict_label
from mlp_core.fields import FieldError, check_value, parse_text

CORE_SOURCES = ("mlp_core/fields.py", "mlp_core/config.py", "mlp_core/presets.py", "mlp_core/components.py",
                "mlp_core/diagnosis.py", "mlp_core/cost.py", "mlp_core/export.py", "ui/controls.py")
# What a notice names as it was typed or as the code calls it: field names, choices, values from a link.
NAMES = set(FIELDS) | {choice for spec in FIELDS.values() for choice in spec.choices} | {
    "quadratic", "nine_points", "bogus", "lots", "swish", "nand", "xor", "fast"}


@pytest.fixture
def korean():
    i18n.use("ko")
    yield
    i18n.use("en")


def korean_prose(*texts: str, allowed: set[str] = frozenset()) -> None:
    """Each text is Korean, with no English word left but names and code."""
    assert all(hangul([text]) for text in texts), [text for text in texts if not hangul([text])]
    assert english_words(list(texts), set(allowed)) == set(), texts


def test_every_core_message_has_a_korean_translation_with_the_same_placeholders():
    catalog = i18n.read_catalog("ko")
    mine = {key: where for key, where in i18n.marked_messages().items()
            if any(place.startswith(CORE_SOURCES) for place in where)}
    assert len(mine) > 150
    missing = [key for key in mine if key not in catalog]
    assert missing == []
    for key in mine:
        assert i18n.placeholders(key) == i18n.placeholders(catalog[key]), key


def test_field_labels_and_help_read_in_korean(korean):
    for name in FIELDS:
        korean_prose(field_label(name), field_help(name))
    assert "sgd:" in field_help("optimizer") and "adam:" in field_help("optimizer")  # every registry entry
    i18n.use("en")
    assert field_label("learning_rate") == "Learning rate" == FIELDS["learning_rate"].label
    assert field_help("optimizer") == FIELDS["optimizer"].help  # the English one, from the registry


def test_choice_labels_and_presets_read_in_korean(korean):
    from ui.controls import CHOICE_LABELS, choice_label, preset_title

    shown = [choice_label(name) for name in CHOICE_LABELS]
    assert english_words(shown) == set(), shown
    assert choice_label("identity") == "항등 함수 (없음)" and choice_label("randn").startswith("torch.randn")
    for name in PRESETS:
        korean_prose(i18n._(DESCRIPTIONS[name]))
        assert english_words([preset_title(name)]) == set(), preset_title(name)
    korean_prose(preset_title("custom"))
    i18n.use("en")
    assert preset_title("xor-2-2-1") == TITLES["xor-2-2-1"] and choice_label("leaky_relu") == "leaky ReLU"


BAD_VALUES = [  # (field, URL text): every way a value is refused
    ("learning_rate", "fast"), ("learning_rate", "inf"), ("learning_rate", "500"), ("epochs", "1.5"),
    ("epochs", "-5"), ("hidden_widths", "0-3"), ("hidden_widths", "1-1-1-1-1-1-1-1-1"), ("hidden_widths", "x"),
    ("activation", "swish"), ("gate", "nand"), ("seed", "lots"),
]


@pytest.mark.parametrize("name, text", BAD_VALUES)
def test_a_refused_value_is_explained_in_korean_with_its_name_and_value(korean, name, text):
    with pytest.raises(FieldError) as refused:
        check_value(FIELDS[name], parse_text(FIELDS[name], text))
    message = str(refused.value)
    assert message.startswith(f"{name} = ")
    korean_prose(message, refused.value.reason, allowed=NAMES)
    _, notices = parse_query_lenient({name: text}, PRESETS["xor-2-2-1"])
    assert len(notices) == 1 and message in notices[0]
    korean_prose(*notices, allowed=NAMES)


def test_refused_values_still_read_in_english():
    with pytest.raises(FieldError) as refused:
        check_value(FIELDS["learning_rate"], 500.0)
    assert str(refused.value) == "learning_rate = 500 is out of range; it must be between 1e-05 and 100."
    _, notices = parse_query_lenient({"hidden_widths": "0-3", "bogus": "1"}, PRESETS["xor-2-2-1"])
    assert notices == ["hidden_widths = (0, 3) is not allowed: each width must be a whole number between 1 and 256. "
                       "Using 2.", "unknown setting 'bogus' ignored."]


@pytest.mark.parametrize("make", [
    lambda: PRESETS["quadratic-wide-adam"].replace(loss="bce"),
    lambda: PRESETS["xor-2-2-1"].replace(output_activation="identity"),
    lambda: PRESETS["xor-2-2-1"].replace(batch_size=5),
    lambda: Config.from_query({"depth": "3"}),
    lambda: Config.from_json("[1, 2]"),
])
def test_settings_that_do_not_fit_together_are_explained_in_korean(korean, make):
    with pytest.raises(ValueError) as refused:
        make()
    korean_prose(str(refused.value), allowed=NAMES | {"depth"})


def test_a_link_of_settings_that_do_not_fit_gives_korean_notices(korean):
    _, notices = parse_query_lenient({"dataset": "quadratic", "bogus": "1"}, PRESETS["xor-2-2-1"])
    assert len(notices) == 2
    korean_prose(*notices, allowed=NAMES)


QUADRATIC = PRESETS["quadratic-small-sgd"]
RUNS = {  # verdict (and the kind of headline) -> a short run that gets it
    "solved": PRESETS["perceptron-and"],
    "solved (a line)": PRESETS["linear-regression-9-points"],
    "solved (the noise floor)": QUADRATIC.replace(hidden_widths=(16,), optimizer="adam", learning_rate=0.05,
                                                  n_samples=50, x_limit=2.0, epochs=2000),
    "plateau": PRESETS["perceptron-xor"],
    "diverged": QUADRATIC.replace(loss="mse", learning_rate=100.0, epochs=200),
    "still falling": PRESETS["quadratic-wide-adam"].replace(epochs=200, n_samples=100),
    "stuck": PRESETS["xor-2-2-1"].replace(activation="relu", learning_rate=100.0, hidden_widths=(8,)),
    "stuck (learned nothing)": QUADRATIC.replace(hidden_widths=(8,), optimizer="adam", learning_rate=100.0,
                                                 n_samples=50, epochs=300),
}


@pytest.mark.parametrize("case", list(RUNS))
def test_a_diagnosis_reads_in_korean_with_no_english_word(korean, case):
    result = run(RUNS[case])
    diagnosis = diagnose(result)
    assert diagnosis.verdict == case.split(" (")[0]
    korean_prose(diagnosis.label, diagnosis.headline, *([diagnosis.hint] if diagnosis.hint else []))
    i18n.use("en")
    english = diagnose(result)
    assert english.verdict == diagnosis.verdict and hangul([english.headline, english.hint, english.label]) == []
    assert english.label == english.verdict.capitalize()  # what the page showed before it was translatable


def test_verdicts_and_a_sweeps_summary_read_in_korean(korean):
    for verdict in VERDICTS:
        korean_prose(verdict_label(verdict))
    text = summary(["solved", "stuck", "stuck", "plateau", "diverged", "still falling"])
    assert text.startswith("6개 중 1개 해결") and "멈춤 2" in text
    korean_prose(text)
    i18n.use("en")
    assert summary(["solved", "stuck", "stuck", "plateau"]) == "1 / 4 solved · 1 plateau · 2 stuck"


@pytest.mark.parametrize("changes", [
    {"epochs": 100_000, "hidden_widths": (256,) * 8},  # the arithmetic dominates
    {"epochs": 100_000, "noise_std": 0.2, "n_samples": 5000, "batch_size": 1},  # many small batches
    {"epochs": 10_000, "hidden_widths": (2,) * 8},  # the steps dominate
])
def test_the_cost_advice_and_the_refusals_read_in_korean(korean, changes):
    config = PRESETS["xor-2-2-1"].replace(**changes)
    cost, sweep = estimate(config, limit=1.0), estimate_sweep(config, 100, limit=1.0)
    assert cost.too_slow and sweep.too_slow
    korean_prose(cost.advice, cost.refusal(), sweep.advice, sweep.sweep_refusal(100))
    i18n.use("en")
    english = estimate(config)
    assert english.refusal() == (f"These settings would take about {english.seconds:,.0f} s to train, more than "
                                 f"the {english.limit:.0f} s this app allows. To train faster, {english.advice}.")
    assert hangul([english.advice, estimate_sweep(config, 100).sweep_refusal(100)]) == []


# --- the exported script ----------------------------------------------------------------------

def code_lines(script: str) -> list[str]:
    """The script's lines without its comments and docstrings: what runs."""
    lines, in_docstring = [], False
    for line in script.splitlines():
        stripped = line.strip()
        if in_docstring or stripped.startswith('"""'):
            if stripped.count('"""') == 1:
                in_docstring = not in_docstring
            continue
        if not stripped.startswith("#"):
            lines.append(line.split("  # ")[0])
    return lines


def comments_and_docstrings(script: str) -> list[str]:
    tokens = tokenize.generate_tokens(io.StringIO(script).readline)
    return [token.string for token in tokens if token.type == tokenize.COMMENT
            or token.type == tokenize.STRING and token.string.startswith('"""')]


EXPORTED = {
    "xor-2-2-1": PRESETS["xor-2-2-1"],
    "linear-regression-9-points": PRESETS["linear-regression-9-points"],
    "noisy, batches, randn": PRESETS["xor-2-2-1"].replace(noise_std=0.2, n_samples=40, batch_size=8, epochs=201,
                                                          init="randn", activation="tanh", hidden_widths=(3,)),
    "quadratic": QUADRATIC.replace(epochs=201, n_samples=50),
}


@pytest.mark.parametrize("case", list(EXPORTED))
def test_the_exported_script_in_korean_has_korean_comments_and_the_same_code_and_losses(korean, case):
    config = EXPORTED[case]
    script = export_script(config)
    i18n.use("en")
    english = export_script(config)
    assert hangul([english]) == []
    assert code_lines(script) == code_lines(english) and len(script.splitlines()) == len(english.splitlines())
    notes = comments_and_docstrings(script)
    assert len(notes) == len(comments_and_docstrings(english)) >= 3
    for note in notes:
        prose = note.split("\n\n")[0] if note.startswith('"""') else note  # the docstring's query line is code
        assert hangul([prose]), note
        assert english_words([prose], {"requires_grad"}) == set(), note
    assert max(len(line) for line in script.splitlines() if line.lstrip().startswith("#")) <= 92
    printed = printed_losses(script)
    losses = run(config).losses
    assert sorted(printed) == list(range(0, len(losses), 100))
    assert_same_losses(losses[::100], [printed[s] for s in sorted(printed)], epochs=sorted(printed),
                       against="the Korean exported script")


# --- the sidebar of a training page -----------------------------------------------------------

WIDGETS = ("selectbox", "slider", "select_slider", "number_input", "text_input", "toggle", "checkbox", "radio",
           "multiselect", "button")


def sidebar_control_texts(at) -> list[str]:
    """Every label, help text and option of the sidebar's controls (the values set aside)."""
    texts = []
    for element in _walk(at.sidebar):
        if getattr(element, "type", "") in WIDGETS and getattr(element, "proto", None) is not None:
            value = getattr(element, "value", None)
            texts += [text for text in _proto_strings(element.proto) if text != value and text.strip()]
    return texts


@pytest.mark.usefixtures("fresh_caches")
def test_the_quadratic_pages_sidebar_controls_read_in_korean():
    from apptest_support import open_app
    from conftest import ROOT

    page = str(ROOT / "pages" / "quadratic_regression.py")
    at = open_app(page, {"lang": "ko", "epochs": "200", "n_samples": "100", "bogus": "1", "seed": "lots"})
    assert not at.exception
    texts = sidebar_control_texts(at)
    assert len(texts) > 30 and "학습률" in texts and "직접 설정" in texts
    assert english_words(texts) == set(), texts
    labels = [element.label for element in _walk(at.sidebar) if getattr(element, "type", "") in WIDGETS]
    assert all(hangul([label]) for label in labels), labels
    notices = [warning.value for warning in at.warning if "링크의 설정 가운데 일부를" in warning.value]
    assert len(notices) == 1 and "bogus" in notices[0] and "seed = 'lots'" in notices[0]
    korean_prose(notices[0], allowed=NAMES)

    english = open_app(page, {"lang": "en", "epochs": "200", "n_samples": "100"})
    assert not english.exception and hangul(sidebar_control_texts(english)) == []
