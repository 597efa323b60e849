"""The page's inputs kept in the link: one table of fields (mlp_core.fields, as every page's) drives
parsing, defaults and writing back; the number inputs and sliders are bound to it.

Session-state keys all start with "bp_" (the URL names without it), so they never collide with
another page's widgets.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import streamlit as st

from lessons.backprop.analysis import (ACTIVATION_NAMES, E6_DEFAULTS, E6_NAMES, E7, LEARNING_RATES,
                                       LECTURE_ACTIVATIONS, MAX_STEPS)
from mlp_core.circuits import circuit_e4, circuit_e5_expanded
from mlp_core.fields import Field, format_text, parse_lenient
from mlp_core.graph import walkthrough
from mlp_core.i18n import _
from ui.language import KEPT_KEYS, with_language


def _state(key: str) -> str:
    return f"bp_{key}"


# ---------------------------------------------------------------------------------------------
# Every control in the URL: one table drives parsing, defaults and writing back

def _walk_length(build: Callable[[], Any]) -> int:
    return len(walkthrough(build()))


def _number(key: str, kind: type, default: float, low: float, high: float) -> Field:
    return Field(key, "backprop", kind, default, low=low, high=high, digits=10)


# Every input of the page, as fields of the same kind as the configs' (mlp_core/fields.py): one parser,
# one check and one URL format for every page. Floats go to the URL with 10 significant digits.
CONTROLS: dict[str, Field] = {c.name: c for c in (
    Field("quiz", "backprop", bool, False),
    *(_number(k, float, v, -100.0, 100.0) for k, v in zip("xyz", (-2.0, 5.0, -4.0))),
    _number("e4_step", int, 0, 0, _walk_length(circuit_e4) - 1),
    *(_number(k, float, v, -10.0, 10.0) for k, v in zip(("w0", "w1", "w2", "x0", "x1"), (2.0, -3.0, -3.0, -1.0, -2.0))),
    _number("e5_step", int, 0, 0, _walk_length(circuit_e5_expanded) - 1),
    Field("act", "backprop", tuple, LECTURE_ACTIVATIONS, choices=tuple(ACTIVATION_NAMES)),
    _number("slope", float, 0.1, 0.0, 0.5),
    *(_number(f"net_{k}", float, v, -5.0, 5.0) for k, v in zip(E6_NAMES, E6_DEFAULTS)),
    Field("lr", "backprop", float, E7.training.learning_rate, stops=LEARNING_RATES, digits=10),
    _number("steps", int, 0, 0, MAX_STEPS),
)}
RESERVED = ("embed", "embed_options", *KEPT_KEYS)  # Streamlit's, the language's, the lecture's: not ours to judge


def parse_params(params: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Every control's value from the link, defaults where it says nothing or nonsense.

    Returns the values and one notice per ignored parameter. Never raises.
    """
    values, refused = parse_lenient(CONTROLS, params, ignore=RESERVED)
    notices = []
    for error in refused:
        if error.name not in CONTROLS:
            notices.append(_("{name} is not a setting of this page", name=_quote(error.name)))
        else:
            default = format_text(CONTROLS[error.name], CONTROLS[error.name].default)
            notices.append(_("{name} = {value} {reason}; using {default}", name=_quote(error.name),
                             value=_quote(params[error.name]), reason=error.reason, default=default))
    return values, notices


def _quote(text: str) -> str:
    """A URL fragment made safe for Markdown: short, in backticks, no backticks inside."""
    text = text if len(text) <= 24 else text[:24] + "…"
    return "`" + text.replace("`", "'") + "`"


def load_url_state() -> None:
    """On entering the page, seed every control from the link and remember what was ignored.

    Entering is detected by the quiz toggle's state being absent: Streamlit drops a widget's
    state once a run no longer draws it, i.e. after the user visited another page.
    """
    if _state("quiz") in st.session_state:
        return
    params = st.query_params.to_dict()
    for key, value in parse_params(params)[0].items():
        st.session_state[_state(key)] = list(value) if isinstance(value, tuple) else value
    # The refused parameters themselves: the notice is written when shown, in the reader's language
    # (the language switch keeps the page's state and reruns it).
    refused = parse_lenient(CONTROLS, params, ignore=RESERVED)[1]
    st.session_state[_state("notices")] = {error.name: params[error.name] for error in refused}


def save_url_state() -> None:
    """Write every control that differs from its default into the link, in page order."""
    wanted = {}
    for key, control in CONTROLS.items():
        value = st.session_state.get(_state(key), control.default)
        value = tuple(value) if isinstance(value, list) else value
        if value != control.default:
            wanted[key] = format_text(control, value)
    current = {k: v for k, v in st.query_params.to_dict().items() if k not in RESERVED}
    if current != wanted:
        st.query_params.from_dict(with_language(wanted))


def url_notice_ui() -> None:
    """The notice naming what the link asked for and did not get, with a way to dismiss it."""
    refused = st.session_state.get(_state("notices"))
    if not refused:
        return
    notices = parse_params(refused)[1]
    lines = "\n".join(f"- {notice}" for notice in notices)
    st.warning(_("**Some settings in the link were ignored**; the page uses its defaults there.") + "\n\n"
               + lines, icon=":material/link_off:")
    st.button(_("Dismiss"), key=_state("dismiss_notices"),
              on_click=lambda: st.session_state.update({_state("notices"): {}}))


# ---------------------------------------------------------------------------------------------
# Controls

def number_inputs_ui(keys: Sequence[str], labels: Sequence[str], step: float) -> list[float]:
    """A row of number inputs bound to the URL controls `keys`; returns their values."""
    values = []
    for column, key, label in zip(st.columns(len(keys)), keys, labels):
        control = CONTROLS[key]
        values.append(column.number_input(label, min_value=control.low, max_value=control.high,
                                          step=step, format="%g", key=_state(key)))
    return values


def sliders_ui(keys: Sequence[str], labels: Sequence[str], columns: int = 2) -> list[float]:
    """Sliders bound to the URL controls `keys`, laid out in `columns` columns."""
    slots = st.columns(columns)
    values = []
    for i, (key, label) in enumerate(zip(keys, labels)):
        control = CONTROLS[key]
        values.append(slots[i % columns].slider(label, control.low, control.high, step=0.1,
                                                key=_state(key)))
    return values
