"""The lecture room on screen: the presenter's room and secret, the join panel (QR code and short
link), and the class poll's two screens (the presenter's live tally, the student's answer buttons).

The rooms themselves are mlp_core/rooms.py's, one registry per server process (`get_rooms`). The
presenter's secret lives only in the presenter's `st.session_state`: never in the student link,
the QR code, the page or the address bar (both are projected). A presenter who wants the room in
another tab downloads a presenter link (a file, never shown) and opens it: its secret is taken
from the URL once and removed from the address bar at once (`st.query_params`).

Both poll screens are fragments: the presenter's redraws its tally every `TALLY_SECONDS` and a
student's reads the room every `FOLLOW_SECONDS`, without re-running the page (or its training).
The questions come from the caller (lessons/lecture/questions.py): ui/ knows no lesson.

    room = presenter_room()                  # the presenter's session (lecture mode): its room
    join_panel(room)                         # QR code, short link, room code
    set_room_step(room, step_id)             # the presenter's step: students follow it
    presenter_poll(room, QUESTIONS[step_id]) # where the step has a question
    room = student_room()                    # a student link (?room=CODE), or None
    follow_room(room, QUESTIONS)             # the poll of the presenter's current step
    holds_room()                             # this session presents a room
"""

from __future__ import annotations

import secrets
from typing import Mapping

import pandas as pd
import streamlit as st

from mlp_core.i18n import _, ngettext
from mlp_core.rooms import CLOSED, OPEN, READY, REVEALED, Question, Refused, Room, Rooms

from . import charts, theme
from .language import use_language

ROOM_PARAM = "room"  # the student link: ?room=CODE, nothing else
PRESENTER_PARAM = "presenter"  # a presenter link's secret: taken once, removed from the address bar
CODE_KEY, SECRET_KEY, SESSION_KEY = "room_code", "room_secret", "poll_session"
MESSAGE_KEY = "poll_message"  # a refusal to show on the next draw of the poll
STEP_SEEN_KEY = "room_step_seen"
TALLY_SECONDS = 0.8  # the presenter's tally timer: with the run's own time, a redraw at least once a second
FOLLOW_SECONDS = 1.5  # a student's device: the room's step and poll (50 of them: ~33 small reruns a second)
QR_PIXELS = 360  # the QR code's width: a ~33-module code gets ~11 px a module on a 1280 px projector
LETTERS = "ABCDEFGH"
RIGHT, OTHER = "#16a34a", theme.NETWORK


@st.cache_resource(show_spinner=False)
def get_rooms() -> Rooms:
    """The server's rooms, shared by every session (sessions are threads of this one process)."""
    return Rooms()


# --- the presenter's room -------------------------------------------------------------------------

def presenter_room(create: bool = True) -> Room | None:
    """The room this session presents: a link's presenter secret is taken over first, then the room
    this session holds; else (with `create`) a new room. None where none can be had (shown why)."""
    _take_secret_from_url()
    state, rooms = st.session_state, get_rooms()
    code, secret = state.get(CODE_KEY), state.get(SECRET_KEY)
    if code and secret:
        try:
            room = rooms.get(code)
            room.touch(secret)
            return room
        except Refused:
            state.pop(CODE_KEY, None), state.pop(SECRET_KEY, None)
            if create:
                st.info(_("Your last room ended after hours without activity; here is a new one."))
    if not create:
        return None
    try:
        room, secret = rooms.create()
    except Refused as refusal:
        st.error(refusal.message)
        return None
    state[CODE_KEY], state[SECRET_KEY] = room.code, secret
    return room


def _take_secret_from_url() -> None:
    """A presenter link (?room=CODE&presenter=SECRET) opened in this tab: the session takes the room,
    and both are removed from the address bar before anything is drawn."""
    secret = st.query_params.get(PRESENTER_PARAM)
    if secret is None:
        return
    code = st.query_params.get(ROOM_PARAM)
    del st.query_params[PRESENTER_PARAM]
    if ROOM_PARAM in st.query_params:
        del st.query_params[ROOM_PARAM]  # the presenter is no student of their own room
    try:
        room = get_rooms().get(code)
        if not room.is_presenter(secret):
            raise Refused("not-presenter")
        room.touch(secret)
    except Refused as refusal:
        st.error(refusal.message)
        return
    st.session_state[CODE_KEY], st.session_state[SECRET_KEY] = room.code, secret


