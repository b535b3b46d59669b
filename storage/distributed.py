"""Ingest on a Dask cluster: files are read and dated on workers, then tagged and folded once.

Ingest is a map over files (read -> dated, identified copies; independent per file) followed by
one reduce (build_corpus: drop repeated copies, tag each text, fold near-duplicates). The map runs
on any number of Dask workers; the reduce runs where the client runs. The result is written as
the same month-partitioned Parquet dataset `python -m storage export-parquet` writes.

Tagging stays in the reduce: build_corpus tags every text it folds and does not take tags it is
handed, so tags made on the workers would be thrown away (see the README's section on Dask).

    python -m storage.distributed PATH... --out DIR [--workers N | --scheduler tcp://HOST:8786]

With --scheduler, the workers read the paths themselves: give paths every worker can see
(shared storage mounted at the same place).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from loaders.fold import Corpus
from loaders.formats.sniff import iter_input_files
from loaders.normalize import build_corpus, column_mapping, copies_from_raw, read_paths
from loaders.schema import Problem, empty_articles
from storage.parquet import write_parquet

if TYPE_CHECKING:  # dask is a batch dependency, not one the app installs
    from dask.distributed import Client

# Files handed to one task: enough to amortize the scheduler's per-task cost, few enough that
# a handful of large files still spread over the workers.
FILES_PER_TASK = 4


@dataclass
class FileCopies:
    """What one map task returns: the dated copies of its files, and what could not be read."""

    copies: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    parsed: int = 0


@dataclass
class DistributedReport:
    """What a distributed ingest did, for the summary a person reads."""

    files: int
    tasks: int
    parsed: int
    articles: int
    duplicates_folded: int
    undated: int
    map_seconds: float
    fold_seconds: float
    out: Path
    problems: list[Problem]

    def lines(self) -> list[str]:
        """The summary printed by the command line."""
        return [
            f"files read: {self.files} in {self.tasks} tasks ({self.map_seconds:.1f} s on the workers)",
            f"articles parsed: {self.parsed}",
            f"articles written: {self.articles} (fold: {self.fold_seconds:.1f} s)",
            f"duplicates folded: {self.duplicates_folded}",
            f"articles without a date: {self.undated}",
            f"files with problems: {len({p.path for p in self.problems})}",
            *[f"  {problem}" for problem in self.problems],
            f"dataset: {self.out}" if self.articles else "dataset: nothing to write, no article was read",
        ]


def file_groups(paths: Iterable[str | Path], per_task: int = FILES_PER_TASK) -> list[list[str]]:
    """The input files in ingest order, cut into consecutive groups of per_task."""
    files = [str(path) for path in iter_input_files(paths)]
    return [files[start : start + per_task] for start in range(0, len(files), per_task)]


def read_files(
    paths: Sequence[str],
    ingested_at: datetime,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
) -> FileCopies:
    """The map step, run on a worker: read, date and identify the articles of a few files."""
    raws, problems, files = read_paths(paths, mapping=mapping, source=source)
    return FileCopies(copies_from_raw(raws, ingested_at=ingested_at), problems, files, len(raws))


def fold_copies(parts: Sequence[FileCopies]) -> Corpus | None:
    """The reduce step: the corpus a single-process ingest of the same files (in order) builds;
    None when no file held an article."""
    copies = [part.copies for part in parts if len(part.copies)]
    if not copies:
        return None
    # In file order, as one pass reads them; the same file name and row under two folders is one
    # copy, and a single pass keeps the first.
    return build_corpus(pd.concat(copies, ignore_index=True).drop_duplicates("copy_key", ignore_index=True))


def ingest_distributed(
    paths: Iterable[str | Path],
    out: Path,
    client: Client,
    *,
    ingested_at: datetime | None = None,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    per_task: int = FILES_PER_TASK,
) -> DistributedReport:
    """Read and date the files on the client's cluster; tag, fold and write the dataset here."""
    # One timestamp for every task: workers' clocks and start times must not split a batch.
    ingested_at = ingested_at or datetime.now(UTC)
    groups = file_groups(paths, per_task)
    started = time.perf_counter()
    futures = client.map(
        read_files, groups, ingested_at=ingested_at, mapping=mapping, source=source, pure=False
    )
    parts: list[FileCopies] = client.gather(futures)
    mapped = time.perf_counter()
    corpus = fold_copies(parts)
    articles = corpus.articles if corpus is not None else empty_articles()
    if len(articles):  # an empty dataset has no partition to write; out is left as it was
        write_parquet(articles, out)
    return DistributedReport(
        files=sum(part.files for part in parts),
        tasks=len(groups),
        parsed=sum(part.parsed for part in parts),
        articles=len(articles),
        duplicates_folded=int(articles["duplicates"].sum()),
        undated=int(articles["published"].isna().sum()),
        map_seconds=mapped - started,
        fold_seconds=time.perf_counter() - mapped,
        out=out,
        problems=[problem for part in parts for problem in part.problems],
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: start a local cluster (or join one), ingest, write the dataset."""
    from dask.distributed import Client, LocalCluster

    args = _parser().parse_args(argv)
    mapping = column_mapping(args.map)
    options = {"ingested_at": args.ingested_at, "mapping": mapping, "source": args.source}
    if args.scheduler:
        with Client(args.scheduler) as client:
            report = ingest_distributed(args.paths, args.out, client, per_task=args.files_per_task, **options)
    else:
        # Worker processes, one thread each: parsing and dating hold the GIL. ":0": any free
        # port for the dashboard (the default 8787 may belong to another cluster).
        with (
            LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=":0") as cluster,
            Client(cluster) as client,
        ):
            report = ingest_distributed(args.paths, args.out, client, per_task=args.files_per_task, **options)
    print("\n".join(report.lines()))
    return 0 if report.articles else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m storage.distributed", description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="Parquet dataset folder (replaced)")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes")
    parser.add_argument("--scheduler", default=None, help="address of a running Dask scheduler")
    parser.add_argument("--files-per-task", type=int, default=FILES_PER_TASK)
    parser.add_argument("--ingested-at", type=_timestamp, default=None, help="ISO time (default: now)")
    parser.add_argument("--source", default=None, help="publisher to record for every article read")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN")
    return parser


def _timestamp(text: str) -> datetime:
    """An ISO time; one without a zone is taken as UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


if __name__ == "__main__":
    sys.exit(main())
