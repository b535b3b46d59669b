"""The coverage timeline: a plotly bar chart whose brushed range becomes the date filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.text import escape_markdown

# Automatic granularity: the finest that keeps the number of bars readable.
AUTO_DAY_MAX_SPAN = timedelta(days=120)
AUTO_WEEK_MAX_SPAN = timedelta(days=3 * 365)
AUTO_MONTH_MAX_SPAN = timedelta(days=25 * 365)
CHART_HEIGHT = 320
WEAK_OPACITY = 0.35
MEASURE_WORDS = {"articles": "articles", "stories": "distinct stories", "sources": "sources"}
PERIOD_DAYS = {"day": 1, "week": 7}


def auto_granularity(first: date | None, last: date | None) -> str:
    """Day, week, month or year, by the span of the dates on show."""
    if first is None or last is None:
        return "month"
    span = last - first
    if span <= AUTO_DAY_MAX_SPAN:
        return "day"
    if span <= AUTO_WEEK_MAX_SPAN:
        return "week"
    return "month" if span <= AUTO_MONTH_MAX_SPAN else "year"


def period_end(start: date, granularity: str) -> date:
    """The last day of the period that starts on start."""
    if granularity in PERIOD_DAYS:
        return start + timedelta(days=PERIOD_DAYS[granularity] - 1)
    if granularity == "year":
        return date(start.year, 12, 31)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - timedelta(days=1)


def figure(
    frame: pd.DataFrame, granularity: str, measure: str, share: bool, weak: str, denominator: str
) -> go.Figure:
    """The bar chart: one trace per series, weak-evidence dates drawn apart when asked."""
    fig = go.Figure()
    data = frame[~frame["weak"]] if weak == "exclude" else frame
    if weak != "apart":
        data = data.groupby(["bucket", "series"], as_index=False)["value"].sum().assign(weak=False)
    for (series, is_weak), rows in data.groupby(["series", "weak"], sort=True):
        name = str(series) if series != "all" else MEASURE_WORDS[measure]
        if is_weak:
            name += " (date from weak evidence)"
        fig.add_bar(
            x=pd.to_datetime(rows["bucket"]),
            y=rows["value"],
            name=name,
            opacity=WEAK_OPACITY if is_weak else 1.0,
            hovertemplate="%{x|%Y-%m-%d}: %{y:"
            + (".1%" if share else ",")
            + "}<extra>%{fullData.name}</extra>",
        )
    _period_axis(fig, data["bucket"], granularity)
    axis = denominator if share else f"{MEASURE_WORDS[measure]} per {granularity}"
    fig.update_layout(
        barmode="stack",
        height=CHART_HEIGHT,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=axis,
        yaxis_tickformat=".0%" if share else ",d",
        yaxis_rangemode="tozero",
        legend={"orientation": "h", "y": -0.15},
        dragmode="select",
        selectdirection="h",
    )
    return fig


TICK_FORMATS = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def _period_axis(fig: go.Figure, buckets: pd.Series, granularity: str) -> None:
    """Date ticks at the chart's granularity; a lone bar gets a period of room either side."""
    fig.update_xaxes(type="date", tickformat=TICK_FORMATS.get(granularity, "%Y-%m-%d"))
    days = pd.to_datetime(buckets).drop_duplicates()
    if len(days) == 1:
        pad = pd.Timedelta(days=PERIOD_DAYS.get(granularity, 31 if granularity == "month" else 366))
        fig.update_xaxes(range=[days.iloc[0] - pad, days.iloc[0] + pad])


def timeline(
    frame: pd.DataFrame,
    granularity: str,
    measure: str,
    share: bool,
    weak: str,
    denominator: str,
    undated: int,
    key: str,
    on_range: Callable[[date, date], None],
) -> None:
    """Draw the timeline; a brushed or clicked range is handed to on_range before the rerun."""
    if frame.empty:
        st.info("No dated articles match: nothing to draw.")
        return

    def picked() -> None:
        chosen = selected_range(st.session_state.get(key), granularity)
        if chosen:
            on_range(*chosen)

    st.plotly_chart(
        figure(frame, granularity, measure, share, weak, denominator),
        key=key,
        on_select=picked,
        selection_mode=("box", "points"),
        config={"displaylogo": False},
    )
    notes = []
    if undated:
        notes.append(f"{undated:,} undated articles are not on the chart.")
    if share:
        notes.append(f"Bars show the {escape_markdown(denominator)}.")
    if notes:
        st.caption(" ".join(notes))


def selected_range(event: object, granularity: str) -> tuple[date, date] | None:
    """The date range of a box selection, or of the clicked bars."""
    selection = (
        (event or {}).get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})
    )
    if not selection:
        return None
    boxes = selection.get("box") or []
    if boxes and boxes[0].get("x"):
        xs = sorted(pd.Timestamp(x).date() for x in boxes[0]["x"])
        return xs[0], xs[-1]
    points = selection.get("points") or []
    starts = sorted(pd.Timestamp(p["x"]).date() for p in points if p.get("x") is not None)
    if not starts:
        return None
    return starts[0], period_end(starts[-1], granularity)
