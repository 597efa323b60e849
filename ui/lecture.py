"""Lecture mode: the presenter view and the lecture as a path of steps (lessons/lecture/path.py).

The entry point calls, once per script run:

    present = lecture_setup()          # before st.set_page_config: decides the sidebar's state
    ...
    lecture_ui(navigation.url_path)    # after st.navigation, before the page runs

- **Presenter view** (`present=1` in the link, or the sidebar's toggle): large type, taller charts
  and a larger network diagram (`scale()`, read by ui/charts.py and lessons/xor/diagram.py), the
  sidebar collapsed, and the few controls a step needs (`Step.controls`) drawn in the lecture bar
  above the charts instead of the sidebar (`front_controls`, read by ui/controls.py). The
  presenter's runs go ahead of every student's in the trainer queue (`presenter_session`).
- **The path** (on with presenter view, or with `step=<id>` in the link): a bar above the page with
  the step's title, narration and what to look at, Previous / Next, and a list to jump to any step.
  Moving to a step switches to its page with its preset applied (or, on the walkthrough, the
  lecture's inputs and a scroll to its section). The arrow keys Left/Right and Page Up/Down (what
  presentation clickers send) press Previous/Next, except while typing in a field or moving a
  slider. The step is in the link (`step=`); an id that is not a step gets a notice and the first step.

`present` and `step` are kept in every link the pages rewrite (ui/language.py, `with_language`).
"""

from __future__ import annotations

import threading
from contextlib import nullcontext

import streamlit as st

from typing import Any, Protocol, Sequence
from mlp_core.i18n import _, spoken_now

from . import room as rooms_ui  # (ui/room.py imports ui/charts.py, which imports this: read only in functions)
from .language import LINK_STATE, use_language
from .lecture_browser import PRESENTER_CSS, keys_script, scroll_to


class Step(Protocol):
    """One step of the path (lessons/lecture/path.py's `Step`; ui imports no lesson, so the entry point
    hands the steps to `lecture_setup`)."""

    id: str
    title: str
    narration: str
    page: str
    preset: str | None
    look_at: str
    section: str | None
    controls: tuple[str, ...]


class _Path:
    steps: tuple[Any, ...] = ()
    by_id: dict[str, Any] = {}
    questions: dict[str, Any] = {}  # step id -> the class poll's Question (lessons/lecture/questions.py)


_path = _Path()  # the lecture's steps, the same for every session (set by `lecture_setup`)

PRESENT_URL, STEP_URL, ROOM_URL = "present", "step", "room"  # "room": ui/room.py's ROOM_PARAM
PRESENT, PATH, STEP = "lecture.present", "lecture.path", "lecture.step"  # session state
READY, NOTICE, GO, SCROLL, CHOICE = "lecture._ready", "lecture._notice", "lecture._go", "lecture._scroll", "lecture.choice"
PREVIOUS_KEY, NEXT_KEY = "lecture_previous", "lecture_next"  # the buttons' st-key-<key> classes the keys press
PAGE_FILES = {"perceptron_xor": "pages/perceptron_xor.py", "backprop_walkthrough": "pages/backprop_walkthrough.py",
              "quadratic_regression": "pages/quadratic_regression.py"}
CONTROL_PAGES = {"perceptron_xor": "xor", "quadratic_regression": "quad"}  # PageControls.page of each page
FONT_SCALE, HEIGHT_SCALE = 1.6, 1.35  # presenter view: chart type and chart heights
MAX_ID_CHARS = 24
MIRROR = "lecture._kept."
OWN = "lecture._own"
FOLLOW, SEEN = "lecture.follow", "lecture._seen"  # a student's "follow the presenter", and what it last saw

# This script run's slot for the step's controls (see `front_controls`): a session's script runs
# on its own thread, and the slot is written by the entry point before the page reads it.
_front = threading.local()


def _script_context():
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True)


def presenter_session() -> bool:
    """Whether this session is the lecturer's: its runs go first in the trainer queue (ui/live.py).

    The session holds a lecture room's presenter secret (ui/room.py): presenter view opens a room,
    and a presenter link hands one to another tab. A student's link never carries the secret."""
    try:
        return rooms_ui.holds_room()
    except Exception:  # outside a script run (a benchmark, a thread): nobody presents
        return False


def presenter_view() -> bool:
    """Whether this session shows the presenter view (large type, taller charts, the bar's controls)."""
    try:
        return bool(st.session_state.get(PRESENT))
    except Exception:  # outside a script run
        return False


def scale() -> float:
    """How much larger chart and diagram type is drawn for this session (1 outside presenter view)."""
    return FONT_SCALE if presenter_view() else 1.0


