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

import math
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from . import theme

MAX_POINTS = 400
EXTRAPOLATION_SHADE = "#eef0f3"


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
            .configure_title(fontSize=theme.TITLE_SIZE, anchor="start")
            .configure_view(strokeWidth=0))


def render(area: Any, spec: dict, **datasets: pd.DataFrame | bytes) -> None:
    """Draw `spec` in a Streamlit container with these named datasets (only the data changes).

    DataFrames are serialised here with one thread (pyarrow's default thread pool made each
    conversion wait on locks while training holds the CPU); pass `arrow_bytes(df)` for data
    that stays the same over a run, so it is converted once.
    """
    data = {name: value if isinstance(value, bytes) else arrow_bytes(value) for name, value in datasets.items()}
    area.vega_lite_chart({**spec, "datasets": {**spec.get("datasets", {}), **data}}, width="stretch")


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
    return pd.DataFrame({"value": [float(v) for v, _ in references], "label": [t for _, t in references]},
                        columns=["value", "label"]).astype({"value": float, "label": str})


@lru_cache(maxsize=64)
def loss_spec(epochs: int, log_scale: bool = False, height: int = theme.CHART_HEIGHT,
              title: str = "Training loss") -> dict:
    """Loss per epoch (dataset 'loss') with labelled dashed reference lines (dataset 'refs')."""
    x = alt.X("epoch:Q", title="epoch", scale=alt.Scale(domain=[0, max(epochs, 1)], nice=False))
    y_scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=True)
    line = alt.Chart(alt.NamedData("loss")).mark_line(color=theme.NETWORK, strokeWidth=2.5).encode(
        x=x, y=alt.Y("loss:Q", title="loss" + (" (log scale)" if log_scale else ""), scale=y_scale),
        tooltip=[alt.Tooltip("epoch:Q", format=","), alt.Tooltip("loss:Q", format=".5g")])
    rule = alt.Chart(alt.NamedData("refs")).mark_rule(
        color=theme.REFERENCE, strokeDash=[6, 4], strokeWidth=2).encode(y="value:Q")
    text = alt.Chart(alt.NamedData("refs")).mark_text(
        color=theme.REFERENCE, align="right", baseline="bottom", dx=-4, dy=-4, fontSize=theme.FONT_SIZE).encode(
        y="value:Q", x=alt.value("width"), text="label:N")
    return finish_spec(style(alt.layer(line, rule, text).properties(title=title), height))


# --- quadratic fit ----------------------------------------------------------------------------

FIT_CURVES = ["true curve x² + 3", "network"]


def fit_points(inputs: np.ndarray, targets: np.ndarray, max_points: int = 1000) -> bytes:
    """The 'points' dataset of `fit_spec` (the training data), serialised once per run."""
    index = downsample(len(inputs), max_points)
    return arrow_bytes(pd.DataFrame({"x": inputs[index], "y": targets[index]}))


def truth_curve(grid: np.ndarray) -> bytes:
    """The 'truth' dataset of `fit_spec`: x² + 3 on the grid, serialised once per run (it never moves)."""
    return arrow_bytes(_curve(grid, grid**2 + 3, FIT_CURVES[0]))


def fit_curve(grid: np.ndarray, fit: np.ndarray | None) -> pd.DataFrame:
    """The 'fit' dataset of `fit_spec`: the network's output on the grid (no rows before there is one).

    Kept apart from the true curve so that a live redraw sends, and the browser redraws, only this.
    """
    return _curve(grid, finite(fit), FIT_CURVES[1]) if fit is not None else _curve(grid[:0], grid[:0], FIT_CURVES[1])


def _curve(x: np.ndarray, y: np.ndarray, name: str) -> pd.DataFrame:
    return pd.DataFrame({"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float),
                         "curve": pd.Series([name] * len(x), dtype=str)})


def fit_y_domain(grid: np.ndarray, train_range: tuple[float, float], noise_std: float,
                 n_samples: int) -> tuple[float, float]:
    """The y range of the fit charts, from the config alone rather than the drawn sample.

    The true curve over the whole grid, and the data's reach inside the training range: x² + 3 ± kσ
    with k = √(2 ln n) + 1, a standard deviation above the expected largest of n normal draws, so a
    point falls outside (and is clamped to the edge) for well under 1% of seeds. With the range
    independent of the seed, trying another seed keeps the chart's spec, and the browser only swaps
    the data of its view instead of building a new one.
    """
    low, high = train_range
    reach = noise_std * (math.sqrt(2 * math.log(max(n_samples, 1))) + 1)
    top = 1.05 * max(float(np.max(grid**2)) + 3, max(low**2, high**2) + 3 + reach)
    lowest = 3 + (0.0 if low <= 0 <= high else min(low**2, high**2))
    return min(lowest - reach, 0.0) - 0.03 * top, top


