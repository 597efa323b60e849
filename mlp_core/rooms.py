"""Lecture rooms and class polls, kept in the server process (no Streamlit: a notebook can use it).

A presenter opens a room and gets two things: the room's short `code`, which goes into the student
link and the QR code, and a `secret`, which stays in the presenter's session and is never derived
from the code (`secrets` module; only its SHA-256 is kept and compared in constant time). Students
only ever know the code: they follow the room's current `step` and answer its polls.

    rooms = Rooms()
    room, secret = rooms.create()
    room.open_poll(secret, "e3-xor", choices=2)
    room.answer("session-id", "e3-xor", 1)     # one answer per session, changeable until the reveal
    room.reveal(secret, "e3-xor")
    room.poll("e3-xor").counts                 # (0, 1)

Sessions are threads of one server process: every room has a lock, the registry has one, and a
reader gets frozen snapshots (`PollView`). Everything is bounded and cleans itself: a room is
dropped after `idle_seconds` without a presenter action or an answer, there are at most
`max_rooms`, `max_polls` per room, `max_answers` per poll, and one session may answer only so
fast (a token bucket). Whatever a student's device sends that does not fit (unknown room, a poll
that is not open, a choice out of range or not an int, flooding) raises `Refused` with a reason a
student can read, and changes nothing. No names or personal data: session ids are opaque keys,
dropped with the room.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from .i18n import N_, _

# Read off a projector and typed on a phone: capitals and digits, at most one of a look-alike group
# (0 O Q D, 1 I L J, 2 Z, 5 S, 8 B, U V; of G 6 C only 6; B, D and V also sound like E, P and T).
# 18 symbols, 5 of them: 1.9 million codes, so a guessed code rarely hits one of the few rooms
# alive (and a code gives nothing but the right to answer).
CODE_ALPHABET = "AEFHKMNPRTWXY34679"
CODE_LENGTH = 5
STEP_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")  # a lecture step id, e.g. "e3-xor"
MAX_SESSION_ID = 64

# Poll states. A poll starts READY (not yet opened, or reset); students can answer while OPEN.
READY, OPEN, CLOSED, REVEALED = "ready", "open", "closed", "revealed"

REASONS = {  # Refused.reason -> what the person is told
    "unknown-room": N_("There is no room with this code (it may have ended). Check the code on the screen."),
    "room-cap": N_("Too many lecture rooms are open on this server; try again later."),
    "not-presenter": N_("Only the presenter can do this."),
    "bad-step": N_("This is not a step of the lecture."),
    "poll-cap": N_("This room has too many polls."),
    "bad-choices": N_("A poll has between 2 and 8 choices."),
    "no-poll": N_("There is no poll at this step yet."),
    "not-open": N_("The poll is not open: answers are not taken now."),
    "bad-choice": N_("This is not one of the poll's choices."),
    "bad-session": N_("This session cannot answer."),
    "answer-cap": N_("This poll has all the answers it can take."),
    "too-fast": N_("Too many answers in a short time: wait a few seconds and try again."),
    "bad-state": N_("The poll cannot do that in its present state."),
}


@dataclass(frozen=True)
class Question:
    """A poll's question: messages in English, marked for the catalogs (shown with `_()`), and the
    index of the right choice. The lessons write them (lessons/lecture/questions.py); the poll
    screens (ui/room.py) show them; a room only needs `len(choices)`."""
    id: str  # the lecture step it belongs to
    prompt: str
    choices: tuple[str, ...]
    answer: int
    explanation: str  # one sentence, shown at the reveal

    def __post_init__(self) -> None:
        if not STEP_PATTERN.fullmatch(self.id) or not 2 <= len(self.choices) <= 8 \
                or not 0 <= self.answer < len(self.choices):
            raise ValueError(f"question {self.id!r}: 2 to 8 choices and an answer among them")


class Refused(Exception):
    """A request that the room turned down; nothing was changed. `reason` is a key of REASONS;
    `message` is the sentence to show, in the language current where it is read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return _(REASONS[self.reason])


@dataclass(frozen=True)
class PollView:
    """A snapshot of one poll: safe to read anywhere, never changes."""
    step_id: str
    state: str
    counts: tuple[int, ...]
    version: int  # grows with every change: a screen redraws only when it moved

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class _Poll:
    choices: int
    state: str = READY
    answers: dict[str, int] = field(default_factory=dict)  # session id -> choice index
    version: int = 0


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()


