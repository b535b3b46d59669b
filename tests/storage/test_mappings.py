"""Saved mappings beside the store: written atomically, read back, used by ingest and inspect."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from loaders.formats.shape import fingerprint
from storage.__main__ import main
from storage.ingest import ingest
from storage.mappings import MAPPINGS_FILE, forget, remember, saved_mappings
from storage.query import Filters, Store

DATA = Path(__file__).parents[1] / "data" / "loaders" / "preview"
MONDAY, TUESDAY = DATA / "desk_export_monday.csv", DATA / "desk_export_tuesday.csv"
COLUMNS = ["Kop", "Verhaal", "Notitie", "Dag", "Krant"]
SOURCE_FROM_KRANT = {"title": "Kop", "body": "Verhaal", "published": "Dag", "source": "Krant", "lead": ""}


def outlets(store: Path) -> set[str]:
    with contextlib.closing(Store(store)) as opened:
        return set(opened.facets(Filters())["source"]["value"])


def test_a_mapping_is_saved_by_header_shape_and_read_back(tmp_path: Path) -> None:
    shape = remember(tmp_path, COLUMNS, SOURCE_FROM_KRANT)
    assert shape == fingerprint(["krant", "dag", "KOP", "notitie", "verhaal"])
    assert saved_mappings(tmp_path) == {shape: SOURCE_FROM_KRANT}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".mappings.json")] == []  # no temp left
    remember(tmp_path, COLUMNS, {**SOURCE_FROM_KRANT, "source": ""})  # a new choice replaces the old
    assert saved_mappings(tmp_path)[shape]["source"] == ""
    forget(tmp_path, COLUMNS)
    assert saved_mappings(tmp_path) == {}


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"abc": "not a mapping"}'])
def test_a_damaged_mappings_file_counts_as_none(tmp_path: Path, content: str) -> None:
    (tmp_path / MAPPINGS_FILE).write_text(content, encoding="utf-8")
    assert saved_mappings(tmp_path) == {}


def test_a_store_without_the_file_has_no_saved_mappings(tmp_path: Path) -> None:
    assert saved_mappings(tmp_path / "never-built") == {}


def test_command_line_ingest_uses_the_saved_mapping_and_says_how_each_file_was_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "corpus"
    remember(store, COLUMNS, SOURCE_FROM_KRANT)
    assert main(["ingest", str(TUESDAY), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "how each file was read:" in out
    assert "desk_export_tuesday.csv: csv; 2 of 2 kept; mapping (your saved mapping)" in out
    assert "source<-krant" in out and "dates ISO year-month-day" in out
    assert outlets(store) == {"Gulf Ledger", "Harbor Post"}


def test_a_given_mapping_beats_the_saved_one(tmp_path: Path) -> None:
    store = tmp_path / "corpus"
    remember(store, COLUMNS, SOURCE_FROM_KRANT)
    report = ingest([MONDAY], store, mapping={"source": ""})  # --map source=  : no outlet column
    assert "mapping (chosen)" in report.read_as[0]
    assert outlets(store) == {"desk_export_monday.csv"}


def test_saved_mappings_can_come_from_the_served_store_into_a_session_copy(tmp_path: Path) -> None:
    served, copy = tmp_path / "served", tmp_path / "copy"
    remember(served, COLUMNS, SOURCE_FROM_KRANT)
    ingest([TUESDAY], copy, mappings_from=served)
    assert outlets(copy) == {"Gulf Ledger", "Harbor Post"}
    assert saved_mappings(copy) == {}


def test_inspect_says_when_it_uses_the_saved_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "corpus"
    assert main(["inspect", str(TUESDAY), "--store", str(store)]) == 0
    assert "using your saved mapping" not in capsys.readouterr().out
    remember(store, COLUMNS, SOURCE_FROM_KRANT)
    assert main(["inspect", str(TUESDAY), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "using your saved mapping" in out and "source     <- 'krant' (given)" in out
