"""The page in a real browser: facets and shared links, timeline brushing, hostile text, a screenshot."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Dialog, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import VIEWPORT, Server
from tests.conftest import HOSTILE_TITLE

pytestmark = pytest.mark.browser

REPO = Path(__file__).parents[2]
SCREENSHOT = REPO / "test-results" / "page.png"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
FIRST_LOAD_MS = 45_000
RERUN_START_MS = 1_500
RERUN_MS = 30_000
# A loaded CI machine takes seconds to draw the page after a run: assertions retry this long.
EXPECT_MS = 20_000
SETTLE_MS = 300
RESULTS = "[class*='st-key-result-'] button"
APP_ERROR = "[data-testid='stException'], [data-testid='stAlertContentError']"
APP_ERROR_TEXT = "This app has encountered an error"  # the redacted message (showErrorDetails = none)
METRIC = "Articles matching"
SCRIPTS_WITH_ALERT = (
    "[...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert')).length"
)

expect.set_options(timeout=EXPECT_MS)


def settle(page: Page) -> None:
    """Wait for the rerun an interaction started (if any) to finish, then let the page draw."""
    with contextlib.suppress(PlaywrightTimeoutError):  # the rerun was quicker than this wait
        page.wait_for_selector(RUNNING, timeout=RERUN_START_MS)
    page.wait_for_selector(READY, timeout=RERUN_MS)
    page.wait_for_timeout(SETTLE_MS)
    expect(page.locator(APP_ERROR)).to_have_count(0)
    expect(page.get_by_text(APP_ERROR_TEXT)).to_have_count(0)


def open_app(page: Page, url: str) -> None:
    """Load a URL and wait for the first script run."""
    page.goto(url)
    page.wait_for_selector(READY, timeout=FIRST_LOAD_MS)
    settle(page)


def metric(page: Page, label: str = METRIC) -> Locator:
    """A summary-strip metric's value."""
    cell = page.locator("[data-testid='stMetric']").filter(has_text=label)
    return cell.locator("[data-testid='stMetricValue']")


def chip(page: Page, key: str, text: str) -> Locator:
    """One chip (a pill) of the pills widget with this key."""
    return page.locator(f".st-key-{key} button").filter(has_text=text).first


def params(page: Page) -> dict[str, list[str]]:
    """The page URL's query parameters."""
    return parse_qs(urlparse(page.url).query)


def reader_title(page: Page, title: str) -> None:
    """The reader's subheader (an h3, unlike the result buttons) shows exactly this title."""
    expect(page.locator("h3").filter(has_text=title)).to_have_text(title)


def open_result(page: Page, title_part: str) -> str:
    """Click the result whose title holds title_part; returns the full title."""
    button = page.locator(RESULTS).filter(has_text=title_part).first
    title = button.locator("p").inner_text().strip()
    button.click()
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]article=[0-9a-f]{16}"))
    return title


def no_server_errors(server: Server) -> None:
    """The server logged no traceback since it started."""
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def test_facet_and_article_survive_a_shared_link(browser: Browser, page: Page, server: Server) -> None:
    open_app(page, server.url)
    before = metric(page).inner_text()
    chip(page, "f_country-chips", "Lebanon").click()
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]country=LBN"))
    expect(metric(page)).not_to_have_text(before)
    after = metric(page).inner_text()
    title = open_result(page, "Lebanon")
    reader_title(page, title)
    link = page.url

    context = browser.new_context(viewport=VIEWPORT)
    try:
        colleague = context.new_page()
        open_app(colleague, link)
        expect(metric(colleague)).to_have_text(after)
        reader_title(colleague, title)
        assert params(colleague)["country"] == ["LBN"]
        assert params(colleague)["article"] == params(page)["article"]
    finally:
        context.close()
    no_server_errors(server)


def test_a_reader_tag_adds_its_filter_and_the_whole_page_follows(page: Page, server: Server) -> None:
    """The reader is a fragment: a tag clicked there must still refresh counts, facets and chart."""
    open_app(page, server.url)
    before = metric(page).inner_text()
    reader_title(page, open_result(page, "Cairo"))
    chip(page, "reader-tags", "Jordan").click()
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]country=JOR"))
    expect(metric(page)).not_to_have_text(before)
    expect(chip(page, "f_country-chips", "Jordan")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".st-key-f_country").get_by_text("Jordan")).to_be_visible()
    no_server_errors(server)


