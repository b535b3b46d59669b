"""The embedded store: built aside and swapped in atomically, read fast, searched in full text.

Layout of a store folder:
    CURRENT                 name of the live generation, replaced atomically
    gen-<version>/corpus.duckdb     copies, texts, mentions and the derived tables (loaders/build.py)
    gen-<version>/fulltext.sqlite   FTS5 index over each distinct text (rowid = the text's seq)
An ingest copies the live generation aside, appends only what is new and swaps it in.
DuckDB answers the analytic queries (facets, timeline); SQLite FTS5 ships with Python and
answers words, phrases, OR and exclusion, where DuckDB's own fts extension cannot be installed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from loaders.schema import ENTITY_KINDS, enforce

if TYPE_CHECKING:  # the builder pulls in polars and the gazetteer: serving never loads it
    from loaders.build import Added

__all__ = ["SCHEMA_VERSION", "StoreError", "append_copies", "read_corpus", "write_store"]

# 3: articles name the copy they show (copy_key). A store of another version is refused: re-ingest.
SCHEMA_VERSION = 3
TAG_COLUMNS = ("countries", "countries_primary", "people", "organizations", "topics")
# The store the app and the CLI use unless told otherwise (environment variable or --store).
STORE_ENV = "COVERAGE_STORE"
DEFAULT_STORE = Path(__file__).resolve().parents[1] / ".store" / "corpus"
# Generations kept after a swap, so a reader that just read CURRENT can still open its files.
KEEP_GENERATIONS = 2
# Facet kinds: the entity kinds plus the publisher, which facets the same way.
FACET_KINDS = (*ENTITY_KINDS, "source")
# DuckDB may spill to disk beyond this while deriving tables: ingest memory stays bounded.
BUILD_MEMORY_LIMIT = os.environ.get("COVERAGE_BUILD_MEMORY", "4GB")
DATABASE = "corpus.duckdb"
FULLTEXT = "fulltext.sqlite"


class StoreError(Exception):
    """A store that cannot be opened: missing, half-built, or from another schema version."""


@dataclass
class Corpus:
    """A corpus in memory: every copy seen, the folded article table, the entity mentions."""

    copies: pd.DataFrame  # one row per distinct copy (file, row, source, url), with its tags
    articles: pd.DataFrame  # one row per distinct article, the schema of loaders/schema.py
    mentions: pd.DataFrame  # long form for every distinct text: article_id, kind, value, count


def default_store() -> Path:
    """The store path from the environment, else the project's default."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def current_generation(store: Path) -> Path | None:
    """The live generation folder of a store, or None when nothing was ever written."""
    pointer = store / "CURRENT"
    if not pointer.exists():
        return None
    generation = store / pointer.read_text(encoding="utf-8").strip()
    return generation if (generation / "corpus.duckdb").exists() else None


def write_store(corpus: Corpus, store: Path) -> str:
    """Add an in-memory corpus's copies to the store as a new generation; returns its version."""
    return append_copies(store, [corpus.copies])[0]


def append_copies(store: Path, batches: Iterable[pd.DataFrame]) -> tuple[str, Added]:
    """Append batches of copies (loaders.pipeline.copies_from_raw) as the store's next generation.

    The live generation is copied aside and grown there; CURRENT is swapped only once the new
    one is complete, so a failure or a kill at any point leaves the store as it was.
    Returns the version now live and what was added.
    """
    store.mkdir(parents=True, exist_ok=True)
    with _one_writer(store):
        return _append(store, batches)


