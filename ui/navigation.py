"""Keep every page under the entry point's navigation, even on a fresh server's first visit."""

from __future__ import annotations

import streamlit as st

from .language import use_language


def ensure_entrypoint() -> None:
    """Rerun through streamlit_app.py if Streamlit started this page in its legacy pages/ mode.

    Streamlit runs a fresh server in the legacy "pages/ directory" mode until some session has
    executed `st.navigation`. A student whose first click is a shared deep link (say
    /quadratic_regression on a cold Community Cloud app) would get the page without the entry
    point: no wide layout, file names in the sidebar. Switching the flag and rerunning sends the
    same page (same url path, so the same page hash) through `streamlit_app.py` instead.
    Uses Streamlit's PagesManager flag, the one `st.navigation` itself sets.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    use_language()  # the entry point decided it; a page run alone (AppTest) decides it here
