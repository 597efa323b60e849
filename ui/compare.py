"""Runs side by side: "Pin this run" keeps up to four runs and shows them together, in the link.

A training page calls `compare_panel(spec, config, result, lesson)` after its run: it draws the pin
buttons, the lesson's comparison presets, the loss curves overlaid with a legend that names what
differs between the runs ("depth 1 vs 3", "SGD vs Adam"), and the lesson's own views of the runs
(`Lesson.draw`: the fits over the data, the decision boundaries as small multiples).

- **From the run store.** A pinned run is looked up (and, on a fresh server, trained) through the
  trainer pool (`ui.live.attend`), never in the script thread: a second look costs nothing.
- **In the link.** The pins travel in one query parameter, `pin`: each pin is the fields that differ
  from the page's default preset, a capital letter per field followed by its value (values never hold
  capitals), pins separated by "~", "=" for the default itself: `pin=H10-10-10~=` is E2 and E1 on the
  XOR page. A comparison whose link would pass the controls' 200-character cap is refused at "Pin".
- **Bad pins are dropped with a notice**, never a traceback: a value that does not parse or lies
  outside this page's limits, a combination that does not fit, a run too slow to train, a repeat,
  more than four.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from mlp_core import FIELDS, PRESETS, Config, RunResult
from mlp_core.config import format_value, parse_value
from mlp_core.cost import estimate
from mlp_core.i18n import N_, _
from mlp_core.pool import DONE

from . import charts, theme
from .controls import MAX_VALUE_CHARS, PageControls, choice_label, set_controls
from .derived import shared_cache
from .live import attend, train_for_viewers
from .store import RunStore

PIN_KEY = "pin"  # the query parameter (ui/controls.py keeps it in the link, and does not read it)
MAX_RUNS = 4  # runs side by side, the current one included
PIN_SEPARATOR, DEFAULT_PIN = "~", "="
# One capital letter per field a page can show; a pin writes only the fields that differ.
CODES = {"gate": "G", "hidden_widths": "H", "activation": "A", "learning_rate": "R", "optimizer": "O",
         "loss": "L", "epochs": "E", "batch_size": "B", "noise_std": "N", "n_samples": "S", "x_limit": "X",
         "seed": "D", "init": "I", "output_activation": "U", "target": "T", "points": "P"}
PIN_DIGEST = 16  # own data in a pin: the first hex digits of its digest (mlp_core/owndata.py, `lookup`)
FIELD_OF = {code: name for name, code in CODES.items()}
PART = re.compile(r"([A-Z])([^A-Z]*)")


# --- the link ----------------------------------------------------------------------------------

def _compact(name: str, value) -> str:
    """A value as the link writes it: format_value, with a float's trailing '.0' dropped; own data by its
    digest's first digits (four pins of 50 points each would not fit a link value)."""
    if name == "points" and value is not None:
        return "#" + value.digest[:PIN_DIGEST]
    text = format_value(name, value)
    return text[:-2] if FIELDS[name].kind is float and text.endswith(".0") else text


def encode_pin(spec: PageControls, config: Config) -> str:
    """One pin: the page's fields on which `config` differs from the page's default preset."""
    base, values = PRESETS[spec.default_preset].to_flat(), config.to_flat()
    text = "".join(CODES[name] + _compact(name, values[name]) for name in spec.fields if values[name] != base[name])
    return text or DEFAULT_PIN


def encode_pins(spec: PageControls, configs: Sequence[Config]) -> str:
    return PIN_SEPARATOR.join(encode_pin(spec, config) for config in configs)


def decode_pin(spec: PageControls, text: str) -> Config:
    """The config of one pin; ValueError (in words a student reads) if it cannot be one on this page."""
    if text == DEFAULT_PIN:
        return PRESETS[spec.default_preset]
    parts = PART.findall(text)
    if not text or "".join(code + value for code, value in parts) != text:
        raise ValueError(_("it is not a pinned run (such as H10-10-10 or =)."))
    values = {}
    for code, value in parts:
        name = FIELD_OF.get(code)
        if name not in spec.fields:
            raise ValueError(_("{code} names no setting of this page.", code=code))
        if name in values:
            raise ValueError(_("it names {name} twice.", name=name))
        values[name] = parse_value(name, value)
    config = Config.from_flat(values, base=PRESETS[spec.default_preset])  # checks ranges and combinations
    flat = config.to_flat()
    for name in values:
        value = flat[name]
        if name == "points":  # checked as it was read (mlp_core/owndata.py): no range of its own
            continue
        if FIELDS[name].kind is str:
            if value not in spec.options(name):
                raise ValueError(_("{name} = {value} is not offered on this page.", name=name, value=value))
        else:
            low, high = spec.range(name)
            if not all(low <= v <= high for v in (value if isinstance(value, tuple) else (value,))):
                raise ValueError(_("{name} = {value} is outside this page's range ({low:g} to {high:g}).", name=name,
                                   value=format_value(name, value), low=low, high=high))
    cost = estimate(config)
    if cost.too_slow:
        raise ValueError(cost.refusal())
    return config