def current_step() -> Step | None:
    """The step this session is at, or None when the lecture path is off."""
    state = st.session_state
    return _path.by_id.get(state.get(STEP)) if state.get(PATH) or state.get(PRESENT) else None


# --- setting up: the link, once per session --------------------------------------------------

def lecture_setup(steps: Sequence[Step], questions: dict[str, Any] | None = None) -> bool:
    """Read `present` and `step` from the link on the session's first run; True if presenting.

    `steps`: the lecture's path (lessons/lecture/path.py's STEPS); `questions`: the class poll's
    questions by step id (lessons/lecture/questions.py). Call before st.set_page_config (the sidebar
    starts collapsed in presenter view)."""
    if _path.steps != tuple(steps):
        _path.by_id = {step.id: step for step in steps}
        _path.steps = tuple(steps)
    _path.questions = dict(questions or {})
    state = st.session_state
    if not state.get(READY):
        state[READY] = True
        params = st.query_params
        state[PRESENT] = params.get(PRESENT_URL) == "1"
        wanted = params.get(STEP_URL)
        if wanted is not None and wanted in _path.by_id:
            state[STEP], state[PATH] = wanted, True
            # A link to a step opens it as the path shows it, unless it is a link to the step's page
            # with settings of its own (a student shares what they changed): those are kept.
            state[GO] = True
            state[OWN] = any(key not in ("lang", PRESENT_URL, STEP_URL, ROOM_URL) for key in params)
        elif wanted is not None:
            state[STEP], state[PATH] = _path.steps[0].id, True
            shown = wanted if len(wanted) <= MAX_ID_CHARS else wanted[:MAX_ID_CHARS] + "…"
            state[NOTICE] = repr(shown)  # quoted: an empty id reads '' (and is still a notice)
            state[GO] = True
        else:
            state[STEP] = _path.steps[0].id
        if state[PRESENT]:
            state[PATH] = True
    # Streamlit drops a widget's state after a run that did not draw it (a run cut short by a page
    # switch, say): the toggles' values are mirrored in keys of our own and restored from them.
    for key in (PRESENT, PATH):
        if key not in state:
            state[key] = bool(state.get(MIRROR + key))
    return bool(state[PRESENT])


def _turned_on() -> None:
    """The presenter toggle: presenter view brings the path with it."""
    if st.session_state.get(PRESENT):
        st.session_state[PATH] = True


def _path_turned() -> None:
    if st.session_state.get(PATH):
        st.session_state[GO] = True  # starting the path opens its step
    else:
        st.session_state[PRESENT] = False


def _move(offset: int) -> None:
    state = st.session_state
    index = _path.steps.index(_path.by_id.get(state.get(STEP), _path.steps[0]))
    state[STEP] = _path.steps[min(max(index + offset, 0), len(_path.steps) - 1)].id
    state[GO], state[NOTICE] = True, None


def _chosen() -> None:
    state = st.session_state
    if state.get(CHOICE) in _path.by_id:
        state[STEP], state[GO], state[NOTICE] = state[CHOICE], True, None


# --- drawing ------------------------------------------------------------------------------------

def lecture_ui(page: str) -> None:
    """The sidebar's switches, the link's `present`/`step`, and the lecture bar above page `page`."""
    state = st.session_state
    # The lecture room: presenter view opens one (its secret stays in this session, ui/room.py); a
    # student's link (?room=CODE) joins one and, unless told not to, follows the presenter's step.
    room = rooms_ui.presenter_room() if state.get(PRESENT) else None
    student = None if room is not None else rooms_ui.student_room()
    if student is not None and state.get(FOLLOW, True) and student.step in _path.by_id \
            and (student.step != state.get(STEP) or not state.get(PATH)):
        state[STEP], state[PATH], state[GO], state[NOTICE] = student.step, True, True, None
    with st.sidebar:
        st.toggle(_("Presenter view"), key=PRESENT, on_change=_turned_on,
                  help=_("Large type for a projector, the sidebar out of the way, and the lecture's steps "
                         "above the page. Keys: → or Page Down for the next step, ← or Page Up for the previous."))
        st.toggle(_("Lecture path"), key=PATH, on_change=_path_turned,
                  help=_("The lecture in order, step by step, each on its page with its preset."))
    state[MIRROR + PRESENT], state[MIRROR + PATH] = bool(state.get(PRESENT)), bool(state.get(PATH))
    if student is not None:
        st.sidebar.toggle(_("Follow the presenter"), value=True, key=FOLLOW,
                          help=_("Your screen moves to the step the lecturer shows."))
    step = current_step()
    link = {}
    if state.get(PRESENT):
        link[PRESENT_URL] = "1"
    if step is not None:
        link[STEP_URL] = step.id
    if student is not None:
        link[ROOM_URL] = student.code  # kept through the pages' own links, like the step
    state[LINK_STATE] = link
    if state.pop(OWN, False) and step is not None and page == step.page:
        state[GO] = False
    if step is not None and state.pop(GO, False):
        _open(step)  # switches page (or reruns this one): nothing below runs
    state.pop(GO, None)
    _keep_link(link)
    if state.get(PRESENT):
        st.html(PRESENTER_CSS)
    _front.slot = _front.fields = _front.context = None
    if room is not None and step is not None:
        rooms_ui.set_room_step(room, step.id)  # students following the room move with the presenter
    if student is not None and page:  # the home page (url path "") shows it itself (lessons/lecture/poll.py)
        _student_panel(student, step)
    watched = room if room is not None else student
    if step is not None:
        _bar(step, page, room, watched)
    question = _path.questions.get(step.id) if step is not None and page == step.page else None
    if question is not None and watched is not None and not _revealed(watched, question):
        # Predict, then reveal: the step's experiment shows once the presenter reveals the poll's answer
        # (the page below is not run: its charts would give the answer away).
        st.info(_("The experiment shows after the poll's reveal."), icon=":material/visibility_off:")
        st.stop()


