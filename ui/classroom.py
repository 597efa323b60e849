"""Classroom benchmark: a whole class opens one link at once.

    python -m ui.classroom [--pages quadratic_regression perceptron_xor] [--sizes 1 20 50] [--tabs 5]
                           [--poll 50] [--poll-spreads 3 0]
    python -m ui.bench --classroom ...      (the same)
    python -m ui.classroom --pages --tabs 0 --poll 50      (the class poll alone)

Each page is opened with no query string, so each visit asks for the page's default run (the
quadratic page: E9 quadratic-wide-adam; the XOR page: E1 xor-2-2-1). Visits speak Streamlit's
websocket protocol directly (ui/protocol.py: the browser's handshake and first-visit BackMsg,
then every ForwardMsg until the run's script_finished), so fifty of them fit in one asyncio loop
of this process where fifty browsers would not fit on this machine.

- cold N: a fresh `streamlit run` (nothing stored; started with MLP_LAB_WARM=0 so the app does
  not pre-train its presets), N first visits opened at once; the time until every one got its
  script_finished (max, and the median of the visits);
- warm N: right after, on the same server, N visits again (the run is stored now): the time until
  all finished, and the server's CPU per visit, the change in utime+stime of the server process
  (/proc/PID/stat, all its threads) over the burst divided by N. The burst starts once the
  server has gone quiet after the cold one;
- warm 1: one visit at a time, `--repeats` times on the first server of each page: the median
  time and server CPU of a single stored visit;
- chromium cold: `--tabs` real Chromium tabs (one Playwright browser context each) opening the
  link at once on a fresh server, until every tab shows the finished run's "Trained …" alert;
- trainings: what the server says it trained to the end, from the JSON file it writes when
  MLP_LAB_STATS_FILE is set (the trainer pool's {"trained", "started", "cancelled", "failed",
  "running", "queued"}); the change over each scenario. "n/a" where the app writes no such file;
- peak RSS: VmHWM of the server process (/proc/PID/status) at the end of its life;
- exceptions: exception elements sent to any visit (a visit that did not finish shows in the
  "finished" column).

- poll burst (`--poll N`, each size on a fresh server, once per `--poll-spreads` value): a
  presenter session opens a room and its first poll on the home page (ui/protocol.py's
  LiveSession: a tab held open, its clicks and its fragments' timers); N student sessions open the
  student link at once, then answer within the spread (0: all at the same moment) and keep their
  screens' timers running. Reported: the time until all had joined and all answers were confirmed
  on their screens, whether the presenter's chart holds exactly the answers sent, the presenter's
  redraws and the longest gap between two of them over 6 s from the first answer (target: at most
  1 s), and the server's CPU over that window per student.

Targets (printed with the ratios measured): cold N=20 ≤ 1.5× cold N=1, cold N=50 ≤ 2× cold N=1,
exactly one training per cold scenario (one distinct config), warm N=50 all finished ≤ 3 s, a
warm visit ≤ 50 ms of server CPU, peak RSS ≤ 690 MB. The benchmark reports; it exits 0 whatever
it measures. This process shares the machine with the server (two cores here): a visit's
protocol work is small (parsing protobufs), but the figures are of this machine, loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PAGES = {"quadratic_regression": "E9 quadratic-wide-adam", "perceptron_xor": "E1 xor-2-2-1"}
FINISHED_TEXT = "Trained "  # ui/live.py's _show_outcome: the status alert of a finished run
FROM_STORE_TEXT = "shown from the run store"
TARGETS = {"cold20": 1.5, "cold50": 2.0, "warm50_s": 3.0, "warm_cpu_ms": 50.0, "rss_mb": 690.0}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Row:
    scenario: str
    page: str
    n: int
    finished: int
    max_s: float | None
    median_s: float | None
    trainings: int | None
    cpu_ms: float | None
    rss_mb: float | None
    exceptions: int
    from_store: int  # visits shown the finished run from the run store
    visits: int = 0  # visits made (N, or the repeats of a warm single visit)


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, all its threads, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14 and 15 of proc(5)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/PID/status")


def read_stats(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def trained(path: Path) -> int | None:
    stats = read_stats(path)
    return None if stats is None else int(stats.get("trained", 0))


def wait_quiet(pid: int, window: float = 0.5, share: float = 0.1, limit: float = 20.0) -> None:
    """Wait (at most `limit` s) until the server used under `share` of a core over `window` s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < share * window:
            return


