"""Article text as safe Markdown: every character literal, highlights added only by us."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from components.plain import plain

# Background colours of the two kinds of highlight (Streamlit Markdown directive names).
SEARCH_COLOUR = "orange-background"
ENTITY_COLOUR = "blue-background"
# Longest term list compiled into one highlight pattern.
MAX_HIGHLIGHT_TERMS = 200
# Compiled term patterns kept (two per open article: search terms and entity names).
HIGHLIGHT_PATTERNS_KEPT = 64

# CommonMark lets any ASCII punctuation be backslash-escaped; escaping all of it means no
# link, image, HTML tag, emphasis, heading, list, table, math ($) or directive (:red[...])
# can be formed by article text.
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def escape_markdown(text: object) -> str:
    """Text shown exactly as written when rendered as Markdown; newlines become spaces."""
    flat = " ".join(plain(str(text if text is not None else "")).split())
    return _PUNCTUATION.sub(r"\\\1", flat)


def highlight(paragraph: str, search_terms: Iterable[str] = (), entity_terms: Iterable[str] = ()) -> str:
    """A paragraph as escaped Markdown with search terms and entity names highlighted."""
    marks = _spans(paragraph, search_terms, SEARCH_COLOUR) + _spans(paragraph, entity_terms, ENTITY_COLOUR)
    out, position = [], 0
    for start, end, colour in _non_overlapping(marks):
        out.append(escape_markdown_keep_spaces(paragraph[position:start]))
        out.append(f":{colour}[{escape_markdown_keep_spaces(paragraph[start:end])}]")
        position = end
    out.append(escape_markdown_keep_spaces(paragraph[position:]))
    return "".join(out)


def escape_markdown_keep_spaces(text: str) -> str:
    """Like escape_markdown, but keeps leading and trailing spaces of a fragment."""
    collapsed = re.sub(r"\s+", " ", plain(text))
    return _PUNCTUATION.sub(r"\\\1", collapsed)


def _spans(text: str, terms: Iterable[str], colour: str) -> list[tuple[int, int, str]]:
    pattern = _pattern(tuple(terms))
    return [(m.start(), m.end(), colour) for m in pattern.finditer(text)] if pattern else []


@lru_cache(maxsize=HIGHLIGHT_PATTERNS_KEPT)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for a term list, compiled once per article rather than once per paragraph."""
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words[:MAX_HIGHLIGHT_TERMS])
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _non_overlapping(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Earlier-listed (search) spans win where two overlap."""
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    return sorted(kept)


def paragraphs(body: str) -> list[str]:
    """Body text split into readable paragraphs."""
    return [p.strip() for p in re.split(r"\n\s*\n|\r\n\s*\r\n", body or "") if p.strip()]
