"""Python `re` answers for whole text columns, computed with pyarrow's RE2 where they agree.

pandas hands a pattern with \\s, \\d or \\b on non-ASCII text to Python's re cell by cell: on a
column of 4.5 KB bodies that was a third of a CSV's read time. RE2 spells these ASCII-only, so
each function here runs an RE2 pass whose answer is exactly Python's, and asks Python's re only
about the rows where the two could differ (non-ASCII digits, letters next to a word).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _space_class() -> str:
    """An RE2 class of every character Python's \\s matches in a str pattern (str.isspace)."""
    points = [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return "[" + "".join(f"\\x{{{a:x}}}" + (f"-\\x{{{b:x}}}" if b > a else "") for a, b in ranges) + "]"


# Built from the running Python, so it is its \s whatever Unicode version that Python carries.
SPACE_CLASS = _space_class()
_NON_ASCII = "[^\\x00-\\x7f]"


def _filled(values: pd.Series) -> tuple[pd.Series, pa.Array | pa.ChunkedArray]:
    """The column as strings ("" for missing) and its Arrow array (no copy when Arrow-backed)."""
    text = values.astype("string").fillna("")
    return text, pa.array(text.array)


def _numpy(found: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.array(found.to_numpy(zero_copy_only=False))


def whitespace_runs(values: pd.Series) -> pd.Series:
    """Per value, the number of runs of whitespace: `values.str.count(r"\\s+")` in Python's re."""
    _, text = _filled(values)
    found = pc.count_substring_regex(text, SPACE_CLASS + "+")
    return pd.Series(_numpy(found).astype(np.int64), index=values.index)


def has_digit(values: pd.Series) -> pd.Series:
    """Per value, whether it holds a digit: `values.str.contains(r"\\d")` in Python's re.
    An ASCII digit answers in RE2; only non-ASCII values without one ask Python (Arabic-Indic)."""
    filled, text = _filled(values)
    found = _numpy(pc.match_substring_regex(text, "[0-9]")).astype(bool)
    unsure = ~found & ~_numpy(pc.string_is_ascii(text)).astype(bool)
    if unsure.any():
        digit = re.compile(r"\d")
        found[unsure] = [digit.search(v) is not None for v in filled[unsure].tolist()]
    return pd.Series(found, index=values.index)


def word_counts(values: pd.Series, words: Sequence[str]) -> pd.Series:
    """Per value, how often one of the ASCII `words` stands as a whole word:
    `values.str.count(r"\\b(?:w1|w2)\\b")` in Python's re, whose \\b knows non-ASCII letters.

    RE2's \\b takes every non-ASCII character for a non-letter, so it finds each of Python's
    matches and more ("the" in "éthe"); its extra ones all touch a non-ASCII character. Values
    with a match touching one are counted again by Python's re; the rest have Python's count.
    """
    alternatives = "(?:" + "|".join(re.escape(w) for w in words) + ")"
    pattern = rf"\b{alternatives}\b"
    filled, text = _filled(values)
    counts = _numpy(pc.count_substring_regex(text, pattern)).astype(np.int64)
    touching = rf"{_NON_ASCII}{alternatives}\b|\b{alternatives}{_NON_ASCII}"
    unsure = _numpy(pc.match_substring_regex(text, touching)).astype(bool)
    if unsure.any():
        python = re.compile(pattern)
        counts[unsure] = [len(python.findall(v)) for v in filled[unsure].tolist()]
    return pd.Series(counts, index=values.index)


# RE2 classes for "could be Python's \\s" and "could be Python's \\d": the ASCII ones exactly, and
# every non-ASCII character (Python knows non-ASCII spaces and digits; RE2's tables may differ).
MAYBE_SPACE = "[\\t-\\r\\x1c-\\x20\\x{80}-\\x{10ffff}]"
MAYBE_DIGIT = "[0-9\\x{80}-\\x{10ffff}]"


def extract(values: pd.Series, pattern: str, possible: str) -> pd.DataFrame:
    """`values.str.extract(pattern)` (Python's re), asked only of the values the RE2 pattern
    `possible` matches. `possible` must match every value `pattern` does (a looser pattern built
    from MAYBE_SPACE and MAYBE_DIGIT); the others cannot match and get missing groups."""
    _, text = _filled(values)
    maybe = _numpy(pc.match_substring_regex(text, possible)).astype(bool)
    found = values[maybe].str.extract(pattern)
    return found if maybe.all() else found.reindex(values.index)
