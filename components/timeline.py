"""The coverage timeline and its controls: a plotly bar chart whose brushed range becomes the
date filter."""

from __future__ import annotations

import calendar
import html
from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.state import View
from components.text import escape_markdown
from storage.query import Timeline

# Automatic granularity: the finest that keeps the number of bars readable.
AUTO_DAY_MAX_SPAN = timedelta(days=120)
AUTO_WEEK_MAX_SPAN = timedelta(days=3 * 365)
AUTO_MONTH_MAX_SPAN = timedelta(days=25 * 365)
CHART_HEIGHT = 320
WEAK_OPACITY = 0.35
MEASURE_WORDS = {"articles": "articles", "stories": "distinct stories", "sources": "sources"}
PERIOD_DAYS = {"day": 1, "week": 7}
DAY_MS = 86_400_000
# A bar fills this share of its period, starting this share in: adjacent periods stay apart.
BAR_FILL, BAR_OFFSET = 0.8, 0.1
# Up to this many articles on the tallest bar, the y axis ticks every whole number (plotly's
# own choice there is 0.5 steps, which a whole-number format prints as "0, 1, 1, 2").
SMALL_COUNT_MAX = 10
# Below this largest share the axis needs a decimal, or every tick reads "0%".
SMALL_SHARE_MAX = 0.1
# Figures kept ready for views seen recently (a rerun that changes no filter draws the same one).
FIGURE_CACHE_ENTRIES = 64
TICK_FORMATS = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
HOVER_DATES = {"day": "%Y-%m-%d", "week": "week of %Y-%m-%d", "month": "%b %Y", "year": "%Y"}

GRANULARITY_LABELS = {"auto": "Auto", "day": "Day", "week": "Week", "month": "Month", "year": "Year"}
MEASURE_LABELS = {"articles": "Articles", "stories": "Distinct stories", "sources": "Sources"}
SPLIT_LABELS = {"none": "No split", "country": "Top countries", "topic": "Top topics"}
WEAK_LABELS = {
    "apart": "Weak dates apart",
    "include": "Weak dates included",
    "exclude": "Weak dates left out",
}

Label = Callable[[str], str]


CHART_LABELS = {"timeline": "Timeline", "map": "Map"}


def chart_choice(key: str) -> str:
    """What the chart area shows: the timeline, or the map of coverage by country."""
    chosen = st.segmented_control(
        "Show", list(CHART_LABELS), key=key, format_func=CHART_LABELS.get, label_visibility="collapsed"
    )
    return chosen or "timeline"


def timeline_controls() -> str:
    """Granularity, measure, split, scale and weak-date handling; returns the granularity."""
    row = st.columns([3, 3, 3, 2, 3])
    gran = row[0].selectbox(
        "Per", list(GRANULARITY_LABELS), key=state.GRAN, format_func=GRANULARITY_LABELS.get
    )
    row[1].selectbox("Count", list(MEASURE_LABELS), key=state.MEASURE, format_func=MEASURE_LABELS.get)
    row[2].selectbox("Split by", list(SPLIT_LABELS), key=state.SPLIT, format_func=SPLIT_LABELS.get)
    row[3].selectbox("As", ["count", "share"], key=state.SCALE, format_func=str.capitalize)
    row[4].selectbox("Weak dates", list(WEAK_LABELS), key=state.WEAK, format_func=WEAK_LABELS.get)
    return gran or "auto"


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


def period_days(start: date, granularity: str) -> int:
    """How many days the period starting on start lasts (months and years vary)."""
    if granularity in PERIOD_DAYS:
        return PERIOD_DAYS[granularity]
    if granularity == "year":
        return 366 if calendar.isleap(start.year) else 365
    return calendar.monthrange(start.year, start.month)[1]


def plain(text: object) -> str:
    """Text for a plotly label: plotly reads labels as an HTML subset, so < > & are escaped."""
    return html.escape(str(text), quote=False)


def figure_spec(
    frame: pd.DataFrame, granularity: str, measure: str, share: bool, weak: str, denominator: str
) -> dict:
    """The bar chart as a plotly figure dict: one trace per series, weak dates drawn apart when
    asked. Every bar is one period wide, so two periods years apart stay thin bars."""
    data = frame[~frame["weak"]] if weak == "exclude" else frame
    if weak != "apart":
        data = data.groupby(["bucket", "series"], as_index=False)["value"].sum().assign(weak=False)
    traces = [
        _bars(rows, str(series), bool(is_weak), granularity, measure, share)
        for (series, is_weak), rows in data.groupby(["series", "weak"], sort=True)
    ]
    axis = denominator if share else f"{MEASURE_WORDS[measure]} per {granularity}"
    tallest = float(data.groupby("bucket")["value"].sum().max()) if len(data) else 0.0
    layout = {
        "barmode": "stack",
        "height": CHART_HEIGHT,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "xaxis": _period_axis(data["bucket"], granularity),
        "yaxis": {"title": {"text": plain(axis)}, "rangemode": "tozero", **_count_ticks(tallest, share)},
        "legend": {"orientation": "h", "y": -0.15},
        "dragmode": "select",
        "selectdirection": "h",
    }
    return {"data": traces, "layout": layout}


