"""The coverage map: articles per country under the current filters; a click picks the country."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.timeline import SMALL_COUNT_MAX, plain

MAP_HEIGHT = 420
# Countries with no matching article: a grey that reads on a light and on a dark page.
NO_COVERAGE = "rgba(128, 128, 128, 0.22)"
# Light to dark orange: both ends stand apart from either theme's background.
SCALE = [[0.0, "#fdd49e"], [0.5, "#f16913"], [1.0, "#8c2d04"]]
# Plotly's one map style with no tiles: nothing is fetched. (A custom style object draws, but
# plotly then gets no hover or click from it.) The map is a white card in either theme.
MAP_STYLE = "white-bg"
CENTER = {"lat": 29.0, "lon": 40.0}  # the Middle East, where the coverage is
ZOOM = 1.9


class SharedShapes(dict):
    """The shipped outlines, handed to plotly as they are: plotly deep-copies a figure's data when
    the figure is built and again when st.plotly_chart reads it back, and for 186 KB of coordinates
    that cost ~30 ms a rerun. Nothing edits the outlines, so a copy of them is the outlines."""

    def __deepcopy__(self, memo: dict) -> SharedShapes:
        return self


def figure(counts: pd.DataFrame, shapes: dict, label: Callable[[str], str]) -> go.Figure:
    """Every shipped country drawn; those with coverage coloured by their article count.
    One trace: a map with two stacked traces hovers and clicks the wrong one."""
    codes = [feature["id"] for feature in shapes["features"]]
    found = dict(zip(counts["value"], counts["count"], strict=True))
    colorbar = {"title": {"text": "articles"}, "thickness": 12, "tickformat": ",d"}
    if max(found.values(), default=0) <= SMALL_COUNT_MAX:
        colorbar["dtick"] = 1  # whole steps: ",d" on plotly's half steps printed "0 1 1 2 2"
    trace = go.Choroplethmap(
        geojson=SharedShapes(shapes), locations=codes, z=[int(found.get(c, 0)) for c in codes],
        featureidkey="id", customdata=codes, text=[plain(label(c)) for c in codes], zmin=0,
        colorscale=[[0.0, NO_COVERAGE], [1e-9, SCALE[0][1]], *SCALE[1:]], marker_line_width=0.4,
        marker_line_color="rgba(128,128,128,0.7)",
        colorbar=colorbar,
        hovertemplate="%{text}: %{z:,} articles<extra></extra>",
    )  # fmt: skip
    fig = go.Figure(trace)
    fig.update_layout(
        map={"style": MAP_STYLE, "center": CENTER, "zoom": ZOOM},
        height=MAP_HEIGHT, margin={"l": 0, "r": 0, "t": 0, "b": 0}, paper_bgcolor="rgba(0,0,0,0)",
    )  # fmt: skip
    return fig


def coverage_map(
    counts: pd.DataFrame,
    shapes: dict,
    key: str,
    on_country: Callable[[str], None],
    label: Callable[[str], str] = str,
    primary: bool = False,
) -> None:
    """Draw the map; a clicked country is handed to on_country before the rerun."""
    if counts.empty:
        st.info("No matching article names a country: nothing to map.")
        return

    covered = set(counts.loc[counts["count"] > 0, "value"])

    def picked() -> None:
        code = clicked_country(st.session_state.get(key))
        if code in covered:  # a country with no matching article would empty the page
            on_country(code)

    st.plotly_chart(
        figure(counts, shapes, label), key=key, on_select=picked, selection_mode="points",
        config={"displaylogo": False, "scrollZoom": False},
    )  # fmt: skip
    what = "is the story's primary country" if primary else "is mentioned"
    st.caption(
        f"Articles per country where the country {what}; an article naming several countries counts"
        " once in each, so the countries add up to more than the articles. Click a country to filter by it."
    )


def clicked_country(event: object) -> str | None:
    """The ISO code of the clicked country, if the click landed on one with coverage."""
    selection = (
        (event or {}).get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})
    )
    for point in (selection or {}).get("points") or []:
        code = point.get("location") or point.get("customdata")
        if isinstance(code, str) and code:
            return code
    return None
