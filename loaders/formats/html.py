"""Saved web pages: a listing of article cards gives one headline record per card; an article
page goes through trafilatura (title, body, date, canonical URL)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import pandas as pd

from loaders.formats.report import FileReport
from loaders.outlets import feed_outlet
from loaders.schema import Problem, RawArticle

# A page with at least this many repeated cards (heading + link) is a listing, not an article.
MIN_CARDS = 5
# An article page's text has at least this many words; fewer is menus and captions.
MIN_ARTICLE_WORDS = 40
_CARD_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
HTML_STARTS = ("<!doctype html", "<html", "<head", "<body")


def looks_like_html(text: str) -> bool:
    """True if text starts like an HTML document."""
    return text.lstrip()[:200].lower().startswith(HTML_STARTS)


def read_html(text: str, origin: str, report: FileReport) -> tuple[list[RawArticle], list[Problem]]:
    """Articles of a saved page: many cards -> many headline records; else one article."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml raises several types on broken markup
        return [], [Problem(origin, f"page does not parse as HTML ({type(exc).__name__})")]
    base = _canonical(root)
    language = (root.get("lang") or "").split("-")[0].lower() or None
    cards = _cards(root)
    if len(cards) >= MIN_CARDS:
        report.kind = "html listing"
        return _listing_articles(cards, root, base, language, origin, report)
    report.kind = "html article"
    return _article_page(text, base, language, origin, report, len(cards))


def _canonical(root: object) -> str | None:
    """The page's own URL from <link rel=canonical> or og:url."""
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        found = root.xpath(xpath)  # type: ignore[attr-defined]
        if found:
            return str(found[0])
    return None


def _cards(root: object) -> list[object]:
    """Repeated elements holding one heading link each, the most common kind on the page."""
    candidates = root.xpath("//article | //li | //div[contains(@class, 'card')]")  # type: ignore[attr-defined]
    with_heading = [
        el
        for el in candidates
        if len(el.xpath(".//h1//a[@href] | .//h2//a[@href] | .//h3//a[@href] | .//h4//a[@href]")) == 1
    ]
    kinds = Counter((el.tag, (el.get("class") or "").split(" ")[0]) for el in with_heading)
    if not kinds:
        return []
    best, _ = kinds.most_common(1)[0]
    return [el for el in with_heading if (el.tag, (el.get("class") or "").split(" ")[0]) == best]


def _listing_articles(
    cards: list[object], root: object, base: str | None, language: str | None, origin: str, report: FileReport
) -> tuple[list[RawArticle], list[Problem]]:
    """One headline record per card, read through the table reader (same dates, same cleaning)."""
    from loaders.formats.tabular import frame_to_articles

    rows = [_card_row(card, base) for card in cards]
    frame = pd.DataFrame(rows, dtype="string")
    site = root.xpath('//meta[@property="og:site_name"]/@content')  # type: ignore[attr-defined]
    frame["source"] = feed_outlet(str(site[0]) if site else "", base)
    mapping = {"title": "title", "url": "link", "lead": "excerpt", "published": "date", "source": "source"}
    articles, reasons = frame_to_articles(frame, origin, mapping=mapping, report=report)
    report.chosen_by = dict.fromkeys(report.columns, "card")  # read from the card's markup
    for article in articles:
        article.language = article.language or language
    report.notes.append(f"listing page of {len(cards)} article cards: headlines and excerpts, no bodies")
    return articles, [Problem(origin, r) for r in reasons]


def _card_row(card: object, base: str | None) -> dict[str, str]:
    """Title, link, excerpt and date of one card."""
    link = card.xpath(".//h1//a[@href] | .//h2//a[@href] | .//h3//a[@href] | .//h4//a[@href]")[0]  # type: ignore[attr-defined]
    excerpt = card.xpath(".//p")  # type: ignore[attr-defined]
    times = card.xpath(".//time/@datetime")  # type: ignore[attr-defined]
    date = str(times[0]) if times else ""
    if not date:
        found = _CARD_DATE.search(" ".join(card.itertext()))  # type: ignore[attr-defined]
        date = found[0] if found else ""
    href = link.get("href") or ""
    return {
        "title": " ".join(link.text_content().split()),
        "link": urljoin(base, href) if base else href,
        "excerpt": " ".join(excerpt[0].text_content().split()) if excerpt else "",
        "date": date,
    }


def _article_page(
    text: str, base: str | None, language: str | None, origin: str, report: FileReport, cards: int
) -> tuple[list[RawArticle], list[Problem]]:
    """One article page through trafilatura; a page of menus and a few cards is a Problem."""
    import trafilatura

    from loaders.formats.tabular import first_sentence

    found = trafilatura.bare_extraction(text, url=base, with_metadata=True, include_comments=False)
    title = (getattr(found, "title", None) or "").strip() if found is not None else ""
    lines = ((getattr(found, "text", None) or "") if found is not None else "").split("\n")
    if lines and lines[0].strip() == title:
        lines = lines[1:]  # trafilatura repeats the headline as the first line
    body = "\n\n".join(line.strip() for line in lines if line.strip())
    words = len(body.split())
    if words < MIN_ARTICLE_WORDS:
        cards_note = f" and {cards} article cards (a listing needs {MIN_CARDS})" if cards else ""
        return [], [Problem(origin, f"saved page holds no article text ({words} words){cards_note}")]
    report.rows = report.kept = 1
    url = getattr(found, "url", None) or base
    return [
        RawArticle(
            title=title or first_sentence(body),
            body=body,
            source=feed_outlet(getattr(found, "sitename", None) or "", url) or Path(origin).name,
            url=url,
            published_meta=getattr(found, "date", None),
            origin=origin,
            language=getattr(found, "language", None) or language,
        )
    ], []
