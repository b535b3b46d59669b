"""Questions the page asks of a built store: what matches, facet counts, timeline, articles.

Every value from outside (URL, widgets) reaches SQL as a bound parameter or as an integer id
looked up here; SQL text is assembled only from constants in this module.
"""

from __future__ import annotations

import contextlib
import functools
import math
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
from storage import related, stories
from storage.guard import guard
from storage.layout import DATABASE, FULLTEXT, StoreError, check_schema, current_generation
from storage.search import SearchQuery, parse_search, snippet

# Values shown per facet before the analyst asks for more.
FACET_LIMIT = 12
# Values one facet shows as chips when the analyst asks for all of them: a chip each is drawn
# on every rerun, so past this the find box finds the rest.
FACET_ALL_LIMIT = 500
# Series drawn when the timeline is split by countries or topics; the rest are not drawn.
SPLIT_SERIES = 6
# The whole of a split chart: the series every split series is part of.
WHOLE = "all"
# The default chart range leaves out far outliers: it spans the dates between these quantiles,
# widened by CORE_MARGIN of that span each side, when the whole span is CORE_STRETCH times wider.
CORE_QUANTILES = (0.05, 0.95)
CORE_MARGIN = 0.5
CORE_STRETCH = 2.0
CORE_MIN_DAYS = 31
# Related articles (storage.related): how many, and how far apart in time they may be.
RELATED_LIMIT = 5
RELATED_WINDOW_DAYS = 45
# Related coverage counts days from here; an undated article sits this far out, in no window.
EPOCH = date(1970, 1, 1)
UNDATED_DAYS = 2**30
# Distinct full-text expressions whose hits are kept per open store.
SEARCH_CACHE = 64
# Rows one export may hold: beyond this the analyst narrows the view first.
EXPORT_LIMIT = 200_000

MEASURE_NAMES = {"articles": "articles", "copies": "copies", "sources": "sources"}
GRANULARITIES = ("day", "week", "month", "year")
# articles: distinct articles, as "Articles matching" counts them (folded copies once);
# copies: every copy, folded ones included (articles + duplicates folded);
# sources: outlets that published any copy of a matching article.
MEASURES = ("articles", "copies", "sources")
SPLITS = ("none", "country", "topic")
# relevance: FTS5 bm25 of the best-matching text of each article (newest first without a search)
SORTS = ("newest", "oldest", "relevance")
FACET_KINDS = tuple(k.name for k in KINDS)
RESULT_COLUMNS = (
    "a.idx, a.article_id, a.title, a.published, a.date_source, a.source, a.countries_primary, a.duplicates"
)


def _filter_values(self: Filters, kind_name: str) -> tuple[str, ...]:
    """The selected values of one facet kind."""
    return getattr(self, kind_row(kind_name).field)


def _excluded_values(self: Filters, kind_name: str) -> tuple[str, ...]:
    """The values of one facet kind left out ("not United States")."""
    return getattr(self, kind_row(kind_name).exclude_field)


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
        # Values left out: an article carrying any of them does not match (Kind.exclude_field).
        *[(k.exclude_field, "tuple[str, ...]", field(default=())) for k in KINDS],
        ("story", str, field(default="")),  # one story's articles (storage/stories.py), by its id
    ],
    frozen=True,
    namespace={
        "values": _filter_values,
        "excluded": _excluded_values,
        "__doc__": "What narrows the coverage: words, dates, facet values.",
    },
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
class FacetValues:
    """One facet's values with their counts under the filters, and how many values there are."""

    counts: pd.DataFrame  # value, count
    total: int


@dataclass(frozen=True)
class Order:
    """An ORDER BY over articles a, and the join it needs (SQL text from this module only)."""

    by: str
    join: str = ""


@dataclass
class CoreSpan:
    """The dates the default chart spans, and the dated articles outside them."""

    first: date | None
    last: date | None
    outside: int
    earliest: date | None = None  # of all matching dated articles, when some lie outside
    latest: date | None = None