def test_brushing_the_timeline_sets_the_date_filter(page: Page, server: Server) -> None:
    open_app(page, server.url)
    before = metric(page).inner_text()
    assert "from" not in params(page)
    plot = page.locator(".st-key-timeline .nsewdrag").first
    plot.scroll_into_view_if_needed()
    plot.hover()  # the toolbar shows on hover; a drag pans until Box select is chosen in it
    page.locator(".st-key-timeline .modebar-btn[data-title='Box Select']").click()
    box = plot.bounding_box()
    assert box, "the timeline's plot area is not drawn"
    y = box["y"] + box["height"] / 2
    start, end = box["x"] + box["width"] * 0.55, box["x"] + box["width"] * 0.98
    page.mouse.move(start, y)
    page.mouse.down()
    page.mouse.move(end, y, steps=10)
    page.mouse.up()
    settle(page)

    expect(page).to_have_url(re.compile(r"[?&]from=\d{4}-\d\d-\d\d"))
    chosen = params(page)
    assert chosen["from"][0] < chosen["to"][0]
    expect(page.locator(".st-key-date_from input")).to_have_value(chosen["from"][0])
    expect(page.locator(".st-key-date_to input")).to_have_value(chosen["to"][0])
    expect(metric(page)).not_to_have_text(before)
    no_server_errors(server)


def test_hostile_article_is_shown_as_text(page: Page, server: Server) -> None:
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    open_app(page, server.url)
    search = page.locator(".st-key-q input")
    search.fill("Muscat")
    search.press("Enter")
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]q=Muscat"))
    title = open_result(page, "<script>")
    assert title == HOSTILE_TITLE

    reader_title(page, HOSTILE_TITLE)
    # the result's snippet and the reader's body both show it, as text
    expect(page.get_by_text("<img src=x onerror=alert(1)>", exact=False).last).to_be_visible()
    assert dialogs == []
    expect(page.locator("img[src='x']")).to_have_count(0)
    expect(page.locator("[onerror], [onload]")).to_have_count(0)
    expect(page.locator("a[href^='javascript:' i]")).to_have_count(0)
    # Playwright's text matching skips <script> contents, so read them directly.
    assert page.evaluate(SCRIPTS_WITH_ALERT) == 0
    no_server_errors(server)


def test_screenshot_of_an_open_article(page: Page, server: Server, tmp_path: Path) -> None:
    open_app(page, server.url)
    reader_title(page, open_result(page, "Cairo"))
    expect(page.locator(".st-key-timeline .main-svg").first).to_be_visible()
    # Streamlit scrolls inside its main block, so a full-page shot needs a window as tall as it.
    height = page.evaluate(
        "Math.max(...['stMain', 'stSidebarContent'].map(id =>"
        " document.querySelector(`[data-testid='${id}']`)?.scrollHeight ?? 0))"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(height, VIEWPORT["height"])})
    page.wait_for_timeout(SETTLE_MS)
    shot = page.screenshot(path=tmp_path / "page.png", full_page=True)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.write_bytes(shot)
    assert SCREENSHOT.stat().st_size > 10_000
    no_server_errors(server)