@lru_cache(maxsize=64)
def fit_spec(x_domain: tuple[float, float], y_domain: tuple[float, float], train_range: tuple[float, float],
             height: int = 420, title: str = "Data, true curve and the network's fit") -> dict:
    """Scatter of the data ("points"), dashed true curve ("truth"), solid fit ("fit"); shaded where x is
    outside the data."""
    x_scale = alt.Scale(domain=list(x_domain), nice=False)
    y_scale = alt.Scale(domain=list(y_domain), clamp=True)
    band = pd.DataFrame({"start": [x_domain[0], train_range[1]], "end": [train_range[0], x_domain[1]],
                         "label": ["no data here", ""]})
    shade = alt.Chart(band).mark_rect(color=EXTRAPOLATION_SHADE).encode(x=alt.X("start:Q", scale=x_scale), x2="end:Q")
    shade_text = alt.Chart(band).mark_text(color="#4b5563", fontSize=theme.FONT_SIZE - 1, align="left", dx=4,
                                           baseline="top", dy=6).encode(x="start:Q", y=alt.value(0), text="label:N")
    scatter = alt.Chart(alt.NamedData("points")).mark_circle(size=18, opacity=0.45, color=theme.DATA).encode(
        x=alt.X("x:Q", title="x", scale=x_scale), y=alt.Y("y:Q", title="y", scale=y_scale))
    lines = [_curve_line(name, x_scale, y_scale) for name in ("truth", "fit")]  # a redraw replaces only "fit"
    return finish_spec(style(alt.layer(shade, shade_text, scatter, *lines).properties(title=title), height))


def _curve_line(dataset: str, x_scale: alt.Scale, y_scale: alt.Scale) -> alt.Chart:
    """A curve of `fit_spec`: dashed for the true curve, solid for the network.

    Colour and dash share one field, so Vega-Lite merges them into one legend that shows both (a
    `legend=None` on either channel removes the merged legend altogether).
    """
    return alt.Chart(alt.NamedData(dataset)).mark_line(strokeWidth=3, clip=True).encode(
        x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale),
        color=alt.Color("curve:N", title=None, scale=alt.Scale(domain=FIT_CURVES, range=[theme.TRUTH, theme.NETWORK])),
        strokeDash=alt.StrokeDash("curve:N", title=None, scale=alt.Scale(domain=FIT_CURVES, range=[[6, 4], [1, 0]])),
        tooltip=["curve:N", alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("y:Q", format=".4g")])


def units_chart(grid: np.ndarray, contributions: np.ndarray, train_range: tuple[float, float],
                height: int = theme.CHART_HEIGHT) -> alt.TopLevelMixin:
    """One line per last-hidden-layer unit: its output weight times its activation, over x."""
    frame = pd.DataFrame(finite(contributions).T, columns=[f"unit {i + 1}" for i in range(len(contributions))])
    frame["x"] = grid
    long = frame.melt("x", var_name="unit", value_name="contribution")
    x_scale = alt.Scale(domain=[float(grid.min()), float(grid.max())], nice=False)
    band = pd.DataFrame({"start": [float(grid.min()), train_range[1]], "end": [train_range[0], float(grid.max())]})
    shade = alt.Chart(band).mark_rect(color=EXTRAPOLATION_SHADE).encode(x=alt.X("start:Q", scale=x_scale), x2="end:Q")
    lines = alt.Chart(long).mark_line(strokeWidth=2).encode(
        x=alt.X("x:Q", title="x", scale=x_scale),
        y=alt.Y("contribution:Q", title="w_out · h(x)"),
        color=alt.Color("unit:N", title=None, sort=None, scale=alt.Scale(range=list(theme.SERIES)),
                        legend=alt.Legend(columns=10) if len(contributions) <= 20 else None),
        tooltip=["unit:N", alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("contribution:Q", format=".4g")])
    return style(alt.layer(shade, lines).properties(
        title="Each unit of the last hidden layer: output weight × activation"), height)
