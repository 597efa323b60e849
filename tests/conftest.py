"""Shared fixtures: one run per preset for the whole session (runs take seconds each)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import torch

# As the app trains (ui/live.py): one intra-op thread. Matrix products sum in a thread-count-
# dependent order, so this keeps in-process runs comparable with exported scripts (which set
# the same) whichever test modules happen to be imported first.
torch.set_num_threads(1)

# The app pre-trains the lecture's presets at server start (ui/live.py, `warm_up`); tests that count
# trainings or watch a live run need a server that trains only what they ask for. The one test of
# the warm-up switches it on for itself.
os.environ["MLP_LAB_WARM"] = "0"

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def preset_runs():
    """name -> RunResult, computed on first use and shared by every test."""
    from mlp_core import PRESETS, run

    cache: dict = {}

    def get(name: str):
        if name not in cache:
            cache[name] = run(PRESETS[name])
        return cache[name]

    return get


@pytest.fixture(scope="session")
def app_url():
    """The app served by `streamlit run` on a free port, for the whole test session."""
    from ui.browser import chromium_available, streamlit_server

    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: the README's test command installs it with apt-get")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the session, driven by Playwright."""
    from ui.browser import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, app_url):
    """A fresh browser tab at lecture-projector size (1600 x 1000)."""
    context = chromium.new_context(viewport={"width": 1600, "height": 1000})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def fresh_caches():
    """Streamlit caches (the run store among them) live for the process: start each test empty."""
    import streamlit as st

    from ui import derived
    from ui.store import get_pool

    get_pool().close()  # a run still in flight from the last test stops; its threads end
    st.cache_data.clear()
    st.cache_resource.clear()
    derived.clear()
    yield


@pytest.fixture
def chart_datasets(monkeypatch):
    """Every DataFrame a page sends to a chart (through ui.charts.render), live or final, checked to
    hold finite numbers only as it is sent; the list of them, for a test to look into."""
    import numpy as np

    from ui import charts

    sent: list = []
    original = charts.render

    def checked(area, spec, **datasets):
        for name, frame in datasets.items():
            if not isinstance(frame, bytes):
                numbers = frame.select_dtypes("number").to_numpy(dtype=float)
                assert np.isfinite(numbers).all(), f"non-finite numbers in chart dataset {name!r}"
            sent.append(frame)
        original(area, spec, **datasets)

    monkeypatch.setattr(charts, "render", checked)
    return sent
