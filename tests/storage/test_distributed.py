"""Ingest on a Dask cluster writes the same Parquet dataset as the single-process path."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from benchmarks.generate import dump_text, write_corpus

distributed = pytest.importorskip("dask.distributed")

from loaders.normalize import build_corpus, copies_from_raw, read_paths  # noqa: E402
from storage.__main__ import main as loaders_main  # noqa: E402
from storage.distributed import file_groups, ingest_distributed  # noqa: E402
from storage.distributed import main as distributed_main  # noqa: E402
from storage.ingest import ingest  # noqa: E402
from storage.parquet import read_parquet, write_parquet  # noqa: E402

INGESTED_AT = datetime(2025, 3, 1, 12, 30, 15, tzinfo=UTC)
GENERATED_ARTICLES = 260  # two dump files: 200 + 60 articles

TALKS = (
    "Omani mediators in Muscat hosted indirect talks between Iran and the United States on Monday. "
    "Diplomats said the talks on sanctions relief would continue next week in Muscat."
)
PORT = (
    "Port officials in Aqaba said shipping through the Red Sea recovered in March 2024. "
    "Jordanian officials expect traffic to keep rising as insurance costs fall."
)
SUMMIT = (
    "Arab League foreign ministers met in Cairo on 12 May 2023 to prepare the summit in Jeddah. "
    "Egyptian and Saudi officials said Syria's return to the league would be on the agenda."
)


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["title", "body", "published", "url", "source"])
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated dumps, and hand-written CSV, JSONL and dump files for what a split can get wrong."""
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(GENERATED_ARTICLES, root / "generated", seed=5, formats=("dump",))
    talks = {"title": "Iran and US resume talks in Muscat", "body": TALKS, "published": "2024-05-06"}
    port = {"title": "Red Sea shipping recovers", "body": PORT, "published": "", "url": "", "source": ""}
    # The same file name and row under two folders is one copy in a single pass: one here too.
    for desk in ("desk-a", "desk-b"):
        _write_csv(root / "wires" / desk / "wire.csv", [{**talks, "url": "", "source": "Gulf Ledger"}, port])
    # The talks again, undated, in a dump file read by another task: folded into the dated copy.
    (root / "wires" / "zz-page.txt").write_text(dump_text({**talks, "captions": []}), encoding="utf-8")
    summit = {
        "title": "Arab ministers prepare Jeddah summit",
        "body": SUMMIT,
        "url": "https://levant.example/summit",
    }
    (root / "wires" / "feed.jsonl").write_text(json.dumps(summit) + "\n", encoding="utf-8")
    (root / "wires" / "broken.json").write_text("{not json", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    # Threads in this process: starts in well under a second; the CLI test covers processes.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def single(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The single-process path with the same ingested_at, written by storage.parquet."""
    raws, _, _ = read_paths([corpus])
    articles = build_corpus(copies_from_raw(raws, ingested_at=INGESTED_AT)).articles
    return write_parquet(articles, tmp_path_factory.mktemp("single") / "dataset")


def _partitions(dataset: Path) -> dict[str, pd.DataFrame]:
    """Each month folder's rows, read on their own and sorted by article_id."""
    return {
        folder.name: pq.read_table(folder).to_pandas().sort_values("article_id", ignore_index=True)
        for folder in sorted(dataset.iterdir())
    }


def _assert_same_dataset(got: Path, expected: Path) -> None:
    pd.testing.assert_frame_equal(read_parquet(got), read_parquet(expected), check_exact=True)
    mine, theirs = _partitions(got), _partitions(expected)
    assert mine.keys() == theirs.keys()
    for month, rows in theirs.items():
        pd.testing.assert_frame_equal(mine[month], rows, check_exact=True, obj=month)


@pytest.mark.parametrize("per_task", [1, 3])
def test_same_rows_as_single_process(
    corpus: Path, single: Path, client: distributed.Client, tmp_path: Path, per_task: int
) -> None:
    report = ingest_distributed([corpus], tmp_path / "d", client, ingested_at=INGESTED_AT, per_task=per_task)
    _assert_same_dataset(tmp_path / "d", single)
    assert report.tasks == len(file_groups([corpus], per_task))
    assert report.articles == len(read_parquet(single)) > GENERATED_ARTICLES / 2
    assert [p.path for p in report.problems] == [str(corpus / "wires" / "broken.json")]


def test_the_corpus_exercises_the_split(corpus: Path, single: Path) -> None:
    """The fixture holds what a careless split gets wrong, and one pass builds it the same way
    every time (a corpus where it does not cannot be compared row for row)."""
    articles = read_parquet(single)
    assert len(list(single.iterdir())) > 5 and (single / "month=undated").is_dir()
    talks = articles[articles["title"] == "Iran and US resume talks in Muscat"]
    assert len(talks) == 1 and talks["duplicates"].iloc[0] == 1  # the two desks' copy once, the page folded
    assert talks["source"].iloc[0] == "Gulf Ledger" and talks["published"].iloc[0] == pd.Timestamp(
        "2024-05-06"
    )
    assert articles["date_source"].isin(["dateline", "body"]).any()  # dated from text, per file
    raws, _, _ = read_paths([corpus])
    again = build_corpus(copies_from_raw(raws, ingested_at=INGESTED_AT)).articles
    pd.testing.assert_frame_equal(
        again.sort_values("article_id", ignore_index=True), articles, check_exact=True
    )


def test_same_as_export_of_an_ingested_store(
    corpus: Path, client: distributed.Client, tmp_path: Path
) -> None:
    """Against `python -m storage ingest` then `export-parquet`: equal but for the ingest time."""
    ingest([corpus], tmp_path / "store")
    assert (
        loaders_main(["export-parquet", str(tmp_path / "exported"), "--store", str(tmp_path / "store")]) == 0
    )
    ingest_distributed([corpus], tmp_path / "d", client, ingested_at=INGESTED_AT)
    got, expected = read_parquet(tmp_path / "d"), read_parquet(tmp_path / "exported")
    when = "ingested_at"
    pd.testing.assert_frame_equal(got.drop(columns=when), expected.drop(columns=when), check_exact=True)
    assert (got["ingested_at"] == pd.Timestamp(INGESTED_AT)).all()


def test_nothing_readable_writes_nothing(client: distributed.Client, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.json").write_text("[", encoding="utf-8")
    report = ingest_distributed([tmp_path / "in"], tmp_path / "d", client, ingested_at=INGESTED_AT)
    assert report.articles == 0 and len(report.problems) == 1
    assert not (tmp_path / "d").exists()
    assert "nothing to write" in report.lines()[-1]


def test_cli_on_worker_processes(corpus: Path, single: Path, tmp_path: Path, capsys) -> None:
    args = [
        str(corpus),
        "--out",
        str(tmp_path / "d"),
        "--workers",
        "2",
        "--ingested-at",
        "2025-03-01T12:30:15",
    ]
    assert distributed_main(args) == 0
    assert f"dataset: {tmp_path / 'd'}" in capsys.readouterr().out
    _assert_same_dataset(tmp_path / "d", single)
