"""Facets beyond the top values, and values left out ("not United States"), on invented corpora."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from loaders.schema import KINDS
from storage.query import FACET_LIMIT, FacetValues, Filters, Store


@pytest.fixture(scope="module")
def small(fixture_store: Path) -> Iterator[Store]:
    opened = Store(fixture_store)
    yield opened
    opened.close()


def every_value(store: Store, filters: Filters, kind: str, limit: int = 10_000) -> FacetValues:
    return store.facet_lists(filters, limit)[kind]


def counts(store: Store, filters: Filters, kind: str) -> dict[str, int]:
    frame = every_value(store, filters, kind).counts
    return dict(zip(frame["value"], frame["count"], strict=True))


def leave_out(kind: str, *values: str, **others: object) -> Filters:
    row = next(k for k in KINDS if k.name == kind)
    return Filters(**{row.exclude_field: values}, **others)


@pytest.mark.parametrize("kind", ["source", "country", "topic"])
def test_leaving_a_value_out_matches_the_rest(sample: Store, kind: str) -> None:
    """Articles not carrying a value = all articles - those carrying it (its facet count), for
    single-valued sources and multi-valued countries and topics alike."""
    total = sample.summary(Filters()).articles
    for value, carrying in list(counts(sample, Filters(), kind).items())[:3]:
        assert sample.summary(leave_out(kind, value)).articles == total - carrying
        assert counts(sample, leave_out(kind, value), kind).get(value, 0) == 0


def test_left_out_sources_sum_with_the_rest(sample: Store) -> None:
    """Sources are one per article: leaving two out leaves exactly the others' counts."""
    by_source = counts(sample, Filters(), "source")
    out = list(by_source)[:2]
    rest = counts(sample, leave_out("source", *out), "source")
    assert rest == {value: n for value, n in by_source.items() if value not in out}


def test_leaving_out_applies_to_results_timeline_and_export(sample: Store) -> None:
    value, carrying = next(iter(counts(sample, Filters(), "country").items()))
    filters = leave_out("country", value)
    matching = sample.summary(filters).articles
    assert matching == sample.summary(Filters()).articles - carrying
    chart = sample.timeline(filters, "year")
    whole = chart.frame[chart.frame["series"] == "all"]["value"].sum()
    assert whole + chart.undated == matching
    exported = sample.export(filters)
    assert len(exported) == matching
    assert not any(value in list(countries) for countries in exported["countries"])
    shown = sample.results(filters, page_size=1000)
    assert len(shown) == matching


def test_left_out_with_a_chosen_value_and_dates(sample: Store) -> None:
    top = list(counts(sample, Filters(), "country"))
    chosen, out = top[0], top[1]
    within = Filters(countries=(chosen,), date_from=date(2024, 1, 1))
    both = sample.summary(within).articles
    carrying_out = counts(sample, within, "country").get(out, 0)
    narrowed = Filters(countries=(chosen,), date_from=date(2024, 1, 1), countries_not=(out,))
    assert sample.summary(narrowed).articles == both - carrying_out


def test_primary_only_leaves_out_where_the_story_is_about_it(sample: Store) -> None:
    primary = Filters(primary_only=True)
    value, carrying = next(iter(counts(sample, primary, "country").items()))
    filters = leave_out("country", value, primary_only=True)
    assert sample.summary(filters).articles == sample.summary(primary).articles - carrying


def test_unknown_or_hostile_left_out_values_leave_nothing_out(small: Store) -> None:
    total = small.summary(Filters()).articles
    hostile = ("'; DROP TABLE articles; --", "<script>", "X" * 300, "")
    assert small.summary(leave_out("country", *hostile)).articles == total
    assert small.summary(leave_out("source", "<b>Evil</b> Source")).articles == total - 1


def test_leaving_out_the_fixtures_source(small: Store) -> None:
    total = small.summary(Filters()).articles
    wire = counts(small, Filters(), "source")["Levant Wire"]
    assert small.summary(leave_out("source", "Levant Wire")).articles == total - wire


def test_show_all_returns_every_value(sample: Store) -> None:
    """Beyond the top FACET_LIMIT: every value under the filters, each with its own count."""
    every = every_value(sample, Filters(), "country")
    assert every.total == len(every.counts) > FACET_LIMIT
    assert every.counts.head(FACET_LIMIT).equals(sample.facets(Filters())["country"])
    assert every.counts["count"].is_monotonic_decreasing
    carried = {v for countries in sample.export(Filters())["countries"] for v in countries}
    assert set(every.counts["value"]) == carried


def test_show_all_is_bounded_and_says_how_many(sample: Store) -> None:
    every = every_value(sample, Filters(), "country", limit=5)
    assert len(every.counts) == 5
    assert every.total == len(every_value(sample, Filters(), "country").counts) > 5


def test_show_all_keeps_the_chosen_value_first(sample: Store) -> None:
    last = every_value(sample, Filters(), "country").counts["value"].iloc[-1]
    chosen = every_value(sample, Filters(countries=(last,)), "country", limit=3).counts
    assert chosen["value"].iloc[0] == last


def _story(store: Store) -> str:
    with store.cursor() as cur:
        return cur.execute("SELECT story_id FROM stories ORDER BY articles DESC LIMIT 1").fetchall()[0][0]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(search="ceasefire"),
        Filters(search="-ceasefire"),
        Filters(countries=("JOR", "LBN"), countries_mode="all", primary_only=True),
        Filters(countries=("JOR",), topics_not=("humanitarian",)),
        Filters(countries=("XXX",)),
        Filters(story="the largest"),
    ],
)
def test_a_where_without_dates_reads_only_the_idx(sample: Store, filters: Filters) -> None:
    """Facets ask article_values itself when the WHERE reads nothing but a.idx: a clause reading
    another column of the articles would fail here (article_values has no such column)."""
    if filters.story:
        filters = Filters(story=_story(sample))
    assert Store.reads_only_idx(filters)
    where, params = sample.where(filters)
    with sample.cursor() as cur:
        on_articles = cur.execute(f"SELECT a.idx FROM articles a WHERE {where} ORDER BY 1", params).fetchall()
        on_values = cur.execute(
            f"SELECT a.idx FROM article_values a WHERE {where} ORDER BY 1", params
        ).fetchall()
    assert on_values == on_articles


@pytest.mark.parametrize(
    "filters", [Filters(date_from=date(2023, 1, 1)), Filters(date_to=date(2023, 1, 1), countries=("JOR",))]
)
def test_dated_facets_count_the_dated_articles(sample: Store, filters: Filters) -> None:
    """Dates read a.published: the facets then ask through the articles, and count what matches."""
    assert not Store.reads_only_idx(filters)
    expected = sample.summary(filters).articles
    languages = every_value(sample, filters, "language").counts  # one language an article
    assert int(languages["count"].sum()) == expected
