"""Two students on one link in real browsers: both watch the same training live (one run, not two),
and both end with its result."""

from __future__ import annotations

import re

import pytest

from ui.browser import no_exception, screenshot, wait_until_idle

pytestmark = pytest.mark.browser

LINK = "/quadratic_regression?epochs=30000&seed=4242"  # E9 for 30,000 epochs: ~15 s here


def bar_epoch(tab) -> int:
    """The epoch the progress bar shows now, or -1 when none is shown."""
    match = re.search(r"Training… epoch ([\d,]+) /", tab.evaluate("() => document.body.innerText"))
    return int(match.group(1).replace(",", "")) if match else -1


def metric_value(tab, label: str) -> str:
    return tab.locator('[data-testid="stMetric"]', has_text=label).locator(
        '[data-testid="stMetricValue"]').inner_text()


def test_two_tabs_on_one_link_watch_one_training(chromium, app_url):
    contexts = [chromium.new_context(viewport={"width": 1280, "height": 720}) for _ in range(2)]
    try:
        first, second = (context.new_page() for context in contexts)
        first.goto(app_url + LINK)
        first.wait_for_function("() => /Training… epoch [\\d,]{4,} \\//.test(document.body.innerText)",
                                timeout=90_000)
        joined_at = bar_epoch(first)
        second.goto(app_url + LINK)  # a second student opens the same link while it trains
        second.wait_for_function("() => /Training… epoch [\\d,]+ \\//.test(document.body.innerText)",
                                 timeout=60_000)
        seen = bar_epoch(second)
        # The second tab's bar starts where the shared run is, not at epoch 0 of a run of its own.
        assert seen >= joined_at > 0, (joined_at, seen)
        screenshot(second, "shared-run-second-tab-live")
        for tab in (first, second):
            wait_until_idle(tab, timeout_ms=120_000)
            assert no_exception(tab)
            text = tab.inner_text("body")
            assert "Trained 30,000 epochs" in text and "shown from the run store" not in text  # both watched it
        assert metric_value(first, "Train loss") == metric_value(second, "Train loss")
        assert metric_value(first, "Time") == metric_value(second, "Time")  # one run: the same training time
    finally:
        for context in contexts:
            context.close()
