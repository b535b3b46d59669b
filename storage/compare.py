"""Queries compared side by side: articles per period for two to five filter sets, as counts and
as shares of all coverage in the store, with each query's totals and its top countries and people.

Two steps: `compare_days` asks the store (two grouped SQL statements per query: articles per day,
top values), `comparison` rolls the days up to a granularity in pandas, so changing day/week/month
costs no SQL. Like storage.query, every outside value reaches SQL as a bound parameter.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from storage.export import inert_cell
from storage.guard import guarded
from storage.query import GRANULARITIES, Filters, Store

# A chart of more lines than this is unreadable, and each query costs SQL on every rerun.
MAX_QUERIES = 5
# Top countries and people listed per query.
TOP_VALUES = 5
TOP_KINDS = ("country", "person")
# pandas period codes whose start is the same period start DuckDB's date_trunc gives (weeks
# start on Monday: W-SUN periods end on Sunday).
PERIOD_CODES = {"day": "D", "week": "W-SUN", "month": "M", "year": "Y"}
DENOMINATOR = "share of all articles in the store in the same {granularity}"


@dataclass(frozen=True)
class CompareDays:
    """What the store answers for the queries, before any roll-up."""

    days: pd.DataFrame  # query (position), day, articles: dated matching articles per day
    store_days: pd.DataFrame  # day, articles: every dated article in the store per day
    totals: pd.DataFrame  # query, articles, undated, first, last
    top: pd.DataFrame  # query, kind, value, articles: the top TOP_VALUES per kind, ranked


@dataclass(frozen=True)
class Comparison:
    """The queries per period, ready to draw and export."""

    # query, bucket, articles, share: every period from the first to the last period any query
    # covers, zero where a query has none (a line through a gap would hide it).
    series: pd.DataFrame
    totals: pd.DataFrame
    top: pd.DataFrame
    granularity: str
    denominator: str


def compare_days(store: Store, queries: Sequence[Filters]) -> CompareDays:
    """Articles per day, totals and top countries and people for each query (at most MAX_QUERIES)."""
    return combine([query_days(store, filters) for filters in list(queries)[:MAX_QUERIES]], store)


def query_days(store: Store, filters: Filters) -> CompareDays:
    """One query's answer (as query 0): each query is asked, and can be cached, on its own, so
    adding a third query does not ask the first two again."""
    with store._cursor() as cur:
        where, params = store._where(cur, filters)  # registers this query's search hits
        counted = _days(cur, where, params).assign(query=0)
        top = _top(store, cur, where, params, filters).assign(query=0)
    dated = counted[counted["day"].notna()].loc[:, ["query", "day", "articles"]].reset_index(drop=True)
    return CompareDays(
        dated, store_days(store), _totals(counted, 1), top.loc[:, ["query", "kind", "value", "articles"]]
    )


def combine(parts: Sequence[CompareDays], store: Store) -> CompareDays:
    """One answer of several one-query answers, numbered in their order."""
    if not parts:
        totals = pd.DataFrame(columns=["query", "articles", "undated", "first", "last"])
        top = pd.DataFrame(columns=["query", "kind", "value", "articles"])
        return CompareDays(_empty_days(), store_days(store), totals, top)

    def numbered(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat([f.assign(query=n) for n, f in enumerate(frames)], ignore_index=True)

    return CompareDays(
        numbered([p.days for p in parts]),
        parts[0].store_days,
        numbered([p.totals for p in parts]),
        numbered([p.top for p in parts]),
    )


def _days(cur: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> pd.DataFrame:
    """Matching articles per publication day; the undated under a null day."""
    frame = cur.execute(
        f"SELECT a.published AS day, count(*) AS articles FROM articles a WHERE {where} GROUP BY ALL",
        params,
    ).df()
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def _empty_days() -> pd.DataFrame:
    return pd.DataFrame({"query": pd.Series(dtype="int64"), "day": pd.Series(dtype="datetime64[ns]"),
                         "articles": pd.Series(dtype="int64")})  # fmt: skip


def _top(
    store: Store, cur: duckdb.DuckDBPyConnection, where: str, params: list[object], filters: Filters
) -> pd.DataFrame:
    """The TOP_VALUES countries and people the matching articles carry most. Countries count as
    the facets count them: only the story's primary countries when the query says primary only."""
    (c_low, c_high), (p_low, p_high) = (store._id_range(kind) for kind in TOP_KINDS)
    rows = cur.execute(
        "SELECT e.value_id, e.value_id BETWEEN ? AND ? AS is_country, count(*) AS articles FROM entities e"
        " WHERE ((e.value_id BETWEEN ? AND ? AND (e.is_primary OR NOT ?)) OR e.value_id BETWEEN ? AND ?)"
        f" AND e.idx IN (SELECT a.idx FROM articles a WHERE {where}) GROUP BY e.value_id"
        " QUALIFY row_number() OVER (PARTITION BY is_country ORDER BY articles DESC, e.value_id) <= ?",
        [c_low, c_high, c_low, c_high, filters.primary_only, p_low, p_high, *params, TOP_VALUES],
    ).df()
    return pd.DataFrame(
        {
            "kind": rows["is_country"].map({True: "country", False: "person"}),
            "value": rows["value_id"].astype(int).map(store._names),
            "articles": rows["articles"].astype("int64"),
        }
    ).sort_values(["kind", "articles", "value"], ascending=[True, False, True], ignore_index=True)


