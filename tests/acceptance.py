"""Acceptance checks on ../shared (seeds, corpora, real exports): `python -m tests.acceptance ../shared`.

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

# (title words, expected date, countries that must be mentioned, the countries a reader could call
# the story's primary ones). Primary is a judgment: a tag outside the allowed set, or none, fails.
# The Arab ministers' call is as much about Gaza as about Jordan and Egypt, who make it.
SEED_EXPECTATIONS = (
    ("Lavrov", date(2020, 9, 24), {"RUS", "IRN"}, {"RUS", "IRN", "SYR"}),
    ("Arab Foreign Ministers", date(2024, 11, 25), {"JOR", "EGY"}, {"PSE", "JOR", "EGY", "LBN"}),
    ("Lebanese Politician", date(2024, 11, 25), {"LBN", "ISR"}, {"LBN", "ISR"}),
)


def check_seeds(seeds: Path) -> list[str]:
    """The seeds give exactly 3 articles with their dates and primary countries."""
    articles, problems = load_articles([seeds])
    failures = [f"seed problem: {p}" for p in problems]
    if len(articles) != 3:
        failures.append(f"seeds gave {len(articles)} articles, expected 3")
    for words, day, mentioned, allowed in SEED_EXPECTATIONS:
        rows = articles[articles["title"].str.contains(words, regex=False)]
        if len(rows) != 1:
            failures.append(f"{words!r}: {len(rows)} articles")
            continue
        row = rows.iloc[0]
        published = None if pd.isna(row["published"]) else row["published"].date()
        if published != day:
            failures.append(f"{words!r}: dated {published}, expected {day}")
        if not mentioned <= set(row["countries"]):
            failures.append(
                f"{words!r}: countries {row['countries']}, expected {sorted(mentioned)} among them"
            )
        primary = set(row["countries_primary"])
        if not primary or not primary <= allowed:
            failures.append(f"{words!r}: primary {sorted(primary)}, expected some of {sorted(allowed)}")
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


# Per real export, what a person reading it expects (set by reading each file):
# (path under realworld/, articles (low, high), least dated share, outlets present, languages present)
REALWORLD_EXPECTATIONS = (
    ("fignews_2024/FIGNEWS-2024-TEXT-IAA.tsv", (1500, 1500), 0.0, set(), {"ar", "en", "he", "hi", "fr"}),
    ("gazza_listing_ar/palestine_news_2.html", (344, 344), 0.99, {"Al Jazeera"}, {"ar"}),
    (
        "mediacloud_wayback_2023/saudiarabia.csv",
        (1757, 1757),
        0.99,
        {"Arab News", "Saudi Gazette"},
        {"en", "ar"},
    ),
    (
        "mediacloud_wayback_2023/turkey.csv",
        (3168, 3168),
        0.99,
        {"Daily Sabah", "Hurriyet Daily News"},
        {"en", "tr"},
    ),
    (
        "middle_east_digest_2026/items_2026-08-07.json",
        (417, 417),
        0.99,
        {"Al Jazeera", "Times of Israel"},
        {"en"},
    ),
    ("rss_snapshots/aljazeera.xml", (25, 25), 0.99, {"Al Jazeera"}, {"en"}),
    ("rss_snapshots/mehr.xml", (30, 30), 0.99, {"Mehr News Agency"}, {"en"}),
    ("saudinewsnet_2015/2015-07-23.zip", (1300, 1318), 0.99, {"alriyadh", "okaz"}, {"ar"}),
)
# A title one outlet gives more articles than this in one file is a derived title gone wrong.
MAX_SAME_TITLE = 8
MAX_TITLE_CHARS = 300


def check_realworld(realworld: Path) -> list[str]:
    """Each real export loads as expected: article count, dated share, outlets, languages, titles."""
    from collections import Counter

    from loaders.dates import assign_dates
    from loaders.formats.sniff import read_file_report
    from loaders.normalize import _publisher

    failures = []
    for name, (low, high), dated_share, outlets, languages in REALWORLD_EXPECTATIONS:
        path = realworld / name
        if not path.exists():
            continue
        articles, problems, report = read_file_report(path)
        print(f"{name}: {report}")
        published, _ = assign_dates(
            [a.published_meta for a in articles],
            [a.url for a in articles],
            [a.body for a in articles],
            [a.captions for a in articles],
        )
        dated = sum(d is not None for d in published) / max(len(articles), 1)
        # The same headline from several outlets is syndication; from one outlet, a bad title.
        titles = Counter((a.title, _publisher(a)) for a in articles)
        found = {
            "articles": low <= len(articles) <= high,
            f"dated {dated:.0%} >= {dated_share:.0%}": dated >= dated_share,
            f"outlets {sorted(outlets)}": outlets <= {_publisher(a) for a in articles},
            f"languages {sorted(languages)}": languages <= {a.language for a in articles},
            "titles": all(0 < len(t) <= MAX_TITLE_CHARS for t, _ in titles)
            and max(titles.values(), default=0) <= MAX_SAME_TITLE,
            "no unexpected error": not any(p.reason.startswith("unexpected error") for p in problems),
        }
        failures += [f"{name}: {what} ({len(articles)} articles)" for what, ok in found.items() if not ok]
    return failures


def main(shared: Path) -> int:
    """Run every check; exit code 1 on any failure."""
    failures = check_seeds(shared / "seeds") + check_corpora(shared / "corpora")
    failures += check_realworld(shared / "realworld")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{0 if failures else 3} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")))
