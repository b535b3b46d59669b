"""Publication date of each article, and which piece of evidence it came from."""

from __future__ import annotations

import contextvars
import datetime
import functools
import re
from collections import Counter
from collections.abc import Sequence

import pandas as pd

from loaders.relative import is_relative, reference_time, relative_date
from loaders.schema import DATE_SOURCES, RawArticle

__all__ = [
    "BODY_LEAD_CHARS",
    "DATE_SOURCES",
    "assign_dates",
    "date_from_captions",
    "date_from_dateline",
    "date_from_metadata",
    "date_from_url",
    "date_from_weekday",
    "date_one",
    "full_date_spans",
    "latest_full_date",
    "parse_date",
]

# Only the lead is scanned: the publication date sits near the top, and later dates are
# usually history ("the October 7, 2023 attack"); scanning all of it would also cost 5x.
BODY_LEAD_CHARS = 1500
# A metadata string longer than this is prose, not a date; dateparser would crawl over it.
MAX_DATE_TEXT_CHARS = 100
# Oldest year we believe; newer than today's year + this is a typo or a garbled field.
MIN_YEAR = 1900
MAX_YEARS_AHEAD = 1
# Distinct date strings remembered; dateparser costs about 1 ms a call on a miss.
PARSE_CACHE_SIZE = 1 << 16
# Distinct strings of one file that reach dateparser (1-2 ms each, 46 s for 20,000): past this
# the fast shapes still parse, odd ones count as no date and the next evidence is used.
MAX_DATEPARSER_PER_FILE = 1_000
# Numeric dates like 03/04/2024 are read day first: Gulf and UK outlets write them that way.
NUMERIC_DAY_FIRST = True

_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    # Absolute dates only: "yesterday" or an epoch number would be a silent guess.
    "PARSERS": ["absolute-time"],
}
_NUMERIC_SETTINGS = {**_SETTINGS, "DATE_ORDER": "DMY" if NUMERIC_DAY_FIRST else "MDY"}

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Building blocks for finding dates inside prose (case-sensitive: "may" is a verb).
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
# (?!\d) keeps "20245" from reading as 2024.
_YEAR = r"(?:1[89]|2\d)\d{2}(?!\d)"
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_FULL_DATE = (
    rf"(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"
    rf"|{_YEAR}-[01]\d-[0-3]\d(?!\d))"
)
_FULL_DATE_RE = re.compile(rf"\b{_FULL_DATE}")
# A dateline: optional PLACE, then the date, then an agency, a time or a dash.
_DATELINE_RE = re.compile(
    rf"\s*(?:[A-Z][A-Z .'-]{{1,30}}(?:,\s*[A-Z][A-Za-z .'-]{{1,30}})?\s*[,:\u2013\u2014-]\s*)?"
    rf"(?P<date>{_WEEKDAY}?{_FULL_DATE})"
    r"[,\s]*(?:\([^)\n]{1,30}\)\s*)?"
    r"(?:(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,4})?\s*)?"
    r"(?:[-|:\u2013\u2014]|\n|$)"
)
# Scanning prose with the patterns above costs ~100 us per 1,500 chars; literal anchors
# ("20", "19", "day") are found by a fast substring search, so we look for those first and
# run the full pattern only on a small window around each hit (~5 us in all).
_YEAR_ANCHOR_RES = (re.compile(r"20\d\d(?!\d)"), re.compile(r"19\d\d(?!\d)"))
_BEFORE_YEAR_CHARS = 24  # "30th of September, " plus slack
_AFTER_YEAR_CHARS = 11  # "2024-11-25" plus one char for the (?!\d) check
_DAY_ANCHOR_RE = re.compile(r"day\b")
_BEFORE_DAY_CHARS = 20  # "coming Wednes" plus slack
# "next Monday" points forward; the rest ("on Thursday", "said Monday") point back.
_WEEKDAY_RE = re.compile(r"(?:\b(next|coming)\s+)?\b(" + "|".join(_WEEKDAYS) + r")\b")

# URL paths that carry a full date, most common shape first.
_URL_RES = (
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?=[/_.-]|$)"),
    re.compile(r"[/_-]((?:19|20)\d{2})-(\d{2})-(\d{2})(?=[/_.-]|$)"),
    re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})(?=[/_.-]|$)"),
    re.compile(r"/((?:19|20)\d{2})/([A-Za-z]{3,9})/(\d{1,2})(?=[/_.-]|$)"),
)

