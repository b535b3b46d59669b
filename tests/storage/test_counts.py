"""Counts that add up: the timeline's sums checked by hand against the store's own tables."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from storage.layout import DATABASE, current_generation
from storage.query import WHOLE, Filters, Store


@pytest.fixture(scope="module")
def db(sample_store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    generation = current_generation(sample_store)
    assert generation is not None
    with contextlib.closing(duckdb.connect(str(generation / DATABASE), read_only=True)) as con:
        yield con


def per_month(frame: pd.DataFrame, series: str = WHOLE) -> dict[str, float]:
    rows = frame[frame["series"] == series]
    sums = rows.groupby("bucket")["value"].sum()
    return {pd.Timestamp(b).strftime("%Y-%m"): float(v) for b, v in sums.items()}


def by_hand(
    db: duckdb.DuckDBPyConnection, value: str, joins: str = "", where: str = "TRUE"
) -> dict[str, float]:
    rows = db.execute(
        f"SELECT strftime(date_trunc('month', a.published), '%Y-%m'), {value} FROM articles a {joins}"
        f" WHERE a.published IS NOT NULL AND {where} GROUP BY 1"
    ).fetchall()
    return {month: float(n) for month, n in rows}


def test_articles_per_month_are_the_summarys_articles(sample: Store, db: duckdb.DuckDBPyConnection) -> None:
    chart = sample.timeline(Filters(), "month", "articles")
    assert per_month(chart.frame) == by_hand(db, "count(*)")
    summary = sample.summary(Filters())
    assert sum(per_month(chart.frame).values()) + chart.undated == summary.articles


def test_copies_are_articles_plus_duplicates_folded(sample: Store, db: duckdb.DuckDBPyConnection) -> None:
    chart = sample.timeline(Filters(), "month", "copies")
    assert per_month(chart.frame) == by_hand(db, "sum(1 + duplicates)")
    summary = sample.summary(Filters())
    undated_copies = db.execute(
        "SELECT sum(1 + duplicates) FROM articles WHERE published IS NULL"
    ).fetchone()[0]
    assert sum(per_month(chart.frame).values()) + undated_copies == summary.articles + summary.duplicates


def test_sources_firm_and_weak_add_up_to_the_distinct_outlets(
    sample: Store, db: duckdb.DuckDBPyConnection
) -> None:
    chart = sample.timeline(Filters(), "month", "sources")
    joins = "JOIN group_sources c USING (duplicate_group)"
    assert per_month(chart.frame) == by_hand(db, "count(DISTINCT c.source)", joins)
    # the same with weak dates left out: only the firm part is drawn
    firm = chart.frame[~chart.frame["weak"]]
    assert per_month(firm) == by_hand(db, "count(DISTINCT c.source)", joins, "NOT a.weak_date")
    total = db.execute(f"SELECT count(DISTINCT c.source) FROM articles a {joins}").fetchone()[0]
    assert sample.summary(Filters()).sources == total


@pytest.mark.parametrize("split", ["country", "topic"])
def test_split_series_never_pass_their_whole(sample: Store, split: str) -> None:
    chart = sample.timeline(Filters(), "month", "articles", split)
    whole = per_month(chart.frame)
    series = set(chart.frame["series"]) - {WHOLE}
    assert series, "the split drew no series"
    for name in series:
        for month, value in per_month(chart.frame, name).items():
            assert value <= whole[month], (name, month)


def test_a_split_series_counts_each_tagged_article_once(sample: Store, db: duckdb.DuckDBPyConnection) -> None:
    chart = sample.timeline(Filters(), "month", "articles", "country")
    joins = "JOIN entities e ON e.idx = a.idx JOIN entity_values v USING (value_id)"
    for name in set(chart.frame["series"]) - {WHOLE}:
        expected = by_hand(db, "count(DISTINCT a.idx)", joins, f"v.kind = 'country' AND v.value = '{name}'")
        assert per_month(chart.frame, name) == expected


@pytest.mark.parametrize(
    ("measure", "split"), [("articles", "country"), ("copies", "topic"), ("sources", "none")]
)
def test_a_share_never_passes_one(sample: Store, measure: str, split: str) -> None:
    chart = sample.timeline(Filters(), "month", measure, split, share=True)
    for series in chart.frame["series"].unique():
        assert max(per_month(chart.frame, series).values()) <= 1.0 + 1e-9, series
    assert chart.denominator == f"share of all {measure} in the store in the same month"


def test_a_share_of_a_filtered_view_is_its_count_over_the_stores(sample: Store) -> None:
    narrowed = Filters(search="ceasefire")
    share = per_month(sample.timeline(narrowed, "year", "articles", share=True).frame)
    part = per_month(sample.timeline(narrowed, "year", "articles").frame)
    whole = per_month(sample.timeline(Filters(), "year", "articles").frame)
    assert share == pytest.approx({month: part[month] / whole[month] for month in part})


def test_far_outliers_are_counted_outside_the_core_span(tmp_path: Path) -> None:
    from loaders.normalize import build_corpus, copies_from_raw
    from loaders.schema import RawArticle
    from storage.build import write_store

    def raw(i: int, day: str) -> RawArticle:
        body = f"Report number {i} on talks in Doha about a truce. " * 5
        return RawArticle(title=f"Talks {i}", body=body, published_meta=day, source="Wire", origin=f"t{i}")

    dense = [raw(i, f"2024-01-{1 + i % 28:02d}") for i in range(60)]
    far = [raw(100, "2019-05-02"), raw(101, "2020-03-03"), raw(102, "2021-07-07")]
    path = tmp_path / "corpus"
    write_store(build_corpus(copies_from_raw(dense + far)), path)
    opened = Store(path)
    try:
        core = opened.core_span(Filters())
        assert core.outside == 3
        assert core.first is not None and core.last is not None
        assert core.first > pd.Timestamp("2023-06-01").date() and core.last.year == 2024
        assert (core.earliest, core.latest) == (pd.Timestamp("2019-05-02").date(), core.latest)
        # no outliers: the whole span, nothing outside
        assert opened.core_span(Filters(date_from=pd.Timestamp("2024-01-01").date())).outside == 0
    finally:
        opened.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_core_span_is_the_percentiles_sql_ranks(tmp_path: Path, seed: int) -> None:
    """The per-day reading of the core span against quantile_disc over every matching date."""
    import numpy as np

    from loaders.normalize import build_corpus, copies_from_raw
    from loaders.schema import RawArticle
    from storage.build import write_store
    from storage.query import CORE_MARGIN, CORE_QUANTILES

    rng = np.random.default_rng(seed)
    days = [*rng.integers(0, 40, 50).tolist(), *rng.integers(-900, 900, 4).tolist()]
    base = pd.Timestamp("2024-03-01")
    raws = [
        RawArticle(
            title=f"Round {i} of harbour talks",
            body=f"Negotiators met for round {i} of the harbour talks in Tunis. " * 4,
            published_meta=(base + pd.Timedelta(days=d)).date().isoformat(),
            source="Wire",
            origin=f"r{i}",
        )
        for i, d in enumerate(days)
    ]
    path = tmp_path / "corpus"
    write_store(build_corpus(copies_from_raw(raws)), path)
    opened = Store(path)
    try:
        core = opened.core_span(Filters())
        with opened.cursor() as cur:
            low, high, first, last = cur.execute(
                f"SELECT quantile_disc(published, {CORE_QUANTILES[0]}), quantile_disc(published,"
                f" {CORE_QUANTILES[1]}), min(published), max(published) FROM articles"
                " WHERE published IS NOT NULL"
            ).fetchall()[0]
            low, high, first, last = (pd.Timestamp(v).date() for v in (low, high, first, last))
            margin = pd.Timedelta(days=int((high - low).days * CORE_MARGIN) + 1)
            start, end = max(low - margin, first), min(high + margin, last)
            outside = cur.execute(
                "SELECT count(*) FROM articles WHERE published < ? OR published > ?", [start, end]
            ).fetchall()[0][0]
        assert (core.first, core.last, core.outside) == (start, end, outside)
        assert outside > 0  # the far dates do fall outside, so the comparison says something
    finally:
        opened.close()
