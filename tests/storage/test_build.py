"""Store: atomic generations, re-ingest is a no-op, crash leaves the old store, queries."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from loaders.normalize import build_corpus, copies_from_raw
from storage import build
from storage import ingest as ingest_module
from storage.build import append_copies, read_corpus, write_store
from storage.ingest import ingest
from storage.layout import current_generation
from storage.query import Filters, Store
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

    monkeypatch.setattr(build.StoreBuilder, "finish", explode)
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


LONGER = DUMP + "".join(
    f"\nDelegation number {n} brought a written proposal on convoy escorts and insurance rates.\n"
    for n in range(4)
)


def _near_copy(dump: str) -> str:
    return dump + "\nThe envoys are expected to meet again next month in the same city, officials said.\n"


@pytest.mark.parametrize("split", [1, 3, 5])
def test_growing_in_steps_equals_one_build(tmp_path: Path, split: int) -> None:
    when = datetime(2026, 1, 2, tzinfo=UTC)
    copies = copies_from_raw(fixture_articles(), ingested_at=when)
    append_copies(tmp_path / "whole", [copies])
    append_copies(tmp_path / "steps", [copies.iloc[:split]])
    append_copies(tmp_path / "steps", [copies.iloc[split:]])
    whole, steps = read_corpus(tmp_path / "whole"), read_corpus(tmp_path / "steps")
    assert whole is not None and steps is not None
    pd.testing.assert_frame_equal(
        whole.articles.sort_values("article_id", ignore_index=True),
        steps.articles.sort_values("article_id", ignore_index=True),
    )
    assert Store(tmp_path / "whole").version == Store(tmp_path / "steps").version


def test_near_copy_in_a_later_ingest_folds_in(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(LONGER, encoding="utf-8")
    (tmp_path / "b.txt").write_text(_near_copy(LONGER), encoding="utf-8")
    ingest([tmp_path / "a.txt"], tmp_path / "s")
    report = ingest([tmp_path / "b.txt"], tmp_path / "s")
    assert report.new_copies == 1
    assert report.articles_after == 1 and report.duplicates_folded == 1
    store = Store(tmp_path / "s")
    # Either text finds the story: the folded copy is searchable too.
    assert store.summary(Filters(search="expected")).articles == 1


def test_ingest_appends_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(4):
        text = DUMP.replace("Muscat", f"Muscat{number}").replace("shipping", f"shipping lane {number}")
        (tmp_path / f"{number}.txt").write_text(text, encoding="utf-8")
    whole = ingest([tmp_path], tmp_path / "whole")
    seen: list[int] = []
    original = build.StoreBuilder.add

    def spy(self: build.StoreBuilder, copies: pd.DataFrame) -> build.Added:
        seen.append(len(copies))
        return original(self, copies)

    monkeypatch.setattr(ingest_module, "BATCH_ARTICLES", 1)
    monkeypatch.setattr(build.StoreBuilder, "add", spy)
    batched = ingest([tmp_path], tmp_path / "batched")
    assert seen == [1, 1, 1, 1]
    assert batched.articles_after == whole.articles_after == 4
    assert batched.version == whole.version


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    folders = []
    for writer in range(2):
        folder = tmp_path / f"in{writer}"
        folder.mkdir()
        for number in range(3):
            text = LONGER.replace("Muscat", f"Muscat{writer}{number}").replace(
                "convoy", f"convoy {writer}{number}"
            )
            (folder / f"{number}.txt").write_text(text, encoding="utf-8")
        folders.append(folder)
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda folder: ingest([folder], tmp_path / "s"), folders))
    assert sorted(r.new_copies for r in reports) == [3, 3]
    assert Store(tmp_path / "s").summary(Filters()).articles == 6


def test_store_hashed_by_another_polars_is_rehashed(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(LONGER, encoding="utf-8")
    ingest([tmp_path / "a.txt"], tmp_path / "s")
    database = current_generation(tmp_path / "s") / "corpus.duckdb"
    with duckdb.connect(str(database)) as con:  # as if written by an older polars
        con.execute("UPDATE meta SET value = 'polars-0.0' WHERE key = 'sentence_hash'")
        con.execute("UPDATE sentences SET h = h + 1")
    (tmp_path / "b.txt").write_text(_near_copy(LONGER), encoding="utf-8")
    report = ingest([tmp_path / "b.txt"], tmp_path / "s")
    assert report.articles_after == 1 and report.duplicates_folded == 1


def test_a_store_of_another_schema_is_refused_with_advice(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DUMP, encoding="utf-8")
    ingest([tmp_path / "a.txt"], tmp_path / "s")
    database = current_generation(tmp_path / "s") / "corpus.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with pytest.raises(build.StoreError, match="re-ingest"):
        Store(tmp_path / "s")
    with pytest.raises(build.StoreError, match="re-ingest"):
        ingest([tmp_path / "a.txt"], tmp_path / "s")


@pytest.mark.parametrize("primary_only", [False, True])
def test_facet_counts_agree_with_the_long_entity_table(fixture_store: Path, primary_only: bool) -> None:
    store = Store(fixture_store)
    shown = store.facets(Filters(primary_only=primary_only))
    truth = store._con.execute(
        "SELECT v.kind, v.value, count(*) FROM entities e JOIN entity_values v USING (value_id)"
        " WHERE e.is_primary OR NOT ? OR v.kind <> 'country' GROUP BY ALL",
        [primary_only],
    ).fetchall()
    for kind in ("country", "topic", "source"):
        expected = {value: n for k, value, n in truth if k == kind}
        assert dict(zip(shown[kind]["value"], shown[kind]["count"], strict=True)) == expected
    assert primary_only or shown["country"]["count"].sum() > 0