@dataclass
class Timeline:
    """Coverage per period, ready to draw."""

    # bucket, series, weak (bool), value. Series WHOLE is every matching article; a split adds
    # one series per top value, each part of the whole but overlapping (an article counts in each
    # of its countries). Weak rows add to firm rows: for sources they are the outlets seen only in
    # weak-dated articles, so firm + weak is the period's distinct outlets, never a double count.
    frame: pd.DataFrame
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
        # Per kind, once: a pandas filter per question cost ~1 ms, and a rerun asks several.
        self._id_ranges = {
            str(kind): (int(ids.min()), int(ids.max())) for kind, ids in values.groupby("kind")["value_id"]
        }
        # One rerun asks several questions of the same search: run it in SQLite once.
        # The cache lives as long as this handle, i.e. one immutable store generation.
        self.search_ids = functools.lru_cache(maxsize=SEARCH_CACHE)(self._search_ids)
        self.search_articles = functools.lru_cache(maxsize=SEARCH_CACHE)(self._search_articles)
        self.ranked_articles = functools.lru_cache(maxsize=SEARCH_CACHE)(self._ranked_articles)
        self.search_bits = functools.lru_cache(maxsize=SEARCH_CACHE)(self._search_bits)
        self.facet_bits = functools.lru_cache(maxsize=SEARCH_CACHE)(self._facet_bits)

    def close(self) -> None:
        """Release the database handle."""
        self._con.close()

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only cursor for one question, closed after it. For questions asked outside this
        class (storage.compare): SQL text from constants, outside values as bound parameters."""
        # One cursor per question: sessions run in threads, a DuckDB connection is not shared.
        cursor = self._con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    # --- lookups -----------------------------------------------------------------------

    def known(self, kind: str, value: str) -> bool:
        """Whether any article carries this value (kind "story": whether the story exists)."""
        if kind == "story":
            with self.cursor() as cur:
                return stories.exists(cur, value)
        return (kind, value) in self._ids

    def facet_values(self, kind: str) -> pd.DataFrame:
        """Every value of a kind with its article count in the whole store, most frequent first."""
        rows = self._values[self._values["kind"] == kind]
        return rows.sort_values(["articles", "value"], ascending=[False, True]).loc[:, ["value", "articles"]]

    def date_span(self) -> tuple[date | None, date | None]:
        """First and last publication date in the store."""
        with self.cursor() as cur:
            first, last = cur.execute("SELECT min(published), max(published) FROM articles").fetchall()[0]
        return _as_date(first), _as_date(last)

    # --- the selection -----------------------------------------------------------------

    def where(self, filters: Filters) -> tuple[str, list[object]]:
        """WHERE clause (over articles a) and its parameters for the filters: the one definition
        of which articles match, for this class's questions and for storage.compare's."""
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
                every = kind == "country" and filters.countries_mode == "all"
                clauses.append(self._facet_clause(kind, ids, filters.primary_only, every, params))
            # An excluded value no article carries leaves nothing out.
            left_out = [self._ids[(kind, v)] for v in filters.excluded(kind) if (kind, v) in self._ids]
            if left_out:
                clauses.append(
                    "NOT " + self._facet_clause(kind, left_out, filters.primary_only, False, params)
                )
        if filters.story:
            clauses.append(stories.story_clause(params, filters.story))
        search = parse_search(filters.search)
        if not search.empty:
            clauses.append(self._search_clause(search, params))
        return (" AND ".join(clauses) or "TRUE"), params

    @staticmethod
    def reads_only_idx(filters: Filters) -> bool:
        """Whether where(filters) reads no column of articles a but a.idx (so any table keyed by
        idx can be filtered by it): every clause but the dates' is a test of the idx."""
        return not (filters.date_from or filters.date_to)

    def _facet_clause(
        self, kind: str, ids: list[int], primary_only: bool, every: bool, params: list[object]
    ) -> str:
        """Articles carrying any (every: all) of the values; with primary_only a country counts
        only where it is primary, so a left-out country is left out as its facet counts it.
        Handed to DuckDB as one bit per article, like a search's hits: a value on 400k of 1M
        articles costs ~8 ms a question that way, ~45 ms as a semi join with entities."""
        primary = kind == "country" and primary_only
        params.append(self.facet_bits(tuple(sorted(ids)), primary, every and len(ids) > 1))
        return "get_bit(?::BIT, a.idx) = 1"

    def _facet_bits(self, ids: tuple[int, ...], primary: bool, every: bool) -> str:
        """'1' at each article carrying any (every: all) of the value ids, primary ones only when
        asked; entities is ordered by value_id, so this reads only those values' rows."""
        marks = ", ".join("?" * len(ids))
        sql = f"SELECT idx FROM entities WHERE value_id IN ({marks})" + (" AND is_primary" if primary else "")
        if every:
            sql += f" GROUP BY idx HAVING count(*) = {len(ids)}"
        with self.cursor() as cur:
            found = np.asarray(cur.execute(sql, list(ids)).fetchnumpy()["idx"], dtype=np.int64)
        return article_bits(found, self.size)

    def _search_clause(self, search: SearchQuery, params: list[object]) -> str:
        """Run the full-text part in SQLite and hand DuckDB the matching articles as one bit per
        article idx (idx are dense from 0): a bit test per row costs ~8 ms at 1M articles where
        a semi join with the hits cost ~60 ms, and a rerun asks five or six questions.

        A story matches when any of its texts (the article or a copy folded into it) matches.
        """
        positive, excluded = search.positive_fts(), search.excluded_fts()
        if positive and excluded:
            match, wanted = f"({positive}) NOT ({excluded})", 1
        elif positive:
            match, wanted = positive, 1
        else:
            match, wanted = excluded or '""', 0
        params.append(self.search_bits(match))
        return f"get_bit(?::BIT, a.idx) = {wanted}"

    def _search_bits(self, match: str) -> str:
        """'1' at each matching article's idx, '0' elsewhere, as DuckDB reads a BIT string."""
        hits = self.search_articles(match)
        return article_bits(hits[hits >= 0], self.size)  # -1: a text of no article

    def _search_articles(self, match: str) -> np.ndarray:
        """Article idx whose story has a text matching: mapped once per search, not per query."""
        return self._article_of_text[self.search_ids(match)]

    @functools.cached_property
    def _article_of_text(self) -> np.ndarray:
        """Article idx per text seq (seqs are dense from 0): 4 bytes a text, read on first search."""
        with self.cursor() as cur:
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
        with self.cursor() as cur:
            where, params = self.where(filters)
            # One statement: the filters (a search's hits among them) are applied once, and the
            # outlets joined on the integer idx (at 1M articles: 440 -> 180 ms with a phrase).
            # "Sources" are the outlets of any copy, so a folded copy's outlet counts too.
            row = cur.execute(
                "WITH m AS MATERIALIZED"
                f" (SELECT a.idx, a.published, a.duplicates FROM articles a WHERE {where})"
                " SELECT count(*), min(published), max(published), coalesce(sum(duplicates), 0),"
                " count(*) FILTER (published IS NULL),"
                " (SELECT count(DISTINCT g.source) FROM group_sources g SEMI JOIN m USING (idx))"
                " FROM m",
                params,
            ).fetchall()[0]
        first, last = _as_date(row[1]), _as_date(row[2])
        return Summary(int(row[0]), int(row[5]), first, last, int(row[3]), int(row[4]))

    def core_span(self, filters: Filters) -> CoreSpan:
        """Where the matching coverage is: the days between the 5th and 95th percentile, widened
        by a margin, and how many dated articles lie outside. The whole span when it is not much
        wider (a few far outliers must not stretch the default chart over years).

        Read from the matching articles per day (one hash aggregate: at 1M articles a sort of
        every matching date and a second count cost ~100 ms a rerun). A percentile is the day of
        the article at rank ceil(q * n) in date order, as SQL's quantile_disc ranks."""
        with self.cursor() as cur:
            where, params = self.where(filters)
            per_day = cur.execute(
                "SELECT (a.published::DATE - DATE '1970-01-01')::INTEGER AS day, count(*) AS n"
                f" FROM articles a WHERE {where} AND a.published IS NOT NULL GROUP BY ALL ORDER BY day",
                params,
            ).fetchnumpy()
        days, counts = np.asarray(per_day["day"], np.int64), np.asarray(per_day["n"], np.int64)
        if not len(days):
            return CoreSpan(None, None, 0)
        ranks = np.cumsum(counts)  # articles up to and including each day
        low, high = (days[np.searchsorted(ranks, max(math.ceil(q * ranks[-1]), 1))] for q in CORE_QUANTILES)
        first, last, low, high = (EPOCH + timedelta(days=int(d)) for d in (days[0], days[-1], low, high))
        margin = timedelta(days=int((high - low).days * CORE_MARGIN) + 1)
        start, end = max(low - margin, first), min(high + margin, last)
        whole = (last - first).days
        if whole < CORE_MIN_DAYS or whole < CORE_STRETCH * max((end - start).days, 1):
            return CoreSpan(first, last, 0)
        inside = (days >= (start - EPOCH).days) & (days <= (end - EPOCH).days)
        return CoreSpan(start, end, int(counts[~inside].sum()), first, last)

    def facets(self, filters: Filters, limit: int = FACET_LIMIT) -> dict[str, pd.DataFrame]:
        """Per kind, the values carried by the matching articles with their counts: the chosen
        values first, then the top `limit` others. Ranked in SQL: pandas per kind cost more."""
        return {kind: found.counts for kind, found in self.facet_lists(filters, limit).items()}

    def facet_lists(self, filters: Filters, limit: int = FACET_LIMIT) -> dict[str, FacetValues]:
        """As facets(), each kind with how many values the matching articles carry in all: a
        facet's "Show all" and its find box's counts (a limit past FACET_LIMIT)."""
        rows = self._facet_rows(filters, limit)
        grouped: dict[str, list[tuple[str, str, int, int]]] = {kind: [] for kind in FACET_KINDS}
        for row in rows:
            grouped[row[0]].append(row)
        return {kind: _facet_values(found) for kind, found in grouped.items()}

    def _facet_rows(self, filters: Filters, limit: int) -> list[tuple[str, str, int, int]]:
        """(kind, value, count, values of that kind in all): the chosen first, then the top
        `limit` others of each kind."""
        chosen = [self._ids[(k, v)] for k in FACET_KINDS for v in filters.values(k) if (k, v) in self._ids]
        with self.cursor() as cur:
            where, params = self.where(filters)
            # A WHERE reading only a.idx is asked of article_values itself: the semi join with the
            # articles cost more than the counting (at 1M, a country on 400k articles: 73 -> 39 ms).
            matching = (
                f"article_values a WHERE {where}"
                if self.reads_only_idx(filters)
                else f"article_values WHERE idx IN (SELECT a.idx FROM articles a WHERE {where})"
            )
            return cur.execute(
                "WITH counts AS (SELECT value_id, count(*) AS n FROM (SELECT unnest(CASE WHEN ?"
                " THEN list_concat(list_filter(value_ids, lambda v: v NOT BETWEEN ? AND ?), primary_ids)"
                f" ELSE value_ids END) AS value_id FROM {matching}) GROUP BY value_id),"
                " ranked AS (SELECT v.kind, v.value, c.n, list_contains(?::INTEGER[], c.value_id) AS chosen"
                " FROM counts c JOIN entity_values v USING (value_id))"
                " SELECT kind, value, n, count(*) OVER (PARTITION BY kind) FROM ranked"
                " QUALIFY chosen OR row_number() OVER (PARTITION BY kind, chosen ORDER BY n DESC, value) <= ?"
                " ORDER BY kind, chosen DESC, n DESC, value",
                [filters.primary_only, *self.id_range("country"), *params, chosen, limit],
            ).fetchall()

    def timeline(
        self,
        filters: Filters,
        granularity: str = "month",
        measure: str = "articles",
        split: str = "none",
        share: bool = False,
    ) -> Timeline:
        """Coverage per period for the filters: the whole, the top split series, optionally each as
        a share of the same measure over the whole store in the same period."""
        granularity = granularity if granularity in GRANULARITIES else "month"
        measure = measure if measure in MEASURES else "articles"
        with self.cursor() as cur:
            where, params = self.where(filters)
            frame = self._buckets(cur, where, params, granularity, measure, "none")
            if split in ("country", "topic"):
                frame = pd.concat([frame, self._buckets(cur, where, params, granularity, measure, split)])
            undated = cur.execute(
                f"SELECT count(*) FROM articles a WHERE {where} AND published IS NULL", params
            ).fetchall()[0][0]
            denominator = ""
            if share:
                totals = self._buckets(cur, "TRUE", [], granularity, measure, "none")
                totals = totals.groupby("bucket")["value"].sum().rename("total")
                frame = frame.join(totals, on="bucket")
                frame["value"] = frame["value"] / frame["total"]
                denominator = f"share of all {MEASURE_NAMES[measure]} in the store in the same {granularity}"
        return Timeline(
            frame.drop(columns="total", errors="ignore").reset_index(drop=True),
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
        """One series (the whole, or each top value of a split) per period, firm and weak apart."""
        joins, series, split_params = "", f"'{WHOLE}'", []
        kind = {"country": "country", "topic": "topic"}.get(split)
        if kind:
            top = self._top_values(cur, where, params, kind)
            if not top:
                return pd.DataFrame({"bucket": [], "series": [], "weak": [], "value": []})
            joins = f" JOIN entities e ON e.idx = a.idx AND e.value_id IN ({', '.join('?' * len(top))})"
            split_params, series = top, "e.value_id"
        if measure == "sources":
            frame = self._source_buckets(cur, where, [*split_params, *params], granularity, joins, series)
        else:
            value = "sum(1 + a.duplicates)" if measure == "copies" else "count(*)"
            frame = cur.execute(
                f"SELECT date_trunc('{granularity}', a.published)::DATE AS bucket, {series} AS series,"
                f" a.weak_date AS weak, {value} AS value FROM articles a{joins}"
                f" WHERE a.published IS NOT NULL AND {where} GROUP BY ALL ORDER BY bucket",
                [*split_params, *params],
            ).df()
        if kind:
            frame["series"] = frame["series"].map(self._names)
        return frame

    def _source_buckets(
        self,
        cur: duckdb.DuckDBPyConnection,
        where: str,
        params: list[object],
        granularity: str,
        joins: str,
        series: str,
    ) -> pd.DataFrame:
        """Distinct outlets per period: firm-dated ones, then those seen only in weak-dated
        articles, so the two add up to the period's outlets (stacking two distinct counts would
        count an outlet in both twice)."""
        counts = cur.execute(
            f"SELECT date_trunc('{granularity}', a.published)::DATE AS bucket, {series} AS series,"
            " count(DISTINCT c.source) FILTER (NOT a.weak_date) AS firm, count(DISTINCT c.source) AS whole"
            f" FROM articles a JOIN group_sources c USING (idx){joins}"
            f" WHERE a.published IS NOT NULL AND {where} GROUP BY ALL ORDER BY bucket",
            params,
        ).df()
        firm = counts.assign(weak=False, value=counts["firm"])
        weak = counts.assign(weak=True, value=counts["whole"] - counts["firm"])
        both = pd.concat([firm, weak]).sort_values("bucket", kind="stable")
        both = both[both["value"] > 0]
        return both.loc[:, ["bucket", "series", "weak", "value"]].reset_index(drop=True)

    def _top_values(
        self, cur: duckdb.DuckDBPyConnection, where: str, params: list[object], kind: str
    ) -> list[int]:
        low, high = self.id_range(kind)
        rows = cur.execute(
            "SELECT value_id FROM entities WHERE value_id BETWEEN ? AND ?"
            f" AND idx IN (SELECT a.idx FROM articles a WHERE {where})"
            " GROUP BY value_id ORDER BY count(*) DESC, value_id LIMIT ?",
            [low, high, *params, SPLIT_SERIES],
        ).fetchall()
        return [int(r[0]) for r in rows]

    def id_range(self, kind: str) -> tuple[int, int]:
        """The first and last value id of a kind (ids of one kind are contiguous); (0, -1), an
        empty range, for a kind no article carries."""
        return self._id_ranges.get(kind, (0, -1))

    def value_name(self, value_id: int) -> str:
        """The value (an ISO code, a person's name...) a value id stands for."""
        return self._names[value_id]

    def results(
        self, filters: Filters, sort: str = "newest", page: int = 0, page_size: int = 20
    ) -> pd.DataFrame:
        """One page of matching articles; with a search, each with a snippet of matched text."""
        with self.cursor() as cur:
            where, params = self.where(filters)
            order = self._order(cur, filters, sort)
            frame = cur.execute(
                f"SELECT {RESULT_COLUMNS}, a.copy_key FROM articles a{order.join} WHERE {where}"
                f" ORDER BY {order.by} LIMIT ? OFFSET ?",
                [*params, page_size, max(page, 0) * page_size],
            ).df()
            frame["snippet"] = self._snippets(cur, frame, parse_search(filters.search).highlight_terms)
        return _with_lists(frame.drop(columns="copy_key"))

    def _order(self, cur: duckdb.DuckDBPyConnection, filters: Filters, sort: str) -> Order:
        """ORDER BY for a sort: newest (the store's order), oldest, or the search's relevance."""
        if sort == "oldest":
            return Order("a.published IS NULL, a.idx DESC")
        positive = parse_search(filters.search).positive_fts()
        if sort != "relevance" or not positive:
            return Order("a.idx")
        ranked = self.ranked_articles(positive)
        positions = np.arange(len(ranked), dtype=np.int32)
        cur.register("ranked_hits", pa.table({"idx": pa.array(ranked), "pos": pa.array(positions)}))
        return Order("r.pos NULLS LAST, a.idx", " LEFT JOIN ranked_hits r ON r.idx = a.idx")

    def _ranked_articles(self, match: str) -> np.ndarray:
        """Article idx by FTS5 rank (bm25) of their best text, best first, each once."""
        uri = f"{self._fulltext.as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            try:
                joined = db.execute(
                    "SELECT group_concat(rowid) FROM (SELECT rowid FROM fulltext WHERE fulltext MATCH ?"
                    " ORDER BY rank)",
                    (match,),
                ).fetchall()[0][0]
            except sqlite3.OperationalError:
                return np.empty(0, dtype=np.int32)
        seqs = np.fromstring(joined or "", dtype=np.int32, sep=",") if joined else np.empty(0, np.int32)
        articles = self._article_of_text[seqs]
        _, first = np.unique(articles, return_index=True)
        return articles[np.sort(first)]

    def _snippets(self, cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame, terms: list[str]) -> list[str]:
        """The text around the first match in each result's body (only for a search: 20 bodies)."""
        if not terms or frame.empty:
            return [""] * len(frame)
        keys = frame["copy_key"].tolist()
        marks = ", ".join("?" * len(keys))
        rows = cur.execute(f"SELECT copy_key, body FROM copies WHERE copy_key IN ({marks})", keys).fetchall()
        bodies = dict(rows)
        return [snippet(str(bodies.get(key) or ""), terms) for key in keys]

    def article(self, article_id: str) -> Article | None:
        """Everything the reader shows about one article, or None if the store lacks it."""
        with self.cursor() as cur:
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
                "SELECT kind, value, count, evidence FROM mentions WHERE article_id = ? ORDER BY count DESC",
                [article_id],
            ).df()
            related = self._related(cur, row)
        return Article(row=row, copies=copies, related=related, mentions=mentions)

    def _related(self, cur: duckdb.DuckDBPyConnection, row: dict[str, object]) -> pd.DataFrame:
        """Stories whose text is most like this one's (storage.related), within RELATED_WINDOW_DAYS
        of it, most similar first; the article's own copies are not related coverage."""
        words = related.lead_words(str(row.get("title") or ""), str(row.get("body") or ""))
        uri = f"{self._fulltext.as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            cap = related.common_cap(len(self._article_of_text))
            seqs = related.similar_texts(db, related.distinctive_words(db, words, cap))
        found = self._article_of_text[np.asarray(seqs, dtype=np.int64)] if seqs else np.empty(0, np.int32)
        found = found[(found != int(row["idx"])) & (found >= 0)]  # -1: a text of no article
        published = _as_date(row["published"])
        if published:  # the window in numpy: a join of every hit with the articles cost more
            days = self._published_days[found]
            day = (published - EPOCH).days
            found = found[np.abs(days - day) <= RELATED_WINDOW_DAYS]
        _, first = np.unique(found, return_index=True)
        best = [int(i) for i in found[np.sort(first)][:RELATED_LIMIT]]
        if not best:
            return pd.DataFrame(columns=["article_id", "title", "published"])
        frame = cur.execute(
            "SELECT a.idx, a.article_id, a.title, a.published FROM articles a"
            f" WHERE a.idx IN ({', '.join('?' * len(best))})",
            best,
        ).df()
        order = {idx: position for position, idx in enumerate(best)}
        frame = frame.sort_values("idx", key=lambda column: column.map(order))
        return frame.drop(columns="idx").reset_index(drop=True)

    @functools.cached_property
    def _published_days(self) -> np.ndarray:
        """Days since EPOCH per article idx (idx are dense from 0), far out for the undated: 4
        bytes an article, read when the first article opens."""
        with self.cursor() as cur:
            found = cur.execute(
                "SELECT coalesce(date_diff('day', ?::DATE, published::DATE), ?) AS days"
                " FROM articles ORDER BY idx",
                [EPOCH, UNDATED_DAYS],
            ).fetchnumpy()
        return found["days"].astype(np.int32)

    def stories(
        self, filters: Filters, order: str = "largest", limit: int = stories.STORY_LIMIT
    ) -> stories.Stories:
        """The stories the matching articles tell, largest or newest first, each with its counts
        under the filters and a small timeline (precomputed at ingest: nothing is reclustered)."""
        with self.cursor() as cur:
            where, params = self.where(filters)
            return stories.listed(cur, where, params, order, limit)

    def story_of(self, article_id: str) -> stories.StoryOf | None:
        """The story an article belongs to and its other articles; None when it stands alone."""
        with self.cursor() as cur:
            return stories.of_article(cur, article_id)

    def story(self, story_id: str) -> stories.StoryOf | None:
        """One story by its id (the page's story filter), with its newest articles."""
        with self.cursor() as cur:
            return stories.by_id(cur, story_id)

    def export(self, filters: Filters, limit: int = EXPORT_LIMIT, sort: str = "newest") -> pd.DataFrame:
        """The matching articles in full (schema columns), in the results' order."""
        with self.cursor() as cur:
            where, params = self.where(filters)
            order = self._order(cur, filters, sort)
            frame = cur.execute(
                "SELECT a.* EXCLUDE (idx, weak_date, copy_key), c.body, c.captions FROM articles a"
                f" JOIN copies c USING (copy_key){order.join}"
                f" WHERE {where} ORDER BY {order.by} LIMIT ?",
                [*params, limit],
            ).df()
        return _with_lists(frame)


