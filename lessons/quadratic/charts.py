"""The quadratic lesson's charts: the fit over the data with the true curve, and the last hidden
layer unit by unit. Same contract as `ui.charts`: specs built once with named datasets, redraws
send only data."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from mlp_core.i18n import N_, _
from ui import theme
from ui.charts import arrow_bytes, downsample, finish_spec, finite, style
from ui.derived import shared_cache
from ui.theme import EXTRAPOLATION_SHADE


FIT_CURVES = [N_("true curve x² + 3"), N_("network")]  # the legend, shown as _(name)
TRUE_CURVE = N_("true curve {curve}")  # another target function's (its formula with the x range's numbers)


def fit_curves(formula: str | None = "x² + 3") -> list[str]:
    """The fit chart's curves in the reader's language (its data and legend): the true curve of
    `formula` and the network; only the network for data of one's own (`formula` None)."""
    if formula is None:
        return [_(FIT_CURVES[1])]
    first = _(FIT_CURVES[0]) if formula == "x² + 3" else _(TRUE_CURVE, curve=formula)
    return [first, _(FIT_CURVES[1])]


def curve_of(config):
    """The config's true curve as a function of a numpy array, with the float32 arithmetic of the
    data (mlp_core.data.true_curve); None for x² + 3 (the charts' own formula) and for data that has
    no true curve (one's own points, the nine points)."""
    if config.data.points is not None or config.data.dataset != "quadratic" or config.data.target == "square":
        return None
    import torch

    from mlp_core.data import true_curve

    return lambda x: true_curve(config.data, torch.as_tensor(np.asarray(x, dtype=np.float32))).numpy()


def fit_points(inputs: np.ndarray, targets: np.ndarray, max_points: int = 1000) -> bytes:
    """The 'points' dataset of `fit_spec` (the training data), serialised once per run."""
    index = downsample(len(inputs), max_points)
    return arrow_bytes(pd.DataFrame({"x": inputs[index], "y": targets[index]}))


def truth_curve(grid: np.ndarray, curve=None, formula: str | None = "x² + 3") -> bytes:
    """The 'truth' dataset of `fit_spec`: the true curve (x² + 3 unless `curve` says otherwise) on the
    grid, serialised once per run (it never moves); no rows for one's own data (`formula` None)."""
    if formula is None:
        return arrow_bytes(_curve(grid[:0], grid[:0], ""))
    values = grid**2 + 3 if curve is None else curve(grid)
    return arrow_bytes(_curve(grid, values, fit_curves(formula)[0]))


def fit_curve(grid: np.ndarray, fit: np.ndarray | None) -> pd.DataFrame:
    """The 'fit' dataset of `fit_spec`: the network's output on the grid (no rows before there is one).

    Kept apart from the true curve so that a live redraw sends, and the browser redraws, only this.
    """
    name = fit_curves()[-1]
    return _curve(grid, finite(fit), name) if fit is not None else _curve(grid[:0], grid[:0], name)


def _curve(x: np.ndarray, y: np.ndarray, name: str) -> pd.DataFrame:
    return pd.DataFrame({"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float),
                         "curve": pd.Series([name] * len(x), dtype=str)})


def fit_y_domain(grid: np.ndarray, train_range: tuple[float, float], noise_std: float,
                 n_samples: int, curve=None, data_y: np.ndarray | None = None) -> tuple[float, float]:
    """The y range of the fit charts, from the config alone rather than the drawn sample.

    The true curve over the whole grid, and the data's reach inside the training range: x² + 3 ± kσ
    with k = √(2 ln n) + 1, a standard deviation above the expected largest of n normal draws, so a
    point falls outside (and is clamped to the edge) for well under 1% of seeds. With the range
    independent of the seed, trying another seed keeps the chart's spec, and the browser only swaps
    the data of its view instead of building a new one.

    For another target (`curve`, a function of x) the same from its values; for one's own points
    (`data_y`) their extent with a margin.
    """
    if data_y is not None:
        lowest, highest = float(np.min(data_y)), float(np.max(data_y))
        margin = 0.15 * max(highest - lowest, 1e-6)
        return lowest - margin, highest + margin
    low, high = train_range
    reach = noise_std * (math.sqrt(2 * math.log(max(n_samples, 1))) + 1)
    if curve is not None:
        inside, everywhere = curve(np.linspace(low, high, 301)), curve(grid)
        highest = max(float(np.max(everywhere)), float(np.max(inside)) + reach)
        lowest = min(float(np.min(everywhere)), float(np.min(inside)) - reach, 0.0)
        pad = 0.05 * max(abs(highest), abs(lowest))
        return lowest - 0.6 * pad, highest + pad
    top = 1.05 * max(float(np.max(grid**2)) + 3, max(low**2, high**2) + 3 + reach)
    lowest = 3 + (0.0 if low <= 0 <= high else min(low**2, high**2))
    return min(lowest - reach, 0.0) - 0.03 * top, top


