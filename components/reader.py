"""One article: metadata, date provenance, captions, body, tags, folded copies, related."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.bounded import portion, short_title
from components.direction import direction_style, text_key
from components.links import original_link
from components.redact import no_server_paths
from components.text import UNPADDED_MARKS_CSS, day_label, escape_markdown, highlight
from loaders.labels import phrases_for
from loaders.schema import EVIDENCE_SEPARATOR, KINDS
from storage.query import RELATED_WINDOW_DAYS, Article
from storage.search import parse_search

DATE_SOURCE_WORDS = {
    "metadata": "from the file's own date field",
    "dateline": "from the dateline",
    "url": "from the date in the URL",
    "caption": "from a date in a photo caption",
    "body": "from a date mentioned in the text (weak evidence)",
    "relative": "from a weekday in the text, resolved against a neighbouring article (weak evidence)",
    "none": "no date found",
}
# Kinds marked in the body: the named things, not topics (a topic's words are too loose to mark).
MARKED_KINDS = ("country", "person", "organization")

# The body's container: its marks are styled by UNPADDED_MARKS_CSS.
BODY_KEY = "reader-body"

Pick = Callable[[str, str], None]


def reader(
    article: Article,
    key: str,
    on_tag: Pick,
    on_open: Callable[[str], None],
    search: str = "",
    label: Callable[[str, str], str] = lambda kind, value: value,
) -> None:
    """Render one article; tag chips and related titles call back with the analyst's choice.
    search: the view's search, whose words are highlighted in the body."""
    row = article.row
    search_terms = parse_search(search).highlight_terms
    entity_terms = tagged_phrases(row, article.mentions)
    direction_style()
    language = row.get("language")
    with st.container(key=text_key(f"{key}-title", language)):
        st.subheader(escape_markdown(short_title(row.get("title"))) or "(untitled)", anchor=False)
    st.caption(escape_markdown(_byline(row)))
    original_link(row.get("url"), f"{key}-original")
    _tags(row, key, on_tag, label)
    why_tagged(article.mentions, label)
    with st.container(key=text_key(f"{key}-body", language)):
        for caption in row.get("captions") or []:
            st.caption(":material/photo_camera: " + escape_markdown(caption))
        _body(str(row.get("body") or ""), f"{key}-more-{row.get('article_id')}", search_terms, entity_terms)
    _copies(article.copies, row)
    _related(article.related, key, on_open)


def _body(body: str, key: str, search_terms: list[str], entity_terms: list[str]) -> None:
    """The body a budget at a time (components.bounded), with a button that draws the next one."""
    steps = int(st.session_state.get(key) or 1)
    shown = portion(body, steps)
    st.html(UNPADDED_MARKS_CSS.format(key=BODY_KEY))  # only a <style>: Streamlit draws it in no space
    with st.container(key=BODY_KEY):
        for paragraph in shown.paragraphs:
            st.markdown(highlight(paragraph, search_terms, entity_terms))
    if shown.more:
        st.caption(f"Showing {shown.shown_chars:,} of {shown.total_chars:,} characters.")
        st.button(
            "Show more", key=f"{key}-button", on_click=_more, args=(key, steps), icon=":material/expand_more:"
        )


def _more(key: str, steps: int) -> None:
    st.session_state[key] = steps + 1


def tagged_phrases(row: dict[str, object], mentions: pd.DataFrame | None = None) -> list[str]:
    """Phrases to mark in the body for the article's tagged countries, people, organizations:
    the words that fired each tag where the store kept them, else the gazetteer's phrases."""
    fired = evidence_of(mentions)
    return [
        phrase
        for k in KINDS
        if k.name in MARKED_KINDS
        for value in row.get(k.column) or []
        for phrase in fired.get((k.name, str(value))) or phrases_for(k.name, str(value))
    ]


def evidence_of(mentions: pd.DataFrame | None) -> dict[tuple[str, str], list[str]]:
    """(kind, value) -> the phrases in this article that produced the tag."""
    if mentions is None or mentions.empty or "evidence" not in mentions.columns:
        return {}
    return {
        (str(m.kind), str(m.value)): [p for p in str(m.evidence or "").split(EVIDENCE_SEPARATOR) if p]
        for m in mentions.itertuples(index=False)
    }


def why_tagged(mentions: pd.DataFrame, label: Callable[[str, str], str]) -> None:
    """Every tag with the words in this article that produced it, so an analyst can check it."""
    fired = evidence_of(mentions)
    if not fired:
        return
    with st.expander("Why these tags"):
        for m in mentions.itertuples(index=False):
            words = ", ".join(f"“{w}”" for w in fired.get((str(m.kind), str(m.value)), []))
            times = f"{int(m.count)} mention{'s' if int(m.count) != 1 else ''}"
            line = f"{label(str(m.kind), str(m.value))} ({m.kind}, {times}): {words or 'no phrase kept'}"
            st.markdown("- " + escape_markdown(line))


def _byline(row: dict[str, object]) -> str:
    published = row.get("published")
    dated = published is not None and not pd.isna(published)
    day = pd.Timestamp(published).date().isoformat() if dated else "Undated"
    how = DATE_SOURCE_WORDS.get(str(row.get("date_source")), "")
    parts = [f"{day} ({how})", str(row.get("source") or "unknown source")]
    if row.get("credit"):
        parts.append(f"photo: {row['credit']}")
    parts.append(f"{int(row.get('word_count') or 0):,} words")
    return " · ".join(parts)


def _tags(row: dict[str, object], key: str, on_tag: Pick, label: Callable[[str, str], str]) -> None:
    """The article's tags as one row of chips; a click adds that filter."""
    chips = [(k.name, value) for k in KINDS if k.tagged for value in (row.get(k.column) or [])]
    if not chips:
        return
    st.pills(
        "Tags: click one to add it as a filter",
        chips,
        key=f"{key}-tags",
        format_func=lambda chip: escape_markdown(label(*chip)),
        on_change=_tagged,
        args=(f"{key}-tags", on_tag),
        label_visibility="collapsed",
        wrap=True,  # directly in a column pills would scroll sideways, hiding tags
    )


def _tagged(key: str, on_tag: Pick) -> None:
    chip = st.session_state.get(key)
    if chip:
        on_tag(*chip)
    # A tag is an action, not a lasting choice: the chips go back to unselected.
    st.session_state[key] = None


def _copies(copies: pd.DataFrame, row: dict[str, object]) -> None:
    others = copies[copies["article_id"] != row.get("article_id")] if len(copies) else copies
    count = int(row.get("duplicates") or 0)
    if not count:
        return
    with st.expander(f"{count} cop{'y' if count == 1 else 'ies'} folded into this article"):
        for copy in copies.itertuples(index=False):
            day = day_label(copy.published)
            st.markdown(
                f"- {escape_markdown(short_title(copy.title))} · {day} · {escape_markdown(copy.source)}"
                f" · {escape_markdown(no_server_paths(copy.origin))}"
            )
        if others.empty:
            st.caption("The copies carry the same text as this one.")


def _related(related: pd.DataFrame, key: str, on_open: Callable[[str], None]) -> None:
    if related.empty:
        return
    st.markdown(
        f"**Related coverage**: most alike in wording, within {RELATED_WINDOW_DAYS} days of this article"
    )
    for item in related.itertuples(index=False):
        day = day_label(item.published)
        st.button(
            # The date first: after a long title it was cut off with the title's end.
            f"{day} · {escape_markdown(short_title(item.title))}",
            key=f"{key}-related-{item.article_id}",
            on_click=on_open,
            args=(item.article_id,),
            type="tertiary",
        )