LIST_FIELDS = ("captions", *tag_columns())


def article_bits(idx: np.ndarray, size: int) -> str:
    """'1' at each given article idx and '0' elsewhere, as DuckDB reads a BIT string."""
    mask = np.zeros(max(size, int(idx.max()) + 1 if len(idx) else 0, 1), dtype=np.uint8)
    mask[idx] = 1
    return (mask + ord("0")).tobytes().decode("ascii")


def _with_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns as Python lists (DuckDB hands them over as numpy arrays)."""
    for name in LIST_FIELDS:
        if name in frame.columns:
            frame[name] = frame[name].map(as_list)
    return frame


def _facet_values(rows: list[tuple[str, str, int, int]]) -> FacetValues:
    """(kind, value, count, values in all) rows of one kind as its FacetValues."""
    frame = pd.DataFrame(
        {
            "value": pd.Series([r[1] for r in rows], dtype="str"),
            "count": pd.Series([r[2] for r in rows], dtype="int64"),
        }
    )
    return FacetValues(frame, int(rows[0][3]) if rows else 0)


def _as_date(value: object) -> date | None:
    if value is None or (not isinstance(value, (date, str)) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


# Every error of DuckDB, SQLite or the files is a StoreError past this point (storage.guard).
guard(
    Store,
    (
        "date_span",
        "summary",
        "facets",
        "facet_lists",
        "timeline",
        "results",
        "article",
        "export",
        "core_span",
        "facet_lists",
        "stories",
        "story_of",
        "known",
    ),
)

__all__ = [
    "FACET_KINDS", "Article", "CoreSpan", "FacetValues", "Filters", "Store", "Summary", "Timeline",
    "article_bits",
]  # fmt: skip
