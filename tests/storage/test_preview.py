"""The upload preview in a child process, and the chosen mapping carried into the child's ingest."""

from __future__ import annotations

import contextlib
from pathlib import Path

from storage.mappings import remember
from storage.preview import preview_uploads
from storage.query import Filters, Store
from storage.worker import Limits, run_ingest

DATA = Path(__file__).parents[1] / "data" / "loaders" / "preview"
MONDAY, TUESDAY = DATA / "desk_export_monday.csv", DATA / "desk_export_tuesday.csv"
GENEROUS = Limits(memory_mb=3000, address_space_mb=8000, cpu_seconds=300)


def upload(path: Path) -> tuple[str, bytes]:
    return path.name, path.read_bytes()


def test_the_preview_says_how_each_file_would_read_and_stores_nothing(tmp_path: Path) -> None:
    store = tmp_path / "corpus"
    bad = ("notes.txt", b"\x00\x01\x02 binary \xff\xfe")
    monday, broken = preview_uploads([upload(MONDAY), bad], store)
    assert (monday.name, monday.kind, monday.kept, monday.rows) == ("desk_export_monday.csv", "csv", 3, 3)
    assert monday.columns["title"] == "Kop" and "source" not in monday.columns
    assert monday.samples("Krant") == ["Gulf Ledger", "Harbor Post", "Gulf Ledger"]
    assert monday.date_order.startswith("ISO") and monday.takes_mapping and monday.shape
    assert broken.problems and not broken.readable
    assert not store.exists()


def test_a_changed_field_makes_a_full_mapping_and_an_unchanged_one_none(tmp_path: Path) -> None:
    [monday] = preview_uploads([upload(MONDAY)], tmp_path)
    assert monday.mapping_with({"title": "Kop", "body": "Verhaal"}) is None
    mapping = monday.mapping_with({"source": "Krant", "lead": None})
    assert mapping is not None and mapping["source"] == "Krant" and mapping["title"] == "Kop"
    assert mapping["lead"] == "" and set(mapping) >= {"url", "language", "captions"}


def test_the_child_ingest_uses_the_chosen_mapping_and_names_files_as_uploaded(tmp_path: Path) -> None:
    store = tmp_path / "corpus"
    [monday] = preview_uploads([upload(MONDAY)], store)
    chosen = monday.mapping_with({"source": "Krant"})
    report = run_ingest([upload(MONDAY)], store, mappings=[chosen], limits=GENEROUS)
    assert report.read_as[0].startswith("desk_export_monday.csv: csv; 3 of 3 kept; mapping (chosen)")
    with contextlib.closing(Store(store)) as opened:
        assert set(opened.facets(Filters())["source"]["value"]) == {"Gulf Ledger", "Harbor Post"}


def test_the_preview_uses_the_saved_mapping_of_its_store(tmp_path: Path) -> None:
    store = tmp_path / "corpus"
    remember(store, ["Kop", "Verhaal", "Notitie", "Dag", "Krant"], {"source": "Krant", "title": "Kop"})
    [tuesday] = preview_uploads([upload(TUESDAY)], store)
    assert tuesday.mapping_from == "saved" and tuesday.columns["source"] == "krant"