def _delta(after: int | None, before: int | None) -> int | None:
    return None if after is None else after - (before or 0)


def _row(scenario: str, page: str, visits, trainings: int | None, cpu: float | None) -> Row:
    done = [v.seconds for v in visits if v.finished]
    return Row(scenario, page, len(visits), len(done), max(done) if done else None,
               statistics.median(done) if done else None, trainings,
               None if cpu is None else cpu / len(visits) * 1000, None,
               sum(len(v.exceptions) for v in visits),
               sum(any(FROM_STORE_TEXT in a for a in v.alerts) for v in visits), len(visits))


def protocol_burst(server, stats: Path, scenario: str, page: str, n: int, timeout: float) -> tuple[Row, list]:
    from ui.protocol import visits

    before_trained, before_cpu = trained(stats), cpu_seconds(server.pid)
    results = visits(server.url, page, "", n, timeout=timeout)
    time.sleep(0.3)  # the stats file may be written a moment after the last run is stored
    row = _row(scenario, page, results, _delta(trained(stats), before_trained), cpu_seconds(server.pid) - before_cpu)
    return row, results


def warm_single(server, stats: Path, page: str, repeats: int, timeout: float) -> Row:
    from ui.protocol import visits

    before_trained, results, cpus = trained(stats), [], []
    for _ in range(repeats):
        wait_quiet(server.pid, limit=5.0)
        before = cpu_seconds(server.pid)
        results += visits(server.url, page, "", 1, timeout=timeout)
        cpus.append(cpu_seconds(server.pid) - before)
    row = _row(f"warm 1 (median of {repeats})", page, results, _delta(trained(stats), before_trained), None)
    row.n, row.cpu_ms = 1, statistics.median(cpus) * 1000
    return row


def _env(stats: Path) -> dict[str, str]:
    return {"MLP_LAB_STATS_FILE": str(stats), "MLP_LAB_WARM": "0"}


def page_scenarios(page: str, sizes: list[int], repeats: int, timeout: float, log) -> tuple[list[Row], list[str]]:
    from ui.browser import streamlit_process

    rows, notes = [], []
    for index, n in enumerate(sizes):
        with tempfile.TemporaryDirectory() as folder:
            stats = Path(folder) / "stats.json"
            with streamlit_process(env=_env(stats)) as server:
                cold, results = protocol_burst(server, stats, "cold", page, n, timeout)
                log(f"cold {n} {page}: {cold.finished}/{n} finished, max {cold.max_s}")
                notes += _failures(results, f"cold {n} {page}")
                wait_quiet(server.pid)
                warm, results = protocol_burst(server, stats, "warm", page, n, timeout)
                log(f"warm {n} {page}: {warm.finished}/{n} finished, max {warm.max_s}")
                notes += _failures(results, f"warm {n} {page}")
                server_rows = [cold, warm]
                if index == 0:
                    server_rows.append(warm_single(server, stats, page, repeats, timeout))
                rss = peak_rss_mb(server.pid)
                for row in server_rows:
                    row.rss_mb = rss
                rows += server_rows
                notes.append(f"server stats after {page} N={n}: {read_stats(stats) or 'n/a (no stats file)'}")
    return rows, notes


def _failures(results, label: str) -> list[str]:
    notes = []
    for v in results:
        if not v.finished:
            notes.append(f"{label}: a visit ended {v.status!r}")
        for message, _ in v.exceptions[:1]:
            notes.append(f"{label}: exception {message[:200]}")
    return notes[:5]


