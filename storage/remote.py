"""A store published over HTTP(S), e.g. by a scheduled ingest on shared storage: each app replica
mirrors the live generation into a local cache and serves the copy.

Generations never change once written, so a replica downloads each one once. Downloads run in a
background thread, one per published store, with an overall deadline and a size cap; a page never
waits on the network once a copy exists (a server that never answered used to hold every visitor
for 60 s each, one after another, behind one lock). A downloaded generation is opened and checked
before the local CURRENT pointer moves to it; a broken one is refused, remembered, and the last good
copy keeps serving, with a notice for the page.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.client import HTTPResponse
from pathlib import Path
from typing import BinaryIO

import duckdb

from storage.layout import DATABASE, FULLTEXT, StoreError, check_schema, current_generation, point_to

# How long a replica trusts its view of the remote CURRENT pointer.
MIRROR_TTL_SECONDS = 30.0
# Where mirrors live unless COVERAGE_MIRROR_DIR says otherwise.
MIRROR_ENV = "COVERAGE_MIRROR_DIR"
# A generation name as the store writes it; anything else from the network is refused.
GENERATION_NAME = re.compile(r"gen-[0-9a-z]{1,64}", re.ASCII)
# One refresh (CURRENT and both files) ends by this deadline, whatever the server does: a 3 GB
# generation at 10 MB/s takes 300 s. COVERAGE_MIRROR_DEADLINE overrides it (seconds).
DEADLINE_SECONDS = 900.0
DEADLINE_ENV = "COVERAGE_MIRROR_DEADLINE"
# No generation larger than this is written to the local disk. COVERAGE_MIRROR_MAX_BYTES overrides.
MAX_GENERATION_BYTES = 8 << 30
MAX_BYTES_ENV = "COVERAGE_MIRROR_MAX_BYTES"
# Longest silence of the server within one request (the deadline is checked between reads).
SOCKET_TIMEOUT_SECONDS = 10.0
# How long a page with no copy at all waits for the first download before its empty state.
FIRST_WAIT_SECONDS = 5.0
# Read in pieces, so a big store never sits in memory whole.
CHUNK_BYTES = 1 << 20
POINTER_BYTES = 1024


class Refused(StoreError):
    """A downloaded generation that failed its checks: never switched to, never fetched again."""


@dataclass
class _Mirror:
    """One published store's local copy and the state of its background refresh."""

    local: Path
    started: float = float("-inf")  # monotonic time the last refresh started
    worker: threading.Thread | None = None
    problem: str | None = None  # why the last refresh did not bring the live generation
    refused: dict[str, str] = field(default_factory=dict)  # generation name -> why


_mirrors: dict[tuple[str, Path], _Mirror] = {}
_lock = threading.Lock()  # guards _mirrors only; never held while the network is used
# Set at exit: a refresh still downloading gives up between pieces, so no thread holds a DuckDB
# handle while the interpreter shuts down (DuckDB prints "nanobind: leaked" lines for those).
_stopping = threading.Event()
# How long exit waits for running refreshes to give up (one piece of a read takes far less).
STOP_WAIT_SECONDS = 2.0


def stop_mirrors(wait: float = STOP_WAIT_SECONDS) -> None:
    """Ask every running refresh to give up, and wait up to `wait` seconds for them (at exit)."""
    _stopping.set()
    until = time.monotonic() + wait
    with _lock:
        workers = [state.worker for state in _mirrors.values() if state.worker is not None]
    for worker in workers:
        worker.join(max(until - time.monotonic(), 0.0))


atexit.register(stop_mirrors)


def is_url(location: str) -> bool:
    """Whether a store location is a web address rather than a folder."""
    return location.startswith(("http://", "https://"))


def mirror(
    url: str,
    cache: Path | None = None,
    ttl: float = MIRROR_TTL_SECONDS,
    wait: float | None = None,
) -> Path:
    """The local store folder mirroring the store published at url, returned without waiting on
    the network when a copy exists (wait: seconds to wait for the refresh; default 0 then, and
    FIRST_WAIT_SECONDS when there is no copy yet). Raises StoreError when there is no copy."""
    state = _state(url.rstrip("/"), cache or _cache_root())
    worker = _refresh_if_due(url.rstrip("/"), state, ttl)
    has_copy = current_generation(state.local) is not None
    if worker is not None:
        worker.join(wait if wait is not None else (0.0 if has_copy else FIRST_WAIT_SECONDS))
    if current_generation(state.local) is None:
        running = worker is not None and worker.is_alive()
        raise StoreError(state.problem or ("the store is still downloading" if running else "no store yet"))
    return state.local


def notice(url: str, cache: Path | None = None) -> str | None:
    """Why the page serves an older copy of the store at url (None: the copy is up to date)."""
    return _state(url.rstrip("/"), cache or _cache_root()).problem


def _cache_root() -> Path:
    return Path(os.environ.get(MIRROR_ENV) or Path(tempfile.gettempdir()) / "coverage-mirrors")


def _state(base: str, cache: Path) -> _Mirror:
    local = cache / hashlib.blake2b(base.encode("utf-8"), digest_size=8).hexdigest()
    with _lock:
        return _mirrors.setdefault((base, local), _Mirror(local))


