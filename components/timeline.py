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
from storage.query import WHOLE, CoreSpan, Timeline

# Automatic granularity: the finest that keeps the number of bars readable.
AUTO_DAY_MAX_SPAN = timedelta(days=120)
AUTO_WEEK_MAX_SPAN = timedelta(days=3 * 365)
AUTO_MONTH_MAX_SPAN = timedelta(days=25 * 365)
CHART_HEIGHT = 320
MEASURE_WORDS = {"articles": "articles", "copies": "copies", "sources": "sources"}
PERIOD_DAYS = {"day": 1, "week": 7}
DAY_MS = 86_400_000
# A bar fills this share of its period, centred in it, starting this share in: adjacent periods
# stay apart. Centred bars, not offset ones: plotly's hover and click find an offset bar's
# neighbour (a click on November picked January), so a click never reached the right period.
BAR_FILL, BAR_OFFSET = 0.8, 0.1
# Up to this many articles on the tallest bar, the y axis ticks every whole number (plotly's
# own choice there is 0.5 steps, which a whole-number format prints as "0, 1, 1, 2").
SMALL_COUNT_MAX = 10
# Below this largest share the axis needs a decimal, or every tick reads "0%".
SMALL_SHARE_MAX = 0.1
# At most this many date labels: ticks step by whole periods, so no label repeats a day.
MAX_DATE_TICKS = 12
# The whole drawn as bars in one colour; weak-date parts hatched in it, outlined: a pale fill
# alone vanished on the dark theme.
WHOLE_COLOUR = "#4e79a7"
WEAK_FILL = "rgba(78, 121, 167, 0.3)"
# Figures kept ready for views seen recently (a rerun that changes no filter draws the same one).
FIGURE_CACHE_ENTRIES = 64
TICK_FORMATS = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%b %Y", "year": "%Y"}
HOVER_DATES = {"day": "%Y-%m-%d", "week": "week of %Y-%m-%d", "month": "%b %Y", "year": "%Y"}


GRANULARITY_LABELS = {"auto": "Auto", "day": "Day", "week": "Week", "month": "Month", "year": "Year"}
MEASURE_LABELS = {"articles": "Articles", "copies": "Copies (folded ones too)", "sources": "Sources"}
MEASURE_NOTES = {
    "articles": "Articles count as in *Articles matching*: copies folded into one article count once.",
    "copies": "Copies count every copy, folded ones too: *Articles matching* plus *Duplicates folded*.",
    "sources": "Sources are the outlets that published any copy of a matching article.",
}
SPLIT_LABELS = {"none": "No split", "country": "Top countries", "topic": "Top topics"}
SPLIT_WORDS = {"country": ("country", "countries"), "topic": ("topic", "topics")}
WEAK_LABELS = {
    "apart": "Weak dates apart",
    "include": "Weak dates included",
    "exclude": "Weak dates left out",
}

Label = Callable[[str], str]


CHART_LABELS = {"timeline": "Timeline", "map": "Map", "stories": "Stories", "compare": "Compare"}
HOW_TO_PICK = (
    "Click a bar to set the dates to its period; for a range, choose *Box select* in the chart's"
    " toolbar and drag across the bars (a drag alone moves along time)."
)


def chart_choice(key: str) -> str:
    """What the chart area shows: the timeline, the map of coverage by country, or the stories."""
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


