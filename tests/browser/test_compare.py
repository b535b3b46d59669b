"""Compare queries in Chromium: "Compare this" adds a line to the comparison; screenshots of a
comparison in the light and dark themes and at a phone's width."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import VIEWPORT, Server
from tests.browser.test_page import chip, no_server_errors, open_app, params, settle

pytestmark = pytest.mark.browser

REPO = Path(__file__).parents[2]
SHOTS = REPO / "test-results"
CHART = ".st-key-compare_chart .js-plotly-plot"
# The figure plotly drew, read from the chart's own element: trace names and point counts.
TRACES = "el => el.data.map(t => ({name: t.name, points: t.y.length ?? Object.keys(t.y).length}))"
PHONE = {"width": 390, "height": 844}
QUERIES = [
    urlencode({"name": "Lebanon", "country": "LBN"}),
    urlencode({"name": "Aid <b>&</b> refugees", "q": '"humanitarian aid" OR refugees'}),
    urlencode({"name": "Jordan", "country": "JOR"}),
]


def traces(page: Page) -> list[dict]:
    return page.locator(CHART).evaluate(TRACES)


def legend(page: Page) -> list[str]:
    return page.locator(f"{CHART} .legendtext").all_text_contents()


def press_compare_this(page: Page) -> None:
    """Click the button named Compare this (its keyed element holds a second, unnamed button)."""
    button = page.locator(".st-key-compare_this").get_by_role("button", name="Compare this")
    expect(button).to_have_count(1)
    button.click()
    settle(page)


def test_compare_this_adds_a_line(page: Page, server: Server) -> None:
    open_app(page, server.url)
    press_compare_this(page)
    expect(page.locator(CHART)).to_be_visible()
    assert [t["name"] for t in traces(page)] == ["All coverage"]
    assert params(page)["cmp"] == ["name=All+coverage"]

    chip(page, "f_country-chips", "Lebanon").click()
    settle(page)
    press_compare_this(page)
    expect(page.locator(f"{CHART} .legendtext")).to_have_count(2)
    drawn = traces(page)
    assert [t["name"] for t in drawn] == ["All coverage", "Lebanon"]
    assert drawn[0]["points"] == drawn[1]["points"] > 0, "both lines span the same periods"
    assert legend(page) == ["All coverage", "Lebanon"]
    assert params(page)["cmp"] == ["name=All+coverage", "name=Lebanon&country=LBN"]
    no_server_errors(server)


@pytest.mark.parametrize(
    ("shot", "scheme", "viewport"),
    [
        ("compare-light", "light", VIEWPORT),
        ("compare-dark", "dark", VIEWPORT),
        ("compare-390", "light", PHONE),
    ],
)
def test_screenshots_of_a_comparison(
    browser: Browser, server: Server, shot: str, scheme: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        query = urlencode({"chart": "compare", "gran": "year", "cmp": QUERIES}, doseq=True)
        open_app(page, f"{server.url}/?{query}")
        expect(page.locator(f"{CHART} .legendtext")).to_have_count(3)
        assert legend(page)[1] == "Aid <b>&</b> refugees", "a name is text, not markup"
        background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
        assert (background == "rgb(18, 22, 28)") == (scheme == "dark"), background
        page.locator(".st-key-compare_chart").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        SHOTS.mkdir(exist_ok=True)
        height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
        page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
        page.wait_for_timeout(500)
        page.screenshot(path=SHOTS / f"{shot}.png", full_page=True)
        assert (SHOTS / f"{shot}.png").stat().st_size > 10_000
        assert re.search(r"cmp=", page.url)
    finally:
        context.close()
    no_server_errors(server)
