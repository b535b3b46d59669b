"""CSV/TSV/JSON/JSONL/Parquet files into RawArticle records, with column auto-mapping.

Columns are mapped by name tokens and by what their values look like (columns.py); `mapping`
({our field: file column}) overrides the guess. The structure is found first: the delimiter from
the first lines, note lines before the header, a missing header, stray quotes, nested JSON.
A body stored as a list of paragraphs (JSON array, Parquet list, or a Python-list repr string) is
joined with blank lines. A headline-only export (no body column) is coverage: its description or
summary is the lead. Without a title column the title is the body's first sentence, else the URL
slug. Rows without text are skipped and counted; how the file was read goes into a FileReport.
"""

from __future__ import annotations

import ast
import codecs
import csv
import gc
import io
import json
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson

from loaders.dateorder import normalize_dates
from loaders.dates import parse_date
from loaders.formats import columns as colmap
from loaders.formats import shape
from loaders.formats.passages import fold_rows, id_column
from loaders.formats.report import FileReport
from loaders.outlets import outlet_name, split_title_outlet
from loaders.schema import Problem, RawArticle, one_line
from loaders.textclean import clean_bodies, clean_short

FIELDS = ("title", "body", "published", "url", "source", "captions")
# Candidate columns per field, most wanted first. "title" beats "title_from_page": both are
# headlines and the listing one is present more often. "body_text" beats "text": in live-blog
# exports "text" is body plus captions.
COLUMN_CANDIDATES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "title_from_page"),
    "body": ("body", "body_text", "text", "content", "article", "story"),
    "published": ("date", "published", "pubdate", "published_at", "time", "datetime", "timestamp"),
    "url": ("url", "link", "href"),
    "source": ("source", "publisher", "outlet", "site"),
    "captions": ("captions", "image_captions"),
}
TABLE_KINDS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
# Keys under which JSON exports wrap their list of articles, most common first.
JSON_WRAPPER_KEYS = ("articles", "items", "entries", "data", "results", "records", "stories", "docs")
# How deep the list of articles may sit ({"response": {"docs": [...]}}), and how far nested
# objects are flattened into dotted columns ("headline.main").
JSON_SEARCH_LEVELS = 4
JSON_FLATTEN_LEVELS = 3
JSON_NESTED_SAMPLE = 100

TITLE_MAX_CHARS = 120
# A derived title shorter than this stopped at an abbreviation ("Mr."): look for a later stop.
TITLE_MIN_CHARS = 20
# ast.literal_eval on a huge string can exhaust memory; a real article is far below this.
LIST_REPR_MAX_CHARS = 2_000_000
# One file with a million bad lines must not flood the report.
MAX_ROW_PROBLEMS = 20
SNIFF_BYTES = 64 * 1024
# Share of control characters above which decoded "text" is really binary.
MAX_CONTROL_SHARE = 0.05
# Share of UTF-16 code units that must carry a zero byte (spaces, digits, punctuation, Latin
# letters) before NUL-laden bytes are read as UTF-16 without a byte-order mark.
MIN_UTF16_ZERO_SHARE = 0.1
# Column names shown in a message: a 10 MB header line must not become a 10 MB message.
MAX_LISTED_COLUMNS = 12
MAX_LISTED_NAME_CHARS = 40
# Times a CSV is rescanned for quotes opened and never closed before giving up.
MAX_UNCLOSED_QUOTES = 5

UNDECODABLE = "cannot decode text (tried UTF-8, UTF-16, cp1252)"
# "â\x80\x98": the same mistake read as Latin-1, C1 control characters kept.
_MOJIBAKE = re.compile("â€|â[\u0080-\u009f]|Ã[\u0080-\u00bf\u0152-\u2122\u20ac]|Â[\u00a0-\u00bf]")
_MOJIBAKE_MARKERS = ("â€", "Ã", "Â", "â\x80")
# The UTF-8 of "â", "Ã" and "Â": bytes without them decode to text without any marker.
_MOJIBAKE_UTF8 = re.compile(b"\xc3[\xa2\x83\x82]")
# The markers' first characters: "â" leads two of them, "Ã" and "Â" are markers themselves.
_MOJIBAKE_LEADS = ("â", "Ã", "Â")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s|$)")
# Words a full stop follows without ending the sentence ("Mr.", "Gen.", "U. S.", "Jan.").
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "gen",
        "lt",
        "col",
        "sgt",
        "capt",
        "maj",
        "adm",
        "rep",
        "sen",
        "gov",
        "prof",
        "jr",
        "sr",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
        "rev",
        "hon",
        "pres",
        "dept",
        "est",
        "approx",
        "fig",
    ]
)
# A dateline opening a body: "WASHINGTON —", "TEL AVIV, Israel –", "TEHRAN, Aug. 13 (MNA) –".
_DATELINE = re.compile(r"^[A-Z][A-Z .'’\-]{2,40}(?:,[^—–\n]{1,30}?)?\s*(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s+")
_SLUG_WORDS = re.compile(r"[A-Za-z\u0600-\u06ff]{2,}")
# A URL slug of at least this many words reads as a headline.
SLUG_MIN_WORDS = 4
# Cell values that mean "no value" in exports and scraper output.
NA_TOKENS = ("NA", "N/A", "n/a", "na", "null", "NULL", "None", "none", "nan", "NaN", "#N/A", "-", "[]", "{}")
NA_MAX_CHARS = 4  # the longest of NA_TOKENS, all ASCII: in bytes too
# "Headline - Outlet": the outlet part, and when a title column counts as written that way.
_OUTLET_SUFFIX = r"\s+[-–—|]\s+([^-–—|]{2,60})$"
MIN_SUFFIX_SHARE = 0.6
_SUFFIX_HINT = r"\s+[-–—|]\s+[^-–—|]{2,60}$"
SUFFIX_SAMPLE_ROWS = 500
MAX_SUFFIX_DISTINCT_SHARE = 0.5
# Reasons that describe how a file was read: the report's notes, not Problems.
READ_NOTES = ("no header line", "stray quote characters")
# How far down a delimited file its header may sit after lines of notes.
MAX_PREAMBLE_LINES = 10
# Lines looked at to tell the delimiter; the share of them that must split into equal counts.
SNIFF_LINES = 20
MIN_STEADY_SHARE = 0.8
# A header cell is a name: longer than this, it is an article's text.
MAX_HEADER_CELL_CHARS = 60
_BAD_LINE = re.compile(r"Skipping line (\d+): (.+)")
# pandas' warning when rows carry more fields than the header (index_col=False drops them).
_EXTRA_FIELDS = "Length of header or names does not match length of data"
# Smallest block pyarrow's JSON reader is given: a block must hold a whole line.
JSONL_BLOCK_BYTES = 1024 * 1024
# pyarrow's CSV reader takes the whole piece as one block (a piece is at most PIECE_BYTES).
CSV_MIN_BLOCK_BYTES = 1024 * 1024
# Line ends of every platform: JSON text never holds a raw CR or LF inside a value.
_LINE_END = re.compile(r"\r\n|\r|\n")