def holds_room() -> bool:
    """Whether this session has taken or opened a room as its presenter."""
    return bool(st.session_state.get(CODE_KEY) and st.session_state.get(SECRET_KEY))


def is_presenter(room: Room) -> bool:
    """Whether this session holds the room's secret."""
    state = st.session_state
    return state.get(CODE_KEY) == room.code and room.is_presenter(state.get(SECRET_KEY))


def set_room_step(room: Room, step_id: str) -> None:
    """The presenter moved to `step_id`: every student following the room moves too."""
    if is_presenter(room) and room.step != step_id:
        room.set_step(st.session_state[SECRET_KEY], step_id)


def presenter_link_ui(room: Room) -> None:
    """The presenter link as a file to download, for another tab or device: never shown on screen."""
    if not is_presenter(room):
        return
    link = f"{app_url()}/?{ROOM_PARAM}={room.code}&{PRESENTER_PARAM}={st.session_state[SECRET_KEY]}"
    st.download_button(_("Presenter link (a file: keep it private)"), link, file_name=f"presenter-{room.code}.txt",
                       mime="text/plain", key=f"presenter_link_{room.code}", icon=":material/key:")


# --- students --------------------------------------------------------------------------------------

def student_room() -> Room | None:
    """The room of a student link (?room=CODE), or None: no code, or a bad or ended one (said so).
    A presenter link (?room=CODE&presenter=SECRET) is no student's: the session takes the room."""
    _take_secret_from_url()
    code = st.query_params.get(ROOM_PARAM)
    if code is None:
        return None
    try:
        return get_rooms().get(code)
    except Refused as refusal:
        st.error(refusal.message)
        return None


def session_id() -> str:
    """This session's opaque key for its answers (random; nothing about the student)."""
    return st.session_state.setdefault(SESSION_KEY, secrets.token_urlsafe(12))


# --- joining ---------------------------------------------------------------------------------------

def app_url() -> str:
    """The app's address as the browser has it, without the page's path or query."""
    url = None
    try:
        url = st.context.url
        from streamlit.runtime.context_util import maybe_trim_page_path
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        if url and ctx is not None:
            url = maybe_trim_page_path(url, ctx.pages_manager)
    except (AttributeError, ImportError, RuntimeError):
        pass
    if not url:  # no browser (AppTest): the Host header, else Streamlit's default address
        host = (st.context.headers or {}).get("Host") if hasattr(st.context, "headers") else None
        url = f"http://{host or 'localhost:8501'}"
    return url.rstrip("/")


def student_link(room: Room) -> str:
    """The short link a student opens: the app's address and the room code, nothing else."""
    return f"{app_url()}/?{ROOM_PARAM}={room.code}"


def qr_svg(link: str) -> str:
    """The link as a QR code in SVG (segno): error correction M, a 4-module quiet zone."""
    import segno

    return segno.make(link, error="m", micro=False).svg_inline(scale=10, border=4, dark=theme.INK, light="#ffffff")


def join_panel(room: Room) -> None:
    """The QR code and the short link, big enough to scan and type from the back of the hall."""
    link = student_link(room)
    st.image(qr_svg(link), width=QR_PIXELS)
    st.markdown(_("Scan the code or open **{link}**", link=link))
    st.markdown(_("### Room code: `{code}`", code=room.code))


# --- the poll --------------------------------------------------------------------------------------

def _choices_md(question: Question, right: int | None = None) -> str:
    lines = []
    for index, choice in enumerate(question.choices):
        mark = " ✓" if index == right else ""
        lines.append(f"- **{LETTERS[index]}**. {_(choice)}{mark}")
    return "\n".join(lines)


def _status(view) -> str:
    state = view.state if view else READY
    if state == READY:
        return _("The poll is not open yet.")
    count = ngettext("{n} answer", "{n} answers", view.total, n=view.total)
    return {OPEN: _("The poll is open: {count} so far.", count=count),
            CLOSED: _("The poll is closed: {count}.", count=count),
            REVEALED: _("Revealed: {count}.", count=count)}[state]


