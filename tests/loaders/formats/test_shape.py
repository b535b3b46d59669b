"""Header shapes: one fingerprint for one tool's exports, and a saved mapping read back in any spelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.formats import limits
from loaders.formats.shape import fingerprint, saved_mapping
from loaders.formats.sniff import read_file_report

DATA = Path(__file__).parents[2] / "data" / "loaders" / "preview"
MONDAY, TUESDAY, OTHER = (DATA / f"desk_export_{d}.csv" for d in ("monday", "tuesday", "other"))
SOURCE_FROM_KRANT = {"title": "Kop", "body": "Verhaal", "published": "Dag", "source": "Krant", "lead": ""}


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        (["Date Published", "Title"], ["title", "date_published"], True),
        (["datePublished", "Title"], ["DATE-PUBLISHED", " title "], True),
        (["Kop", "Verhaal", "Dag"], ["Verhaal", "Dag", "Kop"], True),  # order does not matter
        (["Kop", "Verhaal", "Dag"], ["Kop", "Verhaal", "Dag", "Krant"], False),  # a column more
        (["title", "body"], ["title", "text"], False),
        (["العنوان", "النص"], ["النص", "العنوان"], True),  # names without Latin tokens still count
        (["العنوان", "النص"], ["العنوان", "التاريخ"], False),
    ],
)
def test_a_header_shape_ignores_order_case_and_punctuation_only(
    one: list[str], other: list[str], same: bool
) -> None:
    assert (fingerprint(one) == fingerprint(other)) is same


def test_no_columns_have_no_shape() -> None:
    assert fingerprint([]) == ""


def test_the_report_holds_every_column_with_samples_even_when_nothing_maps(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("k1,k2,k3\n1,2,3\n4,5,6\n", encoding="utf-8")
    articles, problems, report = read_file_report(odd)
    assert not articles and "no recognizable text column" in problems[0].reason
    assert report.header == {"k1": ["1", "4"], "k2": ["2", "5"], "k3": ["3", "6"]}
    assert report.takes_mapping


def test_two_exports_of_one_tool_share_a_shape_and_another_does_not() -> None:
    shapes = [fingerprint(read_file_report(p)[2].header) for p in (MONDAY, TUESDAY, OTHER)]
    assert shapes[0] == shapes[1] != shapes[2]


def test_a_saved_mapping_is_spelled_as_the_new_file_spells_its_columns() -> None:
    remembered = {fingerprint(["Kop", "Verhaal", "Dag", "Krant", "Notitie"]): SOURCE_FROM_KRANT}
    found = saved_mapping(remembered, ["krant", "dag", "KOP", "notitie", "verhaal"])
    assert found == {"title": "KOP", "body": "verhaal", "published": "dag", "source": "krant", "lead": ""}
    assert saved_mapping(remembered, ["Kop", "Verhaal", "Dag"]) is None


def test_a_file_of_a_saved_shape_is_read_with_the_saved_mapping() -> None:
    remembered = {fingerprint(["Kop", "Verhaal", "Dag", "Krant", "Notitie"]): SOURCE_FROM_KRANT}
    guessed, _, plain = read_file_report(TUESDAY)
    articles, problems, report = read_file_report(TUESDAY, remembered=remembered)
    assert {a.source for a in guessed} == {"desk_export_tuesday.csv"}  # the guess misses "krant"
    assert not problems and [a.source for a in articles] == ["Harbor Post", "Gulf Ledger"]
    assert (plain.mapping_from, report.mapping_from) == ("", "saved")
    assert "your saved mapping" in str(report) and "source<-krant" in str(report)
    other, _, other_report = read_file_report(OTHER, remembered=remembered)  # another shape: guessed
    assert other_report.mapping_from == "" and other[0].source == "desk_export_other.csv"


def test_a_field_mapped_to_no_column_stays_empty_and_is_not_guessed() -> None:
    articles, problems, report = read_file_report(MONDAY, mapping={"body": "", "title": "Kop"})
    assert not problems and [a.body for a in articles] == ["", "", ""]
    assert "body" not in report.columns and report.mapping_from == "given"
    assert articles[0].title == "Envoys reopen the Aqaba port talks"


def test_every_piece_of_a_large_table_uses_the_saved_mapping_and_fills_the_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "PIECE_BYTES", 300)  # Monday's export read as several pieces
    remembered = {fingerprint(["Kop", "Verhaal", "Dag", "Krant", "Notitie"]): SOURCE_FROM_KRANT}
    articles, problems, report = read_file_report(MONDAY, remembered=remembered)
    assert not problems and [a.source for a in articles] == ["Gulf Ledger", "Harbor Post", "Gulf Ledger"]
    assert report.mapping_from == "saved" and report.columns["source"] == "Krant"
    assert (report.rows, report.kept) == (3, 3) and report.date_order