def period_start(day: date, granularity: str) -> date:
    """The first day of the period holding day (weeks start on Monday, as DuckDB's date_trunc)."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "year":
        return day.replace(month=1, day=1)
    return day


def figure_spec(
    frame: pd.DataFrame,
    granularity: str,
    measure: str,
    share: bool,
    weak: str,
    denominator: str,
    window: tuple[date, date] | None = None,
) -> dict:
    """The chart as a plotly figure dict: the whole as bars (weak dates hatched apart when asked),
    each split series as a line over them, never stacked, so no period reads above its whole.
    Every bar is one period wide, so two periods years apart stay thin bars. window: the dates
    the x axis opens on (the rest is reachable by zooming out)."""
    data = frame[~frame["weak"]] if weak == "exclude" else frame
    whole = data[data["series"] == WHOLE]
    if weak != "apart":
        whole = whole.groupby("bucket", as_index=False)["value"].sum().assign(weak=False)
    traces = [
        _bars(rows, bool(is_weak), granularity, measure, share) for is_weak, rows in whole.groupby("weak")
    ]
    parts = data[data["series"] != WHOLE].groupby(["series", "bucket"], as_index=False)["value"].sum()
    traces += [_line(rows, str(series), granularity, share) for series, rows in parts.groupby("series")]
    axis = denominator if share else f"{MEASURE_WORDS[measure]} per {granularity}"
    tallest = max([float(whole.groupby("bucket")["value"].sum().max()) if len(whole) else 0.0,
                   float(parts["value"].max()) if len(parts) else 0.0])  # fmt: skip
    layout = {
        "barmode": "stack",
        "height": CHART_HEIGHT,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "xaxis": _period_axis(data["bucket"], granularity, window),
        # fixedrange: counts start at zero, so a drag pans along time only.
        "yaxis": {
            "title": {"text": plain(axis)},
            "rangemode": "tozero",
            "fixedrange": True,
            **_count_ticks(tallest, share),
        },
        "legend": {"orientation": "h", "y": -0.15},
        # Pan, not select: st.plotly_chart turns a click into a selection (clickmode event+select)
        # only outside select mode; in select mode a click comes back empty. The toolbar's Box
        # select brushes a range (sideways only), the sidebar's dates set one by hand.
        "dragmode": "pan",
        "selectdirection": "h",
    }
    return {"data": traces, "layout": layout}


def _bars(rows: pd.DataFrame, is_weak: bool, granularity: str, measure: str, share: bool) -> dict:
    starts = pd.to_datetime(rows["bucket"])
    days = period_lengths(starts, granularity)
    name = f"all matching {MEASURE_WORDS[measure]}"
    if is_weak:
        name += " (date from weak evidence)"
    marker: dict = {"color": WHOLE_COLOUR}
    if is_weak:
        marker = {
            "color": WEAK_FILL,
            "line": {"color": WHOLE_COLOUR, "width": 1.5},
            "pattern": {"shape": "/", "fgcolor": WHOLE_COLOUR, "size": 6, "solidity": 0.3},
        }
    # numpy arrays: plotly validates them in one step, lists element by element.
    return {
        "type": "bar",
        "x": _middles(starts, days),
        "y": rows["value"].to_numpy(),
        "width": days.to_numpy(dtype="float64") * DAY_MS * BAR_FILL,
        "customdata": _period_labels(starts, granularity),
        "name": plain(name),
        "marker": marker,
        "hovertemplate": _hover(share),
    }


def _line(rows: pd.DataFrame, series: str, granularity: str, share: bool) -> dict:
    """One split series as a line through the middle of each period's bar."""
    starts = pd.to_datetime(rows["bucket"])
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "x": _middles(starts, period_lengths(starts, granularity)),
        "y": rows["value"].to_numpy(),
        "customdata": _period_labels(starts, granularity),
        "name": plain(series),
        "hovertemplate": _hover(share),
    }