def _refresh_if_due(base: str, state: _Mirror, ttl: float) -> threading.Thread | None:
    """Start a background refresh when none runs and the last one is older than ttl."""
    with _lock:
        if state.worker is not None and state.worker.is_alive():
            return state.worker
        if time.monotonic() - state.started < ttl or _stopping.is_set():
            return None
        state.started = time.monotonic()
        state.worker = threading.Thread(target=_refresh, args=(base, state), name="store-mirror", daemon=True)
        state.worker.start()
        return state.worker


def _refresh(base: str, state: _Mirror) -> None:
    """Bring the live generation of base into state.local, or say in state.problem why not."""
    until = time.monotonic() + float(os.environ.get(DEADLINE_ENV) or DEADLINE_SECONDS)
    name = ""
    try:
        name = _fetch_text(f"{base}/CURRENT", until).strip()
        if not GENERATION_NAME.fullmatch(name):
            raise StoreError("the store's CURRENT pointer does not name a store generation")
        if name in state.refused:
            state.problem = state.refused[name]
            return
        _bring(base, name, state.local, until)
        state.problem = None
    except Refused as refused:
        state.refused[name] = state.problem = str(refused)
    except StoreError as error:
        state.problem = str(error)
    except Exception as error:  # a background thread has no caller to raise to: the page says it
        state.problem = f"the store could not be mirrored ({type(error).__name__})"


def _bring(base: str, name: str, local: Path, until: float) -> None:
    target = local / name
    if not (target / DATABASE).exists():
        building = local / f".download-{uuid.uuid4().hex}"
        building.mkdir(parents=True)
        try:
            budget = int(os.environ.get(MAX_BYTES_ENV) or MAX_GENERATION_BYTES)
            for file in (DATABASE, FULLTEXT):
                budget -= _download(f"{base}/{name}/{file}", building / file, until, budget)
            check_generation(building)
            building.rename(target)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    point_to(local, name)
    # Generations replaced over an hour before this one: no session is still reading them.
    for old in local.glob("gen-*"):
        if old.name != name and old.stat().st_mtime < target.stat().st_mtime - 3600:
            shutil.rmtree(old, ignore_errors=True)


def check_generation(folder: Path) -> None:
    """Open a downloaded generation as the app will, read-only: the DuckDB file with its schema
    version, and the SQLite full-text index. Raises Refused saying what is wrong."""
    try:
        con = duckdb.connect(str(folder / DATABASE), read_only=True)
        try:
            check_schema(con)
            con.execute("SELECT count(*) FROM articles").fetchall()
        finally:
            con.close()
        uri = f"{(folder / FULLTEXT).as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            db.execute("SELECT count(*) FROM fulltext WHERE fulltext MATCH 'the'").fetchall()
    except StoreError as error:
        raise Refused(f"the store's newest generation was refused: {error}") from error
    except (duckdb.Error, sqlite3.Error, OSError) as error:
        part = "full-text index" if isinstance(error, sqlite3.Error) else "database"
        raise Refused(f"the store's newest generation was refused: its {part} does not open") from error


def _open(url: str, until: float) -> HTTPResponse:
    remaining = until - time.monotonic()
    if remaining <= 0:
        raise StoreError("the store's server did not finish in time")
    try:
        return urllib.request.urlopen(url, timeout=min(SOCKET_TIMEOUT_SECONDS, remaining))
    except OSError as error:
        raise StoreError(f"cannot reach the store at {url}: {error}") from error


def _fetch_text(url: str, until: float) -> str:
    with _open(url, until) as response:
        return _read(response, url, until, POINTER_BYTES, None).decode("utf-8", errors="replace")


def _download(url: str, path: Path, until: float, budget: int) -> int:
    """Write url to path; returns the bytes written. Ends by the deadline and within budget."""
    with _open(url, until) as response, path.open("wb") as out:
        declared = response.headers.get("Content-Length")
        if declared and declared.isascii() and declared.isdigit() and int(declared) > budget:
            raise Refused("the store's newest generation was refused: larger than the mirror's size cap")
        return _read(response, url, until, budget, out)


def _read(response: HTTPResponse, url: str, until: float, budget: int, out: BinaryIO | None) -> bytes | int:
    """Read a response in pieces, checking the deadline between pieces (read1 returns what one
    receive brought, so a server dripping a byte at a time cannot stretch a read past it)."""
    pieces, total = [], 0
    try:
        while chunk := response.read1(CHUNK_BYTES):
            total += len(chunk)
            if total > budget:
                if out is None:
                    break  # a pointer: the first POINTER_BYTES are all it can hold
                raise Refused("the store's newest generation was refused: larger than the mirror's size cap")
            if time.monotonic() > until:
                raise StoreError("the store's server did not finish in time")
            if _stopping.is_set():
                raise StoreError("the mirror stopped: this server is shutting down")
            if out is None:
                pieces.append(chunk)
            else:
                out.write(chunk)
    except OSError as error:
        raise StoreError(f"cannot download {url}: {error}") from error
    return total if out is not None else b"".join(pieces)[:budget]
