"""The Stories view through the page (AppTest): the list, ?story= in the URL, the empty state,
choosing a story, and the reader's story."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage.query import Filters, Store
from tests.story_corpus import build_story_store
from tests.test_app import _clear_caches, all_text, metric

APP = Path(__file__).parents[1] / "app.py"


@pytest.fixture(scope="module")
def story_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_story_store(tmp_path_factory.mktemp("stories") / "corpus")


@pytest.fixture(scope="module")
def talks(story_store: Path) -> str:
    """The id of the three-article story."""
    with contextlib.closing(Store(story_store)) as store:
        return str(store.stories(Filters()).frame["story_id"].iloc[0])


@pytest.fixture
def app(story_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(story_store))
    _clear_caches()
    return AppTest.from_file(str(APP), default_timeout=60)


def story_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button if str(b.key or "").startswith("stories-")]


def test_the_stories_view_lists_stories_with_span_and_counts(app: AppTest) -> None:
    app.query_params["chart"] = "stories"
    app.run()
    assert not app.exception
    assert len(story_buttons(app)) == 2
    text = all_text(app)
    assert "3 Mar 2025 – 5 Mar 2025 · 3 articles · 3 outlets · ███" in text
    assert "2 stories of 2+ matching articles" in text


def test_a_story_link_filters_the_page_and_stays_in_the_url(app: AppTest, talks: str) -> None:
    app.query_params["story"] = talks
    app.run()
    assert not app.exception
    assert metric(app, "Articles matching") == "3"
    assert "Story:" in all_text(app)
    assert app.query_params["story"] in (talks, [talks])


@pytest.mark.parametrize("value", ["0" * 16, "<script>", "x" * 400, "../../etc", "ABCDEF0123456789"])
def test_a_story_that_is_not_in_the_store_is_ignored_with_a_notice(app: AppTest, value: str) -> None:
    app.query_params["story"] = value
    app.run()
    assert not app.exception
    assert metric(app, "Articles matching") == "8"
    assert app.warning, "a notice says the story was ignored"
    assert "story" not in app.query_params


def test_choosing_a_story_sets_the_filter_and_the_url(app: AppTest, talks: str) -> None:
    app.query_params["chart"] = "stories"
    app.run()
    app.button(key=f"stories-{talks}").click().run()
    assert metric(app, "Articles matching") == "3"
    assert app.query_params["story"] in (talks, [talks])
    app.button(key="story_clear").click().run()  # "All stories" lets go of it
    assert metric(app, "Articles matching") == "8"
    assert "story" not in app.query_params


def test_no_story_under_the_filters_is_an_empty_state(app: AppTest) -> None:
    app.query_params["chart"] = "stories"
    app.query_params["q"] = "wheat"
    app.run()
    assert not app.exception
    assert story_buttons(app) == []
    assert any("No story under these filters" in i.value for i in app.info)


def test_newest_first_is_kept_in_the_url(app: AppTest) -> None:
    app.query_params["chart"] = "stories"
    app.query_params["order"] = "newest"
    app.run()
    assert app.segmented_control(key="story_order").value == "newest"
    assert app.query_params["order"] in ("newest", ["newest"])


def test_the_reader_shows_the_articles_story_and_its_other_articles(app: AppTest, story_store: Path) -> None:
    with contextlib.closing(Store(story_store)) as store:
        found = store.results(Filters(search="desalination praise"))
    app.query_params["article"] = str(found["article_id"].iloc[0])
    app.run()
    assert not app.exception
    text = all_text(app)
    assert "2 articles · 2 outlets" in text
    others = [b.label for b in app.button if "-in-story-" in str(b.key or "")]
    assert len(others) == 1 and "Aqaba desalination plant deal signed" in others[0]
