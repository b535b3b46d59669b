"""The page, run in-process with AppTest on fixture stores."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import HOSTILE_TITLE

APP = Path(__file__).parents[1] / "app.py"


@pytest.fixture
def app(fixture_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(fixture_store))
    _clear_caches()
    return AppTest.from_file(str(APP), default_timeout=60)


def _clear_caches() -> None:
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    cache_data_api.get_data_cache_stats_provider().clear_all()
    cache_resource_api.get_resource_cache_stats_provider().clear_all()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [b.label for b in at.button]
    parts += [h.value for h in at.subheader]
    return "\n".join(parts)


def test_page_runs_on_fixture_store(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert metric(app, "Articles matching") == "6"  # 7 copies, two of them one story
    assert metric(app, "Duplicates folded") == "1"
    assert metric(app, "Undated") == "1"


def test_page_runs_on_an_empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COVERAGE_STORE", str(tmp_path / "nothing"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert any("no corpus" in i.value.lower() for i in at.info)


def test_an_unreachable_store_address_is_an_empty_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COVERAGE_STORE", "http://127.0.0.1:9/store")
    monkeypatch.setenv("COVERAGE_MIRROR_DIR", str(tmp_path / "mirrors"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert any("cannot reach the store" in i.value for i in at.info)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("f_country", ["LBN"], "1"),
        ("f_country", ["JOR"], "2"),
        ("f_topic", ["nuclear program"], "1"),
        ("f_source", ["Levant Wire"], "3"),
        ("q", "refugees", "1"),
        ("q", '"humanitarian aid"', "2"),
        ("q", "nuclear OR ceasefire", "3"),
        ("q", "-refugees", "5"),
    ],
)
def test_each_filter_changes_the_counts(app: AppTest, key: str, value: object, expected: str) -> None:
    app.run()
    app.session_state[key] = value
    app.run()
    assert not app.exception
    assert metric(app, "Articles matching") == expected


def test_date_filter(app: AppTest) -> None:
    from datetime import date

    app.run()
    app.session_state["date_from"] = date(2024, 1, 1)
    app.session_state["date_to"] = date(2024, 12, 31)
    app.run()
    assert metric(app, "Articles matching") == "3"


def test_query_params_set_widgets_and_results(app: AppTest) -> None:
    app.query_params["country"] = ["JOR"]
    app.query_params["q"] = "refugees"
    app.query_params["gran"] = "month"
    app.run()
    assert not app.exception
    assert app.text_input(key="q").value == "refugees"
    assert app.multiselect(key="f_country").value == ["JOR"]
    assert app.selectbox(key="gran").value == "month"
    assert metric(app, "Articles matching") == "1"


def test_widgets_write_the_url(app: AppTest) -> None:
    app.run()
    app.session_state["f_country"] = ["EGY"]
    app.run()
    assert app.query_params["country"] in ("EGY", ["EGY"])
    assert "v" in app.query_params


@pytest.mark.parametrize(
    "params",
    [
        {"country": ["XXX", "<script>"], "from": ["not-a-date"]},
        {"page": ["-4"], "sort": ["DROP TABLE articles"], "article": ["../../etc/passwd"]},
        {"q": ["x" * 5000], "gran": ["fortnight"], "primary": ["yes"]},
        {"from": ["2025-01-01"], "to": ["2020-01-01"], "zzz": ["1"]},
    ],
)
def test_junk_params_give_a_notice_not_an_exception(app: AppTest, params: dict[str, list[str]]) -> None:
    for name, values in params.items():
        app.query_params[name] = values
    app.run()
    assert not app.exception
    assert app.warning, "a notice says what was ignored"


def test_reader_shows_hostile_text_escaped(app: AppTest) -> None:
    app.query_params["q"] = "Muscat"
    app.run()
    button = next(b for b in app.button if "Muscat" in b.label)
    button.click().run()
    assert not app.exception
    text = all_text(app)
    assert "\\<script\\>" in text  # escaped, so Markdown shows it literally
    assert "<script>" not in text.replace("\\<script\\>", "")
    assert "](javascript" not in text
    assert HOSTILE_TITLE.split()[1] in text


def test_stale_corpus_link_says_so(app: AppTest) -> None:
    app.query_params["v"] = "0123456789ab"
    app.run()
    assert any("corpus version" in w.value for w in app.warning)


def test_one_sessions_uploads_are_not_seen_by_another(app: AppTest, fixture_store: Path) -> None:
    from storage.ingest import ingest_files, private_copy

    private = private_copy(fixture_store)
    text = 'title,body,published\n"Port talks in Aqaba","Jordanian officials met shippers.",2024-02-02\n'
    ingest_files([("upload.csv", text.encode())], private)
    app.session_state["_session_store"] = str(private)
    app.run()
    assert metric(app, "Articles matching") == "7"
    other = AppTest.from_file(str(APP), default_timeout=60).run()
    assert metric(other, "Articles matching") == "6"


# --- the timeline figure, facet chips and labels: markup from data stays text ----------------

HOSTILE_NAME = "<img src=x onerror=alert(1)> Jordan & <b>co</b>"
# Plotly markup the page itself writes into hover templates; nothing else may look like a tag.
OWN_TAGS = ("<extra>", "</extra>")


def chart(at: AppTest) -> dict:
    """The timeline's plotly figure as the browser receives it."""
    charts = at.get("plotly_chart")
    assert len(charts) == 1, "one timeline on the page"
    return json.loads(charts[0].proto.spec)


