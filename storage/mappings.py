"""The analyst's saved column mappings, kept beside the store: tomorrow's export loads the same way.

One small JSON file in the store folder, `mappings.json`: header shape (loaders/formats/shape.py)
-> field -> column ("" means no column holds the field). It is replaced atomically (a temporary
file, fsync, rename), so a reader sees the old file or the new one, never half; a damaged or
foreign file counts as no saved mappings rather than stopping an ingest.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from loaders.formats.shape import fingerprint

MAPPINGS_FILE = "mappings.json"
LOCK_FILE = ".mappings.lock"  # two sessions saving at once must not drop each other's choice
# Shapes kept: an analyst maps a few tools' exports, not thousands; the oldest go first.
MAX_SHAPES = 500


def saved_mappings(store: Path) -> dict[str, dict[str, str]]:
    """Every saved mapping of the store, by header shape (empty when there are none)."""
    try:
        data = json.loads((Path(store) / MAPPINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        shape: {str(f): str(c) for f, c in mapping.items()}
        for shape, mapping in data.items()
        if isinstance(mapping, dict)
    }


def remember(store: Path, columns: Iterable[str], mapping: dict[str, str]) -> str:
    """Save the mapping for tables with these columns; returns the header shape it is saved under."""
    shape = fingerprint(columns)
    if not shape:
        return ""
    with _one_saver(Path(store)):
        saved = saved_mappings(store)
        saved.pop(shape, None)  # re-inserted last: the most recent choice is the last to be dropped
        saved[shape] = dict(mapping)
        _write(Path(store), dict(list(saved.items())[-MAX_SHAPES:]))
    return shape


def forget(store: Path, columns: Iterable[str]) -> None:
    """Drop the saved mapping for tables with these columns (back to guessing)."""
    with _one_saver(Path(store)):
        saved = saved_mappings(store)
        if saved.pop(fingerprint(columns), None) is not None:
            _write(Path(store), saved)


@contextlib.contextmanager
def _one_saver(store: Path) -> Iterator[None]:
    store.mkdir(parents=True, exist_ok=True)
    with open(store / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(store: Path, saved: dict[str, dict[str, str]]) -> None:
    temporary = store / f".{MAPPINGS_FILE}-{uuid.uuid4().hex}"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(saved, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, store / MAPPINGS_FILE)
    finally:
        temporary.unlink(missing_ok=True)