def decode_pins(spec: PageControls, text: str) -> tuple[list[Config], list[str]]:
    """The pins of a link, and one notice per pin dropped. Never raises."""
    if len(text) > MAX_VALUE_CHARS:
        return [], [_("the pinned runs ({length:,} characters) are too long for a link; none were pinned.",
                      length=len(text))]
    configs: list[Config] = []
    notices: list[str] = []
    for number, part in enumerate(text.split(PIN_SEPARATOR), start=1):
        shown = repr(part if len(part) <= 24 else part[:24] + "…")
        try:
            config = decode_pin(spec, part)
        except ValueError as error:
            notices.append(_("pinned run {number} ({text}) was dropped: {error}", number=number, text=shown,
                             error=error))
            continue
        if config in configs:
            notices.append(_("pinned run {number} ({text}) repeats an earlier one; dropped.", number=number,
                             text=shown))
        elif len(configs) >= MAX_RUNS:
            notices.append(_("pinned run {number} ({text}) was dropped: at most {most} runs are compared.",
                             number=number, text=shown, most=MAX_RUNS))
        else:
            configs.append(config)
    return configs, notices


# --- what differs -------------------------------------------------------------------------------

# How a run's value of a field reads in a legend, "{values}" being one value or "1 vs 3".
FIELD_WORDS = {
    "depth": N_("depth {values}"), "width": N_("width {values}"), "hidden_widths": "{values}",
    "activation": "{values}", "optimizer": "{values}", "loss": "{values}", "gate": "{values}",
    "output_activation": N_("output {values}"), "init": N_("init {values}"),
    "learning_rate": N_("lr {values}"), "epochs": N_("{values} epochs"), "batch_size": N_("batch {values}"),
    "noise_std": N_("noise {values}"), "n_samples": N_("{values} points"), "x_limit": N_("x within ±{values}"),
    "seed": N_("seed {values}"), "target": "{values}", "points": "{values}",
}


def _uniform(config: Config) -> bool:
    return len(set(config.model.hidden_widths)) <= 1


def _aspects(configs: Sequence[Config]) -> list[tuple[str, Callable[[Config], object]]]:
    """What the runs differ in, in the field table's order: (words, value of a run) pairs. Layer widths
    read as depth and width where every run's hidden layers are of one width, else as the network."""
    aspects = []
    for name in FIELDS:
        if len({config.to_flat()[name] for config in configs}) < 2:
            continue
        if name == "hidden_widths" and all(_uniform(c) for c in configs):
            for aspect, value in (("depth", lambda c: c.model.depth),
                                  ("width", lambda c: max(c.model.hidden_widths, default=0))):
                if len({value(c) for c in configs}) > 1:
                    aspects.append((aspect, value))
        else:
            aspects.append((name, lambda c, name=name: c.to_flat()[name]))
    return aspects


def _shown(aspect: str, config: Config, value) -> str:
    if aspect == "hidden_widths":
        return "-".join(map(str, (config.data.in_features, *value, 1)))
    if aspect == "width" and not config.model.depth:
        return "–"
    if aspect == "points":  # own data: its size and the first digits of its digest tell sets apart
        return _("built-in data") if value is None else _("your points ({count}, #{digest})", count=len(value),
                                                          digest=value.digest[:4])
    if aspect == "batch_size":
        return _("full") if value in (0, config.n_points) else f"{value:,}"
    if isinstance(value, str):
        return choice_label(value)
    if isinstance(value, int):
        return f"{value:,}" if aspect in ("epochs", "n_samples") else str(value)
    return f"{value:g}"


def _words(aspect: str, values: str) -> str:
    template = FIELD_WORDS[aspect]
    return _(template, values=values) if template != "{values}" else values


def run_labels(configs: Sequence[Config]) -> list[str]:
    """Each run named by what sets it apart: ["depth 1, width 2", "depth 3, width 10"]."""
    aspects = _aspects(configs)
    if not aspects:
        return [_("this run")] * len(configs)
    return [", ".join(_words(aspect, _shown(aspect, config, value(config))) for aspect, value in aspects)
            for config in configs]


def contrast(configs: Sequence[Config]) -> str:
    """What the comparison is about: "depth 1 vs 3 · width 2 vs 10" (empty for one run); each value once,
    in the runs' order, where more than two runs share values."""
    parts = []
    for aspect, value in _aspects(configs):
        shown = list(dict.fromkeys(_shown(aspect, config, value(config)) for config in configs))
        parts.append(_words(aspect, _(" vs ").join(shown)))
    return " · ".join(parts)


