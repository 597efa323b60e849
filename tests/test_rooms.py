"""Lecture rooms (mlp_core/rooms.py): the presenter's secret, one answer per session, exact tallies
under many threads, and garbage refused without changing anything."""

from __future__ import annotations

import random
import threading

import pytest

from mlp_core.rooms import CLOSED, CODE_ALPHABET, OPEN, READY, REASONS, REVEALED, Refused, Rooms, normalise_code


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def rooms(clock):
    return Rooms(clock=clock)


def refused(reason: str, call, *args):
    with pytest.raises(Refused) as caught:
        call(*args)
    assert caught.value.reason == reason
    assert caught.value.message == REASONS[reason]  # English in this thread
    return caught.value


def test_codes_are_short_unambiguous_and_independent_of_the_secret(rooms):
    made = [rooms.create() for _ in range(40)]
    codes = {room.code for room, _ in made}
    assert len(codes) == 40
    for room, secret in made:
        assert len(room.code) == 5 and set(room.code) <= set(CODE_ALPHABET)
        assert room.code not in secret and len(secret) >= 32
        assert room.is_presenter(secret) and not room.is_presenter(secret[:-1] + ("x" if secret[-1] != "x" else "y"))
        assert not room.is_presenter(None) and not room.is_presenter(room.code)
    assert not set("0O1IL2Z5S8B") & set(CODE_ALPHABET)
    room, secret = made[0]
    assert all(not other.is_presenter(secret) for other, _ in made[1:])  # one secret, one room


def test_a_typed_code_is_found_whatever_its_case_and_dashes(rooms):
    room, _ = rooms.create()
    typed = f" {room.code[:2].lower()}-{room.code[2:]} "
    assert normalise_code(typed) == room.code and rooms.get(typed) is room
    for garbage in ["", "A", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None, 12345, ["x"], "\x00\x00\x00\x00\x00", "O0O0O"]:
        refused("unknown-room", rooms.get, garbage)


def test_a_poll_runs_open_close_reveal_reset(rooms):
    room, secret = rooms.create()
    assert room.poll("e3-xor") is None
    view = room.open_poll(secret, "e3-xor", 2)
    assert (view.state, view.counts, view.total) == (OPEN, (0, 0), 0)
    room.answer("s1", "e3-xor", 1)
    room.answer("s2", "e3-xor", 1)
    room.answer("s3", "e3-xor", 0)
    assert room.close_poll(secret, "e3-xor").counts == (1, 2)
    refused("not-open", room.answer, "s4", "e3-xor", 0)
    assert room.open_poll(secret, "e3-xor", 2).state == OPEN  # reopened: the answers stay
    assert room.reveal(secret, "e3-xor").state == REVEALED
    refused("not-open", room.answer, "s1", "e3-xor", 0)
    refused("bad-state", room.open_poll, secret, "e3-xor", 2)  # a revealed poll is reset first
    assert room.my_answer("s1", "e3-xor") == 1
    view = room.reset(secret, "e3-xor")
    assert (view.state, view.counts) == (READY, (0, 0)) and room.my_answer("s1", "e3-xor") is None


def test_one_answer_per_session_changeable_until_the_reveal(rooms):
    room, secret = rooms.create()
    room.open_poll(secret, "e1-mlp", 3)
    for choice in (0, 2, 1):
        room.answer("same", "e1-mlp", choice)
    assert room.poll("e1-mlp").counts == (0, 1, 0)
    room.reveal(secret, "e1-mlp")
    refused("not-open", room.answer, "same", "e1-mlp", 2)
    assert room.poll("e1-mlp").counts == (0, 1, 0)


def test_only_the_presenter_can_steer(rooms):
    room, secret = rooms.create()
    other, other_secret = rooms.create()
    for wrong in ("", "guess", other_secret, None, 7, room.code):
        refused("not-presenter", room.open_poll, wrong, "e3-xor", 2)
        refused("not-presenter", room.set_step, wrong, "e3-xor")
    assert room.poll("e3-xor") is None and room.step is None
    room.open_poll(secret, "e3-xor", 2)
    room.answer("s", "e3-xor", 0)
    before = room.poll("e3-xor")
    for action in (room.close_poll, room.reveal, room.reset):
        refused("not-presenter", action, other_secret, "e3-xor")
    assert room.poll("e3-xor") == before
    room.set_step(secret, "e4-graph")
    assert room.step == "e4-graph"


