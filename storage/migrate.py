"""Bring a store written by an earlier layout up to this program's: `python -m storage migrate`.

A layout change used to mean "re-ingest", which an analyst without the original files cannot do.
Each step here rewrites what one version changed, inside a copy of the live generation that is
swapped in only when complete (as ingest does), so a failure leaves the store as it was. The
corpus version is kept: the articles, tags and counts are the same, and shared links still open.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import duckdb

from storage.layout import (
    DATABASE,
    SCHEMA_VERSION,
    StoreError,
    building,
    publish,
    rewriting,
)


def _story_terms_by_day(con: duckdb.DuckDBPyConnection) -> None:
    """7 -> 8: story_terms carries its text's day and is kept in day order (what one ingest by
    schema 8's code writes for the same texts)."""
    con.execute(
        "CREATE TABLE story_terms_by_day AS SELECT s.day, t.seq, t.h FROM story_terms t"
        " LEFT JOIN story_texts s USING (seq) ORDER BY s.day NULLS LAST, t.seq"
    )
    con.execute("DROP TABLE story_terms")
    con.execute("ALTER TABLE story_terms_by_day RENAME TO story_terms")


# schema version -> the step that takes a database from it to the next version
STEPS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {7: _story_terms_by_day}


def schema_of(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version a database records, None when it records none."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else None


def can_upgrade(version: int | None) -> bool:
    """Whether the steps reach this program's layout from version."""
    while version is not None and version in STEPS:
        version += 1
    return version == SCHEMA_VERSION


def upgrade(con: duckdb.DuckDBPyConnection) -> int:
    """Run the steps from the database's version to this program's, in place; returns the
    version it was at. The caller works on a copy (ingest's building folder, or migrate's)."""
    found = schema_of(con)
    if found is None or not can_upgrade(found):
        raise StoreError(f"store schema version {found}, this program reads {SCHEMA_VERSION}: re-ingest")
    version = found
    while version != SCHEMA_VERSION:
        STEPS[version](con)
        version += 1
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    return found


def migrate(store: Path) -> tuple[int, int]:
    """Upgrade the store's live generation to this program's layout and swap it in; returns the
    (version before, version after). A store already current is left as it is."""
    with rewriting(store) as live:
        with contextlib.closing(duckdb.connect(str(live / DATABASE), read_only=True)) as con:
            before = schema_of(con)
        if before == SCHEMA_VERSION:
            return before, before
        if before is None or not can_upgrade(before):
            raise StoreError(
                f"store schema version {before} cannot be upgraded to {SCHEMA_VERSION}: re-ingest"
            )
        with building(store, live) as folder:
            with contextlib.closing(duckdb.connect(str(folder / DATABASE))) as con:
                upgrade(con)
                con.execute("CHECKPOINT")
            # The corpus version is unchanged, so the folder takes the layout's number too.
            publish(store, folder, f"{live.name}s{SCHEMA_VERSION}")
    return before, SCHEMA_VERSION
