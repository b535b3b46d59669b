"""CSV/TSV/JSON/JSONL/Parquet files into RawArticle records, with column auto-mapping.

Columns are matched case-insensitively against the candidate names below, first match wins;
`mapping` ({our field: file column}) overrides the guess. A body stored as a list of paragraphs
(JSON array, Parquet list, or a Python-list repr string) is joined with blank lines. A row with a
body but no title gets the body's first sentence as its title; rows without text are skipped and
counted in one Problem.
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

import ftfy
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from loaders.schema import Problem, RawArticle

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
JSON_WRAPPER_KEYS = ("articles", "items", "entries", "data", "results", "records", "stories")

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
URL_SAMPLE_ROWS = 100

UNDECODABLE = "cannot decode text (tried UTF-8, UTF-16, cp1252)"
_MOJIBAKE = re.compile("â€|Ã[\u0080-\u00bf\u0152-\u2122\u20ac]|Â[\u00a0-\u00bf]")
_MOJIBAKE_MARKERS = ("â€", "Ã", "Â")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s|$)")
_BAD_LINE = re.compile(r"Skipping line (\d+): (.+)")


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
) -> tuple[list[RawArticle], list[Problem]]:
    """Articles and problems of table bytes of a kind ("csv", "tsv", "json", "jsonl", "parquet")."""
    try:
        frame, reasons = load_frame(data, kind)
        articles, more = frame_to_articles(frame, origin, mapping=mapping)
    except TableError as exc:
        return [], [Problem(origin, str(exc))]
    except Exception as exc:  # a damaged file must not stop a batch of thousands
        return [], [Problem(origin, f"unexpected error: {type(exc).__name__}: {_one_line(exc)}")]
    return articles, [Problem(origin, reason) for reason in [*_capped(reasons), *more]]


def load_frame(data: bytes, kind: str) -> tuple[pd.DataFrame, list[str]]:
    """The file as a DataFrame plus reasons for rows that were dropped while parsing."""
    if kind == "parquet":
        return _read_parquet(data), []
    raw, encoding = decode_raw(data)
    text = repair_mojibake(raw)
    if not text or text.isspace():  # isspace, not strip: no copy of a 200 MB string
        raise TableError("empty file")
    if kind == "json":
        return _read_json(text)
    if kind == "jsonl":
        return _read_jsonl(text)
    sep = "\t" if kind == "tsv" else sniff_delimiter(text)
    # Unchanged UTF-8 goes to pyarrow as it is: re-encoding 200 MB costs a second.
    utf8 = data.removeprefix(codecs.BOM_UTF8) if encoding == "utf-8-sig" and text is raw else None
    # pyarrow reads clean files several times faster; pandas re-reads a file with bad lines
    # because only its parser can say which line numbers they were.
    frame = _read_delimited_fast(text, sep, utf8)
    return (frame, []) if frame is not None else _read_delimited(text, sep)


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


def _sniff_encoding(head: bytes) -> str:
    """The encoding to try first, from the byte-order mark or the NUL pattern of the head."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _looks_utf16le(head):
        return "utf-16-le"
    if b"\x00" in head:
        raise TableError("binary file (not text)")
    return "utf-8-sig"


def _decode(data: bytes, encoding: str) -> str | None:
    """The decoded text, or None if the bytes are not in that encoding."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_utf16le(head: bytes) -> bool:
    """True for BOM-less UTF-16LE ASCII-range text: NUL in most odd bytes, none in even ones."""
    odd, even = head[1::2], head[0::2]
    return len(head) >= 4 and odd.count(0) > 0.9 * len(odd) and even.count(0) == 0


def repair_mojibake(text: str) -> str:
    """Fix UTF-8-read-as-cp1252 ("â€™" -> "’") on suspect lines only: ftfy on all text is slow."""
    # Substring tests are memchr-fast; the regex alone takes seconds on a 200 MB file.
    if not any(marker in text for marker in _MOJIBAKE_MARKERS) or not _MOJIBAKE.search(text):
        return text
    lines = text.split("\n")
    return "\n".join(ftfy.fix_encoding(ln) if _MOJIBAKE.search(ln) else ln for ln in lines)


# --- parsing each format --------------------------------------------------------------------


def first_line(text: str) -> str:
    """The text up to its first newline, without copying the rest (split would)."""
    end = text.find("\n")
    return (text if end < 0 else text[:end]).rstrip("\r")


def sniff_delimiter(text: str) -> str:
    """The delimiter the header line uses most (comma, semicolon, tab or pipe)."""
    header = first_line(text)
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_delimited_fast(text: str, sep: str, utf8: bytes | None) -> pd.DataFrame | None:
    """CSV/TSV with pyarrow's multithreaded reader, all columns as text; None on any bad row."""
    header = next(csv.reader([first_line(text)], delimiter=sep), [])
    invalid: list[object] = []

    def note_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(utf8 if utf8 is not None else text.encode("utf-8")),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, invalid_row_handler=note_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None
    return None if invalid else table.to_pandas()


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
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            raise TableError(f"table does not parse: {_one_line(exc)}") from exc
    messages = "\n".join(str(w.message) for w in caught if w.category is pd.errors.ParserWarning)
    return frame, [f"line {n}: {why}" for n, why in _BAD_LINE.findall(messages)]


