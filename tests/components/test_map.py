"""The coverage map: counts per country on shipped shapes, a click picks a country, URL state."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.data import FACET_VALUES_COUNTED
from components.map import clicked_country, figure
from loaders.gazetteer import GAZETTEER_DIR, country_shapes, read_table

APP = Path(__file__).parents[2] / "app.py"


# Gazetteer entries Natural Earth draws no country for at 1:50m: territories, defunct codes,
# Kosovo (no ISO number) and the smallest islands. The map says nothing of them; the facet does.
UNDRAWN = {
    "ATA",
    "BVT",
    "CXR",
    "CCK",
    "GUF",
    "GIB",
    "GLP",
    "XKX",
    "MTQ",
    "MYT",
    "ANT",
    "SCG",
    "SJM",
    "TKL",
    "TUV",
    "UMI",
}


def test_every_gazetteer_country_but_the_undrawn_has_a_shape() -> None:
    shipped = {feature["id"] for feature in country_shapes()["features"]}
    rows = read_table(GAZETTEER_DIR / "countries.csv")
    assert {r["iso3"] for r in rows} - shipped == UNDRAWN
    region = {r["iso3"] for r in rows if r["region"] in ("Middle East", "North Africa")}
    assert region <= shipped  # every country the coverage is about


def test_covered_countries_are_coloured_by_their_count_and_named_as_text() -> None:
    counts = pd.DataFrame({"value": ["LBN", "EGY"], "count": [7, 3]})
    spec = figure(counts, country_shapes(), lambda code: {"LBN": "<b>Lebanon</b>"}.get(code, code)).to_dict()
    (shown,) = spec["data"]
    assert len(shown["locations"]) == len(country_shapes()["features"])  # the whole world drawn
    drawn = dict(zip(shown["locations"], shown["z"], strict=True))
    assert {code: n for code, n in drawn.items() if n} == {"EGY": 3, "LBN": 7}
    assert "&lt;b&gt;Lebanon&lt;/b&gt;" in shown["text"]
    assert shown["colorbar"]["dtick"] == 1  # a few articles: whole steps, no "1 1 2 2"
    many = figure(pd.DataFrame({"value": ["EGY"], "count": [5_000]}), country_shapes(), str).to_dict()
    assert "dtick" not in many["data"][0]["colorbar"]
    # Nothing to fetch: no tile source, no style URL.
    assert spec["layout"]["map"]["style"] == "white-bg"


def test_the_sidebars_country_facet_can_hold_every_country_the_map_draws() -> None:
    """The map draws the country facet's counts: a facet cut short would leave countries grey."""
    assert len(read_table(GAZETTEER_DIR / "countries.csv")) <= FACET_VALUES_COUNTED


def test_the_shapes_reach_the_chart_uncopied_and_whole() -> None:
    """Plotly copies a figure's data twice a rerun; the shipped outlines must not be copied (~30 ms
    at every rerun) and must still be sent in full."""
    shapes = country_shapes()
    spec = figure(pd.DataFrame({"value": ["EGY"], "count": [1]}), shapes, str).to_dict()
    (shown,) = spec["data"]
    assert shown["geojson"]["features"] is shapes["features"]
    assert json.loads(json.dumps(shown["geojson"])) == shapes


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"selection": {"points": [{"location": "EGY", "customdata": "EGY"}]}}, "EGY"),
        ({"selection": {"points": [{"customdata": "JOR"}]}}, "JOR"),
        ({"selection": {"points": []}}, None),
        ({}, None),
        (None, None),
    ],
)
def test_a_click_names_the_country(event: object, expected: str | None) -> None:
    assert clicked_country(event) == expected


@pytest.fixture
def app(fixture_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(fixture_store))
    at = AppTest.from_file(str(APP), default_timeout=60)
    return at


def map_spec(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def test_the_map_is_kept_in_the_url_and_counts_what_the_facet_counts(app: AppTest) -> None:
    app.query_params["chart"] = "map"
    app.run()
    assert not app.exception
    spec = map_spec(app)
    assert [trace["type"] for trace in spec["data"]] == ["choroplethmap"]
    mapped = dict(zip(spec["data"][0]["locations"], spec["data"][0]["z"], strict=True))
    facet = app.session_state["f_country"]  # nothing chosen yet
    assert facet == []
    assert mapped.get("LBN") == 1 and mapped.get("JOR") == 2, mapped  # Lebanon folded, Jordan twice
    assert any("counts once in each" in c.value for c in app.caption)


def test_the_map_asks_no_facet_question_of_its_own(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The map draws the sidebar's country facet: one facet question a rerun, not two."""
    import streamlit as st

    from storage.query import Store

    asked: list[object] = []
    counted = Store.facet_lists
    monkeypatch.setattr(Store, "facet_lists", lambda self, *a, **k: asked.append(a) or counted(self, *a, **k))
    st.cache_data.clear()
    app.query_params["chart"] = "map"
    app.query_params["country"] = "JOR"
    app.run()
    assert not app.exception
    assert len(asked) == 1, asked
    mapped = dict(zip(map_spec(app)["data"][0]["locations"], map_spec(app)["data"][0]["z"], strict=True))
    assert {c: n for c, n in mapped.items() if n} == {"JOR": 2, "EGY": 1, "PSE": 1, "SYR": 1}


def test_a_clicked_country_becomes_the_country_filter(app: AppTest) -> None:
    app.query_params["chart"] = "map"
    app.run()
    app.session_state["f_country"] = ["EGY"]  # what the map's click callback writes
    app.run()
    assert next(m for m in app.metric if m.label == "Articles matching").value == "1"


def test_an_unknown_chart_is_a_notice(app: AppTest) -> None:
    app.query_params["chart"] = "pie"
    app.run()
    assert not app.exception
    assert any("chart" in w.value for w in app.warning)
    assert len(app.get("plotly_chart")) == 1  # the timeline, the default