def tally_spec(question: Question, counts: tuple[int, ...]) -> dict:
    """A horizontal bar per choice (its letter, its count at the bar's end); the right one green
    once revealed. A plain Vega-Lite dict (built every second: no Altair validation, ~0.1 s a
    chart), its scales fixed here so that no count, zero included, collapses them."""
    size = theme.FONT_SIZE + 6  # read from the back of the hall
    letters = list(LETTERS[:len(question.choices)])
    top = max(1, *counts)
    return {
        "data": {"name": "tally"},
        "height": {"step": 60},  # a band per choice (a fixed total height shrank in the fragment redraws)
        "encoding": {
            "y": {"field": "letter", "type": "nominal", "title": None, "scale": {"domain": letters},
                  "axis": {"labelFontSize": size, "labelFontWeight": "bold", "ticks": False, "domain": False,
                           "labelPadding": 8}},
            "x": {"field": "count", "type": "quantitative", "title": _("Answers"),
                  "scale": {"domain": [0, top * 1.15]},
                  "axis": {"tickMinStep": 1, "format": "d", "labelFontSize": theme.FONT_SIZE,
                           "titleFontSize": theme.FONT_SIZE, "values": _ticks(top)}},
        },
        "layer": [
            {"mark": {"type": "bar", "cornerRadiusEnd": 4, "height": {"band": 0.7}},
             "encoding": {"color": {"condition": {"test": "datum.right", "value": RIGHT}, "value": OTHER}}},
            {"mark": {"type": "text", "align": "left", "dx": 8, "fontSize": size, "fontWeight": "bold",
                      "color": theme.INK},
             "encoding": {"text": {"field": "count", "type": "quantitative"}}},
        ],
        "config": {"view": {"strokeWidth": 0}},
    }


