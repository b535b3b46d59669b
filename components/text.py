"""Article text as safe Markdown: every character literal, highlights added only by us."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from components.plain import plain

# The two kinds of highlight (Streamlit Markdown directives). A search match is the stronger
# mark, bold on a background; an entity is coloured text only: a background span carries
# horizontal padding, which showed as a gap before punctuation ("Gaza 's"). The reader and the
# result snippets also take the padding off their search marks (UNPADDED_MARKS_CSS).
SEARCH_MARK = ":orange-background[**{}**]"
ENTITY_MARK = ":blue[{}]"
SEARCH, ENTITY = "search", "entity"
# Inline marks take no extra room: the text reads with the spacing it was written with.
# !important: Streamlit's own rule for the span is as specific and may come later.
UNPADDED_MARKS_CSS = (
    "<style>.st-key-{key} span.stMarkdownColoredBackground"
    " {{ padding-left: 0 !important; padding-right: 0 !important; }}</style>"
)
# Longest term list compiled into one highlight pattern.
MAX_HIGHLIGHT_TERMS = 200
# Compiled term patterns kept (two per open article: search terms and entity names).
HIGHLIGHT_PATTERNS_KEPT = 64

# CommonMark lets any ASCII punctuation be backslash-escaped; escaping all of it means no
# link, image, HTML tag, emphasis, heading, list, table, math ($) or directive (:red[...])
# can be formed by article text.
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def day_label(published: object) -> str:
    """A publication time as the day an analyst reads in lists (YYYY-MM-DD), or "undated"."""
    if published is None or pd.isna(published):
        return "undated"
    return pd.Timestamp(published).date().isoformat()


def escape_markdown(text: object) -> str:
    """Text shown exactly as written when rendered as Markdown; newlines become spaces."""
    flat = " ".join(plain(str(text if text is not None else "")).split())
    return _PUNCTUATION.sub(r"\\\1", flat)


def highlight(paragraph: str, search_terms: Iterable[str] = (), entity_terms: Iterable[str] = ()) -> str:
    """A paragraph as escaped Markdown with search terms and entity names marked: the marks add
    no character, so with them taken away the text is the paragraph exactly."""
    marks = _spans(paragraph, search_terms, SEARCH) + _spans(paragraph, entity_terms, ENTITY)
    out, position = [], 0
    for start, end, kind in _non_overlapping(marks):
        out.append(escape_markdown_keep_spaces(paragraph[position:start]))
        mark = SEARCH_MARK if kind == SEARCH else ENTITY_MARK
        out.append(mark.format(escape_markdown_keep_spaces(paragraph[start:end])))
        position = end
    out.append(escape_markdown_keep_spaces(paragraph[position:]))
    return "".join(out)


def escape_markdown_keep_spaces(text: str) -> str:
    """Like escape_markdown, but keeps leading and trailing spaces of a fragment."""
    collapsed = re.sub(r"\s+", " ", plain(text))
    return _PUNCTUATION.sub(r"\\\1", collapsed)


def _spans(text: str, terms: Iterable[str], kind: str) -> list[tuple[int, int, str]]:
    pattern = _pattern(tuple(terms))
    return [(m.start(), m.end(), kind) for m in pattern.finditer(text)] if pattern else []


@lru_cache(maxsize=HIGHLIGHT_PATTERNS_KEPT)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for a term list, compiled once per article rather than once per paragraph."""
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words[:MAX_HIGHLIGHT_TERMS])
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _non_overlapping(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Search spans win where one overlaps an entity: the entity keeps only its parts outside
    every search span (a search for "strip" in "Gaza Strip" marks Strip as the search match)."""
    searched = sorted(s for s in spans if s[2] == SEARCH)
    kept: list[tuple[int, int, str]] = []
    for span in searched:  # finditer spans of one pattern never overlap; two searches might
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    entities = [s for s in spans if s[2] == ENTITY]
    pieces = [piece for entity in entities for piece in _outside(entity, kept)]
    return sorted(kept + [p for p in pieces if p[1] > p[0]])


def _outside(span: tuple[int, int, str], others: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The parts of span that no span of others covers."""
    start, end, kind = span
    pieces = []
    for other_start, other_end, _ in others:
        if other_end <= start or other_start >= end:
            continue
        pieces.append((start, max(start, other_start), kind))
        start = max(start, other_end)
    pieces.append((start, end, kind))
    return [p for p in pieces if p[1] > p[0]]


def paragraphs(body: str) -> list[str]:
    """Body text split into readable paragraphs."""
    return [p.strip() for p in re.split(r"\n\s*\n|\r\n\s*\r\n", body or "") if p.strip()]
