"""The classroom benchmark's poll burst (`python -m ui.classroom --poll N`; the module docstring of
ui/classroom.py says what it measures): a presenter opens a room and its first poll, N student
sessions open the student link through Streamlit's websocket protocol (ui/protocol.py's
`LiveSession`) and answer within a few seconds, and the presenter's tally fragment is timed."""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .classroom import _env, _fmt, _verdict, cpu_seconds, wait_quiet

POLL_CHOICES = ("A.", "B.")  # the home page's first question (e3-xor) has two choices
TALLY_TARGET_S = 1.0  # the presenter's screen updates at least once a second
WINDOW_S = 6.0  # the presenter's redraws are watched this long from the answers' start (every phone's timer running)


@dataclass
class PollRow:
    n: int
    spread_s: float  # the answers were sent over this many seconds (0: all at once)
    joined: int  # student sessions whose first visit finished cleanly
    join_s: float | None  # until every one of them had its page
    confirmed: int  # answers confirmed on the student's screen ("Your answer: …")
    answer_s: float | None  # from the burst's start until the last confirmation
    tally_s: float | None  # from the last confirmation until the presenter's screen counted all N
    exact: bool  # the presenter's chart holds exactly the answers sent, choice by choice
    updates: int  # presenter redraws in the window (WINDOW_S from the answers' start, or until the tally caught up)
    max_gap_s: float | None  # the longest wait between two presenter redraws in that window
    cpu_ms: float | None  # the server's CPU over that window, per student (its answer and its screen's timer)
    exceptions: int


def _chart_counts(run) -> dict[str, int] | None:
    return {row["letter"]: row["count"] for row in run.charts[-1]} if run.charts else None


async def _poll_class(url: str, pid: int, n: int, spread: float, timeout: float) -> tuple[PollRow, list[str]]:
    """The presenter opens a room and its first poll; `n` students open the student link at once,
    then answer within `spread` seconds (student i at i/n·spread, answering POLL_CHOICES[i % 2]; 0:
    all at the same moment) and keep their screens' timers running; the presenter's tally fragment
    runs on its timer throughout."""
    import re

    from ui.protocol import LiveSession

    notes: list[str] = []
    lecturer = LiveSession(url, "", "lang=en")
    await lecturer.open(timeout)
    shown = await lecturer.toggle("Open a room for this lecture", True, timeout)
    code = next(m.group(1) for text in shown.texts if (m := re.search(r"Room code: `(\w+)`", text)))
    opened = await lecturer.click("Open the poll", timeout)
    [tally] = lecturer.timers
    exceptions = len(shown.exceptions) + len(opened.exceptions)
    await asyncio.to_thread(wait_quiet, pid)  # the server's background imports (torch) are done

    students = [LiveSession(url, "", f"room={code}&lang=en") for _ in range(n)]
    started = time.monotonic()
    firsts = await asyncio.gather(*(s.open(timeout) for s in students), return_exceptions=True)
    joined = [f for f in firsts if not isinstance(f, BaseException) and f.ok and any("tap your answer" in t for t in f.texts)]
    join_s = time.monotonic() - started if len(joined) == n else None
    exceptions += sum(len(f.exceptions) for f in joined)

    await asyncio.to_thread(wait_quiet, pid, 0.5, 0.2, 10.0)
    stop, updates = asyncio.Event(), []

    async def timer(session, fragment: str, record: list | None) -> None:
        interval, due = session.timers[fragment], time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            due = max(due + interval, time.monotonic())  # a late run delays the next, as the frontend's does
            run = await session.tick(fragment, timeout)
            if record is not None:
                record.append((run.finished_at, _chart_counts(run)))

    async def answer(index: int, session):
        await asyncio.sleep(burst + index / n * spread - time.monotonic())
        run = await session.click(POLL_CHOICES[index % len(POLL_CHOICES)], timeout)
        followers.append(asyncio.create_task(timer(session, next(iter(session.timers)), None)))
        return run

    followers: list = []
    presenter = asyncio.create_task(timer(lecturer, tally, updates))
    burst, cpu_before = time.monotonic(), cpu_seconds(pid)
    answers = await asyncio.gather(*(answer(i, s) for i, s in enumerate(students)), return_exceptions=True)
    confirmed = [a for a in answers if not isinstance(a, BaseException) and any("Your answer:" in t for t in a.texts)]
    last = max((a.finished_at for a in confirmed), default=None)
    expected = {letter[0]: sum(1 for i in range(n) if i % len(POLL_CHOICES) == k)
                for k, letter in enumerate(POLL_CHOICES)}
    deadline, window = time.monotonic() + 15, burst + WINDOW_S
    while time.monotonic() < deadline and not (updates and updates[-1][1] == expected
                                               and time.monotonic() >= window):
        await asyncio.sleep(0.1)
    stop.set()
    end, cpu = time.monotonic(), cpu_seconds(pid) - cpu_before
    await asyncio.gather(presenter, *followers, return_exceptions=True)
    counted = next((at for at, counts in updates if counts == expected), None)
    in_burst = [at for at, _ in updates if burst <= at <= end]
    gaps = [b - a for a, b in zip([burst, *in_burst], [*in_burst, end])]
    exceptions += sum(len(a.exceptions) for a in confirmed)
    for session in (lecturer, *students):
        await session.close()
    if updates and updates[-1][1] != expected:
        notes.append(f"poll N={n}: the presenter's chart shows {updates[-1][1]}, expected {expected}")
    for failure in [f for f in (*firsts, *answers) if isinstance(f, BaseException)][:3]:
        notes.append(f"poll N={n}: {type(failure).__name__}: {failure}")
    row = PollRow(n, spread, len(joined), join_s, len(confirmed), None if last is None else last - burst,
                  None if counted is None or last is None else max(0.0, counted - last),
                  bool(updates) and updates[-1][1] == expected, len(in_burst), max(gaps) if gaps else None,
                  cpu / max(1, n) * 1000, exceptions)
    return row, notes


