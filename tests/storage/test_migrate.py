"""Migrate: a store an earlier layout wrote opens again after `python -m storage migrate`, with
the same articles, tags and version; a failed step leaves it as it was."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import duckdb
import pytest

from storage import migrate as migrate_module
from storage.__main__ import main
from storage.ingest import ingest
from storage.layout import DATABASE, SCHEMA_VERSION, StoreError, current_generation
from storage.query import Filters, Store

TERMS = "SELECT day, seq, h FROM story_terms"


def _terms(store: Path) -> list[tuple]:
    with contextlib.closing(duckdb.connect(str(current_generation(store) / DATABASE), read_only=True)) as con:
        return con.execute(TERMS).fetchall()


def _as_schema_7(source: Path, target: Path) -> Path:
    """A copy of a built store as schema 7 wrote it: story_terms (seq, h) in seq order."""
    shutil.copytree(source, target)
    with contextlib.closing(duckdb.connect(str(current_generation(target) / DATABASE))) as con:
        con.execute("CREATE TABLE old_terms AS SELECT seq, h FROM story_terms ORDER BY seq, h")
        con.execute("DROP TABLE story_terms")
        con.execute("ALTER TABLE old_terms RENAME TO story_terms")
        con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
        con.execute("CHECKPOINT")
    return target


@pytest.fixture
def old_store(sample_store: Path, tmp_path: Path) -> Path:
    return _as_schema_7(sample_store, tmp_path / "old")


def test_an_old_store_is_refused_with_the_way_out(old_store: Path) -> None:
    with pytest.raises(StoreError, match="python -m storage migrate"):
        Store(old_store)


def test_migrate_gives_the_store_this_layout_and_the_same_corpus(
    old_store: Path, sample_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "--store", str(old_store)]) == 0
    assert "schema version 7 -> 8" in capsys.readouterr().out
    migrated, original = Store(old_store), Store(sample_store)
    try:
        assert migrated.version == original.version  # shared links still open
        assert migrated.summary(Filters()) == original.summary(Filters())
        assert migrated.facets(Filters())["country"].equals(original.facets(Filters())["country"])
    finally:
        migrated.close()
        original.close()
    # The terms are the ones schema 8's ingests wrote, all in day order.
    assert sorted(_terms(old_store), key=repr) == sorted(_terms(sample_store), key=repr)
    days = [day for day, _seq, _h in _terms(old_store) if day is not None]
    assert days == sorted(days)
    assert main(["migrate", "--store", str(old_store)]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_a_failed_step_leaves_the_store_as_it_was(old_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    live = current_generation(old_store)

    def broken(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("DROP TABLE story_terms")
        raise RuntimeError("disk full")

    monkeypatch.setitem(migrate_module.STEPS, 7, broken)
    with pytest.raises(RuntimeError):
        migrate_module.migrate(old_store)
    assert current_generation(old_store) == live
    assert not list(old_store.glob(".building-*"))
    with contextlib.closing(duckdb.connect(str(live / DATABASE), read_only=True)) as con:
        assert con.execute("SELECT count(*) FROM story_terms").fetchall()[0][0] > 0


def test_a_layout_with_no_steps_is_still_refused(old_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with contextlib.closing(duckdb.connect(str(current_generation(old_store) / DATABASE))) as con:
        con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    assert main(["migrate", "--store", str(old_store)]) == 2
    assert "re-ingest" in capsys.readouterr().err


def test_ingest_onto_an_old_store_upgrades_it(old_store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Quillfeather envoys meet in Muscat\n\nQuillfeather mediators hosted envoys from Iran on 4 March 2025.\n",
        encoding="utf-8",
    )
    ingest([folder], old_store)
    store = Store(old_store)
    try:
        assert store.summary(Filters(search="Quillfeather")).articles == 1
    finally:
        store.close()
    with contextlib.closing(
        duckdb.connect(str(current_generation(old_store) / DATABASE), read_only=True)
    ) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [
            (str(SCHEMA_VERSION),)
        ]


def test_an_ingest_adding_nothing_reports_the_corpus_version(old_store: Path, tmp_path: Path) -> None:
    """The migrated generation's folder carries the layout's number; the version is the corpus's."""
    assert main(["migrate", "--store", str(old_store)]) == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    report = ingest([empty], old_store)
    store = Store(old_store)
    try:
        assert report.new_copies == 0
        assert report.version == store.version
    finally:
        store.close()
