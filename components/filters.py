"""Sidebar filters: search box, date range, entity facets with counts, clear-all."""

from __future__ import annotations

import hashlib
import re
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
    left, right = st.columns(2)
    # Wide bounds: a shared link may carry any date, and a picker refuses values outside its bounds.
    bounds = {"min_value": EARLIEST, "max_value": LATEST, "format": "YYYY-MM-DD", "value": None}
    start = left.date_input("From", key=keys[0], help=f"Earliest article: {first}", **bounds)
    end = right.date_input("To", key=keys[1], help=f"Latest article: {last}", **bounds)
    return start, end


def facet(
    title: str,
    counts: pd.DataFrame,
    options: Sequence[str],
    key: str,
    label: Label = str,
) -> tuple[str, ...]:
    """One facet: a searchable multiselect over every value, then the top values under the
    current filters with their counts, each a click that adds it. Returns the selection."""
    chosen = st.multiselect(title, list(options), key=key, format_func=label, placeholder="Find any value…")
    shown = 0
    chips = st.container(horizontal=True, gap="small")
    for value, count in counts.itertuples(index=False):
        if value in chosen:
            continue
        chips.button(
            f"{escape_markdown(label(value))} · {count:,}",
            key=f"{key}-add-{slug(value)}",
            on_click=_add,
            args=(key, value),
            type="tertiary",
        )
        shown += 1
    if not shown and not chosen:
        st.caption("No values in the matching articles.")
    return tuple(chosen)


def _add(key: str, value: str) -> None:
    current = list(st.session_state.get(key) or [])
    if value not in current:
        st.session_state[key] = [*current, value]


def slug(value: str) -> str:
    """A widget-key-safe form of a value: readable when it is simple, hashed otherwise."""
    if re.fullmatch(r"[A-Za-z0-9]{1,40}", value):
        return value
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=4).hexdigest()
    return re.sub(r"[^A-Za-z0-9]+", "_", value)[:24] + "-" + digest


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
