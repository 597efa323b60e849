"""One description of a value a page keeps in its link, and one way to parse, check and write it.

Every page's URL state goes through here: the experiment configs' field table (mlp_core/config.py)
and the backprop walkthrough's inputs (lessons/backprop/state.py) are tables of `Field`s, read by
`parse_text` (a URL string into the field's type), `check_value` (the range, the choices, the stops)
and `format_text` (the value back into the URL). A refused value raises `FieldError`, a
`ValueError` whose text names the field, the value and what is allowed, in words a student reads
(in the reader's language: mlp_core/i18n.py). `label` and `help` are English messages marked for the
catalogs; `shown_label` and `shown_help` give them translated. Torch-free: configs import without torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from .i18n import N_, _

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Field:
    """One value: its type, default, range or choices, and how a control and a URL show it.

    `kind` is int, float, str, bool or tuple: a tuple of whole numbers (layer widths, each within
    low..high, at most `max_length`) or, with `choices`, a subset of the choices (in their order).
    A float with `stops` must be one of them (a slider with discrete stops). `digits` writes a
    float to the URL with that many significant digits; None writes it exactly (repr)."""

    name: str
    section: str  # "data", "model", "training", "" for the top-level seed; a page's own: its name
    kind: type
    default: Any
    label: str = ""  # an English message, marked with N_() where the field is defined
    help: str = ""
    low: float | None = None  # inclusive bounds for numbers (for widths: each width)
    high: float | None = None
    choices: tuple[str, ...] = ()
    log_scale: bool = False  # the control moves on a log scale (learning rate)
    max_length: int | None = None  # for tuples of widths: the most items allowed
    stops: tuple[float, ...] = ()
    digits: int | None = None


class FieldError(ValueError):
    """A refused value: `str()` is "name = value reason." for a notice that stands alone; `reason`
    alone (a clause such as "is out of range; it must be between 0 and 20", in the language current
    when it was raised) lets a page word its own notice."""

    def __init__(self, name: str, shown: str, reason: str) -> None:
        super().__init__(_("{name} = {shown} {reason}.", name=name, shown=shown, reason=reason))
        self.name, self.shown, self.reason = name, shown, reason


def shown_label(spec: Field) -> str:
    """The field's label in the reader's language."""
    return _(spec.label) if spec.label else ""


def shown_help(spec: Field) -> str:
    """The field's help text in the reader's language."""
    return _(spec.help) if spec.help else ""


NOT_A = {  # what a URL string that does not parse should have been
    bool: N_("is not on or off (1 or 0)"), tuple: N_("is not layer widths such as 100-10-6"),
    int: N_("is not a whole number"), float: N_("is not a number"),
}


def show_number(value: Any) -> str:
    """A number as a student would write it: 10001, 0.0002, 1e+99 (anything else as repr)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() and abs(value) < 1e10 else f"{value:g}"
    return repr(value)


def _own_kind(spec: Field) -> bool:
    """A field whose values are of a type of their own (a PointSet): it reads and writes itself,
    None meaning "not set"."""
    return hasattr(spec.kind, "from_text")


def parse_text(spec: Field, text: str) -> Any:
    """One URL string in the field's type (not yet checked against its range or choices)."""
    text = str(text).strip()
    if _own_kind(spec):
        try:
            return spec.kind.from_text(text)
        except ValueError as error:
            raise FieldError(spec.name, repr(text if len(text) <= 24 else text[:24] + "…"),
                             str(error).rstrip(".")) from None
    try:
        if spec.kind is bool:
            if text.lower() not in TRUE + FALSE:
                raise ValueError
            return text.lower() in TRUE
        if spec.kind is tuple and spec.choices:
            return tuple(part.strip() for part in text.split(",") if part.strip())
        if spec.kind is tuple:
            if text.lower() in ("", "none", "0"):
                return ()
            return tuple(int(part) for part in text.replace(",", "-").replace("x", "-").split("-"))
        if spec.kind is int:
            number = float(text)
            if number != int(number):
                raise ValueError
            return int(number)
        if spec.kind is float:
            return float(text)
    except (ValueError, OverflowError):
        raise FieldError(spec.name, repr(text), _(NOT_A[spec.kind])) from None
    return text.lower()


