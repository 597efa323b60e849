"""Controls bound to the URL: one widget per config field, ranges from the core's field table.

The page says which fields it shows and which presets it offers (`PageControls`); `config_ui`
draws the widgets, returns a validated `Config`, and keeps the URL's query string equal to the
controls, so a copied link reproduces the exact run. On a session's first run the URL seeds the
controls; values that don't parse or are out of range fall back to the preset with a notice.

Why not `bind="query-params"`: Streamlit drops invalid URL values silently, and a student who
pastes a mangled link should be told what was ignored.

Every word here is in the reader's language (mlp_core/i18n.py): labels and help from the field table
(`field_label`, `field_help`), the choices' labels (CHOICE_LABELS, marked for the catalogs), the
presets' titles, the notices. The notices about a link are worded once, on the session's first visit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from mlp_core import DESCRIPTIONS, FIELDS, PRESETS, Config, parse_query_lenient, preset_name
from mlp_core.config import field_help, field_label, format_value, parse_value
from mlp_core.i18n import N_, _, spoken_now
from mlp_core.owndata import URL_CHARS
from mlp_core.presets import TITLES

from .language import KEPT_KEYS, with_language
from .lecture import control_area

CUSTOM = "custom"
# Every registry entry's label (tests/test_registry.py keeps the keys equal to the registry's names).
# English messages marked for the catalogs: a control shows `choice_label(name)`.
CHOICE_LABELS = {
    "sigmoid": N_("sigmoid"), "tanh": N_("tanh"), "relu": N_("ReLU"), "leaky_relu": N_("leaky ReLU"),
    "softplus": N_("softplus"), "gelu": N_("GELU"), "silu": N_("SiLU (swish)"), "identity": N_("identity (none)"),
    "bce": N_("BCE (cross-entropy)"), "mse": N_("MSE (mean squared)"), "l1": N_("L1 (mean absolute)"),
    "sse": N_("SSE (sum of squares)"),
    "sgd": N_("SGD"), "momentum": N_("SGD + momentum 0.9"), "rmsprop": N_("RMSprop"), "adam": N_("Adam"),
    "and": N_("AND"), "or": N_("OR"), "xor": N_("XOR"), "default": N_("PyTorch default"), "randn": N_("randn"),
    "square": N_("x² + 3"), "cube": N_("x³ (scaled)"), "sin": N_("sin x (two periods)"), "abs": N_("|x| (scaled)"),
    "step": N_("a step at x = 0"),
}


def choice_label(name: str) -> str:
    """How a control shows a choice, in the reader's language."""
    return _(CHOICE_LABELS[name]) if name in CHOICE_LABELS else name


def preset_title(name: str) -> str:
    """How the preset selector shows a preset (or the custom settings), in the reader's language."""
    return _(TITLES[name]) if name in TITLES else _("Custom settings")


_CHECKED: set[str] = set()  # the PageControls whose presets were checked


@dataclass(frozen=True)
class PageControls:
    """What one page lets the user change.

    `fields` are config field names in display order ("hidden_widths" draws depth, width and a
    widths box). Every field on which the page's presets differ must be among them.
    `limits` narrows a numeric field's slider range within the field table's range, and
    `choices` narrows a choice field's options.
    """

    page: str
    fields: tuple[str, ...]
    presets: tuple[str, ...]
    default_preset: str
    limits: dict[str, tuple[float, float]] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """A page's presets must lie within its own controls, or choosing one would not stick.
        (Checked once per process: a page builds its controls at every visit.)"""
        if repr(self) in _CHECKED:
            return
        assert self.default_preset in self.presets, f"{self.default_preset} is not among {self.presets}"
        for name in self.presets:
            values = PRESETS[name].to_flat()
            for field_name in self.fields:
                value = values[field_name]
                if field_name == "points":  # one's own data (ui/owndata.py): no preset has any
                    continue
                if FIELDS[field_name].kind is str:
                    assert value in self.options(field_name), f"preset {name}: {field_name}={value!r} not offered"
                else:
                    low, high = self.range(field_name)
                    items = value if isinstance(value, tuple) else (value,)
                    assert all(low <= v <= high for v in items), f"preset {name}: {field_name}={value} out of range"
            differing = {f for f in FIELDS if values[f] != PRESETS[self.default_preset].to_flat()[f]}
            assert differing <= set(self.fields), f"preset {name} changes {differing - set(self.fields)} not shown"
        _CHECKED.add(repr(self))

    def key(self, name: str) -> str:
        return f"{self.page}.{name}"

    def range(self, name: str) -> tuple[Any, Any]:
        low, high = FIELDS[name].low, FIELDS[name].high
        narrow_low, narrow_high = self.limits.get(name, (low, high))
        cast = int if FIELDS[name].kind in (int, tuple) else float
        return cast(max(low, narrow_low)), cast(min(high, narrow_high))

    def options(self, name: str) -> tuple[str, ...]:
        return self.choices.get(name, FIELDS[name].choices)


