"""The page-text dump format: article pages copied as visible text, several articles per file.

One article as the page shows it::

    Title
                                  (blank)
    Caption one (AFP)             each photo caption twice in a row
    Caption one (AFP)
    TT                            the font-size button
                                  (blank)
    Title                         the headline block repeats
                                  (blank)
    Caption one (AFP)
    Caption one (AFP)
                                  (blank)
    Paragraph one.                one paragraph per line, blank lines between
                                  (blank)
    Paragraph two.

The next article starts with its title after two or more blank lines. Real pages vary: no photo,
several photos, no "TT", CRLF line ends, a byte-order mark, stray whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from loaders.formats.tabular import first_sentence
from loaders.schema import RawArticle

DUMP_SOURCE = "Asharq Al-Awsat"

# The font-size button the page copy picks up; never article text.
FONT_BUTTON = "TT"
# A headline is short; a longer line is a paragraph even if it repeats.
MAX_TITLE_WORDS = 30
MAX_TITLE_CHARS = 300
# How far (in lines) the repeated headline may sit below the first one: room for ~12 photos.
HEADER_SPAN = 40
# An agency credit is a few capitalized words ("AFP", "Anadolu Agency", "Getty Images").
MAX_CREDIT_WORDS = 4

_CREDIT_PARENS = re.compile(r"\(([^()]*)\)\s*$")
_AGENCY_LIKE = re.compile(r"^[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*)*$")
# Trailing-paren words that describe the photo rather than name who took it.
_NOT_AGENCIES = frozenset({"File", "File Photo", "Photo", "Handout", "Archive", "L", "R", "C"})


def parse_dump(text: str, origin: str) -> list[RawArticle]:
    """Split a page-text dump into articles (title, captions once, credit, body)."""
    lines = normalize_lines(text)
    starts = find_header_starts(lines)
    if starts:
        # Text above the first repeated headline is an article whose headline did not repeat.
        spans = _spans([0, *starts] if _has_text(lines[: starts[0]]) else starts, len(lines))
    else:
        spans = split_on_blank_runs(lines)
    articles = (_parse_article(lines[a:b], origin, a) for a, b in spans)
    return [article for article in articles if article is not None]


def normalize_lines(text: str) -> list[str]:
    """Lines without BOM, CR, or stray whitespace (inner runs collapse to one space)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # str.split() with no argument also drops NBSP and tabs, which page copies are full of.
    return [" ".join(line.split()) for line in text.split("\n")]


def find_header_starts(lines: Sequence[str]) -> list[int]:
    """Indexes of headlines that repeat a few lines below (the page's headline block)."""
    starts: list[int] = []
    i = 0
    while i < len(lines):
        repeat = _headline_repeat(lines, i)
        if repeat is None:
            i += 1
            continue
        starts.append(i)
        i = repeat + 1
    return starts


def _headline_repeat(lines: Sequence[str], i: int) -> int | None:
    """Index of the repeat of headline candidate lines[i], or None if it is no headline."""
    # A line doubled in place is a photo caption; a headline repeats further down.
    if not _looks_like_title(lines[i]) or _is_doubled(lines, i):
        return None
    for j in range(i + 1, min(i + 1 + HEADER_SPAN, len(lines))):
        if lines[j] == lines[i]:
            return j if _is_header_block(lines, i + 1, j) else None
    return None


def _is_header_block(lines: Sequence[str], start: int, stop: int) -> bool:
    """True if lines[start:stop] hold only what sits between two headlines: captions, TT."""
    between = [k for k in range(start, stop) if lines[k]]
    if any(lines[k] == FONT_BUTTON for k in between):
        return True
    # Without the button, every line must be a doubled caption, or a short pull quote could pass.
    return all(_is_doubled(lines, k) for k in between)


def _is_doubled(lines: Sequence[str], k: int) -> bool:
    """True if lines[k] equals the line right above or right below it."""
    above = k > 0 and lines[k - 1] == lines[k]
    below = k + 1 < len(lines) and lines[k + 1] == lines[k]
    return above or below