def _totals(counted: pd.DataFrame, queries: int) -> pd.DataFrame:
    """Per query: matching articles (dated or not), undated, first and last day."""
    rows = []
    for position in range(queries):
        mine = counted[counted["query"] == position]
        dated = mine[mine["day"].notna()]
        rows.append({
            "query": position,
            "articles": int(mine["articles"].sum()),
            "undated": int(mine.loc[mine["day"].isna(), "articles"].sum()),
            "first": dated["day"].min().date() if len(dated) else None,
            "last": dated["day"].max().date() if len(dated) else None,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["query", "articles", "undated", "first", "last"])


# The store's own articles per day, asked once per open store (a generation never changes).
_STORE_DAYS: weakref.WeakKeyDictionary[Store, pd.DataFrame] = weakref.WeakKeyDictionary()


def store_days(store: Store) -> pd.DataFrame:
    """Every dated article in the store per day: the denominator of a share."""
    if store not in _STORE_DAYS:
        with store._cursor() as cur:
            frame = cur.execute(
                "SELECT published AS day, count(*) AS articles FROM articles"
                " WHERE published IS NOT NULL GROUP BY ALL ORDER BY day"
            ).df()
        frame["day"] = pd.to_datetime(frame["day"])
        _STORE_DAYS[store] = frame
    return _STORE_DAYS[store]


def span(answer: CompareDays) -> tuple[date | None, date | None]:
    """The first and last day any query covers (for choosing a granularity)."""
    if answer.days.empty:
        return None, None
    return answer.days["day"].min().date(), answer.days["day"].max().date()


def comparison(answer: CompareDays, granularity: str = "month") -> Comparison:
    """The days rolled up to periods, each query's count beside its share of the store's coverage."""
    granularity = granularity if granularity in GRANULARITIES else "month"
    code = PERIOD_CODES[granularity]
    store = _per_period(answer.store_days, code).rename(columns={"articles": "total"})
    counted = answer.days.assign(bucket=_period_starts(answer.days["day"], code))
    counted = counted.groupby(["query", "bucket"], as_index=False)["articles"].sum()
    periods = _periods_between(counted["bucket"], store["bucket"])
    queries = answer.totals["query"].tolist()
    grid = pd.DataFrame({"query": pd.Series(dtype="int64"), "bucket": pd.Series(dtype=store["bucket"].dtype)})
    if periods:
        grid = pd.MultiIndex.from_product([queries, periods], names=["query", "bucket"]).to_frame(index=False)
    series = grid.merge(counted, how="left", on=["query", "bucket"]).merge(store, how="left", on="bucket")
    series["articles"] = series["articles"].fillna(0).astype("int64")
    total = series["total"].fillna(0)
    # A query's articles are store articles: the share is at most 1, and 0 where the store has none.
    series["share"] = (series["articles"] / total.where(total > 0)).fillna(0.0)
    series["bucket"] = series["bucket"].dt.date
    return Comparison(
        series.loc[:, ["query", "bucket", "articles", "share"]],
        answer.totals,
        answer.top,
        granularity,
        DENOMINATOR.format(granularity=granularity),
    )


def _period_starts(days: pd.Series, code: str) -> pd.Series:
    return pd.to_datetime(days).dt.to_period(code).dt.start_time.dt.normalize()


def _per_period(days: pd.DataFrame, code: str) -> pd.DataFrame:
    bucketed = days.assign(bucket=_period_starts(days["day"], code))
    return bucketed.groupby("bucket", as_index=False)["articles"].sum()


def _periods_between(counted: pd.Series, store: pd.Series) -> list[pd.Timestamp]:
    """The store's periods from the first to the last one a query covers (periods with no article
    in the store at all are left out: nothing happened there to compare)."""
    if counted.empty:
        return []
    low, high = counted.min(), counted.max()
    return sorted(set(store[(store >= low) & (store <= high)]) | set(counted))


def comparison_csv(result: Comparison, names: Sequence[str]) -> bytes:
    """One CSV of every query: query name, period (its first day), granularity, articles, share."""
    frame = result.series.assign(
        query=result.series["query"].map(dict(enumerate(names))).map(inert_cell),
        period=result.series["bucket"].map(date.isoformat),
        granularity=result.granularity,
        share=result.series["share"].round(6),
    )
    return frame.loc[:, ["query", "period", "granularity", "articles", "share"]].to_csv(index=False).encode()


# Every error of DuckDB or the files is a StoreError past this point, as for Store's questions.
compare_days = guarded(compare_days)
query_days = guarded(query_days)
store_days = guarded(store_days)

__all__ = [
    "MAX_QUERIES", "CompareDays", "Comparison", "combine", "compare_days", "comparison", "comparison_csv",
    "query_days", "span",
]  # fmt: skip
