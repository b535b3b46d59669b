"""The month-partitioned Parquet dataset round-trips the article table exactly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.normalize import build_corpus, copies_from_raw
from storage.__main__ import main
from storage.build import read_corpus
from storage.parquet import export_store, read_parquet, write_parquet
from tests.conftest import fixture_articles


def test_round_trip(tmp_path: Path) -> None:
    articles = build_corpus(copies_from_raw(fixture_articles())).articles
    out = write_parquet(articles, tmp_path / "dataset")
    months = sorted(p.name for p in out.iterdir())
    assert "month=undated" in months and "month=2024-11" in months
    back = read_parquet(out)
    expected = articles.sort_values("article_id", ignore_index=True)
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_rewrite_replaces_the_dataset(tmp_path: Path) -> None:
    articles = build_corpus(copies_from_raw(fixture_articles())).articles
    write_parquet(articles, tmp_path / "d")
    write_parquet(articles.head(2), tmp_path / "d")
    assert len(read_parquet(tmp_path / "d")) == 2


def test_cli_exports_a_store(fixture_store: Path, tmp_path: Path, capsys) -> None:
    assert main(["export-parquet", str(tmp_path / "out"), "--store", str(fixture_store)]) == 0
    assert "wrote 6 articles" in capsys.readouterr().out
    assert len(read_parquet(tmp_path / "out")) == 6


def test_streamed_export_equals_the_in_memory_one(fixture_store: Path, tmp_path: Path) -> None:
    corpus = read_corpus(fixture_store)
    assert corpus is not None
    streamed = (
        read_parquet(tmp_path / "streamed") if export_store(fixture_store, tmp_path / "streamed") else None
    )
    in_memory = read_parquet(write_parquet(corpus.articles, tmp_path / "in-memory"))
    pd.testing.assert_frame_equal(streamed, in_memory)
    assert sorted(p.name for p in (tmp_path / "streamed").iterdir()) == sorted(
        p.name for p in (tmp_path / "in-memory").iterdir()
    )


def test_odd_folder_name_is_written_where_asked(fixture_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "it's a 'dataset'"
    assert export_store(fixture_store, out) == 6
    assert len(read_parquet(out)) == 6


def test_nothing_to_write_is_an_empty_dataset(tmp_path: Path) -> None:
    corpus = build_corpus(copies_from_raw([]))
    assert corpus.articles.empty and corpus.copies.empty
    back = read_parquet(write_parquet(corpus.articles, tmp_path / "empty"))
    assert back.empty and list(back.columns) == list(corpus.articles.columns)
