"""Tests for loaders.dates: parsing date strings and choosing each article's date."""

from __future__ import annotations

import datetime
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.dates import (
    BODY_LEAD_CHARS,
    DATE_SOURCES,
    assign_dates,
    date_from_url,
    parse_date,
)
from loaders.schema import DATE_SOURCES as SCHEMA_DATE_SOURCES

D = datetime.date
NEXT_YEAR = datetime.date.today().year + 1
FILLER = "The delegation met officials to discuss the proposal. "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO and timestamps: the date part as published, never shifted to UTC.
        ("2023-10-10", D(2023, 10, 10)),
        ("2023-10-10 18:24:51+00:00", D(2023, 10, 10)),
        ("2023-10-10T23:30:00-05:00", D(2023, 10, 10)),
        ("2023-10-10T18:24:51.123Z", D(2023, 10, 10)),
        ("  2023-10-10  ", D(2023, 10, 10)),
        # RFC 822 feed dates.
        ("Tue, 10 Oct 2023 18:24:51 GMT", D(2023, 10, 10)),
        ("Tue, 10 Oct 2023 23:30:00 -0500", D(2023, 10, 10)),
        # Human formats.
        ("Monday, 25 November, 2024 - 10:30 GMT", D(2024, 11, 25)),
        ("November 25, 2024", D(2024, 11, 25)),
        ("Nov. 25, 2024", D(2024, 11, 25)),
        ("Sept 3, 2019", D(2019, 9, 3)),
        ("25 Nov 2024", D(2024, 11, 25)),
        ("25th of November 2024", D(2024, 11, 25)),
        ("Oct. 10th, 2023, 6:24 p.m. EDT", D(2023, 10, 10)),
        # Numeric: day first unless only month first is a real date.
        ("2024/11/25", D(2024, 11, 25)),
        ("20241125", D(2024, 11, 25)),
        ("25/11/2024", D(2024, 11, 25)),
        ("11/25/2024", D(2024, 11, 25)),
        ("03/04/2024", D(2024, 4, 3)),
        ("25.11.2024", D(2024, 11, 25)),
        # Shapes only dateparser knows.
        ("10-Oct-2023", D(2023, 10, 10)),
        ("October the 10th, 2023", D(2023, 10, 10)),
        ("Oct 10 2023 6pm", D(2023, 10, 10)),
    ],
)
def test_parse_date_formats(text: str, expected: datetime.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "0000-00-00",
        "year 20245",
        "20245",
        "32/13/2020",
        "2024-02-30",
        "1899-12-31",
        f"{NEXT_YEAR + 1}-01-01",
        "9999-12-31",
        "2024",
        "November 2024",
        "Nov 25",
        "yesterday",
        "3 days ago",
        "1700000000",
        "not a date at all",
        "",
        "   ",
        None,
        "x" * 10_000,
        "2024-11-25 " + "y" * 10_000,
    ],
)
def test_parse_date_rejects_junk(text: str | None) -> None:
    assert parse_date(text) is None  # type: ignore[arg-type]


def test_parse_date_accepts_next_year() -> None:
    assert parse_date(f"{NEXT_YEAR}-01-01") == D(NEXT_YEAR, 1, 1)


@given(st.text())
@settings(deadline=None, max_examples=300)
def test_parse_date_never_raises(text: str) -> None:
    result = parse_date(text)
    assert result is None or isinstance(result, datetime.date)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/2025/7/9/envoy-visits-capital", D(2025, 7, 9)),
        ("https://example.org/2024/02/20/1234567890/talks-resume", D(2024, 2, 20)),
        ("https://example.org/sections/world/2024/02/20/1234567890/x", D(2024, 2, 20)),
        ("https://example.org/news/20231007/summit-opens", D(2023, 10, 7)),
        ("https://example.org/news/summit-opens-2023-10-07", D(2023, 10, 7)),
        ("https://example.org/news/summit-opens-2023-10-07.html", D(2023, 10, 7)),
        ("https://example.org/world/2023/oct/07/summit-opens", D(2023, 10, 7)),
        ("https://example.org/news/world-middle-east-67067595", None),
        ("https://example.org/news/story-1234567890", None),
        ("https://example.org/2023/10/summit-opens", None),
        ("https://example.org/2023/13/45/summit-opens", None),
        ("https://example.org/1850/01/01/archive", None),
        ("", None),
        (None, None),
    ],
)
def test_date_from_url(url: str | None, expected: datetime.date | None) -> None:
    assert date_from_url(url) == expected


