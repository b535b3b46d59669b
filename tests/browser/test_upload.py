"""The upload preview in a real browser: a CSV with odd column names, one field corrected, added.

The server serves its own copy of the invented corpus: adding saves the mapping beside it.
Screenshots of the preview (light, dark, 390 px wide) go to test-results/ for a person to look at.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from storage.mappings import saved_mappings
from tests.browser.conftest import VIEWPORT, Server, running_app
from tests.browser.test_page import APP_ERROR, METRIC, READY, RUNNING, metric

pytestmark = pytest.mark.browser

REPO = Path(__file__).parents[2]
SHOTS = REPO / "test-results"
EXPORT = REPO / "tests" / "data" / "loaders" / "preview" / "desk_export_monday.csv"
PREVIEW_MS = 120_000  # the preview runs in a child process that loads the readers first
OUTLET_BOX = "[class*='st-key-upload_map_'][class*='_source']"
PHONE = {"width": 390, "height": 844}
# Two cores shared by many processes: a first page can take a minute and more to draw.
LOAD_MS = 180_000


def settle(page: Page) -> None:
    """Wait for the rerun an interaction started (if any) to end; no error on the page."""
    with contextlib.suppress(PlaywrightTimeoutError):  # the rerun was quicker than this wait
        page.wait_for_selector(RUNNING, timeout=1_500)
    page.wait_for_selector(READY, timeout=LOAD_MS)
    page.wait_for_timeout(300)
    expect(page.locator(APP_ERROR)).to_have_count(0)


def open_app(page: Page, url: str) -> None:
    page.goto(url, timeout=LOAD_MS)
    page.wait_for_selector(READY, timeout=LOAD_MS)
    settle(page)


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


def shoot(page: Page, preview: Locator, name: str) -> None:
    """The window with the preview's top at its top (the sidebar scrolls on its own)."""
    preview.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"upload-preview-{name}.png")


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
        outlet = page.locator(OUTLET_BOX).get_by_role("combobox")
        expect(outlet).to_have_value("(none)")
        expect(metric(page, METRIC)).to_have_text(f"{before:,}")  # nothing stored yet

        outlet.click()
        outlet.fill("Krant")  # the selectbox filters its options as one types
        page.keyboard.press("Enter")
        settle(page)
        expect(outlet).to_have_value("Krant")
        expect(preview).to_contain_text("Gulf Ledger | Harbor Post")  # the chosen column's samples
        shoot(page, preview, "light")

        page.locator(".st-key-ingest button").click()
        settle(page)
        expect(metric(page, METRIC)).to_have_text(f"{before + 3:,}", timeout=PREVIEW_MS)
        # The results now list the outlet the chosen column names (the fixture corpus has none).
        expect(page.locator("[data-testid='stMain']").get_by_text("Harbor Post").first).to_be_visible()
        expect(page.locator("[data-testid='stSidebar']").get_by_text("source<-Krant").first).to_be_visible()
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
        shoot(page, preview, "dark" if scheme == "dark" else f"{viewport['width']}px")
    finally:
        context.close()