def normalise_code(text: object) -> str | None:
    """A typed or linked code as the room knows it ("ak-3 7p" -> "AK37P"), or None when it cannot be one."""
    if not isinstance(text, str) or len(text) > 20:
        return None
    code = re.sub(r"[\s-]", "", text).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


class Room:
    """One lecture: its code, its presenter's secret (as a digest), its current step and its polls."""

    def __init__(self, code: str, secret: str, *, clock: Callable[[], float], max_polls: int,
                 max_answers: int, burst: int, refill_seconds: float) -> None:
        self.code = code
        self._secret_digest = _digest(secret)
        self._clock = clock
        self._lock = threading.Lock()
        self._step: str | None = None
        self._polls: dict[str, _Poll] = {}
        self._buckets: dict[str, tuple[float, float]] = {}  # session id -> (tokens, at)
        self._max_polls, self._max_answers = max_polls, max_answers
        self._burst, self._refill = burst, refill_seconds
        self.last_activity = clock()
        self.ended = False  # set when the registry drops the room: every call then refuses

    # --- the presenter -------------------------------------------------------------------------

    def is_presenter(self, secret: object) -> bool:
        """Whether `secret` is this room's (constant-time comparison of digests)."""
        return isinstance(secret, str) and hmac.compare_digest(_digest(secret), self._secret_digest)

    def _presenter(self, secret: object) -> None:
        """Under the lock: refuse a dropped room or a wrong secret; count as activity."""
        if self.ended:
            raise Refused("unknown-room")
        if not self.is_presenter(secret):
            raise Refused("not-presenter")
        self.last_activity = self._clock()

    def touch(self, secret: object) -> None:
        """The presenter is still there (each of their script runs): keeps the room alive."""
        with self._lock:
            self._presenter(secret)

    @property
    def step(self) -> str | None:
        """The step the presenter shows now: what a student's device follows."""
        return self._step

    def set_step(self, secret: object, step_id: object) -> None:
        _check_step(step_id)
        with self._lock:
            self._presenter(secret)
            self._step = step_id

    def open_poll(self, secret: object, step_id: object, choices: object) -> PollView:
        """Open (or reopen after a close) the poll of a step with `choices` choices."""
        _check_step(step_id)
        if not isinstance(choices, int) or isinstance(choices, bool) or not 2 <= choices <= 8:
            raise Refused("bad-choices")
        with self._lock:
            self._presenter(secret)
            poll = self._polls.get(step_id)
            if poll is None:
                if len(self._polls) >= self._max_polls:
                    raise Refused("poll-cap")
                poll = self._polls[step_id] = _Poll(choices)
            if poll.state not in (READY, CLOSED) or poll.choices != choices and poll.answers:
                raise Refused("bad-state")
            poll.choices, poll.state = choices, OPEN
            return self._changed(step_id, poll)

    def close_poll(self, secret: object, step_id: object) -> PollView:
        """Stop taking answers (the tally stays; the poll can be reopened)."""
        return self._move(secret, step_id, (OPEN,), CLOSED)

    def reveal(self, secret: object, step_id: object) -> PollView:
        """Close the poll for good and let everyone see the right answer and the tally."""
        return self._move(secret, step_id, (OPEN, CLOSED), REVEALED)

    def reset(self, secret: object, step_id: object) -> PollView:
        """Forget every answer of the poll; it is ready to be opened again."""
        return self._move(secret, step_id, (READY, OPEN, CLOSED, REVEALED), READY, clear=True)

    def _move(self, secret: object, step_id: object, sources: tuple[str, ...], target: str,
              clear: bool = False) -> PollView:
        """The presenter moves a step's poll from one of `sources` to `target` (`clear`: its answers gone)."""
        _check_step(step_id)
        with self._lock:
            self._presenter(secret)
            poll = self._polls.get(step_id)
            if poll is None:
                raise Refused("no-poll")
            if poll.state not in sources:
                raise Refused("bad-state")
            if clear:
                poll.answers.clear()
            poll.state = target
            return self._changed(step_id, poll)

    def _changed(self, step_id: str, poll: _Poll) -> PollView:
        poll.version += 1
        return self._view(step_id, poll)

    # --- students ------------------------------------------------------------------------------

    def answer(self, session_id: object, step_id: object, choice: object) -> PollView:
        """Record (or change) this session's answer to the open poll of a step."""
        if not isinstance(session_id, str) or not 0 < len(session_id) <= MAX_SESSION_ID:
            raise Refused("bad-session")
        _check_step(step_id)
        if not isinstance(choice, int) or isinstance(choice, bool):
            raise Refused("bad-choice")
        with self._lock:
            if self.ended:
                raise Refused("unknown-room")
            poll = self._polls.get(step_id)
            if poll is None or poll.state != OPEN:
                raise Refused("not-open")
            if not 0 <= choice < poll.choices:
                raise Refused("bad-choice")
            if session_id not in poll.answers and len(poll.answers) >= self._max_answers:
                raise Refused("answer-cap")
            self._spend_token(session_id)
            if poll.answers.get(session_id) == choice:
                return self._view(step_id, poll)  # the same answer again changes nothing
            poll.answers[session_id] = choice
            self.last_activity = self._clock()
            return self._changed(step_id, poll)

    def _spend_token(self, session_id: str) -> None:
        """A token bucket per session: `burst` answers at once, then one per `refill` seconds."""
        now = self._clock()
        tokens, at = self._buckets.get(session_id, (float(self._burst), now))
        tokens = min(float(self._burst), tokens + (now - at) / self._refill)
        if tokens < 1:
            raise Refused("too-fast")
        if session_id not in self._buckets and len(self._buckets) >= 4 * self._max_answers:
            # Many sessions came and went: forget the full buckets (nothing to remember there).
            self._buckets = {s: b for s, b in self._buckets.items()
                             if b[0] + (now - b[1]) / self._refill < self._burst}
        self._buckets[session_id] = (tokens - 1, now)

    def my_answer(self, session_id: object, step_id: object) -> int | None:
        with self._lock:
            poll = self._polls.get(step_id) if isinstance(step_id, str) else None
            return None if poll is None or not isinstance(session_id, str) else poll.answers.get(session_id)

    # --- anyone --------------------------------------------------------------------------------

    def poll(self, step_id: object) -> PollView | None:
        """A snapshot of a step's poll, or None when the presenter never opened one there."""
        with self._lock:
            poll = self._polls.get(step_id) if isinstance(step_id, str) else None
            return None if poll is None else self._view(step_id, poll)

    @staticmethod
    def _view(step_id: str, poll: _Poll) -> PollView:
        counts = [0] * poll.choices
        for choice in poll.answers.values():
            counts[choice] += 1
        return PollView(step_id, poll.state, tuple(counts), poll.version)

    def _end(self) -> None:
        with self._lock:
            self.ended = True
            self._polls.clear()  # the session ids go with the room
            self._buckets.clear()