# (published_meta, url, body, captions, reference) -> (published, date_source)
CASES = [
    pytest.param(
        "2023-10-10 18:24:51+00:00",
        None,
        FILLER,
        [],
        None,
        D(2023, 10, 10),
        "metadata",
        id="metadata-iso",
    ),
    pytest.param(
        "Tue, 10 Oct 2023 18:24:51 GMT",
        None,
        FILLER,
        [],
        None,
        D(2023, 10, 10),
        "metadata",
        id="metadata-rfc822",
    ),
    pytest.param(
        None,
        None,
        "RIYADH, Nov 25, 2024 (Reuters) - " + FILLER,
        [],
        None,
        D(2024, 11, 25),
        "dateline",
        id="dateline-agency",
    ),
    pytest.param(
        None,
        None,
        "Monday, 25 November, 2024 - 10:30 GMT\n" + FILLER,
        [],
        None,
        D(2024, 11, 25),
        "dateline",
        id="dateline-weekday-time",
    ),
    pytest.param(
        None,
        None,
        "25 November 2024 - " + FILLER,
        [],
        None,
        D(2024, 11, 25),
        "dateline",
        id="dateline-plain",
    ),
    pytest.param(
        None,
        None,
        "RIYADH, Nov 25 (Reuters) - " + FILLER,
        [],
        None,
        None,
        "none",
        id="dateline-without-year-is-no-evidence",
    ),
    pytest.param(
        None,
        "https://example.org/2025/7/9/envoy",
        FILLER,
        [],
        None,
        D(2025, 7, 9),
        "url",
        id="url",
    ),
    pytest.param(
        None,
        None,
        FILLER,
        ["Two envoys shake hands after talks in Muscat on March 3, 2021. (AFP)"],
        None,
        D(2021, 3, 3),
        "caption",
        id="caption-month-first",
    ),
    pytest.param(
        None,
        None,
        FILLER,
        ["An envoy speaks at a forum in Muscat, Oman, 3 March 2021. (EPA)"],
        None,
        D(2021, 3, 3),
        "caption",
        id="caption-day-first",
    ),
    pytest.param(
        None,
        None,
        FILLER,
        [
            "A file photo of the envoy in Doha on January 5, 2019. (AFP)",
            "The envoy arrives in Muscat on March 3, 2021. (AFP)",
        ],
        None,
        D(2021, 3, 3),
        "caption",
        id="caption-latest-wins-over-file-photo",
    ),
    pytest.param(
        None,
        None,
        FILLER,
        ["The envoy arrives in Muscat. (AFP)"],
        None,
        None,
        "none",
        id="caption-without-date",
    ),
    pytest.param(
        None,
        None,
        FILLER + "Talks that began on 2 February 2020 resumed on January 12, 2022. " + FILLER,
        [],
        None,
        D(2022, 1, 12),
        "body",
        id="body-latest-in-lead",
    ),
    pytest.param(
        None,
        None,
        "x" * BODY_LEAD_CHARS + " The talks resumed on January 12, 2022.",
        [],
        None,
        None,
        "none",
        id="body-date-beyond-lead-is-ignored",
    ),
    pytest.param(
        None,
        None,
        "The envoy said Thursday that talks would go on. " + FILLER,
        [],
        D(2024, 11, 25),
        D(2024, 11, 21),
        "relative",
        id="relative-said-weekday",
    ),
    pytest.param(
        None,
        None,
        "Ministers met on Monday in the capital. " + FILLER,
        [],
        D(2024, 11, 25),
        D(2024, 11, 25),
        "relative",
        id="relative-same-day",
    ),
    pytest.param(
        None,
        None,
        "Ministers met on Tuesday in the capital. " + FILLER,
        [],
        D(2024, 11, 25),
        D(2024, 11, 19),
        "relative",
        id="relative-previous-week",
    ),
    pytest.param(
        None,
        None,
        "A summit will open next Monday. Today the envoy rested. " + FILLER,
        [],
        D(2024, 11, 25),
        None,
        "none",
        id="relative-next-weekday-ignored",
    ),
    pytest.param(
        None,
        None,
        "The envoy said Thursday that talks would go on. " + FILLER,
        [],
        None,
        None,
        "none",
        id="relative-needs-reference",
    ),
    pytest.param(None, None, FILLER * 3, [], D(2024, 11, 25), None, "none", id="no-evidence"),
    pytest.param(None, None, "", [], None, None, "none", id="empty-body"),
    pytest.param(
        "2023-10-10",
        None,
        FILLER,
        ["The envoy arrives on March 3, 2021. (AFP)"],
        None,
        D(2023, 10, 10),
        "metadata",
        id="metadata-beats-caption",
    ),
    pytest.param(
        "0000-00-00",
        None,
        FILLER,
        ["The envoy arrives on March 3, 2021. (AFP)"],
        None,
        D(2021, 3, 3),
        "caption",
        id="junk-metadata-falls-through",
    ),
    pytest.param(
        None,
        "https://example.org/2025/7/9/envoy",
        "25 November 2024 - " + FILLER,
        [],
        None,
        D(2024, 11, 25),
        "dateline",
        id="dateline-beats-url",
    ),
    pytest.param(
        None,
        "https://example.org/2025/7/9/envoy",
        FILLER,
        ["The envoy arrives on March 3, 2021. (AFP)"],
        None,
        D(2025, 7, 9),
        "url",
        id="url-beats-caption",
    ),
    pytest.param(
        None,
        None,
        "Talks resumed on January 12, 2022. " + FILLER,
        ["The envoy arrives on March 3, 2021. (AFP)"],
        None,
        D(2021, 3, 3),
        "caption",
        id="caption-beats-body",
    ),
    pytest.param(
        None,
        None,
        "On Thursday, talks resumed on January 12, 2022. " + FILLER,
        [],
        D(2024, 11, 25),
        D(2022, 1, 12),
        "body",
        id="body-beats-relative",
    ),
]


