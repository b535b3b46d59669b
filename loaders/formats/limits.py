"""What one table file may cost, and readers that keep to it: pieces, row groups, caps.

A table is read a piece at a time (a run of CSV/TSV/JSONL lines, a batch of Parquet rows), so
memory follows the piece, not the file. A file that holds more rows than MAX_ROWS_PER_FILE, or
that expands past MAX_DECODED_BYTES of text (a 3 KB Parquet of 200,000 identical 10 KB rows
decodes to 1.9 GB), is read up to the cap and ends in one Problem that says so.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from loaders.formats.report import FileReport
from loaders.formats.tabular import Decided, TableError, count_byte, frame_to_articles, read_table_data
from loaders.schema import Problem, RawArticle

MB = 1024 * 1024
# Rows one file may hold: a few times the largest real export seen (1M rows).
MAX_ROWS_PER_FILE = 2_000_000
# Text one file may decode to: two and a half times the upload cap, room for compressed Parquet;
# the articles of one file are held at once, so this bounds a file's share of ingest memory.
MAX_DECODED_BYTES = 512 * MB
# Bytes of CSV/TSV/JSONL read as one piece; a file smaller than this is read whole.
PIECE_BYTES = 16 * MB
# Decoded bytes one batch of Parquet rows may take (estimated from the column chunks' sizes).
PARQUET_BATCH_BYTES = 32 * MB
MAX_PARQUET_BATCH_ROWS = 8192
# Bytes a value of a fixed-width Parquet type decodes to, however it is encoded.
FIXED_WIDTH = {"BOOLEAN": 1, "INT32": 4, "FLOAT": 4, "INT64": 8, "DOUBLE": 8, "INT96": 12}
# Kinds whose records can be told apart by line ends without parsing the whole file.
SPLITTABLE = frozenset({"csv", "tsv", "jsonl"})

_LINE_NUMBER = re.compile(r"^line (\d+)")
_BLANK = re.compile(rb"\s*")  # the ASCII whitespace bytes.strip() removes
Piece = tuple[list[RawArticle], list[Problem]]


def read_table_bounded(
    data: bytes,
    kind: str,
    origin: str,
    *,
    mapping: dict[str, str] | None = None,
    report: FileReport | None = None,
) -> Piece:
    """Articles and problems of table bytes, read piece by piece within the caps; never raises.
    A table small enough to be one piece is read whole, and says how in report."""
    articles: list[RawArticle] = []
    problems: list[Problem] = []
    for found, trouble in iter_table_pieces(data, kind, origin, mapping=mapping, report=report):
        articles.extend(found)
        problems.extend(trouble)
    return articles, problems


def iter_table_pieces(
    data: bytes,
    kind: str,
    origin: str,
    *,
    mapping: dict[str, str] | None = None,
    report: FileReport | None = None,
) -> Iterator[Piece]:
    """(articles, problems) per piece of a table file, stopping at the row and size caps."""
    report = report if report is not None else FileReport(origin)
    if kind == "parquet":
        pieces = _parquet_pieces(data, origin, mapping, report)
    elif kind in SPLITTABLE and len(data) > PIECE_BYTES and b"\x00" not in data[:4096]:
        pieces = _text_pieces(data, kind, origin, mapping, report)
    else:
        pieces = iter([read_table_data(data, kind, origin, mapping=mapping, report=report)])
    rows = 0
    for articles, problems in pieces:
        if rows + len(articles) > MAX_ROWS_PER_FILE:
            kept = MAX_ROWS_PER_FILE - rows
            yield articles[:kept], [*problems, Problem(origin, too_many_rows(MAX_ROWS_PER_FILE))]
            return
        rows += len(articles)
        yield articles, problems


def too_many_rows(kept: int) -> str:
    """The one-line reason for a file with more rows than a file may hold."""
    return f"more than {kept:,} rows: the first {kept:,} were read, the rest left out (split the file)"


def too_large(rows: int) -> str:
    """The one-line reason for a file that expands past MAX_DECODED_BYTES once decoded."""
    limit = MAX_DECODED_BYTES // MB
    return (
        f"expands to more than {limit} MB of text when decoded: the first {rows:,} rows were read, "
        "the rest left out"
    )


# --- Parquet: one batch of rows at a time ----------------------------------------------------


def _parquet_pieces(
    data: bytes, origin: str, mapping: dict[str, str] | None, report: FileReport
) -> Iterator[Piece]:
    """Batches of a Parquet file as articles; sizes are checked before and after decoding."""
    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        encoded = _dictionary_texts(parquet)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        yield [], [Problem(origin, f"parquet does not read: {_one_line(exc)}")]
        return
    decoded = rows = 0
    seen: dict[str, str] = {}
    decided: Decided = {}
    pending: list[pa.RecordBatch] = []
    pending_bytes = 0

    def flush() -> Piece:
        # Small decoded batches are read as one piece: reading a piece has a fixed cost (column
        # profiling, cleaning), and a file of 10 KB rows made 20,000 one-row pieces (> 5 min).
        nonlocal rows, pending_bytes
        pending_bytes = 0
        frame = pa.Table.from_batches(pending).to_pandas()
        pending.clear()
        part = _piece(report)
        articles, reasons = frame_to_articles(
            frame, origin, mapping=mapping, report=part, decided=decided, first_row=rows
        )
        report.merge(part)
        piece = _shared(articles, seen), [Problem(origin, r) for r in reasons]
        rows += len(frame)
        return piece

    try:
        for group in range(parquet.metadata.num_row_groups):
            longest = _longest_dictionary_values(data, group, encoded) if encoded else {}
            size = _batch_rows(parquet.metadata.row_group(group), longest)
            for batch in parquet.iter_batches(batch_size=size, row_groups=[group], use_threads=False):
                decoded += batch.nbytes
                if decoded > MAX_DECODED_BYTES:
                    if pending:
                        yield flush()
                    yield [], [Problem(origin, too_large(rows))]
                    return
                pending.append(batch)
                pending_bytes += batch.nbytes
                if pending_bytes >= PARQUET_BATCH_BYTES:
                    yield flush()
        if pending:
            yield flush()
    except TableError as exc:
        yield [], [Problem(origin, str(exc))]
    except MemoryError:  # the ingest's memory limit, not a damaged file
        raise
    except Exception as exc:  # a damaged row group: what was read before it stays
        yield [], [Problem(origin, f"parquet does not read past row {rows:,}: {_one_line(exc)}")]


def _piece(report: FileReport) -> FileReport:
    """A report for one piece, merged into the file's: each piece reads the saved mappings too."""
    return FileReport(report.path, kind=report.kind, remembered=report.remembered)


