"""Plain text of an HTML fragment in one linear pass, whatever the fragment holds.

Python's html.parser rescans from an unfinished tag every time it is fed: a feed title of
"&lt;a " repeated 32,000 times (192 KB) took 59 s. Here every "<" is looked at once, a tag
pattern never reads past the next "<" or ">", and possessive quantifiers never backtrack.
"""

from __future__ import annotations

import html
import re

# Markup read per field (a 10 MB entry is read whole); the rest is cut before reading.
MAX_MARKUP_CHARS = 20_000_000
# Tags that end a paragraph when HTML is flattened to text.
BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
    | {"figcaption", "figure", "section", "article", "table", "pre", "hr"}
)
# Their content is code or styling, never article text.
SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})

# Attribute values may hold ">" when quoted; no part of a tag reads past the next "<".
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9:-]*+)[^<>"']*+(?:(?:"[^"<]*+"|'[^'<]*+')[^<>"']*+)*+>""")
_DECLARATION = re.compile(r"<[!?][^<>]*+>")


def strip_markup(markup: str) -> str:
    """Paragraphs of text: tags dropped, entities decoded, blocks as blank-line breaks."""
    markup = markup[:MAX_MARKUP_CHARS]
    paragraphs: list[list[str]] = [[]]
    position = 0
    while (start := markup.find("<", position)) >= 0:
        paragraphs[-1].append(markup[position:start])
        position = _after_markup(markup, start, paragraphs)
    paragraphs[-1].append(markup[position:])
    joined = (" ".join(html.unescape("".join(parts)).split()) for parts in paragraphs)
    return "\n\n".join(p for p in joined if p)


def _after_markup(markup: str, start: int, paragraphs: list[list[str]]) -> int:
    """Offset past the markup at `start` (a "<"); a "<" that opens no tag is text."""
    if markup.startswith("<!--", start):
        end = markup.find("-->", start + 4)
        return len(markup) if end < 0 else end + 3  # an unclosed comment hides the rest
    tag = _TAG.match(markup, start)
    if tag is None:
        declaration = _DECLARATION.match(markup, start)
        if declaration is not None:
            return declaration.end()
        paragraphs[-1].append("<")
        return start + 1
    name = tag[2].lower()
    if name in SKIP_TAGS and not tag[1]:
        return _after_closing(markup, tag.end(), name)
    if name in BLOCK_TAGS:
        paragraphs.append([])
    return tag.end()


def _after_closing(markup: str, start: int, name: str) -> int:
    """Offset past the closing tag of a skipped element (script, style): one search, no rescans."""
    closing = re.compile(rf"</{name}\s*+>", re.IGNORECASE).search(markup, start)
    return len(markup) if closing is None else closing.end()
