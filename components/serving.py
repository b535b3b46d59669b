"""Which store this page serves: environment, secret, default or web address; the demo build;
a session's private copy once it uploaded; the empty state when there is nothing to serve."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from components import state
from components.text import escape_markdown
from storage import remote
from storage.layout import DEFAULT_STORE, STORE_ENV, current_generation, default_store
from storage.query import Store

# Deployment switch: uploads join the shared store for everyone (off: they stay in the session).
SHARED_INGEST_ENV = "COVERAGE_SHARED_INGEST"


def store_path() -> Path:
    """The store to serve: COVERAGE_STORE, else a `store` secret, else the project's default.

    Either may be a folder or a web address; an address is mirrored locally (storage.remote).
    """
    location = os.environ.get(STORE_ENV)
    if not location:
        try:
            location = st.secrets.get("store")
        except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
            location = None
    if not location:
        return default_store()
    return remote.mirror(str(location)) if remote.is_url(str(location)) else Path(location)


def ensure_store(path: Path) -> None:
    """Build the demo store from data/sample the first time the default store is served."""
    if current_generation(path) is not None or path != DEFAULT_STORE:
        return
    from storage.sample import SAMPLE_DIR, build_sample_store  # ingest code: only on a first run

    if SAMPLE_DIR.exists():
        with st.spinner("Building the demo corpus store (first run only)…"):
            build_sample_store(path)


def served_store(path: Path) -> Path:
    """This session's private store once it uploaded files, else the shared one."""
    private = state.session_store()
    return Path(private) if private and Path(private).exists() else path  # swept: the shared one


def generation(path: Path) -> str:
    """Name of the store's live generation: changes whenever an ingest lands."""
    current = current_generation(path)
    return current.name if current else ""


@st.cache_resource(show_spinner=False, max_entries=8)
def open_store(path: str, generation_name: str) -> Store:
    """One read-only handle per store generation, shared by every session."""
    return Store(Path(path))


def shared_ingest() -> bool:
    """Whether uploads join the shared store (a deployment setting, off by default)."""
    return os.environ.get(SHARED_INGEST_ENV, "").lower() in ("1", "true", "yes")


def no_store(error: Exception) -> None:
    """The empty state when there is no store to serve."""
    st.title("Diplomacy coverage", anchor=False)
    st.info(f"There is no corpus to show yet. {escape_markdown(error)}", icon=":material/inbox:")
