"""App-level benchmark: what a user feels, as ratios and seconds measured on this machine.

    python -m ui.bench [--repeats 7] [--pin] [--epochs N]
    python -m ui.bench --classroom [ui.classroom's options]   (a whole class on one link: ui/classroom.py)

- live view: a full run watched in headless Chromium, against `run(config)` of the same config
  in this process, timed just before and just after (the page reports its own training time; so
  does `run`). Measured as a lecturer watches runs: the page is open and a control changes (a new
  seed each time, so the run store never serves it). A first visit, where the browser loads the
  whole app while the server already trains, is reported beside it;
- cached run: the whole page script redisplaying a finished run from the run store (AppTest);
- cold start: from `streamlit run` to the home page interactive in Chromium.

Live runs are not measured through AppTest: its harness polls the script thread every
millisecond from another thread, and that alone made training 1.4-1.6x slower with drawing
switched off entirely, so it measures the harness, not the app.

This machine is shared and noisy (the same run varies by ±20% from one second to the next).
Each live figure comes from `--repeats` runs (three times as many for the short E1): the best
live time over the best core time (as `timeit` advises: the fastest runs are the least disturbed),
and the median of each live run over the mean of its two core runs, with the quartiles.
`--pin` runs the server and this process on CPU 0 and Chromium on CPU 1, as if the viewer's
browser were on another machine.
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

LIVE_CASES = {  # page, query string: short enough to repeat, long enough to be a real run
    "E1 xor-2-2-1 (10001 epochs)": ("perceptron_xor", "hidden_widths=2&epochs=10001"),
    "E9 quadratic-wide-adam (10000 epochs)": ("quadratic_regression", "epochs=10000"),
}
RUNS_PER_REPEAT = {"perceptron_xor": 3}  # E1 trains in ~0.5 s, where the machine's jitter weighs most
FIRST_SEED = 100  # seeds from here on are new to the run store; 99 warms a page up


def _trained_seconds(text: str) -> float:
    return float(re.search(r"epochs in ([\d.]+) s", text).group(1))


def _core_seconds(page: str, query: str, seed: int) -> float:
    import torch

    from mlp_core import PRESETS, Config, run

    base = PRESETS["xor-2-2-1" if page == "perceptron_xor" else "quadratic-wide-adam"]
    params = dict(part.split("=") for part in query.split("&")) | {"seed": str(seed)}
    torch.set_num_threads(1)  # as the app runs it (ui/live.py)
    return run(Config.from_query(params, base=base)).seconds


def _pair(live: float, page: str, query: str, seed: int, core_before: float) -> tuple[float, float, float]:
    """A live time with the core's time for the same config just before and just after it."""
    return live, core_before, _core_seconds(page, query, seed)


def _summary(pairs: list[tuple[float, float, float]]) -> str:
    """Best of N (timeit's statistic: the least disturbed runs) and the median of paired ratios."""
    best = min(live for live, _, _ in pairs) / min(min(before, after) for _, before, after in pairs)
    ratios = [live / ((before + after) / 2) for live, before, after in pairs]
    low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (ratios[0],) * 3
    return (f"best of {len(pairs)}: {best:.2f}x; median of pairs {statistics.median(ratios):.2f}x "
            f"(quartiles {low:.2f}-{high:.2f})")


def live_cases(epochs: int | None = None) -> dict[str, tuple[str, str]]:
    """LIVE_CASES, or the same pages and settings at `epochs` (a smoke run: tests/test_bench.py)."""
    if epochs is None:
        return dict(LIVE_CASES)
    return {re.sub(r"\(\d+ epochs\)", f"({epochs} epochs)", name): (page, re.sub(r"epochs=\d+", f"epochs={epochs}", query))
            for name, (page, query) in LIVE_CASES.items()}