def _middles(starts: pd.Series, days: pd.Series) -> object:
    half = days.astype("int64") * (DAY_MS // 2)  # int64: days in int32 times ms overflow
    return (starts + pd.to_timedelta(half, unit="ms")).to_numpy(dtype="datetime64[ms]")


def _period_labels(starts: pd.Series, granularity: str) -> object:
    """What a hover names: the period, by its start (the point itself sits mid-period)."""
    return starts.dt.strftime(HOVER_DATES.get(granularity, "%Y-%m-%d")).to_numpy(dtype=object)


def _hover(share: bool) -> str:
    return "%{customdata}: %{y:" + (".1%" if share else ",") + "}<extra>%{fullData.name}</extra>"


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


def _period_axis(buckets: pd.Series, granularity: str, window: tuple[date, date] | None) -> dict:
    """Date ticks stepping by whole periods, labels centred on them; the range spans the bars
    (or the window), a lone bar with a period of room either side."""
    days = pd.to_datetime(buckets).drop_duplicates().sort_values()
    axis: dict = {"type": "date", "tickformat": TICK_FORMATS.get(granularity, "%Y-%m-%d")}
    if days.empty:
        return axis
    low, high = days.iloc[0].date(), days.iloc[-1].date()
    if window:
        low = max(low, period_start(window[0], granularity))
        high = max(min(high, period_start(window[1], granularity)), low)
    end = period_end(high, granularity) + timedelta(days=1)
    if len(days) == 1:
        pad = timedelta(days=period_days(low, granularity))
        axis["range"] = [pd.Timestamp(low - pad), pd.Timestamp(end + pad)]
    else:
        axis["range"] = [pd.Timestamp(low), pd.Timestamp(end)]
    return axis | _date_ticks(low, end, granularity)


def _date_ticks(low: date, end: date, granularity: str) -> dict:
    """A tick every k periods from low (at most MAX_DATE_TICKS), each label in its period's middle."""
    if granularity in PERIOD_DAYS:
        periods = max((end - low).days // PERIOD_DAYS[granularity], 1)
        step = -(-periods // MAX_DATE_TICKS)
        dtick: object = step * PERIOD_DAYS[granularity] * DAY_MS
    else:
        months = (end.year - low.year) * 12 + end.month - low.month
        per = 12 if granularity == "year" else 1
        step = -(-max(months // per, 1) // MAX_DATE_TICKS)
        dtick = f"M{step * per}"
    ticks = {"tickmode": "linear", "tick0": low.isoformat(), "dtick": dtick}
    # One label per period sits in its middle, under its bar; a label for several sits at its tick.
    return ticks | ({"ticklabelmode": "period"} if step == 1 else {})


@st.cache_resource(show_spinner=False, max_entries=FIGURE_CACHE_ENTRIES)
def figure(*spec: object) -> go.Figure:
    """The validated plotly figure of figure_spec(*spec), kept per chart: plotly_chart copies it
    and never changes it."""
    return go.Figure(figure_spec(*spec))  # type: ignore[arg-type]


def named_series(frame: pd.DataFrame, label: Label) -> pd.DataFrame:
    """The frame with each split series (a country code, a topic) under the name an analyst reads."""
    names = {value: value if value == WHOLE else label(str(value)) for value in frame["series"].unique()}
    return frame.assign(series=frame["series"].map(names))


def timeline(
    chart: Timeline,
    view: View,
    key: str,
    on_range: Callable[[date, date], None],
    series_label: Label = str,
    core: CoreSpan | None = None,
) -> None:
    """Draw the timeline; a brushed or clicked range is handed to on_range before the rerun.
    core: where the coverage is, when far outliers would stretch the chart (None: all of it)."""
    frame, granularity, share = chart.frame, chart.granularity, view.share
    if frame.empty:
        st.info("No dated articles match: nothing to draw.")
        return

    def picked() -> None:
        chosen = selected_range(st.session_state.get(key), granularity)
        if chosen:
            on_range(*chosen)

    window = (core.first, core.last) if core and core.outside and core.first and core.last else None
    st.plotly_chart(
        figure(
            named_series(frame, series_label),
            granularity,
            chart.measure,
            share,
            view.weak,
            chart.denominator,
            window,
        ),
        key=key,
        on_select=picked,
        selection_mode=("box", "points"),
        config={"displaylogo": False},
    )
    st.caption(" ".join([HOW_TO_PICK, *chart_notes(chart, view, core)]))


def chart_notes(chart: Timeline, view: View, core: CoreSpan | None = None) -> list[str]:
    """What the chart counts, in words: the measure, the split's overlap, the share's denominator,
    what lies outside the default range, what is not on it at all."""
    notes = [MEASURE_NOTES[chart.measure]]
    if (chart.frame["series"] != WHOLE).any():
        one, many = SPLIT_WORDS[view.split]
        notes.append(
            f"Bars: all matching {MEASURE_WORDS[chart.measure]}; lines: the top {many}. An article"
            f" with several {many} counts once in each {one}'s line, so the lines can add up to more"
            " than the bar."
        )
    if view.share:
        notes.append(f"Each bar and line is its {escape_markdown(chart.denominator)}.")
    if core and core.outside and core.first and core.last:
        notes.append(
            f"The chart opens on {core.first} – {core.last}, where the coverage is;"
            f" {core.outside:,} dated article{'s lie' if core.outside != 1 else ' lies'} outside"
            f" ({core.earliest} – {core.latest}): zoom out or set the dates to see them."
        )
    if chart.undated:
        s = "s are" if chart.undated != 1 else " is"
        notes.append(f"{chart.undated:,} undated article{s} not on the chart.")
    return notes


def selected_range(event: object, granularity: str) -> tuple[date, date] | None:
    """The periods a box covers, or the clicked bars' periods, as a date range: a box edge in the
    gap before a bar does not reach into the period before it."""
    selection = (
        (event or {}).get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})
    )
    if not selection:
        return None
    boxes = selection.get("box") or []
    if boxes and boxes[0].get("x"):
        xs = sorted(pd.Timestamp(x) for x in boxes[0]["x"])
        first, last = _first_period_from(xs[0], granularity), _last_period_to(xs[-1], granularity)
        return (first, last) if first <= last else None  # a box in the gap between two bars
    points = selection.get("points") or []
    starts = sorted(
        period_start(pd.Timestamp(p["x"]).date(), granularity) for p in points if p.get("x") is not None
    )
    if not starts:
        return None
    return starts[0], period_end(starts[-1], granularity)


def _first_period_from(x: pd.Timestamp, granularity: str) -> date:
    """The first period whose bar ends after x."""
    start = period_start(x.date(), granularity)
    length = period_days(start, granularity)
    bar_end = pd.Timestamp(start) + pd.Timedelta(days=length * (BAR_OFFSET + BAR_FILL))
    return period_end(start, granularity) + timedelta(days=1) if x >= bar_end else start


def _last_period_to(x: pd.Timestamp, granularity: str) -> date:
    """The last day of the last period whose bar starts before x."""
    start = period_start(x.date(), granularity)
    bar_start = pd.Timestamp(start) + pd.Timedelta(days=period_days(start, granularity) * BAR_OFFSET)
    if x <= bar_start:
        start = period_start(start - timedelta(days=1), granularity)
    return period_end(start, granularity)
