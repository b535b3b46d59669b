"""Article text is inert: no bidi reordering, no hidden characters, no autolink shapes."""

from __future__ import annotations

import re

import pytest

from components.plain import WORD_JOINER, plain
from components.text import escape_markdown, highlight

# What remark-gfm's autolink-literal transform looks for in text after escapes are resolved.
GFM_URL = re.compile(r"(https?://|www(?=\.))[-.\w]+", re.IGNORECASE)
GFM_EMAIL = re.compile(r"[-.\w+]+@[-\w]+(\.[-\w]+)+")


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize(
    "text",
    [
        "see https://evil.example/x",
        "HTTP://EVIL.EXAMPLE",
        "visit www.evil.example today",
        "(www.evil.example)",
        "write to press@ministry.example",
        "mailto:desk@wire.example",
        "xmpp:agent@chat.example",
    ],
)
def test_no_autolink_shape_survives(text: str) -> None:
    shown = unescaped(escape_markdown(text))
    assert not GFM_URL.search(shown) and not GFM_EMAIL.search(shown), shown
    assert shown.replace(WORD_JOINER, "") == text  # what the reader sees is unchanged


def test_highlighted_fragments_form_no_link_either() -> None:
    shown = unescaped(highlight("Visit www.evil.example or press@evil.example", ["evil"]))
    assert not GFM_URL.search(shown) and not GFM_EMAIL.search(shown)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gulf\u202e Ledger", "Gulf Ledger"),
        ("\u2066isolated\u2069 \u202aembedded\u202c \u200fmark\u200e", "isolated embedded mark"),
        ("Ha\u200bmas", "Hamas"),
        ("\ufeffBOM and\u2060joined", "BOM andjoined"),
        ("\u200dleading and trailing\u200c", "leading and trailing"),
        ("می\u200cخواهم", "می\u200cخواهم"),  # ZWNJ inside a Persian word is kept
        ("family \U0001f468\u200d\U0001f469", "family \U0001f468\u200d\U0001f469"),  # ZWJ in an emoji
        ("double\u200c\u200cjoiner", "doublejoiner"),
    ],
)
def test_bidi_controls_and_stray_invisibles_are_removed(text: str, expected: str) -> None:
    assert plain(text) == expected


def test_a_reversed_source_cannot_reorder_the_byline() -> None:
    assert "\u202e" not in escape_markdown("2024-01-01 · \u202eLevant Wire · 27 words")


def test_the_upload_limit_is_one_number_of_bytes() -> None:
    import tomllib
    from pathlib import Path

    from loaders.formats.sniff import MAX_FILE_BYTES

    config = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES  # Streamlit counts MiB
