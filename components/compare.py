"""Queries compared side by side: one line per named query on one timeline (as counts or as shares
of all coverage in the store), a table of totals and top countries and people, one CSV, and an
editor per query (rename, change its words, load it into the page and save it back, remove)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import data, state
from components.state import MAX_QUERY_NAME, Query
from components.text import escape_markdown
from components.timeline import (
    DAY_MS,
    GRANULARITY_LABELS,
    HOVER_DATES,
    MAX_DATE_TICKS,
    SMALL_COUNT_MAX,
    SMALL_SHARE_MAX,
    TICK_FORMATS,
    auto_granularity,
    period_lengths,
    plain,
)
from loaders.schema import KINDS
from storage.compare import MAX_QUERIES, Comparison, comparison, comparison_csv, span
from storage.query import Filters, Store

CHART_HEIGHT = 340
# Tableau 10's first five: apart from each other and readable on the light and the dark theme.
COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1")
# And a dash each: two queries with the same counts draw one line over the other.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash")
PERIOD_MONTHS = {"month": 1, "year": 12}
HOVER = "%{{customdata}}: %{{y:{}}}<extra>%{{fullData.name}}</extra>"
SCALE_LABELS = {"count": "Count", "share": "Share of all coverage"}

Label = Callable[[str, str], str]  # (kind, value) -> the name an analyst reads


def compare_this_button(key: str) -> None:
    """The button that adds the page's current view as one more compared query."""
    st.button(
        "Compare this", key=key, on_click=state.compare_this, icon=":material/add_chart:",
        help=f"Add the current filters as a query to compare (two to {MAX_QUERIES}) on one timeline.",
    )  # fmt: skip


def compare_view(store: Store, label: Label) -> None:
    """The comparison of the compared queries, or how to start one."""
    if message := state.compare_message():
        st.info(escape_markdown(message), icon=":material/info:")
    queries = state.compared()
    if not queries:
        st.info(
            "No queries to compare yet. Narrow the page to a view (words, countries, dates…) and press"
            f" **Compare this**; change the view and press it again. Two to {MAX_QUERIES} queries are"
            " drawn as lines on one timeline.",
            icon=":material/stacked_line_chart:",
        )
        return
    _loaded_notice(queries)
    granularity, scale = _controls()
    answer = data.compare_days(store, store.version, tuple(q.filters for q in queries))
    if granularity == "auto":
        granularity = auto_granularity(*span(answer))
    result = comparison(answer, granularity)
    names = [q.name for q in queries]
    share = scale == "share"
    if result.series["articles"].sum():
        st.plotly_chart(
            go.Figure(figure_spec(result, names, share)),  # type: ignore[arg-type]
            key=state.COMPARE_CHART,
            config={"displaylogo": False},
        )
    else:
        st.info("None of the compared queries matches a dated article: nothing to draw.")
    st.caption(" ".join(compare_notes(result, names, share)))
    st.dataframe(totals_table(result, names, label), hide_index=True, width="stretch")
    st.download_button(
        "Comparison as CSV", data=comparison_csv(result, names), file_name="comparison.csv", mime="text/csv",
        key=state.COMPARE_CSV, on_click="ignore", icon=":material/download:",
    )  # fmt: skip
    for position, query in enumerate(queries):
        query_editor(position, query, label)


def _loaded_notice(queries: Sequence[Query]) -> None:
    """While a query is loaded into the page: the button that saves the page's filters into it."""
    position = state.editing()
    if position is None:
        return
    name = escape_markdown(queries[position].name)
    with st.container(border=True):
        st.markdown(f"**{name}** is loaded into the page: change the filters, then save them into it.")
        st.button(
            "Save the page's filters into this query", key=f"{state.query_keys(position).save}_page",
            on_click=state.save_page_into_query, args=(position,), icon=":material/save:", type="primary",
        )  # fmt: skip


def _controls() -> tuple[str, str]:
    """Per (the page's granularity) and As (count or share): the same URL state as the timeline."""
    left, right, _ = st.columns([2, 3, 4])
    granularity = left.selectbox(
        "Per", list(GRANULARITY_LABELS), key=state.GRAN, format_func=GRANULARITY_LABELS.get
    )
    scale = right.selectbox("As", list(SCALE_LABELS), key=state.SCALE, format_func=SCALE_LABELS.get)
    return granularity or "auto", scale or "count"


def figure_spec(result: Comparison, names: Sequence[str], share: bool) -> dict:
    """One line per query, every period of the span drawn (zeros too), as counts or shares."""
    column = "share" if share else "articles"
    granularity = result.granularity
    traces = []
    for position, rows in result.series.groupby("query", sort=True):
        starts = pd.to_datetime(rows["bucket"])
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": plain(names[int(position)]),
            "x": _middles(starts, granularity), "y": rows[column].to_numpy(),
            "line": {"color": COLOURS[int(position) % len(COLOURS)], "width": 2,
                     "dash": DASHES[int(position) % len(DASHES)]},
            "customdata": starts.dt.strftime(HOVER_DATES[granularity]).to_numpy(dtype=object),
            "hovertemplate": HOVER.format(".1%" if share else ","),
        })  # fmt: skip
    tallest = float(result.series[column].max()) if len(result.series) else 0.0
    axis = result.denominator if share else f"articles per {granularity}"
    ticks: dict = (
        {"tickformat": ".1%" if tallest < SMALL_SHARE_MAX else ".0%"} if share else {"tickformat": ",d"}
    )
    if not share and tallest <= SMALL_COUNT_MAX:
        ticks |= {"tickmode": "linear", "tick0": 0, "dtick": 1}
    layout = {
        "height": CHART_HEIGHT,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "xaxis": {"type": "date", "tickformat": TICK_FORMATS[granularity], **_period_ticks(result)},
        "yaxis": {"title": {"text": plain(axis)}, "rangemode": "tozero", **ticks},
        # Shown for one line too: the legend is where a query's name is read.
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.18},
        "hovermode": "x unified",
    }
    return {"data": traces, "layout": layout}


