"""Every DuckDB, SQLite or file error at the Store boundary is one StoreError naming the part."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from storage.layout import StoreError, current_generation
from storage.query import Filters, Store


@pytest.fixture
def copy(fixture_store: Path, tmp_path: Path) -> Path:
    """A private copy of the fixture store, free to damage (DuckDB caches open files by path)."""
    target = tmp_path / "corpus"
    shutil.copytree(fixture_store, target)
    return target


def test_a_corrupt_fulltext_index_is_a_store_error(copy: Path) -> None:
    fulltext = current_generation(copy) / "fulltext.sqlite"
    fulltext.write_bytes(fulltext.read_bytes()[:4096] + b"\xff" * 8192)
    store = Store(copy)
    assert store.summary(Filters()).articles == 6  # what needs no search still answers
    with pytest.raises(StoreError, match="full-text index cannot be read"):
        store.summary(Filters(search="ceasefire"))


def test_a_missing_fulltext_index_is_a_store_error_not_zero_hits(copy: Path) -> None:
    (current_generation(copy) / "fulltext.sqlite").unlink()
    with pytest.raises(StoreError, match="full-text index"):
        Store(copy).results(Filters(search="ceasefire"))


@pytest.mark.parametrize("content", [b"", b"not a database", b"\x00" * 8192])
def test_a_corrupt_database_is_a_store_error(copy: Path, content: bytes) -> None:
    (current_generation(copy) / "corpus.duckdb").write_bytes(content)
    with pytest.raises(StoreError, match="database cannot be read") as raised:
        Store(copy)
    assert str(copy) not in str(raised.value)
