"""RSS 2.0 and Atom feeds into RawArticle records (plain text: HTML is stripped)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser

from loaders.schema import Problem, RawArticle
from loaders.tabular import first_sentence, repair_mojibake

# Entity declarations enable "billion laughs" expansion bombs; news feeds never need them.
# NULs between letters: the same declaration spelled in UTF-16.
_ENTITY_DECLARATION = re.compile(rb"<\x00?!\x00?E\x00?N\x00?T\x00?I\x00?T\x00?Y", re.IGNORECASE)
# Tags that end a paragraph when HTML is flattened to text.
BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
    | {"figcaption", "figure", "section", "article", "table", "pre", "hr"}
)
# Their content is code or styling, never article text.
SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})


def read_feed(data: bytes, origin: str) -> tuple[list[RawArticle], list[Problem]]:
    """Articles of an RSS/Atom document: title, text, link, date string, feed title as source."""
    if _ENTITY_DECLARATION.search(data):
        return [], [Problem(origin, "feed declares XML entities (<!ENTITY): refused as unsafe")]
    parsed = feedparser.parse(data)  # bytes, never str: a str is taken as a URL or file name
    source = html_to_text(parsed.feed.get("title", "")) or Path(origin).name
    articles = [_entry_article(e, source, f"{origin}:entry {n}") for n, e in enumerate(parsed.entries, 1)]
    kept = [a for a in articles if a is not None]
    if not kept:
        # A truncated feed can yield one hollow entry: the parse error is the real news.
        return [], [Problem(origin, _no_entries_reason(parsed))]
    skipped = len(articles) - len(kept)
    noun = "entry" if skipped == 1 else "entries"
    return kept, [Problem(origin, f"{skipped} {noun} without title or text skipped")] if skipped else []


def _no_entries_reason(parsed: Any) -> str:
    """Why a feed gave no entries: a parse error, or a valid feed that is empty."""
    if parsed.bozo:
        return f"feed does not parse: {_one_line(parsed.get('bozo_exception'))}"
    return "feed has no entries"


def _entry_article(entry: Any, source: str, origin: str) -> RawArticle | None:
    """One feed entry as an article, or None when it has neither title nor text."""
    body = html_to_text(_entry_html(entry))
    title = html_to_text(entry.get("title", ""))
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
    contents = [c.get("value", "") for c in entry.get("content", [])]
    longest = max(contents, key=len, default="")
    summary = entry.get("summary", "")
    return longest if len(longest) >= len(summary) else summary


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, blocks as paragraphs."""
    if "<" not in markup and "&" not in markup:
        return repair_mojibake(" ".join(markup.split()))
    parser = _TextCollector()
    parser.feed(markup)
    parser.close()
    return repair_mojibake(parser.text())


class _TextCollector(HTMLParser):
    """Collects text of an HTML fragment, one paragraph per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._paragraphs: list[list[str]] = [[]]
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self._skipping += 1
        elif tag in BLOCK_TAGS:
            self._paragraphs.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in BLOCK_TAGS:
            self._paragraphs.append([])

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._paragraphs[-1].append(data)

    def text(self) -> str:
        """Paragraphs with whitespace collapsed, joined by blank lines."""
        joined = (" ".join("".join(parts).split()) for parts in self._paragraphs)
        return "\n\n".join(p for p in joined if p)


def _one_line(value: object) -> str:
    """An exception or message on one line."""
    return " ".join(str(value).split()) or "unknown error"