# The mapping decided for each column set of one file, kept while its pieces are read.
Decided = dict[tuple[str, ...], colmap.ColumnMapping]


class TableError(ValueError):
    """A whole file cannot be read as a table; the message is the Problem's reason."""


def read_table(
    path: Path, *, mapping: dict[str, str] | None = None
) -> tuple[list[RawArticle], list[Problem]]:
    """Articles and problems of one CSV/TSV/JSON/JSONL/Parquet file; never raises."""
    kind = TABLE_KINDS.get(path.suffix.lower())
    if kind is None:
        return [], [Problem(str(path), f"not a table file ({path.suffix or 'no extension'})")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [Problem(str(path), f"cannot read file ({exc.strerror or exc})")]
    return read_table_data(data, kind, str(path), mapping=mapping)


def read_table_data(
    data: bytes,
    kind: str,
    origin: str,
    *,
    mapping: dict[str, str] | None = None,
    report: FileReport | None = None,
    decided: Decided | None = None,
    first_row: int = 0,
) -> tuple[list[RawArticle], list[Problem]]:
    """Articles and problems of table bytes of a kind ("csv", "tsv", "json", "jsonl", "parquet").
    `decided`, `first_row`: for a piece of a larger file (see frame_to_articles)."""
    report = report if report is not None else FileReport(origin)
    report.kind = report.kind or kind
    try:
        frame, reasons = load_frame(data, kind)
        # How the file was read goes to the report; only lost rows are Problems.
        report.notes += [r for r in reasons if _is_note(r)]
        reasons = [r for r in reasons if not _is_note(r)]
        articles, more = frame_to_articles(
            frame, origin, mapping=mapping, report=report, decided=decided, first_row=first_row
        )
    except TableError as exc:
        return [], [Problem(origin, str(exc))]
    except MemoryError:  # the ingest's memory limit, not a damaged file
        raise
    except Exception as exc:  # a damaged file must not stop a batch of thousands
        return [], [Problem(origin, f"unexpected error: {type(exc).__name__}: {one_line(exc)}")]
    return articles, [Problem(origin, reason) for reason in [*_capped(reasons), *more]]


def _is_note(reason: str) -> bool:
    """True for a reason that says how a file was read rather than what was lost."""
    return reason.startswith(READ_NOTES) or reason.endswith("before the header skipped")


def load_frame(data: bytes, kind: str) -> tuple[pd.DataFrame, list[str]]:
    """The file as a DataFrame plus reasons for rows that were dropped while parsing."""
    if kind == "parquet":
        return _read_parquet(data), []
    fast = _read_utf8_delimited(data, kind) if kind in ("csv", "tsv") else None
    tried = kind == "jsonl" and _clean_utf8(data)
    if tried:  # the fast JSON lines reader straight from the bytes, before any decoding
        fast = _read_jsonl_fast(data.removeprefix(codecs.BOM_UTF8))
    if fast is not None:
        return fast
    raw, encoding = decode_raw(data)
    text = repair_mojibake(raw)
    if not text or text.isspace():  # isspace, not strip: no copy of a 200 MB string
        raise TableError("empty file")
    if kind == "json":
        return _read_json(text)
    if kind == "jsonl":
        same = encoding == "utf-8-sig" and text is raw and not tried
        fast = _read_jsonl_fast(data.removeprefix(codecs.BOM_UTF8)) if same else None
        return fast if fast is not None else _read_jsonl(text)
    sep = "\t" if kind == "tsv" else sniff_delimiter(text)
    text, preamble = skip_preamble(text, sep)
    reasons = [f"{_plural(preamble, 'line')} before the header skipped"] if preamble else []
    header = _header_names(text, sep)
    if len(header) > 1 and not looks_like_header(header):
        names = [f"column {n}" for n in range(1, len(header) + 1)]
        text = sep.join(names) + "\n" + text
        header = names
        reasons.append("no header line: columns mapped by their content")
    reasons += _repeated_column_reasons(header)
    text, unclosed = _blank_unclosed_quotes(text, sep)
    reasons += unclosed
    # Unchanged UTF-8 goes to pyarrow as it is: re-encoding 200 MB costs a second.
    same = encoding == "utf-8-sig" and text is raw and not preamble
    utf8 = data.removeprefix(codecs.BOM_UTF8) if same else None
    # pyarrow reads clean files several times faster; pandas re-reads a file with bad lines
    # because only its parser can say which line numbers they were.
    frame = _read_delimited_fast(utf8 if utf8 is not None else text.encode("utf-8"), sep, header)
    if frame is None and '"' in text:
        # Stray quote characters (a post quoting someone) break the field counts of a file
        # that never quotes its fields: read it again taking quotes as text.
        frame = _read_delimited_fast(text.encode("utf-8"), sep, header, quoting=False)
        if frame is not None:
            reasons.append("stray quote characters: read without quoting")
    if frame is None:
        frame, bad_lines = _read_delimited(text, sep)
        reasons += bad_lines
    if frame.empty and len(frame.columns):
        raise TableError("no rows: the file holds only the header line")
    return frame, reasons


def _clean_utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8 as the decoding path would find them, with nothing for it to
    repair (mojibake, a doubled BOM): asked of the bytes, so a clean file is never decoded whole
    (0.1 s per 90 MB). The readers that trust this still refuse invalid UTF-8 themselves."""
    if _sniff_encoding(data[:SNIFF_BYTES]) != "utf-8-sig":
        return False
    utf8 = data.removeprefix(codecs.BOM_UTF8)
    return not utf8.startswith(codecs.BOM_UTF8) and not _MOJIBAKE_UTF8.search(utf8)


def _read_utf8_delimited(data: bytes, kind: str) -> tuple[pd.DataFrame, list[str]] | None:
    """A clean UTF-8 CSV/TSV read by pyarrow straight from its bytes, or None.

    load_frame decodes the whole file to a str first (0.1 s per 90 MB) for checks that the head
    or the bytes answer just as well: encoding, binary content, delimiter, preamble, header,
    mojibake, unbalanced quotes; pyarrow checks the UTF-8 of every field. When any check wants
    the text (a preamble, no header, mojibake, invalid UTF-8, a bad row), None: load_frame's
    own path then reads the file and says why, as before.
    """
    if not _clean_utf8(data):
        return None
    utf8 = data.removeprefix(codecs.BOM_UTF8)
    head = _utf8_head(utf8)
    if not head or head.isspace():
        return None
    sample = head[:SNIFF_BYTES]
    if len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        return None
    sep = "\t" if kind == "tsv" else sniff_delimiter(head)
    whole_line = "\n" in head or len(head.encode("utf-8")) == len(utf8)
    if not whole_line or skip_preamble(head, sep)[1]:
        return None
    header = _header_names(head, sep)
    if (len(header) > 1 and not looks_like_header(header)) or count_byte(utf8, b'"') % 2:
        return None
    frame = _read_delimited_fast(utf8, sep, header)
    if frame is None or (frame.empty and len(frame.columns)):
        return None
    return frame, _repeated_column_reasons(header)


def count_byte(data: bytes, byte: bytes, start: int = 0, end: int | None = None) -> int:
    """data.count(byte, start, end) for one byte, as a numpy comparison: 2-3x faster on the
    16 MB pieces of a large table."""
    end = len(data) if end is None else min(end, len(data))
    if end <= start:
        return 0
    view = np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start)
    return int(np.count_nonzero(view == byte[0]))


def _utf8_head(utf8: bytes) -> str | None:
    """The text of the first bytes of UTF-8 data (at least SNIFF_BYTES characters, or all of
    it), or None if they are not UTF-8. A character cut at the end is left out."""
    size = 4 * SNIFF_BYTES  # a character takes at most 4 bytes
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(utf8[:size], final=len(utf8) <= size)
    except UnicodeDecodeError:
        return None


# --- decoding -------------------------------------------------------------------------------


def decode_bytes(data: bytes) -> str:
    """Text of file bytes: UTF-8 (BOM or not), UTF-16 (BOM), else cp1252; mojibake repaired."""
    return repair_mojibake(decode_raw(data)[0])


def decode_raw(data: bytes) -> tuple[str, str]:
    """Text of file bytes and the encoding that read them, without mojibake repair."""
    encoding = _sniff_encoding(data[:SNIFF_BYTES])
    text = _decode(data, encoding)
    if text is None and encoding == "utf-8-sig":
        encoding, text = "cp1252", _decode(data, "cp1252")
    if text is None:
        raise TableError(UNDECODABLE)
    sample = text[:SNIFF_BYTES]
    if sample and len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise TableError("binary file (not text)")
    return text.lstrip("\ufeff"), encoding


def check_text_head(head: bytes) -> None:
    """Raise TableError if the first bytes of a file show it is binary rather than text."""
    encoding = _sniff_encoding(head)
    sample = head.decode("utf-8" if encoding == "utf-8-sig" else encoding, errors="ignore")
    if sample and len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise TableError("binary file (not text)")


def _sniff_encoding(head: bytes) -> str:
    """The encoding to try first, from the byte-order mark or the NUL pattern of the head."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" not in head:
        return "utf-8-sig"
    utf16 = _utf16_without_bom(head)
    if utf16 is None:
        raise TableError("binary file (not text)")
    return utf16


def _decode(data: bytes, encoding: str) -> str | None:
    """The decoded text, or None if the bytes are not in that encoding."""
    if encoding.startswith("utf-16") and len(data) % 2:
        data = data[:-1]  # a file cut mid-character: keep the whole characters before it
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" for BOM-less UTF-16 text, else None.

    UTF-16 puts the zero byte of every ASCII-range character (space, digit, Latin letter) on one
    side of each pair; Arabic text has spaces every few letters, so its zeros line up too.
    Binary data has zeros on both sides.
    """
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if other.count(0) == 0 and zeros.count(0) >= MIN_UTF16_ZERO_SHARE * len(zeros):
            return encoding
    return None


def repair_mojibake(text: str) -> str:
    """Fix UTF-8-read-as-cp1252 ("â€™" -> "’") on suspect lines only: ftfy on all text is slow."""
    # Substring tests are memchr-fast; the regex alone takes seconds on a 200 MB file.
    if not _has_marker(text) or not _MOJIBAKE.search(text):
        return text
    lines = text.split("\n")
    import ftfy  # late: 0.1-0.5 s to import, and most files hold no mojibake

    return "\n".join(ftfy.fix_encoding(ln) if _MOJIBAKE.search(ln) else ln for ln in lines)


def _has_marker(text: str) -> bool:
    """True if any of _MOJIBAKE_MARKERS is in text. One-character searches first: on a wide
    (non-Latin-1) string they are several times faster than searches for two characters."""
    if any(marker in text for marker in _MOJIBAKE_LEADS[1:]):
        return True
    return _MOJIBAKE_LEADS[0] in text and any(marker in text for marker in _MOJIBAKE_MARKERS)


# --- parsing each format --------------------------------------------------------------------


def first_line(text: str) -> str:
    """The text up to its first newline, without copying the rest (split would)."""
    end = text.find("\n")
    return (text if end < 0 else text[:end]).rstrip("\r")


def sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon, tab or pipe) the first lines split into equal counts."""
    lines = [ln for ln in _head_lines(text, SNIFF_LINES) if ln.strip()]
    if not lines:
        return ","

    def steadiness(sep: str) -> tuple[float, int]:
        counts = [ln.count(sep) for ln in lines]
        mode = max(set(counts), key=counts.count)
        return (counts.count(mode) / len(counts) if mode else 0.0, mode)

    scores = {sep: steadiness(sep) for sep in (",", ";", "\t", "|")}
    best = max(scores, key=lambda sep: scores[sep])
    if scores[best][0] >= MIN_STEADY_SHARE:
        return best
    header = lines[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _head_lines(text: str, count: int) -> list[str]:
    """The first `count` lines, without splitting the whole text."""
    return text[:SNIFF_BYTES].split("\n")[:count]


def skip_preamble(text: str, sep: str) -> tuple[str, int]:
    """The text from its header on: leading note lines with no delimiter are dropped."""
    lines = _head_lines(text, MAX_PREAMBLE_LINES + 1)
    skip = next((i for i, ln in enumerate(lines) if sep in ln), 0)
    if skip == 0 or skip > MAX_PREAMBLE_LINES:
        return text, 0
    offset = sum(len(ln) + 1 for ln in lines[:skip])
    notes = sum(1 for ln in lines[:skip] if ln.strip())
    return text[offset:], notes


def looks_like_header(cells: Sequence[str]) -> bool:
    """True if a first row names columns rather than holding an article (no URL, date, prose)."""
    for cell in cells:
        value = cell.strip()
        if len(value) > MAX_HEADER_CELL_CHARS or value.startswith(("http://", "https://")):
            return False
        if value.replace(".", "", 1).isdigit() or (any(c.isdigit() for c in value) and parse_date(value)):
            return False
    return True


def _header_names(text: str, sep: str) -> list[str]:
    """Column names of the header line ([] when it does not parse as one CSV line)."""
    line = first_line(text)
    try:
        with _csv_field_limit(len(line) + 1):
            return next(csv.reader([line], delimiter=sep), [])
    except csv.Error:
        return []


@contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    """Let the csv module read fields of any size for a while (its default stops at 128 KB)."""
    before = csv.field_size_limit(max(limit, csv.field_size_limit()))
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _repeated_column_reasons(header: Sequence[str]) -> list[str]:
    """A reason per column name the header repeats: the first such column is the one read."""
    seen: dict[str, int] = {}
    for name in header:
        key = name.strip().lower()
        seen[key] = seen.get(key, 0) + 1
    return [
        f"column {_short(name)!r} appears {count} times; the first one is read"
        for name, count in seen.items()
        if count > 1
    ]


def _blank_unclosed_quotes(text: str, sep: str) -> tuple[str, list[str]]:
    """The text with each line that opens a never-closed quote blanked, and a reason for each.

    A quote left open swallows every later row into one field; blanking its line (not removing
    it) lets the rows after it read normally and keeps every line number right.
    """
    reasons: list[str] = []
    # An even number of quote characters cannot leave one open: the common case costs one count.
    while len(reasons) < MAX_UNCLOSED_QUOTES and text.count('"') % 2:
        line = _unclosed_quote_line(text, sep)
        if line is None:
            break
        text = _blank_line(text, line)
        reasons.append(f"line {line}: a quote opened on this line is never closed; line skipped")
    return text, reasons


def _unclosed_quote_line(text: str, sep: str) -> int | None:
    """The line where a quoted field opens that the file never closes, or None."""
    reader = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
    start = 1
    with _csv_field_limit(len(text) + 1):
        while True:
            start = reader.line_num + 1
            try:
                next(reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    return start
                # Other strictness complaints ("x" after a closing quote) pandas reads anyway.


def _blank_line(text: str, number: int) -> str:
    """The text with line `number` (1-based, any line end) emptied."""
    ends = _LINE_END.finditer(text)
    start = 0
    for _ in range(number - 1):
        start = next(ends).end()
    match = _LINE_END.search(text, start)
    stop = match.start() if match else len(text)
    return text[:start] + text[stop:]


def _read_delimited_fast(
    utf8: bytes, sep: str, header: list[str], *, quoting: bool = True
) -> pd.DataFrame | None:
    """CSV/TSV bytes with pyarrow's multithreaded reader, all columns as text; None on any bad row."""
    if not header:
        return None
    invalid: list[object] = []

    def note_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(utf8),
            # One block, so one chunk per column: pyarrow compiles a pattern once per chunk, and
            # the column passes after this (RE2, 1.4 ms to compile the cleaning hint) cost 86
            # compiles a 90 MB file in 1 MB blocks.
            read_options=pacsv.ReadOptions(block_size=max(len(utf8), CSV_MIN_BLOCK_BYTES) + 1),
            parse_options=pacsv.ParseOptions(
                delimiter=sep,
                newlines_in_values=quoting,
                quote_char='"' if quoting else False,
                invalid_row_handler=note_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None
    return None if invalid else _unique_columns(table.to_pandas())


def _read_delimited(text: str, sep: str) -> tuple[pd.DataFrame, list[str]]:
    """CSV/TSV with pandas' C parser; bad lines are skipped and reported with their number."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                on_bad_lines="warn",
                # Never take the first column as an index when rows are one field longer.
                index_col=False,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            raise TableError(f"table does not parse: {one_line(exc)}") from exc
    messages = "\n".join(str(w.message) for w in caught if w.category is pd.errors.ParserWarning)
    reasons = [f"line {n}: {why}" for n, why in _BAD_LINE.findall(messages)]
    if _EXTRA_FIELDS in messages:
        reasons.append("rows have more fields than the header names; the extra fields were left out")
    return frame, reasons


def _read_json(text: str) -> tuple[pd.DataFrame, list[str]]:
    """A JSON array of objects, or an object wrapping one ({"articles": [...]})."""
    repeated: set[str] = set()
    try:
        value = json.loads(text, object_pairs_hook=_first_key_wins(repeated))
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # one object per line under a .json name
            return _read_jsonl(text)
        raise TableError(f"line {exc.lineno}: malformed JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise TableError(TOO_DEEP) from exc
    records = _unwrap_records(value)
    if records is None:
        raise TableError("JSON holds no list of article objects")
    if not records:
        raise TableError("JSON holds an empty list: no articles")
    objects = [r for r in records if isinstance(r, dict)]
    skipped = len(records) - len(objects)
    reasons = [f"{_plural(skipped, 'array item')} not an object, skipped"] if skipped else []
    return _records_frame(objects), [*_repeated_key_reasons(repeated), *reasons]


def _records_frame(objects: list[dict[str, Any]]) -> pd.DataFrame:
    """Records as a table; nested objects flattened to dotted columns ("source.name")."""
    if not any(isinstance(v, dict) for obj in objects[:JSON_NESTED_SAMPLE] for v in obj.values()):
        return pd.DataFrame.from_records(objects)
    return pd.json_normalize(objects, max_level=JSON_FLATTEN_LEVELS)


TOO_DEEP = "JSON nested too deeply to read (thousands of levels of [ or {)"


def _first_key_wins(repeated: set[str]) -> Any:
    """A json object_pairs_hook keeping a key's first value and noting keys that repeat."""

    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj  # the common case: no key twice, nothing more to do
        obj = {}
        for key, value in pairs:
            if key in obj:
                repeated.add(key)
            else:
                obj[key] = value
        return obj

    return build


def _repeated_key_reasons(repeated: set[str]) -> list[str]:
    """A reason per JSON key that appeared twice in one object."""
    return [
        f"key {_short(key)!r} appears twice in an object; the first value is read" for key in sorted(repeated)
    ]


def _unwrap_records(value: Any) -> list[Any] | None:
    """The list of records inside a JSON document, or None if there is none."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    for key in (*JSON_WRAPPER_KEYS, *value.keys()):
        inner = value.get(key)
        if isinstance(inner, list) and any(isinstance(item, dict) for item in inner):
            return inner
    nested = _deepest_list(value)
    if nested is not None:
        return nested
    return [value] if _find_column(list(value), "body") else None


def _deepest_list(value: dict[str, Any]) -> list[Any] | None:
    """The longest list of objects under any key, a few levels down ({"response": {"docs": []}})."""
    best: list[Any] | None = None
    level = [value]
    for _ in range(JSON_SEARCH_LEVELS):
        below = [v for d in level for v in d.values() if isinstance(v, dict)]
        for d in below:
            for inner in d.values():
                is_records = isinstance(inner, list) and any(isinstance(i, dict) for i in inner[:10])
                if is_records and (best is None or len(inner) > len(best)):
                    best = inner
        if best is not None:
            return best
        level = below
    return None


def _read_jsonl(text: str) -> tuple[pd.DataFrame, list[str]]:
    """One JSON object per line; a malformed line is reported and the rest still read."""
    records: list[dict[str, Any]] = []
    reasons: list[str] = []
    repeated: set[str] = set()
    hook = _first_key_wins(repeated)
    for number, line in _numbered_lines(text):
        if not line or line.isspace():
            continue
        try:
            value = json.loads(line, object_pairs_hook=hook)
        except json.JSONDecodeError as exc:
            reasons.append(f"line {number}: malformed JSON ({exc.msg}, column {exc.colno})")
            continue
        except RecursionError:
            reasons.append(f"line {number}: {TOO_DEEP}")
            continue
        if isinstance(value, dict):
            records.append(value)
        else:
            reasons.append(f"line {number}: not a JSON object")
    return pd.DataFrame.from_records(records), [*_repeated_key_reasons(repeated), *reasons]


def _read_jsonl_fast(utf8: bytes) -> tuple[pd.DataFrame, list[str]] | None:
    """JSON lines with pyarrow's reader when every line is one flat object of strings (a news
    export's usual shape), else None and _read_jsonl reads it, reporting each bad line.

    The frame is the one _read_jsonl builds: columns in order of first appearance, a missing key
    as a missing value. pyarrow refuses what Python's json refuses (control characters, lone
    surrogates) and more (a key twice, which _read_jsonl reports, NaN, comments), but not invalid
    UTF-8, checked after it; anything it reads differently (two objects on a line, blank lines,
    numbers, nested objects) is left to _read_jsonl by the checks below.
    """
    if b"\r" in utf8 or not utf8.startswith(b"{"):
        return None
    lines = utf8.count(b"\n") + (not utf8.endswith(b"\n"))
    if utf8.count(b"\n{") != lines - 1:  # a line that does not open an object, or a blank one
        return None
    try:
        options = pajson.ReadOptions(block_size=max(len(utf8), JSONL_BLOCK_BYTES))
        table = pajson.read_json(io.BytesIO(utf8), read_options=options)
    except Exception:  # pyarrow raises many types; the Python reader says which line is bad
        return None
    if table.num_rows != lines or not all(pa.types.is_string(t) for t in table.schema.types):
        return None
    try:  # pyarrow's JSON reader takes invalid UTF-8 into values and keys; the Python reader says where
        table.validate(full=True)
        return table.to_pandas(), []
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) for each line, any line end (CRLF, CR, LF), without a list of all lines."""
    start = 0
    number = 0
    for number, end in enumerate(_LINE_END.finditer(text), start=1):
        yield number, text[start : end.start()]
        start = end.end()
    if start < len(text):
        yield number + 1, text[start:]


def _read_parquet(data: bytes) -> pd.DataFrame:
    """A Parquet file as a DataFrame (list columns arrive as numpy arrays)."""
    try:
        return pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise TableError(f"parquet does not read: {one_line(exc)}") from exc


# --- rows into articles ---------------------------------------------------------------------


def frame_to_articles(
    frame: pd.DataFrame,
    origin: str,
    *,
    mapping: dict[str, str] | None = None,
    report: FileReport | None = None,
    decided: Decided | None = None,
    first_row: int = 0,
) -> tuple[list[RawArticle], list[str]]:
    """RawArticles of a table's rows, plus reasons (rows skipped) for the caller's Problems.
    A piece of a larger file numbers its rows ("row N" in each origin) from `first_row` + 1.

    `decided` holds the mapping of each column set met in earlier pieces of the same file: a
    piece with the same columns is read by it, as the file's report says, rather than profiled
    again (profiling the body sample of every 16 MB piece was a tenth of a CSV's read time)."""
    report = report if report is not None else FileReport(origin)
    frame = _unique_columns(frame)
    # The columns go to the report first: a file nothing maps is the one the analyst must map.
    report.header = report.header or shape.column_samples(frame)
    if mapping is None and (mapping := shape.saved_mapping(report.remembered, frame.columns)):
        report.mapping_from = "saved"
    elif mapping is not None:
        report.mapping_from = report.mapping_from or "given"
    columns = tuple(map(str, frame.columns))
    found = decided.get(columns) if decided is not None else None
    if found is None:
        found = resolve_mapping(frame, mapping)
        if decided is not None:
            decided[columns] = found
    _describe_mapping(report, found)
    report.rows += len(frame)
    frame = _fold_passages(frame, found, report)
    rows = _row_columns(frame, found, report)
    with _gc_paused():
        captions = found.get("captions") and column_lists(frame, found.get("captions"))
        articles = _build_articles(origin, rows, captions, first_row)
    skipped = len(frame) - len(articles)
    report.kept += len(articles)
    if skipped:
        body = found.get("body")
        why = f"empty {body!r} (the text column)" if body else "neither title nor text"
        report.skipped[f"rows with {why}"] += skipped
    return articles, [f"{_plural(skipped, 'row')} without text skipped"] if skipped else []


def _fold_passages(frame: pd.DataFrame, found: colmap.ColumnMapping, report: FileReport) -> pd.DataFrame:
    """Rows that are passages of one article (same id or title as their neighbours) as one row."""
    body = found.get("body")
    if body is None:
        return frame
    for key in (k for k in (id_column(frame), found.get("title")) if k):
        others = [c for f, c in found.columns.items() if f not in ("body", "captions") and c != key]
        folded, note = fold_rows(frame, body, [key], others)
        if note:
            report.notes.append(note)
            return folded
    return frame


def resolve_mapping(frame: pd.DataFrame, mapping: dict[str, str] | None = None) -> colmap.ColumnMapping:
    """Field -> column by the analyst's `mapping`, then names, then content; TableError if no text."""
    names = [str(c) for c in frame.columns]
    given: dict[str, str] = {}
    for field, wanted in (mapping or {}).items():
        if field not in FIELDS and field not in colmap.FIELDS:
            raise TableError(f"unknown field {field!r} in mapping (fields: {', '.join(FIELDS)})")
        if not wanted.strip():  # "body=": the analyst says no column holds this field
            given[field] = ""
            continue
        found = _match(names, wanted)
        if found is None:
            raise TableError(f"mapped column {wanted!r} not found (columns: {_listing(names)})")
        given[field] = found
    found_mapping = colmap.map_columns(frame, given)
    if not any(found_mapping.get(f) for f in ("body", "title", "lead")):
        raise TableError(f"no recognizable text column (columns: {_listing(names)})")
    return found_mapping


def resolve_columns(frame: pd.DataFrame, mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Our field -> the frame's column (see resolve_mapping)."""
    return dict(resolve_mapping(frame, mapping).columns)


def _describe_mapping(report: FileReport, found: colmap.ColumnMapping) -> None:
    """Put the mapping, how each field was found and sample values into the report."""
    report.columns.update(found.columns)
    report.chosen_by.update(found.why)
    report.samples.update(found.samples)
    if found.crawl_date:
        report.notes.append(f"dates are crawl times ({found.get('published')}): weak evidence")


def _row_columns(
    frame: pd.DataFrame, found: colmap.ColumnMapping, report: FileReport
) -> dict[str, list[Any]]:
    """Every field as one clean list per row, built with column operations."""
    texts = {f: _text_series(frame, found.get(f), paragraphs=f in ("body", "lead")) for f in colmap.FIELDS}
    bodies, removed = clean_bodies(texts["body"])
    report.removed.update(removed)
    lead, _ = clean_bodies(texts["lead"])
    titles = clean_short(texts["title"])
    published, order = normalize_dates(texts["published"])
    if order:
        report.date_order = order
    urls = texts["url"]
    source_column = texts["source"]
    if found.get("source") is None:
        titles, source_column = _outlet_suffixes(titles, source_column, report)
    sources = _outlets(source_column, urls)
    languages = _languages(texts["language"])
    return {
        "title": titles.tolist(),
        "body": bodies.tolist(),
        "lead": lead.tolist(),
        "published": published.tolist(),
        "url": urls.tolist(),
        "source": sources,
        "language": languages,
        # One RE2 pass finds the titles that may end in " - Outlet": only those go to the
        # per-title Python check (it was a tenth of a CSV's read time).
        "suffixed": titles.str.contains("[-–—|]", regex=True).tolist(),  # a superset of its matches
        "hint": "crawl" if found.crawl_date else None,
        "reference": _reference_times(frame, found),
        # A full-text export's row without text lost it; a headline export never had any.
        "needs_text": found.get("body") is not None,
    }


def _reference_times(frame: pd.DataFrame, found: colmap.ColumnMapping) -> list[str] | None:
    """The crawl-time column beside the publication date, per row: what relative dates count
    back from. None when the file has none (or its only date column is the crawl time)."""
    for name in frame.columns:
        tokens = colmap.name_tokens(str(name))
        if name != found.get("published") and any(t in colmap.CRAWL_TOKENS for t in tokens):
            return _text_series(frame, str(name)).tolist()
    return None


def _text_series(frame: pd.DataFrame, name: str | None, *, paragraphs: bool = False) -> pd.Series:
    """A column as stripped strings, missing and NA tokens as ""."""
    if name is None:
        return pd.Series([""] * len(frame), dtype="string")
    column = frame[name]
    if isinstance(column.dtype, pd.StringDtype) and not (paragraphs and column.str.startswith("[").any()):
        values = column.fillna("").str.strip()  # no list detour: a 200 MB column is not copied
    else:
        values = pd.Series(
            column_texts(frame, name, paragraphs=paragraphs), dtype="string", index=frame.index
        )
    # NA tokens are a few ASCII bytes: only values that short are looked up. Byte lengths come
    # from the offsets; counting characters and hashing every 5 KB body cost 0.1 s a column.
    short = pc.binary_length(pa.array(values.array)).to_numpy(zero_copy_only=False) <= NA_MAX_CHARS
    missing = np.zeros(len(values), dtype=bool)
    missing[short] = values[short].isin(NA_TOKENS).to_numpy(dtype=bool)
    return values.where(~missing, "") if missing.any() else values


def _outlet_suffixes(
    titles: pd.Series, sources: pd.Series, report: FileReport
) -> tuple[pd.Series, pd.Series]:
    """Titles written "Headline - Outlet" (Google News) give the outlet when no column does.

    Only when most titles carry such a suffix and the suffixes repeat: one "Iran - Oman talks"
    among plain headlines is a headline, not an outlet.
    """
    if titles.head(SUFFIX_SAMPLE_ROWS).str.contains(_SUFFIX_HINT, regex=True).mean() < MIN_SUFFIX_SHARE:
        return titles, sources  # the common case, judged on a sample: no pass over every title
    suffix = titles.str.extract(_OUTLET_SUFFIX, expand=False)
    found = suffix.notna()
    if found.mean() < MIN_SUFFIX_SHARE or suffix[found].nunique() > MAX_SUFFIX_DISTINCT_SHARE * found.sum():
        return titles, sources
    report.notes.append(f'outlet from the title suffix ("Headline - Outlet") in {int(found.sum())} rows')
    stripped = titles.str.replace(_OUTLET_SUFFIX, "", regex=True).str.rstrip()
    return titles.where(~found, stripped), sources.where(~found, suffix.str.strip())


def _outlets(sources: pd.Series, urls: pd.Series) -> list[str]:
    """The outlet per row: the source column's value, mapped once per distinct value."""
    names = {v: outlet_name(v) for v in sources.unique().tolist() if v}
    # Rows without one keep "" (the file name stands in); the pipeline then names the URL's site.
    return [names.get(v, "") for v in sources.tolist()]


def _languages(values: pd.Series) -> list[str | None]:
    """ISO codes from a language column ("English" -> "en"), None where it says nothing."""
    from loaders.language import language_code

    codes = {v: language_code(v) for v in values.unique().tolist() if v}
    return [codes.get(v) for v in values.tolist()]


def _build_articles(
    origin: str, rows: dict[str, Any], captions: list[list[str]] | None, first_row: int = 0
) -> list[RawArticle]:
    """One RawArticle per row with a title, body or lead (the columns are already clean)."""
    default_source = Path(origin.split(" > ")[-1]).name  # an archive member by its own name
    articles = []
    titles, bodies, leads = rows["title"], rows["body"], rows["lead"]
    for row, body in enumerate(bodies):
        title, lead, url = titles[row], leads[row], rows["url"][row] or None
        source = rows["source"][row]
        if not (body or lead) if rows["needs_text"] else not (title or lead):
            continue
        if title and source and rows["suffixed"][row]:
            title = split_title_outlet(title, source)
        if not body and lead and not _repeats_title(lead, title):
            body = lead  # headline-only exports: the description is the lead paragraph
        articles.append(
            RawArticle(
                title=title or first_sentence(body) or title_from_slug(url) or first_sentence(lead),
                body=body,
                captions=captions[row] if captions else [],
                source=source or default_source,
                url=url,
                published_meta=rows["published"][row] or None,
                origin=f"{origin}:row {first_row + row + 1}",
                language=rows["language"][row],
                date_hint=rows["hint"],
                reference_time=rows["reference"][row] or None if rows["reference"] else None,
            )
        )
    return articles


def _repeats_title(lead: str, title: str) -> bool:
    """True if a lead only repeats the headline (Google News puts "Title  Outlet" there)."""
    return bool(title) and lead.startswith(title[: max(20, len(title) // 2)])


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building a million acyclic records: it halves the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def column_texts(frame: pd.DataFrame, name: str | None, *, paragraphs: bool = False) -> list[str]:
    """A column as stripped strings ("" when missing); paragraphs=True joins list cells."""
    if name is None:
        return [""] * len(frame)
    column = frame[name]
    if not isinstance(column.dtype, pd.StringDtype):
        convert = body_text if paragraphs else cell_text
        return [convert(value) for value in column.tolist()]
    # Text columns (every CSV column) are stripped in one vectorized pass, not cell by cell.
    values = column.fillna("").str.strip()
    if paragraphs:
        listed = values.str.startswith("[") & values.str.endswith("]")
        if listed.any():
            values = values.astype(object)
            values[listed] = [body_text(v) for v in values[listed].tolist()]
    return values.tolist()


def column_lists(frame: pd.DataFrame, name: str | None) -> list[list[str]] | None:
    """A captions column as lists of strings, or None when the table has none."""
    return None if name is None else [cell_list(value) for value in frame[name].tolist()]


def _unique_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with repeated column names renamed "name (2)": the first keeps its name."""
    if not frame.columns.duplicated().any():
        return frame
    seen: dict[str, int] = {}
    renamed = []
    for name in map(str, frame.columns):
        seen[name] = seen.get(name, 0) + 1
        renamed.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return frame.set_axis(renamed, axis=1)


def _listing(names: Sequence[str]) -> str:
    """Column names for a message, shortened and capped."""
    if not names:
        return "none"
    shown = ", ".join(_short(n) for n in names[:MAX_LISTED_COLUMNS])
    rest = len(names) - MAX_LISTED_COLUMNS
    return f"{shown} and {rest} more" if rest > 0 else shown


def _short(name: str) -> str:
    """A name cut to MAX_LISTED_NAME_CHARS, on one line."""
    name = " ".join(name.split())
    return name if len(name) <= MAX_LISTED_NAME_CHARS else name[: MAX_LISTED_NAME_CHARS - 1] + "…"


def _match(names: Sequence[str], wanted: str) -> str | None:
    """The column named `wanted`, compared case- and space-insensitively."""
    key = wanted.strip().lower()
    return next((n for n in names if n.strip().lower() == key), None)


def _find_column(names: Sequence[str], field: str) -> str | None:
    """The first candidate column for a field that the table has."""
    for candidate in COLUMN_CANDIDATES[field]:
        found = _match(names, candidate)
        if found is not None:
            return found
    return None


# --- cells ----------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as stripped text: missing values become "", lists become paragraphs."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list | tuple | np.ndarray):
        return "\n\n".join(t for t in map(_scalar_text, _flatten(value)) if t)
    return _scalar_text(value)


def _scalar_text(value: Any) -> str:
    """A non-list cell as stripped text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, dict) and pd.isna(value):
        return ""
    try:
        return str(value).strip()
    except RecursionError:  # an object nested thousands deep is no text anyway
        return ""


def _flatten(value: Any) -> Iterator[Any]:
    """The leaves of nested lists in order, without recursion (JSON allows ~1,000 levels)."""
    stack = [iter(value)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list | tuple | np.ndarray):
                stack.append(iter(item))
                break
            yield item
        else:
            stack.pop()


def body_text(value: Any) -> str:
    """A body cell as text; a list of paragraphs (also as a list-repr string) joins with \\n\\n."""
    if isinstance(value, str):
        paragraphs = parse_list_repr(value.strip())
        if paragraphs is not None:
            return "\n\n".join(paragraphs)
    return cell_text(value)


def cell_list(value: Any) -> list[str]:
    """A captions cell as a list of distinct non-empty strings."""
    if isinstance(value, str):
        parsed = parse_list_repr(value.strip())
        items = parsed if parsed is not None else [value]
    elif isinstance(value, list | tuple | np.ndarray):
        items = [_scalar_text(v) for v in _flatten(value)]
    else:
        items = [cell_text(value)]
    return list(dict.fromkeys(t.strip() for t in items if t and t.strip()))


def parse_list_repr(text: str) -> list[str] | None:
    """Paragraphs of "['para 1', \"para 2\"]" (Python repr or JSON array), or None."""
    if not (text.startswith("[") and text.endswith("]")) or len(text) > LIST_REPR_MAX_CHARS:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    return [t for t in map(cell_text, value) if t]


def first_sentence(text: str) -> str:
    """The body's first sentence as a stand-in title, cut at a word near TITLE_MAX_CHARS.

    A dateline ("WASHINGTON —") is left out, and a full stop after an abbreviation or an initial
    ("Mr.", "U. S.") or before a lowercase word ("npr. org") does not end the sentence.
    """
    paragraph = text.strip().split("\n", 1)[0]
    undated = (
        _DATELINE.sub("", paragraph, count=1)
        if paragraph[:3].isalpha() and paragraph[:3].isupper()
        else paragraph
    )
    if len(undated) >= TITLE_MIN_CHARS:
        paragraph = undated
    ends = (m.end() for m in _SENTENCE_END.finditer(paragraph) if _ends_sentence(paragraph, m))
    sentence = paragraph[: next(ends, len(paragraph))]
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence
    cut = sentence[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """True if the stop at `match` ends a sentence (not "Mr.", "U. S.", "npr. org")."""
    if match.end() < TITLE_MIN_CHARS:
        return False
    following = text[match.end() : match.end() + 2].lstrip()
    if following[:1].islower():
        return False
    word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
    word = word.lstrip("\"'“‘(").lower()
    return not (len(word) == 1 or "." in word or word in ABBREVIATIONS)


def title_from_slug(url: str | None) -> str:
    """A headline from the URL's last readable path segment ("israel-and-iran-resume-talks")."""
    if not url:
        return ""
    path = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for segment in reversed(path.split("/")[3:]):
        words = _SLUG_WORDS.findall(unquote(segment).replace("_", "-"))
        if len(words) >= SLUG_MIN_WORDS:
            return " ".join(words).capitalize()
    return ""


def _plural(count: int, noun: str) -> str:
    """ "1 row", "12 rows"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _capped(reasons: list[str]) -> list[str]:
    """At most MAX_ROW_PROBLEMS reasons, the rest summed up in one more."""
    if len(reasons) <= MAX_ROW_PROBLEMS:
        return reasons
    rest = len(reasons) - MAX_ROW_PROBLEMS
    return [*reasons[:MAX_ROW_PROBLEMS], f"... and {rest} more problems in this file"]
