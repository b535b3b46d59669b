"""Fold copies into articles in a DuckDB database: append batches, then derive the article table.

One definition of folding for both `load_articles` (an in-memory database) and the store
(storage/build.py adds the full-text index and the store's files around it). Ingest appends
what is new (copies, distinct texts with their tags, entity mentions, evidence sentences) and
never rewrites what a store already holds. The folded article
table, the near-copy groups and the facet index are derived afterwards in SQL over the whole
corpus: DuckDB does that out of core, so memory follows the batch, not the archive.

Tables (DuckDB):
    copies      one row per distinct copy (file row, source, url) with its text and date
    texts       one row per distinct text: seq (its full-text rowid), tags, word count
    mentions    long-form entity mentions per text: article_id, kind, value, count, evidence
    sentences   (seq, h): hashes of each text's evidence sentences, for near-copy grouping
  derived by finish():
    article_values per article, its facet value ids (and its primary countries apart)
    articles      one row per folded article, newest first, idx dense from 0
    text_index    seq -> article_id, duplicate_group, idx of the article its group folded into
    entity_values, entities   dictionary-coded facet index; meta
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa

from loaders import dedup
from loaders.entities import tag_articles
from loaders.schema import COLUMNS, KINDS, WEAK_DATE_SOURCES, enforce, tag_columns, validate

TAG_COLUMNS = tag_columns()

# The hash of evidence sentences is polars' own: a store remembers which polars made it.
SENTENCE_HASH = f"polars-{pl.__version__}"

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
        ("language", pa.string()),
        ("published", pa.timestamp("s")),
        ("date_source", pa.string()),
        ("origin", pa.string()),
        ("ingested_at", pa.timestamp("s", tz="UTC")),
        ("word_count", pa.int32()),
    ]
)
TEXT_SCHEMA = pa.schema(
    [
        ("seq", pa.int32()),
        ("article_id", pa.string()),
        ("word_count", pa.int32()),
        *[(name, LIST) for name in TAG_COLUMNS],
    ]
)

_CREATE = [
    "CREATE TABLE IF NOT EXISTS copies ("
    " copy_key VARCHAR, article_id VARCHAR, title VARCHAR, body VARCHAR, captions VARCHAR[],"
    " credit VARCHAR, source VARCHAR, url VARCHAR, language VARCHAR, published TIMESTAMP_S,"
    " date_source VARCHAR,"
    " origin VARCHAR, ingested_at TIMESTAMPTZ, word_count INTEGER)",
    "CREATE TABLE IF NOT EXISTS texts (seq INTEGER, article_id VARCHAR, word_count INTEGER, "
    + ", ".join(f"{name} VARCHAR[]" for name in TAG_COLUMNS)
    + ")",
    "CREATE TABLE IF NOT EXISTS mentions"
    " (article_id VARCHAR, kind VARCHAR, value VARCHAR, count BIGINT, evidence VARCHAR)",
    "CREATE TABLE IF NOT EXISTS sentences (seq INTEGER, h UBIGINT)",
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
]


@dataclass
class Corpus:
    """A corpus in memory: every copy seen, the folded article table, the entity mentions."""

    copies: pd.DataFrame  # one row per distinct copy (file, row, source, url), with its tags
    articles: pd.DataFrame  # one row per distinct article, the schema of loaders/schema.py
    mentions: pd.DataFrame  # long form per distinct text: article_id, kind, value, count, evidence


@dataclass
class Added:
    """What one batch added."""

    copies: int = 0
    texts: int = 0


class Builder:
    """Appends batches of copies to a corpus database and derives the folded tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        for statement in _CREATE:
            con.execute(statement)
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        if meta and meta.get("sentence_hash") != SENTENCE_HASH:
            # Old hashes would never meet new ones: near copies across ingests would be missed.
            self._rehash_sentences()
        self.added = Added()

    def add(self, copies: pd.DataFrame) -> Added:
        """Append the copies the database lacks; tag and index only texts it has not seen."""
        con = self.con
        con.register("batch_copies", _copies_arrow(copies))
        try:
            fresh = con.sql(
                "SELECT * FROM batch_copies b WHERE NOT EXISTS"
                " (SELECT 1 FROM copies c WHERE c.copy_key = b.copy_key)"
                " QUALIFY row_number() OVER (PARTITION BY copy_key) = 1"
            ).to_arrow_table()
        finally:
            con.unregister("batch_copies")
        if fresh.num_rows == 0:
            return Added()
        con.register("fresh_copies", fresh)
        try:
            con.execute("INSERT INTO copies SELECT * FROM fresh_copies")
            known = con.execute(
                "SELECT DISTINCT article_id FROM fresh_copies SEMI JOIN texts USING (article_id)"
            ).fetchnumpy()["article_id"]
        finally:
            con.unregister("fresh_copies")
        texts = (
            pl.from_arrow(fresh.select(["article_id", "title", "body", "captions", "word_count"]))
            .join(
                pl.DataFrame({"article_id": pl.Series(known, dtype=pl.String)}), on="article_id", how="anti"
            )
            .unique("article_id", keep="first", maintain_order=True)
        )
        self._add_texts(texts)  # type: ignore[arg-type]
        added = Added(copies=fresh.num_rows, texts=texts.height)
        self.added.copies += added.copies
        self.added.texts += added.texts
        return added

    def _add_texts(self, texts: pl.DataFrame) -> None:
        if texts.height == 0:
            return
        start = self.con.execute("SELECT coalesce(max(seq) + 1, 0) FROM texts").fetchall()[0][0]
        seq = pl.int_range(start, start + texts.height, dtype=pl.Int32, eager=True)
        tags = tag_articles(texts["title"], texts["body"], texts["captions"])
        titles, bodies = texts["title"].to_list(), texts["body"]
        captions = [c or [] for c in texts["captions"].to_list()]
        table = pa.table(
            {
                "seq": seq.to_arrow(),
                "article_id": texts["article_id"].to_arrow(),
                "word_count": texts["word_count"].cast(pl.Int32).to_arrow(),
                **{name: pa.array(getattr(tags, name), type=LIST) for name in TAG_COLUMNS},
            },
            schema=TEXT_SCHEMA,
        )
        ids = texts["article_id"].to_numpy()
        mentions = tags.mentions.assign(article_id=ids[tags.mentions["position"].to_numpy()])
        sentences = dedup.sentence_hashes(bodies).with_columns(
            (pl.col("pos").cast(pl.Int32) + start).alias("seq")
        )
        con = self.con
        con.register("new_texts", table)
        con.register("new_mentions", mentions.loc[:, ["article_id", "kind", "value", "count", "evidence"]])
        con.register("new_sentences", sentences.select("seq", "h").to_arrow())
        try:
            con.execute("INSERT INTO texts SELECT * FROM new_texts")
            con.execute("INSERT INTO mentions SELECT * FROM new_mentions")
            con.execute("INSERT INTO sentences SELECT * FROM new_sentences")
        finally:
            for name in ("new_texts", "new_mentions", "new_sentences"):
                con.unregister(name)
        self.index_texts(seq.to_list(), titles, bodies.to_list(), captions)

    def index_texts(
        self, seqs: list[int], titles: list[str], bodies: list[str], captions: list[list[str]]
    ) -> None:
        """Called with every new distinct text; the store's builder indexes them in full text."""

    def _rehash_sentences(self) -> None:
        """Hash every stored text's sentences again with this program's hash."""
        self.con.execute("DELETE FROM sentences")
        reading = self.con.cursor()  # a second cursor: read the bodies while this one inserts
        reader = reading.sql(
            "SELECT t.seq, c.body FROM texts t JOIN"
            " (SELECT DISTINCT ON (article_id) article_id, body FROM copies) c USING (article_id)"
        ).to_arrow_reader(batch_size=50_000)
        try:
            for batch in reader:
                frame = pl.from_arrow(batch)
                hashes = dedup.sentence_hashes(frame["body"])  # type: ignore[index]
                seqs = frame["seq"].gather(hashes["pos"])  # type: ignore[index]
                self.con.register("rehashed", pa.table({"seq": seqs.to_arrow(), "h": hashes["h"].to_arrow()}))
                self.con.execute("INSERT INTO sentences SELECT * FROM rehashed")
                self.con.unregister("rehashed")
        finally:
            reading.close()

    # --- derived tables -------------------------------------------------------------------

    def finish(self, meta: dict[str, str] | None = None) -> str:
        """Fold near copies, order the articles, build the facet index; returns the version.
        meta: more facts to record beside the corpus's own (the store adds its schema version)."""
        con = self.con
        self._groups()
        con.execute(_ARTICLES_SQL, [list(WEAK_DATE_SOURCES)])
        con.execute(
            "CREATE OR REPLACE TABLE text_index AS"
            " SELECT t.seq, t.article_id, a.duplicate_group, a.idx"
            " FROM texts t LEFT JOIN groups g USING (seq) JOIN articles_by_group a"
            " ON a.grp = coalesce(g.grp, t.seq) ORDER BY t.seq"
        )
        # copy_key names the copy whose body and captions the article shows.
        columns = ", ".join(
            ["idx", *[c for c in COLUMNS if c not in ("body", "captions")], "weak_date", "copy_key"]
        )
        con.execute(
            f"CREATE OR REPLACE TABLE articles AS SELECT {columns} FROM articles_by_group ORDER BY idx"
        )
        # Sources per story, for the "sources" measure. Keyed by the article's idx (an integer,
        # in idx order) as well as its group: at 1M articles, joining on the group's text key
        # cost 210 ms of every summary.
        con.execute(
            "CREATE OR REPLACE TABLE group_sources AS SELECT DISTINCT i.idx, i.duplicate_group, c.source"
            " FROM copies c JOIN text_index i USING (article_id) WHERE c.source IS NOT NULL ORDER BY i.idx"
        )
        con.execute("DROP TABLE articles_by_group")
        con.execute("DROP TABLE groups")
        _facet_index(con)
        for statement in _LOOKUP_INDEXES:
            con.execute(statement)
        version = self.version()
        counts = con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM copies)"
        ).fetchall()[0]
        meta = {
            **(meta or {}),
            "sentence_hash": SENTENCE_HASH,
            "corpus_version": version,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "articles": str(counts[0]),
            "copies": str(counts[1]),
        }
        con.execute("DELETE FROM meta")
        con.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        return version

    def version(self) -> str:
        """A short content hash of the corpus: it changes when any copy is added."""
        row = self.con.execute(
            "SELECT md5(string_agg(copy_key, '' ORDER BY copy_key)) FROM copies"
        ).fetchall()[0]
        return (row[0] or "empty")[:12]

    def _groups(self) -> None:
        """groups(seq, grp): texts that share most of their evidence sentences, by the smallest seq."""
        seqs, roots = dedup.components(*dedup.near_copy_pairs(self.con))
        rows = pa.table({"seq": pa.array(seqs, pa.int32()), "grp": pa.array(roots, pa.int32())})
        self.con.register("group_rows", rows)
        self.con.execute("CREATE OR REPLACE TABLE groups AS SELECT * FROM group_rows")
        self.con.unregister("group_rows")


