"""A store's folder: generations, the CURRENT pointer, the writer lock, the atomic swap, the schema.

Layout of a store folder:
    CURRENT                 name of the live generation, replaced atomically
    LOCK                    taken by the one writer at work
    gen-<version>/corpus.duckdb     copies, texts, mentions and the derived tables (loaders/fold.py)
    gen-<version>/fulltext.sqlite   FTS5 index over each distinct text (rowid = the text's seq)
The stories index lives in corpus.duckdb (storage/story_index.py), so it swaps with the rest.
Generations never change once written: readers open one, writers build the next one aside.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only a type here; `inspect` and the CLI start without duckdb
    import duckdb

# 3: articles name the copy they show (copy_key). 4: the full-text index stems (porter) and holds
# hyphenated words joined. 5: each mention keeps its evidence (the phrases that fired the tag).
# 6: stories (story_terms, story_texts grown at ingest; article_stories, stories derived);
#    copies and articles carry their language (the Language facet).
# 7: group_sources carries the article's idx, the key every outlet count joins on.
# 8: story_terms carries each text's day and is written in day order, so the texts around a day
#    are read without reading the archive (storage/story_index.py).
# A store of another version is refused: re-ingest, or from 7 on `python -m storage migrate`.
SCHEMA_VERSION = 8
# The store the app and the CLI use unless told otherwise (environment variable or --store).
STORE_ENV = "COVERAGE_STORE"
DEFAULT_STORE = Path(__file__).resolve().parents[1] / ".store" / "corpus"
# Generations kept after a swap, so a reader that just read CURRENT can still open its files.
KEEP_GENERATIONS = 2
DATABASE = "corpus.duckdb"
FULLTEXT = "fulltext.sqlite"
GENERATION_FILES = (DATABASE, FULLTEXT)


class StoreError(Exception):
    """A store that cannot be opened: missing, half-built, or from another schema version."""


def default_store() -> Path:
    """The store path from the environment, else the project's default."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def current_generation(store: Path) -> Path | None:
    """The live generation folder of a store, or None when nothing was ever written."""
    pointer = store / "CURRENT"
    if not pointer.exists():
        return None
    generation = store / pointer.read_text(encoding="utf-8").strip()
    return generation if (generation / DATABASE).exists() else None


@contextlib.contextmanager
def one_writer(store: Path) -> Iterator[None]:
    """Writers take turns: two ingests copying the same generation would each drop the other's
    articles. The OS releases the lock when a writer dies, so a killed ingest never blocks."""
    with open(store / "LOCK", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def copy_generation(source: Path, target: Path) -> None:
    """Copy one generation's files into target (created)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in GENERATION_FILES:
        shutil.copyfile(source / name, target / name)


@contextlib.contextmanager
def rewriting(store: Path) -> Iterator[Path]:
    """The live generation of an existing store, held under the writer lock (retag, migrate)."""
    if not store.exists():
        raise StoreError(f"no store at {store}: ingest files first")
    with one_writer(store):
        remove_crashed_builds(store)
        live = current_generation(store)
        if live is None:
            raise StoreError(f"no store at {store}: ingest files first")
        yield live


@contextlib.contextmanager
def building(store: Path, live: Path | None) -> Iterator[Path]:
    """A private folder for the store's next generation, holding a copy of live (if any); it is
    thrown away unless publish() made it the live one, so a failure leaves the store as it was."""
    folder = store / f".building-{uuid.uuid4().hex}"
    folder.mkdir()
    try:
        if live is not None:
            copy_generation(live, folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def publish(store: Path, folder: Path, name: str) -> None:
    """Make a complete building folder the store's live generation under name, then prune."""
    target = store / name
    if target.exists():
        shutil.rmtree(target)
    folder.rename(target)
    point_to(store, target.name)
    prune(store, keep=target.name)


def point_to(store: Path, name: str) -> None:
    """Replace CURRENT atomically and durably: readers see the old generation or the new, never half."""
    temporary = store / f".CURRENT-{uuid.uuid4().hex}"
    temporary.write_text(name, encoding="utf-8")
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, store / "CURRENT")


def remove_crashed_builds(store: Path) -> None:
    """Folders a killed or failed build left behind (the caller holds the writer lock)."""
    for leftover in store.glob(".building-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def prune(store: Path, keep: str) -> None:
    """Drop old generations beyond KEEP_GENERATIONS."""
    generations = sorted(store.glob("gen-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    old = [g for g in generations if g.name != keep][KEEP_GENERATIONS - 1 :]
    for generation in old:
        shutil.rmtree(generation, ignore_errors=True)


def check_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a database written by another schema version (a fresh, empty one passes)."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    row = rows[0] if rows else None
    if row is None or int(row[0]) != SCHEMA_VERSION:
        from storage.migrate import can_upgrade  # late: migrate builds on this module

        found = int(row[0]) if row else None
        upgradable = can_upgrade(found)
        remedy = "upgrade it with python -m storage migrate --store FOLDER" if upgradable else "re-ingest"
        raise StoreError(
            f"store schema version {found or 'none'}, this program reads {SCHEMA_VERSION}: {remedy}"
        )
