"""Intake of real-shaped exports: one row per fixture (invented text), what a reader expects."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from loaders.dateorder import normalize_dates
from loaders.formats import archives
from loaders.formats.columns import map_columns, name_tokens
from loaders.formats.sniff import read_file_report
from loaders.formats.tabular import first_sentence, title_from_slug
from loaders.inspect import describe, inspect_file
from loaders.normalize import _publisher
from loaders.outlets import outlet_name, registrable_domain, split_title_outlet
from loaders.textclean import clean_bodies

DATA = Path(__file__).parents[1] / "data" / "loaders" / "intake"

# (file, articles, first titles, outlets, languages, published of the first rows, date order, problems)
CASES = [
    (
        "headline_only.csv",
        3,
        ["Envoys Gather in Muscat for Shipping Talks", "Jordan Opens Second Aid Corridor"],
        {"BBC", "example-gazete.com.tr"},
        {"en", "tr"},
        ["2024-01-01 00:00:00", "2024-01-02 00:00:00"],
        "ISO",
        [],
    ),
    (
        "month_first.csv",
        3,
        ["Talks Resume in Doha", "Aid Convoy Crosses at Rafah"],
        {"Example Wire"},
        {"en"},
        ["2017-04-05", "2017-04-13", "2017-05-06"],
        "month-first",
        [],
    ),
    (
        "day_first.csv",
        2,
        ["Gulf Ministers Meet in Riyadh", "Oman Hosts Yemen Talks"],
        {"Example Gulf Daily"},
        {"en"},
        ["2017-04-13", "2017-05-04"],
        "day-first",
        [],
    ),
    (
        "headerless.txt",
        3,
        ["Envoys meet in Cairo over Gaza truce", "Iraq and Turkey agree on water sharing"],
        {"example.org"},
        {"en"},
        ["2024-02-01", "2024-02-02"],
        "ISO",
        [],
    ),
    (
        "preamble.csv",
        2,
        ["Kuwait Mediates Border Dispute", "Bahrain Hosts Security Forum"],
        {"example.org"},
        {"en"},
        ["2024-02-26", "2024-02-27"],
        "ISO",
        [],
    ),
    (
        "stray_quotes.tsv",
        3,
        ['"Ceasefire now', "Second post title", "Troisième message"],
        {"stray_quotes.tsv"},
        {"en", "fr"},
        [None, None],
        "",
        [],
    ),
    (
        "nested.json",
        2,
        ["Envoys Meet in Doha on Truce", "Jordan Hosts Aid Talks"],
        {"Example Times"},
        {"en"},
        ["2024-01-05T10:00:00+0000", "2024-01-06T09:00:00+0000"],
        "ISO",
        [],
    ),
    (
        "digest.json",
        2,
        ["Shipping resumes through Hormuz", "Iran and Oman discuss maritime security"],
        {"Example Post", "example-daily.com"},
        {"en"},
        ["Fri, 07 Aug 2026 15:52:00 GMT", "Thu, 06 Aug 2026 09:00:00 GMT"],
        "month names",
        [],
    ),
    (
        "listing.html",
        6,
        ["عنوان الخبر رقم 1 عن المفاوضات في القاهرة", "عنوان الخبر رقم 2 عن المفاوضات في القاهرة"],
        {"أخبار المثال"},
        {"ar"},
        ["2024-07-16", "2024-07-15"],
        "day-first",
        [],
    ),
    (
        "article.html",
        1,
        ["Envoys agree on prisoner exchange"],
        {"Example Herald"},
        {"en"},
        ["2024-05-14"],
        "",
        [],
    ),
    (
        "passages.csv",
        2,
        ["Envoys meet in Muscat", "Jordan hosts aid talks"],
        {"passages.csv"},
        {"en"},
        ["2024-03-02", "2024-03-03"],
        "ISO",
        [],
    ),
    (
        "furniture.csv",
        2,
        [
            "The U. S. and Egypt said on Monday that envoys would return to Cairo for talks.",
            "Aid flights resumed on Wednesday after a pause of three days, the airport authority said.",
        ],
        {"example.org"},
        {"en"},
        [None, None],
        "",
        [],
    ),
    (
        "arabic_digits.csv",
        1,
        ["وزير الخارجية يصل إلى عمان"],
        {"arabic_digits.csv"},
        {"ar"},
        ["2024-07-16"],
        "day-first",
        [],
    ),
    (
        "epoch.jsonl",
        2,
        ["Envoys sign accord in Baku", "Ministers meet in Ankara"],
        {"epoch.jsonl"},
        {"en"},
        ["2024-06-07T06:00:00", "2024-06-08T06:00:00"],
        "unix time",
        [],
    ),
    ("crawl.json", 1, ["وزير يزور الرياض"], {"example-riyadh"}, {"ar"}, ["2015-07-23 19:28:17"], "ISO", []),
    (
        "archive.zip",
        4,
        ["وزير يزور الرياض", "Envoys meet in Cairo over Gaza truce"],
        {"example-riyadh", "example.org"},
        {"ar", "en"},
        ["2015-07-23 19:28:17", "2024-02-01"],
        "ISO",
        [],
    ),
    (
        "google_news.csv",
        4,
        ["Shipping resumes through Hormuz", "Oman hosts new round of talks"],
        {"Example Post", "Example Wire"},
        {"en"},
        ["Fri, 07 Aug 2026 15:52:00 GMT"],
        "month names",
        [],
    ),
    # Broken or empty: no articles, one clear reason.
    (
        "two_cards.html",
        0,
        [],
        set(),
        set(),
        [],
        "",
        ["saved page holds no article text (7 words) and 2 article cards"],
    ),
    ("no_docs.json", 0, [], set(), set(), [], "", ["JSON holds no list of article objects"]),
    ("only_numbers.tsv", 0, [], set(), set(), [], "", ["no recognizable text column (columns: a, b, c)"]),
    ("damaged.zip", 0, [], set(), set(), [], "", ["damaged zip archive"]),
]


@pytest.mark.parametrize(
    ("name", "count", "titles", "outlets", "languages", "published", "order", "problems"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_intake_fixture(
    name: str,
    count: int,
    titles: list[str],
    outlets: set[str],
    languages: set[str],
    published: list[str | None],
    order: str,
    problems: list[str],
) -> None:
    articles, found, report = read_file_report(DATA / name)
    assert len(articles) == count
    assert [a.title for a in articles[: len(titles)]] == titles
    assert {_publisher(a) for a in articles} == outlets
    assert {a.language for a in articles} == languages
    assert [a.published_meta for a in articles[: len(published)]] == published
    assert report.date_order.startswith(order) if order else not report.date_order
    assert len(found) == len(problems)
    for problem, expected in zip(found, problems, strict=True):
        assert problem.reason.startswith(expected)
    assert report.kept == count


def test_report_says_how_a_file_was_read() -> None:
    _, _, report = read_file_report(DATA / "month_first.csv")
    assert report.kind == "csv"
    assert report.columns == {
        "title": "article_title",
        "body": "article_content",
        "published": "Date Published",
        "source": "outlet",
    }
    assert report.chosen_by["published"] == "name"
    assert report.samples["published"] == ["4/5/2017", "4/13/2017", "5/6/2017"]
    assert (report.rows, report.kept) == (3, 3)
    assert "month-first" in str(report)


def test_report_counts_folding_crawl_dates_and_boilerplate() -> None:
    _, _, folded = read_file_report(DATA / "passages.csv")
    assert (folded.rows, folded.kept) == (5, 2)
    assert any("folded into 2 articles by 'doc_id'" in note for note in folded.notes)
    crawl, _, report = read_file_report(DATA / "crawl.json")
    assert crawl[0].date_hint == "crawl"
    assert any("crawl times" in note for note in report.notes)
    furniture, _, cleaned = read_file_report(DATA / "furniture.csv")
    assert dict(cleaned.removed) == {"newsletter": 1, "listen": 1, "follow live": 1}
    body = furniture[0].body
    assert "Sign up" not in body and "Listen to" not in body
    assert body.split("\n\n")[-1] == "The talks resume on Tuesday."


@pytest.mark.parametrize(
    ("name", "note"),
    [
        ("headerless.txt", "no header line: columns mapped by their content"),
        ("preamble.csv", "2 lines before the header skipped"),
        ("stray_quotes.tsv", "stray quote characters: read without quoting"),
        ("listing.html", "listing page of 6 article cards: headlines and excerpts, no bodies"),
    ],
)
def test_how_a_file_was_read_is_a_note(name: str, note: str) -> None:
    assert note in read_file_report(DATA / name)[2].notes


def test_passages_fold_in_order() -> None:
    articles, _, _ = read_file_report(DATA / "passages.csv")
    assert articles[0].body.split("\n\n") == [
        "Envoys met in Muscat on Monday.",
        "They discussed shipping in the Red Sea.",
        "Talks resume next week.",
    ]


def test_same_id_in_two_languages_is_not_folded(tmp_path: Path) -> None:
    path = tmp_path / "posts.tsv"
    path.write_text(
        "ID\tLanguage\tText\n7\tEnglish\tThe envoy arrived in Amman today.\n"
        "7\tFrench\tL'envoyé est arrivé à Amman aujourd'hui.\n8\tEnglish\tTalks resumed in Doha.\n",
        encoding="utf-8",
    )
    articles, _, _ = read_file_report(path)
    assert [a.language for a in articles] == ["en", "fr", "en"]


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (
            {"article_title": ["Envoys meet in Doha"], "article_content": ["Envoys met in Doha on Monday."]},
            {"title": "article_title", "body": "article_content"},
        ),
        (
            {"response.docs.headline.main": ["Envoys meet"], "response.docs.pub_date": ["2024-01-05"]},
            {"title": "response.docs.headline.main", "published": "response.docs.pub_date"},
        ),
        (
            {"headline": ["Envoys meet"], "description": ["Envoys met."]},
            {"title": "headline", "lead": "description"},
        ),
        (
            {"Title": ["Envoys meet"], "Description": ["Envoys met."]},
            {"title": "Title", "lead": "Description"},
        ),
        (
            {"publish_date": ["2024-01-05"], "title": ["A b c"]},
            {"published": "publish_date", "title": "title"},
        ),
        ({"pub_date": ["2024-01-05"], "title": ["A b c"]}, {"published": "pub_date", "title": "title"}),
        (
            {
                "Source Language": ["Arabic"],
                "Text": ["Envoys met in Doha."],
                "English MT": ["Envoys met in Doha."],
            },
            {"language": "Source Language", "body": "Text"},
        ),
        (
            {"media_name": ["bbc.com"], "media_url": ["http://bbc.com"], "url": ["https://bbc.com/a"]},
            {"source": "media_name", "url": "url"},
        ),
        ({"body_text": ["Envoys met."], "text": ["Envoys met. Caption."]}, {"body": "body_text"}),
    ],
)
def test_columns_by_name_tokens(columns: dict[str, list[str]], expected: dict[str, str]) -> None:
    assert map_columns(pd.DataFrame(columns, dtype="string")).columns == expected


def test_columns_by_content_when_names_say_nothing() -> None:
    body = "Envoys from three countries met in Cairo on Thursday to discuss a truce in Gaza and aid, officials said."
    frame = pd.DataFrame(
        {
            "c1": [f"Envoys meet in Cairo round {n}" for n in range(5)],
            "c2": [f"https://example.org/a/{n}" for n in range(5)],
            "c3": [f"2024-02-0{n + 1}" for n in range(5)],
            "c4": [body] * 5,
            "c5": ["example.org", "example.net"] * 2 + ["example.org"],
        },
        dtype="string",
    )
    found = map_columns(frame)
    assert found.columns == {"url": "c2", "published": "c3", "body": "c4", "title": "c1", "source": "c5"}
    assert set(found.why.values()) == {"content"}


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("response.docs.headline.main", ["response", "docs", "headline", "main"]),
        ("Date Published", ["date", "published"]),
        ("pubDate", ["pub", "date"]),
        ("article_title", ["article", "title"]),
    ],
)
def test_name_tokens(name: str, tokens: list[str]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("values", "iso", "order"),
    [
        (["4/5/2017", "4/13/2017"], ["2017-04-05", "2017-04-13"], "month-first"),
        (["4/5/2017", "13/4/2017"], ["2017-05-04", "2017-04-13"], "day-first"),
        (["04.05.2017"], ["2017-05-04"], "day/month order undecided"),
        (["١٦/٧/٢٠٢٤"], ["2024-07-16"], "day-first"),
        (["1717740000", "1717740000000"], ["2024-06-07T06:00:00", "2024-06-07T06:00:00"], "unix time"),
        (["2024-01-05", ""], ["2024-01-05", ""], "ISO"),
        (["Fri, 07 Aug 2026 15:52:00 GMT"], ["Fri, 07 Aug 2026 15:52:00 GMT"], "month names"),
    ],
)
def test_date_order_from_the_whole_column(values: list[str], iso: list[str], order: str) -> None:
    text, note = normalize_dates(pd.Series(values, dtype="string"))
    assert text.tolist() == iso
    assert note.startswith(order)


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("WASHINGTON — The U. S. and Iran agreed to talk. More later.", "The U. S. and Iran agreed to talk."),
        (
            "TEL AVIV, Israel – Envoys arrived on Monday for talks. Then.",
            "Envoys arrived on Monday for talks.",
        ),
        (
            "TEHRAN, Aug. 13 (MNA) – The minister left for Oman today. Then.",
            "The minister left for Oman today.",
        ),
        ("Gen. Smith met envoys in Amman on Monday. He left.", "Gen. Smith met envoys in Amman on Monday."),
        ("US - Iran talks resume in Oman this week. Then.", "US - Iran talks resume in Oman this week."),
    ],
)
def test_first_sentence_skips_datelines_and_abbreviations(body: str, title: str) -> None:
    assert first_sentence(body) == title


@pytest.mark.parametrize(
    ("url", "title"),
    [
        (
            "https://example.org/2024/02/20/123/envoys-return-to-cairo-for-talks",
            "Envoys return to cairo for talks",
        ),
        ("https://example.org/news/oman-talks", ""),
        (None, ""),
    ],
)
def test_title_from_slug(url: str | None, title: str) -> None:
    assert title_from_slug(url) == title


@pytest.mark.parametrize(
    ("given", "outlet"),
    [
        ("bbc.co.uk", "BBC"),
        ("www.bbc.com", "BBC"),
        ("news.bbc.co.uk", "BBC"),
        ("https://www.npr.org/", "NPR"),
        ("example-gazete.com.tr", "example-gazete.com.tr"),
        ("Example Wire", "Example Wire"),
        ("FIGURES-2024.TSV", "FIGURES-2024.TSV"),
    ],
)
def test_outlet_names(given: str, outlet: str) -> None:
    assert outlet_name(given) == outlet


def test_registrable_domain_and_title_suffix() -> None:
    assert registrable_domain("www.saudigazette.com.sa") == "saudigazette.com.sa"
    assert registrable_domain("english.aawsat.com") == "aawsat.com"
    assert split_title_outlet("Talks resume - Example Post", "Example Post") == "Talks resume"
    assert split_title_outlet("Iran - Oman talks", "Example Post") == "Iran - Oman talks"


@pytest.mark.parametrize(
    ("body", "cleaned", "rules"),
    [
        ("Talks went on.  They resume Monday.", "Talks went on.\n\nThey resume Monday.", {}),
        ("Sign up for our daily newsletter here.\n\nTalks resumed.", "Talks resumed.", {"newsletter": 1}),
        ("Follow live: updates.\n\nTalks resumed.", "Talks resumed.", {"follow live": 1}),
        ("Listen to the testimony of a survivor.", "Listen to the testimony of a survivor.", {}),
        ("soft\u00adhyphen and zero\u200bwidth", "softhyphen and zerowidth", {}),
        ("<p>One</p><p>Two &amp; three</p>", "One\n\nTwo & three", {}),
        # Non-ASCII text with a rule ending in \b: the RE2 prefilter must still pick the row.
        ("Étude publiée.  Follow live: mises à jour.\n\nFin.", "Étude publiée.\n\nFin.", {"follow live": 1}),
        ("Ça <b>va</b> bien.", "Ça va bien.", {}),
    ],
)
def test_clean_bodies(body: str, cleaned: str, rules: dict[str, int]) -> None:
    text, removed = clean_bodies(pd.Series([body], dtype="string"))
    assert (text.tolist(), removed) == ([cleaned], rules)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(_zip({"big.csv": b"title,body\n" + b"a" * (20 * archives.MB)}))
    articles, problems, _ = read_file_report(path)
    assert articles == []
    assert "refused as a bomb" in problems[0].reason


def test_zip_with_too_many_members_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archives, "MAX_MEMBERS", 2)
    path = tmp_path / "many.zip"
    path.write_bytes(_zip({f"{n}.csv": b"title,body\nA,b\n" for n in range(3)}))
    assert read_file_report(path)[1][0].reason == "archive holds 3 files (limit 2)"


def test_gzip_member_is_read(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "day.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"title": "Envoys meet", "body": "Envoys met in Doha."}\n'))
    articles, problems, report = read_file_report(path)
    assert ([a.title for a in articles], problems, report.kind) == (["Envoys meet"], [], "gzip > jsonl")


def test_inspect_reads_the_head_of_a_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import loaders.inspect as inspect_module

    monkeypatch.setattr(inspect_module, "HEAD_BYTES", 1000)
    path = tmp_path / "large.csv"
    path.write_text("title,body\n" + "Envoys meet,Envoys met in Doha on Monday.\n" * 200, encoding="utf-8")
    report, problems, head_only = inspect_file(path)
    assert head_only and problems == []
    assert 0 < report.kept < 200
    lines = describe(report, problems, head_only)
    assert lines[0] == str(path)
    assert any(line.startswith("  title      <- 'title' (name)  e.g. Envoys meet") for line in lines)


def test_clean_bodies_changes_only_the_rows_that_need_it() -> None:
    bodies = pd.Series(["Plain text, déjà vu.", "Sign up for our weekly newsletter now.\n\nKept.", None])
    text, removed = clean_bodies(bodies)
    assert text.tolist() == ["Plain text, déjà vu.", "Kept.", ""]
    assert removed == {"newsletter": 1}


# Modules `python -m storage inspect` must not import: together about a second of its start.
NOT_FOR_INSPECT = (
    "polars",
    "duckdb",
    "feedparser",
    "ftfy",
    "loaders.fold",
    "loaders.entities",
    "storage.query",
)
LIST_MODULES = """
import runpy, sys
sys.argv = ["storage", "inspect", sys.argv[1], "--store", sys.argv[2]]
try:
    runpy.run_module("storage", run_name="__main__")
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_inspect_command_starts_without_the_ingest_libraries(tmp_path: Path) -> None:
    table = tmp_path / "talks.csv"
    table.write_text("title,body,date\nEnvoys meet,Envoys met in Muscat on the truce.,2024-11-25\n")
    run = subprocess.run(
        [sys.executable, "-c", LIST_MODULES, str(table), str(tmp_path / "store")],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "kind       csv" in run.stdout, run.stderr[-2000:]
    loaded = set(run.stderr.split())
    assert not loaded & set(NOT_FOR_INSPECT), sorted(loaded & set(NOT_FOR_INSPECT))
