"""Facets on the page (AppTest): values left out kept in the URL, "Show all", counts in the find box."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage.query import FACET_LIMIT, Filters, Store

APP = Path(__file__).parents[1] / "app.py"


def _clear_caches() -> None:
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    cache_data_api.get_data_cache_stats_provider().clear_all()
    cache_resource_api.get_resource_cache_stats_provider().clear_all()


def _app(store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(store))
    _clear_caches()
    return AppTest.from_file(str(APP), default_timeout=60)


@pytest.fixture
def app(fixture_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return _app(fixture_store, monkeypatch)


def matching(at: AppTest) -> int:
    return int(next(m.value for m in at.metric if m.label == "Articles matching").replace(",", ""))


def expected(store_path: Path, filters: Filters) -> int:
    store = Store(store_path)
    try:
        return store.summary(filters).articles
    finally:
        store.close()


def test_a_left_out_country_in_the_url_narrows_the_page(app: AppTest, fixture_store: Path) -> None:
    app.query_params["country_not"] = ["LBN"]
    app.run()
    assert not app.exception
    assert app.multiselect(key="f_country_not").value == ["LBN"]
    left = expected(fixture_store, Filters(countries_not=("LBN",)))
    assert left < expected(fixture_store, Filters())
    assert matching(app) == left
    assert app.query_params["country_not"] in ("LBN", ["LBN"])


def test_leaving_a_value_out_writes_the_url(app: AppTest, fixture_store: Path) -> None:
    app.run()
    app.session_state["f_source_not"] = ["Levant Wire"]
    app.run()
    assert not app.exception
    assert app.query_params["source_not"] in ("Levant Wire", ["Levant Wire"])
    assert matching(app) == expected(fixture_store, Filters(sources_not=("Levant Wire",)))
    chips = app.pills(key="f_source-chips").options
    assert not any(option.startswith("Levant Wire") for option in chips), chips


def test_choosing_a_left_out_value_chooses_it(app: AppTest) -> None:
    app.query_params["country_not"] = ["LBN"]
    app.run()
    app.session_state["f_country"] = ["LBN"]
    app.run()
    assert not app.exception
    assert "country_not" not in app.query_params
    assert app.query_params["country"] in ("LBN", ["LBN"])


@pytest.mark.parametrize("junk", ["'; DROP TABLE articles; --", "<script>alert(1)</script>", "X" * 400])
def test_hostile_left_out_values_are_notices(app: AppTest, junk: str) -> None:
    app.query_params["country_not"] = [junk, "LBN"]
    app.run()
    assert not app.exception
    assert app.multiselect(key="f_country_not").value == ["LBN"]
    notices = " ".join(w.value for w in app.warning) + " ".join(i.value for i in app.info)
    assert "ignored 1 unknown country_not value" in notices.replace("\\", ""), notices


def test_the_find_box_shows_counts(app: AppTest, fixture_store: Path) -> None:
    app.run()
    box = app.multiselect(key="f_source")
    wire = expected(fixture_store, Filters(sources=("Levant Wire",)))
    assert f"Levant Wire · {wire:,}" in box.options, box.options
    app.session_state["q"] = "refugees"
    app.run()
    narrowed = expected(fixture_store, Filters(search="refugees", sources=("Levant Wire",)))
    assert narrowed < wire
    assert f"Levant Wire · {narrowed:,}" in app.multiselect(key="f_source").options


def test_show_all_lists_every_country(sample_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(sample_store, monkeypatch).run()
    top = at.pills(key="f_country-chips").options
    assert len(top) == FACET_LIMIT
    store = Store(sample_store)
    try:
        carried = len(store.facet_lists(Filters(), 10_000)["country"].counts)
    finally:
        store.close()
    show = next(b for b in at.button if b.label == f"Show all {carried:,}")
    show.click().run()
    assert not at.exception
    assert len(at.pills(key="f_country-chips").options) == carried > FACET_LIMIT
    next(b for b in at.button if b.label == f"Show top {FACET_LIMIT}").click().run()
    assert len(at.pills(key="f_country-chips").options) == FACET_LIMIT
