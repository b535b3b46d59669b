"""Names an analyst reads for stored values, and the phrases that mark them in text."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from loaders.gazetteer import GAZETTEER_DIR, read_table, split_aliases
from loaders.language import language_names
from loaders.schema import kind_row


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO 3166 alpha-3 code -> English country name."""
    return {row["iso3"]: row["name"] for row in read_table(GAZETTEER_DIR / "countries.csv")}


# A kind's `names` (loaders.schema.KINDS) -> the table of display names it reads.
NAME_TABLES: dict[str, Callable[[], dict[str, str]]] = {
    "countries": country_names,
    "languages": language_names,
}


def display_name(kind: str) -> Callable[[str], str]:
    """How one kind's values are shown: by the name its table gives, else as stored."""
    table = NAME_TABLES.get(kind_row(kind).names)
    if table is None:
        return str
    names = table()
    return lambda value: names.get(value, value)


@lru_cache(maxsize=1)
def country_phrases() -> dict[str, tuple[str, ...]]:
    """ISO3 -> every phrase that tags the country (names, demonyms, capitals, places)."""
    phrases: dict[str, list[str]] = {}
    for row in read_table(GAZETTEER_DIR / "country_terms.csv"):
        phrases.setdefault(row["iso3"], []).append(row["pattern"])
    return {code: tuple(found) for code, found in phrases.items()}


@lru_cache(maxsize=1)
def entity_phrases() -> dict[tuple[str, str], tuple[str, ...]]:
    """(kind, canonical value) -> the phrases that tag it, for people, organizations, topics."""
    phrases: dict[tuple[str, str], tuple[str, ...]] = {}
    for row in read_table(GAZETTEER_DIR / "people.csv"):
        phrases[("person", row["name"])] = (row["name"], *split_aliases(row.get("aliases", "")))
    for row in read_table(GAZETTEER_DIR / "organizations.csv"):
        phrases[("organization", row["name"])] = (row["name"], *split_aliases(row.get("aliases", "")))
    for row in read_table(GAZETTEER_DIR / "topics.csv"):
        cues = (*split_aliases(row.get("strong", "")), *split_aliases(row.get("patterns", "")))
        phrases[("topic", row["topic"])] = cues
    return phrases


def phrases_for(kind: str, value: str) -> tuple[str, ...]:
    """The phrases that mark one tagged value in an article's text."""
    if kind == "country":
        return country_phrases().get(value, ())
    return entity_phrases().get((kind, value), (value,))
