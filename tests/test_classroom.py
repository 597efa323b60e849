"""A small class on one link, through Streamlit's websocket protocol (ui/protocol.py): every session
gets the finished run without an exception, the server trains it once, and a tab closed mid-run
harms nobody. Correctness only: the timings are `python -m ui.classroom`'s, never asserted here."""

from __future__ import annotations

import json
import time

import pytest

from ui.browser import streamlit_process
from ui.protocol import visits

pytestmark = pytest.mark.browser  # starts `streamlit run` (no Chromium needed)

PAGE = "quadratic_regression"
SHORT = "epochs=2000"  # E9 for 2000 epochs: under a second of training
FINISHED = "Trained "  # ui/live.py's status alert of a finished run


def server_env(stats) -> dict[str, str]:
    return {"MLP_LAB_WARM": "0", "MLP_LAB_STATS_FILE": str(stats)}


def assert_clean(visit) -> None:
    assert visit.finished, visit.status
    assert visit.exceptions == [], visit.exceptions[0]
    assert visit.page_not_found is None
    assert any(FINISHED in alert for alert in visit.alerts), visit.alerts


@pytest.fixture(scope="module")
def burst(tmp_path_factory):
    """Five sessions opening the same short run at once on a fresh server; (visits, stats file)."""
    stats = tmp_path_factory.mktemp("classroom") / "stats.json"
    with streamlit_process(env=server_env(stats)) as server:
        results = visits(server.url, PAGE, SHORT, 5, timeout=120)
        deadline = time.monotonic() + 3  # the stats file may lag the last run by a moment
        while time.monotonic() < deadline:
            if stats.exists():
                numbers = json.loads(stats.read_text())
                if not numbers.get("running") and not numbers.get("queued"):
                    break
            time.sleep(0.2)
        yield results, stats


def test_every_session_of_a_burst_gets_the_finished_run(burst):
    results, _ = burst
    assert len(results) == 5
    for visit in results:
        assert_clean(visit)
        assert visit.ref_hashes == 0  # no cached hashes were sent: every message came in full


def test_a_burst_of_one_config_trains_it_once(burst):
    _, stats = burst
    numbers = json.loads(stats.read_text())  # the trainer pool's counters (MLP_LAB_STATS_FILE)
    assert numbers["started"] == numbers["trained"] == 1 and numbers["failed"] == numbers["cancelled"] == 0


def test_a_tab_closed_mid_run_leaves_the_next_visit_clean(tmp_path):
    long = "epochs=10000"  # a few seconds of training: the first visit leaves while it trains
    with streamlit_process(env=server_env(tmp_path / "stats.json")) as server:
        [warm_up] = visits(server.url, PAGE, "epochs=50", 1, timeout=120)  # torch imported in the server
        assert_clean(warm_up)
        [left] = visits(server.url, PAGE, long, 1, timeout=120, leave_after=1.0)
        assert left.status == "left" and not left.finished
        assert left.progress and left.exceptions == []  # it left while the run was under way
        stats = tmp_path / "stats.json"
        deadline = time.monotonic() + 5  # its only viewer left: the run stops within about a second
        while json.loads(stats.read_text())["cancelled"] < 1:
            assert time.monotonic() < deadline, stats.read_text()
            time.sleep(0.1)
        assert json.loads(stats.read_text())["running"] == 0
        [fresh] = visits(server.url, PAGE, long, 1, timeout=120)
        assert_clean(fresh)
        assert not any("shown from the run store" in alert for alert in fresh.alerts)  # it was not stored
        assert json.loads(stats.read_text())["trained"] == 2
