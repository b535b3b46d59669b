"""A store published over HTTP(S), e.g. by a scheduled ingest on shared storage: each app replica
mirrors the live generation into a local cache and serves the copy.

Generations never change once written, so a replica downloads each one once; it asks for the
CURRENT pointer again at most every MIRROR_TTL_SECONDS and swaps its own pointer atomically, the
same way a local ingest does.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from storage.layout import DATABASE, FULLTEXT, StoreError

# How long a replica trusts its view of the remote CURRENT pointer.
MIRROR_TTL_SECONDS = 30.0
# Where mirrors live unless COVERAGE_MIRROR_DIR says otherwise.
MIRROR_ENV = "COVERAGE_MIRROR_DIR"
# A generation name as the store writes it; anything else from the network is refused.
GENERATION_NAME = re.compile(r"gen-[0-9a-z]{1,64}")
# Seconds to wait for the remote server before giving up on one request.
TIMEOUT_SECONDS = 60.0
# Read in pieces, so a big store never sits in memory whole.
CHUNK_BYTES = 1 << 20

_checked: dict[str, tuple[float, Path]] = {}
_lock = threading.Lock()


def is_url(location: str) -> bool:
    """Whether a store location is a web address rather than a folder."""
    return location.startswith(("http://", "https://"))


def mirror(url: str, cache: Path | None = None, ttl: float = MIRROR_TTL_SECONDS) -> Path:
    """A local store folder holding the live generation of the store published at url."""
    with _lock:  # sessions run in threads: one download per generation, not one per session
        seen = _checked.get(url)
        if seen and time.monotonic() - seen[0] < ttl:
            return seen[1]
        local = _mirror(url.rstrip("/"), cache or _cache_root())
        _checked[url] = (time.monotonic(), local)
        return local


def _cache_root() -> Path:
    return Path(os.environ.get(MIRROR_ENV) or Path(tempfile.gettempdir()) / "coverage-mirrors")


def _mirror(base: str, cache: Path) -> Path:
    local = cache / hashlib.blake2b(base.encode("utf-8"), digest_size=8).hexdigest()
    try:
        name = _fetch_text(f"{base}/CURRENT").strip()
    except StoreError:
        if (local / "CURRENT").exists():  # the server is away: keep serving what was mirrored
            return local
        raise
    if not GENERATION_NAME.fullmatch(name):
        raise StoreError(f"{base}/CURRENT does not name a store generation")
    target = local / name
    if not (target / DATABASE).exists():
        building = local / f".download-{uuid.uuid4().hex}"
        building.mkdir(parents=True)
        try:
            for file in (DATABASE, FULLTEXT):
                _download(f"{base}/{name}/{file}", building / file)
            building.rename(target)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    pointer = local / f".CURRENT-{uuid.uuid4().hex}"
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, local / "CURRENT")
    # Generations replaced over an hour before this one: no session is still reading them.
    for old in local.glob("gen-*"):
        if old.name != name and old.stat().st_mtime < target.stat().st_mtime - 3600:
            shutil.rmtree(old, ignore_errors=True)
    return local


def _fetch_text(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return response.read(1024).decode("utf-8", errors="replace")
    except OSError as error:
        raise StoreError(f"cannot reach the store at {url}: {error}") from error


def _download(url: str, path: Path) -> None:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response, path.open("wb") as out:
            while chunk := response.read(CHUNK_BYTES):
                out.write(chunk)
    except OSError as error:
        raise StoreError(f"cannot download {url}: {error}") from error
