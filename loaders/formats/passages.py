"""Tables with one sentence or paragraph per row: rows of one article fold into one row.

A table is folded when most of its rows share an article id (or, without one, a title) with the
rows next to them, and everything else known about those rows (title, date, URL, outlet) agrees
within each group. Rows of one id that disagree (the same post id in two languages) stay apart.
"""

from __future__ import annotations

import pandas as pd

from loaders.formats.columns import name_tokens

# Name tokens of an article id column ("article_id", "doc id", "story_id").
ID_TOKENS = frozenset({"id", "docid", "uuid", "guid", "key"})
ID_HEADS = frozenset({"article", "doc", "document", "story", "post", "news", "item"})
# Share of rows that must sit in a group of two or more for the table to be folded.
MIN_GROUPED_SHARE = 0.5
# Passages are sentences or paragraphs: rows longer than this on average are whole articles.
PASSAGE_MAX_CHARS = 1_000
# Share of rows whose passage differs from the others of its group.
DISTINCT_PASSAGE_SHARE = 0.9


def id_column(frame: pd.DataFrame) -> str | None:
    """The article-id column, by name ("article_id", "doc_id"; a bare "id" too)."""
    for name in map(str, frame.columns):
        tokens = name_tokens(name)
        if tokens and tokens[-1] in ID_TOKENS and (len(tokens) == 1 or tokens[0] in ID_HEADS):
            return name
    return None


def fold_rows(frame: pd.DataFrame, body: str, keys: list[str], others: list[str]) -> tuple[pd.DataFrame, str]:
    """The frame with consecutive rows of one article joined, and a note (empty if not folded)."""
    key = next((k for k in keys if k in frame.columns), None)
    if key is None or len(frame) < 2:
        return frame, ""
    values = frame[key].astype("string").fillna("")
    group = (values != values.shift()).fillna(True).astype("int64").cumsum()
    sizes = group.map(group.value_counts())
    if (sizes > 1).mean() < MIN_GROUPED_SHARE or values.eq("").all():
        return frame, ""
    texts = frame[body].astype("string").fillna("").str.strip()
    if texts.str.len().mean() > PASSAGE_MAX_CHARS:
        return frame, ""  # whole articles that share a title are copies, not passages
    if texts.groupby(group).nunique().sum() < DISTINCT_PASSAGE_SHARE * len(frame):
        return frame, ""  # repeated rows are duplicates for dedup, not one article's passages
    steady = [c for c in others if c in frame.columns and c != key]
    if steady and (frame.groupby(group)[steady].nunique(dropna=False) > 1).any().any():
        return frame, ""
    joined = texts.groupby(group, sort=False).agg(lambda parts: "\n\n".join(p for p in parts if p))
    folded = frame.groupby(group, sort=False).first()
    folded[body] = joined
    note = f"{len(frame)} rows folded into {len(folded)} articles by {key!r} (one passage per row)"
    return folded.reset_index(drop=True), note
