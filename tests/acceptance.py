"""Acceptance checks on ../shared (seeds and real corpora): `python -m tests.acceptance ../shared`.

Not part of the project's own suite: the suite must pass on a fresh clone without ../shared.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from loaders import load_articles
from storage.ingest import ingest

# (title words, expected date, countries that must be primary)
SEED_EXPECTATIONS = (
    ("Lavrov", date(2020, 9, 24), {"RUS", "IRN"}),
    ("Arab Foreign Ministers", date(2024, 11, 25), {"JOR", "EGY"}),
    ("Lebanese Politician", date(2024, 11, 25), {"LBN", "ISR"}),
)


def check_seeds(seeds: Path) -> list[str]:
    """The seeds give exactly 3 articles with their dates and primary countries."""
    articles, problems = load_articles([seeds])
    failures = [f"seed problem: {p}" for p in problems]
    if len(articles) != 3:
        failures.append(f"seeds gave {len(articles)} articles, expected 3")
    for words, day, countries in SEED_EXPECTATIONS:
        rows = articles[articles["title"].str.contains(words, regex=False)]
        if len(rows) != 1:
            failures.append(f"{words!r}: {len(rows)} articles")
            continue
        row = rows.iloc[0]
        published = None if pd.isna(row["published"]) else row["published"].date()
        if published != day:
            failures.append(f"{words!r}: dated {published}, expected {day}")
        if not countries <= set(row["countries_primary"]):
            failures.append(f"{words!r}: primary {row['countries_primary']}, expected {sorted(countries)}")
    return failures


def check_corpora(corpora: Path) -> list[str]:
    """Every file of the real corpora ingests into a store; none is rejected."""
    with tempfile.TemporaryDirectory() as folder:
        report = ingest([corpora], Path(folder) / "store")
        again = ingest([corpora], Path(folder) / "store")
    print("\n".join(report.lines()))
    read = {p.path for p in report.problems if "rows" not in p.reason and "row " not in p.reason}
    failures = [f"rejected: {path}" for path in sorted(read)]
    if report.articles_after < 1000:
        failures.append(f"only {report.articles_after} articles from the corpora")
    if again.new_copies or again.version != report.version:
        failures.append("ingesting the same files twice changed the store")
    return failures


def main(shared: Path) -> int:
    """Run both checks; exit code 1 on any failure."""
    failures = check_seeds(shared / "seeds") + check_corpora(shared / "corpora")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{0 if failures else 2} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")))
