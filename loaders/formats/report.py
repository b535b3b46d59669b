"""How one file was read, as a record the ingest summary and the upload panel can show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# How the summary names where a mapping came from.
MAPPING_FROM = {"": "mapping", "given": "mapping (chosen)", "saved": "mapping (your saved mapping)"}


@dataclass
class FileReport:
    """One file: its kind, the column mapping with sample values, the date order, rows kept/skipped."""

    path: str
    kind: str = ""  # "csv", "tsv", "json", "rss", "html listing", "zip > json", ...
    columns: dict[str, str] = field(default_factory=dict)  # field -> column (or "derived: ...")
    chosen_by: dict[str, str] = field(default_factory=dict)  # field -> "name" | "content" | "given"
    samples: dict[str, list[str]] = field(default_factory=dict)
    date_order: str = ""
    rows: int = 0
    kept: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> rows
    removed: Counter[str] = field(default_factory=Counter)  # boilerplate rule -> paragraphs
    languages: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    # The file's columns in order, each with its first sample values (tables and JSON only).
    header: dict[str, list[str]] = field(default_factory=dict)
    # Where the mapping came from: "" (guessed), "given" (--map, the upload preview) or "saved"
    # (the analyst's earlier choice for a table of this header shape).
    mapping_from: str = ""
    # Input, not outcome: the analyst's saved mappings by header shape (loaders/formats/shape.py),
    # consulted when no mapping is given. Kept out of the summary.
    remembered: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def __str__(self) -> str:
        parts = [self.kind or "?", f"{self.kept} of {self.rows} kept" if self.rows else f"{self.kept} kept"]
        if self.columns:
            label = MAPPING_FROM[self.mapping_from] if self.takes_mapping else "mapping"
            parts.append(f"{label} " + ", ".join(f"{f}<-{c}" for f, c in self.columns.items()))
        if self.date_order:
            parts.append(f"dates {self.date_order}")
        parts += [f"skipped {n}: {why}" for why, n in self.skipped.items()]
        if self.removed:
            parts.append("removed " + ", ".join(f"{rule} x{n}" for rule, n in self.removed.items()))
        if self.languages:
            parts.append("languages " + ", ".join(f"{lang} {n}" for lang, n in self.languages.most_common(5)))
        parts += self.notes
        return "; ".join(parts)

    def merge(self, other: FileReport) -> None:
        """Add a member's report (zip members, several tables) into this one."""
        self.rows += other.rows
        self.kept += other.kept
        self.skipped.update(other.skipped)
        self.removed.update(other.removed)
        self.languages.update(other.languages)
        self.notes += [n for n in other.notes if n not in self.notes]
        self.mapping_from = self.mapping_from or other.mapping_from
        for name in ("columns", "chosen_by", "samples", "header"):
            for key, value in getattr(other, name).items():
                getattr(self, name).setdefault(key, value)
        self.date_order = self.date_order or other.date_order

    @property
    def takes_mapping(self) -> bool:
        """True for a table or JSON file, whose fields an analyst may map to its columns."""
        return bool(self.header) and not self.kind.startswith(("html", "feed"))
