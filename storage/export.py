"""The matching articles as files to take away: CSV a spreadsheet opens safely, and JSON Lines."""

from __future__ import annotations

import pandas as pd

from storage.query import Filters, Store

# First characters that make a spreadsheet read a CSV cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_csv(store: Store, filters: Filters, sort: str = "newest") -> bytes:
    """The filtered articles as CSV (list columns joined with '; '), safe to open in a spreadsheet."""
    frame = store.export(filters, sort=sort)
    for column in frame.columns:
        if frame[column].map(lambda v: isinstance(v, (list, tuple)) or hasattr(v, "tolist")).any():
            frame[column] = frame[column].map(_joined)
        if frame[column].map(lambda v: isinstance(v, str)).any():
            frame[column] = frame[column].map(inert_cell)
    return frame.to_csv(index=False).encode("utf-8")


def _joined(value: object) -> object:
    if value is None or isinstance(value, float):
        return "" if value is None or pd.isna(value) else value
    items = value.tolist() if hasattr(value, "tolist") else value
    return "; ".join(map(str, items)) if isinstance(items, (list, tuple)) else items


def inert_cell(value: object) -> object:
    """A text cell a spreadsheet shows as text: one that starts like a formula (= + - @, or a
    tab or carriage return before one) gets a leading ' as OWASP advises against CSV injection."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_jsonl(store: Store, filters: Filters, sort: str = "newest") -> bytes:
    """The filtered articles as JSON Lines: text stays exactly as written (JSON strings are data,
    and programs, not spreadsheets, read this format)."""
    frame = store.export(filters, sort=sort)
    for column in frame.columns:
        if frame[column].map(lambda v: hasattr(v, "tolist")).any():
            frame[column] = frame[column].map(lambda v: v.tolist() if hasattr(v, "tolist") else v)
    return frame.to_json(orient="records", lines=True, date_format="iso").encode("utf-8")
