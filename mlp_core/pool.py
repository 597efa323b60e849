"""The trainer pool: one training per config for every session that asks for it, on a bounded number
of threads, in a queue whose order a waiting viewer can read.

A lecture is 20-50 students opening one link within a minute. Each session used to train the same
config again in its own script thread; here the first session that asks for a config starts a `Run`,
and every other session that asks for the same key while it is in flight attaches to it and reads
the same published frames. No Streamlit in here (ui/live.py is the pool's Streamlit side):

    pool = TrainerPool(workers=2, store=store)
    run = pool.request(key, job, viewer=session_id)   # a job is `job(run) -> result`
    ... run.wait(run.version, timeout) / run.frame / run.state ...
    pool.detach(run, session_id)                      # a viewer leaves: the last one stops the run

- **In flight first, then the store.** `request` attaches to a run of that key in flight, else
  returns the stored result as a finished run, else queues a new run. `fresh=True` (Retrain) skips
  the store: the new run is in flight, so everyone who then asks for the key attaches to it.
- **One run per viewer.** A viewer's request replaces the run it watched before: it is detached
  from that one at once (and a run whose last viewer left is cancelled: dropped from the queue, or
  stopped at its job's next `run.check()`), so moving a slider never piles up runs.
- **Bounded.** At most `workers` jobs at once (ui/live.py passes the cores this app may use); the
  rest wait in the queue, viewers' runs by arrival, and `position(run)` says how many are ahead.
- **The presenter first.** `request(..., presenter=True)` (the lecturer's session, ui/lecture.py's
  `presenter_session`) queues its run ahead of every viewer's, and moves a queued run it attaches
  to up to that priority; among presenter runs, arrival order. A running run is never preempted.
- **Warm runs** (`warm(key, job)`) have no viewer and are never cancelled for lack of one. They wait
  behind every viewer's run, and at most one trains at a time, so with two or more workers a viewer's
  run always finds a free one. A viewer attaching to a queued warm run moves it up to viewer priority.
- **Nothing partial is stored.** Only a job that returned is put in the store; a job that raised
  fails its run (every viewer gets the exception), and a cancelled one is dropped.
- **No idle threads.** A worker thread starts when a run is queued and a slot is free, and ends
  when the queue holds nothing it may start.

`counts` (and the JSON file `stats_file`, rewritten at every change, for benchmarks that watch the
server from outside) say how many runs were started, trained, cancelled and failed.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

# Queue priorities, lowest first: the lecturer's run goes ahead of every student's (the projected
# screen is what the whole hall waits for), and every viewer's run ahead of the warm-up.
PRESENTER, VIEWER, WARM = -1, 0, 1
QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"


class Cancelled(Exception):
    """Raised by `Run.check()` in a job whose run lost its last viewer: the job stops there."""


class Store(Protocol):
    def lookup(self, key: Hashable) -> Any | None: ...
    def keep(self, key: Hashable, result: Any) -> None: ...


class Run:
    """One training in flight (or finished): its state, its latest published frame, its viewers.

    The job publishes frames with `publish`; viewers wait for a newer one with `wait` and read
    `frame`, `state`, `result` and `error`. Everything a viewer reads is replaced, never mutated, so
    reading needs no lock.
    """

    def __init__(self, key: Hashable, job: Callable[[Run], Any] | None, *, warm: bool = False,
                 priority: int = VIEWER) -> None:
        self.key, self.job, self.warm = key, job, warm
        self.priority = WARM if warm else priority
        self.state = QUEUED
        self.frame: Any = None  # the latest frame the job published
        self.version = 0  # +1 at every publish and at the end
        self.result: Any = None
        self.error: BaseException | None = None
        self.from_store = False
        self.viewers: set[Hashable] = set()
        self.queued_at = time.monotonic()
        self.started_at: float | None = None
        self._changed = threading.Condition()
        self._cancel = threading.Event()

    @classmethod
    def finished(cls, key: Hashable, result: Any) -> Run:
        """A run already over: the stored result, handed out like a run that just finished."""
        run = cls(key, None)
        run.state, run.result, run.from_store, run.version = DONE, result, True, 1
        return run

    @property
    def done(self) -> bool:
        return self.state in (DONE, FAILED, CANCELLED)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    # --- the job's side -----------------------------------------------------------------------

    def publish(self, frame: Any) -> None:
        """Make `frame` the one every viewer sees next; raises Cancelled if the run lost its viewers."""
        self.check()
        with self._changed:
            self.frame = frame
            self.version += 1
            self._changed.notify_all()

    def check(self) -> None:
        """Raise Cancelled if the run's last viewer left (a job calls this at every report)."""
        if self._cancel.is_set():
            raise Cancelled

    # --- the viewers' side --------------------------------------------------------------------

    def wait(self, seen: int, timeout: float) -> bool:
        """Wait until there is something newer than version `seen` (or the run ended); True if so."""
        with self._changed:
            return self._changed.wait_for(lambda: self.version != seen or self.done, timeout)

    def _end(self, state: str, result: Any = None, error: BaseException | None = None) -> None:
        with self._changed:
            self.state, self.result, self.error = state, result, error
            self.version += 1
            self._changed.notify_all()


