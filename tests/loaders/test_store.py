"""Store: atomic generations, re-ingest is a no-op, crash leaves the old store, queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import store as store_module
from loaders.ingest import ingest
from loaders.pipeline import build_corpus, copies_from_raw
from loaders.query import Filters, Store
from loaders.store import current_generation, read_corpus, write_store
from tests.conftest import fixture_articles

DUMP = """Envoys Meet in Muscat to Discuss Shipping Lanes

Diplomats gather in Muscat, Oman, on 3 March 2025. (AFP)
Diplomats gather in Muscat, Oman, on 3 March 2025. (AFP)
TT

Envoys Meet in Muscat to Discuss Shipping Lanes

Diplomats gather in Muscat, Oman, on 3 March 2025. (AFP)
Diplomats gather in Muscat, Oman, on 3 March 2025. (AFP)

Omani mediators hosted envoys from Iran and the United States on Monday to discuss shipping.

The talks covered the safety of tankers passing through the Strait of Hormuz this season.
"""


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    corpus = build_corpus(copies_from_raw(fixture_articles()))
    write_store(corpus, tmp_path / "s")
    again = read_corpus(tmp_path / "s")
    assert again is not None
    assert sorted(again.copies["copy_key"]) == sorted(corpus.copies["copy_key"])
    assert sorted(again.articles["article_id"]) == sorted(corpus.articles["article_id"])


def test_reingest_is_a_no_op(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "dump.txt").write_text(DUMP, encoding="utf-8")
    first = ingest([tmp_path / "in"], tmp_path / "s")
    second = ingest([tmp_path / "in"], tmp_path / "s")
    assert first.articles_after == 1 and first.new_copies == 1
    assert second.new_copies == 0 and second.version == first.version


def test_copy_in_a_second_file_folds_in(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(DUMP, encoding="utf-8")
    ingest([tmp_path / "a.txt"], tmp_path / "s")
    report = ingest([tmp_path / "b.txt"], tmp_path / "s")
    assert report.articles_after == 1 and report.duplicates_folded == 1


def test_crash_mid_build_leaves_previous_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(DUMP, encoding="utf-8")
    ingest([tmp_path / "a.txt"], tmp_path / "s")
    before = current_generation(tmp_path / "s")

    def explode(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store_module, "_write_fulltext", explode)
    (tmp_path / "b.txt").write_text(DUMP.replace("Muscat", "Doha"), encoding="utf-8")
    with pytest.raises(OSError):
        ingest([tmp_path / "b.txt"], tmp_path / "s")
    assert current_generation(tmp_path / "s") == before
    assert Store(tmp_path / "s").summary(Filters()).articles == 1
    assert not list((tmp_path / "s").glob(".building-*"))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), 6),
        (Filters(countries=("LBN",)), 1),
        (Filters(countries=("JOR", "EGY"), countries_mode="all"), 1),
        (Filters(countries=("JOR", "EGY"), countries_mode="any"), 2),
        (Filters(topics=("refugees",)), 1),
        (Filters(search="Vienna"), 1),
        (Filters(search='"Rafah crossing"'), 1),
        (Filters(search="Vienna OR Cairo"), 2),
        (Filters(search="humanitarian -Rafah"), 1),
        (Filters(countries=("ZZZ",)), 0),
    ],
)
def test_query_counts(fixture_store: Path, filters: Filters, expected: int) -> None:
    assert Store(fixture_store).summary(filters).articles == expected


def test_facets_timeline_results_article(fixture_store: Path) -> None:
    store = Store(fixture_store)
    facets = store.facets(Filters())
    assert {"country", "topic", "person", "organization", "source"} <= set(facets)
    assert facets["source"]["count"].sum() == 6
    chart = store.timeline(Filters(), "month", "articles", "country", share=True)
    assert chart.undated == 1 and chart.denominator
    assert chart.frame["value"].between(0, 1).all()
    rows = store.results(Filters(), "oldest", 0, 3)
    assert list(rows["published"].dt.year) == [2022, 2023, 2024]
    opened = store.article(rows["article_id"].iloc[0])
    assert opened is not None and opened.row["body"]
    folded = store.results(Filters(countries=("LBN",)))
    assert int(folded["duplicates"].iloc[0]) == 1
    assert len(store.article(folded["article_id"].iloc[0]).copies) == 2
