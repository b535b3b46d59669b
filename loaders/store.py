"""The embedded store: built aside and swapped in atomically, read fast, searched in full text.

Layout of a store folder:
    CURRENT                 name of the live generation, replaced atomically
    gen-<version>/corpus.duckdb     articles, entities (long form), copies, mentions, meta
    gen-<version>/fulltext.sqlite   FTS5 index over title, body and captions (rowid = idx)
DuckDB answers the analytic queries (facets, timeline); SQLite FTS5 ships with Python and
answers words, phrases, OR and exclusion, where DuckDB's own fts extension cannot be installed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from loaders.pipeline import TAG_COLUMNS, Corpus, _empty_mentions
from loaders.schema import COLUMNS, ENTITY_KINDS, WEAK_DATE_SOURCES, enforce

SCHEMA_VERSION = 1
# The store the app and the CLI use unless told otherwise (environment variable or --store).
STORE_ENV = "COVERAGE_STORE"
DEFAULT_STORE = Path(__file__).resolve().parents[1] / ".store" / "corpus"
# Generations kept after a swap, so a reader that just read CURRENT can still open its files.
KEEP_GENERATIONS = 2
# Rows handed to SQLite per executemany call while building the full-text index.
FTS_BATCH = 5_000
# Facet kinds: the entity kinds plus the publisher, which facets the same way.
FACET_KINDS = (*ENTITY_KINDS, "source")

LIST = pa.list_(pa.string())
COPY_SCHEMA = pa.schema(
    [
        ("copy_key", pa.string()),
        ("article_id", pa.string()),
        ("title", pa.string()),
        ("body", pa.string()),
        ("captions", LIST),
        ("credit", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("published", pa.timestamp("s")),
        ("date_source", pa.string()),
        ("origin", pa.string()),
        ("ingested_at", pa.timestamp("s", tz="UTC")),
        *[(name, LIST) for name in TAG_COLUMNS],
        ("duplicate_group", pa.string()),
    ]
)


class StoreError(Exception):
    """A store that cannot be opened: missing, half-built, or from another schema version."""


def default_store() -> Path:
    """The store path from the environment, else the project's default."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def corpus_version(copies: pd.DataFrame) -> str:
    """A short content hash of the corpus: it changes when any copy is added."""
    digest = hashlib.blake2b(digest_size=6)
    for key in sorted(copies["copy_key"]):
        digest.update(key.encode("ascii"))
    return digest.hexdigest()


def current_generation(store: Path) -> Path | None:
    """The live generation folder of a store, or None when nothing was ever written."""
    pointer = store / "CURRENT"
    if not pointer.exists():
        return None
    generation = store / pointer.read_text(encoding="utf-8").strip()
    return generation if (generation / "corpus.duckdb").exists() else None


def write_store(corpus: Corpus, store: Path) -> str:
    """Write the corpus as the store's new generation and swap it in; returns its version."""
    store.mkdir(parents=True, exist_ok=True)
    version = corpus_version(corpus.copies)
    target = store / f"gen-{version}"
    _remove_crashed_builds(store)
    if current_generation(store) == target:
        return version
    building = store / f".building-{uuid.uuid4().hex}"
    building.mkdir()
    try:
        _build(corpus, building, version)
        if target.exists():
            shutil.rmtree(target)
        building.rename(target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _point_to(store, target.name)
    _prune(store, keep=target.name)
    return version


def _point_to(store: Path, name: str) -> None:
    """Replace CURRENT atomically: readers see the old generation or the new, never half."""
    temporary = store / f".CURRENT-{uuid.uuid4().hex}"
    temporary.write_text(name, encoding="utf-8")
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, store / "CURRENT")


