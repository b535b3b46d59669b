"""Which way article text runs: a right-to-left article reads right to left, and every paragraph
of results and reader takes its direction from its own first letter (the CSS of dir="auto"),
so an Arabic headline in an English list still reads right to left. Text stays escaped Markdown:
only the containers around it carry the direction."""

from __future__ import annotations

import streamlit as st

from loaders.language import RIGHT_TO_LEFT

# Container key prefixes the page's one style rule matches (Streamlit gives a keyed container
# the class st-key-<key>).
RTL_PREFIX = "rtl-"
AUTO_PREFIX = "bidi-"
_STYLE = (
    "<style>"
    f'[class*="st-key-{RTL_PREFIX}"] {{ direction: rtl; text-align: right; }}'
    f'[class*="st-key-{RTL_PREFIX}"] p, [class*="st-key-{AUTO_PREFIX}"] p,'
    f' [class*="st-key-{RTL_PREFIX}"] h3, [class*="st-key-{AUTO_PREFIX}"] h3'
    " { unicode-bidi: plaintext; text-align: start; }"
    "</style>"
)


def direction_style() -> None:
    """The page's direction rule (a style element: it takes no space on the page)."""
    st.html(_STYLE)


def is_right_to_left(language: object) -> bool:
    """True for the languages written right to left (Arabic, Hebrew, Persian, Urdu, ...)."""
    return isinstance(language, str) and language in RIGHT_TO_LEFT


def text_key(key: str, language: object = None) -> str:
    """The key of a container holding article text: right to left for such a language, else
    each paragraph by its first letter."""
    return f"{RTL_PREFIX if is_right_to_left(language) else AUTO_PREFIX}{key}"
