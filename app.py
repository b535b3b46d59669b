"""Middle East diplomacy coverage: narrow, chart, read and share. URL state -> questions -> components."""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

from components import data, filters, results, serving, share, state
from components.access import signed_in
from components.compare import compare_this_button, compare_view
from components.focus import bring_into_view
from components.heading import heading
from components.map import coverage_map
from components.reader import reader
from components.stories import chosen_story, story_list, story_panel
from components.summary import summary_strip
from components.timeline import auto_granularity, chart_choice, timeline, timeline_controls
from components.upload import upload_panel
from loaders.gazetteer import country_shapes
from loaders.labels import display_name
from loaders.schema import KINDS
from storage.layout import StoreError
from storage.query import Store
from storage.search import parse_search

FAVICON = Path(__file__).parent / "assets" / "favicon.png"
# The favicon is a file of the app: a ":material/..." icon is fetched from a font CDN.
st.set_page_config(page_title="Diplomacy coverage", page_icon=str(FAVICON), layout="wide")
if not signed_in():
    st.stop()

try:
    path = serving.store_path()
except StoreError as error:  # a store address that cannot be reached and was never mirrored
    serving.no_store(error)
    st.stop()
serving.ensure_store(path)
served = serving.served_store(path)
try:
    store, unreadable = serving.open_served(served)  # the newest generation that opens
except StoreError as error:
    serving.no_store(error)
    st.caption("Add files with `python -m storage ingest FILES`, or upload them here.")
    upload_panel(path)
    st.stop()
version = store.version
if unreadable:
    serving.older_copy_notice(unreadable)

state.load_once(store.known)
heading(store)
share.link_notices(version)
names = {k.name: display_name(k.name) for k in KINDS}


@st.fragment
def reading_area(store: Store, articles: int) -> None:
    """Results and reader, link and export: a fragment, so opening an article or turning a page
    reruns only this part. articles: the number matching the filters of the last full run."""
    if state.filters_moved():
        st.rerun()  # a tag chip added a filter: counts, facets and chart must follow
    view = state.current_view(store.version)
    if (page := state.clamp_page(view.page, results.page_count(articles))) != view.page:
        results.past_the_end(view.page, page)  # a link to page 900 of 3 opens page 3, and says so
        view = state.current_view(store.version)
    state.write_url(view)
    if articles:
        left, right = st.columns([2, 3], gap="large")
        with left:
            st.subheader("Articles", anchor=False)
            results.sort_choice(state.SORT)
            rows = data.results(store, store.version, view.filters, view.sort, view.page, results.PAGE_SIZE)
            terms = tuple(parse_search(view.filters.search).highlight_terms)
            results.result_list(rows, state.RESULT, state.open_article, names["country"], view.article, terms)
            results.pager(articles, view.page, state.PAGER, state.set_page)
        with right:
            opened = data.article(store, store.version, view.article) if view.article else None
            if opened is None:
                st.caption("Choose an article on the left to read it here.")
            else:
                bring_into_view(view.article, state.READER_FOCUS)
                label = lambda kind, value: names[kind](value)  # noqa: E731
                reader(opened, state.READER, state.add_filter, state.open_article, view.filters.search, label)
                story = data.story_of(store, store.version, view.article)
                story_panel(story, view.filters.story, state.READER, state.open_article, state.set_story)
    share.share_and_export(store, view)


with st.sidebar:
    st.title("Coverage", anchor=False)
    filters.search_box(state.SEARCH)
    first, last = data.date_span(store, version)
    filters.date_range(first, last, (state.DATE_FROM, state.DATE_TO))
    chosen = state.current_filters()
    facet_counts = data.facets(store, version, chosen)
    for kind in KINDS:
        with st.expander(
            kind.title,
            expanded=kind.name in ("country", "topic")
            or bool(chosen.values(kind.name) or chosen.excluded(kind.name)),
        ):
            options = data.facet_values(store, version, kind.name)
            keys = filters.FacetKeys(
                state.FACET_KEYS[kind.name], state.LEFT_OUT_KEYS[kind.name], state.SHOW_ALL_KEYS[kind.name]
            )
            show_all = functools.partial(state.set_show_all, kind.name)
            filters.facet(
                kind.title,
                facet_counts[kind.name],
                options,
                keys,
                names[kind.name],
                state.show_all(kind.name),
                show_all,
            )
            if kind.name == "country":
                filters.country_options(state.MODE, state.PRIMARY)
    filters.clear_all(state.DEFAULTS, key=state.CLEAR_ALL)
    upload_panel(path)

state.reset_page_on_change(state.current_filters())
view = state.current_view(version)  # reading_area writes it to the URL

if view.filters.story:
    chosen_story(data.story(store, version, view.filters.story), state.STORY_CLEAR, state.set_story)
summary = data.summary(store, version, view.filters)
summary_strip(summary)
if summary.articles == 0:
    st.info("No articles match: clear a filter or widen the dates.", icon=":material/filter_alt_off:")
    filters.clear_all(state.DEFAULTS, key=state.CLEAR_ALL_EMPTY)

if summary.articles:
    with st.container(horizontal=True, vertical_alignment="center"):
        shown = chart_choice(state.CHART)
        compare_this_button(state.COMPARE_THIS)
    if shown == "stories":
        listed = data.stories(store, version, view.filters, view.story_order)
        story_list(listed, view.filters.story, state.STORIES, state.set_story, state.STORY_ORDER)
    elif shown == "compare":
        compare_view(store, lambda kind, value: names[kind](value))
    elif shown == "map":
        counts = data.country_counts(store, version, view.filters)
        primary = view.filters.primary_only
        coverage_map(counts, country_shapes(), state.MAP, state.set_country, names["country"], primary)
    else:
        granularity = timeline_controls()
        # Chosen dates are the analyst's range; otherwise the chart opens where the coverage is.
        dated = view.filters.date_from or view.filters.date_to
        core = None if dated else data.core_span(store, version, view.filters)
        if granularity == "auto":
            span = (core.first, core.last) if core and core.outside else (summary.first, summary.last)
            granularity = auto_granularity(*span)
        chart = data.timeline(store, version, view.filters, granularity, view.measure, view.split, view.share)
        timeline(chart, view, state.TIMELINE, state.set_dates, names.get(view.split, str), core)

reading_area(store, summary.articles)
