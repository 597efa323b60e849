"""The class poll on the home page: a student link (?room=CODE) opens there and shows the room's poll
of the presenter's step; otherwise a "Class poll" section lets a lecturer open a room, show the QR
code and run the questions of lessons/lecture/questions.py one by one, without the lecture path. (On
the other pages the lecture bar, ui/lecture.py, shows the same pieces: a student's poll above the
page, and the presenter's at each step with a question.)"""

from __future__ import annotations

import streamlit as st

from mlp_core.i18n import _, spoken_now
from ui.room import (follow_room, holds_room, join_panel, presenter_link_ui, presenter_poll, presenter_room,
                     set_room_step, student_room)

from .questions import QUESTIONS

PRESENT_KEY = "poll_present"
QUESTION_KEY = "poll_question"


def class_poll_ui() -> None:
    """A student's poll (with ?room=CODE), else the presenter's section, folded until opened."""
    room = student_room()
    if room is not None:
        with st.container(border=True):
            st.subheader(_("Class poll"))
            follow_room(room, QUESTIONS)
        return
    if holds_room() and PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = True  # a presenter link opened in this tab: the section opens
    with st.expander(_("Class poll: the class predicts, then you reveal"), icon=":material/how_to_vote:",
                     expanded=bool(st.session_state.get(PRESENT_KEY))):
        if not st.toggle(_("Open a room for this lecture"), key=PRESENT_KEY):
            st.caption(_("Students join with their phones from a QR code; they answer each question, "
                         "you see the tally live and reveal the answer. No names are kept."))
            return
        room = presenter_room()
        if room is None:
            return
        join, poll = st.columns(2, gap="large")
        with join:
            join_panel(room)
            presenter_link_ui(room)
        with poll:
            step = st.selectbox(_("Question"), list(QUESTIONS), key=QUESTION_KEY,
                                format_func=spoken_now(lambda step_id: _(QUESTIONS[step_id].prompt)))
            set_room_step(room, step)
            presenter_poll(room, QUESTIONS[step])