def poll_burst(n: int, spread: float, timeout: float) -> tuple[PollRow, list[str]]:
    """A fresh server, a presenter and `n` students answering its poll within `spread` seconds."""
    from ui.browser import streamlit_process
    from ui.protocol import run_sync

    with tempfile.TemporaryDirectory() as folder:
        with streamlit_process(env=_env(Path(folder) / "stats.json")) as server:
            # run_sync: after a browser test, this thread runs Playwright's event loop (asyncio.run refused)
            return run_sync(lambda: _poll_class(server.url, server.pid, n, spread, timeout))


def poll_table(rows: list[PollRow]) -> str:
    lines = ["| students | answers sent over s | joined | all joined s | answers confirmed | all answered s | tally caught up s | "
             "tally exact | presenter redraws | longest gap s | server CPU per student ms | exceptions |",
             "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.n} | {r.spread_s:g} | {r.joined}/{r.n} | {_fmt(r.join_s)} | {r.confirmed}/{r.n} | {_fmt(r.answer_s)} | "
                     f"{_fmt(r.tally_s)} | {'yes' if r.exact else 'NO'} | {r.updates} | {_fmt(r.max_gap_s)} | "
                     f"{_fmt(r.cpu_ms, '.0f')} | {r.exceptions} |")
    return "\n".join(lines)


def poll_targets(rows: list[PollRow]) -> list[str]:
    lines = []
    for r in rows:
        ok = r.exact and r.confirmed == r.n and r.max_gap_s is not None and r.max_gap_s <= TALLY_TARGET_S
        lines.append(f"poll N={r.n} over {r.spread_s:g} s: every answer confirmed ({r.confirmed}/{r.n}), the tally "
                     f"exact ({'yes' if r.exact else 'no'}), the presenter's screen redrawn at least every "
                     f"{TALLY_TARGET_S:.0f} s (longest gap {_fmt(r.max_gap_s)} s): {_verdict(ok)}")
    return lines