def _keep_link(link: dict[str, str]) -> None:
    """The address bar carries `present` and `step` (and drops them when they are off), and a
    student's `room`."""
    if ROOM_URL in link and st.query_params.get(ROOM_URL) != link[ROOM_URL]:
        st.query_params[ROOM_URL] = link[ROOM_URL]
    for key in (PRESENT_URL, STEP_URL):
        if key in link and st.query_params.get(key) != link[key]:
            st.query_params[key] = link[key]
        elif key not in link and key in st.query_params:
            del st.query_params[key]


def _open(step: Step) -> None:
    """Go to the step's page with its preset (or the walkthrough's lecture inputs and its section)."""
    state = st.session_state
    params = {key: value for key, value in (("lang", state.get("lang")),) if value}
    params.update(state[LINK_STATE])
    if step.preset is not None:
        params["preset"] = step.preset
        state[f"{CONTROL_PAGES[step.page]}._ready"] = False  # the page's controls are seeded from the link again
    if step.section is not None:  # the walkthrough's sections
        for key in [key for key in state if key.startswith("bp_")]:
            del state[key]  # the walkthrough starts again from the lecture's values (lessons/backprop/state.py)
        state[SCROLL] = step.section
    st.switch_page(PAGE_FILES[step.page], query_params=params)


def _revealed(room, question) -> bool:
    view = room.poll(question.id)
    return view is not None and view.state == rooms_ui.REVEALED


def _show_now(room, question) -> None:
    """The presenter skips the poll: it opens and reveals at once (the students' pages show too)."""
    secret = st.session_state.get(rooms_ui.SECRET_KEY)
    try:
        view = room.poll(question.id)
        if view is None or view.state in (rooms_ui.READY,):
            room.open_poll(secret, question.id, len(question.choices))
        room.reveal(secret, question.id)
    except rooms_ui.Refused as refusal:
        st.session_state[rooms_ui.MESSAGE_KEY] = refusal.message


def _room_panel(room, step: Step, index: int) -> None:
    """The presenter's room in the bar: how students join (open at the first step), and the step's poll."""
    with st.expander(_("Students join: room {code}", code=room.code), icon=":material/qr_code_2:",
                     expanded=index == 0, key=f"lecture_join_{index == 0}"):
        join, more = st.columns([3, 2])
        with join:
            rooms_ui.join_panel(room)
        with more:
            st.caption(_("The link carries only the room code. Your screen holds the room's key: only this "
                         "tab can open, close and reveal its polls."))
            rooms_ui.presenter_link_ui(room)
    question = _path.questions.get(step.id)
    if question is None:
        return
    with st.container(border=True, key="lecture_poll"):
        st.markdown(_("**Class poll** — the class predicts, then you reveal."))
        rooms_ui.presenter_poll(room, question, rerun_on_reveal=not _revealed(room, question), side_by_side=True)
        if not _revealed(room, question):
            st.button(_("Show the experiment without a poll"), key=f"lecture_skip_{step.id}", on_click=_show_now,
                      args=(room, question), icon=":material/skip_next:")


