"""Seed sweeps for any lesson: the same settings trained from many seeds at once (mlp_core.sweep).

A single run answers "did it learn this time?"; a sweep answers "how often does it learn?". Here
is what every lesson's sweep panel shares: training one on the trainer pool with a progress bar (one
sweep per config and seeds, whoever asks for it, on the cores or the GPU its cost calls for; kept in
the run store like runs, keyed by the config and the seeds), and the charts of final losses and
loss curves. The panels themselves are
the lessons' (lessons/xor/sweep.py, lessons/quadratic/sweep.py).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import torch

from mlp_core import Config, SweepResult, sweep
from mlp_core.cost import available_cores, plan_sweep
from mlp_core.i18n import N_, _
from mlp_core.pool import DONE, FAILED

from . import charts, theme
from .live import attend
from .store import RunStore

OUTCOMES = [N_("solved"), N_("not solved")]  # the charts' legend: shown as _(outcome)


def outcomes() -> list[str]:
    """The two outcomes of a seed in the reader's language (the charts' data and legend)."""
    return [_(outcome) for outcome in OUTCOMES]


def cached_sweep(config: Config, seeds: tuple[int, ...]) -> SweepResult | None:
    """The sweep from the store, or trained now with a progress bar; None if refused as too slow.

    Where it trains is `plan_sweep`'s choice: a wide network's sweep in threads on every core this
    app may use, or on the GPU where there is one and the CPU would take seconds.
    """
    plan = plan_sweep(config, len(seeds), cores=available_cores(), cuda=torch.cuda.is_available())
    if plan.cost.too_slow:
        st.error(plan.cost.sweep_refusal(len(seeds)))
        return None
    base = config.replace(seed=0)  # the sweep chooses the seeds: any seed of the page shares it
    text = _("Training {n} networks at once, {where}…", n=len(seeds), where=_where(plan.device, plan.workers))

    def job(run) -> SweepResult:  # on the trainer pool, shared by every session asking for it
        return sweep(base, list(seeds), device=plan.device, workers=plan.workers, progress=run.publish)

    run = attend(RunStore.key(base, ("sweep", seeds)), job, status=st.empty(),
                 describe=lambda done: (min(done, 1.0), f"{text} {done:.0%}"))
    if run.state == FAILED:
        st.error(_("**The sweep failed**: {error_type}: {error}. Please report it.",
                   error_type=type(run.error).__name__, error=run.error))
    return run.result if run.state == DONE else None


def _where(device: str, workers: int) -> str:
    if device.startswith("cuda"):
        return _("on the GPU ({name})", name=torch.cuda.get_device_name(device)) if torch.cuda.is_available() \
            else _("on the GPU")
    return _("on the CPU in {workers} threads", workers=workers) if workers > 1 else _("on the CPU")


def _time_metric(column, result: SweepResult) -> None:
    where = _where(result.device, result.workers)
    column.metric(_("Time for all seeds"), f"{result.seconds:.1f} s", help=_("Trained {where}.", where=where))


def _outcome(result: SweepResult) -> np.ndarray:
    solved, not_solved = outcomes()
    return np.where(result.solved, solved, not_solved)


def final_loss_histogram(result: SweepResult, *, title: str, log_scale: bool = True) -> alt.Chart:
    """How many seeds ended at which loss, stacked by solved / not solved (diverged seeds left out)."""
    finite = np.isfinite(result.final_loss)
    losses = result.final_loss[finite].clip(min=1e-8)
    outcome = _outcome(result)[finite]
    if log_scale and len(losses):
        edges = np.logspace(np.log10(losses.min()) - 0.05, np.log10(losses.max()) + 0.05, 26)
    else:
        edges = np.linspace(losses.min() if len(losses) else 0, losses.max() if len(losses) else 1, 26)
    rows = [{"from": lo, "to": hi, "outcome": name, "seeds": int(((losses >= lo) & (losses < hi) | (hi == edges[-1]) &
                                                                  (losses == hi))[outcome == name].sum())}
            for lo, hi in zip(edges[:-1], edges[1:]) for name in outcomes()]
    frame = pd.DataFrame(rows)
    x_scale = alt.Scale(type="log") if log_scale else alt.Scale()
    chart = alt.Chart(frame).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("from:Q", title=_("final loss (log scale)") if log_scale else _("final loss"), scale=x_scale),
        x2="to:Q", y=alt.Y("sum(seeds):Q", title=_("seeds"), stack=True,
                           axis=alt.Axis(tickMinStep=1, format="d")),  # whole seeds: no 0.0 / 1.0 / 2.0 ticks
        color=alt.Color("outcome:N", title=None, scale=alt.Scale(domain=outcomes(), range=[theme.NETWORK, theme.REFERENCE])),
        tooltip=[alt.Tooltip("outcome:N", title=_("outcome")), alt.Tooltip("from:Q", title=_("loss from"), format=".3g"),
                 alt.Tooltip("to:Q", title=_("loss to"), format=".3g"), alt.Tooltip("seeds:Q", title=_("seeds"))])
    return charts.style(chart.properties(title=title), height=280)


def loss_curves_chart(result: SweepResult, *, log_scale: bool = True) -> alt.Chart:
    """Every seed's loss curve (downsampled), coloured by outcome: the plateaus show."""
    epochs = result.losses.shape[1]
    index = charts.downsample(epochs, 200)
    frames = []
    for row, seed, outcome in zip(result.losses[:, index], result.seeds, _outcome(result)):
        keep = np.isfinite(row)
        frames.append(pd.DataFrame({"epoch": index[keep], "loss": row[keep].clip(min=1e-8), "seed": int(seed),
                                    "outcome": outcome}))
    frame = pd.concat(frames, ignore_index=True)
    chart = alt.Chart(frame).mark_line(strokeWidth=1, opacity=0.35).encode(
        x=alt.X("epoch:Q", title=_("epoch"), scale=alt.Scale(domain=[0, epochs], nice=False)),
        y=alt.Y("loss:Q", title=_("loss (log scale)") if log_scale else _("loss"),
                scale=alt.Scale(type="log") if log_scale else alt.Scale()),
        detail="seed:N",
        color=alt.Color("outcome:N", title=None, scale=alt.Scale(domain=outcomes(), range=[theme.NETWORK, theme.REFERENCE])),
        tooltip=[alt.Tooltip("seed:N", title=_("seed")), alt.Tooltip("outcome:N", title=_("outcome")),
                 alt.Tooltip("epoch:Q", title=_("epoch"), format=","),
                 alt.Tooltip("loss:Q", title=_("loss"), format=".4g")])
    return charts.style(chart.properties(title=_("Loss curves of every seed")), height=280)
