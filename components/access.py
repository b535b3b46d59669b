"""The sign-in gate: with [auth] configured only signed-in analysts see the page."""

from __future__ import annotations

import streamlit as st


def signed_in() -> bool:
    """With [auth] configured, only signed-in analysts see anything; without it, the page is open."""
    try:
        configured = "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        configured = False
    if not configured or st.user.is_logged_in:
        return True
    st.title("Diplomacy coverage", anchor=False)
    st.write("Sign in to browse the coverage.")
    st.button("Sign in", on_click=st.login, type="primary")
    return False
