"""Quadratic regression in a real browser: trains, draws, reacts to a control, no exception."""

from __future__ import annotations

import pytest

from ui.browser import no_exception, screenshot, wait_for_charts, wait_until_idle, watch_views, watched_views

pytestmark = pytest.mark.browser


def metric_value(page, label: str) -> str:
    return page.locator('[data-testid="stMetric"]', has_text=label).locator(
        '[data-testid="stMetricValue"]').inner_text()


def test_quadratic_page_trains_draws_and_reacts(page, app_url):
    page.goto(f"{app_url}/quadratic_regression?epochs=1500&n_samples=300")
    wait_until_idle(page)
    wait_for_charts(page, 2)
    assert no_exception(page)
    assert "Trained 1,500 epochs" in page.inner_text("body")
    assert "epochs=1500" in page.url  # the controls are in the URL: this link reproduces the run
    first_loss = metric_value(page, "Train loss")
    screenshot(page, "quadratic-e9-short")

    widths = page.get_by_label("Layer widths", exact=True).and_(page.get_by_test_id("stTextInputField"))
    widths.fill("16-16")
    widths.press("Enter")
    page.wait_for_function("() => window.location.search.includes('hidden_widths=16-16')", timeout=30_000)
    wait_until_idle(page)
    wait_for_charts(page, 2)
    assert no_exception(page)
    assert metric_value(page, "Train loss") != first_loss
    screenshot(page, "quadratic-16-16")


def test_hostile_link_shows_a_notice(page, app_url):
    page.goto(f"{app_url}/quadratic_regression?epochs=abc&learning_rate=1e999&hidden_widths=-3&n_samples=200")
    wait_until_idle(page)
    assert no_exception(page)
    text = page.inner_text("body")
    assert "ignored" in text and "epochs" in text and "learning_rate" in text
    screenshot(page, "quadratic-hostile-link")


def progress_epoch(page) -> int:
    """The epoch shown by the progress bar's text, or -1 when no run is in progress."""
    text = page.evaluate("() => document.body.innerText")
    import re
    match = re.search(r"Training… epoch ([\d,]+) /", text)
    return int(match.group(1).replace(",", "")) if match else -1


def test_moving_a_control_mid_run_starts_the_new_run(page, app_url):
    page.goto(f"{app_url}/quadratic_regression?epochs=50000&hidden_widths=8&n_samples=100&seed=21")
    page.wait_for_function("() => /Training… epoch [\\d,]{3,} \\//.test(document.body.innerText)", timeout=60_000)
    before = progress_epoch(page)
    assert before > 0
    epochs = page.get_by_label("Epochs", exact=True).and_(page.get_by_test_id("stNumberInputField"))
    epochs.fill("2000")
    epochs.press("Enter")
    page.wait_for_function("() => window.location.search.includes('epochs=2000')", timeout=30_000)
    wait_until_idle(page)
    assert no_exception(page)
    text = page.inner_text("body")
    assert "Trained 2,000 epochs" in text and "50,000" not in text  # the old run stopped; the new one finished


def test_another_seed_redraws_the_charts_in_place(page, app_url):
    """While the new run trains, the old run's charts and metrics stay on screen until the new ones
    replace them, and the browser updates the same two Vega views rather than building new ones
    (the page's layout does not collapse and jump back; the chart's range does not depend on the seed)."""
    page.goto(f"{app_url}/quadratic_regression?epochs=4000&seed=1")
    wait_until_idle(page)
    wait_for_charts(page, 2)
    before = watch_views(page)
    assert list(before.values()) == [2, 0, 4]  # fit and loss charts, no diagram, four metrics
    seed = page.get_by_role("spinbutton", name="Seed")
    seed.fill("2")
    seed.press("Enter")
    page.wait_for_function("() => window.location.search.includes('seed=2')", timeout=30_000)
    wait_until_idle(page)
    assert no_exception(page) and "Trained 4,000 epochs" in page.inner_text("body")
    fewest, kept, charts = watched_views(page)
    assert fewest == before  # nothing vanished at any moment of the run
    assert kept == charts == 2


def test_a_sweep_shows_its_progress_and_can_be_left_mid_way(page, app_url):
    """Switched off mid-sweep the panel goes without an exception, and the sweep is not stored: shown
    again, it trains again. (That a changed control stops it at once, rather than at its end, is
    tests/test_sweep.py's and test_page_quadratic.py's: an exception from `progress` stops it, and the
    bar is sent, raising Streamlit's rerun, as soon as one is pending.)"""
    page.goto(f"{app_url}/quadratic_regression?epochs=3000&seed=5")  # E9's wide net: ~1 s a seed here
    wait_until_idle(page, timeout_ms=120_000)
    toggle = page.get_by_text("Seed sweep: the same settings")
    sweeping = "() => /Training 10 networks at once, on the CPU[^…]*… \\d+%/.test(document.body.innerText)"
    toggle.click()
    page.wait_for_function(sweeping, timeout=60_000)
    toggle.click()  # off, mid-sweep
    wait_until_idle(page, timeout_ms=120_000, settle_ms=300)
    assert no_exception(page) and "Time for all seeds" not in page.inner_text("body")
    toggle.click()  # on again: it was left, so it trains from the start
    page.wait_for_function(sweeping, timeout=60_000)
    wait_until_idle(page, timeout_ms=120_000)
    assert no_exception(page)
    assert "Time for all seeds" in page.inner_text("body") and "Training 10 networks" not in page.inner_text("body")
    screenshot(page, "quadratic-sweep-band")
