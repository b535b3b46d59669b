"""In Chromium: leaving a value out, clean highlights, file names (never server paths) after an upload."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from storage.query import Filters, Store
from tests.browser.conftest import Server
from tests.browser.test_page import APP_ERROR, READY, RESULTS, RUNNING, metric, no_server_errors, params
from tests.conftest import fixture_articles

pytestmark = pytest.mark.browser
expect.set_options(timeout=60_000)

REPO = Path(__file__).parents[2]
SHOTS = REPO / "test-results"
INGEST_MS = 180_000
# Up to eight helpers share two cores here: a first page load can take over a minute.
FIRST_LOAD_MS = 150_000
# What a server path on the page would look like: a temporary folder, the upload folder's name.
SERVER_PATH = re.compile(r"/tmp/|/var/|coverage-upload-|session-store-|/work/|/home/")


def settle(page: Page, problems_shown: bool = False) -> None:
    """Wait for the rerun an interaction started (if any) to finish (patient, as open_app).
    problems_shown: an unreadable upload is named in a red alert by design; no exception still."""
    with contextlib.suppress(PlaywrightTimeoutError):  # the rerun was quicker than this wait
        page.wait_for_selector(RUNNING, timeout=2_000)
    page.wait_for_selector(READY, timeout=FIRST_LOAD_MS)
    page.wait_for_timeout(300)
    expect(page.locator("[data-testid='stException']" if problems_shown else APP_ERROR)).to_have_count(0)


def open_result(page: Page, title_part: str, problems_shown: bool = False) -> None:
    page.locator(RESULTS).filter(has_text=title_part).first.click()
    settle(page, problems_shown)
    expect(page).to_have_url(re.compile(r"[?&]article=[0-9a-f]{16}"))


def open_app(page: Page, url: str) -> None:
    """Load a URL and wait for the first script run (patient: the machine is shared)."""
    page.goto(url, timeout=FIRST_LOAD_MS)
    page.wait_for_selector(READY, timeout=FIRST_LOAD_MS)
    settle(page)


def expected(store: Path, filters: Filters) -> int:
    opened = Store(store)
    try:
        return opened.summary(filters).articles
    finally:
        opened.close()


def pick(page: Page, key: str, typed: str, option: str) -> None:
    """Type into the multiselect with this key and choose the option holding `option`."""
    box = page.locator(f".st-key-{key} input")
    box.click()
    box.fill(typed)
    page.get_by_role("option").filter(has_text=option).first.click()
    page.keyboard.press("Escape")
    settle(page)


def test_leaving_a_country_out_narrows_the_page_and_the_link(
    browser: Browser, page: Page, server: Server, browser_store: Path
) -> None:
    open_app(page, server.url)
    pick(page, "f_country_not", "Leban", "Lebanon")
    left = expected(browser_store, Filters(countries_not=("LBN",)))
    assert left < expected(browser_store, Filters())
    expect(metric(page)).to_have_text(str(left))
    assert params(page).get("country_not") == ["LBN"]
    expect(page.locator(".st-key-f_country-chips button").filter(has_text="Lebanon")).to_have_count(0)
    expect(page.locator("[class*='st-key-result-'] button").filter(has_text="Lebanon weighs")).to_have_count(
        0
    )
    link = page.url
    other = browser.new_page()
    try:
        open_app(other, link)  # a colleague opening the shared link sees the same view
        expect(metric(other)).to_have_text(str(left))
        expect(other.locator(".st-key-f_country_not")).to_contain_text("Lebanon")
    finally:
        other.close()
    no_server_errors(server)


def test_find_box_counts_and_hostile_left_out_values(page: Page, server: Server) -> None:
    open_app(page, f"{server.url}/?country_not=%3Cscript%3Ealert(1)%3C/script%3E&source_not=Levant%20Wire")
    expect(page.get_by_text("unknown country_not value")).to_be_visible()
    box = page.locator(".st-key-f_source input")
    box.click()
    box.fill("Le")
    expect(page.get_by_role("option").filter(has_text=re.compile(r"Levant Wire · 0"))).to_have_count(1)
    box.fill("Gulf")
    expect(page.get_by_role("option").filter(has_text=re.compile(r"Gulf Ledger · [1-9]"))).to_have_count(1)
    page.keyboard.press("Escape")
    assert (
        page.evaluate(
            "[...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert')).length"
        )
        == 0
    )


def test_highlights_keep_the_text_and_its_spacing(page: Page, server: Server) -> None:
    """The reader's text reads exactly as written: marks add no character and no gap."""
    open_app(page, f"{server.url}/?q=ceasefire")
    open_result(page, "Lebanon weighs")
    body = next(a.body for a in fixture_articles() if a.title.startswith("Lebanon weighs ceasefire"))
    paragraph = page.locator(".st-key-reader-body [data-testid='stMarkdownContainer']").first
    expect(paragraph).to_have_text(body)
    search = paragraph.locator("strong").filter(has_text=re.compile("^ceasefire$", re.IGNORECASE))
    expect(search.first).to_be_visible()
    entity = paragraph.locator(".stMarkdownColoredText").filter(has_text="Beirut").first
    expect(entity).to_be_visible()
    # A search mark is drawn on a background and in bold; an entity mark in colour only, unpadded.
    styles = page.evaluate(
        """([search, entity]) => [search, entity].map(e => {
            const s = getComputedStyle(e.closest('.stMarkdownColoredBackground') || e);
            return [s.paddingLeft, s.paddingRight, s.backgroundColor, getComputedStyle(e).fontWeight];
        })""",
        [search.first.element_handle(), entity.element_handle()],
    )
    (
        (search_left, search_right, search_background, search_weight),
        (entity_left, entity_right, entity_bg, _),
    ) = styles
    assert (search_left, search_right, entity_left, entity_right) == ("0px", "0px", "0px", "0px"), styles
    assert search_background != "rgba(0, 0, 0, 0)" and int(search_weight) >= 600, styles
    assert entity_bg == "rgba(0, 0, 0, 0)", styles
    # The result snippets mark the same word the same way: on a background, with no gap around it.
    snippet_mark = (
        page.locator(".st-key-results-list [data-testid='stCaptionContainer'] .stMarkdownColoredBackground")
        .filter(has_text=re.compile("^ceasefire$", re.IGNORECASE))
        .first
    )
    expect(snippet_mark).to_be_visible()
    snippet_style = snippet_mark.evaluate(
        "e => { const s = getComputedStyle(e); return [s.paddingLeft, s.paddingRight, s.backgroundColor]; }"
    )
    assert snippet_style[:2] == ["0px", "0px"] and snippet_style[2] != "rgba(0, 0, 0, 0)", snippet_style
    SHOTS.mkdir(exist_ok=True)
    page.locator(".st-key-reader-body").screenshot(path=SHOTS / "highlights.png")
    page.locator(".st-key-results-list").screenshot(path=SHOTS / "snippet-highlights.png")


