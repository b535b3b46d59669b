"""Tables into articles: formats, column auto-mapping, list bodies, derived titles, problems."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from loaders.formats.tabular import (
    TableError,
    body_text,
    cell_list,
    decode_bytes,
    first_sentence,
    parse_list_repr,
    read_table,
)

DATA = Path(__file__).parents[2] / "data" / "loaders"
CORPORA = Path("/work/shared/corpora")


@pytest.mark.parametrize(
    ("name", "titles", "reasons"),
    [
        (
            "articles.csv",
            ["Kuwait Mediates Between Rival Yemeni Delegations", "Algeria Offers to Host Libya Dialogue"],
            ["1 row without text skipped"],
        ),
        (
            "articles.tsv",
            ["Morocco and Mauritania Open New Border Crossing", "Tunisia Recalls Envoy for Consultations"],
            [],
        ),
        ("articles_bom.csv", ["Iraq Hosts Regional Energy Forum"], []),
        ("articles_cp1252.csv", ["Beirut Café Talks Yield Draft Agreement"], []),
        ("articles_listrepr.csv", ["Amman Talks Focus on Aid Deliveries"], ["1 row without text skipped"]),
        ("mojibake.csv", ["Jordan’s Envoy Visits Damascus"], []),
        ("no_text_column.csv", [], ["no recognizable text column (columns: id, score, label)"]),
        (
            "bad_rows.csv",
            ["Envoys Meet in Muscat", "Envoys Meet in Manama"],
            ["line 3: expected 2 fields, saw 6"],
        ),
        (
            "articles_array.json",
            ["Kuwait Announces Aid Package for Syria", "Oman Welcomes Prisoner Exchange"],
            ["1 array item not an object, skipped"],
        ),
        (
            "articles_wrapped.json",
            ["Kuwait Announces Aid Package for Syria", "Oman Welcomes Prisoner Exchange"],
            [],
        ),
        ("malformed.json", [], ["line 3: malformed JSON (Expecting ',' delimiter)"]),
        (
            "articles.jsonl",
            [
                "Egypt and Sudan Discuss Nile Dam",
                "UAE Sends Field Hospital to Gaza",
                "Iran and Iraq Agree Pilgrim Arrangements",
            ],
            ["line 3: malformed JSON (Expecting ',' delimiter, column 25)"],
        ),
        (
            "untitled.csv",
            [
                "Oman said on Saturday that talks would resume next week.",
                "Regional envoys continued their consultations continued their consultations "
                "continued their consultations continued…",
            ],
            [],
        ),
    ],
)
def test_table_fixtures(name: str, titles: list[str], reasons: list[str]) -> None:
    articles, problems = read_table(DATA / name)
    assert [a.title for a in articles] == titles
    assert [p.reason for p in problems] == reasons
    assert all(p.path == str(DATA / name) for p in problems)


def test_csv_fields_are_mapped() -> None:
    first = read_table(DATA / "articles.csv")[0][0]
    assert first.body.startswith("Kuwait hosted two Yemeni delegations")
    assert first.published_meta == "2025-02-02"
    assert first.url == "https://example.org/news/2025/02/02/kuwait-yemen"
    assert first.source == "Example Wire"
    assert first.origin == f"{DATA / 'articles.csv'}:row 1"


def test_list_repr_body_and_captions() -> None:
    [article] = read_table(DATA / "articles_listrepr.csv")[0]
    assert article.body.split("\n\n") == [
        "Ministers met in Amman on Monday to discuss aid deliveries.",
        'A statement said the "next round" would follow.',
        "Officials said it's too early to judge.",
    ]
    assert article.captions == ["Ministers arrive in Amman."]
    # A full URL column wins over the relative href.
    assert article.url == "https://example.org/news/world-middle-east-1"
    assert article.source == "articles_listrepr.csv"


def test_json_list_body_and_alternative_names() -> None:
    first = read_table(DATA / "articles_array.json")[0][0]
    assert (
        first.body
        == "Kuwait announced a new aid package on Monday.\n\nThe package includes medical supplies."
    )
    assert (first.url, first.source) == ("https://example.org/k1", "Example Gulf News")
    assert first.published_meta == "2025-01-13T08:00:00Z"


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"title": "Source", "body": "Label"}, ("Example Wire", "Mapped body one.")),
        ({"BODY": "label"}, None),
    ],
)
def test_mapping_overrides(tmp_path: Path, mapping: dict[str, str], expected: tuple | None) -> None:
    path = tmp_path / "mapped.csv"
    path.write_text("source,label\nExample Wire,Mapped body one.\n", encoding="utf-8")
    articles, problems = read_table(path, mapping=mapping)
    if expected is None:
        assert problems[0].reason.startswith("unknown field 'BODY' in mapping")
    else:
        assert (articles[0].title, articles[0].body) == expected


def test_mapping_to_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "mapped.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    _, problems = read_table(path, mapping={"body": "story_text"})
    assert [p.reason for p in problems] == ["mapped column 'story_text' not found (columns: a, b)"]


def test_parquet_with_list_body_and_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "articles.parquet"
    pd.DataFrame(
        {
            "Title": ["Oman Hosts Talks", "Empty"],
            "body": [["Para one.", "Para two."], []],
            "published": pd.to_datetime(["2025-03-01 10:00", "2025-03-02 10:00"]),
            "image_captions": [["A caption. (AFP)"], []],
        }
    ).to_parquet(path)
    articles, problems = read_table(path)
    assert [(a.title, a.body, a.captions) for a in articles] == [
        ("Oman Hosts Talks", "Para one.\n\nPara two.", ["A caption. (AFP)"])
    ]
    assert articles[0].published_meta == "2025-03-01 10:00:00"
    assert [p.reason for p in problems] == ["1 row without text skipped"]


def test_damaged_parquet(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really parquet")
    articles, problems = read_table(path)
    assert articles == []
    assert problems[0].reason.startswith("parquet does not read:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("['a', \"b 'q'\", '']", ["a", "b 'q'"]),
        ('["json", "array"]', ["json", "array"]),
        ("[1, 2]", ["1", "2"]),
        ("[not python]", None),
        ("plain text", None),
        ("[" + "[" * 5000 + "]" * 5000 + "]", None),
        ("{'a': 1}", None),
    ],
)
def test_parse_list_repr(text: str, expected: list[str] | None) -> None:
    assert parse_list_repr(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("['p1', 'p2']", "p1\n\np2"),
        (["p1", " ", "p2"], "p1\n\np2"),
        (None, ""),
        (float("nan"), ""),
        ("  [brackets] in text  ", "[brackets] in text"),
    ],
)
def test_body_text(value: object, expected: str) -> None:
    assert body_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("['a', 'a', 'b']", ["a", "b"]), ("[]", []), ("one caption", ["one caption"]), (None, [])],
)
def test_cell_list(value: object, expected: list[str]) -> None:
    assert cell_list(value) == expected


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("Mr. Smith went to Amman. He met envoys.", "Mr. Smith went to Amman."),
        ("“Talks resumed,” officials said. More later.", "“Talks resumed,” officials said."),
        ("No full stop at all", "No full stop at all"),
        ("First paragraph\n\nSecond paragraph.", "First paragraph"),
        ("word " * 40, ("word " * 24).strip() + "…"),
    ],
)
def test_first_sentence(body: str, title: str) -> None:
    assert first_sentence(body) == title


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"plain ascii", "plain ascii"),
        ("\ufeffwith BOM é".encode(), "with BOM é"),
        ("utf-16 é".encode("utf-16"), "utf-16 é"),
        ("no BOM utf-16".encode("utf-16-le"), "no BOM utf-16"),
        ("café ‘quoted’".encode("cp1252"), "café ‘quoted’"),
        ("Jordanâ€™s envoy".encode(), "Jordan’s envoy"),
        ("São Paulo, Zürich".encode(), "São Paulo, Zürich"),
    ],
)
def test_decode_bytes(data: bytes, expected: str) -> None:
    assert decode_bytes(data) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (bytes(range(256)), "binary file (not text)"),
        (b"\x01\x02\x03\x04\x05\x06abc", "binary file (not text)"),
        (b"\x81\x8d\x8f\x90\x9d", "cannot decode text (tried UTF-8, UTF-16, cp1252)"),
    ],
)
def test_decode_bytes_refuses(data: bytes, reason: str) -> None:
    with pytest.raises(TableError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        decode_bytes(data)


def test_many_bad_lines_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text('{"body": "ok"}\n' + "{oops\n" * 50, encoding="utf-8")
    articles, problems = read_table(path)
    assert len(articles) == 1
    assert len(problems) == 21
    assert problems[-1].reason == "... and 30 more problems in this file"


@pytest.mark.skipif(not CORPORA.is_dir(), reason="shared corpora not present")
@pytest.mark.parametrize(
    "path", sorted(CORPORA.rglob("*.csv")) if CORPORA.is_dir() else [], ids=lambda p: p.name
)
def test_real_corpora_read_without_rejection(path: Path) -> None:
    articles, problems = read_table(path)
    assert len(articles) > 100
    assert all(p.reason.endswith("without text skipped") for p in problems)
    assert all(a.title and a.body and a.url for a in articles)
    assert not any(a.body.startswith("['") for a in articles)


def test_large_csv_reads_in_bulk(tmp_path: Path) -> None:
    """A guard against per-cell Python creeping back: 50k rows take well under a second."""
    import time

    path = tmp_path / "large.csv"
    rows = "".join(
        f'Envoys meet {n},"Envoys met on day {n}, officials said.",2025-01-01\n' for n in range(50_000)
    )
    path.write_text("title,body,date\n" + rows, encoding="utf-8")
    started = time.perf_counter()
    articles, problems = read_table(path)
    assert (len(articles), problems) == (50_000, [])
    assert articles[-1].origin.endswith(":row 50000")
    assert time.perf_counter() - started < 15  # loose: shared CI machines are slow
