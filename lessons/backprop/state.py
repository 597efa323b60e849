"""The page's inputs kept in the link: one table of controls drives parsing, defaults and writing
back; the number inputs and sliders are bound to it.

Session-state keys all start with "bp_" (the URL names without it), so they never collide with
another page's widgets.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import streamlit as st

from lessons.backprop.analysis import ACTIVATION_NAMES, E6_DEFAULTS, E6_NAMES, E7, LEARNING_RATES, MAX_STEPS
from mlp_core.circuits import circuit_e4, circuit_e5_expanded
from mlp_core.graph import walkthrough


def _state(key: str) -> str:
    return f"bp_{key}"


# ---------------------------------------------------------------------------------------------
# Every control in the URL: one table drives parsing, defaults and writing back

@dataclass(frozen=True)
class Control:
    """One value of the page kept in the link: `key` is the query parameter's name."""
    key: str
    kind: str  # "float", "int", "bool", "choice" (one of options) or "choices" (a comma list)
    default: Any
    low: float | None = None
    high: float | None = None
    options: tuple = ()


def _walk_length(build: Callable[[], Any]) -> int:
    return len(walkthrough(build()))


CONTROLS: dict[str, Control] = {c.key: c for c in (
    Control("quiz", "bool", False),
    Control("x", "float", -2.0, -100.0, 100.0),
    Control("y", "float", 5.0, -100.0, 100.0),
    Control("z", "float", -4.0, -100.0, 100.0),
    Control("e4_step", "int", 0, 0, _walk_length(circuit_e4) - 1),
    *(Control(k, "float", v, -10.0, 10.0)
      for k, v in zip(("w0", "w1", "w2", "x0", "x1"), (2.0, -3.0, -3.0, -1.0, -2.0))),
    Control("e5_step", "int", 0, 0, _walk_length(circuit_e5_expanded) - 1),
    Control("act", "choices", tuple(ACTIVATION_NAMES), options=tuple(ACTIVATION_NAMES)),
    Control("slope", "float", 0.1, 0.0, 0.5),
    *(Control(f"net_{k}", "float", v, -5.0, 5.0) for k, v in zip(E6_NAMES, E6_DEFAULTS)),
    Control("lr", "choice", E7.training.learning_rate, options=LEARNING_RATES),
    Control("steps", "int", 0, 0, MAX_STEPS),
)}
RESERVED = {"embed", "embed_options"}  # Streamlit's own parameters: not ours to judge
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def show(value: Any) -> str:
    """A control's value as it appears in a notice and in the URL."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(value)
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def parse_value(control: Control, text: str) -> Any:
    """The value of one query parameter; ValueError says why it was refused, in plain words."""
    text = text.strip()
    if control.kind == "bool":
        if text.lower() not in TRUE | FALSE:
            raise ValueError("is not on/off (use 1 or 0)")
        return text.lower() in TRUE
    if control.kind == "choices":
        names = tuple(n for n in (p.strip() for p in text.split(",")) if n)
        unknown = [n for n in names if n not in control.options]
        if unknown or not names:
            raise ValueError(f"names no known choice ({', '.join(unknown) or 'empty'}); "
                             f"choose from {', '.join(control.options)}")
        return tuple(n for n in control.options if n in names)  # the legend's fixed order
    try:
        number = float(text)
    except ValueError:
        raise ValueError("is not a number") from None
    if not math.isfinite(number):
        raise ValueError("is not a finite number")
    if control.kind == "choice":
        match = [o for o in control.options if math.isclose(o, number, rel_tol=1e-9)]
        if not match:
            raise ValueError(f"is not one of {', '.join(show(o) for o in control.options)}")
        return match[0]
    if not control.low <= number <= control.high:
        raise ValueError(f"is outside {show(control.low)} … {show(control.high)}")
    if control.kind == "int":
        if number != int(number):
            raise ValueError("is not a whole number")
        return int(number)
    return number


def parse_params(params: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Every control's value from the link, defaults where it says nothing or nonsense.

    Returns the values and one notice per ignored parameter. Never raises.
    """
    values = {key: control.default for key, control in CONTROLS.items()}
    notices = []
    for key, text in params.items():
        shown = _quote(text)
        if key in RESERVED:
            continue
        if key not in CONTROLS:
            notices.append(f"{_quote(key)} is not a setting of this page")
            continue
        try:
            values[key] = parse_value(CONTROLS[key], text)
        except ValueError as why:
            notices.append(f"{_quote(key)} = {shown} {why}; using {show(CONTROLS[key].default)}")
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
    values, notices = parse_params(st.query_params.to_dict())
    for key, value in values.items():
        st.session_state[_state(key)] = list(value) if isinstance(value, tuple) else value
    st.session_state[_state("notices")] = notices


def save_url_state() -> None:
    """Write every control that differs from its default into the link, in page order."""
    wanted = {}
    for key, control in CONTROLS.items():
        value = st.session_state.get(_state(key), control.default)
        value = tuple(value) if isinstance(value, list) else value
        if value != control.default:
            wanted[key] = show(value)
    current = {k: v for k, v in st.query_params.to_dict().items() if k not in RESERVED}
    if current != wanted:
        st.query_params.from_dict(wanted)


def url_notice_ui() -> None:
    """The notice naming what the link asked for and did not get, with a way to dismiss it."""
    notices = st.session_state.get(_state("notices"))
    if not notices:
        return
    lines = "\n".join(f"- {notice}" for notice in notices)
    st.warning(f"**Some settings in the link were ignored**; the page uses its defaults there.\n\n"
               f"{lines}", icon=":material/link_off:")
    st.button("Dismiss", key=_state("dismiss_notices"),
              on_click=lambda: st.session_state.update({_state("notices"): []}))


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