# Whole-string shapes parse_date handles without dateparser (case-insensitive: metadata).
_ISO_RE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
)
_YMD_RE = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})|(\d{4})(\d{2})(\d{2})")
_DMY_RE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_TEXT_RE = re.compile(
    r"(?:[a-z]{3,9}\.?,?\s+)?"
    r"(?:(?P<m1>[a-z]{3,9})\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>[a-z]{3,9})\.?,?\s+(?P<y2>\d{4}))"
    # A trailing clock time and zone are allowed; the date part is taken as published.
    r"(?:[\s,|\u2013\u2014-]*(?:at\s+)?\d{1,2}[:.]\d{2}[\w:.+\-() ]{0,30})?",
    re.IGNORECASE,
)
_DIGIT_RE = re.compile(r"\d")
# What is left of the current file's dateparser allowance: [calls left], shared by its articles.
_ALLOWANCE: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("allowance", default=None)


class _OverAllowance(Exception):
    """The file spent its dateparser calls; raised, not returned, so the cache never keeps it."""


def parse_date(text: str) -> datetime.date | None:
    """Parse one date string to a plausible date, or None; never raises."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or len(text) > MAX_DATE_TEXT_CHARS:
        return None
    try:
        return _parse_cached(text)
    except _OverAllowance:
        return None


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse_cached(text: str) -> datetime.date | None:
    """Fast paths for common shapes, dateparser for the rest."""
    found = _parse_fast(text)
    if found is not None:
        # A recognised shape with impossible parts ("0000-00-00") is junk, not a puzzle.
        return found or None
    if not _DIGIT_RE.search(text):
        return None  # no year can be in it
    allowance = _ALLOWANCE.get()
    if allowance is not None:
        if allowance[0] <= 0:
            raise _OverAllowance
        allowance[0] -= 1
    return _parse_with_dateparser(text)


def _parse_fast(text: str) -> datetime.date | bool | None:
    """The date for a common shape, False for a common shape that is invalid, None otherwise."""
    if match := _ISO_RE.fullmatch(text):
        return _make_date(match[1], match[2], match[3]) or False
    if match := _YMD_RE.fullmatch(text):
        parts = match.groups()
        year, month, day = parts[:3] if parts[0] else parts[3:]
        return _make_date(year, month, day) or False
    if match := _DMY_RE.fullmatch(text):
        return _numeric_day_month(match[1], match[2], match[3]) or False
    if match := _TEXT_RE.fullmatch(text):
        if match["m1"]:
            month = _MONTHS.get(match["m1"].lower())
            day, year = match["d1"], match["y1"]
        else:
            month = _MONTHS.get(match["m2"].lower())
            day, year = match["d2"], match["y2"]
        if month is None:
            return None  # not an English month name: let dateparser try
        return _make_date(year, month, day) or False
    return None


def _numeric_day_month(first: str, second: str, year: str) -> datetime.date | None:
    """Read a/b/yyyy, day first unless only month-first makes a valid date."""
    day, month = (first, second) if NUMERIC_DAY_FIRST else (second, first)
    return _make_date(year, month, day) or _make_date(year, day, month)


def _parse_with_dateparser(text: str) -> datetime.date | None:
    """Hand an unusual shape to dateparser; any failure inside it means no date."""
    import dateparser  # imported late: it costs 0.1 s and most runs never need it

    numeric = not any(ch.isalpha() for ch in text)
    try:
        parsed = dateparser.parse(
            text, languages=["en"], settings=_NUMERIC_SETTINGS if numeric else _SETTINGS
        )
    except Exception:  # dateparser raises assorted errors on odd input; we promise not to
        return None
    if parsed is None:
        return None
    return _plausible(parsed.date())


def _make_date(year: str | int, month: str | int, day: str | int) -> datetime.date | None:
    """A plausible date from its parts, or None."""
    try:
        return _plausible(datetime.date(int(year), int(month), int(day)))
    except (ValueError, OverflowError):
        return None


def _plausible(value: datetime.date) -> datetime.date | None:
    """The date itself if its year is believable, else None."""
    if MIN_YEAR <= value.year <= datetime.date.today().year + MAX_YEARS_AHEAD:
        return value
    return None


def date_from_metadata(text: str | None) -> datetime.date | None:
    """The date a file's own date field carries."""
    return parse_date(text) if text else None


