"""How each file would be read (`python -m storage inspect FILE...`), without storing anything.

Prints per file the kind, the field -> column mapping with three sample values each, the date
order and what would be skipped. Line-based files (CSV, TSV, JSON lines, text) are judged by
their head only (HEAD_BYTES, cut at a line end), so a 200 MB export answers in about a second.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from loaders.formats.report import FileReport
from loaders.formats.sniff import MAX_FILE_BYTES, iter_input_files, read_file_report

MB = 1024 * 1024
HEAD_BYTES = 2 * MB
# Files of these kinds can be cut at a line end and still read as the same kind.
LINE_SUFFIXES = frozenset({".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".txt", ""})
SAMPLE_CHARS = 60


def inspect_file(
    path: Path,
    mapping: dict[str, str] | None = None,
    remembered: dict[str, dict[str, str]] | None = None,
) -> tuple[FileReport, list[str], bool]:
    """(report, problems, whether only the head was read) for one file. `remembered`: the
    analyst's saved mappings by header shape, used when no mapping is given (as ingest does)."""
    head = _head(path)
    if head is None:
        _, problems, report = read_file_report(path, mapping=mapping, remembered=remembered)
        return report, [p.reason for p in problems], False
    with tempfile.NamedTemporaryFile(suffix=path.suffix, prefix=path.stem[:40] + "-head-") as copy:
        copy.write(head)
        copy.flush()
        _, problems, report = read_file_report(Path(copy.name), mapping=mapping, remembered=remembered)
    report.path = str(path)
    reasons = [p.reason for p in problems]
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # the head reads; the whole file would be refused
        reasons.append(f"file too large ({size / MB:.1f} MB > limit {MAX_FILE_BYTES / MB:.0f} MB)")
    return report, reasons, True


def _head(path: Path) -> bytes | None:
    """The head of a large line-based file, cut at a line end; None means read it all."""
    try:
        if path.stat().st_size <= HEAD_BYTES or path.suffix.lower() not in LINE_SUFFIXES:
            return None
        with path.open("rb") as handle:
            data = handle.read(HEAD_BYTES)
    except OSError:
        return None
    return data[: data.rfind(b"\n") + 1] or data


def describe(report: FileReport, problems: list[str], head_only: bool) -> list[str]:
    """Lines a person reads: kind, mapping with samples, dates, skipped rows, notes."""
    lines = [
        f"{report.path}",
        f"  kind       {report.kind or '?'}" + ("  (judged by its head)" if head_only else ""),
    ]
    if report.mapping_from == "saved":
        lines.append("  mapping    using your saved mapping for files of this header shape")
    for field, column in report.columns.items():
        samples = " | ".join(s[:SAMPLE_CHARS] for s in report.samples.get(field, [])[:3])
        how = report.chosen_by.get(field, "")
        lines.append(f"  {field:<10} <- {column!r} ({how})  e.g. {samples}")
    if report.date_order:
        lines.append(f"  dates      {report.date_order}")
    lines.append(f"  rows       {report.kept} kept of {report.rows or report.kept}")
    lines += [f"  skipped    {n}: {why}" for why, n in report.skipped.items()]
    if report.languages:
        lines.append("  languages  " + ", ".join(f"{k} {n}" for k, n in report.languages.most_common(6)))
    lines += [f"  note       {note}" for note in report.notes]
    lines += [f"  problem    {reason}" for reason in problems]
    return lines


def main(paths: list[str], remembered: dict[str, dict[str, str]] | None = None) -> int:
    """Print the inspection of every file under paths (with the store's saved mappings)."""
    for path in iter_input_files(paths):
        print("\n".join(describe(*inspect_file(path, remembered=remembered))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
