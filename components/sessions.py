"""This session: its id, whether its browser is still there, and the lifetime of its private store.

A session's private store is deleted when the session ends: an owner object held in the
session's state deletes it when Streamlit drops that state (weakref.finalize). A sweep backs it
up: once per server process at start (copies, upload folders and half-built generations that
dead servers and killed ingests left), then at most once a minute for sessions the runtime no
longer knows.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components import state
from storage.sessions import remove_copy, sweep, sweep_builds

# How often a rerun may look for copies of sessions that ended (a glob of the temp folder).
SWEEP_EVERY_SECONDS = 60.0
_last_sweep = [0.0]


def session_id() -> str:
    """This session's id ("" outside a Streamlit run)."""
    context = get_script_run_ctx()
    return context.session_id if context else ""


def connected(session: str) -> Callable[[], bool]:
    """A check that the session's browser is still connected: an ingest stops when it is not."""
    if not session or not Runtime.exists():
        return lambda: True  # AppTest or a bare script: nobody closes a browser
    runtime = Runtime.instance()
    return lambda: runtime.is_active_session(session)


def known(session: str) -> bool:
    """Whether the runtime still holds the session (connected, or waiting for a reconnect)."""
    if not Runtime.exists():
        return True
    runtime = Runtime.instance()
    if runtime.is_active_session(session):
        return True
    # A disconnected session waits about two minutes for its browser to come back; only the
    # session manager knows (no public API), and its copy must live until then.
    manager = getattr(runtime, "_session_mgr", None)
    try:
        return manager is not None and manager.get_session_info(session) is not None
    except Exception:  # another Streamlit's internals: keep the copy rather than guess
        return True


class _CopyOwner:
    """Held in the session's state: when Streamlit drops the state, the copy goes with it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        weakref.finalize(self, remove_copy, str(path))


def own_copy(path: Path) -> None:
    """Tie the private store at path to this session's lifetime."""
    state.set_session_copy(_CopyOwner(path))


@st.cache_resource(show_spinner=False)
def _start_up_sweep(store: str) -> bool:
    """Once per server process: what dead servers and killed ingests left behind."""
    sweep()
    return sweep_builds(Path(store))


def sweep_leftovers(store: Path) -> None:
    """Start-up sweep on the first call, then copies of ended sessions at most once a minute."""
    _start_up_sweep(str(store))
    now = time.monotonic()
    if now - _last_sweep[0] >= SWEEP_EVERY_SECONDS:
        _last_sweep[0] = now
        sweep(alive=known)