@contextlib.contextmanager
def _one_writer(store: Path) -> Iterator[None]:
    """Writers take turns: two ingests copying the same generation would each drop the other's
    articles. The OS releases the lock when a writer dies, so a killed ingest never blocks."""
    with open(store / "LOCK", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _append(store: Path, batches: Iterable[pd.DataFrame]) -> tuple[str, Added]:
    _remove_crashed_builds(store)
    live = current_generation(store)
    building = store / f".building-{uuid.uuid4().hex}"
    building.mkdir()
    try:
        if live is not None:
            shutil.copyfile(live / DATABASE, building / DATABASE)
            shutil.copyfile(live / FULLTEXT, building / FULLTEXT)
        version, added = _grow(building, batches, fresh=live is None)
        if live is not None and added.copies == 0:
            return live.name.removeprefix("gen-"), added
        target = store / f"gen-{version}"
        if target.exists():
            shutil.rmtree(target)
        building.rename(target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _point_to(store, target.name)
    _prune(store, keep=target.name)
    return version, added


def _grow(folder: Path, batches: Iterable[pd.DataFrame], *, fresh: bool) -> tuple[str, Added]:
    """Append every batch inside folder and derive the page's tables."""
    from loaders.build import Builder, open_fulltext  # only writers need it (see TYPE_CHECKING above)

    (folder / "spill").mkdir()
    config = {"memory_limit": BUILD_MEMORY_LIMIT, "temp_directory": str(folder / "spill")}
    with (
        contextlib.closing(duckdb.connect(str(folder / DATABASE), config=config)) as con,
        contextlib.closing(open_fulltext(str(folder / FULLTEXT))) as fulltext,
    ):
        builder = Builder(con, fulltext)
        for batch in batches:
            builder.add(batch)
        if builder.added.copies == 0 and not fresh:
            return "", builder.added
        version = builder.finish()
        fulltext.commit()
        if fresh:  # one compact index to start with; later ingests leave merging to FTS5
            fulltext.execute("INSERT INTO fulltext(fulltext) VALUES ('optimize')")
            fulltext.commit()
        con.execute("CHECKPOINT")
    shutil.rmtree(folder / "spill", ignore_errors=True)
    return version, builder.added


def _point_to(store: Path, name: str) -> None:
    """Replace CURRENT atomically: readers see the old generation or the new, never half."""
    temporary = store / f".CURRENT-{uuid.uuid4().hex}"
    temporary.write_text(name, encoding="utf-8")
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, store / "CURRENT")


def _remove_crashed_builds(store: Path) -> None:
    """Folders a killed or failed build left behind (the caller holds the writer lock)."""
    for leftover in store.glob(".building-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _prune(store: Path, keep: str) -> None:
    """Drop old generations beyond KEEP_GENERATIONS."""
    generations = sorted(store.glob("gen-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    old = [g for g in generations if g.name != keep][KEEP_GENERATIONS - 1 :]
    for generation in old:
        shutil.rmtree(generation, ignore_errors=True)


@dataclass
class StoreInfo:
    """What a person checking a store wants to know."""

    version: str
    built_at: str
    articles: int
    copies: int


def read_corpus(store: Path) -> Corpus | None:
    """Everything a store holds, in memory; None for a store never written."""
    generation = current_generation(store)
    if generation is None:
        return None
    with contextlib.closing(duckdb.connect(str(generation / DATABASE), read_only=True)) as con:
        check_schema(con)
        return read_tables(con)


def read_tables(con: duckdb.DuckDBPyConnection) -> Corpus:
    """The corpus in a built database: copies with their tags, folded articles, mentions."""
    tags = ", ".join(f"t.{name}" for name in TAG_COLUMNS)
    copies = (
        con.sql(
            f"SELECT c.*, {tags}, i.duplicate_group FROM copies c"
            " JOIN texts t USING (article_id) JOIN text_index i USING (article_id) ORDER BY c.copy_key"
        )
        .to_arrow_table()
        .to_pandas()
    )
    mentions = con.sql("SELECT * FROM mentions ORDER BY article_id, kind, count DESC, value").df()
    articles = (
        con.sql(
            "SELECT a.* EXCLUDE (idx, weak_date, copy_key), c.body, c.captions FROM articles a"
            " JOIN copies c USING (copy_key) ORDER BY a.idx"
        )
        .to_arrow_table()
        .to_pandas()
    )
    for name in ("captions", *TAG_COLUMNS):
        copies[name] = copies[name].map(lambda v: list(v) if v is not None else [])
    copies["published"] = copies["published"].astype("datetime64[s]")
    return Corpus(copies=copies, articles=enforce(articles), mentions=mentions.astype({"count": "int64"}))


def check_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a database written by another schema version."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    row = rows[0] if rows else None
    if row is None or int(row[0]) != SCHEMA_VERSION:
        found = row[0] if row else "none"
        raise StoreError(f"store schema version {found}, this program reads {SCHEMA_VERSION}: re-ingest")