def date_from_dateline(body: str) -> datetime.date | None:
    """A full date at the very start of the body ("BEIRUT, Nov 25, 2024 (Reuters) -")."""
    match = _DATELINE_RE.match(body, 0, BODY_LEAD_CHARS)
    return parse_date(match["date"]) if match else None


def date_from_url(url: str | None) -> datetime.date | None:
    """A full date in the URL path (/2025/7/9/, /20231007/, -2023-10-07)."""
    if not url:
        return None
    for pattern in _URL_RES:
        for match in pattern.finditer(url):
            year, month, day = match.groups()
            if not month.isdigit():
                month = _MONTHS.get(month.lower(), 0)
            found = _make_date(year, month, day)
            if found is not None:
                return found
    return None


def full_date_spans(text: str, end: int | None = None) -> list[str]:
    """Explicit full dates ("September 24, 2020", "25 November 2024") in text[:end], in order."""
    end = len(text) if end is None else min(end, len(text))
    hits = []
    for anchor in _YEAR_ANCHOR_RES:
        for year in anchor.finditer(text, 0, end):
            at = year.start()
            window_end = min(end, at + _AFTER_YEAR_CHARS)
            for match in _FULL_DATE_RE.finditer(text, max(0, at - _BEFORE_YEAR_CHARS), window_end):
                if match.start() <= at < match.end():
                    hits.append((match.start(), match[0]))
    return [span for _, span in sorted(hits)]


def latest_full_date(text: str, end: int | None = None) -> datetime.date | None:
    """The latest plausible explicit full date written in text[:end]."""
    best = None
    for span in full_date_spans(text, end):
        found = parse_date(span)
        if found is not None and (best is None or found > best):
            best = found
    return best


def date_from_captions(captions: Sequence[str]) -> datetime.date | None:
    """The latest explicit full date in the photo captions (older ones are file photos)."""
    best = None
    for caption in captions or ():
        found = latest_full_date(caption) if caption else None
        if found is not None and (best is None or found > best):
            best = found
    return best


def date_from_body(body: str) -> datetime.date | None:
    """The latest explicit full date in the lead of the body."""
    return latest_full_date(body, BODY_LEAD_CHARS)


def date_from_weekday(body: str, reference: datetime.date | None) -> datetime.date | None:
    """The most recent weekday named in the lead, on or before the reference date."""
    if reference is None:
        return None
    for anchor in _DAY_ANCHOR_RE.finditer(body, 0, BODY_LEAD_CHARS):
        stop = anchor.end()
        match = _WEEKDAY_RE.search(body, max(0, stop - _BEFORE_DAY_CHARS), stop)
        if match is None or match.end() != stop:
            continue  # "today", "holiday"
        if match[1]:
            continue  # "next Monday" is after the story, not when it happened
        weekday = _WEEKDAYS.index(match[2])
        return reference - datetime.timedelta(days=(reference.weekday() - weekday) % 7)
    return None


def date_one(
    meta: str | None,
    url: str | None,
    body: str,
    captions: Sequence[str],
    reference: datetime.date | None = None,
) -> tuple[datetime.date | None, str]:
    """One article's (published, date_source), strongest evidence first."""
    # Straight-line on purpose: this runs per article and must stay within tens of microseconds.
    body = body or ""
    if (found := date_from_metadata(meta)) is not None:
        return found, "metadata"
    if (found := date_from_dateline(body)) is not None:
        return found, "dateline"
    if (found := date_from_url(url)) is not None:
        return found, "url"
    if (found := date_from_captions(captions)) is not None:
        return found, "caption"
    if (found := date_from_body(body)) is not None:
        return found, "body"
    if (found := date_from_weekday(body, reference)) is not None:
        return found, "relative"
    return None, "none"


