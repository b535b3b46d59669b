"""Exact and near-duplicate grouping of article copies."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import polars as pl

# A sentence needs this many words to count as evidence: short ones ("He said.") are everywhere.
MIN_SENTENCE_WORDS = 6
# A sentence found in more articles than this is boilerplate (sign-offs, bylines), not evidence.
MAX_SENTENCE_SPREAD = 50
# Two articles are near copies when this share of the shorter one's sentences is in the longer.
NEAR_COPY_CONTAINMENT = 0.7
# Below this many evidence sentences an article only folds with exact copies.
MIN_SENTENCES_FOR_NEAR = 3


def normalize_text(text: str) -> str:
    """Lowercase with whitespace collapsed: the form identical copies share."""
    # str.split() is several times faster than a whitespace regex on long bodies.
    return " ".join(text.lower().split())


def article_id(title: str, body: str) -> str:
    """Stable id of an article's text: re-ingesting the same text gives the same id."""
    key = normalize_text(title) + "\n" + normalize_text(body)
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def article_ids(titles: Sequence[str], bodies: Sequence[str]) -> list[str]:
    """article_id for each (title, body) pair."""
    return [article_id(t, b) for t, b in zip(titles, bodies, strict=True)]


def near_copy_groups(bodies: Sequence[str]) -> np.ndarray:
    """Group label per body: bodies sharing most of their sentences get the same label.

    Labels are positions: each group is labelled by its smallest member position.
    """
    n = len(bodies)
    parent = np.arange(n)
    pairs = _candidate_pairs(bodies)
    for a, b in pairs:
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([_find(parent, i) for i in range(n)], dtype=np.int64)


def _find(parent: np.ndarray, i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return int(i)


def _sentence_hashes(bodies: Sequence[str]) -> pl.DataFrame:
    """One row per (position, distinct evidence sentence hash)."""
    frame = pl.DataFrame({"body": list(bodies)}, schema={"body": pl.String})
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
    return sentences.select("pos", pl.col("sentence").hash().alias("h")).unique()


def _candidate_pairs(bodies: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of positions whose bodies are near copies of each other."""
    hashes = _sentence_hashes(bodies)
    sizes = hashes.group_by("pos").len("n")
    spread = hashes.group_by("h").len("df")
    shared = (
        hashes.join(spread, on="h")
        .filter((pl.col("df") > 1) & (pl.col("df") <= MAX_SENTENCE_SPREAD))
        .select("pos", "h")
    )
    pairs = (
        shared.join(shared, on="h", suffix="_b")
        .filter(pl.col("pos") < pl.col("pos_b"))
        .group_by("pos", "pos_b")
        .len("common")
        .join(sizes, on="pos")
        .join(sizes.rename({"pos": "pos_b", "n": "n_b"}), on="pos_b")
        .filter(pl.min_horizontal("n", "n_b") >= MIN_SENTENCES_FOR_NEAR)
        .filter(pl.col("common") >= NEAR_COPY_CONTAINMENT * pl.min_horizontal("n", "n_b"))
    )
    return list(zip(pairs["pos"].to_list(), pairs["pos_b"].to_list(), strict=True))
