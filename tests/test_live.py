"""The live view's clocks, on a fake clock: what the browser is sent while a run trains.

The browser's share of a live run is the number of element updates it receives (each costs it
5-40 ms of CPU): these tests pin the schedule down without timing anything real.
"""

from __future__ import annotations

import pytest

from mlp_core import PRESETS
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


def train_on(clock: FakeClock, seconds_per_event: float, monkeypatch, pending: bool = False):
    """Make every trainer event take `seconds_per_event` on the fake clock."""
    real_train = live.train

    def timed_train(config, report_every):
        for event in real_train(config, report_every=report_every):
            clock.now += seconds_per_event
            yield event

    monkeypatch.setattr(live, "train", timed_train)
    monkeypatch.setattr(live, "rerun_requested", lambda: (lambda: pending))


def test_throttle_passes_the_first_call_then_once_per_period(clock):
    throttle = live.Throttle(1.0)
    assert throttle() and not throttle()
    clock.now += 0.99
    assert not throttle()
    clock.now += 0.02
    assert throttle() and not throttle()


def test_charts_and_bar_share_one_clock(clock, monkeypatch):
    config = PRESETS["xor-2-2-1"].replace(epochs=EPOCHS)
    events = EPOCHS // live._report_every(config) + 1
    run_seconds = 5.0
    train_on(clock, run_seconds / events, monkeypatch)
    draws, status = [], Recorder(clock)
    result = live._train_live(config, lambda frame: draws.append((clock.now, frame)), status)

    live_draws = [(t, f) for t, f in draws if not f.done]
    assert draws[-1][1].done and draws[-1][1].result is result  # the finished run is drawn once, at the end
    expected = run_seconds / live.REDRAW_SECONDS
    assert expected - 2 <= len(live_draws) <= expected  # ~2 a second, none before the first tick
    assert len(status.sent) <= len(live_draws) + 2  # the bar: at the start and on the same clock
    gaps = [b - a for (a, _), (b, _) in zip(live_draws, live_draws[1:], strict=False)]
    assert min(gaps) >= live.REDRAW_SECONDS
    epochs = [f.epoch for _, f in live_draws]
    assert epochs == sorted(epochs) and all(len(f.losses) == f.epoch for _, f in live_draws)


def test_a_costly_draw_slows_its_own_clock(clock, monkeypatch):
    config = PRESETS["xor-2-2-1"].replace(epochs=EPOCHS)
    events = EPOCHS // live._report_every(config) + 1
    train_on(clock, 10.0 / events, monkeypatch)
    draw_seconds = 0.1  # a draw that costs the server 0.1 s: at most 1/DRAW_SHARE_LIMIT of the run
    starts = []

    def costly_draw(frame):
        if not frame.done:
            starts.append(clock.now)
            clock.now += draw_seconds

    begun = clock.now
    live._train_live(config, costly_draw, Recorder(clock))
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert gaps and min(gaps) >= draw_seconds * (live.DRAW_SHARE_LIMIT + 1) - 1e-9
    drawing, total = len(starts) * draw_seconds, clock.now - begun
    assert drawing <= total / live.DRAW_SHARE_LIMIT + draw_seconds


def test_a_pending_rerun_is_answered_at_the_next_event(clock, monkeypatch):
    """With a widget change pending, every event sends the bar: that is where Streamlit stops the run."""
    config = PRESETS["xor-2-2-1"].replace(epochs=EPOCHS // 5)
    events = EPOCHS // 5 // live._report_every(config) + 1
    train_on(clock, 0.001, monkeypatch, pending=True)
    status = Recorder(clock)
    live._train_live(config, lambda frame: None, status)
    assert len(status.sent) >= events - 1


def test_no_live_draw_just_before_the_end(clock, monkeypatch):
    """A run of 0.6 s: at the first tick (0.5 s) the final draw is 0.1 s away, so only it is drawn."""
    config = PRESETS["xor-2-2-1"].replace(epochs=EPOCHS)
    events = EPOCHS // live._report_every(config) + 1
    train_on(clock, 0.6 / events, monkeypatch)
    draws, status = [], Recorder(clock)
    live._train_live(config, draws.append, status)
    assert [frame.done for frame in draws] == [True]
    assert len(status.sent) >= 2  # the bar still moves: at the start and at the tick


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
