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

import os
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import streamlit as st
import torch
from streamlit.delta_generator import DeltaGenerator

from mlp_core import PRESETS, Config, RunResult, Snapshot, train
from mlp_core.cost import estimate
from mlp_core.diagnosis import diagnose, verdict_label
from mlp_core.i18n import _, ngettext
from mlp_core.pool import DONE, FAILED, QUEUED, Run, TrainerPool
from mlp_core.presets import WARM_UP

from .derived import once
from .lecture import presenter_session
from .store import RunStore, get_pool

# One intra-op thread: the lecture's matrices are tiny, so a second thread only adds hand-off
# cost, and on a shared server (sessions run in threads, 2 cores) two spinning OpenMP threads
# per run were measured to slow training down by 4x or worse. Sessions give the parallelism.
torch.set_num_threads(1)

REDRAW_SECONDS = 0.5  # the charts and the progress bar (epoch, loss), twice a second
SLOW_REDRAW_SECONDS = 1.0  # metrics, printouts, the network diagram: at most once a second
DRAW_SHARE_LIMIT = 20  # wait at least 20x a draw's own (server) time before the next one
EVENT_SECONDS = 0.01  # how often the trainer reports (and a run whose viewers left can stop)
PUBLISH_SECONDS = 0.25  # how often a run publishes a frame for its viewers
WAIT_SECONDS = 0.1  # how soon a viewer notices a moved widget or a closed tab
VIEWERS_PER_SHARE = 5  # beyond this many viewers of one run, each redraws less often


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
    """What the charts can show at one moment of a run (finite values only). Shared by every viewer
    of the run: never mutate one (ui/derived.py keeps what is derived from it)."""

    epoch: int  # epochs done so far
    epochs: int
    losses: np.ndarray  # one per epoch so far
    snapshot: Snapshot | None  # the latest snapshot (grid output and weights)
    accuracy: float | None
    accuracy_epochs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # measured so far
    accuracy_history: np.ndarray = field(default_factory=lambda: np.zeros(0))
    result: RunResult | None = None  # set once the run is over

    @property
    def done(self) -> bool:
        return self.result is not None

    @property
    def loss(self) -> float | None:
        return float(self.losses[-1]) if len(self.losses) else None


def show_run(config: Config, draw: Callable[[Frame], None], *, key: str) -> RunResult | None:
    """Show `config`'s run: trained on the trainer pool (or taken from the run store), drawn live.

    None if refused as too slow, or if the training failed (the message says so)."""
    cost = estimate(config)
    if cost.too_slow:
        st.error(cost.refusal())
        return None
    status_column, retrain_column = st.columns([6, 1], vertical_alignment="center")
    # One slot for the bar and then the outcome: the previous run's "Trained …" is cleared at once
    # instead of lingering, faded, under the new run's bar.
    status = status_column.empty()
    retrain = retrain_column.button(_("Retrain"), key=f"{key}.retrain", help=_(
        "Train again from scratch (the same seed gives the same run)."), width="stretch")
    waiting = Frame(0, config.training.epochs, np.zeros(0), None, None)  # the data, no network yet
    run = attend(RunStore.key(config), partial(train_for_viewers, config), status=status, describe=_training_bar,
                 draw=draw, waiting=waiting, fresh=retrain)
    if run.state == DONE:
        draw(frame_of(run.result))
    if run.state == FAILED:
        status.error(_("**Training failed**: {error_type}: {error}. Nothing was stored; Retrain to try again, "
                       "and please report it.", error_type=type(run.error).__name__, error=run.error),
                     icon=":material/error:")
        return None
    if run.state != DONE:  # cancelled: the server is shutting down
        status.info(_("Training stopped before the end."))
        return None
    _show_outcome(status, run.result, run.from_store)
    return run.result


def warm_up(names: tuple[str, ...] = WARM_UP) -> int:
    """Queue the lecture's presets on the trainer pool behind every viewer's run (server start), so
    the first students find them stored; returns how many were queued. MLP_LAB_WARM=0 switches it
    off (the tests, and the classroom benchmark's cold runs)."""
    if os.environ.get("MLP_LAB_WARM", "1") == "0":
        return 0
    pool = get_pool()
    queued = [pool.warm(RunStore.key(PRESETS[name]), partial(train_for_viewers, PRESETS[name])) for name in names]
    return sum(run is not None for run in queued)


