"""The live view's clocks, on a fake clock: what a run publishes, and what each viewer's browser is
sent while it trains.

The browser's share of a live run is the number of element updates it receives (each costs it
5-40 ms of CPU): these tests pin the schedule down without timing anything real.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlp_core import PRESETS
from mlp_core.pool import DONE, QUEUED, RUNNING, Cancelled
from ui import live

EPOCHS = 30_000  # ~200 trainer events (one per EVENT_SECONDS of estimated training): a fine enough grain


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    """Stands in for the status column and its progress bar; records when the bar is sent."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock, self.sent = clock, []

    def progress(self, value, text=""):
        self.sent.append((self.clock.now, value, text))
        return self

    def empty(self) -> None:
        pass


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    clock = FakeClock()
    monkeypatch.setattr(live.time, "monotonic", clock)
    return clock


def train_on(clock: FakeClock, seconds_per_event: float, monkeypatch):
    """Make every trainer event take `seconds_per_event` on the fake clock."""
    real_train = live.train

    def timed_train(config, report_every):
        for event in real_train(config, report_every=report_every):
            clock.now += seconds_per_event
            yield event

    monkeypatch.setattr(live, "train", timed_train)


class Publications:
    """Stands in for the pool's Run on the trainer's side: records what the job publishes."""

    def __init__(self, clock: FakeClock, cancel_after_checks: int | None = None) -> None:
        self.clock, self.frames, self.checks, self.cancel_after = clock, [], 0, cancel_after_checks

    def publish(self, frame) -> None:
        self.check()
        self.frames.append((self.clock.now, frame))

    def check(self) -> None:
        self.checks += 1
        if self.cancel_after is not None and self.checks > self.cancel_after:
            raise Cancelled


def test_a_run_publishes_one_frame_per_tick_for_all_its_viewers(clock, monkeypatch):
    config = PRESETS["xor-2-2-1"].replace(epochs=EPOCHS)
    events = EPOCHS // live._report_every(config) + 1
    run_seconds = 5.0
    train_on(clock, run_seconds / events, monkeypatch)
    run = Publications(clock)
    result = live.train_for_viewers(config, run)
    assert result.status == "finished" and len(result.losses) == EPOCHS
    times = [t for t, _ in run.frames]
    expected = run_seconds / live.PUBLISH_SECONDS
    assert expected - 1 <= len(times) <= expected + 1
    assert min(b - a for a, b in zip(times, times[1:])) >= live.PUBLISH_SECONDS
    frames = [frame for _, frame in run.frames]
    assert [f.epoch for f in frames] == sorted(f.epoch for f in frames)
    assert all(len(f.losses) == f.epoch and not f.done for f in frames)
    last = frames[-1]  # accuracy measured so far, in step with the epochs it was measured at
    assert len(last.accuracy_epochs) == len(last.accuracy_history) > 0
    assert last.accuracy_epochs[-1] <= last.epoch and last.accuracy == last.accuracy_history[-1]


def test_a_run_whose_viewers_left_stops_at_its_next_event(clock, monkeypatch):
    config = PRESETS["xor-2-2-1"].replace(epochs=EPOCHS)
    train_on(clock, 0.001, monkeypatch)
    run = Publications(clock, cancel_after_checks=3)
    with pytest.raises(Cancelled):
        live.train_for_viewers(config, run)
    assert run.checks == 4  # the check right after the viewers left raised