# The reader looks up one article, its copies and its mentions: without these, each lookup scans
# a million rows (26-128 ms at 1M); with them about 2 ms. Base tables keep theirs across ingests.
_LOOKUP_INDEXES = (
    "CREATE INDEX IF NOT EXISTS copies_by_key ON copies (copy_key)",
    "CREATE INDEX IF NOT EXISTS copies_by_article ON copies (article_id)",
    "CREATE INDEX IF NOT EXISTS mentions_by_article ON mentions (article_id)",
    "CREATE INDEX text_index_by_group ON text_index (duplicate_group)",
    "CREATE INDEX articles_by_id ON articles (article_id)",
)

# One row per group: its most complete copy (dated, longest, most captions), the number of
# copies folded into it, and the smallest article_id as the group's stable name.
_ARTICLES_SQL = """
CREATE OR REPLACE TABLE articles_by_group AS
WITH copy_rows AS (
    SELECT c.* EXCLUDE (body, captions, word_count), coalesce(g.grp, t.seq) AS grp, t.word_count,
           {tags},
           (c.published IS NOT NULL)::BIGINT * 1000000 + length(c.body) + len(c.captions) * 100
               AS completeness
    FROM copies c JOIN texts t USING (article_id) LEFT JOIN groups g ON g.seq = t.seq
),
per_group AS (
    SELECT grp, count(*) - 1 AS duplicates, min(article_id) AS duplicate_group,
           first(published ORDER BY completeness DESC, article_id) FILTER (published IS NOT NULL)
               AS any_date,
           first(date_source ORDER BY completeness DESC, article_id) FILTER (published IS NOT NULL)
               AS any_date_source
    FROM copy_rows GROUP BY grp
),
best AS (
    SELECT * FROM copy_rows
    QUALIFY row_number() OVER (PARTITION BY grp ORDER BY completeness DESC, article_id, copy_key) = 1
)
SELECT (row_number() OVER (ORDER BY coalesce(b.published, p.any_date) DESC NULLS LAST, b.article_id)
        - 1)::INTEGER AS idx,
       b.grp, b.article_id, b.title, b.credit, b.source, b.url, b.language,
       coalesce(b.published, p.any_date) AS published,
       CASE WHEN b.published IS NULL AND p.any_date IS NOT NULL THEN p.any_date_source
            ELSE b.date_source END AS date_source,
       {best_tags},
       b.word_count::BIGINT AS word_count, p.duplicate_group, p.duplicates::BIGINT AS duplicates,
       b.ingested_at,
       (CASE WHEN b.published IS NULL AND p.any_date IS NOT NULL THEN p.any_date_source
             ELSE b.date_source END) IN (SELECT unnest(?)) AS weak_date,
       b.copy_key
FROM best b JOIN per_group p USING (grp)
""".format(
    tags=", ".join(f"t.{name}" for name in TAG_COLUMNS),
    best_tags=", ".join(f"b.{name}" for name in TAG_COLUMNS),
)


