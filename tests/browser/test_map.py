"""The coverage map in Chromium, with every request that leaves the app refused: screenshots in
the light and dark themes and at a phone's width, each with the shipped outlines drawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route, expect

from loaders.gazetteer import country_shapes
from tests.browser.conftest import VIEWPORT, Server
from tests.browser.test_page import no_server_errors, open_app

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}
CHART = "[data-testid='stPlotlyChart'] .js-plotly-plot"


@pytest.mark.parametrize(
    ("shot", "scheme", "viewport"),
    [("map-light", "light", VIEWPORT), ("map-dark", "dark", VIEWPORT), ("map-390", "light", PHONE)],
)
def test_screenshots_of_the_map(
    browser: Browser, server: Server, shot: str, scheme: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    outside: list[str] = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    try:
        page = context.new_page()
        page.route("**/*", local_only)
        open_app(page, f"{server.url}/?chart=map")
        chart = page.locator(CHART)
        expect(chart.locator("canvas").first).to_be_visible()
        # Every shipped outline reached the browser, whole (the figure was not cut down on the way).
        features = chart.evaluate("gd => gd.data[0].geojson.features.length")
        assert features == len(country_shapes()["features"])
        background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
        assert (background == "rgb(18, 22, 28)") == (scheme == "dark"), background
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SHOTS / f"{shot}.png")
        assert (SHOTS / f"{shot}.png").stat().st_size > 10_000
        assert outside == [], outside
    finally:
        context.close()
    no_server_errors(server)