def _remove_crashed_builds(store: Path) -> None:
    """Folders a killed or failed build left behind (one writer at a time is assumed)."""
    for leftover in store.glob(".building-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _prune(store: Path, keep: str) -> None:
    """Drop old generations beyond KEEP_GENERATIONS."""
    generations = sorted(store.glob("gen-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    old = [g for g in generations if g.name != keep][KEEP_GENERATIONS - 1 :]
    for generation in old:
        shutil.rmtree(generation, ignore_errors=True)


def _build(corpus: Corpus, folder: Path, version: str) -> None:
    """Write every table of one generation into folder."""
    articles = _ordered(corpus.articles)
    with contextlib.closing(duckdb.connect(str(folder / "corpus.duckdb"))) as con:
        con.register("copies_arrow", _copies_arrow(corpus.copies))
        con.execute("CREATE TABLE copies AS SELECT * FROM copies_arrow")
        con.register("mentions_df", corpus.mentions.astype({"count": "int64"}))
        con.execute("CREATE TABLE mentions AS SELECT * FROM mentions_df")
        con.register("articles_arrow", _articles_arrow(articles))
        con.execute(
            "CREATE TABLE articles AS SELECT *, date_source IN (SELECT unnest(?)) AS weak_date"
            " FROM articles_arrow ORDER BY idx",
            [list(WEAK_DATE_SOURCES)],
        )
        _write_entities(con, articles, corpus.mentions)
        _write_meta(con, version, len(articles), len(corpus.copies))
        con.execute("CHECKPOINT")
    _write_fulltext(folder / "fulltext.sqlite", articles)


def _ordered(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles newest first with a dense integer idx: the key every index shares."""
    ordered = articles.sort_values(
        ["published", "article_id"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)
    return ordered.assign(idx=range(len(ordered)))


def _copies_arrow(copies: pd.DataFrame) -> pa.Table:
    frame = copies.loc[:, COPY_SCHEMA.names].copy()
    for name in ("captions", *TAG_COLUMNS):
        frame[name] = frame[name].map(list)
    return pa.Table.from_pandas(frame, schema=COPY_SCHEMA, preserve_index=False)


def _articles_arrow(articles: pd.DataFrame) -> pa.Table:
    """The article table minus body and captions, which the store reads from copies."""
    keep = [c for c in COLUMNS if c not in ("body", "captions")]
    frame = articles.loc[:, ["idx", *keep]].copy()
    fields = [("idx", pa.int32())]
    for name in keep:
        fields.append((name, _arrow_type(name)))
    return pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)


def _arrow_type(name: str) -> pa.DataType:
    dtype = COLUMNS[name]
    if dtype == "object":
        return LIST
    if dtype == "int64":
        return pa.int64()
    if name == "published":
        return pa.timestamp("s")
    if name == "ingested_at":
        return pa.timestamp("s", tz="UTC")
    return pa.string()


def _write_entities(con: duckdb.DuckDBPyConnection, articles: pd.DataFrame, mentions: pd.DataFrame) -> None:
    """Long-form entity table with dictionary-coded values: facets become integer group-bys.

    Values of one kind get a contiguous id range, so "all countries" is a BETWEEN.
    """
    ids = articles[["idx", "article_id"]]
    rows = mentions.merge(ids, on="article_id")[["idx", "article_id", "kind", "value", "count"]]
    primary = articles[["idx", "countries_primary"]].explode("countries_primary").dropna()
    primary = set(zip(primary["idx"], primary["countries_primary"], strict=True))
    rows["is_primary"] = [
        kind == "country" and (i, v) in primary
        for i, kind, v in zip(rows["idx"], rows["kind"], rows["value"], strict=True)
    ]
    sources = articles.loc[articles["source"].notna(), ["idx", "article_id", "source"]]
    rows = pd.concat(
        [
            rows,
            sources.rename(columns={"source": "value"}).assign(kind="source", count=1, is_primary=False),
        ],
        ignore_index=True,
    )
    con.register("entity_rows", rows.astype({"idx": "int32", "count": "int32"}))
    con.execute(
        """
        CREATE TABLE entity_values AS
        SELECT (row_number() OVER (ORDER BY kind, value) - 1)::INTEGER AS value_id, kind, value,
               count(*) AS articles
        FROM entity_rows GROUP BY kind, value
        """
    )
    con.execute(
        """
        CREATE TABLE entities AS
        SELECT r.idx::INTEGER AS idx, v.value_id, r.count::INTEGER AS mentions, r.is_primary
        FROM entity_rows r JOIN entity_values v USING (kind, value)
        ORDER BY v.value_id, r.idx
        """
    )


def _write_meta(con: duckdb.DuckDBPyConnection, version: str, articles: int, copies: int) -> None:
    built = datetime.now(UTC).isoformat(timespec="seconds")
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "corpus_version": version,
        "built_at": built,
        "articles": str(articles),
        "copies": str(copies),
    }
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))


def _write_fulltext(path: Path, articles: pd.DataFrame) -> None:
    """Contentless FTS5 index (the text lives in DuckDB); rowid is the article idx."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(
            "CREATE VIRTUAL TABLE fulltext USING fts5("
            "title, body, captions, content='', tokenize='unicode61 remove_diacritics 2')"
        )
        rows = zip(
            articles["idx"].tolist(),
            articles["title"].tolist(),
            articles["body"].tolist(),
            articles["captions"].map("\n".join).tolist(),
            strict=True,
        )
        batch: list[tuple[int, str, str, str]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= FTS_BATCH:
                db.executemany("INSERT INTO fulltext(rowid, title, body, captions) VALUES (?,?,?,?)", batch)
                batch.clear()
        db.executemany("INSERT INTO fulltext(rowid, title, body, captions) VALUES (?,?,?,?)", batch)
        db.execute("INSERT INTO fulltext(fulltext) VALUES ('optimize')")
        db.commit()


@dataclass
class StoreInfo:
    """What a person checking a store wants to know."""

    version: str
    built_at: str
    articles: int
    copies: int


def read_corpus(store: Path) -> Corpus | None:
    """Everything a store holds, to fold new files into it; None for a store never written."""
    generation = current_generation(store)
    if generation is None:
        return None
    with contextlib.closing(duckdb.connect(str(generation / "corpus.duckdb"), read_only=True)) as con:
        _check_schema(con)
        copies = con.sql("SELECT * FROM copies").to_arrow_table().to_pandas()
        mentions = con.sql("SELECT * FROM mentions").df()
        article_rows = (
            con.sql(
                "SELECT a.* EXCLUDE (idx, weak_date), c.body, c.captions FROM articles a"
                " JOIN (SELECT DISTINCT ON (article_id) article_id, body, captions FROM copies) c"
                " USING (article_id) ORDER BY a.idx"
            )
            .to_arrow_table()
            .to_pandas()
        )
    for name in ("captions", *TAG_COLUMNS):
        copies[name] = copies[name].map(lambda v: list(v) if v is not None else [])
    if mentions.empty:
        mentions = _empty_mentions()
    copies["published"] = copies["published"].astype("datetime64[s]")
    return Corpus(copies=copies, articles=enforce(article_rows), mentions=mentions)


def _check_schema(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    row = rows[0] if rows else None
    if row is None or int(row[0]) != SCHEMA_VERSION:
        found = row[0] if row else "none"
        raise StoreError(f"store schema version {found}, this program reads {SCHEMA_VERSION}: re-ingest")
