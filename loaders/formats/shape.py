"""A table's header shape: a stable fingerprint of its column names, and a saved mapping applied.

An analyst who corrects how one export is read wants tomorrow's export of the same tool read the
same way. Exports of one tool share their column names, not their rows, so the shape is the set
of normalized names (tokens as columns.py splits them: "Date Published", "date_published" and
"datePublished" are one name); column order and case do not change it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import pandas as pd

from loaders.formats.columns import name_tokens

# Sample values kept per column for the upload preview, and how long each may be.
SAMPLES_PER_COLUMN = 3
SAMPLE_CHARS = 80
# Rows looked at to find a column's first non-empty values.
SAMPLE_ROWS = 50


def normalized_name(name: str) -> str:
    """A column name as its tokens joined by "_" ("Date Published" -> "date_published")."""
    return "_".join(name_tokens(name)) or str(name).strip().lower()


def fingerprint(columns: Iterable[str]) -> str:
    """The header shape of a table: a short hash of its sorted, normalized column names."""
    names = sorted({normalized_name(c) for c in columns})
    return hashlib.blake2b("\x1f".join(names).encode("utf-8"), digest_size=8).hexdigest() if names else ""


def column_samples(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Every column (in file order) with its first few non-empty values, cut short, as text."""
    head = frame.head(SAMPLE_ROWS)
    return {str(name): _first_values(head[name]) for name in head.columns}


def _first_values(values: pd.Series) -> list[str]:
    # Cut before splitting: a 5 KB body needs its first words only (0.5 s a 2 MB head otherwise).
    cut = SAMPLE_CHARS * 4
    texts = (
        " ".join(str(v).lstrip()[:cut].split()) for v in values.tolist() if v is not None and str(v).strip()
    )
    found = [t for t in texts if t.lower() not in ("nan", "nat", "none")]
    return [t[:SAMPLE_CHARS] for t in found[:SAMPLES_PER_COLUMN]]


def saved_mapping(
    remembered: Mapping[str, Mapping[str, str]], columns: Iterable[str]
) -> dict[str, str] | None:
    """The saved field -> column mapping for a table of this shape, in this table's own spelling
    of each column name (a saved "Date Published" serves a "date_published" column)."""
    columns = [str(c) for c in columns]
    saved = remembered.get(fingerprint(columns)) if remembered else None
    if not saved:
        return None
    spelled = {normalized_name(c): c for c in reversed(columns)}  # the first of equal names wins
    return {f: spelled.get(normalized_name(c), c) if c else "" for f, c in saved.items()}
