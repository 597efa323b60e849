"""The live training view: progress as it trains, charts on a clock, finished runs from the store.

A page hands `show_run` its config and a `draw(frame)` function that fills its placeholders.
While training, `draw` is called twice a second with what is known so far; at the end (or at
once for a stored run) with the finished result. The trainer reports every few milliseconds; a
widget change makes Streamlit raise at the next progress update, which leaves the training loop:
that interrupted run never reaches the store.

What a live view costs is mostly the viewer's browser, not the server. Measured with headless
Chromium on the 2-core CI machine, each element update costs the browser 5-40 ms of CPU (the
progress bar ~25 ms, a chart 25-40 ms, a row of four metrics ~40 ms). With the bar at 10 Hz and
the charts at 4 Hz the browser kept most of a core busy, and where it shares the machine with
the server that slowed training down by a third. So everything the browser sees runs on one
clock of REDRAW_SECONDS, and the views that change slowly (metrics, printouts, diagrams) on a
slower one (`Throttle(SLOW_REDRAW_SECONDS)` in the pages).

The slowdown that remains there is waiting for a CPU, not for the GIL: read from
/proc/thread-self/schedstat during live E1 runs, the training thread spent ~9% of its wall time
runnable but off-CPU (the browser's processes held both cores) and ~0.3% blocked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch
from streamlit.delta_generator import DeltaGenerator

from mlp_core import Config, RunResult, Snapshot, train
from mlp_core.cost import estimate
from mlp_core.diagnosis import diagnose

from .store import get_store

# One intra-op thread: the lecture's matrices are tiny, so a second thread only adds hand-off
# cost, and on a shared server (sessions run in threads, 2 cores) two spinning OpenMP threads
# per run were measured to slow training down by 4x or worse. Sessions give the parallelism.
torch.set_num_threads(1)

REDRAW_SECONDS = 0.5  # the charts and the progress bar (epoch, loss), twice a second
SLOW_REDRAW_SECONDS = 1.0  # metrics, printouts, the network diagram: at most once a second
DRAW_SHARE_LIMIT = 20  # wait at least 20x a draw's own (server) time before the next one
EVENT_SECONDS = 0.01  # how often the trainer reports to the live view (and a rerun can interrupt)


class Slot:
    """A place for one element that keeps the previous run's element on screen until this run writes
    to it: `area = Slot(column)`, then `area.vega_lite_chart(...)`, `area.metric(...)`, … as often as
    needed, each write replacing the last.

    `st.empty()` sends an empty element at once, so on every rerun each chart, metric and diagram it
    held vanished until the first draw (for the whole of a short run), the page below collapsed and
    jumped back, and the browser built every Vega view anew. Here a container holds the place:
    Streamlit keeps a block's children when a block of the same type replaces it. The first write
    goes straight into the container, replacing the old element in one message (an `st.empty()` made
    then would reach the browser on its own now and then, and blank the chart for the time a view
    takes to build); later writes go to the element that write returned, which replaces it in place.
    A chart replacing a chart with the same spec keeps its Vega view and only swaps the data. What
    this run never writes to is removed when the run ends. One element only: no containers or columns.
    """

    _BLOCKS = frozenset({"container", "columns", "tabs", "expander", "popover", "form", "empty"})

    def __init__(self, parent=st) -> None:
        self._container = parent.container()
        self._element = None  # what this run last wrote here (it replaces itself when written to)

    def __getattr__(self, name: str):
        if name in self._BLOCKS:
            raise TypeError(f"a Slot holds one element; use a container for {name}()")
        method = getattr(self._container if self._element is None else self._element, name)

        def write(*args, **kwargs):
            element = method(*args, **kwargs)
            if not isinstance(element, DeltaGenerator):  # a widget's value: the next write would have nowhere to go
                raise TypeError(f"a Slot holds display elements, not widgets like {name}()")
            self._element = element
            return element

        return write


class Throttle:
    """True at most once per `seconds` (the first call is True): for views a page redraws less often.

    A page makes one per script run (module level), so a new run starts with a full redraw.
    """

    def __init__(self, seconds: float = SLOW_REDRAW_SECONDS) -> None:
        self.seconds = seconds
        self._next = float("-inf")

    def __call__(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.seconds
        return True


@dataclass(frozen=True, eq=False)
class Frame:
    """What the charts can show at one moment of a run (finite values only)."""

    epoch: int  # epochs done so far
    epochs: int
    losses: np.ndarray  # one per epoch so far
    snapshot: Snapshot | None  # the latest snapshot (grid output and weights)
    accuracy: float | None
    result: RunResult | None = None  # set once the run is over

    @property
    def done(self) -> bool:
        return self.result is not None


def show_run(config: Config, draw: Callable[[Frame], None], *, key: str) -> RunResult | None:
    """Train `config` live (or take it from the run store) and draw it; None if refused as too slow."""
    cost = estimate(config)
    if cost.too_slow:
        st.error(f"These settings would take about {cost.seconds:,.0f} s to train, more than the "
                 f"{cost.limit:.0f} s this app allows. To train faster, {cost.advice}.")
        return None
    store = get_store()
    status_column, retrain_column = st.columns([6, 1], vertical_alignment="center")
    # One slot for the bar and then the outcome: the previous run's "Trained …" is cleared at once
    # instead of lingering, faded, under the new run's bar.
    status = status_column.empty()
    retrain = retrain_column.button("Retrain", key=f"{key}.retrain", help="Train again from scratch "
                                    "(the same seed gives the same run).", width="stretch")
    result = None if retrain else store.get(config)
    from_store = result is not None
    if from_store:
        draw(frame_of(result))
    else:
        result = _train_live(config, draw, status)
        store.put(config, result)
    _show_outcome(status, result, from_store)
    return result


def frame_of(result: RunResult) -> Frame:
    last = result.snapshots[-1] if result.snapshots else None
    return Frame(len(result.losses), result.config.training.epochs, result.losses, last, result.accuracy, result)


def _train_live(config: Config, draw: Callable[[Frame], None], status) -> RunResult:
    progress = status.progress(0.0, text="Starting…")
    epochs = config.training.epochs
    pending = rerun_requested()
    started = time.monotonic()
    snapshot, next_bar, next_draw = None, 0.0, started + REDRAW_SECONDS
    for event in train(config, report_every=_report_every(config)):
        if event.result is not None:
            progress.empty()
            draw(frame_of(event.result))
            return event.result
        snapshot = event.snapshot or snapshot
        now = time.monotonic()
        # Checked at every event (every few ms of training): a widget change is pending -> the
        # progress update below raises Streamlit's rerun, leaving this loop, and the interrupted
        # run never reaches the store. Otherwise the bar is sent on the redraw clock.
        if now >= next_bar or pending():
            progress.progress((event.epoch + 1) / epochs,
                              text=f"Training… epoch {event.epoch + 1:,} / {epochs:,} · loss {event.loss:.4g}")
            next_bar = now + REDRAW_SECONDS
        if now >= next_draw and not _ends_soon(now - started, (event.epoch + 1) / epochs):
            draw(Frame(event.epoch + 1, epochs, event.losses, snapshot, event.accuracy))
            drawn = time.monotonic()
            # A clock of REDRAW_SECONDS, slowed down if a page's draw is costly, so that drawing
            # never takes more than 1/DRAW_SHARE_LIMIT of a live run on the server.
            next_draw = drawn + max(REDRAW_SECONDS, (drawn - now) * DRAW_SHARE_LIMIT)
    raise AssertionError("train() always ends with a result")


def _ends_soon(elapsed: float, done: float) -> bool:
    """Whether the run, at this pace, ends within half a redraw period: then the final draw is only
    a moment away, and a live draw now would cost the run time and be replaced before it is seen."""
    return elapsed * (1 - done) / done < REDRAW_SECONDS / 2


def _report_every(config: Config) -> int:
    """Epochs per progress event: about one event per EVENT_SECONDS of (estimated) training.

    An event costs host work (the losses since the last one read as numbers, a finiteness check, an
    object, a yield); the lecture's small networks train an epoch in ~50 µs, so an event per epoch
    would double a run's time. Measured on E9 (CPU time of 3000 epochs, 12 alternating runs): an
    event every ~2.5 ms cost 4% of the run, every ~6 ms 1%. 10 ms is still far below what a user
    notices between moving a slider and the run stopping.
    """
    seconds_per_epoch = estimate(config).seconds / config.training.epochs
    return max(1, round(EVENT_SECONDS / seconds_per_epoch))


def rerun_requested() -> Callable[[], bool]:
    """A per-epoch check for a pending rerun or stop (a moved slider), costing one attribute read.

    Streamlit only acts on requests when the script sends something; this peeks at the same
    request state its yield points use (ScriptRequests._state). If a future Streamlit moves it,
    we fall back to "always pending": the bar is then sent every epoch, slower but correct.
    """
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    requests = getattr(ctx, "script_requests", None)
    if requests is None or not hasattr(requests, "_state"):
        return lambda: True
    return lambda: requests._state is not ScriptRequestType.CONTINUE


def _show_outcome(status, result: RunResult, from_store: bool) -> None:
    if result.status == "diverged":
        lr = result.config.training.learning_rate
        status.error(f"**Training diverged at epoch {result.diverged_at:,}**: the loss became NaN or infinite, "
                     f"so training stopped there; the charts show the {len(result.losses):,} finite epochs. "
                     f"The learning rate {lr:g} makes the updates overshoot — try {lr / 10:g}.")
    else:
        note = " · shown from the run store (Retrain to watch it again)" if from_store else ""
        seconds = f"{result.seconds:.2f}" if result.seconds < 10 else f"{result.seconds:.1f}"
        trained = f"Trained {len(result.losses):,} epochs in {seconds} s{note}."
        diagnosis = diagnose(result)  # only a run that reached its goal gets the green tick
        if diagnosis.solved:
            status.success(f"{trained} {diagnosis.headline}", icon=":material/check:")
        else:
            status.warning(f"{trained} **{diagnosis.verdict.capitalize()}** — {diagnosis.headline} "
                           f"**Try:** {diagnosis.hint}", icon=":material/warning:")
