"""Seed-sweep panels: the same settings trained from many seeds at once (mlp_core.sweep).

A single run answers "did it learn this time?"; a sweep answers "how often does it learn?". The
XOR panel shows the success rate, the final losses and every loss curve, and opens any seed as
a normal run; the regression panel shows the band of fits across seeds around the mean fit.
Sweeps are kept in the run store like runs, keyed by the config and the seeds.
"""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import torch

from mlp_core import Config, SweepResult, sweep
from mlp_core.cost import plan_sweep

from . import charts, theme
from .controls import PageControls
from .live import REDRAW_SECONDS, Throttle, rerun_requested
from .store import get_store

OUTCOMES = ["solved", "not solved"]


def cached_sweep(config: Config, seeds: tuple[int, ...]) -> SweepResult | None:
    """The sweep from the store, or trained now with a progress bar; None if refused as too slow.

    Where it trains is `plan_sweep`'s choice: a wide network's sweep in threads on every core this
    app may use, or on the GPU where there is one and the CPU would take seconds.
    """
    plan = plan_sweep(config, len(seeds), cores=available_cores(), cuda=torch.cuda.is_available())
    if plan.cost.too_slow:
        st.error(f"A sweep of {len(seeds)} seeds would take about {plan.cost.seconds:,.0f} s, more than the "
                 f"{plan.cost.limit:.0f} s this app allows. Use fewer seeds, or {plan.cost.advice}.")
        return None
    base = config.replace(seed=0)  # the sweep chooses the seeds: any seed of the page shares it
    store, variant = get_store(), ("sweep", seeds)
    result = store.get(base, variant)
    if result is None:
        text = f"Training {len(seeds)} networks at once, {_where(plan.device, plan.workers)}…"
        bar = st.progress(0.0, text=text)
        result = sweep(base, list(seeds), device=plan.device, workers=plan.workers,
                       progress=_bar_updater(bar, text))
        bar.empty()
        store.put(base, result, variant)
    return result