def _period_ticks(result: Comparison) -> dict:
    """Ticks stepping by whole periods from the first (at most MAX_DATE_TICKS), each label under
    its period: plotly's own month ticks printed "2022 2022 2023" for yearly points."""
    buckets = sorted(set(result.series["bucket"]))
    if not buckets:
        return {}
    step = -(-len(buckets) // MAX_DATE_TICKS)
    granularity = result.granularity
    if granularity in PERIOD_MONTHS:
        dtick: object = f"M{step * PERIOD_MONTHS[granularity]}"
    else:
        dtick = step * (7 if granularity == "week" else 1) * DAY_MS
    return {"tickmode": "linear", "tick0": buckets[0].isoformat(), "dtick": dtick, "ticklabelmode": "period"}


def _middles(starts: pd.Series, granularity: str) -> object:
    """Each point in the middle of its period, as the timeline's bars. Computed here: plotly's own
    xperiod alignment froze Chromium for seconds on a few hundred daily points."""
    half = period_lengths(starts, granularity).astype("int64") * (DAY_MS // 2)
    return (starts + pd.to_timedelta(half.to_numpy(), unit="ms")).to_numpy(dtype="datetime64[ms]")


def compare_notes(result: Comparison, names: Sequence[str], share: bool) -> list[str]:
    """What the lines count, what a share is of, and which queries draw nothing."""
    notes = [
        "Each line counts a query's articles as *Articles matching* does (folded copies once),"
        " weak dates included; undated articles are in the totals, not on the chart."
    ]
    if share:
        notes.append(
            f"Each point is the query's {escape_markdown(result.denominator)} (never above 100%): queries"
            " may overlap, so the lines can add up to more than 100%."
        )
    empty = result.totals.loc[result.totals["articles"] == 0, "query"].tolist()
    for position in empty:
        notes.append(f"**{escape_markdown(names[position])}** matches no article: edit or remove it.")
    if len(names) == 1:
        notes.append("Change the page's filters and press *Compare this* again to add a second query.")
    return notes


def totals_table(result: Comparison, names: Sequence[str], label: Label) -> pd.DataFrame:
    """Per query: articles, undated, first and last day, top countries and top people."""
    totals = result.totals
    return pd.DataFrame(
        {
            "Query": [names[q] for q in totals["query"]],
            "Articles": totals["articles"].astype("int64"),
            "Undated": totals["undated"].astype("int64"),
            "First": totals["first"],
            "Last": totals["last"],
            "Top countries": [_top_values(result.top, q, "country", label) for q in totals["query"]],
            "Top people": [_top_values(result.top, q, "person", label) for q in totals["query"]],
        }
    )


def _top_values(top: pd.DataFrame, query: int, kind: str, label: Label) -> str:
    rows = top[(top["query"] == query) & (top["kind"] == kind)]
    return ", ".join(
        f"{label(kind, v)} ({n:,})" for v, n in zip(rows["value"], rows["articles"], strict=True)
    )


def filters_in_words(filters: Filters, label: Label) -> str:
    """A query's whole filter set, as Markdown-safe text."""
    parts = [f"words {filters.search!r}"] if filters.search else []
    for kind in KINDS:
        values = filters.values(kind.name)
        if values:
            joiner = " and " if kind.name == "country" and filters.countries_mode == "all" else " or "
            parts.append(f"{kind.title.lower()}: {joiner.join(label(kind.name, v) for v in values)}")
    if filters.primary_only:
        parts.append("primary country only")
    if filters.date_from or filters.date_to:
        parts.append(f"dates {filters.date_from or '…'} – {filters.date_to or '…'}")
    return escape_markdown("; ".join(parts) or "all coverage")


def query_editor(position: int, query: Query, label: Label) -> None:
    """One query: rename it and change its words in place, load it into the page, remove it."""
    keys = state.query_keys(position)
    state.seed_query_editor(position, query)
    with st.expander(f"{position + 1}. {escape_markdown(query.name)}"):
        st.caption(filters_in_words(query.filters, label))
        with st.form(keys.form, border=False):
            name_box, words_box = st.columns(2)
            name_box.text_input("Name", key=keys.name, max_chars=MAX_QUERY_NAME)
            words_box.text_input(
                "Words", key=keys.words, help="The query's search words; other filters stay."
            )
            st.form_submit_button("Save", on_click=state.save_query_editor, args=(position,), key=keys.save)
        load, remove = st.columns(2)
        load.button(
            "Load into the page", key=keys.load, on_click=state.load_query, args=(position,),
            icon=":material/edit:", help="Put its filters on the page, change them, save them back.",
        )  # fmt: skip
        remove.button(
            "Remove", key=keys.remove, on_click=state.remove_query, args=(position,), icon=":material/delete:"
        )
