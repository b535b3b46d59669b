"""Files and folders into RawArticle records plus Problems: find the files, pick each one's reader.

Dispatch is by extension, then by sniffing the bytes: .csv/.tsv/.json/.jsonl/.ndjson/.parquet ->
tables (tabular.py); .xml/.rss/.atom, or text that starts like a feed -> feeds (feeds.py); saved
pages -> html.py; zip/gzip/tar bytes under any name -> archives.py, member by member; other text is told by
content (JSON, a delimited table, else the page-text dump format of aawsat.py). `read_file` never
raises: every failure is a Problem with a one-line reason, so one bad file never stops a batch.
`read_file_report` also returns the FileReport saying how the file was read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from loaders.formats import archives
from loaders.formats.aawsat import parse_dump
from loaders.formats.feeds import read_feed
from loaders.formats.html import looks_like_html, read_html
from loaders.formats.limits import read_table_bounded
from loaders.formats.report import FileReport
from loaders.formats.tabular import (
    SNIFF_BYTES,
    TABLE_KINDS,
    TableError,
    check_text_head,
    decode_bytes,
    read_table_data,
    sniff_delimiter,
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
    (b"%PDF", "PDF document", "export its text first"),
)
# Parquet is told by its bytes too: a Parquet file named .csv is read as Parquet.
PARQUET_MAGIC = b"PAR1"
ArticlesAndProblems = tuple[list[RawArticle], list[Problem]]
# Office files are zip archives of XML that is no coverage: exported to a table, they are.
OFFICE_SUFFIXES = frozenset({".xlsx", ".xlsm", ".docx", ".pptx", ".odt", ".ods", ".odp", ".epub"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".mhtml"})
ARCHIVE_SUFFIXES = frozenset({".zip", ".gz", ".tgz", ".tar"})
# A text file whose first lines split into this many fields or more by one delimiter is a table.
MIN_TABLE_FIELDS = 3
TABLE_SNIFF_LINES = 10


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
    articles, problems, _ = read_file_report(path, mapping=mapping, source=source)
    return articles, problems


def read_file_report(
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    remembered: dict[str, dict[str, str]] | None = None,
) -> tuple[list[RawArticle], list[Problem], FileReport]:
    """Articles, problems and how the file was read (kind, mapping, dates, rows); never raises.
    `remembered`: saved mappings by header shape, used for a table when no mapping is given."""
    path = Path(path)
    report = FileReport(str(path), remembered=remembered or {})
    try:
        articles, problems = _read(path, mapping, report)
        _add_languages(articles, report)
    except MemoryError:  # the ingest's memory limit: the whole ingest stops and says so
        raise
    except Exception as exc:  # a surprise in one file must not stop a batch of thousands
        return [], [Problem(str(path), f"unexpected error: {type(exc).__name__}: {exc}")], report
    if source:
        for article in articles:
            article.source = source
    report.kept = len(articles)
    return articles, problems, report


def _add_languages(articles: list[RawArticle], report: FileReport) -> None:
    """Detect the language of articles the file did not label, and count languages."""
    from loaders.language import detect_languages, fill_from_majority

    todo = [a for a in articles if not a.language]
    if todo:
        # The title and lead say the language: the rest of a long body only costs time.
        found = detect_languages([f"{a.title}. {a.body[:300]}" for a in todo], report.notes)
        for article, language in zip(todo, found, strict=True):
            article.language = language
        filled = fill_from_majority([a.language for a in articles])
        for article, language in zip(articles, filled, strict=True):
            article.language = language
    report.languages.update(a.language or "unknown" for a in articles)


def _read(path: Path, mapping: dict[str, str] | None, report: FileReport) -> ArticlesAndProblems:
    """Check the file, read its bytes and hand them to the reader its name or content calls for."""
    reason = _stat_problem(path)
    if reason is not None:
        return _problem(path, reason)
    suffix = path.suffix.lower()
    try:
        with path.open("rb", buffering=0) as handle:  # raw: read() sizes one buffer, no copy
            # The head alone tells a compressed or binary file: 200 MB of it is never read.
            head = handle.read(SNIFF_BYTES)
            # Archives are told by their bytes, not their name: a gzip saved as .txt is opened
            # (with the same caps) and its content read by what it is.
            archive = archives.kind_of(head)
            reason = _office_problem(suffix) if archive else _head_problem(head, suffix)
            if reason is not None:
                return _problem(path, reason)
            handle.seek(0)
            data = handle.read()
    except OSError as exc:
        return _problem(path, f"cannot read file ({exc.strerror or exc})")
    if archive:
        if suffix not in ARCHIVE_SUFFIXES:
            named = f"named {suffix}" if suffix else "without extension"
            report.notes.append(f"{archive} data {named}: unpacked and read by content")
        return _read_archive(path, data, mapping, report)
    return _read_data(path.name, str(path), data, mapping, report)


def _read_data(
    name: str, origin: str, data: bytes, mapping: dict[str, str] | None, report: FileReport
) -> ArticlesAndProblems:
    """Bytes of one file (or archive member) to the reader its name or content calls for."""
    suffix = Path(name).suffix.lower()
    if data.startswith(PARQUET_MAGIC) and suffix != ".parquet":
        report.notes.append(f"Parquet data named {suffix or 'without extension'}: read as Parquet")
        suffix = ".parquet"
    if suffix in FEED_SUFFIXES:
        report.kind = "feed"
        return read_feed(data, origin)
    if suffix in TABLE_KINDS:
        report.kind = TABLE_KINDS[suffix]
        # Piece by piece, within the row and decoded-size caps (limits.py); a file of one piece
        # is read whole, with its report.
        return read_table_bounded(data, TABLE_KINDS[suffix], origin, mapping=mapping, report=report)
    return _read_text(Path(origin), data, mapping, report, suffix)


def _read_archive(
    path: Path, data: bytes, mapping: dict[str, str] | None, report: FileReport
) -> ArticlesAndProblems:
    """Every member of a zip/gzip/tar archive, read in memory, each by its own kind."""
    articles: list[RawArticle] = []
    problems: list[Problem] = []
    kinds = []
    try:
        for name, member in archives.members(data, path.name):
            if _is_skipped(Path(name).name):
                continue
            part = FileReport(f"{path} > {name}", remembered=report.remembered)
            found, trouble = _read_data(name, f"{path} > {name}", member, mapping, part)
            articles += found
            problems += [Problem(str(path), f"{name}: {t.reason}") for t in trouble]
            kinds.append(part.kind)
            report.merge(part)
    except archives.ArchiveError as exc:
        problems.append(Problem(str(path), str(exc)))
    report.kind = f"{archives.kind_of(data)} > {', '.join(sorted(set(kinds))) or 'nothing'}"
    if not articles and not problems:
        problems.append(Problem(str(path), "archive holds no files"))
    return articles, problems


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


def _office_problem(suffix: str) -> str | None:
    """A reason for a zip that is a spreadsheet or document, or None."""
    if suffix in OFFICE_SUFFIXES:
        return f"{suffix.lstrip('.')} document (a zip of XML): export it as CSV or text first"
    return None


def _head_problem(head: bytes, suffix: str) -> str | None:
    """A reason the first bytes give for not reading the file further, or None."""
    reason = _container_problem(head, suffix)
    parquet = suffix == ".parquet" or head.startswith(PARQUET_MAGIC)
    if reason is not None or parquet or suffix in FEED_SUFFIXES:
        return reason  # Parquet is binary; feeds may be UTF-32, which feedparser reads
    try:
        check_text_head(head)
    except TableError as exc:
        return str(exc)
    return None


def _container_problem(data: bytes, suffix: str) -> str | None:
    """A reason when the bytes are a compressed or foreign container rather than text or a table."""
    for magic, what, todo in CONTAINER_MAGIC:
        if data.startswith(magic):
            named = f"named {suffix}" if suffix else "without extension"
            return f"{what} {named}: {todo}"
    return None


def _read_text(
    path: Path, data: bytes, mapping: dict[str, str] | None, report: FileReport, suffix: str
) -> ArticlesAndProblems:
    """A text file, told by content: a feed, a saved page, JSON, a table, else a page-text dump."""
    try:
        text = decode_bytes(data)
    except TableError as exc:
        return _problem(path, str(exc))
    if not text.strip():
        return _problem(path, "empty file")
    start = text.lstrip()[:1]
    if text.lstrip().startswith(FEED_STARTS):
        report.kind = "feed"
        return read_feed(data, str(path))  # raw bytes: the XML declaration names the encoding
    if looks_like_html(text) or suffix in HTML_SUFFIXES:
        return read_html(text, str(path), report)
    if start in "[{":
        report.kind = "json"
        return read_table_data(data, "json", str(path), mapping=mapping, report=report)
    table = _table_kind(text)
    if table is not None:
        report.kind = f"{table} (by content)"
        return read_table_data(data, table, str(path), mapping=mapping, report=report)
    report.kind = "page-text dump"
    articles = parse_dump(text, str(path))
    if not articles:
        return _problem(path, "no articles found (expected a title line, then paragraphs)")
    return articles, []


def _table_kind(text: str) -> str | None:
    """ "tsv" or "csv" when the first lines split steadily into several fields, else None."""
    sep = sniff_delimiter(text)
    lines = [ln for ln in text[:SNIFF_BYTES].split("\n")[:TABLE_SNIFF_LINES] if ln.strip()]
    if len(lines) < 2:
        return None
    counts = [ln.count(sep) + 1 for ln in lines]
    steady = counts.count(counts[0]) >= 0.8 * len(counts) and counts[0] >= MIN_TABLE_FIELDS
    if not steady or sep not in ("\t", ",", ";", "|"):
        return None
    return "tsv" if sep == "\t" else "csv"


def _problem(path: Path, reason: str) -> ArticlesAndProblems:
    """No articles and one Problem."""
    return [], [Problem(str(path), reason)]
