"""RSS 2.0 and Atom feeds into RawArticle records (plain text: HTML is stripped)."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from loaders.formats.plaintext import MAX_MARKUP_CHARS, strip_markup
from loaders.formats.tabular import first_sentence, repair_mojibake
from loaders.outlets import feed_outlet
from loaders.schema import Problem, RawArticle, one_line

# Entity declarations enable "billion laughs" expansion bombs; news feeds never need them.
# Up to three NULs between letters: the same declaration spelled in UTF-16 or UTF-32.
_ENTITY_DECLARATION = re.compile(
    rb"<\x00{0,3}!\x00{0,3}E\x00{0,3}N\x00{0,3}T\x00{0,3}I\x00{0,3}T\x00{0,3}Y", re.IGNORECASE
)
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
# "<?xm" in EBCDIC: feedparser converts such feeds to ASCII before parsing.
_EBCDIC_START = b"\x4c\x6f\xa7\x94"
# How far into a feed its XML declaration may sit.
DECLARATION_BYTES = 1024
# A title longer than this is a body pasted in the wrong field: the rest is cut.
MAX_TITLE_CHARS = 10_000
UNSAFE = "feed declares XML entities (<!ENTITY): refused as unsafe"


def read_feed(data: bytes, origin: str) -> tuple[list[RawArticle], list[Problem]]:
    """Articles of an RSS/Atom document: title, text, link, date string, feed title as source."""
    if declares_entities(data):
        return [], [Problem(origin, UNSAFE)]
    import feedparser  # late: 0.1-0.4 s to import, and only feeds need it

    try:
        # bytes, never str: a str is taken as a URL or file name. No sanitizing or URI resolving:
        # the text is stripped to plain text anyway, and the sanitizer's parser is quadratic
        # ("&lt;!--" repeated in a 192 KB description took 20 s).
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser lets some errors out (a NUL in the encoding name)
        return [], [Problem(origin, f"feed does not parse: {one_line(exc)}")]
    title = html_to_text(parsed.feed.get("title") or "")
    # The outlet, not its tagline: "Al Jazeera – Breaking News, ..." is Al Jazeera.
    source = feed_outlet(title, parsed.feed.get("link")) or title or Path(origin).name
    language = (parsed.feed.get("language") or "").split("-")[0].lower() or None
    articles = [_entry_article(e, source, f"{origin}:entry {n}") for n, e in enumerate(parsed.entries, 1)]
    for article in articles:
        if article is not None:
            article.language = language
    kept = [a for a in articles if a is not None]
    if not kept:
        # A truncated feed can yield one hollow entry: the parse error is the real news.
        return [], [Problem(origin, _no_entries_reason(parsed))]
    skipped = len(articles) - len(kept)
    noun = "entry" if skipped == 1 else "entries"
    return kept, [Problem(origin, f"{skipped} {noun} without title or text skipped")] if skipped else []


def declares_entities(data: bytes) -> bool:
    """True if the feed declares XML entities in any encoding feedparser would read it in."""
    if _ENTITY_DECLARATION.search(data):
        return True
    # An encoding that spells "<!ENTITY" with other bytes (EBCDIC, UTF-7) hides it from the
    # byte search above, but feedparser decodes it before parsing: look at the decoded text.
    codecs_used = _non_ascii_codecs(data[:DECLARATION_BYTES])
    return any("<!ENTITY" in data.decode(c, errors="replace").upper() for c in codecs_used)


def _non_ascii_codecs(head: bytes) -> list[str]:
    """Encodings the feed may be in that do not write ASCII as ASCII (UTF-16/32 aside)."""
    found = []
    if head.startswith(_EBCDIC_START):
        found.append("cp037")
        head = head.decode("cp037").encode("ascii", errors="replace")
    declared = _DECLARED_ENCODING.search(head.replace(b"\x00", b""))
    if declared is not None:
        try:
            name = codecs.lookup(declared[1].decode("ascii")).name
            ascii_alike = "<!ENTITY".encode(name) == b"<!ENTITY"
        except (LookupError, UnicodeError, ValueError):
            return found  # feedparser cannot decode it either
        if not ascii_alike and not name.startswith(("utf-16", "utf-32")):
            found.append(name)
    return found


def _no_entries_reason(parsed: Any) -> str:
    """Why a feed gave no entries: a parse error, or a valid feed that is empty."""
    if parsed.bozo:
        return f"feed does not parse: {one_line(parsed.get('bozo_exception'))}"
    return "feed has no entries"


def _entry_article(entry: Any, source: str, origin: str) -> RawArticle | None:
    """One feed entry as an article, or None when it has neither title nor text."""
    body = html_to_text(_entry_html(entry))
    title = html_to_text(entry.get("title") or "")[:MAX_TITLE_CHARS]
    if not title and not body:
        return None
    return RawArticle(
        title=title or first_sentence(body),
        body=body,
        source=source,
        url=entry.get("link") or None,
        published_meta=entry.get("published") or entry.get("updated") or None,
        origin=origin,
    )


def _entry_html(entry: Any) -> str:
    """The fullest text an entry carries: the longest content block, else the summary."""
    # A damaged entry can carry None where text belongs: `or ""` keeps every value a string.
    contents = [c.get("value") or "" for c in entry.get("content") or []]
    longest = max(contents, key=len, default="")
    summary = entry.get("summary") or ""
    return longest if len(longest) >= len(summary) else summary


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, blocks as paragraphs."""
    if "<" not in markup and "&" not in markup:
        return repair_mojibake(" ".join(markup[:MAX_MARKUP_CHARS].split()))
    return repair_mojibake(strip_markup(markup))  # linear: html.parser is quadratic on "<a <a"
