"""A date column's day/month order, decided from all its values, and the column in ISO form.

"4/5/2017" alone cannot say which part is the month; a column can: one "13/5/2017" makes it
day-first, one "5/13/2017" month-first. Column operations only (no per-row Python), so a million
rows cost milliseconds. Unix seconds and milliseconds, and Arabic-Indic digits, become ISO too.
"""

from __future__ import annotations

import pandas as pd

from loaders.columnregex import MAYBE_DIGIT, MAYBE_SPACE, extract

# Eastern and Persian Arabic-Indic digits -> ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NUMERIC = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b(.*)$"
# Epoch numbers in a date column: 10 digits are seconds, 13 milliseconds (2001-2286).
_EPOCH = r"^\s*(\d{10}|\d{13})(?:\.\d+)?\s*$"
# RE2 patterns every value the two above match also matches: only those go to Python's re
# (pandas ran it on every distinct date; a column of ISO or written dates sends none).
_MAYBE_NUMERIC = f"^{MAYBE_SPACE}*{MAYBE_DIGIT}{{1,2}}[/.\\-]"
_MAYBE_EPOCH = f"^(?:{MAYBE_SPACE}|{MAYBE_DIGIT}|\\.)+$"
# Two-digit years: 00-69 are 20xx, 70-99 19xx (the POSIX strptime rule).
PIVOT_YEAR = 70

DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"


def normalize_dates(values: pd.Series) -> tuple[pd.Series, str]:
    """The column with numeric and epoch dates rewritten as ISO, and how its order was read.

    Worked on the distinct values (a date column repeats them), then mapped back.
    """
    text = values.astype("string").fillna("")
    distinct = pd.Series(text.unique(), dtype="string")
    done, note = _normalize_distinct(distinct)
    if done.equals(distinct):
        return text, note
    lookup = dict(zip(distinct.tolist(), done.tolist(), strict=True))
    return pd.Series([lookup[v] for v in text.tolist()], index=text.index, dtype="string"), note


def _normalize_distinct(text: pd.Series) -> tuple[pd.Series, str]:
    """normalize_dates on distinct values."""
    if text.str.contains("[٠-٩۰-۹]", regex=True).any():
        text = text.str.translate(_DIGITS)
    text, epoch = _epochs_to_iso(text)
    parts = extract(text, _NUMERIC, _MAYBE_NUMERIC)
    numeric = parts[0].notna()
    if not numeric.any():
        return text, "unix time" if epoch else _written_form(text)
    first, second = parts[0][numeric].astype(int), parts[1][numeric].astype(int)
    order, note = decide_order(first, second)
    day, month = (first, second) if order == DAY_FIRST else (second, first)
    year = parts[2][numeric].astype(int)
    year = year.where(year >= 100, year + 2000 - 100 * (year >= PIVOT_YEAR))
    iso = (
        year.astype(str)
        + "-"
        + month.astype(str).str.zfill(2)
        + "-"
        + day.astype(str).str.zfill(2)
        + parts[3][numeric].fillna("")
    )
    text = text.copy()
    text[numeric] = iso
    return text, note


def decide_order(first: pd.Series, second: pd.Series) -> tuple[str, str]:
    """Day-first or month-first for numeric a/b dates, with the reason shown to the analyst."""
    day_first = int((first > 12).sum())
    month_first = int((second > 12).sum())
    if month_first and not day_first:
        return MONTH_FIRST, f"month-first ({_dates(month_first)} with a second part above 12)"
    if day_first and not month_first:
        return DAY_FIRST, f"day-first ({_dates(day_first)} with a first part above 12)"
    if day_first and month_first:
        return (
            DAY_FIRST,
            f"mixed day/month order ({day_first} day-first, {month_first} month-first); read day-first",
        )
    return DAY_FIRST, "day/month order undecided (no part above 12); read day-first"


def _epochs_to_iso(text: pd.Series) -> tuple[pd.Series, bool]:
    """Epoch seconds/milliseconds as ISO timestamps; True if any were found."""
    found = extract(text, _EPOCH, _MAYBE_EPOCH)[0]
    epoch = found.notna()
    if not epoch.any():
        return text, False
    numbers = found[epoch].astype("int64")
    millis = found[epoch].str.len() == 13
    seconds = numbers.where(~millis, numbers // 1000)
    stamps = pd.to_datetime(seconds, unit="s", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%S")
    text = text.copy()
    text[epoch] = stamps
    return text, True


def _written_form(text: pd.Series) -> str:
    """How a column without a/b/yyyy dates writes them, for the summary."""
    filled = text[text != ""]
    if filled.empty:
        return ""
    if filled.str.match(r"\s*\d{4}-\d{2}-\d{2}").mean() >= 0.5:
        return "ISO year-month-day (no day/month ambiguity)"
    if filled.str.contains("[A-Za-z]{3}", regex=True).mean() >= 0.5:
        return "month names (no day/month ambiguity)"
    return ""


def _dates(count: int) -> str:
    """ "1 distinct date", "4 distinct dates"."""
    return f"{count} distinct date" + ("" if count == 1 else "s")
