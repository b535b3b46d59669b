"""Relative dates ("12 hours ago", "yesterday", "منذ 3 أيام") resolved against a stated reference
time only: the ingest's `--as-of`, or the crawl time the same row carries. Without one, a relative
date is no date: guessing "now" would date a year-old export to today."""

from __future__ import annotations

import datetime
import re

# Arabic-Indic and Persian digits read as ASCII ones.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Unit words -> the span of one unit. Arabic singular, dual and plural forms.
_UNITS: dict[str, datetime.timedelta] = {
    **dict.fromkeys(("second", "seconds", "sec", "secs"), datetime.timedelta(seconds=1)),
    **dict.fromkeys(("minute", "minutes", "min", "mins"), datetime.timedelta(minutes=1)),
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "h"), datetime.timedelta(hours=1)),
    **dict.fromkeys(("day", "days", "d"), datetime.timedelta(days=1)),
    **dict.fromkeys(("week", "weeks", "w"), datetime.timedelta(weeks=1)),
    **dict.fromkeys(("ثانية", "ثوان", "ثواني"), datetime.timedelta(seconds=1)),
    **dict.fromkeys(("دقيقة", "دقائق"), datetime.timedelta(minutes=1)),
    **dict.fromkeys(("ساعة", "ساعات"), datetime.timedelta(hours=1)),
    **dict.fromkeys(("يوم", "أيام", "ايام"), datetime.timedelta(days=1)),
    **dict.fromkeys(("أسبوع", "اسبوع", "أسابيع", "اسابيع"), datetime.timedelta(weeks=1)),
}
# Arabic duals name two units in one word: "منذ ساعتين" is two hours ago.
_DUALS: dict[str, datetime.timedelta] = {
    "دقيقتين": datetime.timedelta(minutes=2),
    "ساعتين": datetime.timedelta(hours=2),
    "يومين": datetime.timedelta(days=2),
    "أسبوعين": datetime.timedelta(weeks=2),
    "اسبوعين": datetime.timedelta(weeks=2),
}
# Whole-day words -> days before the reference.
_DAYS = {"today": 0, "yesterday": 1, "اليوم": 0, "أمس": 1, "امس": 1, "البارحة": 1}

_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_ENGLISH = re.compile(rf"(?P<n>\d+|an?|one)\s*(?P<unit>{_UNIT})\.?\s+ago", re.IGNORECASE)
_ARABIC = re.compile(rf"(?:منذ|قبل)\s+(?:(?P<n>\d+)\s+)?(?P<unit>{_UNIT})")
_ARABIC_DUAL = re.compile(rf"(?:منذ|قبل)\s+(?P<unit>{'|'.join(_DUALS)})")
# Longest text taken for a relative date: prose is not a date field.
MAX_RELATIVE_CHARS = 40


def _clean(text: str) -> str:
    return " ".join(text.translate(_DIGITS).split()).strip(" .,")


def is_relative(text: str | None) -> bool:
    """True when a date field holds a relative date ("3 days ago", "yesterday", "منذ يومين")."""
    return bool(text) and len(text) <= MAX_RELATIVE_CHARS and _span(_clean(text)) is not None  # type: ignore[arg-type]


def _span(text: str) -> datetime.timedelta | None:
    """How long before the reference the text says, or None when it is no relative date."""
    lowered = text.lower()
    if lowered in _DAYS:
        return datetime.timedelta(days=_DAYS[lowered])
    if match := _ENGLISH.fullmatch(text):
        number = match["n"].lower()
        count = 1 if number in ("a", "an", "one") else int(number)
        return count * _UNITS[match["unit"].lower()]
    if match := _ARABIC_DUAL.fullmatch(text):
        return _DUALS[match["unit"]]
    if match := _ARABIC.fullmatch(text):
        return int(match["n"] or 1) * _UNITS[match["unit"]]
    return None


def relative_date(text: str, reference: datetime.datetime) -> datetime.date | None:
    """The day a relative date names, counted back from the reference time; None otherwise."""
    if len(text) > MAX_RELATIVE_CHARS:
        return None
    span = _span(_clean(text))
    return (reference - span).date() if span is not None else None


def reference_time(text: str | None) -> datetime.datetime | None:
    """A reference time from a crawl-time cell or `--as-of` ("2024-05-03", "2024-05-03T10:00Z")."""
    if not text:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (
        parsed.replace(tzinfo=None)
        if parsed.tzinfo is None
        else parsed.astimezone(datetime.UTC).replace(tzinfo=None)
    )
