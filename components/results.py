"""The result list: sorting, paging, and the choice of the article to read."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.bounded import short_title
from components.direction import direction_style, text_key
from components.text import UNPADDED_MARKS_CSS, day_label, escape_markdown, highlight

PAGE_SIZE = 20
# The list's container: its snippets' search marks are styled by UNPADDED_MARKS_CSS.
LIST_KEY = "results-list"  # not "result-…": tests find result buttons by that prefix
SORT_LABELS = {"newest": "Newest first", "oldest": "Oldest first", "relevance": "Best match"}


def sort_choice(key: str) -> str:
    """Newest, oldest or best match first (best match: the search's ranking; newest without one)."""
    return st.segmented_control("Sort", list(SORT_LABELS), key=key, format_func=SORT_LABELS.get) or "newest"


def result_list(
    rows: pd.DataFrame,
    key: str,
    on_open: Callable[[str], None],
    country_label: Callable[[str], str],
    open_article: str | None = None,
    search_terms: tuple[str, ...] = (),
) -> None:
    """One entry per article: title (opens it in the reader), then date, source, countries, and
    with a search the matched words in context. Title and details sit together, entries apart."""
    direction_style()
    st.html(UNPADDED_MARKS_CSS.format(key=LIST_KEY))  # only a <style>: Streamlit draws it in no space
    # Each entry's lines take their direction from their own first letter (Arabic titles read
    # right to left in an English list).
    with st.container(gap="medium", key=LIST_KEY):
        for row in rows.itertuples(index=False):
            is_open = row.article_id == open_article
            with st.container(gap=None, key=text_key(f"{key}-entry-{row.article_id}")):
                st.button(
                    escape_markdown(short_title(row.title)) or "(untitled)",
                    key=f"{key}-{row.article_id}",
                    on_click=on_open,
                    args=(row.article_id,),
                    type="primary" if is_open else "tertiary",
                    icon=":material/article:",
                )  # titles wrap: cut at one line they lost their second half
                st.caption(escape_markdown(short_title(_details(row, country_label))))
                text = str(getattr(row, "snippet", "") or "")
                if text:
                    st.caption(highlight(short_title(text), search_terms))


def _details(row: object, country_label: Callable[[str], str]) -> str:
    published = getattr(row, "published", None)
    day = day_label(published)
    parts = [day, str(getattr(row, "source", "") or "unknown source")]
    countries = [country_label(c) for c in (getattr(row, "countries_primary", None) or [])]
    if countries:
        parts.append(", ".join(countries))
    copies = int(getattr(row, "duplicates", 0) or 0)
    if copies:
        parts.append(f"{copies} more cop{'y' if copies == 1 else 'ies'} folded in")
    return " · ".join(parts)


def page_count(total: int) -> int:
    """Result pages for this many articles (one, even when empty)."""
    return max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def past_the_end(asked: int, shown: int) -> None:
    """Say that the page asked for is past the end of the results (pages counted from 0)."""
    st.info(
        f"Page {asked + 1:,} is past the end of the results: showing the last page, {shown + 1:,}.",
        icon=":material/last_page:",
    )


def pager(total: int, page: int, key: str, on_page: Callable[[int], None]) -> None:
    """Page buttons (arrows and numbers, no text label to cut off) and the position in the results."""
    pages = page_count(total)
    page = min(page, pages - 1)
    first = page * PAGE_SIZE + 1 if total else 0
    st.caption(
        f"{first:,}–{min((page + 1) * PAGE_SIZE, total):,} of {total:,} · page {page + 1} of {pages:,}"
    )
    if pages == 1:
        return
    # The widget must show the view's page, which a link or a filter change may set: a widget
    # keyed by the position is drawn fresh at its default whenever the position changes
    # (st.pagination always has a default, so its state cannot be set from outside).
    position = f"{key}-{page + 1}-of-{pages}"
    st.pagination(pages, default=page + 1, key=position, on_change=_turn, args=(position, on_page))


def _turn(key: str, on_page: Callable[[int], None]) -> None:
    on_page(int(st.session_state[key]) - 1)
