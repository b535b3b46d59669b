"""The upload preview in a real browser: a CSV with odd column names, one field corrected, added.

The server serves its own copy of the invented corpus: adding saves the mapping beside it.
Screenshots of the preview (light, dark, 390 px wide) go to test-results/ for a person to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from storage.mappings import saved_mappings
from tests.browser.conftest import VIEWPORT, Server, running_app
from tests.browser.test_page import METRIC, metric, open_app, settle

pytestmark = pytest.mark.browser

REPO = Path(__file__).parents[2]
SHOTS = REPO / "test-results"
EXPORT = REPO / "tests" / "data" / "loaders" / "preview" / "desk_export_monday.csv"
PREVIEW_MS = 60_000  # the preview runs in a child process that loads the readers first
OUTLET_BOX = "[class*='st-key-upload_map_'][class*='_source']"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def own_server(
    browser_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Path]]:
    folder = tmp_path_factory.mktemp("upload-store")
    store = Path(shutil.copytree(browser_store, folder / "corpus"))
    with running_app(store, folder / "streamlit.log") as running:
        yield running, store


def show_preview(page: Page, url: str) -> int:
    """Open the page, drop the export into the upload panel, wait for its preview; the count before."""
    open_app(page, url)
    before = int(metric(page, METRIC).inner_text().replace(",", ""))
    if not page.get_by_text("Add files").is_visible():  # a phone: the sidebar starts folded
        page.locator("[data-testid='stExpandSidebarButton']").click()
    page.get_by_text("Add files").click()
    page.locator(".st-key-uploads input[type='file']").set_input_files(str(EXPORT))
    expect(page.locator(OUTLET_BOX)).to_be_visible(timeout=PREVIEW_MS)
    settle(page)
    return before


def test_an_analyst_corrects_the_outlet_column_and_adds_the_file(
    browser: Browser, own_server: tuple[Server, Path]
) -> None:
    server, store = own_server
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        before = show_preview(page, server.url)
        preview = page.locator("[class*='st-key-upload_preview_']")
        expect(preview).to_contain_text("desk_export_monday.csv")
        expect(preview).to_contain_text("Envoys reopen the Aqaba port talks")  # headline samples
        expect(page.locator(OUTLET_BOX)).to_contain_text("(none)")
        expect(metric(page, METRIC)).to_have_text(f"{before:,}")  # nothing stored yet

        page.locator(OUTLET_BOX).click()
        page.get_by_role("option", name="Krant", exact=True).click()
        settle(page)
        expect(page.locator(OUTLET_BOX)).to_contain_text("Krant")
        expect(preview).to_contain_text("Gulf Ledger | Harbor Post")  # the chosen column's samples
        SHOTS.mkdir(exist_ok=True)
        preview.screenshot(path=SHOTS / "upload-preview-light.png")

        page.locator(".st-key-ingest button").click()
        settle(page)
        expect(metric(page, METRIC)).to_have_text(f"{before + 3:,}", timeout=PREVIEW_MS)
        expect(page.get_by_text("Gulf Ledger").first).to_be_visible()
        expect(page.get_by_text("source<-Krant", exact=False).first).to_be_visible()
        assert [m["source"] for m in saved_mappings(store).values()] == ["Krant"]
    finally:
        context.close()


@pytest.mark.parametrize(("scheme", "viewport"), [("dark", VIEWPORT), ("light", PHONE)])
def test_the_preview_reads_in_dark_and_on_a_phone(
    browser: Browser, own_server: tuple[Server, Path], scheme: str, viewport: dict[str, int]
) -> None:
    server, _ = own_server
    context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    try:
        show_preview(page, server.url)
        preview = page.locator("[class*='st-key-upload_preview_']")
        expect(preview).to_contain_text("Headline")
        box = preview.bounding_box()
        assert box is not None and box["width"] <= viewport["width"]  # nothing runs off the screen
        name = "dark" if scheme == "dark" else f"{viewport['width']}px"
        SHOTS.mkdir(exist_ok=True)
        preview.screenshot(path=SHOTS / f"upload-preview-{name}.png")
    finally:
        context.close()
