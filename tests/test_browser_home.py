"""Home page in a real browser: it renders, links every page, and shows no exception."""

from __future__ import annotations

import pytest

from ui.browser import screenshot, wait_until_idle

pytestmark = pytest.mark.browser


def test_home_renders_in_chromium(page, app_url):
    page.goto(app_url)
    wait_until_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    text = page.inner_text("body")
    for title in ["Perceptron & XOR", "Backprop walkthrough", "Quadratic regression", "xor-2-2-1"]:
        assert title in text
    screenshot(page, "home")