def _shared(articles: list[RawArticle], seen: dict[str, str]) -> list[RawArticle]:
    """Articles whose repeated bodies share one string: a column of one repeated value (the
    dictionary-encoded kind) costs one copy of it, not one per row."""
    for article in articles:
        article.body = seen.setdefault(article.body, article.body)
    return articles


def _dictionary_texts(parquet: pq.ParquetFile) -> set[str]:
    """Top-level text columns stored dictionary-encoded in some row group."""
    fields = parquet.schema_arrow
    texts = {
        f.name
        for f in fields
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type) or pa.types.is_binary(f.type)
    }
    meta = parquet.metadata
    found: set[str] = set()
    for group in range(meta.num_row_groups):
        row_group = meta.row_group(group)
        for index in range(row_group.num_columns):
            chunk = row_group.column(index)
            if chunk.path_in_schema in texts and _is_dictionary(chunk):
                found.add(chunk.path_in_schema)
    return found


def _is_dictionary(chunk: pq.ColumnChunkMetaData) -> bool:
    return chunk.has_dictionary_page or any("DICT" in e for e in chunk.encodings)


def _longest_dictionary_values(data: bytes, group: int, columns: set[str]) -> dict[str, int]:
    """Per dictionary-encoded text column of one row group, the byte length of its longest
    dictionary value: no row stored by reference to the dictionary decodes to more.

    Read from the first row only, as a dictionary: the reader loads a chunk's whole dictionary
    page before its first row. Reading every row as a dictionary instead cost 1.3-2.1 s more per
    100,000 rows when the writer fell back to plain pages (pandas does after 1 MB of dictionary):
    pyarrow then hashes each plain value into the dictionary.
    """
    names = sorted(columns)
    probe = pq.ParquetFile(io.BytesIO(data), read_dictionary=names)
    first = next(probe.iter_batches(batch_size=1, row_groups=[group], columns=names, use_threads=False), None)
    if first is None:
        return {}
    longest = {}
    for name, column in zip(first.schema.names, first.columns, strict=True):
        if pa.types.is_dictionary(column.type) and len(column.dictionary):
            longest[name] = int(pc.max(pc.binary_length(column.dictionary)).as_py() or 0)
    return longest


