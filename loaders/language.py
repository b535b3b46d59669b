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
DETECT_CHARS = 400
# Shorter texts are too short to say ("Gaza" is every language).
MIN_DETECT_CHARS = 12
_SCRIPTS = (
    (re.compile(r"[\u0590-\u05ff]{3}"), "he"),
    (re.compile(r"[\u0900-\u097f]{3}"), "hi"),
    (re.compile(r"[\u0370-\u03ff]{3}"), "el"),
)
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

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in LANGUAGES)).build()


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """The ISO code per text, None when the text is too short to tell."""
    out: list[str | None] = [None] * len(texts)
    todo: list[int] = []
    for i, text in enumerate(texts):
        head = text[:DETECT_CHARS]
        if len(head.strip()) < MIN_DETECT_CHARS:
            continue
        by_script = next((code for pattern, code in _SCRIPTS if pattern.search(head)), None)
        if by_script:
            out[i] = by_script
        else:
            todo.append(i)
    if todo:
        found = _detector().detect_languages_in_parallel_of([texts[i][:DETECT_CHARS] for i in todo])
        for i, language in zip(todo, found, strict=True):
            out[i] = language.iso_code_639_1.name.lower() if language is not None else None
    return out
