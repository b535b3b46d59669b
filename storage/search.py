"""The analyst's search syntax: words, "exact phrases", OR, -exclusion, prefix*.

`ceasefire "humanitarian aid" OR relief -Hamas` means ceasefire AND ("humanitarian aid" OR relief)
AND NOT Hamas. Every term reaches SQLite FTS5 inside double quotes, so nothing typed is ever
read as FTS syntax (no column filters, NEAR or stray operators); a word ending in `*` becomes a
quoted prefix (`"settler"*`). The index stems (porter: hostage = hostages) and carries each
hyphenated word joined too (cease-fire also as ceasefire), so a term with hyphens or a two-word
phrase also matches its joined spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

# Longer input is cut: a search box is not a document.
MAX_QUERY_CHARS = 500
MAX_TERMS = 24

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORDISH = re.compile(r"\w", re.UNICODE)
_HYPHENS = re.compile(r"[-\u2010\u2011]")
# Words joined by hyphens (cease-fire, al-Sisi): indexed once more joined, as one word. Greedy
# and leftmost, so a match starts and ends at word boundaries without \b (Rust's regex, in polars).
_HYPHENATED = r"\w+(?:[-\u2010\u2011]\w+)+"
# Characters around a match shown as a result's snippet.
SNIPPET_CHARS = 90
# A snippet finds a term by its first letters (the index stems; the text does not): all but the
# last STEM_CUT, at least STEM_KEPT.
STEM_CUT, STEM_KEPT = 3, 4


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: all clauses must match (each clause is any of its terms), none excluded."""

    clauses: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.clauses and not self.excluded

    @property
    def highlight_terms(self) -> list[str]:
        """Terms to mark in the reader: every positive word and phrase (a prefix without its star)."""
        return [term.rstrip("*") for clause in self.clauses for term in clause]

    def positive_fts(self) -> str | None:
        """The FTS5 MATCH expression for what must be present, or None if only exclusions."""
        if not self.clauses:
            return None
        return " AND ".join("(" + " OR ".join(map(_quote, c)) + ")" for c in self.clauses)

    def excluded_fts(self) -> str | None:
        """The FTS5 MATCH expression for what must be absent, or None."""
        return " OR ".join(map(_quote, self.excluded)) or None


def _quote(term: str) -> str:
    """One term as FTS5 text: quoted, a prefix star kept outside, spelling variants ORed in."""
    if term.endswith("*") and " " not in term:
        return _literal(term.rstrip("*")) + "*"
    variants = [_literal(term)]
    words = _HYPHENS.sub(" ", term).split()
    if "-" in term or len(words) == 2:  # cease-fire, "cease fire": also ceasefire
        variants.append(_literal("".join(words)))
    return variants[0] if len(variants) == 1 else "(" + " OR ".join(variants) + ")"


def _literal(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def joined_words(text: str) -> str:
    """The text's hyphenated words written joined (cease-fire -> ceasefire), for the index."""
    return joined_words_of(pl.Series([text], dtype=pl.String))[0]


def joined_words_of(texts: pl.Series) -> pl.Series:
    """joined_words of every text in one pass: Python's backtracking regex over each text cost
    a third of the ingest's CPU (0.75 ms per article), polars about 25 times less."""
    return (
        texts.fill_null("")
        .str.extract_all(_HYPHENATED)
        .list.eval(pl.element().str.replace_all(r"[-\u2010\u2011]", ""))
        .list.join(" ")
    )


def _loose(term: str) -> str:
    """A regex for a term as the index matches it: any ending (hostages finds hostage), a hyphen
    or a space anywhere (ceasefire finds cease-fire)."""
    words = []
    for word in _HYPHENS.sub(" ", term).split():
        stem = word[: max(STEM_KEPT, len(word) - STEM_CUT)]
        words.append("[-\u2010\u2011]?".join(map(re.escape, stem)) + r"\w*")
    return r"[\s\-]*".join(words)


def snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """The text around the first place any term (a word start, any ending) appears; "" if none."""
    words = [t for t in terms if t.strip()]
    if not words or not text:
        return ""
    found = re.search(rf"(?<!\w)(?:{'|'.join(map(_loose, words))})", text, re.IGNORECASE)
    if not found:
        return ""
    start, end = max(found.start() - width, 0), min(found.end() + width, len(text))
    cut = " ".join(text[start:end].split())
    return ("…" if start else "") + cut + ("…" if end < len(text) else "")


def parse_search(text: str) -> SearchQuery:
    """Parse what the analyst typed; terms without a letter or digit are dropped."""
    clauses: list[list[str]] = []
    excluded: list[str] = []
    join_next = False
    for negate, phrase, word in _tokens(text[:MAX_QUERY_CHARS]):
        if word == "OR" and phrase is None:
            join_next = bool(clauses)
            continue
        term = " ".join((phrase if phrase is not None else word).split())
        if phrase is None:  # a star means a prefix only at a word's end, never alone or inside
            term = term.rstrip("*") + "*" if term.endswith("*") and _WORDISH.search(term) else term
        if word and word.startswith("-") and len(word) > 1:
            negate, term = "-", word[1:]
        if not _WORDISH.search(term):
            continue
        if negate:
            excluded.append(term)
        elif join_next:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    return _capped(clauses, excluded)


def _tokens(text: str) -> list[tuple[str, str | None, str]]:
    found = []
    for match in _TOKEN.finditer(text):
        negate, phrase, word = match.group(1), match.group(2), match.group(3)
        found.append((negate or "", phrase, word or ""))
    return found


def _capped(clauses: list[list[str]], excluded: list[str]) -> SearchQuery:
    kept: list[tuple[str, ...]] = []
    budget = MAX_TERMS
    for clause in clauses:
        if budget <= 0:
            break
        kept.append(tuple(clause[:budget]))
        budget -= len(kept[-1])
    return SearchQuery(tuple(kept), tuple(excluded[: max(budget, 0)]))
