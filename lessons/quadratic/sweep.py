"""The quadratic lesson's seed sweep: the band of fits across seeds around the mean fit, and the
spread of final losses."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from mlp_core import Config, SweepResult
from mlp_core.diagnosis import summary
from mlp_core.i18n import _
from ui import charts, theme
from ui.numbers import number
from ui.sweeps import _time_metric, cached_sweep, final_loss_histogram

from . import charts as fit_charts


def regression_band_chart(result: SweepResult, inputs: np.ndarray, targets: np.ndarray,
                          train_range: tuple[float, float]) -> alt.LayerChart:
    """The data, the true curve, the mean fit across seeds and the 10–90% band of fits."""
    grid = result.grid[:, 0]
    finite_rows = np.all(np.isfinite(result.grid_outputs), axis=1)
    outputs = result.grid_outputs[finite_rows]
    band = pd.DataFrame({"x": grid, "low": np.percentile(outputs, 10, axis=0),
                         "high": np.percentile(outputs, 90, axis=0), "mean": outputs.mean(axis=0)})
    x_scale = alt.Scale(domain=[float(grid.min()), float(grid.max())], nice=False)
    curve = fit_charts.curve_of(result.config)
    own = result.config.data.points is not None
    y_scale = alt.Scale(domain=list(fit_charts.fit_y_domain(grid, train_range, result.config.data.noise_std, len(targets),
                                                            curve=curve, data_y=targets if own else None)),
                        clamp=True)  # the range of the page's fit chart above it
    shade = pd.DataFrame({"start": [float(grid.min()), train_range[1]], "end": [train_range[0], float(grid.max())]})
    index = charts.downsample(len(inputs), 1000)
    layers = [
        alt.Chart(shade).mark_rect(color=theme.EXTRAPOLATION_SHADE).encode(x=alt.X("start:Q", scale=x_scale), x2="end:Q"),
        alt.Chart(pd.DataFrame({"x": inputs[index], "y": targets[index]})).mark_circle(
            size=14, opacity=0.35, color=theme.DATA).encode(x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale)),
        alt.Chart(band).mark_area(opacity=0.25, color=theme.NETWORK, clip=True).encode(
            x=alt.X("x:Q", scale=x_scale, title="x"), y=alt.Y("low:Q", scale=y_scale, title="y"), y2="high:Q"),
        alt.Chart(pd.DataFrame({"x": grid[:0] if own else grid,
                                "y": grid[:0] if own else grid**2 + 3 if curve is None else curve(grid)})).mark_line(
            color=theme.TRUTH, strokeDash=[6, 4], strokeWidth=2.5, clip=True).encode(
            x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale)),
        alt.Chart(band).mark_line(color=theme.NETWORK, strokeWidth=3, clip=True).encode(
            x=alt.X("x:Q", scale=x_scale), y=alt.Y("mean:Q", scale=y_scale),
            tooltip=[alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("mean:Q", format=".4g"),
                     alt.Tooltip("low:Q", format=".4g"), alt.Tooltip("high:Q", format=".4g")]),
    ]
    return charts.style(alt.layer(*layers).properties(
        title=_("Mean fit of {n} seeds (line) and the band where 80% of the fits lie", n=len(outputs))), height=380)


def regression_panel(config: Config, inputs: np.ndarray, targets: np.ndarray,
                     train_range: tuple[float, float], n_seeds: int) -> None:
    """Quadratic & co: the band of fits across seeds and the spread of final losses."""
    result = cached_sweep(config, tuple(range(n_seeds)))
    if result is None:
        return
    columns = st.columns(4)
    columns[0].metric(_("Final loss, median of seeds"), number(float(np.nanmedian(result.final_loss))))
    spread = np.nanpercentile(result.final_loss, [10, 90])
    columns[1].metric(_("10%–90% of seeds"), f"{number(spread[0], 3)} – {number(spread[1], 3)}")
    columns[2].metric(_("Seeds within 10% of the noise floor") if config.data.points is None else
                      _("Seeds within 10% of the best straight line"), f"{int(result.solved.sum())} / {n_seeds}")
    _time_metric(columns[3], result)
    st.caption(_("The seeds by verdict: {summary} (the same verdicts as a single run's).",
                 summary=summary(result.verdicts())))
    left, right = st.columns([3, 2])
    left.altair_chart(regression_band_chart(result, inputs, targets, train_range), width="stretch")
    right.altair_chart(final_loss_histogram(result, title=_("Final loss of {n} seeds", n=n_seeds), log_scale=False),
                       width="stretch")