def _bars(
    rows: pd.DataFrame, series: str, is_weak: bool, granularity: str, measure: str, share: bool
) -> dict:
    starts = pd.to_datetime(rows["bucket"])
    widths = period_lengths(starts, granularity).to_numpy(dtype="float64") * DAY_MS
    name = series if series != "all" else MEASURE_WORDS[measure]
    if is_weak:
        name += " (date from weak evidence)"
    # numpy arrays: plotly validates them in one step, lists element by element.
    return {
        "type": "bar",
        "x": starts.to_numpy(dtype="datetime64[ms]"),
        "y": rows["value"].to_numpy(),
        "width": widths * BAR_FILL,
        "offset": widths * BAR_OFFSET,
        "name": plain(name),
        "opacity": WEAK_OPACITY if is_weak else 1.0,
        "hovertemplate": f"%{{x|{HOVER_DATES.get(granularity, '%Y-%m-%d')}}}: %{{y:"
        + (".1%" if share else ",")
        + "}<extra>%{fullData.name}</extra>",
    }


def period_lengths(starts: pd.Series, granularity: str) -> pd.Series:
    """Days in each period starting on starts (a datetime series)."""
    if granularity in PERIOD_DAYS:
        return pd.Series(PERIOD_DAYS[granularity], index=starts.index)
    if granularity == "year":
        return 365 + starts.dt.is_leap_year.astype(int)
    return starts.dt.days_in_month


def _count_ticks(tallest: float, share: bool) -> dict:
    """Whole-number ticks for counts (every integer when they are small); percent for shares."""
    if share:
        return {"tickformat": ".1%" if tallest < SMALL_SHARE_MAX else ".0%"}
    if tallest <= SMALL_COUNT_MAX:
        return {"tickformat": ",d", "tickmode": "linear", "tick0": 0, "dtick": 1}
    return {"tickformat": ",d"}


def _period_axis(buckets: pd.Series, granularity: str) -> dict:
    """Date ticks at the chart's granularity; a lone bar gets a period of room either side."""
    axis: dict = {"type": "date", "tickformat": TICK_FORMATS.get(granularity, "%Y-%m-%d")}
    days = pd.to_datetime(buckets).drop_duplicates()
    if len(days) == 1:
        start = days.iloc[0]
        pad = pd.Timedelta(days=period_days(start.date(), granularity))
        axis["range"] = [start - pad, start + 2 * pad]
    return axis


@st.cache_resource(show_spinner=False, max_entries=FIGURE_CACHE_ENTRIES)
def figure(
    frame: pd.DataFrame, granularity: str, measure: str, share: bool, weak: str, denominator: str
) -> go.Figure:
    """The validated plotly figure, kept per chart: plotly_chart copies it and never changes it."""
    return go.Figure(figure_spec(frame, granularity, measure, share, weak, denominator))


def named_series(frame: pd.DataFrame, label: Label) -> pd.DataFrame:
    """The frame with each split series (a country code, a topic) under the name an analyst reads."""
    names = {value: value if value == "all" else label(str(value)) for value in frame["series"].unique()}
    return frame.assign(series=frame["series"].map(names))


def timeline(
    chart: Timeline, view: View, key: str, on_range: Callable[[date, date], None], series_label: Label = str
) -> None:
    """Draw the timeline; a brushed or clicked range is handed to on_range before the rerun."""
    frame, granularity, share, undated = chart.frame, chart.granularity, view.share, chart.undated
    if frame.empty:
        st.info("No dated articles match: nothing to draw.")
        return

    def picked() -> None:
        chosen = selected_range(st.session_state.get(key), granularity)
        if chosen:
            on_range(*chosen)

    st.plotly_chart(
        figure(
            named_series(frame, series_label), granularity, chart.measure, share, view.weak, chart.denominator
        ),
        key=key,
        on_select=picked,
        selection_mode=("box", "points"),
        config={"displaylogo": False},
    )
    notes = []
    if undated:
        notes.append(f"{undated:,} undated article{'s are' if undated != 1 else ' is'} not on the chart.")
    if share:
        notes.append(f"Bars show the {escape_markdown(chart.denominator)}.")
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
