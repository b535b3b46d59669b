"""The editable gazetteer tables (loaders/gazetteer/*.csv), read one way for every user, and the
country shapes the map draws (country_shapes.geojson, written by tools/country_shapes.py)."""

from __future__ import annotations

import csv
import json
import os
from functools import lru_cache
from pathlib import Path

GAZETTEER_DIR = Path(__file__).parent / "gazetteer"
# A folder of edited gazetteer tables to tag with instead of the shipped ones: ingest and
# `python -m storage retag` read the same rules, so a store is never tagged by two rule sets.
RULES_ENV = "COVERAGE_GAZETTEER"


def rules_dir() -> Path:
    """The gazetteer folder tagging reads: $COVERAGE_GAZETTEER, else the shipped one."""
    return Path(os.environ.get(RULES_ENV) or GAZETTEER_DIR)


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows of one gazetteer CSV, cells stripped; a missing table has no rows."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def split_aliases(text: str) -> list[str]:
    """An aliases cell ("UN|United Nations") as its phrases."""
    return [a.strip() for a in (text or "").split("|") if a.strip()]


@lru_cache(maxsize=1)
def country_shapes() -> dict:
    """Country outlines as a GeoJSON FeatureCollection, each feature's id its ISO alpha-3 code.
    Shipped with the project (Natural Earth, public domain): the map never fetches geometry."""
    return json.loads((GAZETTEER_DIR / "country_shapes.geojson").read_text(encoding="utf-8"))
