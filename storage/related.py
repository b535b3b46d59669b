"""Related coverage: the stories whose text is most like an article's, close to it in time.

An article's distinctive words are those of its title and lead that few texts in the store carry;
the full-text index ranks every text holding any of them by bm25 (a text sharing several rare
words ranks above one sharing a single common one), and the store keeps the best few inside the
time window. Counting a word's texts stops at a cap, so a common word costs a bounded read.
"""

from __future__ import annotations

import re
import sqlite3

# Words of the body read as the lead, after the title.
LEAD_WORDS = 60
# Candidate words looked up per article, title words first.
CANDIDATE_WORDS = 30
# Distinctive words the similarity query is built from.
QUERY_WORDS = 10
# A word carried by more texts than this is common here (counting stops there). Small stores
# use a share of their texts instead, so "said" is not distinctive in a briefing's 300 articles,
# but never fewer than COMMON_FLOOR texts.
COMMON_TEXTS = 1_000
COMMON_SHARE = 0.05
COMMON_FLOOR = 5
# Function words are never distinctive: skipping them saves a lookup each.
_STOPWORDS_TEXT = """about above after again against also among and any are around because been before being
    between both but can could did does doing down during each few for from further had has have
    having her here hers him his how into its itself just more most much near not now off once
    only other our ours out over own said same says she should since some such than that the their
    them then there these they this those through under until very was were what when where which
    while who whom why will with would you your yet told week year years new one two three"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_WORD = re.compile(r"[^\W\d_]{3,}")


def lead_words(title: str, body: str) -> list[str]:
    """The candidate words of an article: title then lead, lowercased, each once, no stopwords."""
    lead = " ".join(str(body or "").split()[:LEAD_WORDS])
    words = [w.lower() for w in _WORD.findall(f"{title or ''} {lead}")]
    kept = [w for w in dict.fromkeys(words) if w not in STOPWORDS]
    return kept[:CANDIDATE_WORDS]


def common_cap(texts: int) -> int:
    """Texts past which a word is common in a store of this many texts."""
    return max(COMMON_FLOOR, min(COMMON_TEXTS, int(texts * COMMON_SHARE)))


def distinctive_words(db: sqlite3.Connection, words: list[str], cap: int) -> list[str]:
    """The rarest words that at least one other text carries, rarest first (ties: title order)."""
    counted = []
    for position, word in enumerate(words):
        texts = db.execute(
            "SELECT count(*) FROM (SELECT rowid FROM fulltext WHERE fulltext MATCH ? LIMIT ?)",
            (_literal(word), cap + 1),
        ).fetchall()[0][0]
        if 2 <= texts <= cap:  # one text is the article itself
            counted.append((texts, position, word))
    return [word for _, _, word in sorted(counted)[:QUERY_WORDS]]


def similar_texts(db: sqlite3.Connection, words: list[str]) -> list[int]:
    """Text seqs holding any of the words, most similar (bm25) first."""
    if not words:
        return []
    match = " OR ".join(_literal(w) for w in words)
    found = db.execute(
        "SELECT group_concat(rowid) FROM (SELECT rowid FROM fulltext WHERE fulltext MATCH ? ORDER BY rank)",
        (match,),
    ).fetchall()[0][0]
    return [int(seq) for seq in found.split(",")] if found else []


def _literal(word: str) -> str:
    """A word as an FTS5 string: quoted, so no word is read as an operator (or, not, near)."""
    return '"' + word.replace('"', '""') + '"'