def _read_json(text: str) -> tuple[pd.DataFrame, list[str]]:
    """A JSON array of objects, or an object wrapping one ({"articles": [...]})."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # one object per line under a .json name
            return _read_jsonl(text)
        raise TableError(f"line {exc.lineno}: malformed JSON ({exc.msg})") from exc
    records = _unwrap_records(value)
    if records is None:
        raise TableError("JSON holds no list of article objects")
    objects = [r for r in records if isinstance(r, dict)]
    skipped = len(records) - len(objects)
    reasons = [f"{_plural(skipped, 'array item')} not an object, skipped"] if skipped else []
    return pd.DataFrame.from_records(objects), reasons


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
    return [value] if _find_column(list(value), "body") else None


def _read_jsonl(text: str) -> tuple[pd.DataFrame, list[str]]:
    """One JSON object per line; a malformed line is reported and the rest still read."""
    records: list[dict[str, Any]] = []
    reasons: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            reasons.append(f"line {number}: malformed JSON ({exc.msg}, column {exc.colno})")
            continue
        if isinstance(value, dict):
            records.append(value)
        else:
            reasons.append(f"line {number}: not a JSON object")
    return pd.DataFrame.from_records(records), reasons


def _read_parquet(data: bytes) -> pd.DataFrame:
    """A Parquet file as a DataFrame (list columns arrive as numpy arrays)."""
    try:
        return pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise TableError(f"parquet does not read: {_one_line(exc)}") from exc


# --- rows into articles ---------------------------------------------------------------------


def frame_to_articles(
    frame: pd.DataFrame, origin: str, *, mapping: dict[str, str] | None = None
) -> tuple[list[RawArticle], list[str]]:
    """RawArticles of a table's rows, plus reasons (rows skipped) for the caller's Problems."""
    columns = resolve_columns(frame, mapping)
    bodies = column_texts(frame, columns["body"], paragraphs=True)
    titles, published, urls, sources = (
        column_texts(frame, columns.get(field)) for field in ("title", "published", "url", "source")
    )
    captions = column_lists(frame, columns.get("captions"))
    with _gc_paused():
        articles = _build_articles(
            origin, bodies, titles, published, urls, sources, captions, Path(origin).name
        )
    skipped = len(frame) - len(articles)
    return articles, [f"{_plural(skipped, 'row')} without text skipped"] if skipped else []


def _build_articles(
    origin: str,
    bodies: list[str],
    titles: list[str],
    published: list[str],
    urls: list[str],
    sources: list[str],
    captions: list[list[str]] | None,
    default_source: str,
) -> list[RawArticle]:
    """One RawArticle per row with a body (the columns are already clean strings)."""
    return [
        RawArticle(
            title=titles[row] or first_sentence(body),
            body=body,
            captions=captions[row] if captions is not None else [],
            source=sources[row] or default_source,
            url=urls[row] or None,
            published_meta=published[row] or None,
            origin=f"{origin}:row {row + 1}",
        )
        for row, body in enumerate(bodies)
        if body
    ]


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


def resolve_columns(frame: pd.DataFrame, mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Our field -> the frame's column: `mapping` first, then candidate names."""
    names = [str(c) for c in frame.columns]
    listing = ", ".join(names) or "none"
    columns: dict[str, str] = {}
    for field, wanted in (mapping or {}).items():
        if field not in FIELDS:
            raise TableError(f"unknown field {field!r} in mapping (fields: {', '.join(FIELDS)})")
        found = _match(names, wanted)
        if found is None:
            raise TableError(f"mapped column {wanted!r} not found (columns: {listing})")
        columns[field] = found
    for field in FIELDS:
        if field not in columns:
            found = _find_url_column(frame) if field == "url" else _find_column(names, field)
            if found is not None:
                columns[field] = found
    if "body" not in columns:
        raise TableError(f"no recognizable text column (columns: {listing})")
    return columns


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


def _find_url_column(frame: pd.DataFrame) -> str | None:
    """The URL column, preferring one with full http URLs over a relative href."""
    names = [str(c) for c in frame.columns]
    present = [n for c in COLUMN_CANDIDATES["url"] if (n := _match(names, c)) is not None]
    for name in present:
        sample = [cell_text(v) for v in frame[name].head(URL_SAMPLE_ROWS).tolist()]
        if any(v.startswith(("http://", "https://")) for v in sample):
            return name
    return present[0] if present else None


# --- cells ----------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as stripped text: missing values become "", lists become paragraphs."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list | tuple | np.ndarray):
        return "\n\n".join(t for t in map(cell_text, value) if t)
    if not isinstance(value, dict) and pd.isna(value):
        return ""
    return str(value).strip()


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
        items = [cell_text(v) for v in value]
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
    """The body's first sentence as a stand-in title, cut at a word near TITLE_MAX_CHARS."""
    paragraph = text.strip().split("\n", 1)[0]
    ends = (m.end() for m in _SENTENCE_END.finditer(paragraph) if m.end() >= TITLE_MIN_CHARS)
    sentence = paragraph[: next(ends, len(paragraph))]
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence
    cut = sentence[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _plural(count: int, noun: str) -> str:
    """ "1 row", "12 rows"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _capped(reasons: list[str]) -> list[str]:
    """At most MAX_ROW_PROBLEMS reasons, the rest summed up in one more."""
    if len(reasons) <= MAX_ROW_PROBLEMS:
        return reasons
    rest = len(reasons) - MAX_ROW_PROBLEMS
    return [*reasons[:MAX_ROW_PROBLEMS], f"... and {rest} more problems in this file"]
