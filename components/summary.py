"""The summary strip: articles matching, sources, date span, duplicates folded, undated."""

from __future__ import annotations

import streamlit as st

from storage.query import Summary


def summary_strip(summary: Summary) -> None:
    """Articles matching, sources, date span, duplicates folded, undated."""
    span = "–"
    if summary.first and summary.last:
        # Years when the span crosses years: a metric has room for a dozen characters.
        same_year = summary.first.year == summary.last.year
        span = (
            f"{summary.first:%b} – {summary.last:%b %Y}"
            if same_year
            else f"{summary.first.year} – {summary.last.year}"
        )
    cells = st.columns([2, 2, 3, 2, 2])
    cells[0].metric("Articles matching", f"{summary.articles:,}")
    cells[1].metric("Sources", f"{summary.sources:,}")
    cells[2].metric("Date span", span)
    cells[3].metric("Duplicates folded", f"{summary.duplicates:,}")
    cells[4].metric("Undated", f"{summary.undated:,}")
