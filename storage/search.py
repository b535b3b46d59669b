"""The analyst's search syntax: words, "exact phrases", OR, -exclusion.

`ceasefire "humanitarian aid" OR relief -Hamas` means ceasefire AND ("humanitarian aid" OR relief)
AND NOT Hamas. Every term reaches SQLite FTS5 inside double quotes, so nothing typed is ever
read as FTS syntax (no column filters, NEAR, prefix stars or stray operators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Longer input is cut: a search box is not a document.
MAX_QUERY_CHARS = 500
MAX_TERMS = 24

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORDISH = re.compile(r"\w", re.UNICODE)


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
        """Terms to mark in the reader: every positive word and phrase."""
        return [term for clause in self.clauses for term in clause]

    def positive_fts(self) -> str | None:
        """The FTS5 MATCH expression for what must be present, or None if only exclusions."""
        if not self.clauses:
            return None
        return " AND ".join("(" + " OR ".join(map(_quote, c)) + ")" for c in self.clauses)

    def excluded_fts(self) -> str | None:
        """The FTS5 MATCH expression for what must be absent, or None."""
        return " OR ".join(map(_quote, self.excluded)) or None


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def parse_search(text: str) -> SearchQuery:
    """Parse what the analyst typed; terms without a letter or digit are dropped."""
    clauses: list[list[str]] = []
    excluded: list[str] = []
    join_next = False
    for negate, phrase, word in _tokens(text[:MAX_QUERY_CHARS]):
        if word == "OR" and not phrase:
            join_next = bool(clauses)
            continue
        term = " ".join((phrase if phrase is not None else word).split())
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