def numbers(values: object) -> list[float]:
    """A figure array: plotly sends numpy arrays as base64 typed arrays."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)  # type: ignore[call-overload]


def figure_strings(figure: dict) -> list[str]:
    """Every string in the traces and the layout (but plotly's own theme template)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key != "template":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(figure["data"])
    walk(figure["layout"])
    return found


def raw_markup(text: str) -> bool:
    """Whether text holds a < that Markdown would not show literally (escaped ones are \\<)."""
    return re.search(r"(?<!\\)<", text) is not None


def test_split_timeline_names_countries(app: AppTest) -> None:
    app.query_params["split"] = "country"
    app.run()
    assert not app.exception
    names = {trace["name"] for trace in chart(app)["data"]}
    assert {"Jordan", "Iran", "Israel"} <= names
    assert not names & {"JOR", "IRN", "ISR"}


def test_timeline_ticks_whole_numbers_and_bars_one_period_wide(app: AppTest) -> None:
    app.query_params["gran"] = "month"
    app.run()
    figure = chart(app)
    axis = figure["layout"]["yaxis"]
    assert (axis["tickformat"], axis["tickmode"], axis["dtick"]) == (",d", "linear", 1)
    day_ms = 86_400_000
    for trace in figure["data"]:
        days = [pd_days(x) for x in trace["x"]]
        widths = [w / 0.8 for w in numbers(trace["width"])]  # a bar fills 80% of its period
        assert [round(w / day_ms) for w in widths] == days, trace["name"]


def pd_days(start: str) -> int:
    """Days in the month that starts on start (an ISO timestamp)."""
    import calendar

    year, month = int(start[:4]), int(start[5:7])
    return calendar.monthrange(year, month)[1]


def test_hostile_names_are_text_in_chart_facets_and_results(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gazetteer is data an analyst edits: a name carrying markup must show as text everywhere."""
    import loaders.labels

    monkeypatch.setitem(loaders.labels.NAME_TABLES, "countries", lambda: {"JOR": HOSTILE_NAME})
    app.query_params["split"] = "country"
    app.run()
    assert not app.exception
    figure = chart(app)
    assert "&lt;img src=x onerror=alert(1)&gt; Jordan &amp; &lt;b&gt;co&lt;/b&gt;" in {
        trace["name"] for trace in figure["data"]
    }
    for text in figure_strings(figure):
        for tag in OWN_TAGS:
            text = text.replace(tag, "")
        assert "<" not in text and ">" not in text, text
    chips = app.pills(key="f_country-chips")
    assert any("Jordan" in option for option in chips.options)
    assert not any(raw_markup(option) for option in chips.options), chips.options
    captions = [c.value for c in app.caption]
    assert any("Jordan" in c for c in captions)
    assert not any(raw_markup(c) for c in captions), captions


def test_hostile_source_is_text_in_its_facet_chip(app: AppTest) -> None:
    app.run()
    options = app.pills(key="f_source-chips").options
    assert any("Evil" in option for option in options)
    assert not any(raw_markup(option) for option in options), options


def test_facet_chips_toggle_the_filter(app: AppTest) -> None:
    app.run()
    app.pills(key="f_country-chips").select("JOR").run()
    assert not app.exception
    assert app.multiselect(key="f_country").value == ["JOR"]
    assert metric(app, "Articles matching") == "2"
    assert app.query_params["country"] in ("JOR", ["JOR"])
    assert app.pills(key="f_country-chips").value == ["JOR"]  # shown as chosen
    app.pills(key="f_country-chips").unselect("JOR").run()
    assert app.multiselect(key="f_country").value == []
    assert metric(app, "Articles matching") == "6"


def test_a_value_chosen_in_the_finder_shows_as_a_chosen_chip(app: AppTest) -> None:
    app.run()
    app.multiselect(key="f_topic").select("ceasefire").run()
    assert app.pills(key="f_topic-chips").value == ["ceasefire"]


def test_a_reader_tag_adds_its_filter(app: AppTest) -> None:
    app.query_params["q"] = "refugees"
    app.run()
    next(b for b in app.button if "Syrian refugees" in b.label).click().run()
    tags = app.pills(key="reader-tags")
    assert "Syria" in tags.options
    tags.set_value(("country", "SYR")).run()
    assert not app.exception
    assert app.multiselect(key="f_country").value == ["SYR"]
    assert app.pills(key="reader-tags").value is None  # a tag is an action, not a lasting choice


@pytest.fixture
def sample_app(sample_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(sample_store))
    _clear_caches()
    return AppTest.from_file(str(APP), default_timeout=60)


def result_titles(at: AppTest) -> list[str]:
    return [b.label for b in at.button if b.key and b.key.startswith("result-")]


def test_pages_of_results(sample_app: AppTest) -> None:
    sample_app.run()
    first = result_titles(sample_app)
    assert len(first) == 20
    sample_app.pagination[0].select(2).run()
    assert not sample_app.exception
    assert sample_app.query_params["page"] in ("2", ["2"])
    second = result_titles(sample_app)
    assert len(second) == 20 and not set(second) & set(first)
    assert any(c.value.startswith("21–40 of") for c in sample_app.caption)
    assert sample_app.pagination[0].value == 2
    sample_app.session_state["q"] = "ceasefire"
    sample_app.run()
    assert sample_app.pagination[0].value == 1  # new filters start at page one
    assert "page" not in sample_app.query_params


def test_a_link_to_a_later_page_opens_it(sample_app: AppTest) -> None:
    sample_app.query_params["page"] = "3"
    sample_app.run()
    assert sample_app.pagination[0].value == 3
    assert any(c.value.startswith("41–60 of") for c in sample_app.caption)


def test_the_page_says_what_it_is(app: AppTest) -> None:
    app.run()
    assert app.title[0].value == "Middle East diplomacy coverage"
    assert not any("demo corpus" in i.value for i in app.info)  # the fixture store is not the demo


def test_the_demo_corpus_is_labelled_synthetic(sample_app: AppTest) -> None:
    sample_app.run()
    assert any("synthetic" in i.value for i in sample_app.info)


@pytest.mark.parametrize(
    ("query", "count"),
    [("refugee", "1"), ("refugees", "1"), ("refuge*", "1"), ("nuclear OR ceasefire", "3")],
)
def test_search_stems_and_prefixes_through_the_page(app: AppTest, query: str, count: str) -> None:
    app.query_params["q"] = query
    app.run()
    assert not app.exception
    assert metric(app, "Articles matching") == count


def test_best_match_sort_is_kept_in_the_url_and_snippets_show(app: AppTest) -> None:
    app.query_params.update({"q": "ceasefire", "sort": "relevance"})
    app.run()
    assert not app.exception
    assert app.query_params["sort"] in ("relevance", ["relevance"])
    assert any("ceasefire" in c.value.lower() and "orange-background" in c.value for c in app.caption)


def test_the_reader_says_which_words_fired_each_tag(app: AppTest) -> None:
    """An analyst checks a tag against the words that produced it (stored with the mention)."""
    app.query_params["q"] = "refugees"
    app.run()
    next(b for b in app.button if "Syrian refugees" in b.label).click().run()
    assert not app.exception
    why = next(e for e in app.expander if e.label == "Why these tags")
    lines = " ".join(m.value for m in why.markdown).replace("\\", "")  # shown escaped
    assert "Jordan (country, 4 mentions): " in lines and "“amman”" in lines, lines
    assert "Syria (country, 3 mentions): “syrian”" in lines, lines
