"""Relative dates resolve only against a stated reference time (a crawl-time column in the row,
or the ingest's --as-of); without one they are no date, and the summary counts why."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import pytest

from loaders.dates import RELATIVE_WITHOUT_REFERENCE, date_articles
from loaders.formats.sniff import read_file
from loaders.relative import is_relative, reference_time, relative_date
from storage.__main__ import _parser
from storage.ingest import ingest

INTAKE = Path(__file__).parents[1] / "data" / "loaders" / "intake"
REFERENCE = datetime.datetime(2024, 5, 3, 10, 0)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("12 hours ago", "2024-05-02"),
        ("11 hours ago", "2024-05-02"),
        ("2 hours ago", "2024-05-03"),
        ("an hour ago", "2024-05-03"),
        ("45 mins ago", "2024-05-03"),
        ("yesterday", "2024-05-02"),
        ("Yesterday", "2024-05-02"),
        ("today", "2024-05-03"),
        ("3 days ago", "2024-04-30"),
        ("a week ago", "2024-04-26"),
        ("2 weeks ago", "2024-04-19"),
        ("منذ 3 أيام", "2024-04-30"),
        ("منذ ٥ ساعات", "2024-05-03"),
        ("منذ ساعتين", "2024-05-03"),
        ("منذ يومين", "2024-05-01"),
        ("قبل 12 ساعة", "2024-05-02"),
        ("أمس", "2024-05-02"),
        ("2024-05-01", None),  # an absolute date is not relative
        ("3 days", None),
        ("days ago and more words than any date field would hold", None),
    ],
)
def test_relative_date(text: str, day: str | None) -> None:
    found = relative_date(text, REFERENCE)
    assert (found.isoformat() if found else None) == day
    assert is_relative(text) == (day is not None)


@pytest.mark.parametrize(
    ("name", "as_of", "dates", "sources", "unresolved"),
    [
        # The crawl-time column is the reference: each row counts back from when it was fetched.
        (
            "relative_crawl.csv",
            None,
            ["2024-05-02", "2024-05-02", "2024-04-30", "2024-05-01", "2024-04-20"],
            ["relative", "relative", "relative", "relative", "metadata"],
            0,
        ),
        # No reference at all: the relative rows stay undated, and the reason is counted.
        ("relative.csv", None, [None, None, None, "2024-04-20"], ["none", "none", "none", "metadata"], 3),
        # --as-of stands in for the missing crawl time.
        (
            "relative.csv",
            REFERENCE,
            ["2024-05-02", "2024-05-02", "2024-04-30", "2024-04-20"],
            ["relative", "relative", "relative", "metadata"],
            0,
        ),
    ],
)
def test_relative_dates_need_a_reference(
    name: str, as_of: datetime.datetime | None, dates: list[str | None], sources: list[str], unresolved: int
) -> None:
    articles, problems = read_file(INTAKE / name)
    assert problems == []
    reasons: Counter[str] = Counter()
    published, where = date_articles(articles, None, as_of, reasons)
    assert [d.isoformat() if d else None for d in published] == dates
    assert where == sources
    assert reasons[RELATIVE_WITHOUT_REFERENCE] == unresolved


def test_ingest_summary_counts_relative_dates_without_a_reference(tmp_path: Path) -> None:
    report = ingest([INTAKE / "relative.csv"], tmp_path / "store")
    assert report.undated == 3
    assert f"  3 with a {RELATIVE_WITHOUT_REFERENCE}" in report.lines()
    again = ingest([INTAKE / "relative.csv"], tmp_path / "dated", as_of=REFERENCE)
    assert again.undated == 0 and not again.undated_reasons


def test_as_of_on_the_command_line() -> None:
    args = _parser().parse_args(["ingest", "x.csv", "--as-of", "2024-05-03T10:00Z"])
    assert args.as_of == REFERENCE
    assert reference_time("2024-05-03") == datetime.datetime(2024, 5, 3)
    with pytest.raises(SystemExit):
        _parser().parse_args(["ingest", "x.csv", "--as-of", "last tuesday"])
