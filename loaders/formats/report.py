"""How one file was read, as a record the ingest summary and the upload panel can show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


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

    def __str__(self) -> str:
        parts = [self.kind or "?", f"{self.kept} of {self.rows} kept" if self.rows else f"{self.kept} kept"]
        if self.columns:
            parts.append("mapping " + ", ".join(f"{f}<-{c}" for f, c in self.columns.items()))
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
        for name in ("columns", "chosen_by", "samples"):
            for key, value in getattr(other, name).items():
                getattr(self, name).setdefault(key, value)
        self.date_order = self.date_order or other.date_order
