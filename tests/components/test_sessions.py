"""A session's private store goes when the session goes."""

from __future__ import annotations

import gc
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components import sessions
from storage.sessions import session_copy


def test_the_copy_is_deleted_when_its_owner_is_dropped(tmp_path: Path, fixture_store: Path) -> None:
    copy = session_copy(fixture_store, "s1", temp=tmp_path)
    owner = sessions._CopyOwner(copy)
    assert copy.exists()
    del owner
    gc.collect()
    assert not copy.exists()


def owning_app(copy: str) -> None:
    """A page that ties a private store to its session, as the upload panel does."""
    from pathlib import Path

    from components import sessions, state

    state.set_session_store(copy)
    sessions.own_copy(Path(copy))


def test_the_copy_is_deleted_when_the_session_ends(tmp_path: Path, fixture_store: Path) -> None:
    copy = session_copy(fixture_store, "s2", temp=tmp_path)
    at = AppTest.from_function(owning_app, args=(str(copy),), default_timeout=30).run()
    assert not at.exception
    assert copy.exists()  # the session is still there
    del at
    gc.collect()
    assert not copy.exists()


def test_outside_a_server_every_session_counts_as_connected() -> None:
    assert sessions.connected("any")() is True
    assert sessions.known("any") is True


def uploading_app(base: str) -> None:
    """A page that ingests one upload as the upload panel does, and shows the report."""
    from pathlib import Path

    import streamlit as st

    from components import state
    from components.upload import ingest_uploads

    csv = b'title,body,date\n"Port talks in Aqaba","Jordanian officials met shippers.",2024-02-02\n'
    target, report = ingest_uploads([("port.csv", csv)], Path(base), lambda *_: None)
    st.write(f"{report.parsed} {report.new_copies} {target == Path(state.session_store())}")
    st.session_state["copy"] = str(target)


def test_an_uploading_session_gets_a_copy_that_goes_with_it(fixture_store: Path) -> None:
    at = AppTest.from_function(uploading_app, args=(str(fixture_store),), default_timeout=120).run()
    assert not at.exception, at.exception
    assert at.markdown[0].value == "1 1 True"
    copy = Path(at.session_state["copy"])
    assert copy.exists() and copy != fixture_store
    del at
    gc.collect()
    assert not copy.exists()