def test_garbage_from_a_student_changes_nothing(rooms):
    room, secret = rooms.create()
    room.open_poll(secret, "e3-xor", 2)
    room.answer("s", "e3-xor", 1)
    before = room.poll("e3-xor")
    for choice in (2, -1, 1.0, True, "1", None, 10**100):
        refused("bad-choice", room.answer, "t", "e3-xor", choice)
    for step in ("e9-wide", ):
        refused("not-open", room.answer, "t", step, 0)
    for step in ("", "E3 XOR", "x" * 200, None, 3, "../etc"):
        refused("bad-step", room.answer, "t", step, 0)
    for session in ("", None, 5, "x" * 65):
        refused("bad-session", room.answer, session, "e3-xor", 0)
    for choices in (1, 9, 2.0, True, "2"):
        refused("bad-choices", room.open_poll, secret, "e1-mlp", choices)
    assert room.poll("e3-xor") == before and room.poll("e1-mlp") is None


def test_flooding_from_one_session_is_slowed_and_others_still_answer(clock):
    rooms = Rooms(clock=clock, burst=3, refill_seconds=2.0)
    room, secret = rooms.create()
    room.open_poll(secret, "e3-xor", 2)
    for choice in (0, 1, 0):
        room.answer("flood", "e3-xor", choice)
    before = room.poll("e3-xor")
    refused("too-fast", room.answer, "flood", "e3-xor", 1)
    assert room.poll("e3-xor") == before  # the refused change was not made
    room.answer("calm", "e3-xor", 1)  # another session is not slowed
    clock.now += 2.0
    room.answer("flood", "e3-xor", 1)  # one token back after refill_seconds
    assert room.poll("e3-xor").counts == (0, 2)


def test_caps_on_rooms_polls_and_answers(clock):
    rooms = Rooms(clock=clock, max_rooms=3, max_polls=2, max_answers=4)
    made = [rooms.create() for _ in range(3)]
    refused("room-cap", rooms.create)
    room, secret = made[0]
    room.open_poll(secret, "e3-xor", 2)
    room.open_poll(secret, "e1-mlp", 2)
    refused("poll-cap", room.open_poll, secret, "e4-graph", 2)
    for n in range(4):
        room.answer(f"s{n}", "e3-xor", 0)
    refused("answer-cap", room.answer, "s4", "e3-xor", 1)
    room.answer("s0", "e3-xor", 1)  # a session already counted may still change its answer
    assert room.poll("e3-xor").counts == (3, 1)


def test_idle_rooms_expire_and_their_answers_go_with_them(clock, rooms):
    room, secret = rooms.create()
    busy, busy_secret = rooms.create()
    room.open_poll(secret, "e3-xor", 2)
    room.answer("s", "e3-xor", 0)
    clock.now += rooms.idle_seconds - 10
    busy.touch(busy_secret)  # the presenter's session keeps its room alive
    clock.now += 20
    refused("unknown-room", rooms.get, room.code)
    assert rooms.get(busy.code) is busy and len(rooms) == 1
    assert room.ended and room.poll("e3-xor") is None  # the session ids are gone
    refused("unknown-room", room.answer, "s", "e3-xor", 1)
    refused("unknown-room", room.touch, secret)


def test_room_cap_frees_up_when_rooms_expire(clock):
    rooms = Rooms(clock=clock, max_rooms=2, idle_seconds=60)
    rooms.create(), rooms.create()
    refused("room-cap", rooms.create)
    clock.now += 61
    rooms.create()
    assert len(rooms) == 1


def test_many_threads_answering_at_once_give_an_exact_tally():
    rooms = Rooms(max_answers=1000, burst=1000)
    room, secret = rooms.create()
    room.open_poll(secret, "e3-xor", 4)
    sessions = 400
    final = {f"session-{n}": random.Random(n).randrange(4) for n in range(sessions)}
    start = threading.Barrier(40)

    def student(batch: list[str]) -> None:
        start.wait()
        for rounds in range(3):  # each session changes its mind, then settles on its final answer
            for session in batch:
                choice = final[session] if rounds == 2 else (final[session] + rounds + 1) % 4
                room.answer(session, "e3-xor", choice)

    names = list(final)
    threads = [threading.Thread(target=student, args=(names[i::40],)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = tuple(sum(1 for c in final.values() if c == k) for k in range(4))
    assert room.poll("e3-xor").counts == expected and sum(expected) == sessions


def test_many_threads_creating_rooms_never_pass_the_cap():
    rooms = Rooms(max_rooms=25)
    made, refusals, lock = [], [], threading.Lock()

    def presenter() -> None:
        try:
            result = rooms.create()
        except Refused as error:
            with lock:
                refusals.append(error.reason)
        else:
            with lock:
                made.append(result)

    threads = [threading.Thread(target=presenter) for _ in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 25 and refusals == ["room-cap"] * 35
    assert len({room.code for room, _ in made}) == 25 and len(rooms) == 25


def test_refusals_read_in_korean_where_the_session_reads_korean():
    from mlp_core import i18n

    i18n.use("ko")
    try:
        message = Refused("unknown-room").message
    finally:
        i18n.use("en")
    assert message != REASONS["unknown-room"] and any("\uac00" <= c <= "\ud7a3" for c in message)