def live_ratios(browser, url: str, repeats: int, cases: dict[str, tuple[str, str]]
                ) -> dict[str, list[tuple[float, float, float]]]:
    """Runs watched in an open page: the seed changes in the sidebar and the new run trains live."""
    from ui.browser import wait_until_idle

    ratios = {}
    for name, (page_path, query) in cases.items():
        tab = browser.new_page(viewport={"width": 1600, "height": 1000})
        tab.goto(f"{url}/{page_path}?{query}&seed={FIRST_SEED - 1}")  # loads the app, builds chart specs
        wait_until_idle(tab, timeout_ms=300_000)
        ratios[name] = []
        for seed in range(FIRST_SEED, FIRST_SEED + repeats * RUNS_PER_REPEAT.get(page_path, 1)):
            core_before = _core_seconds(page_path, query, seed)
            box = tab.get_by_role("spinbutton", name="Seed")
            box.fill(str(seed))
            box.press("Enter")
            tab.wait_for_function(f"() => window.location.search.includes('seed={seed}')", timeout=30_000)
            wait_until_idle(tab, timeout_ms=300_000, settle_ms=300)
            text = tab.inner_text("body")
            if f"seed={seed}" not in tab.url or "Training…" in text:
                raise RuntimeError(f"seed {seed}: the run did not finish as expected")
            ratios[name].append(_pair(_trained_seconds(text), page_path, query, seed, core_before))
        tab.close()
    return ratios


def first_visit_ratios(browser, url: str, repeats: int, cases: dict[str, tuple[str, str]]
                       ) -> dict[str, list[tuple[float, float, float]]]:
    """Runs that start as a new tab opens the page: the browser loads the app while training runs."""
    from ui.browser import wait_until_idle

    ratios = {}
    for name, (page_path, query) in cases.items():
        ratios[name] = []
        for seed in range(FIRST_SEED + 1000, FIRST_SEED + 1000 + repeats * RUNS_PER_REPEAT.get(page_path, 1)):
            core_before = _core_seconds(page_path, query, seed)
            tab = browser.new_page(viewport={"width": 1600, "height": 1000})
            tab.goto(f"{url}/{page_path}?{query}&seed={seed}")
            wait_until_idle(tab, timeout_ms=300_000)
            live = _trained_seconds(tab.inner_text("body"))
            tab.close()
            ratios[name].append(_pair(live, page_path, query, seed, core_before))
    return ratios


def cached_rerun_seconds(repeats: int, cases: dict[str, tuple[str, str]]) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    results = {}
    for name, (page_path, query) in cases.items():
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
    from ui.browser import streamlit_server, wait_until_idle

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
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--classroom" in argv:
        from ui import classroom

        argv.remove("--classroom")
        return classroom.main(argv)
    from ui.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--pin", action="store_true", help="run the server and this process on CPU 0 and "
                        "Chromium on CPU 1, as if the viewer's browser were on another machine")
    parser.add_argument("--epochs", type=int, help="train every live case for this many epochs instead "
                        "(a smoke run; the figures then mean little)")
    args = parser.parse_args(argv)
    cases = live_cases(args.epochs)
    executable = CHROMIUM
    if args.pin:
        os.sched_setaffinity(0, {0})  # inherited by the streamlit server started below
        executable = str(Path(tempfile.mkdtemp()) / "chromium-cpu1")
        Path(executable).write_text(f'#!/bin/sh\nexec taskset -c 1 {CHROMIUM} "$@"\n')
        os.chmod(executable, 0o755)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        cold = [cold_start_seconds(browser) for _ in range(min(args.repeats, 5))]
        print(f"cold start, `streamlit run` to home interactive: {statistics.median(cold):.2f} s (target < 5 s)")
        with streamlit_server() as url:
            for name, ratios in live_ratios(browser, url, args.repeats, cases).items():
                print(f"live view / core time, page open, {name}: {_summary(ratios)} (target <= 1.15x)")
            for name, ratios in first_visit_ratios(browser, url, args.repeats, cases).items():
                print(f"live view / core time, first visit, {name}: {_summary(ratios)}")
        browser.close()
    for name, seconds in cached_rerun_seconds(args.repeats, cases).items():
        print(f"cached run, whole script, {name}: {seconds:.3f} s (target < 0.3 s)")


if __name__ == "__main__":
    main()
