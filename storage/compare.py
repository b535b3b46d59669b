"""Queries compared side by side: articles per period for two to five filter sets, as counts and
as shares of all coverage in the store, with each query's totals and its top countries and people.

Two steps: `compare_days` asks the store (one SQL statement per query, the matching articles and
their days, then counted per day and per country and person in numpy), `comparison` rolls the days
up to a granularity, so changing day/week/month costs no SQL. Like storage.query, every outside
value reaches SQL as a bound parameter.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from storage.export import inert_cell
from storage.guard import guarded
from storage.query import GRANULARITIES, Filters, Store
from storage.top_values import top_values

# A chart of more lines than this is unreadable, and each query costs SQL on every rerun.
MAX_QUERIES = 5
# Top countries and people listed per query.
TOP_VALUES = 5
DAY_ZERO = date(1970, 1, 1).toordinal()  # numpy's day 0
# The day number an undated article is read with: below any date (day numbers are int32).
UNDATED_DAY = -(2**31)
EPOCH_WEEKDAY = 3  # 1970-01-01, day 0, was a Thursday: (day + 3) % 7 is 0 on Mondays
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
    adding a third query does not ask the first two again. One statement, the matching articles
    and their days; then in numpy their count per day and their top countries and people
    (storage.top_values). At 1M articles a query matching 636k articles costs ~25 ms that way;
    one statement counting days and unnesting the articles' value lists cost ~140."""
    where, params = store.where(filters)
    with store.cursor() as cur:
        found = cur.execute(
            "SELECT a.idx, coalesce(a.published::DATE - DATE '1970-01-01', ?) AS day"
            f" FROM articles a WHERE {where}",
            [UNDATED_DAY, *params],
        ).fetchnumpy()
    top = top_values(store, np.asarray(found["idx"]), filters.primary_only, TOP_VALUES)
    days, counts = np.unique(np.asarray(found["day"], dtype="int64"), return_counts=True)
    dated = days != UNDATED_DAY
    undated = int(counts[~dated].sum())
    return CompareDays(
        _day_frame(days[dated], counts[dated]),
        store_days(store),
        _totals(days[dated], counts[dated], undated),
        _top_frame(store, top),
    )


def _day_frame(days: np.ndarray, counts: np.ndarray) -> pd.DataFrame:
    """Day numbers and their article counts as (query 0, day, articles)."""
    return pd.DataFrame({
        "query": np.zeros(len(days), dtype="int64"),
        "day": days.astype("datetime64[D]"),
        "articles": counts.astype("int64"),
    })  # fmt: skip


def _top_frame(store: Store, top: list[tuple[int, int]]) -> pd.DataFrame:
    """Ranked per kind: most articles first, then by name."""
    last_country = store.id_range("country")[1]
    rows = sorted(
        (("country" if value_id <= last_country else "person"), store.value_name(value_id), n)
        for value_id, n in top
    )
    rows.sort(key=lambda r: (r[0], -r[2]))  # stable: names stay in order within a count
    return pd.DataFrame(
        {"query": np.zeros(len(rows), dtype="int64"), "kind": [r[0] for r in rows],
         "value": [r[1] for r in rows], "articles": np.array([r[2] for r in rows], dtype="int64")}
    )  # fmt: skip


def _totals(days: np.ndarray, counts: np.ndarray, undated: int) -> pd.DataFrame:
    """One query's matching articles (dated or not), undated, first and last day (days ascending)."""
    first, last = (date.fromordinal(DAY_ZERO + int(days[i])) if len(days) else None for i in (0, -1))
    return pd.DataFrame(
        {"query": [0], "articles": [int(counts.sum()) + undated], "undated": [undated],
         "first": [first], "last": [last]}
    )  # fmt: skip


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


def _empty_days() -> pd.DataFrame:
    return pd.DataFrame({"query": pd.Series(dtype="int64"), "day": pd.Series(dtype="datetime64[s]"),
                         "articles": pd.Series(dtype="int64")})  # fmt: skip


# The store's own articles per day, asked once per open store (a generation never changes).
_STORE_DAYS: weakref.WeakKeyDictionary[Store, pd.DataFrame] = weakref.WeakKeyDictionary()


def store_days(store: Store) -> pd.DataFrame:
    """Every dated article in the store per day: the denominator of a share."""
    if store not in _STORE_DAYS:
        with store.cursor() as cur:
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
    """The days rolled up to periods, each query's count beside its share of the store's coverage.
    numpy on day numbers: pandas' to_period and merges took 85-275 ms for five queries at 10k."""
    granularity = granularity if granularity in GRANULARITIES else "month"
    periods, totals = _per_period(answer.store_days, granularity)
    queries, buckets, counts = _per_query_period(answer.days, granularity)
    # A query's periods are store periods. Drawn: the store's periods from the first to the last
    # period any query covers (where the store has nothing, no query has anything either).
    inside = (periods >= buckets.min()) & (periods <= buckets.max()) if len(buckets) else periods < 0
    periods, totals = periods[inside], totals[inside]
    positions = answer.totals["query"].to_numpy(dtype="int64")
    articles = np.zeros((len(positions), len(periods)), dtype="int64")
    articles[np.searchsorted(positions, queries), np.searchsorted(periods, buckets)] = counts
    # A query's articles are store articles: the share is at most 1 (0 where the store has none).
    share = np.divide(articles, totals, out=np.zeros(articles.shape), where=totals > 0)
    series = pd.DataFrame(
        {
            "query": np.repeat(positions, len(periods)),
            "bucket": [date.fromordinal(DAY_ZERO + int(d)) for d in np.tile(periods, len(positions))],
            "articles": articles.ravel(),
            "share": share.ravel(),
        }
    )
    return Comparison(
        series, answer.totals, answer.top, granularity, DENOMINATOR.format(granularity=granularity)
    )


def _period_starts(days: np.ndarray, granularity: str) -> np.ndarray:
    """The first day of each day's period, as day numbers; weeks start on Monday like DuckDB's."""
    if granularity == "week":
        return days - (days + EPOCH_WEEKDAY) % 7
    if granularity in ("month", "year"):
        unit = "M" if granularity == "month" else "Y"
        return (
            days.astype("datetime64[D]").astype(f"datetime64[{unit}]").astype("datetime64[D]").astype("int64")
        )
    return days


def _day_numbers(frame: pd.DataFrame) -> np.ndarray:
    return frame["day"].to_numpy(dtype="datetime64[D]").astype("int64")


def _per_period(frame: pd.DataFrame, granularity: str) -> tuple[np.ndarray, np.ndarray]:
    """Periods (day numbers of their first day, ascending) and the articles in each."""
    periods, where = np.unique(_period_starts(_day_numbers(frame), granularity), return_inverse=True)
    weights = frame["articles"].to_numpy(dtype="float64")
    return periods, np.bincount(where, weights=weights, minlength=len(periods)).astype("int64")


def _per_query_period(frame: pd.DataFrame, granularity: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query, period, articles) summed per query and period."""
    keys = pd.DataFrame({"query": frame["query"].to_numpy(dtype="int64"),
                         "bucket": _period_starts(_day_numbers(frame), granularity),
                         "articles": frame["articles"].to_numpy(dtype="int64")})  # fmt: skip
    summed = keys.groupby(["query", "bucket"], as_index=False, sort=True)["articles"].sum()
    return summed["query"].to_numpy(), summed["bucket"].to_numpy(), summed["articles"].to_numpy()


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
