"""Session copies and leftovers of killed ingests: made with an owner, swept when nobody owns them."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

from storage import sessions
from storage.layout import current_generation
from storage.sessions import remove_copy, session_copy, sweep, sweep_builds


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_session_copy_holds_the_store_and_names_its_owner(tmp_path: Path, fixture_store: Path) -> None:
    copy = session_copy(fixture_store, "1f0c-aa", temp=tmp_path)
    assert copy.name.startswith(f"session-store-{os.getpid()}-1f0c-aa-")
    assert current_generation(copy) is not None
    remove_copy(copy)
    assert not copy.exists()


def test_remove_copy_never_deletes_another_folder(tmp_path: Path) -> None:
    other = tmp_path / "important"
    other.mkdir()
    remove_copy(other)
    assert other.exists()


def test_start_up_sweep_removes_what_dead_servers_left(tmp_path: Path) -> None:
    gone = dead_pid()
    left = [tmp_path / f"session-store-{gone}-s1-abc", tmp_path / f"coverage-upload-{gone}-xyz"]
    kept = [
        tmp_path / f"session-store-{os.getpid()}-s2-abc",  # this server's, session unknown to the sweep
        tmp_path / f"coverage-upload-{os.getpid()}-xyz",  # an upload this server is ingesting
        tmp_path / "upload-notours",  # another program's
        tmp_path / "session-store-fresh1",  # old naming, recent: may be in use
    ]
    old = tmp_path / "session-store-old12345"
    for folder in [*left, *kept, old]:
        folder.mkdir()
    (old / "CURRENT").write_text("gen-x")
    hour_ago = time.time() - 2 * sessions.UNOWNED_AGE_SECONDS
    os.utime(old, (hour_ago, hour_ago))
    removed = sweep(tmp_path)
    assert sorted(removed) == sorted([*left, old])
    assert all(folder.exists() for folder in kept)


def test_sweep_removes_copies_of_sessions_that_ended(tmp_path: Path, fixture_store: Path) -> None:
    ended = session_copy(fixture_store, "ended", temp=tmp_path)
    running = session_copy(fixture_store, "running", temp=tmp_path)
    assert sweep(tmp_path, alive=lambda session: session == "running") == [ended]
    assert running.exists() and not ended.exists()


def test_half_built_generations_are_swept_unless_a_writer_works(tmp_path: Path) -> None:
    store = tmp_path / "corpus"
    building = store / ".building-abc"
    building.mkdir(parents=True)
    (store / "LOCK").touch()
    with open(store / "LOCK", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert sweep_builds(store) is False
        assert building.exists()
    assert sweep_builds(store) is True
    assert not building.exists()
