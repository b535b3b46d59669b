"""The upload preview: how each uploaded file would be read, before anything is stored.

The child process (storage/worker.py, `preview`) inspects each file as `python -m storage
inspect` does (loaders/inspect.py: the head of a large line-based file only), with the saved
mappings of the store the analyst adds to; the parent gets one FilePreview per file. Nothing
here writes to a store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from loaders.formats.columns import FIELDS
from loaders.formats.shape import fingerprint
from loaders.formats.sniff import iter_input_files
from storage.mappings import saved_mappings

# The fields an analyst may map, in the order the preview lists them.
MAPPABLE_FIELDS = FIELDS
# Notes and problems listed per file.
MAX_LINES = 8


@dataclass
class FilePreview:
    """One uploaded file as the preview shows it."""

    name: str
    kind: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # field -> column, as guessed (or saved)
    chosen_by: dict[str, str] = field(default_factory=dict)
    header: dict[str, list[str]] = field(default_factory=dict)  # column -> sample values
    date_order: str = ""
    rows: int = 0
    kept: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    head_only: bool = False
    mapping_from: str = ""  # "saved": the analyst's saved mapping for this header shape
    takes_mapping: bool = False  # a table or JSON file: each field may be set to a column
    shape: str = ""  # the header fingerprint a chosen mapping is saved under

    @property
    def readable(self) -> bool:
        """False when the file gives no articles as it stands and cannot be mapped into giving some."""
        return bool(self.kept) or self.takes_mapping

    def samples(self, column: str | None) -> list[str]:
        """Sample values of one of the file's columns (none for "none")."""
        return self.header.get(column, []) if column else []

    def mapping_with(self, choices: dict[str, str | None]) -> dict[str, str] | None:
        """The full field -> column mapping when the analyst changed any field, else None (the
        ingest then reads the file as previewed: the saved mapping or the guess)."""
        wanted = {f: choices.get(f, self.columns.get(f)) or "" for f in MAPPABLE_FIELDS}
        shown = {f: self.columns.get(f, "") for f in MAPPABLE_FIELDS}
        return wanted if wanted != shown else None


def preview_folder(folder: Path, store: Path, chosen: dict[str, dict[str, str]] | None = None) -> list[dict]:
    """Every file in folder (uploads, in their order) as FilePreview fields; `chosen`: the
    analyst's mapping by file name, for files read with one. Runs in the child."""
    from loaders.inspect import inspect_file  # the readers load here, under the child's limits

    remembered = saved_mappings(store)
    previews = []
    for path in iter_input_files([folder]):
        mapping = (chosen or {}).get(path.name)
        report, problems, head_only = inspect_file(path, mapping=mapping, remembered=remembered)
        preview = FilePreview(
            name=path.name,
            kind=report.kind,
            columns=dict(report.columns),
            chosen_by=dict(report.chosen_by),
            header=dict(report.header),
            date_order=report.date_order,
            rows=report.rows or report.kept,
            kept=report.kept,
            skipped=dict(report.skipped),
            notes=report.notes[:MAX_LINES],
            problems=problems[:MAX_LINES],
            head_only=head_only,
            mapping_from=report.mapping_from,
            takes_mapping=report.takes_mapping,
            shape=fingerprint(report.header),
        )
        previews.append(asdict(preview))
    return previews


def preview_uploads(
    files: list[tuple[str, bytes]], store: Path, mappings: list[dict[str, str] | None] | None = None
) -> list[FilePreview]:
    """How each (name, content) upload would be read, with the store's saved mappings or the
    analyst's `mappings` (one per file, None: as guessed); one FilePreview per file, in order,
    under the file's own name."""
    from storage.worker import IngestStopped, run_preview  # late: the panel imports this at start

    try:
        answers = run_preview(files, store, mappings=mappings)
    except IngestStopped:
        if len(files) == 1:
            raise
        # One file broke the child (a limit): each file alone, so the others still preview.
        return [_alone(one, store, m) for one, m in zip(files, mappings or [None] * len(files), strict=True)]
    return [
        FilePreview(**{**answer, "name": Path(name).name})
        for (name, _), answer in zip(files, answers, strict=True)
    ]


def _alone(upload: tuple[str, bytes], store: Path, mapping: dict[str, str] | None = None) -> FilePreview:
    """The preview of one file in a child of its own; a file that stops it is its own Problem."""
    from storage.worker import IngestStopped

    try:
        return preview_uploads([upload], store, [mapping])[0]
    except IngestStopped as error:
        return FilePreview(Path(upload[0]).name, problems=[str(error).replace("ingest", "preview", 1)])