# --- the page's state ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """A lesson's preset comparison: a title (an English message marked for the catalogs) and its runs;
    choosing it pins them all and sets the controls to the last."""

    title: str
    configs: tuple[Config, ...]


@dataclass(frozen=True, eq=False)
class ComparedRun:
    config: Config
    result: RunResult
    label: str  # what sets it apart, in the reader's language
    color: str
    current: bool  # the run the controls show


@dataclass(frozen=True)
class Lesson:
    """What a page adds to a comparison: its preset comparisons and the views of the runs."""

    comparisons: tuple[Comparison, ...]
    draw: Callable[[Sequence[ComparedRun]], None]


def pins(spec: PageControls) -> list[Config]:
    """This session's pinned configs on the page, read from the link on the session's first visit."""
    state = st.session_state
    if not state.get(spec.key("_pins_ready")):
        text = st.query_params.get(PIN_KEY, "")
        configs, notices = decode_pins(spec, text) if text else ([], [])
        state[spec.key("pins")], state[spec.key("_pin_notices")] = configs, notices
        state[spec.key("_pins_ready")] = True
    return list(state[spec.key("pins")])


def _set_pins(spec: PageControls, configs: Sequence[Config], notice: str | None = None) -> None:
    st.session_state[spec.key("pins")] = list(configs)
    st.session_state[spec.key("_pin_notices")] = [notice] if notice else []


def _pin(spec: PageControls, config: Config) -> None:
    configs = pins(spec)
    if config in configs:
        return
    if len(configs) >= MAX_RUNS:
        _set_pins(spec, configs, _("At most {most} runs are compared: unpin one first.", most=MAX_RUNS))
    elif len(encode_pins(spec, [*configs, config])) > MAX_VALUE_CHARS:
        _set_pins(spec, configs, _("This comparison would no longer fit in a link ({most} characters): unpin "
                                   "one first.", most=MAX_VALUE_CHARS))
    else:
        _set_pins(spec, [*configs, config])


def _unpin(spec: PageControls, index: int) -> None:
    configs = pins(spec)
    if 0 <= index < len(configs):
        del configs[index]
    _set_pins(spec, configs)


def _choose(spec: PageControls, comparison: Comparison) -> None:
    _set_pins(spec, comparison.configs)
    set_controls(spec, comparison.configs[-1])


def _write_link(spec: PageControls, configs: Sequence[Config]) -> None:
    text = encode_pins(spec, configs)
    if text and st.query_params.get(PIN_KEY) != text:
        st.query_params[PIN_KEY] = text
    elif not text and PIN_KEY in st.query_params:
        del st.query_params[PIN_KEY]


# --- the panel ----------------------------------------------------------------------------------

def compare_panel(spec: PageControls, config: Config, result: RunResult | None, lesson: Lesson) -> None:
    """The "Compare runs" section: pin, unpin, clear, the presets, and the runs side by side."""
    configs = pins(spec)
    _write_link(spec, configs)
    with st.container(key=f"{spec.page}-compare"):  # one block (a browser test screenshots it)
        _panel(spec, config, result, lesson, configs)


def _panel(spec: PageControls, config: Config, result: RunResult | None, lesson: Lesson,
           configs: list[Config]) -> None:
    st.subheader(_("Compare runs"))
    pinned = config in configs
    buttons = st.columns([2, 2, 3], vertical_alignment="center")
    buttons[0].button(_("Pin this run"), key=spec.key("pin_run"), icon=":material/push_pin:", width="stretch",
                      disabled=result is None or pinned, on_click=_pin, args=(spec, config),
                      help=_("Keep this run to compare it with others (at most {most}, the current one included). "
                             "The pinned runs are in the link.", most=MAX_RUNS))
    buttons[1].button(_("Clear all"), key=spec.key("clear_pins"), icon=":material/clear_all:", width="stretch",
                      disabled=not configs, on_click=_set_pins, args=(spec, []))
    with buttons[2].popover(_("Compare the lecture's runs"), icon=":material/compare:", width="stretch"):
        for number, comparison in enumerate(lesson.comparisons):
            st.button(_(comparison.title), key=spec.key(f"comparison_{number}"), width="stretch",
                      on_click=_choose, args=(spec, comparison))
    notices = st.session_state.get(spec.key("_pin_notices"), [])
    if notices:
        st.warning(_("**Some pinned runs were not kept:**") + "\n" + "\n".join(f"- {n}" for n in notices),
                   icon=":material/link_off:")
    if not configs:
        st.caption(_("Pin a run, change a setting, and the runs show side by side: their loss curves in one chart, "
                     "with what differs between them in the legend."))
        return
    shown = list(configs)
    if not pinned and result is not None:
        if len(shown) < MAX_RUNS:
            shown.append(config)
        else:
            st.caption(_("The current run is not in the comparison: {most} runs are pinned.", most=MAX_RUNS))
    labels = run_labels(shown)
    chips = st.columns(len(shown))
    for index, (column, label) in enumerate(zip(chips, labels)):
        if index < len(configs):
            column.button(label, key=spec.key(f"unpin_{index}"), icon=":material/close:", width="stretch",
                          on_click=_unpin, args=(spec, index), help=_("Unpin this run"))
        else:
            column.button(label, key=spec.key("pin_current"), icon=":material/push_pin:", width="stretch",
                          on_click=_pin, args=(spec, config), help=_("This run is not pinned yet: pin it"))
    runs = _runs(shown, labels, config, result)
    if len(runs) < 2:
        st.caption(_("Change a setting to compare this run with another."))
        return
    st.markdown(f"**{contrast([run.config for run in runs])}**")
    loss_chart(runs, spec.key("compare_log"))
    lesson.draw(runs)


def _runs(configs: Sequence[Config], labels: Sequence[str], current: Config, result: RunResult | None
          ) -> list[ComparedRun]:
    """Every run of the comparison: from the store, else trained on the pool (one at a time, in order)."""
    runs = []
    for index, (config, label) in enumerate(zip(configs, labels)):
        if config == current and result is not None:
            found = result
        else:
            status = st.empty()
            describe = partial(_bar, index + 1, len(configs))
            run = attend(RunStore.key(config), partial(train_for_viewers, config), status=status, describe=describe)
            status.empty()
            if run.state != DONE:
                st.error(_("Pinned run {label} could not be trained: {error}", label=label,
                           error=run.error or _("it was stopped.")), icon=":material/error:")
                continue
            found = run.result
        runs.append(ComparedRun(config, found, label, theme.SERIES[index % len(theme.SERIES)], config == current))
    return runs


def _bar(number: int, total: int, frame) -> tuple[float, str]:
    return frame.epoch / frame.epochs, _("Training pinned run {number} of {total}… epoch {epoch:,} / {epochs:,}",
                                         number=number, total=total, epoch=frame.epoch, epochs=frame.epochs)


# --- the loss curves ------------------------------------------------------------------------------

def loss_chart(runs: Sequence[ComparedRun], log_key: str) -> None:
    log_scale = st.toggle(_("Loss on a log scale"), key=log_key)
    frames = [charts.loss_frame(run.result.losses).assign(run=run.label) for run in runs]
    data = pd.concat(frames, ignore_index=True).astype({"run": str})
    epochs = max(run.config.training.epochs for run in runs)
    spec = loss_overlay_spec(epochs, log_scale, tuple(run.label for run in runs), tuple(run.color for run in runs))
    charts.render(st, spec, loss=data)


def legend() -> alt.Legend:
    """The runs' names above the plot, one a line, as large and dark as the axes' words."""
    return alt.Legend(orient="top", direction="vertical", labelLimit=900, symbolStrokeWidth=4,
                      labelFontSize=theme.FONT_SIZE, labelColor=theme.INK)


@shared_cache(maxsize=32)
def loss_overlay_spec(epochs: int, log_scale: bool, labels: tuple[str, ...], colors: tuple[str, ...]) -> dict:
    """Every run's loss per epoch (dataset 'loss': epoch, loss, run), one colour per run, named below."""
    y_scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=True)
    line = alt.Chart(alt.NamedData("loss")).mark_line(strokeWidth=2.5, clip=True).encode(
        x=alt.X("epoch:Q", title=_("epoch"), scale=alt.Scale(domain=[0, max(epochs, 1)], nice=False)),
        y=alt.Y("loss:Q", title=_("loss (log scale)") if log_scale else _("loss"), scale=y_scale,
                axis=alt.Axis(labelExpr=charts.HUGE_LABELS)),
        color=alt.Color("run:N", title=None, sort=list(labels),
                        scale=alt.Scale(domain=list(labels), range=list(colors)),
                        legend=legend()),
        tooltip=[alt.Tooltip("run:N", title=_("run")), alt.Tooltip("epoch:Q", title=_("epoch"), format=","),
                 alt.Tooltip("loss:Q", title=_("loss"), format=".5g")])
    # The height holds the title, the axes and the legend too (Streamlit fits the whole chart into it).
    return charts.finish_spec(charts.style(line.properties(title=_("Training loss, run by run")), 400))


def series_colors(runs: Sequence[ComparedRun]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The runs' labels and colours, as a chart's colour scale takes them."""
    return tuple(run.label for run in runs), tuple(run.color for run in runs)
