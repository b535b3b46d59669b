"""Article text in a real browser never forms a link, and the page fetches nothing from elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from loaders.normalize import build_corpus, copies_from_raw
from loaders.schema import RawArticle
from storage.build import write_store
from tests.browser.conftest import running_app
from tests.browser.test_page import open_app

pytestmark = pytest.mark.browser

LINK_TITLE = "Envoys meet at www.summit-news.example and https://talks.example/agenda"
LINK_BODY = (
    "Readers can write to press@ministry.example or visit http://ministry.example/briefing for the "
    "text of the communique, said officials meeting in Muscat on Monday.\n\n"
    "The mirror site www.ministry-mirror.example and mailto:desk@wire.example carried it too."
)


@pytest.fixture(scope="module")
def link_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port serving one article made of link-shaped text."""
    store = tmp_path_factory.mktemp("links") / "corpus"
    article = RawArticle(
        title=LINK_TITLE, body=LINK_BODY, published_meta="2024-05-01", source="Wire", origin="links"
    )
    write_store(build_corpus(copies_from_raw([article])), store)
    with running_app(store, tmp_path_factory.mktemp("links-server") / "streamlit.log") as running:
        yield running.url


def test_link_shaped_article_text_is_text_and_nothing_is_fetched_elsewhere(
    page: Page, link_server: str
) -> None:
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname or ""))
    open_app(page, f"{link_server}/?q=communique")
    page.locator("[class*='st-key-result-'] button").first.click()
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_text("press@", exact=False).first).to_be_visible()
    expect(main.get_by_text("summit-news", exact=False).first).to_be_visible()
    assert main.locator("a").count() == 0, main.locator("a").evaluate_all("els => els.map(e => e.href)")
    shown = main.inner_text().replace("\u2060", "")
    assert "press@ministry.example" in shown and "http://ministry.example/briefing" in shown
    assert hosts <= {"127.0.0.1"}, hosts  # the favicon and icons come from the app, not a CDN
