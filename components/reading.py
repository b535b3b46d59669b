"""The results and the reader, with the link and export under them: one fragment, so opening an
article or turning a page reruns only this part of the page, not the filters and the chart."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components import data, page, reader, results, state
from components.results import PAGE_SIZE
from loaders.query import Store


@st.fragment
def reading_area(store: Store, articles: int, names: dict[str, Callable[[str], str]]) -> None:
    """Result list and pager on the left, the open article on the right, link and export below.
    articles is the number matching the filters of the last full run."""
    if state.filters_moved():
        st.rerun()  # a tag chip added a filter: counts, facets and chart must follow
    view = state.current_view(store.version)
    state.write_url(view)
    if articles:
        left, right = st.columns([2, 3], gap="large")
        with left:
            st.subheader("Articles", anchor=False)
            results.sort_choice(state.SORT)
            rows = data.results(store, store.version, view.filters, view.sort, view.page, PAGE_SIZE)
            results.result_list(rows, "result", state.open_article, names["country"], view.article)
            results.pager(articles, view.page, "pager", state.set_page)
        with right:
            _open_article(store, view, names)
    page.share_and_export(store, view)


def _open_article(store: Store, view: state.View, names: dict[str, Callable[[str], str]]) -> None:
    opened = data.article(store, store.version, view.article) if view.article else None
    if opened is None:
        st.caption("Choose an article on the left to read it here.")
        return
    reader.reader(
        opened.row, opened.copies, opened.related, key="reader",
        on_tag=state.add_filter, on_open=state.open_article,
        search_terms=page.search_terms(view.filters),
        entity_terms=page.entity_terms(opened.row), label=page.tag_label(names),
    )  # fmt: skip
