"""Session copies of a store and what killed ingests leave behind: made, deleted, swept.

A session that uploads gets a private copy of the store (two generations: on a 261 MB store each
tiny upload left 522 MB in the temp folder for good). Each copy's folder names the server
process and the session that own it, `session-store-<pid>-<session>-<random>`, so a copy is
deleted when its session ends, and a sweep finds the copies of sessions that are gone and of
servers that died. Upload folders (`coverage-upload-<pid>-...`) and half-built generations (`.building-*`)
of killed ingests are swept the same way.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from storage.layout import copy_generation, current_generation, point_to, remove_crashed_builds

COPY_PREFIX = "session-store-"
UPLOAD_PREFIX = "coverage-upload-"
# A folder of the old naming (no owner in its name) is swept once it is this old.
UNOWNED_AGE_SECONDS = 3600
# Characters of a session id kept in a folder name (Streamlit's are UUIDs).
_SAFE = re.compile(r"[^A-Za-z0-9-]")
_OWNED = re.compile(r"^(?:session-store|coverage-upload)-(\d+)-(?:(.+)-)?[^-]+$")


def session_copy(base: Path, session: str, temp: Path | None = None) -> Path:
    """A new store in the temp folder holding what base holds, owned by this process and session."""
    prefix = f"{COPY_PREFIX}{os.getpid()}-{_SAFE.sub('', session)[:40]}-"
    private = Path(tempfile.mkdtemp(prefix=prefix, dir=temp))
    live = current_generation(base)
    if live is not None:
        # Generations never change once written: copying the files is the whole store.
        copy_generation(live, private / live.name)
        point_to(private, live.name)
    return private


def remove_copy(path: str | Path) -> None:
    """Delete one session copy (only a folder named like one: never anything else)."""
    path = Path(path)
    if path.name.startswith(COPY_PREFIX):
        shutil.rmtree(path, ignore_errors=True)


def sweep(temp: Path | None = None, alive: Callable[[str], bool] | None = None) -> list[Path]:
    """Delete session copies and upload folders nobody owns any more; returns what was deleted.

    Owned by a process that is gone: deleted. Owned by this process: deleted when `alive` (given)
    says its session ended. Of the old naming, without an owner: deleted once an hour old.
    """
    temp = Path(temp or tempfile.gettempdir())
    removed = []
    for folder in [*temp.glob(f"{COPY_PREFIX}*"), *temp.glob(f"{UPLOAD_PREFIX}*")]:
        if folder.is_dir() and _abandoned(folder, alive):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _abandoned(folder: Path, alive: Callable[[str], bool] | None) -> bool:
    """Whether nobody will use this folder again."""
    owned = _OWNED.match(folder.name)
    if owned is None:  # a copy of the old naming: a store folder (CURRENT) or an empty one
        looks_like_copy = folder.name.startswith(COPY_PREFIX) and _store_or_empty(folder)
        with contextlib.suppress(OSError):
            return looks_like_copy and time.time() - folder.stat().st_mtime > UNOWNED_AGE_SECONDS
        return False
    pid, session = int(owned[1]), owned[2]
    if pid != os.getpid():
        return not _running(pid)
    return bool(session) and folder.name.startswith(COPY_PREFIX) and alive is not None and not alive(session)


def _store_or_empty(folder: Path) -> bool:
    """Whether a folder holds a store (CURRENT) or nothing: never sweep what another program left."""
    return (folder / "CURRENT").exists() or not any(folder.iterdir())


def _running(pid: int) -> bool:
    """Whether a process with this id exists (a reused id keeps a folder a while longer: safe)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_builds(store: Path) -> bool:
    """Remove half-built generations a killed ingest left in store, unless a writer is at work.

    Returns whether the store was free to sweep (no writer held its lock)."""
    if not (store / "LOCK").exists():
        return True
    with open(store / "LOCK", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # an ingest is running: its .building folder is live
        try:
            remove_crashed_builds(store)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return True
