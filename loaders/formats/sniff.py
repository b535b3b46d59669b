"""Files and folders into RawArticle records plus Problems: find the files, pick each one's reader.

Dispatch is by extension, then by sniffing the bytes: .txt/.text and unknown text -> the page-text
dump format (aawsat.py); .csv/.tsv/.json/.jsonl/.ndjson/.parquet -> tables (tabular.py);
.xml/.rss/.atom, or text that starts like a feed -> feeds (feeds.py). `read_file` never raises:
every failure is a Problem with a one-line reason, so one bad file never stops a batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from loaders.formats.aawsat import parse_dump
from loaders.formats.feeds import read_feed
from loaders.formats.limits import read_table_bounded
from loaders.formats.tabular import (
    SNIFF_BYTES,
    TABLE_KINDS,
    TableError,
    check_text_head,
    decode_bytes,
)
from loaders.schema import Problem, RawArticle

MB = 1024 * 1024
MAX_FILE_BYTES = 200 * MB
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
# How a feed starts, after whitespace; enough to route a feed saved as .txt.
FEED_STARTS = ("<?xml", "<rss", "<feed", "<rdf:RDF")
# Folders that operating systems and archivers leave beside real data.
SKIPPED_DIRS = frozenset({"__MACOSX", "__pycache__"})
SKIPPED_FILES = frozenset({"Thumbs.db", "desktop.ini"})
# A folder's own documentation (README.md beside the data) is never coverage.
SKIPPED_STEMS = frozenset({"readme", "license", "licence", "changelog"})
# Leading bytes of containers someone must unpack first: (magic, what it is, what to do).
CONTAINER_MAGIC = (
    (b"\x1f\x8b", "gzip-compressed data", "decompress it first"),
    (b"PK\x03\x04", "zip archive", "unpack it first"),
    (b"BZh", "bzip2-compressed data", "decompress it first"),
    (b"\xfd7zXZ\x00", "xz-compressed data", "decompress it first"),
    (b"PAR1", "Parquet data", "name it .parquet"),
    (b"%PDF", "PDF document", "export its text first"),
)
ArticlesAndProblems = tuple[list[RawArticle], list[Problem]]


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named or inside named folders (recursive, sorted), hidden ones skipped."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from sorted(_walk(path))
        else:
            # Named explicitly (or missing): read_file reports it rather than dropping it silently.
            yield path


def _walk(root: Path) -> Iterator[Path]:
    """Visible files under a folder, not descending into hidden folders like .git."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not _is_hidden(d) and d not in SKIPPED_DIRS]
        for name in files:
            if not _is_skipped(name):
                yield Path(folder) / name


def _is_skipped(name: str) -> bool:
    """True for files a folder walk leaves out: hidden, system litter, folder documentation."""
    stem = name.split(".", 1)[0].lower()
    return _is_hidden(name) or name in SKIPPED_FILES or stem in SKIPPED_STEMS


def _is_hidden(name: str) -> bool:
    """True for dot-files and dot-folders (.git, .DS_Store) and editor backups (~)."""
    return name.startswith(".") or name.endswith("~")


def read_file(
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
) -> ArticlesAndProblems:
    """Articles and problems of one file; never raises. `source` overrides every article's."""
    path = Path(path)
    try:
        articles, problems = _read(path, mapping)
    except MemoryError:  # the ingest's memory limit: the whole ingest stops and says so
        raise
    except Exception as exc:  # a surprise in one file must not stop a batch of thousands
        return [], [Problem(str(path), f"unexpected error: {type(exc).__name__}: {exc}")]
    if source:
        for article in articles:
            article.source = source
    return articles, problems


def _read(path: Path, mapping: dict[str, str] | None) -> ArticlesAndProblems:
    """Check the file, read its bytes and hand them to the reader its name or content calls for."""
    reason = _stat_problem(path)
    if reason is not None:
        return _problem(path, reason)
    suffix = path.suffix.lower()
    try:
        with path.open("rb", buffering=0) as handle:  # raw: read() sizes one buffer, no copy
            # The head alone tells a compressed or binary file: 200 MB of it is never read.
            reason = _head_problem(handle.read(SNIFF_BYTES), suffix)
            if reason is not None:
                return _problem(path, reason)
            handle.seek(0)
            data = handle.read()
    except OSError as exc:
        return _problem(path, f"cannot read file ({exc.strerror or exc})")
    if suffix in FEED_SUFFIXES:
        return read_feed(data, str(path))
    if suffix in TABLE_KINDS:
        # Piece by piece, within the row and decoded-size caps (limits.py).
        return read_table_bounded(data, TABLE_KINDS[suffix], str(path), mapping=mapping)
    return _read_text(path, data)


def _stat_problem(path: Path) -> str | None:
    """Why a path cannot be read at all (missing, a folder, empty, too large), or None."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return "no such file" if isinstance(exc, FileNotFoundError) else f"cannot read file ({exc})"
    if path.is_dir():
        return "is a folder, not a file"
    if size == 0:
        return "empty file"
    if size > MAX_FILE_BYTES:
        return f"file too large ({size / MB:.1f} MB > limit {MAX_FILE_BYTES / MB:.0f} MB)"
    return None


def _head_problem(head: bytes, suffix: str) -> str | None:
    """A reason the first bytes give for not reading the file further, or None."""
    reason = _container_problem(head, suffix)
    if reason is not None or suffix == ".parquet" or suffix in FEED_SUFFIXES:
        return reason  # Parquet is binary; feeds may be UTF-32, which feedparser reads
    try:
        check_text_head(head)
    except TableError as exc:
        return str(exc)
    return None


def _container_problem(data: bytes, suffix: str) -> str | None:
    """A reason when the bytes are a compressed or foreign container rather than text or a table."""
    for magic, what, todo in CONTAINER_MAGIC:
        if data.startswith(magic) and not (magic == b"PAR1" and suffix == ".parquet"):
            named = f"named {suffix}" if suffix else "without extension"
            return f"{what} {named}: {todo}"
    return None


def _read_text(path: Path, data: bytes) -> ArticlesAndProblems:
    """A text file: a feed if it starts like one, else the page-text dump format."""
    try:
        text = decode_bytes(data)
    except TableError as exc:
        return _problem(path, str(exc))
    if not text.strip():
        return _problem(path, "empty file")
    if text.lstrip().startswith(FEED_STARTS):
        return read_feed(data, str(path))  # raw bytes: the XML declaration names the encoding
    articles = parse_dump(text, str(path))
    if not articles:
        return _problem(path, "no articles found (expected a title line, then paragraphs)")
    return articles, []


def _problem(path: Path, reason: str) -> ArticlesAndProblems:
    """No articles and one Problem."""
    return [], [Problem(str(path), reason)]
