"""The editable gazetteer tables (loaders/gazetteer/*.csv), read one way for every user."""

from __future__ import annotations

import csv
from pathlib import Path

GAZETTEER_DIR = Path(__file__).parent / "gazetteer"


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows of one gazetteer CSV, cells stripped; a missing table has no rows."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def split_aliases(text: str) -> list[str]:
    """An aliases cell ("UN|United Nations") as its phrases."""
    return [a.strip() for a in (text or "").split("|") if a.strip()]
