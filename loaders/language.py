"""Each article's language as an ISO 639-1 code: from the file when it says, else detected.

Detection uses lingua (its models ship inside the wheel; nothing is downloaded), limited to the
languages Middle East coverage comes in, which keeps it fast and its memory small. Texts written
in a script only one of those languages uses (Hebrew, Devanagari, Greek) are named by the script.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from loaders.columnregex import word_counts

# Languages detection chooses among (lingua names).
LANGUAGES = [
    "ENGLISH",
    "ARABIC",
    "HEBREW",
    "PERSIAN",
    "TURKISH",
    "FRENCH",
    "GERMAN",
    "SPANISH",
    "RUSSIAN",
    "UKRAINIAN",
    "HINDI",
    "URDU",
    "ITALIAN",
    "PORTUGUESE",
    "DUTCH",
    "CHINESE",
    "INDONESIAN",
    "MALAY",
]
# Characters of each text handed to the detector: the title and lead say enough.
DETECT_CHARS = 200
# Texts per call that go to lingua. It costs about 0.5-6 ms a text (measured on this 2-core
# machine under load), so 100,000 texts the column passes cannot name would take minutes; past
# this many, an evenly spread sample goes to lingua and the rest take the language of the sample
# when the sample is uniform (else they stay unknown, and a note says so).
LINGUA_BUDGET = 500
MIN_DISTANCE = 0.1
# A file this uniform in language lends it to the texts detection was unsure of.
MIN_DOMINANT_SHARE = 0.9
# Shorter texts are too short to say ("Gaza" is every language).
MIN_DETECT_CHARS = 12
# (RE2 pattern, language) tried in order on whole columns: scripts, then Arabic-script letters.
_COLUMN_RULES = (
    ("[\u0590-\u05ff]{3}", "he"),
    ("[\u0900-\u097f]{3}", "hi"),
    ("[\u0370-\u03ff]{3}", "el"),
    ("[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2]", "ur"),  # ٹ ڈ ڑ ں ھ ہ ے
    ("[\u067e\u0686\u0698\u06af\u06a9\u06cc]", "fa"),  # پ چ ژ گ ک ی
    ("[\u0600-\u06ff]{3}", "ar"),
)
_NON_LATIN = "[\u0370-\u03ff\u0590-\u06ff\u0900-\u097f]"
_ENGLISH_WORDS = ("the", "and", "of", "to", "in", "said", "for")
MIN_ENGLISH_WORDS = 2
# Names and codes files use for a language -> ISO 639-1.
_NAMES = {
    "english": "en", "arabic": "ar", "hebrew": "he", "persian": "fa", "farsi": "fa", "turkish": "tr",
    "french": "fr", "german": "de", "spanish": "es", "russian": "ru", "hindi": "hi", "urdu": "ur",
    "italian": "it", "portuguese": "pt", "kurdish": "ku", "chinese": "zh", "ukrainian": "uk",
}  # fmt: skip


# ISO 639-1 -> the name an analyst reads in the Language facet (other codes show as stored).
LANGUAGE_NAMES = {
    "en": "English", "ar": "Arabic", "he": "Hebrew", "fa": "Persian", "tr": "Turkish", "fr": "French",
    "de": "German", "es": "Spanish", "ru": "Russian", "uk": "Ukrainian", "hi": "Hindi", "ur": "Urdu",
    "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "zh": "Chinese", "id": "Indonesian",
    "ms": "Malay", "ku": "Kurdish", "el": "Greek",
}  # fmt: skip
# Languages written right to left: the reader sets their direction.
RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "ku", "yi", "ps", "sd"})


def language_names() -> dict[str, str]:
    """ISO 639-1 code -> English language name, for the Language facet."""
    return LANGUAGE_NAMES


def language_code(value: str) -> str | None:
    """ "English", "en", "en-US", "ar_SA" -> "en"/"ar"; None for what names no language."""
    key = value.strip().lower()
    if key in _NAMES:
        return _NAMES[key]
    base = re.split(r"[-_]", key, maxsplit=1)[0]
    return base if len(base) == 2 and base.isalpha() else None


@functools.cache
def _detector() -> Any:
    """The lingua detector over LANGUAGES (built once: about 0.1 s and 100 MB)."""
    from lingua import Language, LanguageDetectorBuilder

    languages = (getattr(Language, n) for n in LANGUAGES)
    # Unsure (a short headline near two languages) gives None rather than a wrong guess.
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_minimum_relative_distance(MIN_DISTANCE)
        .build()
    )


def detect_languages(texts: Sequence[str], notes: list[str] | None = None) -> list[str | None]:
    """The ISO code per text, None when the text is too short to tell.

    Column passes first: a script only one language uses names it, Arabic script is told apart by
    the letters Persian and Urdu add, Latin text full of English function words is English. Only
    the rest (French, Turkish, ...) goes to lingua, at most LINGUA_BUDGET of them per call.
    notes: where a line is added when texts were left unknown because of the budget.
    """
    heads = pd.Series(list(texts), dtype="string").str.slice(0, DETECT_CHARS).fillna("")
    distinct = pd.Series(heads.unique(), dtype="string")
    if len(distinct) < len(heads):
        found = dict(zip(distinct.tolist(), _detect_distinct(distinct, notes), strict=True))
        return [found[h] for h in heads.tolist()]
    return _detect_distinct(heads, notes)


def _detect_distinct(heads: pd.Series, notes: list[str] | None) -> list[str | None]:
    """detect_languages on distinct heads (a 0..n-1 index, no missing values)."""
    out = pd.Series([None] * len(heads), dtype=object)
    todo = heads.str.strip().str.len() >= MIN_DETECT_CHARS
    other_script = todo & heads.str.contains(_NON_LATIN, regex=True)
    if other_script.any():
        part = heads[other_script]
        for pattern, code in _COLUMN_RULES:
            hit = part.str.contains(pattern, regex=True)
            out[part.index[hit]] = code
            todo[part.index[hit]] = False
            part = part[~hit]
    # One RE2 count over the column (not a pass per word): two English function words make a
    # Latin text English. word_counts gives Python's \b answer (pandas would ask re per row).
    hits = word_counts(heads, _ENGLISH_WORDS)
    english = todo & (hits >= MIN_ENGLISH_WORDS)
    out[english] = "en"
    todo &= ~english
    rest = heads[todo]
    if len(rest) > LINGUA_BUDGET:
        out[rest.index] = _sampled(rest, notes)
    elif len(rest):
        out[rest.index] = _lingua(rest.tolist())
    return [code if isinstance(code, str) else None for code in out.tolist()]  # NaN from masks


def _lingua(texts: list[str]) -> list[str | None]:
    detector = _detector()
    # Its threads only add switching on one core (a pinned ingest): the same answers, in turn.
    if _usable_cores() > 1:
        found = detector.detect_languages_in_parallel_of(texts)
    else:
        found = [detector.detect_language_of(text) for text in texts]
    return [lang.iso_code_639_1.name.lower() if lang is not None else None for lang in found]


def _usable_cores() -> int:
    """Cores this process may run on (its affinity where the platform tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _sampled(rest: pd.Series, notes: list[str] | None) -> list[str | None]:
    """Lingua on an evenly spread sample of LINGUA_BUDGET texts; the others take the sample's
    language when the sample is uniform, else stay unknown."""
    step = len(rest) / LINGUA_BUDGET
    picked = sorted({int(i * step) for i in range(LINGUA_BUDGET)})
    codes: list[str | None] = [None] * len(rest)
    for position, code in zip(picked, _lingua(rest.iloc[picked].tolist()), strict=True):
        codes[position] = code
    decided = [codes[p] for p in picked if codes[p]]
    top = max(set(decided), key=decided.count) if decided else None
    if top is not None and decided.count(top) >= MIN_DOMINANT_SHARE * len(decided):
        return [c or top for c in codes]
    if notes is not None:
        notes.append(
            f"language left unknown for {len(rest) - len(picked):,} texts: past the {LINGUA_BUDGET:,}"
            " detected per file, and that sample was mixed"
        )
    return codes


def fill_from_majority(codes: list[str | None]) -> list[str | None]:
    """Undecided texts take the file's language when nearly every decided text has it."""
    decided = [c for c in codes if c]
    if not decided or len(decided) == len(codes):
        return codes
    top = max(set(decided), key=decided.count)
    if decided.count(top) < MIN_DOMINANT_SHARE * len(decided):
        return codes
    return [c or top for c in codes]