def _ticks(top: int) -> list[int]:
    step = max(1, -(-top // 5))  # at most ~6 whole-number ticks
    return list(range(0, top + 1, step))


def tally_frame(question: Question, counts: tuple[int, ...], revealed: bool) -> pd.DataFrame:
    return pd.DataFrame({"letter": list(LETTERS[:len(question.choices)]), "count": list(counts),
                         "right": [revealed and index == question.answer for index in range(len(counts))]})


def _act(room: Room, action: str, question: Question) -> None:
    """A presenter's button (a callback: it runs before the fragment draws the new state)."""
    secret = st.session_state.get(SECRET_KEY)
    try:
        if action == "open":
            room.open_poll(secret, question.id, len(question.choices))
        else:
            {"close": room.close_poll, "reveal": room.reveal, "reset": room.reset}[action](secret, question.id)
    except Refused as refusal:
        st.session_state[MESSAGE_KEY] = refusal.message


def presenter_poll(room: Room, question: Question, rerun_on_reveal: bool = False, side_by_side: bool = False) -> None:
    """The poll of `question` (at step `question.id`) on the presenter's screen: open, close, reveal
    and reset, and the tally live. Only the session holding the room's secret gets the buttons.
    `rerun_on_reveal`: the whole page runs again at the reveal (the lecture path shows the experiment);
    `side_by_side`: the question and its buttons beside the tally (a wide screen's lecture bar)."""
    if not is_presenter(room):
        st.error(Refused("not-presenter").message)
        return

    @st.fragment(run_every=TALLY_SECONDS)
    def live() -> None:
        use_language()  # a fragment's own reruns skip the page's top, where the language is set
        try:
            room.touch(st.session_state.get(SECRET_KEY))  # a presenter on screen keeps the room alive
        except Refused as refusal:  # it ended (hours idle): the page's next run opens a new one
            st.error(refusal.message)
            return
        view = room.poll(question.id)
        state = view.state if view else READY
        revealed = state == REVEALED
        ask, tally = st.columns([3, 2], gap="large") if side_by_side else (st.container(), st.container())
        with ask:
            _presenter_controls(room, question, view, state, revealed)
        with tally:
            counts = view.counts if view else (0,) * len(question.choices)
            charts.render(st, tally_spec(question, counts), tally=tally_frame(question, counts, revealed))
        if revealed:
            if rerun_on_reveal:
                st.rerun()  # scope "app": the page below the poll runs now
            _reveal_text(question)

    live()


def _presenter_controls(room: Room, question: Question, view, state: str, revealed: bool) -> None:
    st.markdown(f"#### {_(question.prompt)}")
    st.markdown(_choices_md(question, question.answer if revealed else None))
    buttons = ((_("Open the poll"), "open", state in (READY, CLOSED)),
               (_("Close"), "close", state == OPEN),
               (_("Reveal"), "reveal", state in (OPEN, CLOSED)),
               (_("Clear the answers"), "reset", view is not None and (state != READY or view.total > 0)))
    columns = [*st.columns(2), *st.columns(2)]  # two by two: four in a row broke their labels at 1280 px
    for column, (label, action, enabled) in zip(columns, buttons):
        column.button(label, key=f"poll_{action}_{question.id}", disabled=not enabled, width="stretch",
                      type="primary" if action in ("open", "reveal") else "secondary",
                      on_click=_act, args=(room, action, question))
    if message := st.session_state.pop(MESSAGE_KEY, None):
        st.warning(message)
    st.markdown(f"**{_status(view)}**")


def _reveal_text(question: Question) -> None:
    right = f"{LETTERS[question.answer]}. {_(question.choices[question.answer])}"
    st.success(_("Right answer: {choice}", choice=right))
    st.info(_(question.explanation))


def _answer(room: Room, question: Question, index: int) -> None:
    try:
        room.answer(session_id(), question.id, index)
    except Refused as refusal:
        st.session_state[MESSAGE_KEY] = refusal.message


def student_poll(room: Room, question: Question) -> None:
    """The poll of `question` on a student's device: one button per choice while it is open (the
    answer can change until the reveal), a confirmation, and the right answer once revealed."""
    view = room.poll(question.id)
    state = view.state if view else READY
    mine = room.my_answer(session_id(), question.id)
    st.markdown(f"#### {_(question.prompt)}")
    for index, choice in enumerate(question.choices):
        st.button(f"{LETTERS[index]}. {_(choice)}", key=f"answer_{question.id}_{index}", width="stretch",
                  type="primary" if mine == index else "secondary", disabled=state != OPEN,
                  on_click=_answer, args=(room, question, index))
    if message := st.session_state.pop(MESSAGE_KEY, None):
        st.warning(message)
    chosen = None if mine is None else LETTERS[mine]
    if state == READY:
        st.info(_("Wait for the presenter to open the poll."))
    elif state == OPEN:
        if chosen is None:
            st.info(_("The poll is open: tap your answer."))
        else:
            st.success(_("Your answer: {letter}. You can change it until the reveal.", letter=chosen))
    elif state == CLOSED:
        st.info(_("The poll is closed; the answer comes soon.") +
                ("" if chosen is None else " " + _("Your answer: {letter}.", letter=chosen)))
    else:
        _reveal_text(question)
        if chosen is not None:
            st.markdown(_("You answered **{letter}**: right!", letter=chosen) if mine == question.answer
                        else _("You answered **{letter}**.", letter=chosen))


def follow_room(room: Room, questions: Mapping[str, Question]) -> None:
    """A student's view of the room: the poll of the presenter's current step, read every
    `FOLLOW_SECONDS`. When the presenter moves to another step, the whole page reruns once, so that
    a page following `room.step` can show that step."""

    @st.fragment(run_every=FOLLOW_SECONDS)
    def follow() -> None:
        use_language()  # a fragment's own reruns skip the page's top, where the language is set
        if room.ended:
            st.error(Refused("unknown-room").message)
            return
        step, state = room.step, st.session_state
        if STEP_SEEN_KEY in state and state[STEP_SEEN_KEY] != step:
            state[STEP_SEEN_KEY] = step
            st.rerun()  # the page follows the presenter (the lecture path reads room.step)
        state[STEP_SEEN_KEY] = step
        question = questions.get(step) if step else None
        if question is None:
            st.info(_("No question at this step: follow the lecture on the big screen."))
        else:
            student_poll(room, question)

    follow()