def frame_of(result: RunResult) -> Frame:
    """The finished run as a frame: one object per run, so what a page derives from it is kept."""
    def build() -> Frame:
        last = result.snapshots[-1] if result.snapshots else None
        return Frame(len(result.losses), result.config.training.epochs, result.losses, last, result.accuracy,
                     result.accuracy_epochs, result.accuracy_history, result)
    return once(result, "frame", build)


def train_for_viewers(config: Config, run: Run) -> RunResult:
    """The pool's job for one config: train it, publishing a `Frame` every PUBLISH_SECONDS.

    Runs on a trainer thread, never in a session's script thread. The frame is the one object every
    viewer of this run draws from (and what they derive from it is derived once, see ui/derived.py).
    `run.check()` at every event stops a run whose last viewer left within EVENT_SECONDS.
    """
    epochs = config.training.epochs
    accuracy_epochs: list[int] = []
    accuracy_values: list[float] = []
    snapshot, next_publish = None, 0.0
    for event in train(config, report_every=_report_every(config)):
        if event.result is not None:
            return event.result
        run.check()
        snapshot = event.snapshot or snapshot
        if event.accuracy is not None:
            accuracy_epochs.append(event.epoch + 1)
            accuracy_values.append(event.accuracy)
        now = time.monotonic()
        if now >= next_publish:
            run.publish(Frame(event.epoch + 1, epochs, event.losses, snapshot, event.accuracy,
                              np.array(accuracy_epochs), np.array(accuracy_values)))
            next_publish = now + PUBLISH_SECONDS
    raise AssertionError("train() always ends with a result")


