"""Body text as a reader expects it: invisible characters gone, paragraphs kept, furniture dropped.

Works on whole columns (pandas string operations), not cell by cell: a million bodies cost seconds.
Outlet furniture ("Sign up for our ... newsletter", "Listen to ...", "Follow live") is removed
by the editable rules in rules/boilerplate.csv; the summary counts what each rule removed.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

RULES_FILE = Path(__file__).parent / "rules" / "boilerplate.csv"
# Soft hyphen, zero-width space/joiners, word joiner, BOM, LRM/RLM marks and bidi embeddings.
INVISIBLE = "[\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]"
# Two or more spaces after a sentence end mark a paragraph in exports that lost their newlines.
_DOUBLE_SPACE_BREAK = r"(?<=[.!?\"”’)])[ \t]{2,}(?=\S)"
_HTML_HINT = re.compile(r"</?(?:p|div|br|span|a|li|strong|em|b|i|h[1-6])\b[^>]*>|&(?:[a-z]+|#\d+);", re.I)


@functools.cache
def boilerplate_rules() -> tuple[tuple[str, str], ...]:
    """(name, multiline regex of one whole paragraph) per rule in rules/boilerplate.csv."""
    with RULES_FILE.open(encoding="utf-8") as handle:
        rows = csv.reader(line for line in handle if not line.startswith("#"))
        next(rows, None)
        return tuple(
            (name.strip(), rf"(?im)^[ \t]*(?:{pattern.strip()})[ \t]*(?:\n\n?|\Z)")
            for name, pattern in (r[:2] for r in rows if len(r) >= 2)
        )


def clean_bodies(bodies: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Bodies cleaned column-wise, and how many paragraphs each boilerplate rule removed.

    Each step first finds the rows it concerns with one scan and rewrites only those: a clean
    200 MB column is scanned, never copied.
    """
    text = bodies.astype("string").fillna("")
    text = _where(text, INVISIBLE, lambda part: part.str.replace(INVISIBLE, "", regex=True))
    text = _where(text, _HTML_HINT, lambda part: pd.Series([_html_text(v) for v in part], index=part.index))
    text = _where(
        text, _DOUBLE_SPACE_BREAK, lambda part: part.str.replace(_DOUBLE_SPACE_BREAK, "\n\n", regex=True)
    )
    removed: dict[str, int] = {}
    rules = boilerplate_rules()
    combined = "|".join(f"(?:{pattern})" for _, pattern in rules)
    mask = text.str.contains(combined, regex=True) if rules else None
    if mask is not None and mask.any():
        part = text[mask]
        for name, pattern in rules:
            total = int(part.str.count(pattern).sum())
            if total:
                removed[name] = total
                part = part.str.replace(pattern, "", regex=True)
        text = text.copy()
        text[mask] = part.str.strip()
    return text, removed


def _where(
    text: pd.Series, pattern: str | re.Pattern[str], change: Callable[[pd.Series], pd.Series]
) -> pd.Series:
    """The column with `change` applied to the rows matching `pattern` only."""
    mask = text.str.contains(pattern, regex=True)
    if not mask.any():
        return text
    text = text.copy()
    text[mask] = change(text[mask]).astype("string")
    return text


def clean_short(values: pd.Series) -> pd.Series:
    """Titles and other one-line cells: invisible characters and markup gone, spaces collapsed."""
    text = values.astype("string").fillna("")
    text = text.str.replace(INVISIBLE, "", regex=True)
    html = text.str.contains(_HTML_HINT, regex=True)
    if html.any():
        text = text.copy()
        text[html] = [" ".join(_html_text(v).split()) for v in text[html].tolist()]
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def _html_text(markup: str) -> str:
    """Text of an HTML fragment inside a cell (entities decoded, blocks as paragraphs)."""
    from loaders.feeds import html_to_text  # late: feeds imports tabular, which imports us

    return html_to_text(markup)