MAX_URL_PARAMS = 30  # a page has at most ~10 settings; a link with more is mangled or hostile
MAX_NAME_CHARS = 40
MAX_VALUE_CHARS = 200  # "100-100-100-100-100-100-100-100" is 31; a seed, a rate: a dozen
MAX_NOTICES = 12  # one per setting of the fullest page, the preset, and "… and N more"
LINK_KEYS = ("pin",)  # query params that other modules own (ui/compare.py): kept in the link, not settings


def config_ui(spec: PageControls) -> Config:
    """Draw the preset selector and the controls; return the config they describe.

    Stops the script with a readable message if the combination is invalid.
    """
    ensure_seeded(spec)
    _sync_preset_selector(spec)
    st.selectbox(_("Preset (the lecture's experiments)"), (*spec.presets, CUSTOM), key=spec.key("preset"),
                 format_func=spoken_now(preset_title),
                 help="\n".join(f"- {_(DESCRIPTIONS[name])}" for name in spec.presets),
                 on_change=_apply_preset, args=(spec,))
    for name in spec.fields:
        with control_area(spec.page, name):  # presenter view: a step's controls above the charts (ui/lecture.py)
            _field_widget(spec, name)
    try:
        config = _config_from_state(spec)
    except ValueError as error:
        st.error(_("These settings don't fit together: {error}", error=error))
        st.stop()
    _write_url(spec, config)
    return config


def ensure_seeded(spec: PageControls) -> None:
    """On the session's first run of the page, seed the controls from the URL (once)."""
    if not st.session_state.get(spec.key("_ready")):
        _seed_from_url(spec)


def url_notices(spec: PageControls) -> list[str]:
    """What was ignored from the URL on this session's first visit (empty if nothing)."""
    return st.session_state.get(spec.key("_notices"), [])


def show_url_notices(spec: PageControls) -> None:
    """One warning listing what the link asked for that could not be used."""
    notices = url_notices(spec)
    if notices:
        items = "\n".join(f"- {notice}" for notice in notices)
        st.warning(_("**Some settings in the link were ignored** (the others were applied):") + f"\n{items}",
                   icon=":material/link_off:")


def _seed_from_url(spec: PageControls) -> None:
    """First run of the page in this session: URL values (validated) or the default preset."""
    params, notices = _read_url()
    base = PRESETS[spec.default_preset]
    if "preset" in params:
        name = params.pop("preset")
        if name in spec.presets:
            base = PRESETS[name]
        else:
            notices.append(_("unknown preset {name} ignored; choose one of {presets}.", name=_short(name),
                             presets=", ".join(spec.presets)))
    for key in [k for k in params if k not in spec.fields]:
        params.pop(key)
        notices.append(_("{name} is not a setting of this page; ignored.", name=_short(key)))
    config, more = parse_query_lenient(params, base)
    config, narrower = _within_page_limits(spec, config, base)
    _store_config(spec, config)
    notices += more + narrower
    if len(notices) > MAX_NOTICES:
        notices = notices[:MAX_NOTICES - 1] + [_("… and {count} more ignored.", count=len(notices) - MAX_NOTICES + 1)]
    st.session_state[spec.key("_notices")] = notices
    st.session_state[spec.key("_ready")] = True


