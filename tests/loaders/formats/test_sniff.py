"""Finding input files and dispatching each to its reader; every failure is a Problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.formats import sniff as files
from loaders.formats.sniff import iter_input_files, read_file

DATA = Path(__file__).parents[2] / "data" / "loaders"


@pytest.mark.parametrize(
    ("name", "count", "reasons"),
    [
        ("dump_normal.txt", 2, []),
        ("dump_utf16.txt", 2, []),
        ("articles.csv", 2, ["1 row without text skipped"]),
        ("articles.tsv", 2, []),
        ("articles_cp1252.csv", 1, []),
        ("articles.jsonl", 3, ["line 3: malformed JSON (Expecting ',' delimiter, column 25)"]),
        ("articles_wrapped.json", 2, []),
        ("feed.rss", 2, []),
        ("feed.atom", 2, []),
        ("feed_saved_as.txt", 2, []),
        ("empty.txt", 0, ["empty file"]),
        ("blank_lines.txt", 0, ["empty file"]),
        ("binary.dat", 0, ["binary file (not text)"]),
        ("compressed.txt", 2, []),  # gzip named .txt: told by its bytes, unpacked, read
        ("no_text_column.csv", 0, ["no recognizable text column (columns: id, score, label)"]),
        ("broken.rss", 0, ["feed does not parse: <unknown>:2:74: unclosed token"]),
        ("entity_bomb.xml", 0, ["feed declares XML entities (<!ENTITY): refused as unsafe"]),
        ("missing.txt", 0, ["no such file"]),
    ],
)
def test_read_file_dispatch(name: str, count: int, reasons: list[str]) -> None:
    articles, problems = read_file(DATA / name)
    assert len(articles) == count
    assert [p.reason for p in problems] == reasons
    assert all(p.path == str(DATA / name) for p in problems)


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("dump_normal.txt", "Asharq Al-Awsat"),
        ("articles.csv", "Example Wire"),
        ("articles.tsv", "articles.tsv"),
        ("feed.rss", "Example Regional Desk"),
    ],
)
def test_default_sources(name: str, source: str) -> None:
    assert {a.source for a in read_file(DATA / name)[0]} == {source}


@pytest.mark.parametrize("name", ["dump_normal.txt", "articles.csv", "feed.atom"])
def test_source_override(name: str) -> None:
    articles, _ = read_file(DATA / name, source="Analyst Upload")
    assert articles
    assert {a.source for a in articles} == {"Analyst Upload"}


def test_mapping_reaches_tables(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("heading,words\nEnvoys Meet,Envoys met on Monday.\n", encoding="utf-8")
    articles, problems = read_file(path, mapping={"title": "heading", "body": "words"})
    assert [(a.title, a.body) for a in articles] == [("Envoys Meet", "Envoys met on Monday.")]
    assert problems == []


def test_parquet_dispatch(tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "a.parquet"
    pd.DataFrame({"headline": ["Envoys Meet"], "text": ["Envoys met."]}).to_parquet(path)
    assert [a.title for a in read_file(path)[0]] == ["Envoys Meet"]


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_FILE_BYTES", files.MB)
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(2 * files.MB)  # sparse: no need to write the bytes
    assert [p.reason for p in read_file(path)[1]] == ["file too large (2.0 MB > limit 1 MB)"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        # Told by the bytes, whatever the name: a damaged zip or Parquet file says so.
        (b"PK\x03\x04rest", "damaged zip archive (File is not a zip file)"),
        (b"BZh91AY&SY", "bzip2-compressed data named .csv: decompress it first"),
    ],
)
def test_containers_are_named(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    assert [p.reason for p in read_file(path)[1]] == [reason]


def test_folder_is_a_problem(tmp_path: Path) -> None:
    assert [p.reason for p in read_file(tmp_path)[1]] == ["is a folder, not a file"]


def test_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(text: str, origin: str) -> list:
        raise RuntimeError("boom")

    monkeypatch.setattr(files, "parse_dump", explode)
    articles, problems = read_file(DATA / "dump_normal.txt")
    assert articles == []
    assert [p.reason for p in problems] == ["unexpected error: RuntimeError: boom"]


def test_text_without_articles(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Just a heading\n", encoding="utf-8")
    assert read_file(path)[1][0].reason.startswith("no articles found")


def test_iter_input_files(tmp_path: Path) -> None:
    for rel in [
        "b.csv",
        "a.txt",
        "sub/c.json",
        "sub/deeper/d.rss",
        ".DS_Store",
        ".git/config",
        "sub/.hidden.txt",
        "README.md",
        "__MACOSX/a.txt",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    single = tmp_path / "sub" / "c.json"
    found = list(iter_input_files([tmp_path, str(single), tmp_path / "absent.txt"]))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.txt",
        "b.csv",
        "sub/c.json",
        "sub/deeper/d.rss",
        "sub/c.json",
        "absent.txt",
    ]
