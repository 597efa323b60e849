"""Real-browser support: `streamlit run` on a free port and Debian's headless Chromium via Playwright.

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

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(timeout: float = 60.0):
    """Start the app with `streamlit run` and yield its base URL once /_stcore/health answers."""
    port = free_port()
    log = open(ROOT / "screenshots" / f"streamlit-{port}.log", "w") if SCREENSHOTS.mkdir(exist_ok=True) is None else None
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
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
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


def wait_until_idle(page, timeout_ms: int = 90_000) -> None:
    """Wait until the app is rendered and its script has finished running (no 'Running…' widget)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_timeout(500)  # let the first rerun start before we look for its end
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const running = document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]');
            return app && app.getAttribute('data-test-script-state') !== 'running' && !running;
        }""",
        timeout=timeout_ms,
    )


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