def _read_url() -> tuple[dict[str, str], list[str]]:
    """The query params this page reads, and what it ignored for size: a link is never read past
    MAX_URL_PARAMS names, MAX_NAME_CHARS per name and MAX_VALUE_CHARS per value (a hostile or
    mangled 100 kB link otherwise filled the page with its text)."""
    params, notices, skipped = {}, [], 0
    for key in st.query_params:
        if key in KEPT_KEYS or key in LINK_KEYS:  # language, lecture mode (ui/language.py), pins: not settings
            continue
        if len(params) >= MAX_URL_PARAMS:
            skipped += 1
        elif len(key) > MAX_NAME_CHARS:
            notices.append(_("a setting name of {length:,} characters ({name}) is not a setting; ignored.",
                             length=len(key), name=_short(key)))
        elif len(value := st.query_params[key]) > (URL_CHARS if key == "points" else MAX_VALUE_CHARS):
            notices.append(_("{name}: a value of {length:,} characters is too long to be a setting; ignored.",
                             name=key, length=len(value)))
        else:
            params[key] = value
    if skipped:
        notices.append(_("the link names more than {most} settings: the last {count:,} were not read.",
                         most=MAX_URL_PARAMS, count=skipped))
    return params, notices


def _short(text: str, limit: int = 24) -> str:
    """A quoted name or value from the URL, cut to `limit` characters for a notice."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _within_page_limits(spec: PageControls, config: Config, base: Config) -> tuple[Config, list[str]]:
    """Values valid for the core but outside this page's narrower ranges or choices fall back to `base`."""
    notices, values = [], config.to_flat()
    for name in spec.fields:
        value, meta = values[name], FIELDS[name]
        if name == "points":  # checked by its own parser
            continue
        if meta.kind is str:
            allowed = value in spec.options(name)
            shown = ", ".join(spec.options(name))
        else:
            low, high = spec.range(name)
            allowed = all(low <= v <= high for v in (value if isinstance(value, tuple) else (value,)))
            shown = (_("{low:g} to {high:g} per layer", low=low, high=high) if meta.kind is tuple
                     else _("{low:g} to {high:g}", low=low, high=high))
        if not allowed:
            fallback = base.to_flat()[name]
            notices.append(_("{name} = {value} is outside this page's range ({allowed}); using {fallback}.",
                             name=name, value=format_value(name, value), allowed=shown,
                             fallback=format_value(name, fallback)))
            config = Config.from_flat({name: fallback}, base=config)
    return config, notices


def set_controls(spec: PageControls, config: Config) -> None:
    """Set the page's controls to `config` (from a widget's callback, before the controls are drawn)."""
    _store_config(spec, config)


def _store_config(spec: PageControls, config: Config) -> None:
    """Put a config's values into the widgets' session state."""
    values = config.to_flat()
    for name in spec.fields:
        value = values[name]
        if name == "hidden_widths":
            st.session_state[spec.key("depth")] = len(value)
            st.session_state[spec.key("width")] = max(value, default=st.session_state.get(spec.key("width"), 2))
            st.session_state[spec.key("widths_text")] = format_value(name, value)
            st.session_state[spec.key("hidden_widths")] = value
        elif name in ("noise_std", "x_limit"):
            low, high = spec.range(name)
            st.session_state[spec.key(name)] = min(max(float(value), low), high)
        else:
            st.session_state[spec.key(name)] = value


def _sync_preset_selector(spec: PageControls) -> None:
    """Show the preset the controls equal, or 'custom' once any control moved away from it."""
    try:
        name = preset_name(_config_from_state(spec))
    except ValueError:
        name = None
    st.session_state[spec.key("preset")] = name if name in spec.presets else CUSTOM


def _apply_preset(spec: PageControls) -> None:
    name = st.session_state[spec.key("preset")]
    if name in PRESETS:
        _store_config(spec, PRESETS[name])


def _config_from_state(spec: PageControls) -> Config:
    values = {name: st.session_state[spec.key(name)] for name in spec.fields}
    return Config.from_flat(values, base=PRESETS[spec.default_preset])


