"""Grow a store by one generation: copy the live one aside, fold new copies in, index, swap.

The folding itself (tables, tags, near copies, the article table) is loaders/fold.py; this module
adds what makes it a store: the full-text index beside the database, the schema version, the
writer lock and the atomic swap (storage/layout.py). DuckDB answers the analytic questions;
SQLite FTS5 ships with Python and answers words, phrases, OR and exclusion.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl

from loaders.fold import Added, Builder, Corpus, read_tables
from storage import story_index
from storage.layout import (
    DATABASE,
    FULLTEXT,
    SCHEMA_VERSION,
    StoreError,
    building,
    check_schema,
    current_generation,
    one_writer,
    publish,
    remove_crashed_builds,
)
from storage.migrate import upgrade
from storage.search import joined_words_of

__all__ = [
    "Added",
    "StoreBuilder",
    "StoreError",
    "append_copies",
    "open_fulltext",
    "read_corpus",
    "write_store",
]

# DuckDB may spill to disk beyond this while deriving tables: ingest memory stays bounded.
BUILD_MEMORY_LIMIT = os.environ.get("COVERAGE_BUILD_MEMORY", "4GB")
# Rows handed to SQLite per executemany call while filling the full-text index.
FTS_BATCH = 5_000


def open_fulltext(path: str) -> sqlite3.Connection:
    """The contentless FTS5 index (the text lives in DuckDB); rowid is a text's seq. porter stems
    (hostages finds hostage); `joined` holds each hyphenated word once more, joined (ceasefire
    finds cease-fire)."""
    db = sqlite3.connect(path)
    # A build writes into a private folder that is thrown away on failure: no journal needed.
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS fulltext USING fts5("
        "title, body, captions, joined, content='', tokenize='porter unicode61 remove_diacritics 2')"
    )
    return db


class StoreBuilder(Builder):
    """The fold, plus every new distinct text written to the full-text index."""

    def __init__(self, con: duckdb.DuckDBPyConnection, fulltext: sqlite3.Connection) -> None:
        tables = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        if ("meta",) in tables:  # growing a generation an earlier layout wrote: upgraded first
            upgrade(con)
        super().__init__(con)
        self.fulltext = fulltext
        # Copies are only appended: rows from here on are this ingest's (the story steps read them).
        self.copies_before = con.execute("SELECT count(*) FROM copies").fetchall()[0][0]
        self.texts_before = con.execute("SELECT count(*) FROM texts").fetchall()[0][0]

    def index_texts(
        self, seqs: list[int], titles: list[str], bodies: list[str], captions: list[list[str]]
    ) -> None:
        texts = ["\n".join(c) for c in captions]
        whole = pl.Series([f"{t}\n{b}\n{c}" for t, b, c in zip(titles, bodies, texts, strict=True)])
        joined = joined_words_of(whole).to_list()
        rows = list(zip(seqs, titles, bodies, texts, joined, strict=True))
        for start in range(0, len(rows), FTS_BATCH):
            self.fulltext.executemany(
                "INSERT INTO fulltext(rowid, title, body, captions, joined) VALUES (?,?,?,?,?)",
                rows[start : start + FTS_BATCH],
            )
        story_index.add_texts(self.con, seqs, titles, bodies)

    def finish(self, meta: dict[str, str] | None = None) -> str:
        meta = {"schema_version": str(SCHEMA_VERSION), "story_terms": story_index.TERM_HASH, **(meta or {})}
        version = super().finish(meta)
        # New texts join stories; the archive is not clustered again, and only the stories the
        # new copies touched are counted again.
        story_index.grow(self.con, self.copies_before)
        story_index.derive_stories(self.con, self.copies_before, self.texts_before)
        return version


def write_store(corpus: Corpus, store: Path) -> str:
    """Add an in-memory corpus's copies to the store as a new generation; returns its version."""
    return append_copies(store, [corpus.copies])[0]


def append_copies(store: Path, batches: Iterable[pd.DataFrame]) -> tuple[str, Added]:
    """Append batches of copies (loaders.normalize.copies_from_raw) as the store's next generation.

    The live generation is copied aside and grown there; CURRENT is swapped only once the new
    one is complete, so a failure or a kill at any point leaves the store as it was.
    Returns the version now live and what was added.
    """
    store.mkdir(parents=True, exist_ok=True)
    with one_writer(store):
        return _append(store, batches)


def _append(store: Path, batches: Iterable[pd.DataFrame]) -> tuple[str, Added]:
    remove_crashed_builds(store)
    live = current_generation(store)
    with building(store, live) as folder:
        version, added = _grow(folder, batches, fresh=live is None)
        if live is not None and added.copies == 0:
            return version, added
        publish(store, folder, f"gen-{version}")
    return version, added


def _grow(folder: Path, batches: Iterable[pd.DataFrame], *, fresh: bool) -> tuple[str, Added]:
    """Append every batch inside folder and derive the page's tables."""
    (folder / "spill").mkdir()
    config = {"memory_limit": BUILD_MEMORY_LIMIT, "temp_directory": str(folder / "spill")}
    with (
        contextlib.closing(duckdb.connect(str(folder / DATABASE), config=config)) as con,
        contextlib.closing(open_fulltext(str(folder / FULLTEXT))) as fulltext,
    ):
        builder = StoreBuilder(con, fulltext)
        for batch in batches:
            builder.add(batch)
        if builder.added.copies == 0 and not fresh:  # nothing new: the live version stands
            return con.execute("SELECT value FROM meta WHERE key = 'corpus_version'").fetchall()[0][
                0
            ], builder.added
        version = builder.finish()
        seal(con, fulltext, fresh=fresh)
    shutil.rmtree(folder / "spill", ignore_errors=True)
    return version, builder.added


def seal(con: duckdb.DuckDBPyConnection, fulltext: sqlite3.Connection, *, fresh: bool) -> None:
    """Make the generation's files complete on disk: the index committed, DuckDB checkpointed."""
    fulltext.commit()
    if fresh:  # one compact index to start with; later ingests leave merging to FTS5
        fulltext.execute("INSERT INTO fulltext(fulltext) VALUES ('optimize')")
        fulltext.commit()
    con.execute("CHECKPOINT")


def read_corpus(store: Path) -> Corpus | None:
    """Everything a store holds, in memory; None for a store never written."""
    generation = current_generation(store)
    if generation is None:
        return None
    with contextlib.closing(duckdb.connect(str(generation / DATABASE), read_only=True)) as con:
        check_schema(con)
        return read_tables(con)
