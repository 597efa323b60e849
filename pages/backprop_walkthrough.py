"""Placeholder until this page's issue lands."""

import streamlit as st

st.title(st.session_state.get("_page_title", "Coming next"))
st.info("This page is coming next: it is being built in its own issue. The Quadratic regression page is ready.")