@shared_cache(maxsize=64)
def fit_spec(x_domain: tuple[float, float], y_domain: tuple[float, float], train_range: tuple[float, float],
             height: int = 420, title: str | None = None, formula: str | None = "x² + 3") -> dict:
    """Scatter of the data ("points"), dashed true curve ("truth"), solid fit ("fit"); shaded where x is
    outside the data. Titled "Data, true curve and the network's fit" in the reader's language unless
    given (shared_cache keys it by language)."""
    title = _("Data, true curve and the network's fit") if title is None else title
    x_scale = alt.Scale(domain=list(x_domain), nice=False)
    y_scale = alt.Scale(domain=list(y_domain), clamp=True)
    band = pd.DataFrame({"start": [x_domain[0], train_range[1]], "end": [train_range[0], x_domain[1]],
                         "label": [_("no data here"), ""]})
    shade = alt.Chart(band).mark_rect(color=EXTRAPOLATION_SHADE).encode(x=alt.X("start:Q", scale=x_scale), x2="end:Q")
    shade_text = alt.Chart(band).mark_text(color=theme.SHADE_TEXT, fontSize=theme.FONT_SIZE - 1, align="left", dx=4,
                                           baseline="top", dy=6).encode(x="start:Q", y=alt.value(0), text="label:N")
    scatter = alt.Chart(alt.NamedData("points")).mark_circle(size=18, opacity=0.45, color=theme.DATA).encode(
        x=alt.X("x:Q", title="x", scale=x_scale), y=alt.Y("y:Q", title="y", scale=y_scale))
    curves = fit_curves(formula)
    lines = [_curve_line(name, x_scale, y_scale, curves)  # a redraw replaces only "fit"
             for name in (("truth", "fit") if formula is not None else ("fit",))]
    return finish_spec(style(alt.layer(shade, shade_text, scatter, *lines).properties(title=title), height))


def _curve_line(dataset: str, x_scale: alt.Scale, y_scale: alt.Scale, curves: list[str]) -> alt.Chart:
    """A curve of `fit_spec`: dashed for the true curve, solid for the network.

    Colour and dash share one field, so Vega-Lite merges them into one legend that shows both (a
    `legend=None` on either channel removes the merged legend altogether).
    """
    return alt.Chart(alt.NamedData(dataset)).mark_line(strokeWidth=3, clip=True).encode(
        x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale),
        color=alt.Color("curve:N", title=None, scale=alt.Scale(domain=curves,
                                                               range=[theme.TRUTH, theme.NETWORK][-len(curves):])),
        strokeDash=alt.StrokeDash("curve:N", title=None, scale=alt.Scale(domain=curves,
                                                                         range=[[6, 4], [1, 0]][-len(curves):])),
        tooltip=[alt.Tooltip("curve:N", title=_("curve")), alt.Tooltip("x:Q", format=".3g"),
                 alt.Tooltip("y:Q", format=".4g")])


def units_chart(grid: np.ndarray, contributions: np.ndarray, train_range: tuple[float, float],
                height: int = theme.CHART_HEIGHT) -> alt.TopLevelMixin:
    """One line per last-hidden-layer unit: its output weight times its activation, over x."""
    frame = pd.DataFrame(finite(contributions).T,
                         columns=[_("unit {n}", n=i + 1) for i in range(len(contributions))])
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
        tooltip=[alt.Tooltip("unit:N", title=_("unit")), alt.Tooltip("x:Q", format=".3g"),
                 alt.Tooltip("contribution:Q", title=_("contribution"), format=".4g")])
    return style(alt.layer(shade, lines).properties(
        title=_("Each unit of the last hidden layer: output weight × activation")), height)
