"""Altair chart builders: one palette, readable axes, and specs that stay constant while data moves.

Live charts are redrawn twice a second. Building an Altair chart and validating it
costs ~0.1 s, far more than a training step, so each chart is built ONCE per set of static
parameters (axis domains, scale type) with *named* datasets (`alt.NamedData`), turned into a
Vega-Lite dict (cached), and every redraw only sends new DataFrames under those names:

    spec = loss_spec(epochs=10000, log_scale=False)
    render(area, spec, loss=loss_frame(losses), refs=reference_frame(...))

Streamlit ships the DataFrames as Arrow and the browser keeps the chart, swapping its data.
Charts receive only finite numbers and at most a few hundred points per series.
"""

from __future__ import annotations

import threading
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from mlp_core.i18n import _

from . import lecture, theme
from .derived import shared_cache

MAX_POINTS = 400
# Axis labels as Vega writes them, but a huge or tiny one in scientific notation: a diverged run's
# 5e+31 otherwise reads "50,000,000,000,000,000,000,000,000,000,000" and is cut off.
HUGE_LABELS = ("abs(datum.value) >= 1e6 || (datum.value != 0 && abs(datum.value) < 1e-4) "
               "? format(datum.value, '.1e') : datum.label")


def downsample(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """At most `max_points` indices spread over range(n), first and last included."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def style(chart: alt.TopLevelMixin, height: int = theme.CHART_HEIGHT) -> alt.TopLevelMixin:
    """The shared look: projector-sized type, legend below, no frame."""
    return (chart.properties(height=height)
            .configure_axis(labelFontSize=theme.FONT_SIZE - 1, titleFontSize=theme.FONT_SIZE)
            .configure_legend(labelFontSize=theme.FONT_SIZE - 1, titleFontSize=theme.FONT_SIZE, orient="bottom")
            .configure_title(fontSize=theme.TITLE_SIZE, subtitleFontSize=theme.FONT_SIZE - 1, anchor="start")
            .configure_view(strokeWidth=0))


def render(area: Any, spec: dict, **datasets: pd.DataFrame | bytes) -> None:
    """Draw `spec` in a Streamlit container with these named datasets (only the data changes).

    DataFrames are serialised here with one thread (pyarrow's default thread pool made each
    conversion wait on locks while training holds the CPU); pass `arrow_bytes(df)` for data
    that stays the same over a run, so it is converted once.
    """
    data = {name: value if isinstance(value, bytes) else arrow_bytes(value) for name, value in datasets.items()}
    spec = for_screen(spec)
    area.vega_lite_chart({**spec, "datasets": {**spec.get("datasets", {}), **data}}, width="stretch")


def for_screen(spec: dict) -> dict:
    """The spec as this session's screen needs it: in presenter view (ui/lecture.py) every font size
    × lecture.FONT_SCALE and every height × lecture.HEIGHT_SCALE, so that axis labels read from the
    back of a hall (14 px → 21 px) and the charts fill a projected screen. Derived once per spec."""
    factor = lecture.scale()
    if factor == 1.0:
        return spec
    with _scaled_lock:
        kept = _scaled_specs.get(id(spec))
        if kept is None or kept[0] is not spec:  # the specs are long-lived (shared_cache): held here with theirs
            kept = _scaled_specs[id(spec)] = (spec, _scaled(spec, factor, lecture.HEIGHT_SCALE))
            while len(_scaled_specs) > 256:
                _scaled_specs.pop(next(iter(_scaled_specs)))
        return kept[1]


_scaled_specs: dict[int, tuple[dict, dict]] = {}
_scaled_lock = threading.Lock()


def altair_for_screen(area: Any, chart: alt.TopLevelMixin) -> None:
    """`area.altair_chart(chart)` at this session's scale (see `for_screen`)."""
    if lecture.scale() == 1.0:
        area.altair_chart(chart, width="stretch")
    else:
        spec = chart.to_dict()
        area.vega_lite_chart(_scaled(spec, lecture.scale(), lecture.HEIGHT_SCALE), width="stretch")


def _scaled(value: Any, factor: float, height_factor: float, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: v if k in ("datasets", "data", "values") else _scaled(v, factor, height_factor, k)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_scaled(v, factor, height_factor, key) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if key.lower().endswith("fontsize"):
            return round(value * factor, 1)
        if key == "height":
            return round(value * height_factor)
    return value


def arrow_bytes(frame: pd.DataFrame) -> bytes:
    """A DataFrame as Arrow IPC stream bytes, the form Streamlit ships chart data in.

    Numeric and text columns go to Arrow directly (~0.1 ms for a chart's few hundred rows, against
    ~0.6 ms through `pa.Table.from_pandas`, which matters twice a second while training); anything
    else takes pyarrow's pandas path. Text is plain utf8: Arrow JS in the browser does not read the
    large_string that pandas 3 strings become.
    """
    columns = [_arrow_column(frame[name]) for name in frame.columns]
    if any(column is None for column in columns):
        table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
        table = table.cast(pa.schema([pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type)
                                      for f in table.schema]))
    else:
        table = pa.table(columns, names=[str(name) for name in frame.columns])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _arrow_column(series: pd.Series) -> pa.Array | None:
    """One column as an Arrow array without pandas' conversion machinery; None if not simple."""
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf":
        return pa.array(series.to_numpy())
    if pd.api.types.is_string_dtype(series.dtype) and not isinstance(series.dtype, pd.CategoricalDtype):
        values = series.tolist()
        if all(isinstance(value, str) for value in values):
            return pa.array(values, type=pa.string())
    return None


def finish_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart as a Vega-Lite dict whose inline data (bands, labels) is already Arrow bytes."""
    spec = chart.to_dict()
    spec["datasets"] = {name: arrow_bytes(pd.DataFrame(values)) for name, values in spec.get("datasets", {}).items()}
    return spec


def finite(values: np.ndarray) -> np.ndarray:
    """Replace NaN/inf by NaN-free values for drawing: charts never receive non-finite numbers."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, 0.0)


# --- loss -------------------------------------------------------------------------------------

def loss_frame(losses: np.ndarray, max_points: int = MAX_POINTS) -> pd.DataFrame:
    index = downsample(len(losses), max_points)
    return pd.DataFrame({"epoch": index, "loss": finite(np.asarray(losses)[index]).clip(min=1e-12)})


def reference_frame(*references: tuple[float, str]) -> pd.DataFrame:
    """Horizontal reference lines (ln 2 plateau, noise floor) as (value, label) pairs."""
    return pd.DataFrame({"value": [float(value) for value, _label in references], "label": [label for _value, label in references]},
                        columns=["value", "label"]).astype({"value": float, "label": str})


@shared_cache(maxsize=64)
def loss_spec(epochs: int, log_scale: bool = False, height: int = theme.CHART_HEIGHT,
              title: str | None = None, subtitle: str = "") -> dict:
    """Loss per epoch (dataset 'loss') with labelled dashed reference lines (dataset 'refs'); the title
    is "Training loss" in the reader's language unless given (shared_cache keys it by language)."""
    title = _("Training loss") if title is None else title
    x = alt.X("epoch:Q", title=_("epoch"), scale=alt.Scale(domain=[0, max(epochs, 1)], nice=False))
    y_scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=True)
    line = alt.Chart(alt.NamedData("loss")).mark_line(color=theme.NETWORK, strokeWidth=2.5).encode(
        x=x, y=alt.Y("loss:Q", title=_("loss (log scale)") if log_scale else _("loss"), scale=y_scale,
                     axis=alt.Axis(labelExpr=HUGE_LABELS)),
        tooltip=[alt.Tooltip("epoch:Q", title=_("epoch"), format=","),
                 alt.Tooltip("loss:Q", title=_("loss"), format=".5g")])
    rule = alt.Chart(alt.NamedData("refs")).mark_rule(
        color=theme.REFERENCE, strokeDash=[6, 4], strokeWidth=2).encode(y="value:Q")
    text = alt.Chart(alt.NamedData("refs")).mark_text(
        color=theme.REFERENCE, align="right", baseline="bottom", dx=-4, dy=-4, fontSize=theme.FONT_SIZE).encode(
        y="value:Q", x=alt.value("width"), text="label:N")
    heading = alt.TitleParams(title, subtitle=subtitle) if subtitle else title
    return finish_spec(style(alt.layer(line, rule, text).properties(title=heading), height))
