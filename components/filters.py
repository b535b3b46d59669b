"""Sidebar filters: search box, date range, entity facets with counts, clear-all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from components.text import escape_markdown
from storage.query import FACET_ALL_LIMIT, FACET_LIMIT, FacetValues

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


@dataclass(frozen=True)
class FacetKeys:
    """The widget keys of one facet (components.state): chosen values, values left out, show all."""

    chosen: str
    left_out: str
    show_all: str


def facet(
    title: str,
    counts: FacetValues,
    options: Sequence[str],
    keys: FacetKeys,
    label: Label = str,
    showing_all: bool = False,
    on_show_all: Callable[[bool], None] | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """One facet: a find box over every value (each with its count under the current filters:
    counts holds the values the matching articles carry, most frequent first),
    the top values (or all, on demand) as chips that toggle them, and a box for values to leave
    out. Returns the chosen values and the values left out."""
    numbers = dict(zip(counts.counts["value"].tolist(), counts.counts["count"].tolist(), strict=True))
    # A value missing from a complete list is carried by no matching article; from a cut list, unknown.
    missing = 0 if len(numbers) >= counts.total else None

    def counted(value: str) -> str:
        number = numbers.get(value, missing)
        return label(value) if number is None else f"{label(value)} · {number:,}"

    chosen = st.multiselect(
        title, list(options), key=keys.chosen, format_func=counted, placeholder="Find any value…"
    )
    if counts.counts.empty:
        if not chosen:
            st.caption("No values in the matching articles.")
    else:
        limit = FACET_ALL_LIMIT if showing_all else FACET_LIMIT
        _chips(title, _top(counts.counts, tuple(chosen), limit), tuple(chosen), keys.chosen, label)
        _more_or_fewer(len(counts.counts), showing_all, keys.show_all, on_show_all)
    left_out = st.multiselect(
        f"Leave out {title.lower()}",
        [value for value in options if value not in chosen],
        key=keys.left_out,
        format_func=label,
        placeholder="Leave out a value…",
        help="Articles carrying any of these values do not match (e.g. not United States).",
    )
    return tuple(chosen), tuple(left_out)


def _chips(title: str, counts: pd.DataFrame, chosen: tuple[str, ...], key: str, label: Label) -> None:
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


def _top(counts: pd.DataFrame, chosen: tuple[str, ...], limit: int) -> pd.DataFrame:
    """The chosen values, then the `limit` most frequent others (counts is most frequent first)."""
    picked = counts["value"].isin(chosen)
    return pd.concat([counts[picked], counts[~picked].head(limit)])


def _more_or_fewer(
    values: int, showing_all: bool, key: str, on_show_all: Callable[[bool], None] | None
) -> None:
    """ "Show all N" when the chips are the top values only; "Show top" when they are all."""
    if on_show_all is None:
        return
    if showing_all:
        if values > FACET_ALL_LIMIT:
            st.caption(f"Showing the top {FACET_ALL_LIMIT:,} of {values:,}: the find box finds the rest.")
        st.button(
            f"Show top {FACET_LIMIT}",
            key=f"{key}-button",
            on_click=on_show_all,
            args=(False,),
            type="tertiary",
        )
    elif values > FACET_LIMIT:
        st.button(
            f"Show all {values:,}", key=f"{key}-button", on_click=on_show_all, args=(True,), type="tertiary"
        )


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
