"""The Datasette comparison's SQLite export and URLs (Datasette itself is not needed here)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from benchmarks.datasette_compare import (
    DATASETTE_ARRAY_FACET_SQL,
    PLAIN_ARRAY_FACET_SQL,
    Window,
    country_counts_datasette,
    country_counts_ours,
    export_sqlite,
    facet_path,
    p95_ms,
    timed_runs,
    year_windows,
)
from storage.query import Filters, Store


@pytest.fixture(scope="module")
def exported(fixture_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path, int]:
    store = Store(fixture_store)
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite"
    return store, database, export_sqlite(store, database)


def _rows(database: Path, sql: str, params: dict | tuple = ()) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(database)) as con:
        return con.execute(sql, params).fetchall()


def test_every_article_is_exported(exported: tuple[Store, Path, int]) -> None:
    store, database, count = exported
    assert count == store.size == 6
    ids = {row[0] for row in _rows(database, "SELECT article_id FROM articles")}
    assert ids == set(store.export(Filters())["article_id"])


def test_countries_are_json_arrays_and_dates_iso(exported: tuple[Store, Path, int]) -> None:
    store, database, _ = exported
    theirs = {
        i: (json.loads(c), p)
        for i, c, p in _rows(database, "SELECT article_id, countries, published FROM articles")
    }
    for row in store.export(Filters()).itertuples():
        countries, published = theirs[row.article_id]
        assert countries == list(row.countries)
        assert published == (
            None
            if row.published is None or row.published != row.published
            else row.published.date().isoformat()
        )
    assert any(len(c) > 1 for c, _ in theirs.values())
    assert sum(p is None for _, p in theirs.values()) == 1  # the undated note on Gulf shipping


@pytest.mark.parametrize("sql", [DATASETTE_ARRAY_FACET_SQL, PLAIN_ARRAY_FACET_SQL])
def test_sqlite_facet_sql_counts_what_the_store_counts(exported: tuple[Store, Path, int], sql: str) -> None:
    store, database, _ = exported
    window = Window(date(2024, 1, 1), date(2025, 1, 1))
    rows = _rows(database, sql, {"start": "2024-01-01", "end": "2025-01-01", "limit": 13})
    assert dict(rows) == country_counts_ours(store.facets(window.filters()))
    assert dict(rows)["LBN"] == 1  # the Lebanon story and its copy are one article


@pytest.mark.parametrize(
    ("window", "arrays", "columns", "expected"),
    [
        (
            Window(date(2020, 1, 1), date(2021, 1, 1)),
            ("countries",),
            (),
            "/db/articles.json?_facet_array=countries&published__gte=2020-01-01&published__lt=2021-01-01&_size=0&_facet_size=12",
        ),
        (
            Window(date(2024, 3, 1), date(2024, 4, 1)),
            ("countries", "topics"),
            ("source",),
            "/db/articles.json?_facet_array=countries&_facet_array=topics&_facet=source&published__gte=2024-03-01&published__lt=2024-04-01&_size=0&_facet_size=12",
        ),
    ],
)
def test_facet_path(window: Window, arrays: tuple[str, ...], columns: tuple[str, ...], expected: str) -> None:
    assert facet_path(window, arrays, columns) == expected


def test_window_end_is_exclusive_for_datasette_inclusive_for_us() -> None:
    filters = Window(date(2020, 1, 1), date(2021, 1, 1)).filters()
    assert (filters.date_from, filters.date_to) == (date(2020, 1, 1), date(2020, 12, 31))


def test_year_windows_cover_the_store(exported: tuple[Store, Path, int]) -> None:
    windows = year_windows(exported[0])
    assert [w.start.year for w in windows] == [2022, 2023, 2024]


def test_a_timed_out_facet_is_an_error() -> None:
    answer = {"facets_timed_out": ["countries"], "facet_results": {}}
    with pytest.raises(RuntimeError, match="timed out"):
        country_counts_datasette(answer)
    ok = {"facets_timed_out": [], "facet_results": {"countries": {"results": [{"value": "IRN", "count": 3}]}}}
    assert country_counts_datasette(ok) == {"IRN": 3}


def test_timing_skips_warm_up_runs() -> None:
    seen: list[int] = []
    times = timed_runs(seen.append, reps=4, warmup=2)
    assert seen == [0, 1, 2, 3, 4, 5] and len(times) == 4
    assert p95_ms([0.001] * 19 + [1.0]) == 1.0  # nearest rank: the 19th of 20
    assert p95_ms([0.001] * 18 + [1.0, 1.0]) == 1000.0