def _write_url(spec: PageControls, config: Config) -> None:
    """Keep the query string equal to the controls (only sent when something changed)."""
    flat = config.to_flat()
    wanted = with_language({name: format_value(name, flat[name]) for name in spec.fields
                            if flat[name] is not None})  # no own data: no `points` in the link
    wanted.update({key: st.query_params[key] for key in LINK_KEYS if key in st.query_params})
    if {key: st.query_params[key] for key in st.query_params} != wanted:
        st.query_params.from_dict(wanted)


# --- one widget per kind of field -------------------------------------------------------------

def _field_widget(spec: PageControls, name: str) -> None:
    meta, key = FIELDS[name], spec.key(name)
    label, tip = field_label(name), field_help(name)
    if name == "points":
        return  # one's own data has its own controls on the page (ui/owndata.py)
    if name == "hidden_widths":
        _architecture_widgets(spec)
    elif meta.log_scale:
        stops = sorted(set(log_stops(*spec.range(name))) | {st.session_state[key]})
        st.select_slider(label, stops, key=key, help=tip, format_func=lambda v: f"{v:g}")
    elif meta.kind is str:
        st.selectbox(label, spec.options(name), key=key, help=tip, format_func=spoken_now(choice_label))
    elif meta.kind is int:
        low, high = spec.range(name)
        st.session_state[key] = min(max(int(st.session_state[key]), low), high)
        st.number_input(label, min_value=low, max_value=high, step=_int_step(name), key=key, help=tip)
    else:
        low, high = spec.range(name)
        st.slider(label, low, high, step=_float_step(high - low), key=key, help=tip)


def log_stops(low: float, high: float) -> tuple[float, ...]:
    """1-2-5 steps from `low` to `high` (the learning rate's 1e-5 … 100): every preset's rate is on
    them, and a log slider needs discrete stops to be usable on a projector."""
    exponents = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    return tuple(v for e in exponents for m in (1, 2, 5) if low <= (v := m * 10.0**e) <= high)


def _int_step(name: str) -> int:
    return {"epochs": 100, "n_samples": 50}.get(name, 1)


def _float_step(span: float) -> float:
    return 0.01 if span <= 2 else 0.1 if span <= 25 else 0.5


def _architecture_widgets(spec: PageControls) -> None:
    """Depth and width sliders for quick play, and a box for exact widths such as 100-10-6."""
    low, high = spec.range("hidden_widths")
    max_depth = FIELDS["hidden_widths"].max_length
    st.slider(_("Hidden layers (depth)"), 0, max_depth, key=spec.key("depth"), on_change=_widths_from_sliders,
              args=(spec,), help=_("0 hidden layers is the single-layer perceptron."))
    st.slider(_("Units per hidden layer (width)"), low, high, key=spec.key("width"), on_change=_widths_from_sliders,
              args=(spec,), disabled=st.session_state[spec.key("depth")] == 0)
    st.text_input(_("Layer widths"), key=spec.key("widths_text"), on_change=_widths_from_text, args=(spec,),
                  help=_("Widths of the hidden layers separated by '-', e.g. 100-10-6; 'none' for no hidden layer."))
    error = st.session_state.get(spec.key("widths_error"))
    if error:
        st.error(_("{error} Keeping {widths}.", error=error,
                   widths=format_value("hidden_widths", st.session_state[spec.key("hidden_widths")])))


def _widths_from_sliders(spec: PageControls) -> None:
    state = st.session_state
    widths = (state[spec.key("width")],) * state[spec.key("depth")]
    state[spec.key("hidden_widths")] = widths
    state[spec.key("widths_text")] = format_value("hidden_widths", widths)
    state[spec.key("widths_error")] = None


def _widths_from_text(spec: PageControls) -> None:
    state = st.session_state
    low, high = spec.range("hidden_widths")
    try:
        widths = Config.from_flat({"hidden_widths": parse_value("hidden_widths", state[spec.key("widths_text")])},
                                  base=PRESETS[spec.default_preset]).model.hidden_widths
        if any(not low <= w <= high for w in widths):
            raise ValueError(_("each width must be between {low} and {high} on this page.", low=low, high=high))
    except ValueError as error:
        state[spec.key("widths_error")] = str(error)
        return
    state[spec.key("widths_error")] = None
    state[spec.key("hidden_widths")] = widths
    state[spec.key("depth")] = len(widths)
    if widths:
        state[spec.key("width")] = max(widths)
