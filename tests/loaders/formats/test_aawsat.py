"""The page-text dump format: titles, captions once, credit, body (fixtures are invented text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.formats.aawsat import DUMP_SOURCE, caption_credit, credit_from_captions, parse_dump

DATA = Path(__file__).parents[2] / "data" / "loaders"
SEEDS = Path("/work/shared/seeds")

OMAN = "Oman Hosts Fresh Round of Indirect Talks on Red Sea Shipping"
JORDAN = "Jordan and Iraq Sign Water-Sharing Memorandum"
KUWAIT = "Gulf Envoys Meet in Kuwait to Discuss Sudan Truce"
CAIRO = "Egypt Proposes Regional Conference on Gaza Reconstruction"
DOHA = "Qatar and Türkiye Agree to Expand Consular Cooperation"
RIYADH = "Saudi Arabia Calls for Calm After Border Incident"


def _read(name: str) -> str:
    """A fixture decoded the way files.py does for these plain cases."""
    data = (DATA / name).read_bytes()
    return data.decode("utf-16") if data.startswith(b"\xff\xfe") else data.decode("utf-8")


@pytest.mark.parametrize(
    ("name", "titles", "credits", "caption_counts"),
    [
        ("dump_normal.txt", [OMAN, JORDAN], ["AFP", "EPA"], [1, 1]),
        ("dump_no_photo.txt", [KUWAIT], [None], [0]),
        ("dump_several_photos.txt", [CAIRO, KUWAIT], ["Reuters, EPA", None], [4, 0]),
        ("dump_no_tt.txt", [DOHA, RIYADH], ["QNA", "SPA"], [1, 1]),
        ("dump_crlf.txt", [OMAN, JORDAN], ["AFP", "EPA"], [1, 1]),
        ("dump_bom.txt", [OMAN, JORDAN], ["AFP", "EPA"], [1, 1]),
        ("dump_stray_whitespace.txt", [OMAN, JORDAN], ["AFP", "EPA"], [1, 1]),
        ("dump_utf16.txt", [OMAN, JORDAN], ["AFP", "EPA"], [1, 1]),
        (
            "dump_title_once.txt",
            [
                "Lebanon and Cyprus Resume Talks on Maritime Border",
                "Bahrain Names New Ambassador to Iraq",
            ],
            [None, None],
            [0, 0],
        ),
    ],
)
def test_dump_fixtures(
    name: str, titles: list[str], credits: list[str | None], caption_counts: list[int]
) -> None:
    articles = parse_dump(_read(name), name)
    assert [a.title for a in articles] == titles
    assert [a.credit for a in articles] == credits
    assert [len(a.captions) for a in articles] == caption_counts
    assert all(a.source == DUMP_SOURCE for a in articles)


@pytest.mark.parametrize(
    "name",
    ["dump_crlf.txt", "dump_bom.txt", "dump_stray_whitespace.txt", "dump_utf16.txt"],
)
def test_variants_parse_like_the_clean_file(name: str) -> None:
    clean = parse_dump(_read("dump_normal.txt"), "x")
    variant = parse_dump(_read(name), "x")
    assert [(a.title, a.body, a.captions) for a in variant] == [(a.title, a.body, a.captions) for a in clean]


def test_body_is_paragraphs_without_captions_title_or_button() -> None:
    oman = parse_dump(_read("dump_normal.txt"), "dump_normal.txt")[0]
    paragraphs = oman.body.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[-1] == "A second session is expected next week."
    assert "TT" not in paragraphs
    assert OMAN not in oman.body
    assert not any(caption in oman.body for caption in oman.captions)
    assert oman.origin == "dump_normal.txt:line 1"


def test_several_captions_kept_once_in_order() -> None:
    cairo = parse_dump(_read("dump_several_photos.txt"), "x")[0]
    assert cairo.captions[0].startswith("Trucks carrying aid")
    assert cairo.captions[2] == "A view of the conference hall before the opening session"
    assert len(set(cairo.captions)) == len(cairo.captions)


def test_repeated_short_body_line_is_not_a_new_article() -> None:
    text = (
        "Envoys Meet in Muscat\n\nTT\n\nEnvoys Meet in Muscat\n\n"
        "Talks resumed on Monday.\n\nNo agreement yet.\n\nMore talks followed.\n\n"
        "No agreement yet.\n"
    )
    [article] = parse_dump(text, "x")
    assert article.body.count("No agreement yet.") == 2


@pytest.mark.parametrize(
    ("caption", "credit"),
    [
        ("Ministers meet in Rome. (AFP)", "AFP"),
        ("Ministers meet in Rome. (EPA)", "EPA"),
        ("Ministers meet in Rome. (Photo by Handout / SOME MINISTRY / AFP)", "AFP"),
        ("Ministers meet in Rome. (Reuters)  ", "Reuters"),
        ("Ministers meet in Rome. (Getty Images)", "Getty Images"),
        ("A flag (L) on a building in the border area", None),
        ("Ministers meet in Rome", None),
        ("Ministers meet in Rome. (File photo)", None),
    ],
)
def test_caption_credit(caption: str, credit: str | None) -> None:
    assert caption_credit(caption) == credit


def test_distinct_credits_are_joined() -> None:
    captions = ["One. (AFP)", "Two. (Reuters)", "Three. (AFP)", "Four, no agency"]
    assert credit_from_captions(captions) == "AFP, Reuters"
    assert credit_from_captions(["No agency"]) is None


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")
def test_seed_dumps() -> None:
    """The real seeds: structure only, so no seed text is copied into the project."""
    by_file = {
        path.name[:3]: parse_dump(path.read_text("utf-8"), str(path)) for path in sorted(SEEDS.glob("*.txt"))
    }
    assert {name: len(articles) for name, articles in by_file.items()} == {"000": 2, "001": 2}
    shared = {a.title for a in by_file["000"]} & {a.title for a in by_file["001"]}
    assert len(shared) == 1  # the same article was copied into both files
    for article in [*by_file["000"], *by_file["001"]]:
        assert "TT" not in article.body.split("\n\n")
        assert article.credit in {"AFP", "EPA"}
        assert len(article.captions) == len(set(article.captions)) == 1
        assert article.captions[0] not in article.body
        assert article.title not in article.body


def test_undoubled_caption_in_the_headline_block() -> None:
    text = (
        "Envoys Meet in Muscat\n\nEnvoys at the table. (AFP)\nTT\n\nEnvoys Meet in Muscat\n\n"
        "Envoys at the table. (AFP)\n\nTalks resumed on Monday.\n"
    )
    [article] = parse_dump(text, "x")
    assert (article.captions, article.body, article.credit) == (
        ["Envoys at the table. (AFP)"],
        "Talks resumed on Monday.",
        "AFP",
    )


def test_text_without_body_gives_no_article() -> None:
    assert parse_dump("Only a heading\n\n\n", "x") == []
    assert parse_dump("", "x") == []