def _facet_index(con: duckdb.DuckDBPyConnection) -> None:
    """Long-form entity table with dictionary-coded values: facets become integer group-bys.

    Values of one kind get a contiguous id range, so "all countries" is a BETWEEN.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE entity_rows AS
        SELECT a.idx, m.kind, m.value, m.count,
               m.kind = 'country' AND list_contains(a.countries_primary, m.value) AS is_primary
        FROM mentions m JOIN articles a USING (article_id)
        """
        + _column_kinds_sql()
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE entity_values AS
        SELECT (row_number() OVER (ORDER BY kind, value) - 1)::INTEGER AS value_id, kind, value,
               count(*) AS articles
        FROM entity_rows GROUP BY kind, value
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE entities AS
        SELECT r.idx::INTEGER AS idx, v.value_id, r.count::INTEGER AS mentions, r.is_primary
        FROM entity_rows r JOIN entity_values v USING (kind, value)
        ORDER BY v.value_id, r.idx
        """
    )
    con.execute("DROP TABLE entity_rows")
    # The same index per article (every value, and the primary countries apart): facet counts
    # read only the matching articles' lists, half the time of joining the long table at 1M.
    con.execute(
        """
        CREATE OR REPLACE TABLE article_values AS
        SELECT idx, list(value_id ORDER BY value_id) AS value_ids,
               coalesce(list(value_id ORDER BY value_id) FILTER (is_primary), []) AS primary_ids
        FROM entities GROUP BY idx ORDER BY idx
        """
    )


def _column_kinds_sql() -> str:
    """Rows of the long entity table for kinds read from an article column (e.g. source)."""
    return "".join(
        f" UNION ALL SELECT idx, '{k.name}', {k.column}, 1, FALSE FROM articles WHERE {k.column} IS NOT NULL"
        for k in KINDS
        if not k.tagged
    )


def _copies_arrow(copies: pd.DataFrame) -> pa.Table:
    if copies.empty:  # pandas gives empty columns no type; arrow cannot cast those to lists
        return COPY_SCHEMA.empty_table()
    frame = copies.loc[:, COPY_SCHEMA.names]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.cast(COPY_SCHEMA) if table.schema != COPY_SCHEMA else table


def fold(copies: pd.DataFrame, known: Corpus | None = None) -> Corpus:
    """Fold copies (and what a known corpus holds) into articles, in an in-memory database."""
    with duckdb.connect() as con:
        builder = Builder(con)
        if known is not None:
            builder.add(known.copies)
        builder.add(copies)
        builder.finish()
        return read_tables(con)


def read_tables(con: duckdb.DuckDBPyConnection) -> Corpus:
    """The corpus in a folded database: copies with their tags, folded articles, mentions."""
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
    articles = enforce(articles)
    errors = validate(articles)
    if errors:  # the fold's own output breaking the schema is a bug, not bad input
        raise ValueError("folded article table breaks the schema: " + "; ".join(errors))
    return Corpus(copies=copies, articles=articles, mentions=mentions.astype({"count": "int64"}))
