"""Links to an article's original page: only plain http(s) addresses, opened in a new tab."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import streamlit as st

# Longer addresses are not links an outlet publishes; control characters and spaces never are.
MAX_URL_CHARS = 2_000
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\\\<>\"'`]")


def safe_url(value: object) -> str | None:
    """The address if it is an http or https link with a host, else None (javascript:, data:...)."""
    text = str(value or "").strip()
    if not text or len(text) > MAX_URL_CHARS or _UNSAFE.search(text):
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def original_link(value: object, key: str) -> None:
    """A button opening the original article in a new tab, when its address is safe."""
    url = safe_url(value)
    if url:
        st.link_button("Original article", url, icon=":material/open_in_new:", key=key)
