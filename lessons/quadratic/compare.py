"""The Quadratic regression page's part of a comparison (ui/compare.py): the lecture's comparisons,
and every run's fit drawn over the data and the true curve, in the runs' colours."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from mlp_core import PRESETS
from mlp_core.i18n import N_, _
from ui import charts, theme
from ui.charts import arrow_bytes, finish_spec, style
from ui.compare import ComparedRun, Comparison, Lesson, legend, series_colors
from ui.derived import per_config, shared_cache
from ui.theme import EXTRAPOLATION_SHADE

from . import charts as fit_charts

E8, E9 = PRESETS["quadratic-small-sgd"], PRESETS["quadratic-wide-adam"]
COMPARISONS = (
    Comparison(N_("E8 vs E9: a small net with SGD vs a wide one with Adam"), (E8, E9)),
    Comparison(N_("ReLU vs sigmoid (E9)"), (E9, E9.replace(activation="sigmoid"))),
    Comparison(N_("Full batch vs mini-batches of 200 (E8)"), (E8, E8.replace(batch_size=200))),
)


def fit_frame(run: ComparedRun) -> pd.DataFrame:
    """The run's fit on its grid (x, y, run), from its last snapshot."""
    grid = run.result.dataset.grid.squeeze(1).numpy()
    snapshot = run.result.snapshots[-1] if run.result.snapshots else None
    fit = charts.finite(snapshot.grid_outputs) if snapshot is not None else np.full(len(grid), np.nan)
    frame = pd.DataFrame({"x": grid.astype(float), "y": np.asarray(fit, dtype=float).ravel()})
    return frame.dropna().assign(run=run.label).astype({"run": str})


@shared_cache(maxsize=16)
def fits_spec(x_domain: tuple[float, float], y_domain: tuple[float, float], train_range: tuple[float, float],
              labels: tuple[str, ...], colors: tuple[str, ...]) -> dict:
    """The data ("points"), the true curve ("truth", dashed) and every run's fit ("fits": x, y, run)."""
    x_scale = alt.Scale(domain=list(x_domain), nice=False)
    y_scale = alt.Scale(domain=list(y_domain), clamp=True)
    band = pd.DataFrame({"start": [x_domain[0], train_range[1]], "end": [train_range[0], x_domain[1]]})
    shade = alt.Chart(band).mark_rect(color=EXTRAPOLATION_SHADE).encode(x=alt.X("start:Q", scale=x_scale), x2="end:Q")
    scatter = alt.Chart(alt.NamedData("points")).mark_circle(size=14, opacity=0.35, color=theme.DATA).encode(
        x=alt.X("x:Q", title="x", scale=x_scale), y=alt.Y("y:Q", title="y", scale=y_scale))
    truth = alt.Chart(alt.NamedData("truth")).mark_line(strokeWidth=2, strokeDash=[6, 4], color=theme.TRUTH,
                                                        clip=True).encode(
        x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale))
    fits = alt.Chart(alt.NamedData("fits")).mark_line(strokeWidth=3, clip=True).encode(
        x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale),
        color=alt.Color("run:N", title=None, sort=list(labels),
                        scale=alt.Scale(domain=list(labels), range=list(colors)),
                        legend=legend()),
        tooltip=[alt.Tooltip("run:N", title=_("run")), alt.Tooltip("x:Q", format=".3g"),
                 alt.Tooltip("y:Q", format=".4g")])
    title = alt.TitleParams(_("The fits over the data"), subtitle=_("dashed: the true curve x² + 3; shaded: no data"))
    return finish_spec(style(alt.layer(shade, scatter, truth, fits).properties(title=title), 420))


def draw(runs: Sequence[ComparedRun]) -> None:
    """Every run's fit over the data of the current run (or the first), the true curve dashed."""
    shown = next((run for run in runs if run.current), runs[0])
    dataset = shown.result.dataset
    grids = [run.result.dataset.grid.squeeze(1).numpy() for run in runs]
    x_domain = (float(min(g.min() for g in grids)), float(max(g.max() for g in grids)))
    ranges = [run.result.dataset.train_range for run in runs]
    train_range = (min(r[0] for r in ranges), max(r[1] for r in ranges))
    domains = [fit_charts.fit_y_domain(g, run.result.dataset.train_range, run.config.data.noise_std,
                                       run.config.n_points) for g, run in zip(grids, runs)]
    y_domain = (min(d[0] for d in domains), max(d[1] for d in domains))
    grid = np.linspace(*x_domain, 400)
    points = per_config(shown.config, "compare points", lambda: fit_charts.fit_points(
        dataset.inputs.squeeze(1).numpy(), dataset.targets.squeeze(1).numpy()))
    truth = arrow_bytes(pd.DataFrame({"x": grid, "y": grid**2 + 3}))
    fits = pd.concat([fit_frame(run) for run in runs], ignore_index=True)
    charts.render(st, fits_spec(x_domain, y_domain, train_range, *series_colors(runs)), points=points, truth=truth,
                  fits=fits)
    data = {(run.config.data.noise_std, run.config.data.x_limit, run.config.n_points, run.config.seed) for run in runs}
    if len(data) > 1:
        st.caption(_("The runs learn from different data; the dots are those of {label}.", label=shown.label))


LESSON = Lesson(COMPARISONS, draw)
