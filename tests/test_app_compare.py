"""Compare queries on the page (AppTest on the invented fixture store): URL state, empty states,
Compare this, rename, edit in place, remove."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import APP, _clear_caches

ALL = urlencode({"name": "All of it"})
JORDAN = urlencode({"name": "Jordan", "country": "JOR"})
NOTHING = urlencode({"name": "Zeppelins", "q": "zeppelin"})


@pytest.fixture
def app(fixture_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(fixture_store))
    _clear_caches()
    return AppTest.from_file(str(APP), default_timeout=60)


def comparison_chart(at: AppTest) -> dict:
    charts = [c for c in at.get("plotly_chart") if c.proto.id and "compare_chart" in c.proto.id]
    assert len(charts) == 1, "one comparison chart on the page"
    return json.loads(charts[0].proto.spec)


def table(at: AppTest) -> list[dict]:
    frames = [d.value for d in at.dataframe if "Query" in d.value.columns]
    assert len(frames) == 1
    return frames[0].to_dict("records")


def cmp_values(at: AppTest) -> list[str]:
    value = at.query_params.get("cmp", [])
    return [value] if isinstance(value, str) else list(value)


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_compared_queries_open_from_the_url_and_stay_in_it(app: AppTest) -> None:
    app.query_params["chart"] = "compare"
    app.query_params["cmp"] = [ALL, JORDAN]
    app.run()
    assert not app.exception
    rows = table(app)
    assert [(r["Query"], r["Articles"], r["Undated"]) for r in rows] == [
        ("All of it", 6, 1),
        ("Jordan", 2, 0),
    ]
    assert "Jordan (2)" in rows[1]["Top countries"]
    figure = comparison_chart(app)
    assert [t["name"] for t in figure["data"]] == ["All of it", "Jordan"]
    assert cmp_values(app) == [ALL, JORDAN], "the URL keeps the queries as they came"
    assert not app.warning


def test_share_scale_is_of_all_coverage(app: AppTest) -> None:
    app.query_params["chart"] = "compare"
    app.query_params["cmp"] = [ALL, JORDAN]
    app.query_params["scale"] = "share"
    app.query_params["gran"] = "year"
    app.run()
    figure = comparison_chart(app)
    assert "share of all articles in the store in the same year" in figure["layout"]["yaxis"]["title"]["text"]
    assert "never above 100%" in captions(app)


def test_no_queries_yet_says_how_to_start(app: AppTest) -> None:
    app.query_params["chart"] = "compare"
    app.run()
    assert not app.exception
    assert any("No queries to compare yet" in i.value for i in app.info)
    assert not [c for c in app.get("plotly_chart")]


def test_a_query_matching_nothing_says_so(app: AppTest) -> None:
    app.query_params["chart"] = "compare"
    app.query_params["cmp"] = [NOTHING]
    app.run()
    assert not app.exception
    assert any("nothing to draw" in i.value for i in app.info)
    assert "**Zeppelins** matches no article" in captions(app)
    assert table(app)[0]["Articles"] == 0


def test_hostile_cmp_values_are_notices_and_the_rest_opens(app: AppTest) -> None:
    app.query_params["chart"] = "compare"
    app.query_params["cmp"] = [JORDAN, "q=" + "x" * 5000, "name=%3Cscript%3E&country=XXX", *[ALL] * 6]
    app.run()
    assert not app.exception
    notices = " ".join(w.value for w in app.warning)
    assert "kept the first 5" in notices and "longer than" in notices and "unknown country" in notices
    names = [r["Query"] for r in table(app)]
    assert names == ["Jordan", "<script>", "All of it", "All of it (2)"]
    assert all("<script>" not in e.label.replace("\\<script\\>", "") for e in app.expander)


def test_compare_this_adds_the_view_and_keeps_it_in_the_url(app: AppTest) -> None:
    app.run()
    app.button(key="compare_this").click().run()
    assert app.query_params["chart"] in ("compare", ["compare"])
    assert cmp_values(app) == ["name=All+coverage"]
    app.session_state["f_country"] = ["JOR"]
    app.run()
    app.button(key="compare_this").click().run()
    assert not app.exception
    assert cmp_values(app) == ["name=All+coverage", "name=Jordan&country=JOR"]
    assert [t["name"] for t in comparison_chart(app)["data"]] == ["All coverage", "Jordan"]
    app.button(key="compare_this").click().run()  # the same view again
    assert any("already compared as" in i.value and "Jordan" in i.value for i in app.info)
    assert len(cmp_values(app)) == 2


def test_a_query_is_renamed_and_its_words_changed_in_place(app: AppTest) -> None:
    app.query_params["chart"] = "compare"
    app.query_params["cmp"] = [ALL, JORDAN]
    app.run()
    app.text_input(key="cmp_name_1").set_value("Jordan, refugees")
    app.text_input(key="cmp_words_1").set_value("refugees")
    app.button(key="cmp_save_1").click().run()
    assert not app.exception
    assert cmp_values(app)[1] == urlencode({"name": "Jordan, refugees", "q": "refugees", "country": "JOR"})
    assert table(app)[1]["Articles"] == 1


def test_a_query_is_loaded_into_the_page_changed_and_saved_back(app: AppTest) -> None:
    app.query_params["chart"] = "compare"
    app.query_params["cmp"] = [ALL, JORDAN]
    app.run()
    app.button(key="cmp_load_1").click().run()
    assert app.multiselect(key="f_country").value == ["JOR"]
    app.session_state["f_country"] = ["JOR", "EGY"]
    app.run()
    app.button(key="cmp_save_1_page").click().run()
    assert not app.exception
    assert cmp_values(app)[1] == urlencode({"name": "Jordan", "country": ["JOR", "EGY"]}, doseq=True)
    assert table(app)[1]["Articles"] == 2  # Jordan or Egypt: the Cairo and the refugees stories
    assert "cmp_save_1_page" not in [b.key for b in app.button]


def test_a_query_is_removed(app: AppTest) -> None:
    app.query_params["chart"] = "compare"
    app.query_params["cmp"] = [ALL, JORDAN, NOTHING]
    app.run()
    app.button(key="cmp_remove_0").click().run()
    assert not app.exception
    assert cmp_values(app) == [JORDAN, NOTHING]
    assert [r["Query"] for r in table(app)] == ["Jordan", "Zeppelins"]
    assert app.text_input(key="cmp_name_0").value == "Jordan", "the editors follow the queries"