async def _chromium_tabs(url: str, page: str, tabs: int, timeout: float) -> list[tuple[float | None, int]]:
    from playwright.async_api import async_playwright

    from ui.browser import CHROMIUM, CHROMIUM_ARGS

    finished_js = """(text) => [...document.querySelectorAll('[data-testid="stAlert"]')]
                                  .some(alert => alert.innerText.includes(text))"""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = [await browser.new_context(viewport={"width": 1600, "height": 1000}) for _ in range(tabs)]
        pages = [await context.new_page() for context in contexts]
        started = time.monotonic()

        async def one(tab) -> tuple[float | None, int]:
            try:
                await tab.goto(f"{url}/{page}", timeout=timeout * 1000)
                await tab.wait_for_function(finished_js, arg=FINISHED_TEXT, polling=250, timeout=timeout * 1000)
                seconds = time.monotonic() - started
            except Exception:  # a timeout: reported as not finished
                seconds = None
            return seconds, await tab.locator('[data-testid="stException"]').count()

        results = await asyncio.gather(*(one(tab) for tab in pages))
        await browser.close()
        return results


def chromium_burst(page: str, tabs: int, timeout: float) -> tuple[Row, str]:
    from ui.browser import streamlit_process

    with tempfile.TemporaryDirectory() as folder:
        stats = Path(folder) / "stats.json"
        with streamlit_process(env=_env(stats)) as server:
            before = cpu_seconds(server.pid)
            results = asyncio.run(_chromium_tabs(server.url, page, tabs, timeout))
            cpu = cpu_seconds(server.pid) - before
            time.sleep(0.3)
            done = [seconds for seconds, _ in results if seconds is not None]
            row = Row("chromium cold", page, tabs, len(done), max(done) if done else None,
                      statistics.median(done) if done else None, trained(stats), cpu / tabs * 1000,
                      peak_rss_mb(server.pid), sum(count for _, count in results), 0, tabs)
            return row, f"server stats after chromium {page} K={tabs}: {read_stats(stats) or 'n/a (no stats file)'}"


def _fmt(value, spec: str = ".2f") -> str:
    return "n/a" if value is None else format(value, spec)


