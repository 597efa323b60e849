"""The Perceptron & XOR page's part of a comparison (ui/compare.py): the lecture's comparisons, and
each run's decision boundary as one of a row of small multiples, with its accuracy and the epoch by
which it solved the gate.

The boundary's data is the run view's own (`views.boundary_frames` of the run's last snapshot); the
small chart drops the legends (one caption says what the colours mean for the whole row) and stays
square as the run view's does (SQUARE_CSS below, the same container-query trick as views.SQUARE_CSS).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import streamlit as st

from mlp_core import PRESETS, RunResult
from mlp_core.i18n import N_, _
from ui import charts, theme
from ui.compare import MAX_RUNS, ComparedRun, Comparison, Lesson
from ui.derived import once, per_config, shared_cache

from . import views
from .run_view import encoded

E1, E2 = PRESETS["xor-2-2-1"], PRESETS["xor-2-10-10-10-1"]
COMPARISONS = (
    Comparison(N_("E1 vs E2: one hidden layer of 2 vs three of 10"), (E1, E2)),
    Comparison(N_("E3 vs E1: no hidden layer vs one, on XOR"), (PRESETS["perceptron-xor"], E1)),
    Comparison(N_("Full batch vs one point per update (E1)"), (E1, E1.replace(batch_size=1))),
    Comparison(N_("SGD vs Adam (E2, learning rate 0.01)"),
               (E2.replace(learning_rate=0.01), E2.replace(optimizer="adam", learning_rate=0.01))),
)

SMALL_KEY = "xor-compare-{index}"
# Square plots at any column width: no legend across, the x axis down, the y axis across (~ the same).
SQUARE_CSS = "<style>" + "".join(
    f".st-key-{SMALL_KEY.format(index=i)} {{ container-type: inline-size; }}"
    f" .st-key-{SMALL_KEY.format(index=i)} [data-testid=\"stVegaLiteChart\"]"
    " { height: calc(100cqw + 4px) !important; }"
    for i in range(MAX_RUNS)) + "</style>"


def solved_at(result: RunResult) -> int | None:
    """The first measured epoch from which every training point stays classified correctly to the
    end of the run (accuracy is measured at ~500 epochs of a run), or None if it never is."""
    accuracy = np.asarray(result.accuracy_history, dtype=float)
    if not len(accuracy) or accuracy[-1] < 1.0:
        return None
    wrong = np.flatnonzero(accuracy < 1.0)
    first = 0 if not len(wrong) else int(wrong[-1]) + 1
    return int(result.accuracy_epochs[first])


def outcome_line(result: RunResult) -> str:
    """"accuracy 1.00 · solved by epoch 1,240" (or "not solved in 10,001 epochs"), in the reader's language."""
    accuracy = _("accuracy {accuracy:.2f}", accuracy=result.accuracy or 0.0)
    epoch = solved_at(result)
    if epoch is None:
        return accuracy + " · " + _("not solved in {epochs:,} epochs", epochs=len(result.losses))
    return accuracy + " · " + _("solved by epoch {epoch:,}", epoch=epoch)


@shared_cache(maxsize=16)
def small_boundary_spec(domain: tuple[float, float], point_size: int, color: str) -> dict:
    """The run view's decision boundary (datasets cells, contour, undecided, points) without legends,
    framed in the run's colour (its colour in the loss chart above)."""
    scale = alt.Scale(domain=list(domain), nice=False)
    cells = alt.Chart(alt.NamedData("cells")).mark_rect(opacity=1).encode(
        x=alt.X("x1_low:Q", title="x1", scale=scale, axis=alt.Axis(tickCount=3)), x2="x1_high:Q",
        y=alt.Y("x2_low:Q", title="x2", scale=scale, axis=alt.Axis(tickCount=3)), y2="x2_high:Q",
        color=alt.Color("output:Q", scale=alt.Scale(domain=[0, 1], scheme=theme.DIVERGING_SCHEME), legend=None),
        tooltip=[alt.Tooltip("x1:Q", format=".2f"), alt.Tooltip("x2:Q", format=".2f"),
                 alt.Tooltip("output:Q", title="ŷ", format=".3f")])
    points = alt.Chart(alt.NamedData("points")).mark_point(
        filled=True, size=point_size, opacity=1, stroke=theme.TRUTH, strokeWidth=1.5 if point_size > 100 else 0.6,
        shape="circle").encode(
        x=alt.X("x1:Q", scale=scale), y=alt.Y("x2:Q", scale=scale),
        fill=alt.Fill("class:N", scale=alt.Scale(domain=views.class_names(), range=list(theme.CLASS_COLORS)),
                      legend=None))
    chart = alt.layer(cells, views._segments("contour", 3), views._segments("undecided", 2, strokeDash=[8, 6],
                                                                             opacity=0.6), points)
    spec = views.square(charts.style(chart).to_dict())
    spec["config"]["view"] = {"stroke": color, "strokeWidth": 5}
    return spec


def draw(runs: Sequence[ComparedRun]) -> None:
    """The decision boundaries side by side, each with its run's name, accuracy and epoch solved."""
    st.html(SQUARE_CSS)
    st.markdown(_("**Decision boundaries** at the end of each run"))
    # Four columns whatever the number of runs: each square the same size, the row one screen high.
    for index, (column, run) in enumerate(zip(st.columns(MAX_RUNS), runs)):
        config, result = run.config, run.result
        dataset = result.dataset
        snapshot = result.snapshots[-1] if result.snapshots else None
        cells = once(snapshot, "boundary", lambda: encoded(views.boundary_frames(snapshot, dataset, config))) \
            if snapshot is not None else encoded(views.boundary_frames(None, dataset, config))
        points = per_config(config, "points", lambda: charts.arrow_bytes(views.points_frame(dataset)))
        column.markdown(f"**{run.label}**")
        charts.render(column.container(key=SMALL_KEY.format(index=index)),
                      small_boundary_spec(views.grid_domain(dataset), min(views.point_size(config.n_points), 160),
                                          run.color),
                      points=points, **cells)
        column.caption(outcome_line(result))
    st.caption(_("Red: ŷ near 0 (class 0), blue: ŷ near 1 (class 1); black: where ŷ = 0.5, the boundary. Each "
                 "frame has its run's colour in the loss chart."))


LESSON = Lesson(COMPARISONS, draw)
