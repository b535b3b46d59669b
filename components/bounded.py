"""How much of one article's text the page draws at a time: a browser tab stalls on 100,000
paragraph elements (26k drawn after 133 s) or on one 20 MB paragraph (28 s), and every viewer
of that article pays it. The reader draws a budget and offers the rest a budget at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Drawn per "show more" step: about 25 printed pages, well under a second to draw.
PARAGRAPHS_PER_STEP = 200
CHARACTERS_PER_STEP = 60_000
# Titles in lists, headings and buttons: longer ones are cut with an ellipsis.
MAX_TITLE_CHARS = 300
ELLIPSIS = "…"
# Characters looked at past the budget for the end of a paragraph (its blank line).
SCAN_SLACK = 1024

_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n")


@dataclass(frozen=True)
class Portion:
    """The paragraphs to draw now, and whether anything of the body is left undrawn."""

    paragraphs: list[str]
    more: bool
    shown_chars: int
    total_chars: int


def portion(body: str, steps: int = 1) -> Portion:
    """The first `steps` budgets of a body's paragraphs, read lazily (a 100,000-paragraph body
    is never split whole); a paragraph longer than what is left of the budget is cut."""
    max_paragraphs, chars_left = PARAGRAPHS_PER_STEP * steps, CHARACTERS_PER_STEP * steps
    kept: list[str] = []
    more = False
    for piece, cut in _pieces(body, chars_left + 1):
        if len(kept) == max_paragraphs or chars_left <= 0:
            more = True
            break
        if cut or len(piece) > chars_left:
            kept.append(piece[:chars_left] + ELLIPSIS)
            more = True
            break
        kept.append(piece)
        chars_left -= len(piece)
    shown = sum(len(k) for k in kept) - (
        len(ELLIPSIS) if more and kept and kept[-1].endswith(ELLIPSIS) else 0
    )
    return Portion(kept, more, shown, len(body))


def _pieces(body: str, cap: int) -> Iterator[tuple[str, bool]]:
    """Non-empty paragraphs one at a time (components.text.paragraphs, lazily), each with whether
    it was cut at cap characters: a 20 MB paragraph is neither scanned nor copied whole."""
    start = 0
    while start < len(body):
        window = start + cap + SCAN_SLACK
        match = _BREAK.search(body, start, window)
        end = match.start() if match else min(len(body), window)
        cut = match is None and end < len(body)
        if piece := body[start : min(end, start + cap)].strip():
            yield piece, cut
        if match is None:
            return
        start = match.end()


def short_title(title: object) -> str:
    """A title cut to MAX_TITLE_CHARS for lists, headings and buttons."""
    text = str(title if title is not None else "")
    return text if len(text) <= MAX_TITLE_CHARS else text[:MAX_TITLE_CHARS].rstrip() + ELLIPSIS
