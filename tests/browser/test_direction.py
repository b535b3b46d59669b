"""Right-to-left coverage reads right to left in the page: an Arabic article's title and body in
the reader, and an Arabic title among English ones in the results; its text stays escaped."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from loaders.normalize import build_corpus, copies_from_raw, read_paths
from storage.build import write_store
from storage.query import Filters, Store
from tests.browser.conftest import Server, running_app
from tests.browser.test_page import READY, settle

pytestmark = pytest.mark.browser

LANGUAGES = Path(__file__).parents[1] / "data" / "loaders" / "intake" / "languages.csv"
ARABIC_TITLE = "استئناف المحادثات في الميناء"
ENGLISH_TITLE = "Envoys resume harbour talks"
# This module's server starts cold (its own store): its first run may take longer than the
# shared server's on a busy machine.
COLD_FIRST_LOAD_MS = 150_000


@pytest.fixture(scope="module")
def languages_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Store]]:
    store_path = tmp_path_factory.mktemp("languages") / "store"
    raws, _, _ = read_paths([LANGUAGES])
    write_store(build_corpus(copies_from_raw(raws)), store_path)
    with (
        running_app(store_path, tmp_path_factory.mktemp("languages-log") / "streamlit.log") as server,
        contextlib.closing(Store(store_path)) as store,
    ):
        yield server, store


def _article_id(store: Store, title: str) -> str:
    rows = store.results(Filters(), page_size=20)
    return str(rows.loc[rows["title"] == title, "article_id"].iloc[0])


def test_arabic_reads_right_to_left_in_reader_and_results(
    page: Page, languages_server: tuple[Server, Store]
) -> None:
    server, store = languages_server
    page.goto(f"{server.url}/?article={_article_id(store, ARABIC_TITLE)}")
    page.wait_for_selector(READY, timeout=COLD_FIRST_LOAD_MS)
    settle(page)
    title = page.locator("h3").filter(has_text=ARABIC_TITLE)
    expect(title).to_have_text(ARABIC_TITLE)
    # to_have_css waits: the page's direction rule may land a moment after the heading.
    expect(title).to_have_css("direction", "rtl")
    body = page.locator("p").filter(has_text="اجتمع المبعوثون").last
    expect(body).to_have_css("direction", "rtl")
    assert body.evaluate("el => el.closest('[class*=\"st-key-rtl-\"]') !== null")
    # In the result list, each title runs by its own first letter: Arabic right to left, English not.
    arabic = page.locator("[class*='st-key-result-'] button p").filter(has_text=ARABIC_TITLE).first
    english = page.locator("[class*='st-key-result-'] button p").filter(has_text=ENGLISH_TITLE).first
    expect(arabic).to_have_css("unicode-bidi", "plaintext")
    expect(english).to_have_css("direction", "ltr")
    assert "Traceback" not in server.log.read_text(errors="replace")