class ScriptedRun:
    """A run on the viewers' side, driven by the fake clock: a new frame every `tick` seconds of a
    run of `seconds`, optionally queued for `queued` seconds first. `wait` advances the clock."""

    def __init__(self, clock: FakeClock, seconds: float, tick: float = live.PUBLISH_SECONDS,
                 queued: float = 0.0, viewers: int = 1, epochs: int = 10_000) -> None:
        self.clock, self.seconds, self.tick, self.epochs = clock, seconds, tick, epochs
        self.begin = clock.now + queued
        self.started_at = self.begin
        self.viewers = set(range(viewers))
        self.version, self.frame, self.result = 0, None, None
        self.waits = 0

    @property
    def state(self) -> str:
        if self.clock.now < self.begin:
            return QUEUED
        return DONE if self.clock.now >= self.begin + self.seconds else RUNNING

    @property
    def done(self) -> bool:
        return self.state == DONE

    def wait(self, seen: int, timeout: float) -> bool:
        self.waits += 1
        elapsed = self.clock.now - self.begin
        if elapsed < 0:
            self.clock.now += min(timeout, -elapsed)
            return False
        next_tick = (int(elapsed / self.tick) + 1) * self.tick
        step = min(timeout, next_tick - elapsed, self.begin + self.seconds - self.clock.now)
        self.clock.now += max(step, 1e-9)
        if self.clock.now - self.begin >= next_tick - 1e-12 and not self.done:
            epoch = min(self.epochs, int(self.epochs * (self.clock.now - self.begin) / self.seconds))
            self.frame = live.Frame(epoch, self.epochs, np.full(epoch, 0.5), None, None)
            self.version += 1
            return True
        return self.done


class FakePool:
    workers = 2

    def __init__(self, ahead: int = 0) -> None:
        self.ahead, self.detached = ahead, []

    def position(self, run) -> int:
        return self.ahead

    def detach(self, run, viewer) -> None:
        self.detached.append(viewer)


def follow(clock, run, draw, monkeypatch, pending: bool = False, pool=None, waiting=None):
    monkeypatch.setattr(live, "rerun_requested", lambda: (lambda: pending))
    status, pool = Recorder(clock), pool or FakePool()
    live._follow(run, pool, "me", status, live._training_bar, draw, waiting)
    return status, pool


def test_charts_and_bar_share_one_clock(clock, monkeypatch):
    run_seconds = 5.0
    draws = []
    status, pool = follow(clock, ScriptedRun(clock, run_seconds), lambda frame: draws.append((clock.now, frame)),
                          monkeypatch)
    live_draws = draws  # the finished run is drawn by show_run, once the run is over
    expected = run_seconds / live.REDRAW_SECONDS
    assert expected - 2 <= len(live_draws) <= expected  # ~2 a second
    assert len(status.sent) <= len(live_draws) + 2  # the bar: at the start and on the same clock
    gaps = [b - a for (a, _), (b, _) in zip(live_draws, live_draws[1:], strict=False)]
    assert min(gaps) >= live.REDRAW_SECONDS
    epochs = [f.epoch for _, f in live_draws]
    assert epochs == sorted(epochs) and len(set(map(id, (f for _, f in live_draws)))) == len(live_draws)
    assert pool.detached == ["me"]  # a viewer always detaches when it stops following


def test_a_costly_draw_slows_its_own_clock(clock, monkeypatch):
    draw_seconds = 0.1  # a draw that costs the server 0.1 s: at most 1/DRAW_SHARE_LIMIT of the run
    starts = []

    def costly_draw(frame):
        if not frame.done:
            starts.append(clock.now)
            clock.now += draw_seconds

    begun = clock.now
    follow(clock, ScriptedRun(clock, 10.0), costly_draw, monkeypatch)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert gaps and min(gaps) >= draw_seconds * (live.DRAW_SHARE_LIMIT + 1) - 1e-9
    drawing, total = len(starts) * draw_seconds, clock.now - begun
    assert drawing <= total / live.DRAW_SHARE_LIMIT + draw_seconds


def test_a_crowd_of_viewers_redraws_less_often_each(clock, monkeypatch):
    """50 viewers of one run: together they draw no more than VIEWERS_PER_SHARE viewers would."""
    draw_seconds = 0.01
    starts = []

    def draw(frame):
        if not frame.done:
            starts.append(clock.now)
            clock.now += draw_seconds

    follow(clock, ScriptedRun(clock, 20.0, viewers=50), draw, monkeypatch)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    crowd = 50 / live.VIEWERS_PER_SHARE
    assert gaps and min(gaps) >= draw_seconds * live.DRAW_SHARE_LIMIT * crowd
    assert len(starts) < 20.0 / live.REDRAW_SECONDS / 2  # fewer than half the draws one viewer makes