def test_the_map_draws_offline_and_a_click_sets_the_country(browser: Browser, server: Server) -> None:
    """Every request that leaves 127.0.0.1 is refused: the map must need none of them."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    outside: list[str] = []

    def local_only(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(server.url):
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", local_only)
    try:
        open_app(page, f"{server.url}/?chart=map")
        chart = page.locator("[data-testid='stPlotlyChart']")
        expect(chart.locator("canvas").first).to_be_visible()
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        # Where Egypt's middle is on the screen, from the map itself.
        spot = chart.evaluate(
            "el => { const gd = el.querySelector('.js-plotly-plot');"
            " const map = gd._fullLayout.map._subplot.map; const r = map.getContainer().getBoundingClientRect();"
            " const p = map.project([30.0, 26.5]); return {x: r.left + p.x, y: r.top + p.y}; }"
        )
        page.mouse.move(spot["x"], spot["y"])
        page.wait_for_timeout(500)
        page.mouse.click(spot["x"], spot["y"])
        settle(page)
        expect(page).to_have_url(re.compile(r"[?&]country=EGY"))
        expect(metric(page)).to_have_text("1")
        assert outside == [], outside
    finally:
        context.close()


def test_clicking_a_bar_sets_its_period(page: Page, server: Server) -> None:
    open_app(page, f"{server.url}/?gran=month")
    before = metric(page).inner_text()
    bars = page.locator(".st-key-timeline .trace.bars").first.locator(".point path")
    expect(bars.first).to_be_visible()
    # The bars are drawn in the trace's order: find November 2024's by its middle (the 16th).
    middles = page.locator(".st-key-timeline .js-plotly-plot").evaluate("gd => gd.data[0].x")
    november = bars.nth(next(i for i, x in enumerate(middles) if x.startswith("2024-11")))
    box = november.bounding_box()
    assert box, "November's bar is not drawn"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    settle(page)

    expect(page).to_have_url(re.compile(r"[?&]from=2024-11-01"))
    assert params(page)["to"] == ["2024-11-30"]  # the whole month, not a day early or late
    expect(page.locator(".st-key-date_from input")).to_have_value("2024-11-01")
    expect(metric(page)).not_to_have_text(before)
    no_server_errors(server)


def test_the_reader_links_to_the_original_in_a_new_tab(page: Page, server: Server) -> None:
    open_app(page, server.url)
    reader_title(page, open_result(page, "Cairo"))
    link = page.get_by_role("link", name=re.compile("Original article"))
    expect(link).to_have_attribute("href", "https://example.org/2024/12/cairo-aid")
    expect(link).to_have_attribute("target", "_blank")
    open_result(page, "<script>")  # its stored address is javascript:, so no link at all
    expect(page.get_by_role("link", name=re.compile("Original article"))).to_have_count(0)
    expect(page.locator("a[href^='javascript:' i]")).to_have_count(0)


def test_the_reader_shows_why_each_tag_fired(page: Page, server: Server) -> None:
    """ "Why these tags" lists each tag with the words of this article that produced it."""
    open_app(page, server.url)
    reader_title(page, open_result(page, "Cairo"))
    why = page.locator("[data-testid='stExpander']").filter(has_text="Why these tags")
    why.get_by_text("Why these tags").click()
    page.wait_for_timeout(SETTLE_MS)
    expect(why).to_contain_text(re.compile(r"Jordan \(country, \d+ mentions?\): “[^”]+”"))


def test_back_and_forward_step_through_views(page: Page, server: Server) -> None:
    open_app(page, server.url)
    before = metric(page).inner_text()
    chip(page, "f_country-chips", "Lebanon").click()
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]country=LBN"))
    after = metric(page).inner_text()
    assert after != before
    title = open_result(page, "Lebanon")  # opening an article is a view too

    page.go_back()
    settle(page)
    expect(page).not_to_have_url(re.compile(r"[?&]article="))
    expect(page.get_by_text("Choose an article on the left")).to_be_visible()
    expect(metric(page)).to_have_text(after)
    page.go_back()
    settle(page)
    expect(page).not_to_have_url(re.compile(r"[?&]country="))
    expect(metric(page)).to_have_text(before)
    expect(chip(page, "f_country-chips", "Lebanon")).not_to_have_attribute("aria-pressed", "true")

    page.go_forward()
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]country=LBN"))
    expect(metric(page)).to_have_text(after)
    expect(chip(page, "f_country-chips", "Lebanon")).to_have_attribute("aria-pressed", "true")
    page.go_forward()
    settle(page)
    reader_title(page, title)
    no_server_errors(server)


PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_opened_article_is_in_view(browser: Browser, server: Server) -> None:
    """At 390 px the reader stacks below the results: opening one must bring its heading up."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        open_app(page, server.url)
        title = open_result(page, "Syrian refugees")  # the oldest: the last result, lowest down
        heading = page.locator("h3").filter(has_text=title)
        expect(heading).to_have_text(title)
        page.wait_for_timeout(SETTLE_MS)
        top = heading.evaluate("h => h.getBoundingClientRect().top")
        header = page.locator("[data-testid='stHeader']").bounding_box()
        below = header["y"] + header["height"] if header else 0  # the bar covers what is under it
        assert below <= top < PHONE["height"] / 2, f"the reader's heading is at {top} px, header {below}"
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOT.with_name("page-390.png"))
    finally:
        context.close()
    no_server_errors(server)
