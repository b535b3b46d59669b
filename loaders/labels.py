"""Names an analyst reads for stored values, and the phrases that mark them in text."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

GAZETTEER_DIR = Path(__file__).parent / "gazetteer"


def _rows(name: str) -> list[dict[str, str]]:
    path = GAZETTEER_DIR / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO 3166 alpha-3 code -> English country name."""
    return {row["iso3"]: row["name"] for row in _rows("countries.csv")}


@lru_cache(maxsize=1)
def country_phrases() -> dict[str, tuple[str, ...]]:
    """ISO3 -> every phrase that tags the country (names, demonyms, capitals, places)."""
    phrases: dict[str, list[str]] = {}
    for row in _rows("country_terms.csv"):
        phrases.setdefault(row["iso3"], []).append(row["pattern"])
    return {code: tuple(found) for code, found in phrases.items()}


@lru_cache(maxsize=1)
def entity_phrases() -> dict[tuple[str, str], tuple[str, ...]]:
    """(kind, canonical value) -> the phrases that tag it, for people, organizations, topics."""
    phrases: dict[tuple[str, str], tuple[str, ...]] = {}
    for row in _rows("people.csv"):
        phrases[("person", row["name"])] = (row["name"], *_split(row.get("aliases", "")))
    for row in _rows("organizations.csv"):
        phrases[("organization", row["name"])] = (row["name"], *_split(row.get("aliases", "")))
    for row in _rows("topics.csv"):
        phrases[("topic", row["topic"])] = (*_split(row.get("strong", "")), *_split(row.get("patterns", "")))
    return phrases


def phrases_for(kind: str, value: str) -> tuple[str, ...]:
    """The phrases that mark one tagged value in an article's text."""
    if kind == "country":
        return country_phrases().get(value, ())
    return entity_phrases().get((kind, value), (value,))


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split("|") if part.strip())