def _viewer() -> Hashable:
    """Who is watching: this browser session (one run at a time each), or a one-off token."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else object()


def attend(key: Hashable, job: Callable[[Run], object], *, status, describe: Callable[[object], tuple[float, str]],
           draw: Callable[[Frame], None] | None = None, waiting: Frame | None = None, fresh: bool = False) -> Run:
    """This session's view of the run of `key` on the trainer pool: stored, or followed until it ends.

    `job(run)` trains it if nobody else is (see mlp_core/pool.py); `describe(frame)` is the bar's
    (fraction, text) for a published frame, and `draw(frame)` the page's live views, if any, which
    draw `waiting` (the data without a network) while the run waits in the queue. `fresh` skips the
    store (Retrain). The lecturer's runs (ui/lecture.py, `presenter_session`) go ahead of every
    student's in the queue. Returns the run, over: done, failed or cancelled.
    """
    pool, viewer = get_pool(), _viewer()
    run = pool.request(key, job, viewer=viewer, fresh=fresh, presenter=presenter_session())
    if not run.from_store:
        _follow(run, pool, viewer, status, describe, draw, waiting)
    return run


def _follow(run: Run, pool: TrainerPool, viewer: Hashable, status, describe, draw=None, waiting=None) -> None:
    """Show `run` until it ends: the bar (or the queue position) and the page's live views.

    Every viewer of a run draws the run's newest frame on its own clock. A widget change or a closed
    tab is noticed within WAIT_SECONDS: the bar update then raises Streamlit's rerun (or stop), which
    leaves this loop, and the viewer detaches — the last one to leave stops the run.
    """
    progress = status.progress(0.0, text=_("Starting…"))
    pending = rerun_requested()
    seen, drawn, next_bar, next_draw = -1, None, 0.0, None
    try:
        while not run.done:
            run.wait(seen, WAIT_SECONDS)
            seen = run.version
            frame, now = run.frame, time.monotonic()
            if next_draw is None and run.started_at is not None:  # the first draw a tick into the run
                next_draw = run.started_at + REDRAW_SECONDS  # (at once for a viewer who comes late)
            if now >= next_bar or pending():
                progress.progress(*_bar(run, frame, pool, describe))  # raises here when a rerun is pending
                next_bar = now + REDRAW_SECONDS
            if run.state == QUEUED and draw is not None and waiting is not None and drawn is None:
                draw(waiting)  # a wait in the queue shows the data, not an empty page
                drawn = waiting
            if draw is not None and frame is not None and frame is not drawn and next_draw is not None \
                    and now >= next_draw and not _ends_soon(run, frame):
                draw(frame)
                drawn, cost = frame, time.monotonic() - now
                # A clock of REDRAW_SECONDS, slowed down if the page's draw is costly or many viewers
                # draw this run, so that drawing never takes more than 1/DRAW_SHARE_LIMIT of the
                # server per VIEWERS_PER_SHARE viewers.
                crowd = max(1.0, len(run.viewers) / VIEWERS_PER_SHARE)
                next_draw = time.monotonic() + max(REDRAW_SECONDS, cost * DRAW_SHARE_LIMIT * crowd)
    finally:
        pool.detach(run, viewer)
    progress.empty()


def _bar(run: Run, frame, pool: TrainerPool, describe) -> tuple[float, str]:
    if run.state == QUEUED:
        ahead = pool.position(run)
        if pool.workers > 1 and ahead:
            text = ngettext("Waiting for a free trainer (all {workers} are training other runs): {n:,} run ahead "
                            "of this one…", "Waiting for a free trainer (all {workers} are training other runs): "
                            "{n:,} runs ahead of this one…", ahead, workers=pool.workers, n=ahead)
        elif pool.workers > 1:
            text = _("Waiting for a free trainer (all {workers} are training other runs): this run is next…",
                     workers=pool.workers)
        elif ahead:
            text = ngettext("Waiting for a free trainer (it is training another run): {n:,} run ahead of this one…",
                            "Waiting for a free trainer (it is training another run): {n:,} runs ahead of this one…",
                            ahead, n=ahead)
        else:
            text = _("Waiting for a free trainer (it is training another run): this run is next…")
        return 0.0, text
    if frame is None:
        return 0.0, _("Starting…")
    return describe(frame)


def _training_bar(frame: Frame) -> tuple[float, str]:
    return frame.epoch / frame.epochs, _("Training… epoch {epoch:,} / {epochs:,} · loss {loss:.4g}",
                                         epoch=frame.epoch, epochs=frame.epochs, loss=frame.loss)


def _ends_soon(run: Run, frame: Frame) -> bool:
    """Whether the run, at this pace, ends within half a redraw period: then the final draw is only
    a moment away, and a live draw now would cost the run time and be replaced before it is seen."""
    done = frame.epoch / max(frame.epochs, 1)
    elapsed = time.monotonic() - (run.started_at or time.monotonic())
    return done > 0 and elapsed * (1 - done) / done < REDRAW_SECONDS / 2


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
        status.error(_("**Training diverged at epoch {epoch:,}**: the loss became NaN or infinite, so training "
                       "stopped there; the charts show the {finite:,} finite epochs. The learning rate {lr:g} makes "
                       "the updates overshoot — try {lower:g}.", epoch=result.diverged_at,
                       finite=len(result.losses), lr=lr, lower=lr / 10))
    else:
        seconds = f"{result.seconds:.2f}" if result.seconds < 10 else f"{result.seconds:.1f}"
        if from_store:
            trained = _("Trained {epochs:,} epochs in {seconds} s · shown from the run store (Retrain to watch it "
                        "again).", epochs=len(result.losses), seconds=seconds)
        else:
            trained = _("Trained {epochs:,} epochs in {seconds} s.", epochs=len(result.losses), seconds=seconds)
        diagnosis = once(result, "diagnosis", lambda: diagnose(result))  # only a solved run gets the green tick
        if diagnosis.solved:
            status.success(f"{trained} {diagnosis.headline}", icon=":material/check:")
        else:
            status.warning(_("{trained} **{verdict}** — {headline} **Try:** {hint}", trained=trained,
                             verdict=verdict_label(diagnosis.verdict), headline=diagnosis.headline,
                             hint=diagnosis.hint), icon=":material/warning:")