def test_a_pending_rerun_is_answered_within_a_wait(clock, monkeypatch):
    """With a widget change pending, every wake-up sends the bar: that is where Streamlit stops the run."""
    run = ScriptedRun(clock, 2.0)
    status, _ = follow(clock, run, lambda frame: None, monkeypatch, pending=True)
    assert len(status.sent) >= run.waits
    waits = [b - a for (a, _, _), (b, _, _) in zip(status.sent, status.sent[1:])]
    assert max(waits) <= live.WAIT_SECONDS + 1e-9


def test_no_live_draw_just_before_the_end(clock, monkeypatch):
    """A run of 0.6 s: at the first draw tick (0.5 s) the end is 0.1 s away, so only the end is drawn."""
    draws = []
    status, _ = follow(clock, ScriptedRun(clock, 0.6), draws.append, monkeypatch)
    assert draws == []
    assert len(status.sent) >= 2  # the bar still moves: at the start and at the tick


def test_a_queued_run_shows_its_place_in_the_queue(clock, monkeypatch):
    waiting, draws = live.Frame(0, 10_000, np.zeros(0), None, None), []
    status, _ = follow(clock, ScriptedRun(clock, 1.0, queued=2.0), draws.append, monkeypatch,
                       pool=FakePool(ahead=3), waiting=waiting)
    texts = [text for _, _, text in status.sent]
    assert "Waiting for a free trainer (all 2 are training other runs): 3 runs ahead of this one…" in texts
    assert any(text.startswith("Training… epoch") for text in texts)  # then it trains
    assert draws[0] is waiting and draws.count(waiting) == 1  # the data shows while it waits, drawn once


def test_a_slot_holds_one_element_and_each_write_replaces_it():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from ui.live import Slot

        slot = Slot()
        st.markdown("below the slot")
        slot.caption("first")
        slot.caption("second")
        slot.metric("Loss", "0.5")
        for write in (lambda: slot.columns(2), lambda: Slot().button("Go")):
            try:
                write()
            except TypeError as error:
                st.text(str(error))

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["0.5"] and len(at.caption) == 0  # the last write only
    assert at.main.children[0].children[0].type == "metric"  # in the slot's place, above what follows
    assert at.markdown[0].value == "below the slot"
    assert "one element" in at.text[0].value and "not widgets" in at.text[1].value



def _script_that_asks_for_a_rerun_mid_run():
    """Run by AppTest as a real script: the check is taken from the script's own run context, then
    a rerun is requested as a moved widget requests one, and the check is read again. After the
    request every Streamlit call is a yield point that stops the run (session state included), so
    the observations go into a plain list the test put in session state beforehand."""
    import streamlit as st
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    from ui.live import rerun_requested

    seen = st.session_state["seen"]
    if not seen:
        pending = rerun_requested()
        seen.append(pending())
        get_script_run_ctx().script_requests.request_rerun(RerunData())
        seen.append(pending())
        st.write("the first run")  # Streamlit acts on the request here: the run stops and starts again
        seen.append("the first run went on past its yield point")
    st.write(f"runs seen: {seen}")


def test_the_real_pending_check_sees_a_rerun_request():
    """rerun_requested peeks at Streamlit's private request state: this fails when a Streamlit
    release moves it (the fallback then says "pending" before anything was requested)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_script_that_asks_for_a_rerun_mid_run, default_timeout=30)
    at.session_state["seen"] = []
    at.run()
    assert not at.exception
    assert at.session_state["seen"] == [False, True]  # and the first run stopped where it was asked to
    assert [m.value for m in at.markdown] == ["runs seen: [False, True]"]


def test_outside_a_script_run_the_check_counts_as_always_pending():
    assert live.rerun_requested()() is True  # the safe fallback, never "not pending"
