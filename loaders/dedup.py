"""Exact and near-duplicate grouping of article copies.

Exact copies share an article_id (a hash of the normalized text). Near copies share most of
their evidence sentences: the store keeps each text's sentence hashes, and PAIRS_SQL finds the
pairs over the whole corpus in DuckDB, so a new batch is compared with everything before it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

# A sentence needs this many words to count as evidence: short ones ("He said.") are everywhere.
MIN_SENTENCE_WORDS = 6
# A sentence found in more articles than this is boilerplate (sign-offs, bylines), not evidence.
MAX_SENTENCE_SPREAD = 50
# Two articles are near copies when this share of the shorter one's sentences is in the longer.
NEAR_COPY_CONTAINMENT = 0.7
# Below this many evidence sentences an article only folds with exact copies.
MIN_SENTENCES_FOR_NEAR = 3

# Candidate pairs: evidence sentences shared by 2..MAX_SENTENCE_SPREAD texts, then texts sharing
# at least NEAR_COPY_CONTAINMENT of the shorter one's evidence (and enough of it to judge).
# Reads sentences(seq, h) with one row per distinct (text, sentence hash).
PAIRS_SQL = """
WITH spread AS (SELECT h FROM sentences GROUP BY h HAVING count(*) BETWEEN 2 AND $spread),
sizes AS (SELECT seq, count(*) AS n FROM sentences GROUP BY seq),
shared AS (SELECT seq, h FROM sentences SEMI JOIN spread USING (h)),
common AS (
    SELECT x.seq AS a, y.seq AS b, count(*) AS common
    FROM shared x JOIN shared y ON x.h = y.h AND x.seq < y.seq GROUP BY ALL
)
SELECT c.a, c.b FROM common c
JOIN sizes sa ON sa.seq = c.a JOIN sizes sb ON sb.seq = c.b
WHERE least(sa.n, sb.n) >= $minimum AND c.common >= $containment * least(sa.n, sb.n)
"""
PAIRS_PARAMS = {
    "spread": MAX_SENTENCE_SPREAD,
    "minimum": MIN_SENTENCES_FOR_NEAR,
    "containment": NEAR_COPY_CONTAINMENT,
}


def normalize_text(text: str) -> str:
    """Lowercase with whitespace collapsed: the form identical copies share."""
    return " ".join(text.lower().split())


def article_id(title: str, body: str) -> str:
    """Stable id of an article's text: re-ingesting the same text gives the same id."""
    key = normalize_text(title) + "\n" + normalize_text(body)
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def article_ids(titles: Sequence[str], bodies: Sequence[str]) -> list[str]:
    """article_id for each (title, body) pair."""
    return text_keys(titles, bodies)[0]


def text_keys(titles: Sequence[str], bodies: Sequence[str]) -> tuple[list[str], list[int]]:
    """article_id and word count of each text, from one split of each body.

    Plain str.lower/split/join measured faster than a polars regex pass over the same text.
    """
    blake = hashlib.blake2b
    ids, counts = [], []
    for title, body in zip(titles, bodies, strict=True):
        words = (body or "").lower().split()
        key = " ".join((title or "").lower().split()) + "\n" + " ".join(words)
        ids.append(blake(key.encode("utf-8"), digest_size=8).hexdigest())
        counts.append(len(words))
    return ids, counts


def sentence_hashes(bodies: pl.Series | Sequence[str]) -> pl.DataFrame:
    """One row per (pos, distinct evidence sentence hash h) of each body, by position."""
    series = bodies if isinstance(bodies, pl.Series) else pl.Series(list(bodies), dtype=pl.String)
    frame = pl.DataFrame({"body": series.fill_null("")})
    sentences = (
        frame.with_row_index("pos")
        .select(
            "pos",
            pl.col("body")
            .str.to_lowercase()
            .str.replace_all(r"([.!?])\s+", "$1\n")
            .str.split("\n")
            .alias("sentence"),
        )
        .explode("sentence")
        .with_columns(pl.col("sentence").str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars())
        .filter(pl.col("sentence").str.count_matches(" ") >= MIN_SENTENCE_WORDS - 1)
    )
    return sentences.select("pos", pl.col("sentence").hash().alias("h")).unique(maintain_order=True)


def near_copy_pairs(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) seq pairs of near copies among the sentences table of con."""
    found = con.execute(PAIRS_SQL, PAIRS_PARAMS).fetchnumpy()
    return np.asarray(found["a"], dtype=np.int64), np.asarray(found["b"], dtype=np.int64)


def components(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected components of the pairs: (member, smallest member of its component) for each
    node that is in some pair. Nodes in no pair are their own group and are left out."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression keeps later finds short
            parent[x], x = root, parent[x]
        return root

    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    members = np.array(sorted({*a.tolist(), *b.tolist()}), dtype=np.int64)
    roots = np.array([find(int(m)) for m in members], dtype=np.int64)
    return members, roots


def near_copy_groups(bodies: Sequence[str]) -> np.ndarray:
    """Group label per body: bodies sharing most of their sentences get the same label.

    Labels are positions: each group is labelled by its smallest member position.
    """
    hashes = sentence_hashes(bodies)
    labels = np.arange(len(bodies), dtype=np.int64)
    with duckdb.connect() as con:
        con.register("sentences", pa.table({"seq": hashes["pos"].to_arrow(), "h": hashes["h"].to_arrow()}))
        members, roots = components(*near_copy_pairs(con))
    labels[members] = roots
    return labels
