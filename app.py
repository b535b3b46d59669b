"""Middle East diplomacy coverage: narrow, chart, read and share. URL state -> query -> components."""

from __future__ import annotations

import streamlit as st

from components import data, filters, page, state
from components.reading import reading_area
from components.timeline import auto_granularity, timeline
from loaders.store import StoreError

st.set_page_config(page_title="Diplomacy coverage", page_icon=":material/public:", layout="wide")
if not page.signed_in():
    st.stop()

try:
    path = data.store_path()
except StoreError as error:  # a store address that cannot be reached and was never mirrored
    page.no_store(error, upload=False)
    st.stop()
data.ensure_store(path)
served = page.served_store(path)
try:
    store = data.open_store(str(served), data.generation(served))
except StoreError as error:
    page.no_store(error)
    st.stop()
version = store.version

state.load_once(store.known)
page.notices(version)
names = page.labels()

with st.sidebar:
    st.title("Coverage", anchor=False)
    filters.search_box(state.SEARCH)
    first, last = data.date_span(store, version)
    filters.date_range(first, last, (state.DATE_FROM, state.DATE_TO))
    chosen = state.current_filters()
    facet_counts = data.facets(store, version, chosen)
    for kind, title in page.FACET_TITLES.items():
        with st.expander(title, expanded=kind in ("country", "topic") or bool(chosen.values(kind))):
            options = data.facet_values(store, version, kind)
            label = names.get(kind, str)
            filters.facet(title, facet_counts[kind], options, state.FACET_KEYS[kind], label)
            if kind == "country":
                filters.country_options(state.MODE, state.PRIMARY)
    filters.clear_all(state.DEFAULTS, key="clear_all")
    page.upload_panel(path)

state.reset_page_on_change(state.current_filters())
view = state.current_view(version)  # reading_area writes it to the URL

summary = data.summary(store, version, view.filters)
page.summary_strip(summary)
if summary.articles == 0:
    st.info("No articles match: clear a filter or widen the dates.", icon=":material/filter_alt_off:")
    filters.clear_all(state.DEFAULTS, key="clear_all_empty")

if summary.articles:
    granularity = page.timeline_controls()
    if granularity == "auto":
        granularity = auto_granularity(summary.first, summary.last)
    chart = data.timeline(store, version, view.filters, granularity, view.measure, view.split, view.share)
    timeline(
        chart.frame, granularity, view.measure, view.share, view.weak, chart.denominator,
        chart.undated, key="timeline", on_range=state.set_dates, series_label=names.get(view.split, str),
    )  # fmt: skip

reading_area(store, summary.articles, names)
