"""Queries compared side by side, on the invented fixture corpus: each query's counts are the
counts its own Filters give, shares never pass 1, the CSV holds every query and period."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from storage.compare import MAX_QUERIES, combine, compare_days, comparison, comparison_csv, query_days, span
from storage.query import GRANULARITIES, Filters, Store

QUERIES = [
    Filters(),
    Filters(search="ceasefire"),
    Filters(countries=("JOR",)),
    Filters(search="refugees OR nuclear", date_from=date(2022, 1, 1), date_to=date(2023, 12, 31)),
    Filters(countries=("LBN", "ISR"), countries_mode="all", primary_only=True),
]
NOTHING = Filters(search="zeppelin")  # no fixture article says it


@pytest.fixture(scope="module")
def store(fixture_store: Path) -> Iterator[Store]:
    opened = Store(fixture_store)
    yield opened
    opened.close()


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_each_querys_counts_are_its_own_filters_counts(store: Store, granularity: str) -> None:
    result = comparison(compare_days(store, QUERIES), granularity)
    for position, filters in enumerate(QUERIES):
        summary = store.summary(filters)
        totals = result.totals.set_index("query").loc[position]
        assert totals["articles"] == summary.articles
        assert totals["undated"] == summary.undated
        assert (totals["first"], totals["last"]) == (summary.first, summary.last)
        drawn = result.series[result.series["query"] == position]
        assert drawn["articles"].sum() == summary.articles - summary.undated
        whole = store.timeline(filters, granularity).frame
        expected = whole.groupby("bucket")["value"].sum()
        assert drawn.set_index("bucket")["articles"].loc[lambda s: s > 0].to_dict() == {
            pd.Timestamp(b).date(): v for b, v in expected.items()
        }


@pytest.mark.parametrize("granularity", GRANULARITIES)
def test_shares_are_of_all_coverage_and_never_pass_one(store: Store, granularity: str) -> None:
    result = comparison(compare_days(store, QUERIES), granularity)
    assert result.series["share"].between(0, 1).all()
    everything = result.series[result.series["query"] == 0]
    assert (everything["share"] == 1).all(), "all coverage is all of the store in every period"
    shares = store.timeline(QUERIES[2], granularity, share=True).frame.groupby("bucket")["value"].sum()
    mine = result.series[result.series["query"] == 2].set_index("bucket")["share"]
    for bucket, value in shares.items():
        assert mine[pd.Timestamp(bucket).date()] == pytest.approx(value)
    assert "share of all articles in the store" in result.denominator


def test_every_period_of_the_span_is_on_every_line(store: Store) -> None:
    """A query with no article in a period draws a zero there, not a line across the gap."""
    result = comparison(compare_days(store, QUERIES[:3]), "year")
    periods = result.series.groupby("query")["bucket"].apply(tuple)
    assert periods.nunique() == 1
    assert periods.iloc[0] == (date(2022, 1, 1), date(2023, 1, 1), date(2024, 1, 1))
    ceasefire = result.series[result.series["query"] == 1].set_index("bucket")["articles"]
    assert ceasefire[date(2022, 1, 1)] == 0


def test_weeks_start_on_monday_like_the_store(store: Store) -> None:
    result = comparison(compare_days(store, [Filters()]), "week")
    assert all(b.weekday() == 0 for b in result.series["bucket"])


def test_top_countries_are_the_facet_counts(store: Store) -> None:
    for filters in QUERIES:
        top = query_days(store, filters).top
        countries = top[top["kind"] == "country"].set_index("value")["articles"]
        facet = store.facets(filters, limit=1000)["country"].set_index("value")["count"]
        assert len(countries) <= 5
        assert all(facet[v] == n for v, n in countries.items())
        assert countries.is_monotonic_decreasing
        assert set(countries.index) >= set(facet[facet > countries.min()].index) if len(countries) else True


def test_a_query_matching_nothing_is_zeros_not_an_error(store: Store) -> None:
    answer = compare_days(store, [NOTHING])
    assert answer.totals["articles"].tolist() == [0]
    assert answer.days.empty and answer.top.empty
    assert span(answer) == (None, None)
    assert comparison(answer, "month").series.empty
    beside = comparison(compare_days(store, [QUERIES[1], NOTHING]), "month")
    nothing = beside.series[beside.series["query"] == 1]
    assert len(nothing) == len(beside.series) / 2 and (nothing["articles"] == 0).all()


def test_no_queries_is_an_empty_answer(store: Store) -> None:
    result = comparison(compare_days(store, []), "month")
    assert result.series.empty and result.totals.empty


def test_at_most_five_queries_are_asked(store: Store) -> None:
    answer = compare_days(store, [Filters(search=w) for w in "abcdefgh"])
    assert len(answer.totals) == MAX_QUERIES


def test_combined_answers_number_queries_in_order(store: Store) -> None:
    parts = [query_days(store, f) for f in (QUERIES[2], QUERIES[1])]
    combined = combine(parts, store)
    assert combined.totals["query"].tolist() == [0, 1]
    assert combined.totals["articles"].tolist() == [store.summary(QUERIES[2]).articles, 2]


def test_csv_names_every_query_and_period_and_is_spreadsheet_safe(store: Store) -> None:
    result = comparison(compare_days(store, QUERIES[:2]), "year")
    text = comparison_csv(result, ["All", "=HYPERLINK(evil)"]).decode()
    frame = pd.read_csv(io.StringIO(text))
    assert frame.columns.tolist() == ["query", "period", "granularity", "articles", "share"]
    assert set(frame["query"]) == {"All", "'=HYPERLINK(evil)"}
    assert len(frame) == len(result.series)
    assert frame["share"].max() <= 1
    assert frame.loc[frame["query"] == "All", "articles"].sum() == store.summary(Filters()).articles - 1


def test_top_people_are_the_person_facet_counts(sample: Store) -> None:
    """People are counted wherever they are named: primary only narrows countries, not people."""
    country = sample.facet_values("country")["value"].iloc[0]
    for filters in (Filters(), Filters(countries=(country,), primary_only=True), Filters(search="talks")):
        top = query_days(sample, filters).top
        people = top[top["kind"] == "person"].set_index("value")["articles"]
        facet = sample.facets(filters, limit=1000)["person"].set_index("value")["count"]
        assert len(people) == min(5, len(facet)) > 0
        assert all(facet[v] == n for v, n in people.items())
        assert set(people.index) >= set(facet[facet > people.min()].index)


def test_primary_only_top_countries_count_only_primary_tags(store: Store) -> None:
    """Jordan is named in two fixture articles and the primary country of one."""
    mentioned, primary = (query_days(store, Filters(primary_only=only)).top for only in (False, True))
    counts = [t[t["kind"] == "country"].set_index("value")["articles"] for t in (mentioned, primary)]
    facet = store.facets(Filters(primary_only=True), limit=1000)["country"].set_index("value")["count"]
    assert counts[0]["JOR"] == 2 and "JOR" not in counts[1]
    assert all(facet[v] == n for v, n in counts[1].items())
    assert set(counts[1].index) >= set(facet[facet > counts[1].min()].index)


def test_each_kind_has_one_range_of_ids(store: Store) -> None:
    for kind in ("country", "person"):
        low, high = store.id_range(kind)
        names = {store.value_name(i) for i in range(low, high + 1)}
        assert names == set(store.facet_values(kind)["value"])
    assert store.id_range("no such kind") == (0, -1)


def test_a_tie_at_the_cut_keeps_the_lower_value_ids(store: Store) -> None:
    """Seven countries share the fifth place under no filter: the listed ones are the first by id,
    as the SQL this replaced ranked them (ORDER BY articles DESC, value_id)."""
    top = query_days(store, Filters()).top
    listed = top[top["kind"] == "country"].set_index("value")["articles"]
    facet = store.facets(Filters(), limit=1000)["country"].set_index("value")["count"]
    cut = int(listed.min())
    low, high = store.id_range("country")
    ids = {store.value_name(i): i for i in range(low, high + 1)}
    tied = sorted(facet[facet == cut].index, key=ids.__getitem__)
    room = 5 - int((facet > cut).sum())
    assert len(tied) > room > 0, "the fixture must tie at the cut for this to test anything"
    assert list(listed[listed == cut].index) == sorted(tied[:room])
