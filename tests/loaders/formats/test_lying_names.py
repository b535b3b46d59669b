"""Archives under names that lie (gzip saved as .txt, a zip named .csv) are told by their bytes,
unpacked within the archive caps and read by content; a bomb under a text name is still refused."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from loaders.formats import archives
from loaders.formats.sniff import read_file_report

INTAKE = Path(__file__).parents[2] / "data" / "loaders" / "intake"


@pytest.mark.parametrize(
    ("name", "kind", "titles", "note"),
    [
        (
            "headlines_gzip.txt",
            "gzip > tsv (by content)",
            [
                "Harbour talks resume in the northern port",
                "Council members weigh a new crossing schedule",
                "Delegation leaves the capital after a week of meetings",
            ],
            "gzip data named .txt: unpacked and read by content",
        ),
        (
            "items_zip.csv",
            "zip > json",
            ["Envoy visits the river crossing", "Aid convoy reaches the market town"],
            "zip data named .csv: unpacked and read by content",
        ),
    ],
)
def test_archive_under_a_lying_name_is_read(name: str, kind: str, titles: list[str], note: str) -> None:
    articles, problems, report = read_file_report(INTAKE / name)
    assert problems == []
    assert [a.title for a in articles] == titles
    assert all(a.published_meta for a in articles)
    assert report.kind == kind
    assert note in report.notes


def test_gzip_bomb_named_txt_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(gzip.compress(b"title\tbody\n" + b"a" * (40 * archives.MB)))
    articles, problems, _ = read_file_report(path)
    assert articles == []
    assert len(problems) == 1 and "refused as a bomb" in problems[0].reason


def test_member_cap_holds_under_a_lying_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archives, "MAX_MEMBERS", 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(2):
            archive.writestr(f"{n}.csv", "title,body\nA,b\n")
    path = tmp_path / "export.tsv"
    path.write_bytes(buffer.getvalue())
    assert [p.reason for p in read_file_report(path)[1]] == ["archive holds 2 files (limit 1)"]


def test_office_document_is_a_problem_not_xml_junk(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    path = tmp_path / "coverage.xlsx"
    path.write_bytes(buffer.getvalue())
    articles, problems, _ = read_file_report(path)
    assert articles == []
    assert [p.reason for p in problems] == ["xlsx document (a zip of XML): export it as CSV or text first"]


def test_parquet_named_csv_is_read_as_parquet(tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "export.csv"
    body = "The harbour talks resumed on Monday after a pause of a week."
    pd.DataFrame({"title": ["Harbour talks resume"], "body": [body]}).to_parquet(path)
    articles, problems, report = read_file_report(path)
    assert ([a.title for a in articles], problems) == (["Harbour talks resume"], [])
    assert report.notes == ["Parquet data named .csv: read as Parquet"]