def available_cores() -> int:
    """The cores this process may use: its CPU affinity, capped by a cgroup CPU quota (containers,
    Community Cloud), where the machine's count would overstate it."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


def _where(device: str, workers: int) -> str:
    if device.startswith("cuda"):
        return f"on the GPU ({torch.cuda.get_device_name(device)})" if torch.cuda.is_available() else "on the GPU"
    return "on the CPU" + (f" in {workers} threads" if workers > 1 else "")


def _time_metric(column, result: SweepResult) -> None:
    where = _where(result.device, result.workers)
    column.metric("Time for all seeds", f"{result.seconds:.1f} s", help=f"Trained {where}.")


def _bar_updater(bar, text: str):
    """The sweep's progress callback: the bar moves twice a second, and at once when a widget has
    changed (Streamlit then stops the script there, and the sweep with it)."""
    due, pending = Throttle(REDRAW_SECONDS), rerun_requested()

    def update(done: float) -> None:
        if due() or pending():
            bar.progress(min(done, 1.0), text=f"{text} {done:.0%}")

    return update


def _outcome(result: SweepResult) -> np.ndarray:
    return np.where(result.solved, OUTCOMES[0], OUTCOMES[1])


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
            for lo, hi in zip(edges[:-1], edges[1:]) for name in OUTCOMES]
    frame = pd.DataFrame(rows)
    x_scale = alt.Scale(type="log") if log_scale else alt.Scale()
    chart = alt.Chart(frame).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("from:Q", title="final loss" + (" (log scale)" if log_scale else ""), scale=x_scale),
        x2="to:Q", y=alt.Y("sum(seeds):Q", title="seeds", stack=True),
        color=alt.Color("outcome:N", title=None, scale=alt.Scale(domain=OUTCOMES, range=[theme.NETWORK, theme.REFERENCE])),
        tooltip=["outcome:N", alt.Tooltip("from:Q", format=".3g"), alt.Tooltip("to:Q", format=".3g"), "seeds:Q"])
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
        x=alt.X("epoch:Q", scale=alt.Scale(domain=[0, epochs], nice=False)),
        y=alt.Y("loss:Q", title="loss" + (" (log scale)" if log_scale else ""),
                scale=alt.Scale(type="log") if log_scale else alt.Scale()),
        detail="seed:N",
        color=alt.Color("outcome:N", title=None, scale=alt.Scale(domain=OUTCOMES, range=[theme.NETWORK, theme.REFERENCE])),
        tooltip=["seed:N", "outcome:N", alt.Tooltip("epoch:Q", format=","), alt.Tooltip("loss:Q", format=".4g")])
    return charts.style(chart.properties(title="Loss curves of every seed"), height=280)


def classification_panel(config: Config, controls: PageControls, n_seeds: int = 100) -> None:
    """XOR & co: success rate, final losses, loss curves, and 'open seed N' as a normal run."""
    seeds = tuple(range(n_seeds))
    result = cached_sweep(config, seeds)
    if result is None:
        return
    solved = int(result.solved.sum())
    columns = st.columns(3)
    columns[0].metric("Seeds that solve it", f"{solved} / {n_seeds}", help="Accuracy 1.0 on the training points.")
    columns[1].metric("Median final loss", f"{np.nanmedian(result.final_loss):.3g}")
    _time_metric(columns[2], result)
    left, right = st.columns(2)
    left.altair_chart(final_loss_histogram(result, title=f"Final loss of {n_seeds} seeds"), width="stretch")
    right.altair_chart(loss_curves_chart(result), width="stretch")
    _open_seed_picker(result, controls)


def _open_seed_picker(result: SweepResult, controls: PageControls) -> None:
    labels = {int(seed): f"seed {seed}: {'solved' if ok else 'NOT solved'}, final loss {loss:.3g}"
              for seed, ok, loss in zip(result.seeds, result.solved, result.final_loss)}
    failing = [seed for seed, ok in zip(result.seeds, result.solved) if not ok]
    default = int(failing[0]) if failing else int(result.seeds[0])
    picker, button = st.columns([3, 1], vertical_alignment="bottom")
    chosen = picker.selectbox("Open one seed as a normal run", list(labels), index=list(labels).index(default),
                              format_func=labels.get, key=controls.key("sweep_seed"))
    button.button("Open this seed", key=controls.key("open_seed"), width="stretch",
                  on_click=_set_seed, args=(controls, chosen))


def _set_seed(controls: PageControls, seed: int) -> None:
    st.session_state[controls.key("seed")] = int(seed)


def regression_band_chart(result: SweepResult, inputs: np.ndarray, targets: np.ndarray,
                          train_range: tuple[float, float]) -> alt.LayerChart:
    """The data, the true curve, the mean fit across seeds and the 10–90% band of fits."""
    grid = result.grid[:, 0]
    finite_rows = np.all(np.isfinite(result.grid_outputs), axis=1)
    outputs = result.grid_outputs[finite_rows]
    band = pd.DataFrame({"x": grid, "low": np.percentile(outputs, 10, axis=0),
                         "high": np.percentile(outputs, 90, axis=0), "mean": outputs.mean(axis=0)})
    x_scale = alt.Scale(domain=[float(grid.min()), float(grid.max())], nice=False)
    y_scale = alt.Scale(domain=list(charts.fit_y_domain(grid, train_range, result.config.data.noise_std, len(targets))),
                        clamp=True)  # the range of the page's fit chart above it
    shade = pd.DataFrame({"start": [float(grid.min()), train_range[1]], "end": [train_range[0], float(grid.max())]})
    index = charts.downsample(len(inputs), 1000)
    layers = [
        alt.Chart(shade).mark_rect(color=charts.EXTRAPOLATION_SHADE).encode(x=alt.X("start:Q", scale=x_scale), x2="end:Q"),
        alt.Chart(pd.DataFrame({"x": inputs[index], "y": targets[index]})).mark_circle(
            size=14, opacity=0.35, color=theme.DATA).encode(x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale)),
        alt.Chart(band).mark_area(opacity=0.25, color=theme.NETWORK, clip=True).encode(
            x=alt.X("x:Q", scale=x_scale, title="x"), y=alt.Y("low:Q", scale=y_scale, title="y"), y2="high:Q"),
        alt.Chart(pd.DataFrame({"x": grid, "y": grid**2 + 3})).mark_line(
            color=theme.TRUTH, strokeDash=[6, 4], strokeWidth=2.5, clip=True).encode(
            x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale)),
        alt.Chart(band).mark_line(color=theme.NETWORK, strokeWidth=3, clip=True).encode(
            x=alt.X("x:Q", scale=x_scale), y=alt.Y("mean:Q", scale=y_scale),
            tooltip=[alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("mean:Q", format=".4g"),
                     alt.Tooltip("low:Q", format=".4g"), alt.Tooltip("high:Q", format=".4g")]),
    ]
    return charts.style(alt.layer(*layers).properties(
        title=f"Mean fit of {len(outputs)} seeds (line) and the band where 80% of the fits lie"), height=380)


def regression_panel(config: Config, inputs: np.ndarray, targets: np.ndarray,
                     train_range: tuple[float, float], n_seeds: int) -> None:
    """Quadratic & co: the band of fits across seeds and the spread of final losses."""
    result = cached_sweep(config, tuple(range(n_seeds)))
    if result is None:
        return
    columns = st.columns(4)
    columns[0].metric("Final loss, median of seeds", f"{np.nanmedian(result.final_loss):.4g}")
    spread = np.nanpercentile(result.final_loss, [10, 90])
    columns[1].metric("10%–90% of seeds", f"{spread[0]:.3g} – {spread[1]:.3g}")
    columns[2].metric("Seeds within 10% of the noise floor", f"{int(result.solved.sum())} / {n_seeds}")
    _time_metric(columns[3], result)
    left, right = st.columns([3, 2])
    left.altair_chart(regression_band_chart(result, inputs, targets, train_range), width="stretch")
    right.altair_chart(final_loss_histogram(result, title=f"Final loss of {n_seeds} seeds", log_scale=False),
                       width="stretch")
