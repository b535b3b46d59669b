"""Which store this page serves: environment, secret, default or web address; the demo build;
a session's private copy once it uploaded; the empty state when there is nothing to serve."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from components import state
from components.redact import no_server_paths
from components.text import escape_markdown
from storage import remote
from storage.layout import DEFAULT_STORE, STORE_ENV, StoreError, current_generation, default_store
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
    if not remote.is_url(str(location)):
        return Path(location)
    local = remote.mirror(str(location))  # never waits on the network once a copy exists
    if problem := remote.notice(str(location)):
        st.warning(
            f"Showing the last good copy of the corpus: {escape_markdown(no_server_paths(problem))}.",
            icon=":material/cloud_off:",
        )
    return local


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
    return Store(Path(path), Path(path) / generation_name)


# Generations this process found unreadable, with the reason: never opened again (an older one
# serves); a generation never changes once written, so it cannot heal.
_broken: dict[str, str] = {}


def open_served(path: Path) -> tuple[Store, str | None]:
    """The newest readable generation of the store, and why the live one is not served (if not)."""
    live = current_generation(path)
    older = sorted((g for g in path.glob("gen-*") if g != live), key=_built, reverse=True)
    for candidate in [g for g in (live, *older) if g is not None]:
        if str(candidate) in _broken:
            continue
        try:
            store = open_store(str(path), candidate.name)
        except StoreError as error:
            _broken[str(candidate)] = str(error)
            continue
        return store, (None if candidate == live else _broken.get(str(live)))
    raise StoreError(_broken.get(str(live), f"no readable store at {path}"))


def _built(generation: Path) -> float:
    try:
        return generation.stat().st_mtime
    except OSError:  # pruned meanwhile
        return 0.0


def refuse(store: Store, error: StoreError) -> None:
    """A generation that failed a question: the next run serves an older one."""
    if store.generation is not None:
        _broken[str(store.generation)] = str(error)


def older_copy_notice(reason: str) -> None:
    """Say that the page shows the last good generation, and why the newest is not shown."""
    st.warning(
        f"The newest version of the corpus cannot be read ({escape_markdown(no_server_paths(reason))});"
        " showing the last good version until it is fixed.",
        icon=":material/history:",
    )


def shared_ingest() -> bool:
    """Whether uploads join the shared store (a deployment setting, off by default)."""
    return os.environ.get(SHARED_INGEST_ENV, "").lower() in ("1", "true", "yes")


def no_store(error: Exception) -> None:
    """The empty state when there is no store to serve."""
    st.title("Diplomacy coverage", anchor=False)
    st.info(
        f"There is no corpus to show yet. {escape_markdown(no_server_paths(error))}", icon=":material/inbox:"
    )
