"""Questions the page asks of a built store: what matches, facet counts, timeline, articles.

Every value from outside (URL, widgets) reaches SQL as a bound parameter or as an integer id
looked up here; SQL text is assembled only from constants in this module.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field, make_dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from loaders.schema import KINDS, as_list, kind_row, tag_columns
from storage.guard import guard
from storage.layout import DATABASE, FULLTEXT, StoreError, check_schema, current_generation
from storage.search import SearchQuery, parse_search

# Values shown per facet before the analyst asks for more.
FACET_LIMIT = 12
# Series drawn when the timeline is split by countries or topics; the rest are not drawn.
SPLIT_SERIES = 6
# Related articles: how many, and how far apart in time they may be.
RELATED_LIMIT = 5
RELATED_WINDOW_DAYS = 45
# Distinct full-text expressions whose hits are kept per open store.
SEARCH_CACHE = 64
# Rows one export may hold: beyond this the analyst narrows the view first.
EXPORT_LIMIT = 200_000

GRANULARITIES = ("day", "week", "month", "year")
MEASURES = ("articles", "stories", "sources")
SPLITS = ("none", "country", "topic")
SORTS = ("newest", "oldest")
FACET_KINDS = tuple(k.name for k in KINDS)
RESULT_COLUMNS = "idx, article_id, title, published, date_source, source, countries_primary, duplicates"


def _filter_values(self: Filters, kind_name: str) -> tuple[str, ...]:
    """The selected values of one facet kind."""
    return getattr(self, kind_row(kind_name).field)


# What narrows the coverage: search words, dates and facet values. Built from the table of kinds
# (loaders.schema.KINDS), so a kind added there is a filter field here: Filters(countries=(...)).
Filters = make_dataclass(
    "Filters",
    [
        ("search", str, field(default="")),
        ("date_from", "date | None", field(default=None)),
        ("date_to", "date | None", field(default=None)),
        ("countries_mode", str, field(default="any")),  # "any" of the chosen countries, or "all"
        ("primary_only", bool, field(default=False)),  # count a country only where the story is about it
        *[(k.field, "tuple[str, ...]", field(default=())) for k in KINDS],
    ],
    frozen=True,
    namespace={"values": _filter_values, "__doc__": "What narrows the coverage: words, dates, facet values."},
)
Filters.__module__ = __name__  # pickling finds it here (make_dataclass's module= is Python 3.12+)


@dataclass
class Summary:
    """The numbers of the summary strip."""

    articles: int
    sources: int
    first: date | None
    last: date | None
    duplicates: int
    undated: int


@dataclass
class Timeline:
    """Coverage per period, ready to draw."""

    frame: pd.DataFrame  # bucket, series, weak (bool), value
    granularity: str
    measure: str
    denominator: str = ""  # what a share is a share of, said on the chart
    undated: int = 0


@dataclass
class Article:
    """One article for the reader."""

    row: dict[str, object]
    copies: pd.DataFrame  # the copies folded into it
    related: pd.DataFrame
    mentions: pd.DataFrame = field(default_factory=pd.DataFrame)


class Store:
    """A built store opened read-only, shared by every session of the app."""

    def __init__(self, path: Path, generation: Path | None = None) -> None:
        """Open the live generation of the store at path, or the given one (an older, good one)."""
        generation = generation or current_generation(path)
        if generation is None:
            raise StoreError(f"no store at {path}: run `python -m storage ingest FILES --store {path}`")
        self.path = path
        self.generation = generation
        self._con = duckdb.connect(str(generation / DATABASE), read_only=True)
        check_schema(self._con)
        self._fulltext = generation / FULLTEXT
        meta = dict(self._con.execute("SELECT key, value FROM meta").fetchall())
        self.version: str = meta["corpus_version"]
        self.built_at: str = meta["built_at"]
        self.size = int(meta["articles"])
        values = self._con.execute("SELECT value_id, kind, value, articles FROM entity_values").df()
        self._values = values
        self._ids = {
            (k, v): int(i)
            for i, k, v in zip(values["value_id"], values["kind"], values["value"], strict=True)
        }
        self._names = dict(zip(values["value_id"].astype(int), values["value"], strict=True))
        # One rerun asks several questions of the same search: run it in SQLite once.
        # The cache lives as long as this handle, i.e. one immutable store generation.
        self.search_ids = functools.lru_cache(maxsize=SEARCH_CACHE)(self._search_ids)
        self.search_articles = functools.lru_cache(maxsize=SEARCH_CACHE)(self._search_articles)

    def close(self) -> None:
        """Release the database handle."""
        self._con.close()

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        # One cursor per question: sessions run in threads, a DuckDB connection is not shared.
        cursor = self._con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    # --- lookups -----------------------------------------------------------------------

    def known(self, kind: str, value: str) -> bool:
        """Whether any article carries this value."""
        return (kind, value) in self._ids

    def facet_values(self, kind: str) -> pd.DataFrame:
        """Every value of a kind with its article count in the whole store, most frequent first."""
        rows = self._values[self._values["kind"] == kind]
        return rows.sort_values(["articles", "value"], ascending=[False, True]).loc[:, ["value", "articles"]]

    def date_span(self) -> tuple[date | None, date | None]:
        """First and last publication date in the store."""
        with self._cursor() as cur:
            first, last = cur.execute("SELECT min(published), max(published) FROM articles").fetchall()[0]
        return _as_date(first), _as_date(last)

    # --- the selection -----------------------------------------------------------------

    def _where(self, cur: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[str, list[object]]:
        """WHERE clause (over articles a) and its parameters for the filters."""
        clauses: list[str] = []
        params: list[object] = []
        if filters.date_from:
            clauses.append("a.published >= ?")
            params.append(filters.date_from)
        if filters.date_to:
            clauses.append("a.published <= ?")
            params.append(filters.date_to)
        for kind in FACET_KINDS:
            ids = [self._ids[(kind, v)] for v in filters.values(kind) if (kind, v) in self._ids]
            if filters.values(kind) and not ids:
                clauses.append("FALSE")  # every chosen value is unknown here: nothing matches
            elif ids:
                clauses.append(self._facet_clause(kind, ids, filters, params))
        search = parse_search(filters.search)
        if not search.empty:
            clauses.append(self._search_clause(cur, search))
        return (" AND ".join(clauses) or "TRUE"), params

    def _facet_clause(self, kind: str, ids: list[int], filters: Filters, params: list[object]) -> str:
        primary = " AND is_primary" if kind == "country" and filters.primary_only else ""
        marks = ", ".join("?" * len(ids))
        params.extend(ids)
        if kind == "country" and filters.countries_mode == "all" and len(ids) > 1:
            params.append(len(ids))
            return (
                f"a.idx IN (SELECT idx FROM entities WHERE value_id IN ({marks}){primary}"
                " GROUP BY idx HAVING count(*) = ?)"
            )
        return f"a.idx IN (SELECT idx FROM entities WHERE value_id IN ({marks}){primary})"

    def _search_clause(self, cur: duckdb.DuckDBPyConnection, search: SearchQuery) -> str:
        """Run the full-text part in SQLite and hand DuckDB the matching texts as a table.

        A story matches when any of its texts (the article or a copy folded into it) matches.
        """
        positive, excluded = search.positive_fts(), search.excluded_fts()
        if positive and excluded:
            hits, negate = self.search_articles(f"({positive}) NOT ({excluded})"), ""
        elif positive:
            hits, negate = self.search_articles(positive), ""
        else:
            hits, negate = self.search_articles(excluded or '""'), "NOT "
        cur.register("search_hits", pa.table({"idx": pa.array(hits, type=pa.int32())}))
        return f"a.idx {negate}IN (SELECT idx FROM search_hits)"

    def _search_articles(self, match: str) -> np.ndarray:
        """Article idx whose story has a text matching: mapped once per search, not per query."""
        return self._article_of_text[self.search_ids(match)]

    @functools.cached_property
    def _article_of_text(self) -> np.ndarray:
        """Article idx per text seq (seqs are dense from 0): 4 bytes a text, read on first search."""
        with self._cursor() as cur:
            found = cur.execute("SELECT seq, idx FROM text_index ORDER BY seq").fetchnumpy()
        table = np.full(int(found["seq"][-1]) + 1 if len(found["seq"]) else 0, -1, dtype=np.int32)
        table[found["seq"]] = found["idx"]
        return table

    def _search_ids(self, match: str) -> np.ndarray:
        """Text seqs matching an FTS5 expression built by storage.search (never raw input)."""
        uri = f"{self._fulltext.as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            try:
                # One string for all hits: half the time of a Python tuple per row at 100k hits.
                joined = db.execute(
                    "SELECT group_concat(rowid) FROM fulltext WHERE fulltext MATCH ?", (match,)
                ).fetchall()[0][0]
            except sqlite3.OperationalError:
                return np.empty(0, dtype=np.int32)
        if not joined:
            return np.empty(0, dtype=np.int32)
        # Parsed in C: 20 ms for 580k ids where str.split and a list of strings take 160 ms.
        return np.fromstring(joined, dtype=np.int32, sep=",")

    # --- answers -----------------------------------------------------------------------

    def summary(self, filters: Filters) -> Summary:
        """Counts for the summary strip."""
        with self._cursor() as cur:
            where, params = self._where(cur, filters)
            row = cur.execute(
                "SELECT count(*), count(DISTINCT source), min(published), max(published),"
                f" coalesce(sum(duplicates), 0), count(*) FILTER (published IS NULL)"
                f" FROM articles a WHERE {where}",
                params,
            ).fetchall()[0]
        return Summary(int(row[0]), int(row[1]), _as_date(row[2]), _as_date(row[3]), int(row[4]), int(row[5]))

    def facets(self, filters: Filters, limit: int = FACET_LIMIT) -> dict[str, pd.DataFrame]:
        """Per kind, the values carried by the matching articles with their counts: the chosen
        values first, then the top `limit` others. Ranked in SQL: pandas per kind cost more."""
        chosen = [self._ids[(k, v)] for k in FACET_KINDS for v in filters.values(k) if (k, v) in self._ids]
        with self._cursor() as cur:
            where, params = self._where(cur, filters)
            rows = cur.execute(
                "WITH counts AS (SELECT value_id, count(*) AS n FROM (SELECT unnest(CASE WHEN ?"
                " THEN list_concat(list_filter(value_ids, lambda v: v NOT BETWEEN ? AND ?), primary_ids)"
                " ELSE value_ids END) AS value_id FROM article_values"
                f" WHERE idx IN (SELECT a.idx FROM articles a WHERE {where})) GROUP BY value_id),"
                " ranked AS (SELECT v.kind, v.value, c.n, list_contains(?::INTEGER[], c.value_id) AS chosen"
                " FROM counts c JOIN entity_values v USING (value_id))"
                " SELECT kind, value, n FROM ranked"
                " QUALIFY chosen OR row_number() OVER (PARTITION BY kind, chosen ORDER BY n DESC, value) <= ?"
                " ORDER BY kind, chosen DESC, n DESC, value",
                [filters.primary_only, *self._id_range("country"), *params, chosen, limit],
            ).fetchall()
        grouped: dict[str, tuple[list[str], list[int]]] = {kind: ([], []) for kind in FACET_KINDS}
        for kind, value, n in rows:
            grouped[kind][0].append(value)
            grouped[kind][1].append(n)
        return {
            kind: pd.DataFrame(
                {"value": pd.Series(values, dtype="str"), "count": pd.Series(counts, dtype="int64")}
            )
            for kind, (values, counts) in grouped.items()
        }

    def timeline(
        self,
        filters: Filters,
        granularity: str = "month",
        measure: str = "articles",
        split: str = "none",
        share: bool = False,
    ) -> Timeline:
        """Coverage per period for the filters, optionally split and as a share of the store."""
        granularity = granularity if granularity in GRANULARITIES else "month"
        measure = measure if measure in MEASURES else "articles"
        with self._cursor() as cur:
            where, params = self._where(cur, filters)
            frame = self._buckets(cur, where, params, granularity, measure, split)
            undated = cur.execute(
                f"SELECT count(*) FROM articles a WHERE {where} AND published IS NULL", params
            ).fetchall()[0][0]
            denominator = ""
            if share:
                totals = self._buckets(cur, "TRUE", [], granularity, measure, "none")
                totals = totals.groupby("bucket")["value"].sum().rename("total")
                frame = frame.join(totals, on="bucket")
                frame["value"] = frame["value"] / frame["total"]
                denominator = f"share of all {measure} in the store per {granularity}"
        return Timeline(
            frame.drop(columns="total", errors="ignore"),
            granularity,
            measure,
            denominator,
            int(undated),
        )

    def _buckets(
        self,
        cur: duckdb.DuckDBPyConnection,
        where: str,
        params: list[object],
        granularity: str,
        measure: str,
        split: str,
    ) -> pd.DataFrame:
        value = {
            "articles": "sum(1 + a.duplicates)",
            "stories": "count(DISTINCT a.idx)",
            "sources": "count(DISTINCT c.source)",
        }[measure]
        joins = ""
        if measure == "sources":
            joins += " JOIN group_sources c USING (duplicate_group)"
        series = "'all'"
        split_params: list[object] = []
        kind = {"country": "country", "topic": "topic"}.get(split)
        if kind:
            top = self._top_values(cur, where, params, kind)
            if not top:
                kind = None
            else:
                marks = ", ".join("?" * len(top))
                joins += f" JOIN entities e ON e.idx = a.idx AND e.value_id IN ({marks})"
                split_params = top
                series = "e.value_id"
        sql = (
            f"SELECT date_trunc('{granularity}', a.published)::DATE AS bucket, {series} AS series,"
            f" a.weak_date AS weak, {value} AS value FROM articles a{joins}"
            f" WHERE a.published IS NOT NULL AND {where} GROUP BY ALL ORDER BY bucket"
        )
        frame = cur.execute(sql, [*split_params, *params]).df()
        if kind:
            frame["series"] = frame["series"].map(self._names)
        return frame

    def _top_values(
        self, cur: duckdb.DuckDBPyConnection, where: str, params: list[object], kind: str
    ) -> list[int]:
        low, high = self._id_range(kind)
        rows = cur.execute(
            "SELECT value_id FROM entities WHERE value_id BETWEEN ? AND ?"
            f" AND idx IN (SELECT a.idx FROM articles a WHERE {where})"
            " GROUP BY value_id ORDER BY count(*) DESC, value_id LIMIT ?",
            [low, high, *params, SPLIT_SERIES],
        ).fetchall()
        return [int(r[0]) for r in rows]

    def _id_range(self, kind: str) -> tuple[int, int]:
        ids = self._values.loc[self._values["kind"] == kind, "value_id"]
        return (int(ids.min()), int(ids.max())) if len(ids) else (0, -1)

    def results(
        self, filters: Filters, sort: str = "newest", page: int = 0, page_size: int = 20
    ) -> pd.DataFrame:
        """One page of matching articles."""
        order = "a.idx" if sort != "oldest" else "a.published IS NULL, a.idx DESC"
        with self._cursor() as cur:
            where, params = self._where(cur, filters)
            frame = cur.execute(
                f"SELECT {RESULT_COLUMNS} FROM articles a WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, page_size, max(page, 0) * page_size],
            ).df()
        return _with_lists(frame)

    def article(self, article_id: str) -> Article | None:
        """Everything the reader shows about one article, or None if the store lacks it."""
        with self._cursor() as cur:
            found = cur.execute("SELECT * FROM articles WHERE article_id = ?", [article_id]).df()
            if found.empty:
                return None
            row = _with_lists(found).iloc[0].to_dict()
            text = cur.execute(
                "SELECT body, captions FROM copies WHERE copy_key = ?", [row.pop("copy_key")]
            ).fetchall()[0]
            row["body"], row["captions"] = text[0], [str(c) for c in text[1] or []]
            # Two index lookups (the group's texts, then their copies) instead of a join that scans.
            texts = [
                r[0]
                for r in cur.execute(
                    "SELECT article_id FROM text_index WHERE duplicate_group = ?", [row["duplicate_group"]]
                ).fetchall()
            ] or [article_id]
            copies = cur.execute(
                "SELECT title, source, url, published, origin, article_id FROM copies"
                f" WHERE article_id IN ({', '.join('?' * len(texts))})"
                " ORDER BY published NULLS LAST, source",
                texts,
            ).df()
            mentions = cur.execute(
                "SELECT kind, value, count FROM mentions WHERE article_id = ? ORDER BY count DESC",
                [article_id],
            ).df()
            related = self._related(cur, row)
        return Article(row=row, copies=copies, related=related, mentions=mentions)

    def _related(self, cur: duckdb.DuckDBPyConnection, row: dict[str, object]) -> pd.DataFrame:
        """Articles sharing primary countries and topics, close in time, most shared first."""
        keys = [("country", v) for v in as_list(row["countries_primary"])]
        keys += [("topic", v) for v in as_list(row["topics"])]
        ids = [self._ids[k] for k in keys if k in self._ids]
        if not ids:
            return pd.DataFrame(columns=["article_id", "title", "published", "shared"])
        published = _as_date(row["published"])
        window, params = "TRUE", []
        if published:
            window = "a.published BETWEEN ? AND ?"
            span = timedelta(days=RELATED_WINDOW_DAYS)
            params = [published - span, published + span]
        marks = ", ".join("?" * len(ids))
        return cur.execute(
            "SELECT a.article_id, a.title, a.published, count(*) AS shared FROM entities e"
            " JOIN articles a ON a.idx = e.idx"
            f" WHERE e.value_id IN ({marks}) AND a.idx <> ? AND {window}"
            " GROUP BY ALL ORDER BY shared DESC, a.published DESC NULLS LAST LIMIT ?",
            [*ids, int(row["idx"]), *params, RELATED_LIMIT],
        ).df()

    def export(self, filters: Filters, limit: int = EXPORT_LIMIT) -> pd.DataFrame:
        """The matching articles in full (schema columns), newest first."""
        with self._cursor() as cur:
            where, params = self._where(cur, filters)
            frame = cur.execute(
                "SELECT a.* EXCLUDE (idx, weak_date, copy_key), c.body, c.captions FROM articles a"
                " JOIN copies c USING (copy_key)"
                f" WHERE {where} ORDER BY a.idx LIMIT ?",
                [*params, limit],
            ).df()
        return _with_lists(frame)


LIST_FIELDS = ("captions", *tag_columns())


def _with_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns as Python lists (DuckDB hands them over as numpy arrays)."""
    for name in LIST_FIELDS:
        if name in frame.columns:
            frame[name] = frame[name].map(as_list)
    return frame


def _as_date(value: object) -> date | None:
    if value is None or (not isinstance(value, (date, str)) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


# Every error of DuckDB, SQLite or the files is a StoreError past this point (storage.guard).
guard(Store, ("date_span", "summary", "facets", "timeline", "results", "article", "export"))

__all__ = ["FACET_KINDS", "Article", "Filters", "Store", "Summary", "Timeline"]
