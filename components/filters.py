"""Sidebar filters: search box, date range, entity facets with counts, clear-all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd
import streamlit as st

from components.text import escape_markdown

Label = Callable[[str], str]
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)


def search_box(key: str) -> str:
    """The search box; returns what the analyst typed."""
    return st.text_input(
        "Search",
        key=key,
        placeholder='ceasefire "humanitarian aid" OR relief -Hamas',
        help='All words must appear; "quotes" for a phrase; OR for alternatives; -word excludes.',
    )


def date_range(
    first: date | None, last: date | None, keys: tuple[str, str]
) -> tuple[date | None, date | None]:
    """From and to pickers bounded by the corpus; returns the chosen range (None = open)."""
    if first is None or last is None:
        st.caption("No dated articles yet.")
        return None, None
    # Wide bounds: a shared link may carry any date, and a picker refuses values outside its bounds.
    bounds = {"min_value": EARLIEST, "max_value": LATEST, "format": "YYYY-MM-DD", "value": None}
    # One picker per line: side by side in the sidebar, each is too narrow for its placeholder.
    start = st.date_input("From", key=keys[0], help=f"Earliest article: {first}", **bounds)
    end = st.date_input("To", key=keys[1], help=f"Latest article: {last}", **bounds)
    return start, end


def facet(
    title: str,
    counts: pd.DataFrame,
    options: Sequence[str],
    key: str,
    label: Label = str,
) -> tuple[str, ...]:
    """One facet: a searchable multiselect over every value, then the top values under the
    current filters with their counts as chips that toggle them. Returns the selection."""
    chosen = st.multiselect(title, list(options), key=key, format_func=label, placeholder="Find any value…")
    if counts.empty:
        if not chosen:
            st.caption("No values in the matching articles.")
        return tuple(chosen)
    shown = counts["value"].tolist()
    numbers = dict(zip(shown, counts["count"].tolist(), strict=True))
    chips = f"{key}-chips"
    # The chips mirror the multiselect: set before the widget is drawn, so a value chosen in
    # either place shows as chosen in both. One pills widget, not a button per value: cheaper
    # to draw on every rerun.
    st.session_state[chips] = [value for value in shown if value in chosen]
    st.pills(
        f"Top {title.lower()}",
        shown,
        selection_mode="multi",
        key=chips,
        format_func=lambda value: f"{escape_markdown(label(value))} · {numbers[value]:,}",
        on_change=_toggle,
        args=(key, chips, tuple(shown)),
        label_visibility="collapsed",
    )
    return tuple(chosen)


def _toggle(key: str, chips: str, shown: tuple[str, ...]) -> None:
    """A chip was clicked: the multiselect gains or loses that value, in the order chosen."""
    picked = list(st.session_state.get(chips) or [])
    current = list(st.session_state.get(key) or [])
    kept = [value for value in current if value not in shown or value in picked]
    st.session_state[key] = kept + [value for value in picked if value not in kept]


def country_options(mode_key: str, primary_key: str) -> tuple[str, bool]:
    """How selected countries combine, and whether only primary countries count."""
    mode = st.segmented_control(
        "Match countries",
        ["any", "all"],
        key=mode_key,
        format_func=lambda m: {"any": "any of", "all": "all of"}[m],
    )
    primary = st.toggle(
        "Primary country only",
        key=primary_key,
        help="Count a country only where the story is about it.",
    )
    return (mode or "any"), bool(primary)


def clear_all(keys: dict[str, object], key: str) -> None:
    """A button that resets every filter to its default."""
    st.button(
        "Clear all filters",
        key=key,
        on_click=_reset,
        args=(keys,),
        icon=":material/filter_alt_off:",
    )


def _reset(keys: dict[str, object]) -> None:
    for name, default in keys.items():
        st.session_state[name] = default