def _student_panel(room, step: Step | None) -> None:
    """A student's device: the poll of the step shown, read every few seconds; the whole page runs
    again when the presenter moves to another step or reveals (then the experiment shows)."""
    state = st.session_state

    @st.fragment(run_every=rooms_ui.FOLLOW_SECONDS)
    def follow() -> None:
        use_language()  # a fragment's own reruns skip the page's top, where the language is set
        if room.ended:
            st.error(rooms_ui.Refused("unknown-room").message)
            return
        # The step of the page's own run (a fragment's rerun may not carry the sidebar's widget states).
        question = _path.questions.get(step.id) if step is not None else None
        now = (room.step if state.get(FOLLOW, True) else None, question is not None and _revealed(room, question))
        if state.get(SEEN) not in (None, now):
            state[SEEN] = now
            st.rerun()  # the page follows the presenter, or shows the revealed experiment
        state[SEEN] = now
        with st.container(border=True, key="lecture_student_poll"):
            st.markdown(_("**Room {code}** · the lecture's class poll", code=room.code))
            if question is None:
                st.caption(_("No question at this step: follow the lecture on the big screen."))
            else:
                rooms_ui.student_poll(room, question)

    follow()


def _bar(step: Step, page: str, room=None, watched=None) -> None:
    """The lecture bar; `room`: the room this session presents; `watched`: that room, or a student's."""
    state = st.session_state
    index = _path.steps.index(step)
    with st.container(border=True, key="lecture_bar"):
        if state.get(NOTICE):
            st.warning(_("The link's step {step} is not a step of the lecture; starting at the first step.",
                         step=f"`{state[NOTICE].replace('`', '')}`"), icon=":material/link_off:")
        heading, previous, choice, following = st.columns([5, 2, 4, 2], vertical_alignment="center")
        heading.markdown(f"### {_('Step {n} of {total}', n=index + 1, total=len(_path.steps))} · {_(step.title)}")
        previous.button(_("Previous"), key=PREVIOUS_KEY, icon=":material/arrow_back:", on_click=_move, args=(-1,),
                        disabled=index == 0, width="stretch")
        state[CHOICE] = step.id
        choice.selectbox(_("Jump to a step"), [s.id for s in _path.steps], key=CHOICE, on_change=_chosen,
                         format_func=spoken_now(_step_label), label_visibility="collapsed")
        following.button(_("Next"), key=NEXT_KEY, icon=":material/arrow_forward:", on_click=_move, args=(1,),
                         disabled=index == len(_path.steps) - 1, width="stretch", type="primary")
        if page != step.page:
            st.info(_("This step is shown on another page."), icon=":material/info:")
            st.button(_("Open this step"), key="lecture_open", on_click=_reopen)
        controls = state.get(PRESENT) and step.controls and page == step.page
        # Presenter view: the narration and the step's controls on the left, what to look at on the
        # right, so that the bar stays short and the charts start on the first screen.
        story, side = st.columns([3, 2], gap="large") if controls else (st.container(), st.container())
        question = _path.questions.get(step.id)
        if question is not None and watched is not None and not _revealed(watched, question):
            # The narration tells what happens: at a poll it waits for the reveal, as the experiment does.
            story.markdown(_("The class predicts first: the narration and the experiment follow the reveal."))
        else:
            story.markdown(_(step.narration))
            side.markdown(_("**Look at:** {what}", what=_(step.look_at)))
        if room is not None:
            _room_panel(room, step, index)
        if controls:
            # The architecture is three widgets (depth, width, widths box): a column of its own, as wide as three.
            weights = [3 if name == "hidden_widths" else 1 for name in step.controls]
            columns = story.container(key="lecture_controls").columns(weights + [1] * max(0, 3 - sum(weights)))
            _front.slot, _front.fields = dict(zip(step.controls, columns)), step.controls
            _front.context = _script_context()
    keys_script(NEXT_KEY, PREVIOUS_KEY)
    section = state.pop(SCROLL, None)
    if section and page == step.page:
        scroll_to(section, state.get(STEP))


def _step_label(step_id: str) -> str:
    return f"{_path.steps.index(_path.by_id[step_id]) + 1}. {_(_path.by_id[step_id].title)}"


def _reopen() -> None:
    st.session_state[GO] = True


def front_controls(page: str):
    """({field: column}, fields) where presenter view draws a step's controls above the charts, or
    (None, ()) — ui/controls.py asks for the page `page` (a PageControls.page)."""
    step, slot = current_step(), getattr(_front, "slot", None)
    if slot is None or step is None or CONTROL_PAGES.get(step.page) != page or _front.context is not _script_context():
        return None, ()
    return slot, tuple(_front.fields)


def control_area(page: str, name: str):
    """The context a config field's widget is drawn in: the lecture bar's slot for a step's controls
    in presenter view, else where the page put it (the sidebar)."""
    slots, fields = front_controls(page)
    return slots[name] if slots is not None and name in fields else nullcontext()
