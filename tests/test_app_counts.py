"""The page's numbers agree: the chart's bars and lines against the summary strip (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import APP, _clear_caches, chart, metric, numbers


@pytest.fixture
def sample_app(sample_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(sample_store))
    _clear_caches()
    return AppTest.from_file(str(APP), default_timeout=60)


def bar_total(figure: dict) -> float:
    return sum(sum(numbers(t["y"])) for t in figure["data"] if t["type"] == "bar")


def notes(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_the_charts_articles_are_the_summarys_articles(sample_app: AppTest) -> None:
    sample_app.run()
    dated = int(metric(sample_app, "Articles matching").replace(",", "")) - int(metric(sample_app, "Undated"))
    assert bar_total(chart(sample_app)) == dated
    assert "copies folded into one article count once" in notes(sample_app)


def test_copies_are_labelled_as_a_different_measure(sample_app: AppTest) -> None:
    sample_app.query_params["measure"] = "copies"
    sample_app.run()
    assert not sample_app.exception
    assert "Articles matching* plus *Duplicates folded" in notes(sample_app)
    assert chart(sample_app)["layout"]["yaxis"]["title"]["text"].startswith("copies per")


@pytest.mark.parametrize("split", ["country", "topic"])
def test_a_split_chart_draws_lines_under_the_whole(sample_app: AppTest, split: str) -> None:
    sample_app.query_params.update({"split": split, "gran": "year"})
    sample_app.run()
    figure = chart(sample_app)
    whole: dict[str, float] = {}
    for trace in figure["data"]:
        if trace["type"] == "bar":
            for x, y in zip(trace["x"], numbers(trace["y"]), strict=True):
                whole[str(x)[:4]] = whole.get(str(x)[:4], 0.0) + y
    lines = [t for t in figure["data"] if t["type"] == "scatter"]
    assert lines
    for line in lines:
        for x, y in zip(line["x"], numbers(line["y"]), strict=True):
            assert y <= whole[str(x)[:4]], (line["name"], x)
    assert "counts once in each" in notes(sample_app)


def test_a_split_share_stays_at_or_under_one_and_says_of_what(sample_app: AppTest) -> None:
    sample_app.query_params.update({"split": "topic", "scale": "share", "gran": "year"})
    sample_app.run()
    figure = chart(sample_app)
    assert max(max(numbers(t["y"])) for t in figure["data"]) <= 1.0
    assert "share of all articles in the store in the same year" in notes(sample_app)
