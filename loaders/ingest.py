"""Add files to a store: read, fold into what it holds, write a new generation, swap."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from loaders.pipeline import Progress, build_corpus, copies_from_raw, read_paths
from loaders.schema import Problem
from loaders.store import current_generation, read_corpus, write_store


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
    version: str = ""
    problems: list[Problem] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary a person reads after an ingest."""
        rejected = sorted({p.path for p in self.problems})
        out = [
            f"files read: {self.files}",
            f"articles parsed: {self.parsed} ({self.new_copies} not in the store before)",
            f"articles in store: {self.articles_before} -> {self.articles_after}",
            f"duplicates folded: {self.duplicates_folded}",
            f"articles without a date: {self.undated}",
            f"files with problems: {len(rejected)}",
        ]
        out += [f"  {problem}" for problem in self.problems]
        out.append(f"store version: {self.version}")
        return out


def ingest(
    paths: Iterable[str | Path],
    store: Path,
    *,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Add the articles under paths to the store; the old store stays intact if anything fails."""
    known = read_corpus(store)
    raws, problems, files = read_paths(paths, mapping=mapping, source=source, progress=progress)
    copies = copies_from_raw(raws)
    before = 0 if known is None else len(known.articles)
    new = copies if known is None else copies[~copies["copy_key"].isin(known.copies["copy_key"])]
    corpus = build_corpus(copies, known)
    version = write_store(corpus, store)
    articles = corpus.articles
    return IngestReport(
        files=files,
        parsed=len(raws),
        new_copies=len(new),
        articles_before=before,
        articles_after=len(articles),
        duplicates_folded=int(articles["duplicates"].sum()),
        undated=int(articles["published"].isna().sum()),
        version=version,
        problems=problems,
    )


def ingest_files(
    files: list[tuple[str, bytes]], store: Path, *, progress: Progress | None = None
) -> IngestReport:
    """Ingest files given as (name, content), e.g. uploads from a browser."""
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        for number, (name, data) in enumerate(files):
            # Only the base name, prefixed: an uploaded name never chooses where it is written.
            (Path(folder) / f"{number:03d}-{Path(name).name or 'upload'}").write_bytes(data)
        return ingest([folder], store, progress=progress)


def private_copy(base: Path) -> Path:
    """A new store in a temporary folder holding what base holds (for one analyst's uploads)."""
    private = Path(tempfile.mkdtemp(prefix="session-store-"))
    corpus = read_corpus(base) if current_generation(base) is not None else None
    if corpus is not None:
        write_store(corpus, private)
    return private
