"""Each article's language as an ISO 639-1 code: from the file when it says, else detected.

Detection uses lingua (its models ship inside the wheel; nothing is downloaded), limited to the
languages Middle East coverage comes in, which keeps it fast and its memory small. Texts written
in a script only one of those languages uses (Hebrew, Devanagari, Greek) are named by the script.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

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


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """The ISO code per text, None when the text is too short to tell.

    Column passes first: a script only one language uses names it, Arabic script is told apart by
    the letters Persian and Urdu add, Latin text full of English function words is English. Only
    the rest (French, Turkish, ...) goes to lingua, so a million English rows cost seconds.
    """
    heads = pd.Series(list(texts), dtype="string").str.slice(0, DETECT_CHARS).fillna("")
    distinct = pd.Series(heads.unique(), dtype="string")
    if len(distinct) < len(heads):
        found = dict(zip(distinct.tolist(), detect_languages(distinct.tolist()), strict=True))
        return [found[h] for h in heads.tolist()]
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
    # Literal searches (no regex): two English function words make a Latin text English.
    spaced = " " + heads + " "
    hits = sum(spaced.str.contains(f" {w} ", regex=False).astype(int) for w in _ENGLISH_WORDS)
    english = todo & (hits >= MIN_ENGLISH_WORDS)
    out[english] = "en"
    todo &= ~english
    rest = heads[todo].tolist()
    if rest:
        found = _detector().detect_languages_in_parallel_of(rest)
        out[todo] = [lang.iso_code_639_1.name.lower() if lang is not None else None for lang in found]
    return [code if isinstance(code, str) else None for code in out.tolist()]  # NaN from masks


def fill_from_majority(codes: list[str | None]) -> list[str | None]:
    """Undecided texts take the file's language when nearly every decided text has it."""
    decided = [c for c in codes if c]
    if not decided or len(decided) == len(codes):
        return codes
    top = max(set(decided), key=decided.count)
    if decided.count(top) < MIN_DOMINANT_SHARE * len(decided):
        return codes
    return [c or top for c in codes]