def table(rows: list[Row]) -> str:
    lines = ["| scenario | page | N | finished | all finished s | median s | trainings | CPU/visit ms | "
             "peak RSS MB | exceptions | from store |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.scenario} | {r.page} | {r.n} | {r.finished}/{r.visits} | {_fmt(r.max_s)} | "
                     f"{_fmt(r.median_s)} | {_fmt(r.trainings, 'd')} | {_fmt(r.cpu_ms, '.1f')} | "
                     f"{_fmt(r.rss_mb, '.0f')} | {r.exceptions} | {r.from_store} |")
    return "\n".join(lines)


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def targets(rows: list[Row]) -> list[str]:
    lines = []
    for page in dict.fromkeys(r.page for r in rows):
        cold = {r.n: r for r in rows if r.page == page and r.scenario == "cold"}
        warm = {r.n: r for r in rows if r.page == page and r.scenario == "warm"}
        base = cold.get(1)
        for n, key in ((20, "cold20"), (50, "cold50")):
            if base is None or n not in cold:
                lines.append(f"{page}: cold N={n} / cold N=1 ≤ {TARGETS[key]}x: not measured (--sizes 1 {n})")
                continue
            complete = cold[n].finished == n and base.finished == 1
            ratio = cold[n].max_s / base.max_s if complete else None
            verdict = _verdict(None if ratio is None else ratio <= TARGETS[key])
            lines.append(f"{page}: cold N={n} / cold N=1 = {_fmt(cold[n].max_s)} / {_fmt(base.max_s)} s = "
                         f"{_fmt(ratio)}x ≤ {TARGETS[key]}x: {verdict}"
                         + ("" if complete else " (not every visit finished)"))
        if 50 in warm:
            row = warm[50]
            ok = row.finished == 50 and row.max_s <= TARGETS["warm50_s"]
            lines.append(f"{page}: warm N=50 all finished {_fmt(row.max_s)} s ≤ {TARGETS['warm50_s']} s: "
                         f"{_verdict(ok)}")
        else:
            lines.append(f"{page}: warm N=50 all finished ≤ {TARGETS['warm50_s']} s: not measured (--sizes ... 50)")
        warm_cpu = [(f"{r.scenario} N={r.n}" if r.scenario == "warm" else r.scenario, r.cpu_ms)
                    for r in rows if r.page == page and r.scenario.startswith("warm") and r.cpu_ms is not None]
        if warm_cpu:
            worst = max(cpu for _, cpu in warm_cpu)
            lines.append(f"{page}: warm visit server CPU ≤ {TARGETS['warm_cpu_ms']:.0f} ms: "
                         + ", ".join(f"{name} {cpu:.1f} ms" for name, cpu in warm_cpu)
                         + f": {_verdict(worst <= TARGETS['warm_cpu_ms'])}")
    colds = [r for r in rows if r.scenario in ("cold", "chromium cold")]
    if colds:
        known = [r for r in colds if r.trainings is not None]
        counts = ", ".join(f"{r.scenario} {r.page} N={r.n}: {_fmt(r.trainings, 'd')}" for r in colds)
        verdict = _verdict(all(r.trainings == 1 for r in known) if len(known) == len(colds) else None)
        lines.append(f"one training per distinct config (each cold scenario = 1): {counts}: {verdict}"
                     + ("" if len(known) == len(colds) else " (the server wrote no stats file)"))
    rss = [r.rss_mb for r in rows if r.rss_mb is not None]
    if rss:
        lines.append(f"peak RSS (max over all servers) {max(rss):.0f} MB ≤ {TARGETS['rss_mb']:.0f} MB: "
                     f"{_verdict(max(rss) <= TARGETS['rss_mb'])}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ui.classroom", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=list(PAGES))
    parser.add_argument("--poll", nargs="*", type=int, default=[50],
                        help="class sizes of the poll burst, each on a fresh server (none: no poll burst)")
    parser.add_argument("--poll-spreads", nargs="+", type=float, default=[3.0, 0.0],
                        help="seconds over which the students answer (0: all at the same moment)")
    parser.add_argument("--sizes", nargs="+", type=int, default=[1, 20, 50],
                        help="class sizes N, each on a fresh server (cold, then warm)")
    parser.add_argument("--tabs", type=int, default=5, help="Chromium tabs in the browser burst (0: none)")
    parser.add_argument("--repeats", type=int, default=10, help="sequential warm single visits")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds a visit may take")
    args = parser.parse_args(argv)

    def log(text: str) -> None:
        print(f"# {text}", file=sys.stderr, flush=True)

    started = time.monotonic()
    rows, notes = [], []
    for page in args.pages:
        page_rows, page_notes = page_scenarios(page, args.sizes, args.repeats, args.timeout, log)
        rows += page_rows
        notes += page_notes
        if args.tabs > 0:
            row, note = chromium_burst(page, args.tabs, args.timeout)
            log(f"chromium {args.tabs} {page}: {row.finished}/{row.n} finished, max {row.max_s}")
            rows.append(row)
            notes.append(note)
    from .classroom_poll import poll_burst, poll_table, poll_targets  # it imports this module's helpers

    poll_rows = []
    for n in args.poll:
        for spread in args.poll_spreads:
            row, poll_notes = poll_burst(n, spread, args.timeout)
            log(f"poll {n} over {spread} s: {row.confirmed}/{n} confirmed, exact {row.exact}, "
                f"longest gap {row.max_gap_s}")
            poll_rows.append(row)
            notes += poll_notes
    print(f"Classroom benchmark: pages at their default runs ({', '.join(PAGES[p] for p in args.pages)}), "
          f"sizes {args.sizes}, {args.tabs} Chromium tabs; {time.monotonic() - started:.0f} s in all.\n")
    print(table(rows))
    if poll_rows:
        print("\nClass poll (a presenter and N students on the home page's first question):\n")
        print(poll_table(poll_rows))
    print("\nTargets:")
    for line in targets(rows) + poll_targets(poll_rows):
        print(f"- {line}")
    print("\nNotes:")
    for line in notes:
        print(f"- {line}")


if __name__ == "__main__":
    main()