def check_value(spec: Field, value: Any) -> Any:
    """The value if the field allows it, normalised (ints as int, tuples as tuple); else FieldError."""
    if _own_kind(spec):
        if value is None or isinstance(value, spec.kind):
            return value
        raise FieldError(spec.name, repr(value), _("is not a data set"))
    bounds = {"low": show_number(spec.low), "high": show_number(spec.high)}
    if spec.kind is tuple:
        return _check_names(spec, value) if spec.choices else _check_widths(spec, value)
    if spec.kind is str:
        if not isinstance(value, str) or value not in spec.choices:
            raise FieldError(spec.name, repr(value), _("is not allowed; choose one of {choices}",
                                                       choices=", ".join(spec.choices)))
        return value
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise FieldError(spec.name, repr(value), _("must be on or off"))
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(spec.name, repr(value), _("must be a number between {low} and {high}", **bounds))
    if not math.isfinite(value):
        raise FieldError(spec.name, show_number(value), _("must be a finite number between {low} and {high}",
                                                          **bounds))
    if spec.stops:
        stop = next((s for s in spec.stops if math.isclose(s, value, rel_tol=1e-9)), None)
        if stop is None:
            raise FieldError(spec.name, show_number(value), _("is not one of the stops {stops}",
                                                              stops=", ".join(show_number(s) for s in spec.stops)))
        return stop
    if spec.kind is int and value != int(value):
        raise FieldError(spec.name, show_number(value), _("must be a whole number between {low} and {high}", **bounds))
    if not spec.low <= value <= spec.high:
        raise FieldError(spec.name, show_number(value), _("is out of range; it must be between {low} and {high}",
                                                          **bounds))
    return int(value) if spec.kind is int else float(value)


def _check_widths(spec: Field, value: Any) -> tuple[int, ...]:
    if not isinstance(value, (tuple, list)):
        raise FieldError(spec.name, repr(value), _("must be a list of layer widths, e.g. (100, 10, 6)"))
    if len(value) > spec.max_length:
        raise FieldError(spec.name, repr(tuple(value)), _("has {count} hidden layers; at most {most} are allowed",
                                                          count=len(value), most=spec.max_length))
    for width in value:
        if isinstance(width, bool) or not isinstance(width, int) or not spec.low <= width <= spec.high:
            raise FieldError(spec.name, repr(tuple(value)),
                             _("is not allowed: each width must be a whole number between {low} and {high}",
                               low=show_number(spec.low), high=show_number(spec.high)))
    return tuple(int(w) for w in value)


def _check_names(spec: Field, value: Any) -> tuple[str, ...]:
    names = tuple(value) if isinstance(value, (tuple, list)) else ()
    unknown = [name for name in names if name not in spec.choices]
    if unknown or not names:
        raise FieldError(spec.name, repr(",".join(map(str, names))),
                         _("names no known choice ({unknown}); choose from {choices}",
                           unknown=", ".join(unknown) or _("empty"), choices=", ".join(spec.choices)))
    return tuple(name for name in spec.choices if name in names)  # the choices' own order


def format_text(spec: Field, value: Any) -> str:
    """The value as the URL writes it; `parse_text` reads it back."""
    if _own_kind(spec):
        return "none" if value is None else value.to_text()
    if spec.kind is bool:
        return "on" if value else "off"
    if spec.kind is tuple and spec.choices:
        return ",".join(value)
    if spec.kind is tuple:
        return "-".join(str(w) for w in value) or "none"
    if spec.kind is float:
        return repr(float(value)) if spec.digits is None else f"{value:.{spec.digits}g}"
    return str(value)


def parse_lenient(table: Mapping[str, Field], params: Mapping[str, str], ignore: tuple[str, ...] = ()
                  ) -> tuple[dict[str, Any], list[FieldError]]:
    """Every field's value from a link: the default where the link says nothing, or nonsense.
    Returns the values and one FieldError per refused parameter (unknown ones included). Never raises."""
    values = {name: spec.default for name, spec in table.items()}
    refused = []
    for key, text in params.items():
        if key in ignore:
            continue
        if key not in table:
            refused.append(FieldError(key, repr(text), _("is not a setting of this page")))
            continue
        try:
            values[key] = check_value(table[key], parse_text(table[key], text))
        except FieldError as error:
            refused.append(error)
    return values, refused