@pytest.mark.parametrize(("meta", "url", "body", "captions", "reference", "expected", "source"), CASES)
def test_assign_dates_one(
    meta: str | None,
    url: str | None,
    body: str,
    captions: list[str],
    reference: datetime.date | None,
    expected: datetime.date | None,
    source: str,
) -> None:
    published, sources = assign_dates([meta], [url], [body], [captions], [reference])
    assert (published, sources) == ([expected], [source])


def test_assign_dates_many_keeps_order() -> None:
    published, sources = assign_dates(
        ["2023-10-10", None, None],
        [None, "https://example.org/2024/02/20/x", None],
        [FILLER, FILLER, FILLER],
        [[], [], []],
    )
    assert published == [D(2023, 10, 10), D(2024, 2, 20), None]
    assert sources == ["metadata", "url", "none"]
    assert set(sources) <= set(DATE_SOURCES)


def test_assign_dates_empty() -> None:
    assert assign_dates([], [], [], []) == ([], [])


def test_assign_dates_rejects_ragged_columns() -> None:
    with pytest.raises(ValueError, match="urls"):
        assign_dates([None, None], [None], [FILLER, FILLER], [[], []])


def test_date_sources_come_from_schema() -> None:
    assert DATE_SOURCES is SCHEMA_DATE_SOURCES


def _digit_heavy(count: int) -> list[str]:
    """Distinct strings full of digits that no fast path reads: each one costs dateparser ~2 ms."""
    return [f"{i % 9973} {i % 97} {i} {i % 89}:{i % 83}" for i in range(count)]


def test_many_distinct_date_strings_parse_within_a_time_limit() -> None:
    from loaders import dates
    from loaders.schema import RawArticle

    dates._parse_cached.cache_clear()
    raws = [
        RawArticle(title=f"T {i}", body="Envoys met.", published_meta=text, origin=f"f.csv:row {i + 1}")
        for i, text in enumerate(_digit_heavy(20_000))
    ]
    started = time.perf_counter()
    dates.date_articles(raws)
    assert time.perf_counter() - started < 10  # 46 s before the allowance


def test_dateparser_allowance_is_per_file_and_kept_across_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    from loaders import dates
    from loaders.schema import RawArticle

    calls: list[str] = []
    monkeypatch.setattr(dates, "_parse_with_dateparser", lambda text: calls.append(text))
    monkeypatch.setattr(dates, "MAX_DATEPARSER_PER_FILE", 10)
    dates._parse_cached.cache_clear()

    def batch(name: str, strings: list[str]) -> list[RawArticle]:
        return [RawArticle(title="T", body="B", published_meta=s, origin=f"{name}:row 1") for s in strings]

    strings = _digit_heavy(60)
    allowances: dict[str, list[int]] = {}
    dates.date_articles(batch("a.csv", strings[:30]), allowances)
    dates.date_articles(batch("a.csv", strings[30:50]), allowances)
    assert len(calls) == 10  # one file: ten calls over both batches
    dates.date_articles(batch("b.csv", strings[50:]), allowances)
    assert len(calls) == 20  # another file has its own ten
    assert dates.parse_date("2024-11-25") == datetime.date(2024, 11, 25)  # fast shapes never count
    dates._parse_cached.cache_clear()
