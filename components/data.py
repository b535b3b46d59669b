"""Cached questions to the store at the app boundary (st.cache_data around storage.query)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import pandas as pd
import streamlit as st

from components import serving
from storage import compare
from storage.layout import StoreError
from storage.query import Article, CoreSpan, FacetValues, Filters, Store, Summary, Timeline
from storage.stories import Stories, StoryOf

# Cached answers kept per question type; a view change is a cache miss, a revisit is a hit.
CACHE_ENTRIES = 512
# Values counted per facet kind: the find box shows each value's count under the filters, and
# a facet's "Show all" draws up to storage.query.FACET_ALL_LIMIT of them.
FACET_VALUES_COUNTED = 5_000
T = TypeVar("T")


def at_boundary(question: Callable[..., T]) -> Callable[..., T]:
    """A question whose store fails mid-run (a damaged file): that generation is refused and the
    page reruns on the last good one (serving.open_served) instead of showing an app error."""

    @functools.wraps(question)
    def asked(store: Store, *args: object, **kwargs: object) -> T:
        try:
            return question(store, *args, **kwargs)
        except StoreError as error:
            serving.refuse(store, error)
            st.rerun()

    return asked


def view_key(filters: Filters) -> str:
    """The cache key of a set of filters: hashing one string is much cheaper for Streamlit than
    walking the dataclass on each of a rerun's cached calls, and repr names every field."""
    return repr(filters)


@at_boundary
def summary(store: Store, version: str, filters: Filters) -> Summary:
    return _summary(store, version, view_key(filters), filters)


@at_boundary
def facets(store: Store, version: str, filters: Filters) -> dict[str, FacetValues]:
    """Per kind, its values under the filters, most frequent first (up to FACET_VALUES_COUNTED)."""
    return _facets(store, version, view_key(filters), filters)


@at_boundary
def country_counts(store: Store, version: str, filters: Filters) -> pd.DataFrame:
    """Articles per country under the filters (value, count), for the map: the country facet the
    sidebar already asked for (FACET_VALUES_COUNTED holds every country the gazetteer can tag), so
    the map costs no question of its own (~55 ms at 1M articles)."""
    return facets(store, version, filters)["country"].counts


@at_boundary
def core_span(store: Store, version: str, filters: Filters) -> CoreSpan:
    return _core_span(store, version, view_key(filters), filters)


@at_boundary
def timeline(
    store: Store, version: str, filters: Filters, granularity: str, measure: str, split: str, share: bool
) -> Timeline:
    return _timeline(store, version, view_key(filters), filters, granularity, measure, split, share)


@at_boundary
def results(store: Store, version: str, filters: Filters, sort: str, page: int, size: int) -> pd.DataFrame:
    return _results(store, version, view_key(filters), filters, sort, page, size)


# Parameters with a leading underscore are not hashed: the store by its version, the filters by key.
@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _summary(_store: Store, version: str, key: str, _filters: Filters) -> Summary:
    return _store.summary(_filters)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _facets(_store: Store, version: str, key: str, _filters: Filters) -> dict[str, FacetValues]:
    return _store.facet_lists(_filters, limit=FACET_VALUES_COUNTED)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _core_span(_store: Store, version: str, key: str, _filters: Filters) -> CoreSpan:
    return _store.core_span(_filters)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _timeline(
    _store: Store,
    version: str,
    key: str,
    _filters: Filters,
    granularity: str,
    measure: str,
    split: str,
    share: bool,
) -> Timeline:
    return _store.timeline(_filters, granularity, measure, split, share)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _results(
    _store: Store, version: str, key: str, _filters: Filters, sort: str, page: int, size: int
) -> pd.DataFrame:
    return _store.results(_filters, sort, page, size)


@at_boundary
@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def article(_store: Store, version: str, article_id: str) -> Article | None:
    return _store.article(article_id)


@at_boundary
@st.cache_data(show_spinner=False, max_entries=8)
def date_span(_store: Store, version: str) -> tuple[date | None, date | None]:
    return _store.date_span()


@at_boundary
@st.cache_data(show_spinner=False, max_entries=64)
def facet_values(_store: Store, version: str, kind: str) -> list[str]:
    return _store.facet_values(kind)["value"].tolist()


@at_boundary
def stories(store: Store, version: str, filters: Filters, order: str) -> Stories:
    """The stories under the filters, largest or newest first (counted, never reclustered)."""
    return _stories(store, version, view_key(filters), filters, order)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _stories(_store: Store, version: str, key: str, _filters: Filters, order: str) -> Stories:
    return _store.stories(_filters, order)


@at_boundary
@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def story_of(_store: Store, version: str, article_id: str) -> StoryOf | None:
    return _store.story_of(article_id)


@at_boundary
@st.cache_data(show_spinner=False, max_entries=64)
def story(_store: Store, version: str, story_id: str) -> StoryOf | None:
    return _store.story(story_id)


def compare_days(store: Store, version: str, queries: tuple[Filters, ...]) -> compare.CompareDays:
    """The compared queries' answer, each query cached on its own (adding one asks only it)."""
    return compare.combine([_query_days(store, version, view_key(f), f) for f in queries], store)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _query_days(_store: Store, version: str, key: str, _filters: Filters) -> compare.CompareDays:
    return compare.query_days(_store, _filters)