class TrainerPool:
    """Runs in flight keyed as the store is, at most `workers` at once (see the module docstring)."""

    def __init__(self, workers: int, store: Store | None = None, *, stats_file: str | os.PathLike | None = None,
                 name: str = "trainer") -> None:
        if workers < 1:
            raise ValueError(f"workers = {workers}: a pool needs at least one.")
        self.workers, self.store, self.name = workers, store, name
        self.stats_file = Path(stats_file) if stats_file else None
        self.counts = {"started": 0, "trained": 0, "cancelled": 0, "failed": 0}
        self._lock = threading.RLock()
        self._in_flight: dict[Hashable, Run] = {}  # queued or running, by key
        self._queue: list[tuple[int, int, Run]] = []  # (priority, order, run); stale entries skipped
        self._order = itertools.count()
        self._running: set[Run] = set()
        self._watching: dict[Hashable, Run] = {}  # viewer -> the run it watches
        self._threads: set[threading.Thread] = set()
        self._closed = False

    # --- asking for runs ----------------------------------------------------------------------

    def request(self, key: Hashable, job: Callable[[Run], Any], *, viewer: Hashable, fresh: bool = False,
                presenter: bool = False) -> Run:
        """The run of `key` for this viewer: the one in flight, else the stored one, else a new one.

        `presenter`: the viewer is the lecturer, whose run is queued ahead of every other viewer's."""
        priority = PRESENTER if presenter else VIEWER
        with self._lock:
            run = self._in_flight.get(key)
            if run is None and not fresh and self.store is not None:
                stored = self.store.lookup(key)
                if stored is not None:
                    self._leave(viewer)
                    return Run.finished(key, stored)
            if run is None:
                run = self._queue_run(Run(key, job, priority=priority))
            self._leave(viewer, unless=run)
            run.viewers.add(viewer)
            self._watching[viewer] = run
            if run.state == QUEUED and run.priority > priority:  # a warm run someone now waits for, or a
                run.priority = priority  # student's run the presenter now waits for: moved up
                heapq.heappush(self._queue, (priority, next(self._order), run))
            self._start_workers()
            return run

    def warm(self, key: Hashable, job: Callable[[Run], Any]) -> Run | None:
        """Queue `key` behind every viewer's run, unless it is stored or in flight already."""
        with self._lock:
            if key in self._in_flight or self.store is not None and self.store.lookup(key) is not None:
                return None
            run = self._queue_run(Run(key, job, warm=True))
            self._start_workers()
            return run

    def detach(self, run: Run, viewer: Hashable) -> None:
        """The viewer stopped watching `run`; a run with no viewer left (and not warm) is cancelled."""
        with self._lock:
            if self._watching.get(viewer) is run:
                del self._watching[viewer]
            run.viewers.discard(viewer)
            if not run.viewers and not run.warm and not run.done and self._in_flight.get(run.key) is run:
                self._cancel(run)

    def position(self, run: Run) -> int:
        """How many queued runs will start before this one (0 once it runs, or when it is next)."""
        with self._lock:
            order = self._queued_in_order()
            return order.index(run) if run in order else 0

    @property
    def running(self) -> int:
        return len(self._running)

    @property
    def queued(self) -> int:
        with self._lock:
            return sum(1 for run in self._in_flight.values() if run.state == QUEUED)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {**self.counts, "running": len(self._running), "queued": self.queued,
                    "threads": len(self._threads)}

    def close(self, timeout: float = 10.0) -> None:
        """Cancel everything in flight and wait for the worker threads to end (tests, shutdown)."""
        with self._lock:
            self._closed = True
            for run in list(self._in_flight.values()):
                self._cancel(run)
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)

    # --- inside ---------------------------------------------------------------------------------

    def _queue_run(self, run: Run) -> Run:
        if self._closed:
            raise RuntimeError("the trainer pool is closed")
        self._in_flight[run.key] = run
        heapq.heappush(self._queue, (run.priority, next(self._order), run))
        self._changed()
        return run

    def _leave(self, viewer: Hashable, unless: Run | None = None) -> None:
        previous = self._watching.get(viewer)
        if previous is not None and previous is not unless:
            self.detach(previous, viewer)

    def _cancel(self, run: Run) -> None:
        """Stop `run`: out of the registry at once (the next request starts afresh), its job stops at
        its next check, a queued one never starts."""
        del self._in_flight[run.key]
        run._cancel.set()
        for viewer in [v for v, watched in self._watching.items() if watched is run]:
            del self._watching[viewer]
        if run.state == QUEUED:
            run._end(CANCELLED)
        self.counts["cancelled"] += 1
        self._changed()

    @staticmethod
    def _current(entry: tuple[int, int, Run]) -> bool:
        """Whether a queue entry is the live one of a queued run (moving a run up leaves a stale one)."""
        return entry[2].state == QUEUED and entry[0] == entry[2].priority and not entry[2].cancelled

    def _queued_in_order(self) -> list[Run]:
        """The queued runs in the order they will start (each once)."""
        runs: list[Run] = []
        for entry in sorted(entry for entry in self._queue if self._current(entry)):
            if entry[2] not in runs:
                runs.append(entry[2])
        return runs

    def _take(self) -> Run | None:
        """The next run this worker may start (under the lock), or None."""
        if len(self._running) >= self.workers:
            return None
        warm_running = any(run.warm and run.priority == WARM for run in self._running)
        skipped = []
        taken = None
        while self._queue:
            entry = heapq.heappop(self._queue)
            if not self._current(entry):
                continue
            if entry[0] == WARM and warm_running:
                skipped.append(entry)  # one warm run at a time: leave it queued
                continue
            taken = entry[2]
            break
        for entry in skipped:
            heapq.heappush(self._queue, entry)
        if taken is not None:
            taken.state, taken.started_at = RUNNING, time.monotonic()
            self._running.add(taken)
            self.counts["started"] += 1
            self._changed()
        return taken

    def _start_workers(self) -> None:
        """A thread for every queued run that no idle worker will take, up to `workers` threads."""
        waiting = sum(1 for entry in self._queue if self._current(entry))
        idle = len(self._threads) - len(self._running)
        while len(self._threads) < self.workers and idle < waiting:
            thread = threading.Thread(target=self._work, name=f"{self.name}-{next(self._order)}", daemon=True)
            self._threads.add(thread)
            idle += 1
            thread.start()

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            with self._lock:
                run = self._take()
                if run is None:
                    self._threads.discard(me)
                    return
            self._execute(run)

    def _execute(self, run: Run) -> None:
        try:
            result = run.job(run)
        except Cancelled:
            outcome, result, error = CANCELLED, None, None
        except BaseException as exc:  # every viewer sees the failure; the worker lives on
            log.exception("training %r failed", run.key)
            outcome, result, error = FAILED, None, exc
        else:
            outcome, error = (CANCELLED if run.cancelled else DONE), None
        with self._lock:
            self._running.discard(run)
            if self._in_flight.get(run.key) is run:
                del self._in_flight[run.key]
            for viewer in [v for v, watched in self._watching.items() if watched is run]:
                del self._watching[viewer]
            if outcome == DONE:
                if self.store is not None:
                    self.store.keep(run.key, result)
                self.counts["trained"] += 1
            elif outcome == FAILED:
                self.counts["failed"] += 1
            run._end(outcome, result, error)
            self._changed()

    def _changed(self) -> None:
        """Rewrite the stats file (a benchmark reads it from outside the server)."""
        if self.stats_file is None:
            return
        try:
            temporary = self.stats_file.with_suffix(".tmp")
            temporary.write_text(json.dumps(self.stats()))
            os.replace(temporary, self.stats_file)
        except OSError:
            log.warning("cannot write the trainer pool's stats to %s", self.stats_file)