def _looks_like_title(line: str) -> bool:
    """A headline: non-empty, short, not the font button."""
    if not line or line == FONT_BUTTON or len(line) > MAX_TITLE_CHARS:
        return False
    return len(line.split()) <= MAX_TITLE_WORDS


def split_on_blank_runs(lines: Sequence[str]) -> list[tuple[int, int]]:
    """Spans of lines separated by two or more blank lines (fallback when no headline repeats)."""
    starts = [0]
    blanks = 0
    for k, line in enumerate(lines):
        if not line:
            blanks += 1
            continue
        if blanks >= 2 and k > 0 and _has_text(lines[starts[-1] : k]):
            starts.append(k)
        blanks = 0
    return _spans(starts, len(lines))


def _spans(starts: list[int], end: int) -> list[tuple[int, int]]:
    """Consecutive (start, stop) pairs from sorted start indexes."""
    return list(zip(starts, [*starts[1:], end], strict=True))


def _has_text(lines: Sequence[str]) -> bool:
    """True if any line is non-blank and not the font button."""
    return any(line and line != FONT_BUTTON for line in lines)


def _parse_article(lines: Sequence[str], origin: str, offset: int) -> RawArticle | None:
    """One article from its lines: first line is the title, doubled lines are captions."""
    content = [k for k, line in enumerate(lines) if line and line != FONT_BUTTON]
    if not content:
        return None
    first = lines[content[0]]
    # A first line far too long for a headline is a paragraph (a page pasted without its
    # headline, a title of 5,000 characters): it stays in the body, its first sentence titles it.
    title = first if len(first) <= MAX_TITLE_CHARS else first_sentence(first)
    captions = _dedupe(
        [lines[k] for k in _header_block(lines, content[0])]
        + [lines[k] for k in content if _is_doubled(lines, k) and lines[k] != title]
    )
    skip = {title, *captions}
    body = [lines[k] for k in content if lines[k] not in skip]
    if not body:
        return None
    return RawArticle(
        title=title,
        body="\n\n".join(body),
        captions=captions,
        credit=credit_from_captions(captions),
        source=DUMP_SOURCE,
        origin=f"{origin}:line {offset + content[0] + 1}",
    )


def _header_block(lines: Sequence[str], start: int) -> list[int]:
    """Indexes of the lines between a headline and its repeat: captions, even undoubled ones."""
    end = min(start + 1 + HEADER_SPAN, len(lines))
    repeat = next((j for j in range(start + 1, end) if lines[j] == lines[start]), None)
    if repeat is None:
        return []
    return [k for k in range(start + 1, repeat) if lines[k] and lines[k] != FONT_BUTTON]


def _dedupe(items: Sequence[str]) -> list[str]:
    """Items once each, first occurrence order kept."""
    return list(dict.fromkeys(items))


def credit_from_captions(captions: Sequence[str]) -> str | None:
    """Distinct agency credits of the captions joined by ", " ("AFP", "EPA, Reuters"), or None."""
    credits = _dedupe([c for c in map(caption_credit, captions) if c])
    return ", ".join(credits) or None


def caption_credit(caption: str) -> str | None:
    """The agency in a caption's trailing parentheses: "(Photo by X / MINISTRY / AFP)" -> "AFP"."""
    match = _CREDIT_PARENS.search(caption)
    if match is None:
        return None
    # The agency comes last: "Photo by Handout / RUSSIAN FOREIGN MINISTRY / AFP".
    for part in reversed(re.split(r"[/,;]", match.group(1))):
        if _is_agency(part.strip()):
            return part.strip()
    return None


def _is_agency(part: str) -> bool:
    """True for a few capitalized words that name who took a photo."""
    if len(part) < 2 or len(part.split()) > MAX_CREDIT_WORDS or part in _NOT_AGENCIES:
        return False
    return _AGENCY_LIKE.match(part) is not None