def _upload_files(folder: Path) -> list[Path]:
    """An invented export with a dash in its name and a broken file named with a number."""
    records = [
        {
            "title": "Envoys from Oman and Qatar meet in Muscat over shipping lanes",
            "body": "Envoys from Oman and Qatar met in Muscat on Tuesday to discuss shipping lanes in the Gulf. "
            "Officials said the talks would resume after the holidays.",
            "published": "2024-05-07",
            "source": "Harbour Gazette",
        },
        {
            "title": "Envoys from Oman and Qatar meet in Muscat over shipping lanes",
            "body": "Envoys from Oman and Qatar met in Muscat on Tuesday to discuss shipping lanes in the Gulf. "
            "Officials said the talks would resume after the holidays.",
            "published": "2024-05-07",
            "source": "Strait Times Wire",
        },
    ]
    good = folder / "al-monitor-brief.json"
    good.write_text(json.dumps(records))
    broken = folder / "002-broken.json"
    broken.write_text("{ this is not json")
    return [good, broken]


def test_an_upload_names_files_never_server_paths(page: Page, server: Server, tmp_path: Path) -> None:
    open_app(page, server.url)
    page.get_by_text("Add files").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(_upload_files(tmp_path))
    # Each file is previewed (a child process) before Add to coverage is offered.
    expect(page.locator(".st-key-ingest button")).to_be_enabled(timeout=INGEST_MS)
    page.locator(".st-key-ingest button").click()
    # The preview leaves the unreadable file out, by its own name, and adds the other.
    expect(page.get_by_text("files read: 1")).to_be_visible(timeout=INGEST_MS)
    expect(page.get_by_text("Left out 002-broken.json")).to_be_visible()
    settle(page, problems_shown=True)
    text = page.locator("[data-testid='stApp']").inner_text()
    assert "002-broken.json" in text, text[-2000:]  # the analyst's own name, its number too
    assert not SERVER_PATH.search(text), SERVER_PATH.search(text)
    open_result(page, "Envoys from Oman and Qatar", problems_shown=True)
    page.get_by_text("folded into this article").click()
    copies = page.locator("[data-testid='stExpander']").filter(has_text="folded into this article")
    expect(copies).to_contain_text("al-monitor-brief.json")
    text = page.locator("[data-testid='stApp']").inner_text()
    assert not SERVER_PATH.search(text), SERVER_PATH.search(text)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "upload.png", full_page=True)
    no_server_errors(server)
