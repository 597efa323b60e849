"""App-level benchmark: what a user feels, as ratios and seconds measured on this machine.

    python -m ui.bench [--repeats 3] [--pin]

- live view: a full run watched in headless Chromium, against `run(config)` of the same config
  in this process (the page reports its own training time; so does `run`); and the same run
  through AppTest, without a browser taking CPU from training on a 2-core machine;
- cached run: the whole page script redisplaying a finished run from the run store (AppTest);
- cold start: from `streamlit run` to the home page interactive in Chromium;
- stop latency: from moving a control mid-run to the new run's first progress message.

The core's own ratios against the lecture's plain loop are `python -m mlp_core.bench`.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

LIVE_CASES = {  # page, query string: short enough to repeat, long enough to be a real run
    "E1 xor-2-2-1 (10001 epochs)": ("perceptron_xor", "hidden_widths=2&epochs=10001"),
    "E9 quadratic-wide-adam (10000 epochs)": ("quadratic_regression", "epochs=10000"),
}


def _trained_seconds(text: str) -> float:
    return float(re.search(r"epochs in ([\d.]+) s", text).group(1))


def _core_seconds(page: str, query: str, seed: int) -> float:
    import torch

    from mlp_core import PRESETS, Config, run

    base = PRESETS["xor-2-2-1" if page == "perceptron_xor" else "quadratic-wide-adam"]
    params = dict(part.split("=") for part in query.split("&")) | {"seed": str(seed)}
    torch.set_num_threads(1)  # as the app runs it (ui/live.py)
    return run(Config.from_query(params, base=base)).seconds


def live_ratios(browser, url: str, repeats: int) -> dict[str, float]:
    from browser import wait_until_idle

    ratios = {}
    for name, (page_path, query) in LIVE_CASES.items():
        values = []
        for seed in range(99, 100 + repeats):  # a new seed each time: never served from the store
            warm_up = seed == 99  # the first visit builds chart specs and loads modules: not counted
            tab = browser.new_page(viewport={"width": 1600, "height": 1000})
            tab.goto(f"{url}/{page_path}?{query}&seed={seed}")
            wait_until_idle(tab, timeout_ms=300_000)
            live = _trained_seconds(tab.inner_text("body"))
            tab.close()
            if not warm_up:
                values.append(live / _core_seconds(page_path, query, seed))
        ratios[name] = statistics.median(values)
    return ratios


def live_ratios_server_side(repeats: int) -> dict[str, float]:
    """The same live runs through AppTest: the app's own cost of drawing, without a browser
    competing with training for this machine's two cores."""
    from streamlit.testing.v1 import AppTest

    ratios = {}
    for name, (page_path, query) in LIVE_CASES.items():
        values = []
        for seed in range(199, 200 + repeats):
            at = AppTest.from_file(str(ROOT / "pages" / f"{page_path}.py"), default_timeout=300)
            for key, value in (part.split("=") for part in f"{query}&seed={seed}".split("&")):
                at.query_params[key] = value
            at.run()
            live = _trained_seconds(" ".join(s.value for s in at.success))
            if seed != 199:  # the first run builds chart specs and loads modules: not counted
                values.append(live / _core_seconds(page_path, query, seed))
        ratios[name] = statistics.median(values)
    return ratios


def cached_rerun_seconds(repeats: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    results = {}
    for name, (page_path, query) in LIVE_CASES.items():
        at = AppTest.from_file(str(ROOT / "pages" / f"{page_path}.py"), default_timeout=300)
        for key, value in (part.split("=") for part in query.split("&")):
            at.query_params[key] = value
        at.run()  # trains once
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - started)
        results[name] = statistics.median(times)
    return results


def cold_start_seconds(browser) -> float:
    from browser import streamlit_server, wait_until_idle

    settle = 0.3  # how long the page must stay idle to count as done; not part of the start-up
    started = time.perf_counter()
    with streamlit_server() as url:
        tab = browser.new_page()
        tab.goto(url)
        wait_until_idle(tab, settle_ms=int(settle * 1000))
        seconds = time.perf_counter() - started - settle
        tab.close()
    return seconds


def main(argv: list[str] | None = None) -> None:
    from browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pin", action="store_true", help="run the server and this process on CPU 0 and "
                        "Chromium on CPU 1, as if the viewer's browser were on another machine")
    args = parser.parse_args(argv)
    executable = CHROMIUM
    if args.pin:
        os.sched_setaffinity(0, {0})  # inherited by the streamlit server started below
        executable = str(Path(tempfile.mkdtemp()) / "chromium-cpu1")
        Path(executable).write_text(f'#!/bin/sh\nexec taskset -c 1 {CHROMIUM} "$@"\n')
        os.chmod(executable, 0o755)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        cold = [cold_start_seconds(browser) for _ in range(args.repeats)]
        print(f"cold start, `streamlit run` to home interactive: {statistics.median(cold):.2f} s (target < 5 s)")
        with streamlit_server() as url:
            for name, ratio in live_ratios(browser, url, args.repeats).items():
                print(f"live view / core time, {name}: {ratio:.2f}x (target <= 1.15x)")
        browser.close()
    for name, ratio in live_ratios_server_side(args.repeats).items():
        print(f"live view / core time, no browser (AppTest), {name}: {ratio:.2f}x")
    for name, seconds in cached_rerun_seconds(args.repeats).items():
        print(f"cached run, whole script, {name}: {seconds:.3f} s (target < 0.3 s)")


if __name__ == "__main__":
    main()
