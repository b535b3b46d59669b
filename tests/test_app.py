"""The page, run in-process with AppTest on fixture stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import HOSTILE_TITLE

APP = Path(__file__).parents[1] / "app.py"


@pytest.fixture
def app(fixture_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(fixture_store))
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    cache_data_api.get_data_cache_stats_provider().clear_all()
    cache_resource_api.get_resource_cache_stats_provider().clear_all()
    return AppTest.from_file(str(APP), default_timeout=60)


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
    from loaders.ingest import ingest_files, private_copy

    private = private_copy(fixture_store)
    text = 'title,body,published\n"Port talks in Aqaba","Jordanian officials met shippers.",2024-02-02\n'
    ingest_files([("upload.csv", text.encode())], private)
    app.session_state["_session_store"] = str(private)
    app.run()
    assert metric(app, "Articles matching") == "7"
    other = AppTest.from_file(str(APP), default_timeout=60).run()
    assert metric(other, "Articles matching") == "6"
