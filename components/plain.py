"""Article text made inert before it is escaped: no bidi reordering, no hidden characters, no links.

Backslash escapes stop Markdown syntax, but not GitHub-flavoured autolinks: remark-gfm finds
`https://...`, `www.` and `name@host.tld` in the text *after* escapes are resolved, so an escaped
URL still becomes a live link. A word joiner (U+2060, invisible, no line break) inside each of
those shapes breaks the pattern and leaves what the reader sees unchanged.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
# Embeddings, overrides and isolates reorder everything up to the end of the paragraph (U+202E
# in a source name reversed the page's own byline); the three marks reorder neutral characters.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# Invisible characters that make two equal-looking names differ: zero-width space, word joiner,
# invisible operators, BOM, Mongolian vowel separator.
INVISIBLE = "\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"
_DROPPED = re.compile(f"[{BIDI_CONTROLS}{INVISIBLE}]")
# ZWNJ and ZWJ shape Persian and Arabic words and join emoji: kept between two non-space
# characters, dropped anywhere else (leading, trailing, next to a space, repeated).
_STRAY_JOINER = re.compile(r"(?<!\S)[\u200c\u200d]+|[\u200c\u200d]+(?!\S)|[\u200c\u200d]{2,}")
# The shapes remark-gfm turns into links: scheme://, www., and the @ of an e-mail address.
_AUTOLINK = re.compile(r"(:)(?=//)|(?<![^\W_])(www)(?=\.)|(@)", re.IGNORECASE)


def plain(text: str) -> str:
    """Text without bidi controls or hidden characters, whose URLs and addresses form no link."""
    visible = _STRAY_JOINER.sub("", _DROPPED.sub("", text))
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, visible)
