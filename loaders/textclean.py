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
import pyarrow as pa
import pyarrow.compute as pc

RULES_FILE = Path(__file__).parent / "rules" / "boilerplate.csv"
# Soft hyphen, zero-width space/joiners, word joiner, BOM, LRM/RLM marks and bidi embeddings.
INVISIBLE = "[\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]"
_INVISIBLE_RE = re.compile(INVISIBLE)
# Two or more spaces after a sentence end mark a paragraph in exports that lost their newlines.
_DOUBLE_SPACE_BREAK = re.compile(r"(?<=[.!?\"”’)])[ \t]{2,}(?=\S)")
# A rule's sentence: at a paragraph start or after a sentence end, up to its own end.
SENTENCE_RULE = r"(?im)(?:^|(?<=[.!?\"”’]) +)(?:{start})[^\n]*?(?:[.!?][\"”’]?(?= |$)|$)\n*"
_HTML_HINT_RE2 = r"(?i)</?(?:p|div|br|span|a|li|strong|em|b|i|h[1-6])\b[^>]*>|&(?:[a-z]+|#[0-9]+);"
_HTML_HINT = re.compile(r"</?(?:p|div|br|span|a|li|strong|em|b|i|h[1-6])\b[^>]*>|&(?:[a-z]+|#\d+);", re.I)


@functools.cache
def boilerplate_rules() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(name, how its sentence starts, the whole-sentence regex) per rule in rules/boilerplate.csv."""
    with RULES_FILE.open(encoding="utf-8") as handle:
        rows = csv.reader(line for line in handle if not line.startswith("#"))
        next(rows, None)
        return tuple(
            (name.strip(), start.strip(), re.compile(SENTENCE_RULE.format(start=start.strip()), re.I | re.M))
            for name, start in (r[:2] for r in rows if len(r) >= 2)
        )


def clean_bodies(bodies: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Bodies cleaned column-wise, and how many sentences each boilerplate rule removed.

    One vectorized scan (pyarrow's RE2: no lookbehind there) finds the rows that need any
    cleaning; only those are rewritten, in Python. A clean 200 MB column is scanned once.
    """
    text = bodies.astype("string").fillna("")
    removed: dict[str, int] = {}
    rules = boilerplate_rules()
    starts = "|".join(f"(?:{start})" for _, start, _ in rules)
    hint = f"(?i){INVISIBLE}|{_HTML_HINT_RE2.removeprefix('(?i)')}|  " + (f"|{starts}" if starts else "")

    def clean(value: str) -> str:
        value = _INVISIBLE_RE.sub("", value)
        if _HTML_HINT.search(value):
            value = _html_text(value)
        value = _DOUBLE_SPACE_BREAK.sub("\n\n", value)
        for name, _, pattern in rules:
            value, count = pattern.subn("", value)
            if count:
                removed[name] = removed.get(name, 0) + count
        return value.strip()

    return _where(text, hint, clean), removed


def _where(text: pd.Series, hint: str, change: Callable[[str], str]) -> pd.Series:
    """The column with `change` applied to the rows where the RE2 pattern `hint` matches."""
    mask = _matching(text, hint)
    if not mask.any():
        return text
    text = text.copy()
    text[mask] = pd.Series([change(v) for v in text[mask].tolist()], index=text.index[mask], dtype="string")
    return text


def _matching(text: pd.Series, hint: str) -> pd.Series:
    """Rows where hint matches, by pyarrow's RE2 directly: pandas hands a pattern with \\b on
    non-ASCII text to Python's re row by row (2 ms a body, more than all the rest of ingest).
    RE2's ASCII \\b only widens this prefilter after the ASCII words the hints use; change()
    does the exact work. A rule RE2 cannot compile (a lookaround) falls back to pandas."""
    try:
        # The column's own Arrow buffers: a round trip through Python strings cost more than the scan.
        found = pc.match_substring_regex(pa.array(text.array), hint)
    except pa.ArrowInvalid:
        return text.str.contains(hint, regex=True)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=text.index)


def clean_short(values: pd.Series) -> pd.Series:
    """Titles and other one-line cells: invisible characters and markup gone, spaces collapsed."""
    text = values.astype("string").fillna("")
    hint = f"{INVISIBLE}|{_HTML_HINT_RE2.removeprefix('(?i)')}|[ \t\r\n][ \t\r\n]|[\t\r\n]"

    def clean(value: str) -> str:
        value = _INVISIBLE_RE.sub("", value)
        if _HTML_HINT.search(value):
            value = _html_text(value)
        return " ".join(value.split())

    return _where(text, "(?i)" + hint, clean).str.strip()


def _html_text(markup: str) -> str:
    """Text of an HTML fragment inside a cell (entities decoded, blocks as paragraphs)."""
    from loaders.formats.feeds import html_to_text  # late: feeds imports tabular, which imports us

    return html_to_text(markup)
