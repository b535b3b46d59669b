"""The Stories view in Chromium: choosing a story filters the page; screenshots in light, dark
and a phone's width (written to test-results/ for a person to look at)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from storage.query import Filters, Store
from tests.browser.conftest import Server, running_app
from tests.browser.test_page import REPO, metric, open_app, settle
from tests.story_corpus import build_story_store

pytestmark = pytest.mark.browser

SHOTS = REPO / "test-results"
# The widths and themes an analyst opens the page in: a desktop, and a phone.
VIEWS = {"light": ("light", 1400), "dark": ("dark", 1400), "narrow": ("light", 390)}


@pytest.fixture(scope="module")
def story_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_story_store(tmp_path_factory.mktemp("browser-stories") / "corpus")


@pytest.fixture(scope="module")
def story_server(story_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_app(story_store, tmp_path_factory.mktemp("stories-server") / "streamlit.log") as running:
        yield running


@pytest.fixture(scope="module")
def talks(story_store: Path) -> str:
    with contextlib.closing(Store(story_store)) as store:
        return str(store.stories(Filters()).frame["story_id"].iloc[0])


def test_choosing_a_story_filters_the_page(page: Page, story_server: Server, talks: str) -> None:
    open_app(page, f"{story_server.url}/?chart=stories")
    expect(metric(page)).to_have_text("8")
    page.locator(f".st-key-stories-{talks} button").click()
    settle(page)
    expect(metric(page)).to_have_text("3")
    assert parse_qs(urlparse(page.url).query).get("story") == [talks]
    expect(page.get_by_text("Story:", exact=False).first).to_be_visible()
    page.locator(".st-key-story_clear button").click()  # "All stories"
    settle(page)
    expect(metric(page)).to_have_text("8")
    assert "story" not in parse_qs(urlparse(page.url).query)


@pytest.mark.parametrize("name", list(VIEWS))
def test_screenshot_of_the_stories_view(page: Page, story_server: Server, name: str) -> None:
    scheme, width = VIEWS[name]
    # The session's context (its caches keep a loaded machine's first paint short), this page
    # in the view's theme and width.
    page.set_viewport_size({"width": width, "height": 1000})
    page.emulate_media(color_scheme=scheme)
    open_app(page, f"{story_server.url}/?chart=stories")
    rows = page.locator("[class*='st-key-stories-row-']")
    expect(rows).to_have_count(2)
    rows.last.scroll_into_view_if_needed()  # the page scrolls inside Streamlit's own container
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"stories-{name}.png"))
