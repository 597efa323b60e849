"""The trainer pool (mlp_core/pool.py): one training per key for every viewer, a bounded queue,
runs that stop when their viewers leave, failures that reach every viewer, no thread left behind."""

from __future__ import annotations

import json
import threading
import time

import pytest

from mlp_core import PRESETS
from mlp_core.pool import CANCELLED, DONE, FAILED, QUEUED, RUNNING, TrainerPool
from ui.live import train_for_viewers
from ui.store import RunStore

TIMEOUT = 30.0


class Gate:
    """A job that publishes until released (or cancelled), then returns `value`; counts its calls."""

    def __init__(self, value="result") -> None:
        self.value, self.calls, self.release = value, 0, threading.Event()
        self.started = threading.Event()

    def __call__(self, run):
        self.calls += 1
        self.started.set()
        while not self.release.wait(0.005):
            run.publish(self.calls)
        run.check()
        return self.value


def wait_until(condition, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def finish(run, timeout: float = TIMEOUT) -> None:
    wait_until(lambda: run.done, timeout)


@pytest.fixture
def pool():
    pools = []

    def make(workers: int = 2, store=None, **kwargs) -> TrainerPool:
        pools.append(TrainerPool(workers, store if store is not None else RunStore(), **kwargs))
        return pools[-1]

    yield make
    for each in pools:
        each.close()
        assert not each._threads, "a worker thread outlived close()"


def test_two_viewers_of_one_config_share_one_training(pool):
    pool, job = pool(), Gate()
    first = pool.request("key", job, viewer="a")
    second = pool.request("key", Gate(), viewer="b")  # the second job is never called
    assert second is first and first.viewers == {"a", "b"}
    job.started.wait(TIMEOUT)
    wait_until(lambda: first.frame is not None)  # both read the same published frames
    job.release.set()
    finish(first)
    assert first.state == DONE and first.result == "result" and job.calls == 1
    assert pool.store.lookup("key") == "result" and pool.counts["trained"] == 1
    third = pool.request("key", Gate(), viewer="c")  # later: from the store, no training
    assert third.from_store and third.result == "result" and pool.counts["started"] == 1


def test_real_training_is_shared_and_stored_once(pool):
    store = RunStore()
    pool = pool(store=store)
    config = PRESETS["xor-2-2-1"].replace(epochs=3000)
    runs = [pool.request(store.key(config), lambda run: train_for_viewers(config, run), viewer=v) for v in "abc"]
    assert runs[0] is runs[1] is runs[2]
    finish(runs[0])
    assert runs[0].result.status == "finished" and store.trained == 1 and store.get(config) is runs[0].result


def test_the_last_viewer_leaving_stops_the_run_and_nothing_is_stored(pool):
    pool, job = pool(), Gate()
    run = pool.request("key", job, viewer="a")
    pool.request("key", job, viewer="b")
    job.started.wait(TIMEOUT)
    pool.detach(run, "a")
    time.sleep(0.05)
    assert run.state == RUNNING  # one viewer is still watching
    left = time.monotonic()
    pool.detach(run, "b")
    finish(run, timeout=1.0)  # stops within about a second (here: at its next publish)
    assert time.monotonic() - left < 1.0
    assert run.state == CANCELLED and pool.store.lookup("key") is None
    assert pool.counts == {"started": 1, "trained": 0, "cancelled": 1, "failed": 0}
    again = pool.request("key", Gate(), viewer="a")  # asking again starts afresh
    assert again is not run


def test_a_viewer_watches_one_run_at_a_time(pool):
    """Moving a slider asks for another config: the run it watched alone is cancelled, not piled up."""
    pool = pool(workers=1)
    first_job = Gate()
    first = pool.request("lr=1", first_job, viewer="a")
    first_job.started.wait(TIMEOUT)
    queued = [pool.request(f"lr={lr}", Gate(), viewer="a") for lr in (2, 3, 4)]
    finish(first)
    assert first.state == CANCELLED
    assert [run.state for run in queued[:2]] == [CANCELLED, CANCELLED]  # replaced while still queued
    assert queued[2].state in (QUEUED, RUNNING) and pool.queued + pool.running == 1
    assert pool.counts["cancelled"] == 3


def test_a_run_someone_else_watches_goes_on_when_one_viewer_moves_on(pool):
    pool, job = pool(), Gate()
    run = pool.request("key", job, viewer="a")
    pool.request("key", job, viewer="b")
    pool.request("other", Gate(), viewer="a")  # a moves a slider
    job.release.set()
    finish(run)
    assert run.state == DONE and run.viewers == {"b"}


def test_queue_order_and_position(pool):
    pool = pool(workers=1)
    busy = Gate()
    pool.request("busy", busy, viewer="v0")
    busy.started.wait(TIMEOUT)
    warm = pool.warm("warm", Gate())
    second = pool.request("second", Gate(), viewer="v1")
    third = pool.request("third", Gate(), viewer="v2")
    assert [pool.position(run) for run in (second, third, warm)] == [0, 1, 2]  # viewers ahead of the warm-up
    later = pool.request("warm", Gate(), viewer="v3")  # a viewer asks for the warm run: it moves up
    assert later is warm and pool.position(warm) == 2 and pool.position(third) == 1
    fourth = pool.request("fourth", Gate(), viewer="v4")
    assert pool.position(fourth) == 3
    assert pool.stats()["queued"] == 4 and pool.stats()["running"] == 1


def test_the_presenters_run_goes_ahead_of_every_students(pool):
    pool = pool(workers=1)
    busy = Gate()
    pool.request("busy", busy, viewer="student 0")
    busy.started.wait(TIMEOUT)
    warm = pool.warm("warm", Gate())
    students = [pool.request(f"s{i}", Gate(), viewer=f"student {i}") for i in (1, 2)]
    lecture = pool.request("lecture", Gate(), viewer="lecturer", presenter=True)
    assert [pool.position(run) for run in (lecture, *students, warm)] == [0, 1, 2, 3]
    second = pool.request("lecture 2", Gate(), viewer="lecturer 2", presenter=True)
    assert pool.position(second) == 1 and pool.position(students[0]) == 2  # presenters among themselves by arrival
    # The lecturer moves on to what a student already queued: that run moves up, and it is one run.
    moved = pool.request("s2", Gate(), viewer="lecturer", presenter=True)
    assert moved is students[1] and lecture.state == CANCELLED  # the lecturer's previous run lost its viewer
    assert [pool.position(run) for run in (second, moved, students[0], warm)] == [0, 1, 2, 3]
    # A student asking for the presenter's run attaches to it and does not move it down.
    assert pool.request("lecture 2", Gate(), viewer="student 9") is second and pool.position(second) == 0
    busy.release.set()
    wait_until(lambda: second.state == RUNNING)  # the running one was not preempted; the presenter's came next


def test_a_presenter_run_is_trained_and_stored_like_any_other(pool):
    pool = pool(workers=1)
    job = Gate("lecture result")
    run = pool.request("k", job, viewer="lecturer", presenter=True)
    job.release.set()
    finish(run)
    assert run.state == DONE and pool.request("k", Gate(), viewer="student").result == "lecture result"


def test_at_most_workers_trainings_at_once(pool):
    pool = pool(workers=2)
    jobs = [Gate() for _ in range(5)]
    runs = [pool.request(i, job, viewer=i) for i, job in enumerate(jobs)]
    wait_until(lambda: pool.running == 2)
    time.sleep(0.05)
    assert pool.running == 2 and pool.queued == 3 and len(pool._threads) == 2
    for job in jobs:
        job.release.set()
    for run in runs:
        finish(run)
    assert all(run.state == DONE for run in runs) and pool.counts["trained"] == 5
    wait_until(lambda: not pool._threads)  # idle workers end


def test_warm_runs_train_one_at_a_time_behind_viewers_and_need_no_viewer(pool):
    pool = pool(workers=2)
    warm_jobs = [Gate(f"warm {i}") for i in range(3)]
    warm = [pool.warm(f"warm {i}", job) for i, job in enumerate(warm_jobs)]
    warm_jobs[0].started.wait(TIMEOUT)
    time.sleep(0.05)
    assert [run.state for run in warm] == [RUNNING, QUEUED, QUEUED]  # one warm run at a time
    viewer_job = Gate()
    viewed = pool.request("viewer", viewer_job, viewer="student")
    viewer_job.started.wait(TIMEOUT)  # the second worker was free for the viewer at once
    assert viewed.state == RUNNING
    assert pool.warm("warm 1", Gate()) is None  # already queued: not twice
    for job in (*warm_jobs, viewer_job):
        job.release.set()
    for run in (*warm, viewed):
        finish(run)
    assert all(run.state == DONE for run in warm)  # no viewer ever watched them: trained all the same
    assert pool.warm("warm 0", Gate()) is None  # stored: nothing to warm


def test_retrain_skips_the_store_and_later_viewers_attach_to_the_fresh_run(pool):
    pool = pool()
    pool.store.keep("key", "old")
    job = Gate("new")
    fresh = pool.request("key", job, viewer="lecturer", fresh=True)
    assert not fresh.from_store
    student = pool.request("key", Gate(), viewer="student")  # while the fresh run trains
    assert student is fresh
    job.release.set()
    finish(fresh)
    assert pool.store.lookup("key") == "new"


def test_an_exception_reaches_every_viewer_and_nothing_is_stored(pool):
    pool = pool()
    started = threading.Event()

    def broken(run):
        started.set()
        time.sleep(0.05)  # both viewers attach first
        raise RuntimeError("kernel exploded")

    run = pool.request("key", broken, viewer="a")
    assert pool.request("key", broken, viewer="b") is run
    finish(run)
    assert run.state == FAILED and isinstance(run.error, RuntimeError) and "exploded" in str(run.error)
    assert pool.store.lookup("key") is None and pool.counts["failed"] == 1
    retry = pool.request("key", Gate(), viewer="a")  # the failure is not remembered as a result
    assert retry is not run and not retry.done


def test_a_divergence_reaches_every_viewer(pool):
    store = RunStore()
    pool = pool(store=store)
    config = PRESETS["quadratic-small-sgd"].replace(learning_rate=100.0, loss="mse", epochs=2000)
    key = store.key(config)
    runs = [pool.request(key, lambda run: train_for_viewers(config, run), viewer=v) for v in "ab"]
    finish(runs[0])
    assert runs[0] is runs[1] and runs[0].result.status == "diverged" and runs[0].result.diverged_at is not None


def test_no_thread_outlives_the_work(pool):
    before = threading.active_count()
    pool = pool(workers=2)
    jobs = [Gate() for _ in range(4)]
    runs = [pool.request(i, job, viewer=i) for i, job in enumerate(jobs)]
    pool.detach(runs[0], 0)  # one cancelled while running
    pool.detach(runs[3], 3)  # one cancelled while queued
    for job in jobs:
        job.release.set()
    for run in runs:
        finish(run)
    wait_until(lambda: threading.active_count() == before)
    assert not pool._threads and not pool._in_flight and not pool._watching


def test_the_counters_are_written_for_a_benchmark_outside_the_server(pool, tmp_path):
    stats = tmp_path / "stats.json"
    pool = pool(stats_file=stats)
    job = Gate()
    run = pool.request("key", job, viewer="a")
    job.release.set()
    finish(run)
    wait_until(lambda: json.loads(stats.read_text())["trained"] == 1)
    written = json.loads(stats.read_text())
    assert written.pop("threads") in (0, 1)  # the worker may still be on its way out
    assert written == {"started": 1, "trained": 1, "cancelled": 0, "failed": 0, "running": 0, "queued": 0}
