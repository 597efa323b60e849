"""Real-browser support for the browser tests and `python -m ui.bench`: `streamlit run` on a free
port and Debian's headless Chromium via Playwright.

Never `playwright install`: the browser is /usr/bin/chromium from apt (the README's test command
installs it). Screenshots go to the git-ignored screenshots/ folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def free_port() -> int:
    """A free port, or MLP_LAB_TEST_PORT where a shared machine gives each user a port of their own."""
    if os.environ.get("MLP_LAB_TEST_PORT"):
        return int(os.environ["MLP_LAB_TEST_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server(NamedTuple):
    """A running `streamlit run`: its base URL and the server process's pid (for /proc/PID/...)."""

    url: str
    pid: int


@contextmanager
def streamlit_process(timeout: float = 60.0, env: dict[str, str] | None = None):
    """Start the app with `streamlit run` and yield a `Server` once /_stcore/health answers.

    `env` is merged onto os.environ for the server process.
    """
    port = free_port()
    log = open(ROOT / "screenshots" / f"streamlit-{port}.log", "w") if SCREENSHOTS.mkdir(exist_ok=True) is None else None
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=None if env is None else {**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.2)
        yield Server(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def streamlit_server(timeout: float = 60.0, env: dict[str, str] | None = None):
    """Start the app with `streamlit run` and yield its base URL once /_stcore/health answers."""
    with streamlit_process(timeout, env) as server:
        yield server.url


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


def wait_until_idle(page, timeout_ms: int = 90_000, settle_ms: int = 1_200) -> None:
    """Wait until the app's script has finished and stayed finished for `settle_ms`.

    Settling matters: a first visit on a fresh server reruns once through the entry point
    (ui/navigation.py), and there is a moment between the two runs when nothing is running.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    idle_since = None
    while time.monotonic() < deadline:
        running = page.evaluate(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                return !app || app.getAttribute('data-test-script-state') === 'running'
                    || !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"]');
            }""")
        now = time.monotonic()
        if running:
            idle_since = None
        elif idle_since is None:
            idle_since = now
        elif (now - idle_since) * 1000 >= settle_ms:
            return
        page.wait_for_timeout(200)
    raise TimeoutError(f"the app was still running after {timeout_ms / 1000:.0f} s")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_charts(page, count: int, timeout_ms: int = 30_000) -> None:
    """Wait until `count` Vega-Lite charts have drawn (the chart library loads lazily)."""
    page.wait_for_function(
        """(count) => document.querySelectorAll(
            '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks').length >= count""",
        arg=count, timeout=timeout_ms)


def no_exception(page) -> bool:
    return page.locator('[data-testid="stException"]').count() == 0


VIEWS = ('[data-testid="stVegaLiteChart"]', '[data-testid="stGraphVizChart"]', '[data-testid="stMetric"]')


def watch_views(page) -> dict[str, int]:
    """Start watching the page's charts, diagrams and metrics across the next rerun.

    Marks every chart's SVG and records, at every DOM change, the fewest views of each kind seen
    on screen. Returns how many there are now. `watched_views(page)` reads the record back.
    """
    return page.evaluate(
        """(selectors) => {
            const count = () => selectors.map(s => document.querySelectorAll(s).length);
            document.querySelectorAll(selectors[0] + ' svg.marks').forEach(svg => svg.dataset.watched = 'kept');
            window.__fewestViews = count();
            new MutationObserver(() => { window.__fewestViews = count().map((n, i) => Math.min(n, window.__fewestViews[i])); })
                .observe(document.body, {childList: true, subtree: true});
            return Object.fromEntries(selectors.map((s, i) => [s, window.__fewestViews[i]]));
        }""", list(VIEWS))


def watched_views(page) -> tuple[dict[str, int], int, int]:
    """(the fewest views of each kind seen since `watch_views`, charts whose Vega view was kept, charts now).

    A Vega view that the browser built anew has an unmarked SVG.
    """
    fewest, kept, charts = page.evaluate(
        """(selectors) => [window.__fewestViews,
            document.querySelectorAll(selectors[0] + ' svg.marks[data-watched="kept"]').length,
            document.querySelectorAll(selectors[0] + ' svg.marks').length]""", list(VIEWS))
    return dict(zip(VIEWS, fewest)), kept, charts
