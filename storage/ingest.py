"""Add files to a store: read, fold into what it holds, write a new generation, swap."""

from __future__ import annotations

import contextlib
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from loaders.formats.sniff import iter_input_files, read_file_report
from loaders.normalize import Progress, copies_from_raw
from loaders.schema import Problem, RawArticle
from storage.build import append_copies
from storage.layout import copy_generation, current_generation, point_to
from storage.mappings import saved_mappings
from storage.migrate import migrate
from storage.query import Filters, Store

# Articles read before a batch is appended to the store: bounds ingest memory.
BATCH_ARTICLES = 20_000
# Characters of text a batch may hold: 20,000 bodies of 10 KB each would be 200 MB, copied
# several times over by dating, hashing and the fold.
BATCH_CHARS = 40_000_000
# Files whose "how it was read" line the summary lists; a folder of thousands lists the first.
MAX_READ_AS_LINES = 50


@dataclass
class IngestReport:
    """What one ingest did, in the words of its summary."""

    files: int = 0
    parsed: int = 0
    new_copies: int = 0
    articles_before: int = 0
    articles_after: int = 0
    duplicates_folded: int = 0
    undated: int = 0
    # Why dates stayed empty: a relative date ("3 days ago") with nothing to count back from.
    undated_reasons: Counter[str] = field(default_factory=Counter)
    version: str = ""
    problems: list[Problem] = field(default_factory=list)
    read_as: list[str] = field(default_factory=list)  # per file: "name: how it was read"

    def lines(self) -> list[str]:
        """The summary a person reads after an ingest."""
        rejected = sorted({p.path for p in self.problems})
        out = [
            f"files read: {self.files}",
            f"articles parsed: {self.parsed} ({self.new_copies} not in the store before)",
            f"articles in store: {self.articles_before} -> {self.articles_after}",
            f"duplicates folded: {self.duplicates_folded}",
            f"articles without a date: {self.undated}",
            *(f"  {n} with a {why}" for why, n in self.undated_reasons.items()),
            f"files with problems: {len(rejected)}",
        ]
        out += [f"  {problem}" for problem in self.problems]
        out += ["how each file was read:", *(f"  {line}" for line in self.read_as[:MAX_READ_AS_LINES])]
        if len(self.read_as) > MAX_READ_AS_LINES:
            out.append(f"  and {len(self.read_as) - MAX_READ_AS_LINES} more files")
        out.append(f"store version: {self.version}")
        return out


def ingest(
    paths: Iterable[str | Path],
    store: Path,
    *,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    progress: Progress | None = None,
    file_mappings: dict[str, dict[str, str]] | None = None,
    mappings_from: Path | None = None,
    as_of: datetime | None = None,
) -> IngestReport:
    """Add the articles under paths to the store; the old store stays intact if anything fails.
    as_of: the time relative dates ("12 hours ago") count back from, when a row has no crawl time.

    A file's mapping is its entry in `file_mappings` (by file name: the upload preview's choice),
    else `mapping` (--map), else the saved mapping for its header shape (those kept beside
    `mappings_from`, default the store: a session's copy reads the served store's), else the guess.
    Files are read and appended in batches of about BATCH_ARTICLES articles, so memory follows
    the batch (and the largest file), never the size of the archive.
    """
    if current_generation(store) is not None:
        migrate(store)  # a store an earlier layout wrote is upgraded first (a no-op when current)
    report = IngestReport(articles_before=_articles_in(store))
    remembered = saved_mappings(mappings_from or store)
    ingested_at = datetime.now(UTC)
    allowances: dict[str, list[int]] = {}  # each file's dateparser calls, across its batches
    dating = {"as_of": as_of, "undated_reasons": report.undated_reasons}

    def batches() -> Iterator[pd.DataFrame]:
        pending: list[RawArticle] = []
        files = list(iter_input_files(paths))
        report.files = len(files)
        for number, path in enumerate(files, start=1):
            chosen = (file_mappings or {}).get(path.name, mapping)
            found, trouble, how = read_file_report(path, mapping=chosen, source=source, remembered=remembered)
            report.read_as.append(f"{path.name}: {how}")
            pending.extend(found)
            report.parsed += len(found)
            report.problems.extend(trouble)
            if progress:
                progress(number, len(files), str(path))
            # A file of a million rows goes in as many batches: memory follows the batch.
            while (size := _batch_size(pending)) < len(pending) or size >= BATCH_ARTICLES:
                yield copies_from_raw(pending[:size], ingested_at, allowances, **dating)
                del pending[:size]
        if pending:
            yield copies_from_raw(pending, ingested_at, allowances, **dating)

    report.version, added = append_copies(store, batches())
    report.new_copies = added.copies
    with contextlib.closing(Store(store)) as written:
        summary = written.summary(Filters())
    report.articles_after = summary.articles
    report.duplicates_folded = summary.duplicates
    report.undated = summary.undated
    return report


def _batch_size(pending: list[RawArticle]) -> int:
    """Articles from the head of pending that make one batch: BATCH_ARTICLES or BATCH_CHARS."""
    chars = 0
    for count, article in enumerate(pending[:BATCH_ARTICLES], start=1):
        chars += len(article.body) + len(article.title)
        if chars >= BATCH_CHARS:
            return count
    return min(len(pending), BATCH_ARTICLES)


def _articles_in(store: Path) -> int:
    if current_generation(store) is None:
        return 0
    with contextlib.closing(Store(store)) as existing:
        return existing.size


def ingest_files(
    files: list[tuple[str, bytes]], store: Path, *, progress: Progress | None = None
) -> IngestReport:
    """Ingest files given as (name, content), e.g. uploads from a browser."""
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        write_uploads(files, Path(folder))
        return ingest([folder], store, progress=progress)


def write_uploads(files: list[tuple[str, bytes]], folder: Path) -> list[str]:
    """Write uploaded (name, content) pairs into folder, each under a numbered base name;
    returns the names written, in order."""
    written = []
    for number, (name, data) in enumerate(files):
        # Only the base name, prefixed: an uploaded name never chooses where it is written.
        written.append(upload_name(number, name))
        (folder / written[-1]).write_bytes(data)
    return written


def upload_name(number: int, name: str) -> str:
    """The name an upload is written under: numbered, base name only."""
    return f"{number:03d}-{Path(name).name or 'upload'}"


def private_copy(base: Path) -> Path:
    """A new store in a temporary folder holding what base holds (for one analyst's uploads)."""
    private = Path(tempfile.mkdtemp(prefix="session-store-"))
    live = current_generation(base)
    if live is not None:
        # Generations never change once written: copying the files is the whole store.
        copy_generation(live, private / live.name)
        point_to(private, live.name)
    return private
