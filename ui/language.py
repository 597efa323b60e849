"""The reader's language: the link's `lang`, else the browser's, and a switch in the sidebar.

`use_language()` runs at the top of every script run (the entry point, and each page for the tests
that run a page alone): it decides the session's language once (`lang=ko|en` in the link, else
`st.context.locale`: Korean for ko*, English otherwise) and makes it the current one for every
message of this run (mlp_core/i18n.py). `language_ui()` draws the switch and keeps `lang` in the
link, so a shared link opens in the language it was shared in. Switching reruns the page in the
other language with every setting kept; the run store is keyed by the config alone, so nothing
trains again.
"""

from __future__ import annotations

import streamlit as st

from mlp_core.i18n import LANGUAGES, SOURCE_LANGUAGE, _, use

URL_KEY = "lang"
STATE_KEY = "lang"
# The lecture mode's link params (ui/lecture.py): kept in every link the pages rewrite, like the
# language, and never read as a page's setting. Their values for this session are in LINK_STATE.
LECTURE_KEYS = ("present", "step", "room")  # "room": a student link's lecture room (ui/room.py)
KEPT_KEYS = (URL_KEY, *LECTURE_KEYS)
LINK_STATE = "lecture.link"


def use_language() -> str:
    """The session's language, made current for this script run."""
    state = st.session_state
    if state.get(STATE_KEY) not in LANGUAGES:
        wanted = st.query_params.get(URL_KEY)
        state[STATE_KEY] = wanted if wanted in LANGUAGES else browser_language()
    use(state[STATE_KEY])
    return state[STATE_KEY]


def browser_language() -> str:
    """Korean for a browser that asks for ko, ko-KR, …; English otherwise (and outside a browser)."""
    try:
        locale = st.context.locale or ""
    except (AttributeError, RuntimeError):
        locale = ""
    return "ko" if locale.lower().startswith("ko") else SOURCE_LANGUAGE


def language_ui() -> None:
    """The language switch at the top of the sidebar; the link carries the choice."""
    # The radio's widget id includes the running script's hash, which differs between a first visit
    # (the browser knows no page hash yet) and every later run: the second run of a session gets a
    # new widget, which took its default (Korean) over an English reader's choice at the first click
    # of any control. Set through the Session State API, the key's value carries over to it.
    st.session_state[STATE_KEY] = st.session_state[STATE_KEY]
    # The label in the language being read (a screen reader says it; the options name themselves).
    st.sidebar.radio(_("Language"), list(LANGUAGES), key=STATE_KEY, format_func=LANGUAGES.get,
                     horizontal=True, label_visibility="collapsed")
    use(st.session_state[STATE_KEY])
    if st.query_params.get(URL_KEY) != st.session_state[STATE_KEY]:
        st.query_params[URL_KEY] = st.session_state[STATE_KEY]


def with_language(params: dict[str, str]) -> dict[str, str]:
    """A page's query params with the language kept (pages rewrite the link from their settings),
    and the lecture mode's `present` and `step` where this session has them (ui/lecture.py)."""
    language = st.session_state.get(STATE_KEY)
    kept = {**params, URL_KEY: language} if language in LANGUAGES else dict(params)
    return {**kept, **st.session_state.get(LINK_STATE, {})}