def _batch_rows(group: pq.RowGroupMetaData, longest: dict[str, int] | None = None) -> int:
    """Rows per batch so one batch, decoded, takes at most about PARQUET_BATCH_BYTES.

    A dictionary-encoded column can repeat one value for every row: decoded, a row costs up to
    its longest dictionary value (`longest`, per column), whatever the chunk's average says; its
    rows stored plain (a writer's fallback) cost their average like any plain column's. A
    dictionary column whose longest value is not known counts its whole chunk as one row.
    """
    longest = longest or {}
    per_row = 1
    for index in range(group.num_columns):
        chunk = group.column(index)
        size = chunk.total_uncompressed_size
        average = size // max(group.num_rows, 1)
        if not _is_dictionary(chunk):
            per_row += average
        elif chunk.path_in_schema in longest:
            per_row += average + longest[chunk.path_in_schema]
        elif chunk.physical_type in FIXED_WIDTH:
            per_row += average + FIXED_WIDTH[chunk.physical_type]
        else:
            per_row += size
    return max(1, min(MAX_PARQUET_BATCH_ROWS, PARQUET_BATCH_BYTES // per_row))


# --- CSV/TSV/JSONL: runs of whole records ----------------------------------------------------


def _text_pieces(
    data: bytes, kind: str, origin: str, mapping: dict[str, str] | None, report: FileReport
) -> Iterator[Piece]:
    """Pieces of a large text table, each read as a file of its own (a CSV piece gets the header)."""
    quoted = kind != "jsonl"  # JSON strings never hold a raw line end; CSV fields may
    starts = list(_record_starts(data, quoted))
    if not starts:
        yield read_table_data(data, kind, origin, mapping=mapping, report=report)
        return
    header = data[: starts[0]] if quoted else b""
    # A piece's line 1 is the header again: its line k is line k - 1 + (lines before it).
    rows, lines = 0, header.count(b"\n") - 1 if quoted else 0
    decided: Decided = {}
    # Pieces whose lines are not counted yet: only a problem's line number needs the count.
    uncounted: list[tuple[int, int]] = []
    for begin, end in zip(starts, [*starts[1:], len(data)], strict=True):
        if _BLANK.fullmatch(data, begin, end):  # no copy of the piece just to look at it
            continue
        part = _piece(report)
        # One copy of the piece, not two (a slice, then the slice with the header).
        piece = b"".join((header, memoryview(data)[begin:end]))
        articles, problems = read_table_data(
            piece, kind, origin, mapping=mapping, report=part, decided=decided, first_row=rows
        )
        report.merge(part)
        if problems:
            lines += sum(count_byte(data, b"\n", *piece) for piece in uncounted)
            uncounted.clear()
        yield articles, [_shift_line(p, lines) for p in problems]
        rows += len(articles)
        uncounted.append((begin, end))


def _record_starts(data: bytes, quoted: bool) -> Iterator[int]:
    """Offsets where pieces start: after the header (CSV) or at 0 (JSONL), then at a record end
    every ~PIECE_BYTES.

    A line end is a record end when an even number of quote characters precede it (a quoted
    field doubles its quotes). In UTF-8 and cp1252 the bytes '"' and '\\n' are never part of
    another character. Quotes that never balance leave the rest as one piece, read as before.
    """
    position = 0
    if quoted:
        header_end = _record_end(data, 0, 0, quoted)
        if header_end is None:
            return
        position = header_end
    yield position
    while True:
        end = _record_end(data, position, position + PIECE_BYTES, quoted)
        if end is None or end >= len(data):
            return
        yield end
        position = end


def _record_end(data: bytes, start: int, near: int, quoted: bool) -> int | None:
    """Offset after the first record-ending line end at or past `near` (quotes counted from start)."""
    quotes = count_byte(data, b'"', start, near) if quoted and near > start else 0
    position = max(start, near)
    while True:
        newline = data.find(b"\n", position)
        if newline < 0:
            return None
        if quoted:
            quotes += data.count(b'"', position, newline)
        if quotes % 2 == 0:
            return newline + 1
        position = newline + 1


def _shift_line(problem: Problem, lines: int) -> Problem:
    """A piece's "line N: ..." problem with N counted from the file's start."""
    match = _LINE_NUMBER.match(problem.reason)
    if not lines or match is None:
        return problem
    return Problem(problem.path, f"line {int(match[1]) + lines}{problem.reason[match.end() :]}")


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line."""
    return " ".join(str(exc).split()) or type(exc).__name__
