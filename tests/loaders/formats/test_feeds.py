"""RSS/Atom into plain-text articles; broken and unsafe feeds become Problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.formats.feeds import html_to_text, read_feed

DATA = Path(__file__).parents[2] / "data" / "loaders"


@pytest.mark.parametrize(
    ("name", "titles", "source", "reasons"),
    [
        (
            "feed.rss",
            ["Qatar Hosts Talks on Detainee Releases", "Turkish & Iraqi Ministers Discuss Water"],
            "Example Regional Desk",
            [],
        ),
        (
            "feed.atom",
            ["Lebanon Forms Committee on Border Talks", "Kuwait Renews Call for Gulf Rail Link"],
            "Example Atom Desk",
            [],
        ),
        ("broken.rss", [], None, ["feed does not parse: <unknown>:2:74: unclosed token"]),
        ("empty_feed.rss", [], None, ["feed has no entries"]),
        (
            "entity_bomb.xml",
            [],
            None,
            ["feed declares XML entities (<!ENTITY): refused as unsafe"],
        ),
    ],
)
def test_feed_fixtures(name: str, titles: list[str], source: str | None, reasons: list[str]) -> None:
    articles, problems = read_feed((DATA / name).read_bytes(), name)
    assert [a.title for a in articles] == titles
    assert [p.reason for p in problems] == reasons
    assert all(a.source == source for a in articles)


def test_rss_entry_is_plain_text_with_metadata() -> None:
    first = read_feed((DATA / "feed.rss").read_bytes(), "feed.rss")[0][0]
    assert first.body == (
        "Qatar hosted talks on Monday on the release of detainees, mediators said.\n\n"
        "A further meeting is planned & expected next week."
    )
    assert first.url == "https://example.org/rss/1"
    assert first.published_meta == "Mon, 10 Feb 2025 09:00:00 GMT"
    assert first.origin == "feed.rss:entry 1"


def test_atom_prefers_content_and_published() -> None:
    lebanon, kuwait = read_feed((DATA / "feed.atom").read_bytes(), "feed.atom")[0]
    assert lebanon.body.split("\n\n") == [
        "Lebanon formed a committee on Wednesday to prepare for border talks.",
        "Its members were named by the cabinet.",
    ]
    assert lebanon.published_meta == "2025-02-12T12:00:00Z"
    assert kuwait.published_meta == "2025-02-13T08:00:00Z"
    assert kuwait.url == "https://example.org/atom/2"


def test_entity_declaration_in_utf16_is_refused() -> None:
    data = (DATA / "entity_bomb.xml").read_text("utf-8").encode("utf-16")
    assert read_feed(data, "bomb")[1][0].reason.startswith("feed declares XML entities")


def test_untitled_feed_falls_back_to_file_name() -> None:
    data = b'<rss version="2.0"><channel><item><description>Envoys met.</description></item></channel></rss>'
    [article] = read_feed(data, "folder/desk.rss")[0]
    assert (article.title, article.body, article.source) == ("Envoys met.", "Envoys met.", "desk.rss")


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One</p><p>Two &amp; three</p>", "One\n\nTwo & three"),
        ("Line<br>break", "Line\n\nbreak"),
        ("<script>alert(1)</script><style>p{}</style>Safe", "Safe"),
        ("  spaced   out  ", "spaced out"),
        ("<b>bold</b> and <i>italic</i>", "bold and italic"),
        ("&lt;not a tag&gt;", "<not a tag>"),
        ("", ""),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text
