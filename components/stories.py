"""Stories: the developing stories under the filters, the chosen one, and an article's story.

A story is a group of articles about one developing event (storage/story_index.py places each
article at ingest); here they are listed, chosen and shown beside the reader.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components.bounded import short_title
from components.text import day_label, escape_markdown
from storage.stories import MIN_STORY_ARTICLES, Stories, StoryOf

ORDER_LABELS = {"largest": "Largest first", "newest": "Newest first"}
# Eight heights of a text sparkline: drawn by the font, so it reads in either theme and costs
# nothing to render (a chart per story would cost a plotly figure each).
BARS = "▁▂▃▄▅▆▇█"

Choose = Callable[[str], None]


def sparkline(counts: list[int]) -> str:
    """Counts as a row of block characters, the tallest the largest; empty for no counts."""
    if not counts:
        return ""
    top = max(counts) or 1
    return "".join(BARS[0] if n <= 0 else BARS[max(1, round(n / top * (len(BARS) - 1)))] for n in counts)


def span_words(first: object, last: object) -> str:
    """A story's dates as a reader says them: one day, or first - last."""
    if first is None or pd.isna(first):
        return "undated"
    start, end = pd.Timestamp(first).date(), pd.Timestamp(last).date()
    return _day(start) if start == end else f"{_day(start)} – {_day(end)}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def story_list(listed: Stories, chosen: str, key: str, on_choose: Choose, order_key: str) -> None:
    """The stories, each a button that narrows the page to it, with its span, counts and shape."""
    st.segmented_control(
        "Order", list(ORDER_LABELS), key=order_key, format_func=ORDER_LABELS.get, label_visibility="collapsed"
    )
    if listed.frame.empty:
        st.info(
            f"No story under these filters: a story needs {MIN_STORY_ARTICLES} or more matching articles"
            " published within a few days that share their headline's words. Widen the filters.",
            icon=":material/view_stream:",
        )
        return
    shown = len(listed.frame)
    more = f", the {shown} {'largest' if st.session_state.get(order_key) != 'newest' else 'newest'} shown"
    st.caption(
        f"{listed.total:,} stor{'y' if listed.total == 1 else 'ies'} of {MIN_STORY_ARTICLES}+ matching"
        f" articles{more if listed.total > shown else ''}. Counts are matching articles and the outlets"
        " that published them; the bars are the story's articles over its days. Choose one to read it."
    )
    for row in listed.frame.itertuples(index=False):
        _story_row(row, chosen, key, on_choose)


def _story_row(row: Any, chosen: str, key: str, on_choose: Choose) -> None:
    story_id = str(row.story_id)
    with st.container(key=f"{key}-row-{story_id}"):
        st.button(
            escape_markdown(short_title(row.label)) or "(untitled)",
            key=f"{key}-{story_id}",
            on_click=on_choose,
            args=("" if story_id == chosen else story_id,),  # choosing the chosen one again lets go
            type="secondary" if story_id == chosen else "tertiary",
            icon=":material/check:" if story_id == chosen else None,
        )
        articles, outlets = int(row.articles), int(row.outlets)
        st.caption(
            f"{span_words(row.first, row.last)} · {articles:,}"
            f" article{'s' if articles != 1 else ''} · {outlets:,} outlet{'s' if outlets != 1 else ''}"
            f" · {sparkline(list(row.spark))}"
        )


def chosen_story(story: StoryOf | None, key: str, on_choose: Choose) -> None:
    """Above the page's counts when a story is the filter: which story, and a way back."""
    if story is None:
        return
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.markdown(
        f":material/view_stream: **Story:** {escape_markdown(short_title(story.label))}"
        f" · {span_words(story.first, story.last)}"
    )
    right.button("All stories", key=key, on_click=on_choose, args=("",), icon=":material/close:")


def story_panel(story: StoryOf | None, chosen: str, key: str, on_open: Choose, on_choose: Choose) -> None:
    """In the reader: the story this article belongs to and its other articles."""
    if story is None:
        return
    st.markdown(f"**Story:** {escape_markdown(short_title(story.label))}")
    st.caption(
        f"{span_words(story.first, story.last)} · {story.articles:,} articles · {story.outlets:,} outlets"
    )
    if story.story_id != chosen:
        st.button(
            "Show only this story",
            key=f"{key}-story-{story.story_id}",
            on_click=on_choose,
            args=(story.story_id,),
            icon=":material/filter_alt:",
        )
    for item in story.others.itertuples(index=False):
        day = day_label(item.published)
        st.button(
            f"{escape_markdown(short_title(item.title))} · {day} · {escape_markdown(str(item.source or ''))}",
            key=f"{key}-in-story-{item.article_id}",
            on_click=on_open,
            args=(item.article_id,),
            type="tertiary",
        )
    if story.articles - 1 > len(story.others):
        st.caption(f"and {story.articles - 1 - len(story.others):,} more in this story")