def _check_step(step_id: object) -> None:
    if not isinstance(step_id, str) or not STEP_PATTERN.fullmatch(step_id):
        raise Refused("bad-step")


class Rooms:
    """Every room of the server: at most `max_rooms`, each dropped after `idle_seconds` idle."""

    def __init__(self, *, max_rooms: int = 50, idle_seconds: float = 4 * 3600, max_polls: int = 64,
                 max_answers: int = 500, burst: int = 5, refill_seconds: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self.max_rooms, self.idle_seconds = max_rooms, idle_seconds
        self._room_limits = dict(max_polls=max_polls, max_answers=max_answers, burst=burst,
                                 refill_seconds=refill_seconds)

    def create(self) -> tuple[Room, str]:
        """A new room and its presenter's secret (shown to nobody: keep it in the presenter's session)."""
        with self._lock:
            self._drop_idle()
            if len(self._rooms) >= self.max_rooms:
                raise Refused("room-cap")
            code = _new_code()
            while code in self._rooms:
                code = _new_code()
            secret = secrets.token_urlsafe(24)  # 192 random bits, independent of the code
            room = Room(code, secret, clock=self._clock, **self._room_limits)
            self._rooms[code] = room
            return room, secret

    def get(self, code: object) -> Room:
        """The live room with this code (typed or linked: case and dashes do not matter)."""
        key = normalise_code(code)
        with self._lock:
            self._drop_idle()
            room = self._rooms.get(key) if key else None
        if room is None:
            raise Refused("unknown-room")
        return room

    def __len__(self) -> int:
        with self._lock:
            self._drop_idle()
            return len(self._rooms)

    def _drop_idle(self) -> None:
        """Under the registry lock: end and forget the rooms idle for too long."""
        limit = self._clock() - self.idle_seconds
        for code in [code for code, room in self._rooms.items() if room.last_activity < limit]:
            self._rooms.pop(code)._end()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