def assign_dates(
    published_meta: Sequence[str | None],
    urls: Sequence[str | None],
    bodies: Sequence[str],
    captions: Sequence[Sequence[str]],
    references: Sequence[datetime.date | None] | None = None,
    files: Sequence[str] | None = None,
    allowances: dict[str, list[int]] | None = None,
) -> tuple[list[datetime.date | None], list[str]]:
    """Per article, the publication date and the DATE_SOURCES name of its evidence.

    With `files` (each article's file), each file gets MAX_DATEPARSER_PER_FILE dateparser calls,
    kept in `allowances` (file -> [calls left]) across calls.
    """
    count = len(bodies)
    columns = {"published_meta": published_meta, "urls": urls, "captions": captions}
    if references is not None:
        columns["references"] = references
    for name, column in columns.items():
        if len(column) != count:
            raise ValueError(f"{name} has {len(column)} items, bodies has {count}")
    published: list[datetime.date | None] = []
    sources: list[str] = []
    allowances = {} if allowances is None else allowances
    for i in range(count):
        if files is not None:
            _ALLOWANCE.set(allowances.setdefault(files[i], [MAX_DATEPARSER_PER_FILE]))
        reference = references[i] if references is not None else None
        value, source = date_one(published_meta[i], urls[i], bodies[i], captions[i], reference)
        published.append(value)
        sources.append(source)
    _ALLOWANCE.set(None)
    return published, sources


def date_articles(
    raws: Sequence[RawArticle],
    allowances: dict[str, list[int]] | None = None,
    as_of: datetime.datetime | None = None,
    unresolved: Counter[str] | None = None,
) -> tuple[list[datetime.date | None], list[str]]:
    """Dates from each article's own evidence, then weekdays against neighbours in its file.

    `allowances` carries each file's dateparser calls left across batches of one ingest.
    A relative date ("12 hours ago") counts back from the row's crawl time, else from `as_of`;
    with neither it is no date, and `unresolved` counts why."""
    published, sources = _dates_from_evidence(raws, allowances)
    for i, raw in enumerate(raws):
        if published[i] is None and is_relative(raw.published_meta):
            reference = reference_time(raw.reference_time) or as_of
            if reference is None:
                if unresolved is not None:
                    unresolved[RELATIVE_WITHOUT_REFERENCE] += 1
                continue
            published[i], sources[i] = relative_date(raw.published_meta or "", reference), "relative"
    return published, sources


# Why a relative date stayed no date, as the ingest summary says it.
RELATIVE_WITHOUT_REFERENCE = "relative date and no reference time (give --as-of, or a crawl-time column)"


def _dates_from_evidence(
    raws: Sequence[RawArticle], allowances: dict[str, list[int]] | None
) -> tuple[list[datetime.date | None], list[str]]:
    args = (
        [r.published_meta for r in raws],
        [r.url for r in raws],
        [r.body for r in raws],
        [r.captions for r in raws],
    )
    files = [r.origin.split(":row ")[0] for r in raws]
    allowances = {} if allowances is None else allowances
    published, sources = assign_dates(*args, files=files, allowances=allowances)
    # A crawl time stands in for a publication date only as weak evidence.
    hints = [r.date_hint for r in raws]
    weak = ["crawl" if h == "crawl" and w == "metadata" else w for h, w in zip(hints, sources, strict=True)]
    sources = weak
    undated = [i for i, d in enumerate(published) if d is None]
    if not undated:
        return published, sources
    references = _neighbour_dates(raws, published)
    again = assign_dates(
        *([column[i] for i in undated] for column in args),
        [references[i] for i in undated],
        files=[files[i] for i in undated],
        allowances=allowances,
    )
    for i, day, where in zip(undated, again[0], again[1], strict=True):
        published[i], sources[i] = day, where
    return published, sources


def _neighbour_dates(
    raws: Sequence[RawArticle], published: Sequence[datetime.date | None]
) -> list[datetime.date | None]:
    """Per article, the date of the nearest dated article before (else after) it in its file."""
    frame = pd.DataFrame(
        {
            "file": [r.origin.split(":row ")[0] for r in raws],
            "day": pd.Series(published, dtype=object),
        }
    )
    by_file = frame.groupby("file", sort=False)["day"]
    before = by_file.shift(1).groupby(frame["file"], sort=False).ffill()
    after = by_file.shift(-1).groupby(frame["file"], sort=False).bfill()
    nearest = before.where(before.notna(), after)
    return [None if pd.isna(d) else d for d in nearest]
