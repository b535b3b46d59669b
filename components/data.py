"""Cached access to the store at the app boundary: opened once per process, queries by view."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from loaders import remote
from loaders.query import Article, Filters, Store, Summary, Timeline
from loaders.store import DEFAULT_STORE, current_generation, default_store

if TYPE_CHECKING:  # ingest code (polars, parsers, gazetteer) loads on the first upload, not at start
    from loaders.ingest import IngestReport
    from loaders.pipeline import Progress

# Cached answers kept per question type; a view change is a cache miss, a revisit is a hit.
CACHE_ENTRIES = 512
# Deployment switch: uploads join the shared store for everyone (off: they stay in the session).
SHARED_INGEST_ENV = "COVERAGE_SHARED_INGEST"
# First characters that make a spreadsheet read a CSV cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def store_path() -> Path:
    """The store to serve: COVERAGE_STORE, else a `store` secret, else the project's default.

    Either may be a folder or a web address; an address is mirrored locally (loaders.remote).
    """
    location = os.environ.get("COVERAGE_STORE")
    if not location:
        try:
            location = st.secrets.get("store")
        except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
            location = None
    if not location:
        return default_store()
    return remote.mirror(str(location)) if remote.is_url(str(location)) else Path(location)


def ensure_store(path: Path) -> None:
    """Build the demo store from data/sample the first time the default store is served."""
    if current_generation(path) is not None or path != DEFAULT_STORE:
        return
    from loaders.sample import SAMPLE_DIR, build_sample_store

    if SAMPLE_DIR.exists():
        with st.spinner("Building the demo corpus store (first run only)…"):
            build_sample_store(path)


def generation(path: Path) -> str:
    """Name of the store's live generation: changes whenever an ingest lands."""
    current = current_generation(path)
    return current.name if current else ""


@st.cache_resource(show_spinner=False, max_entries=8)
def open_store(path: str, generation_name: str) -> Store:
    """One read-only handle per store generation, shared by every session."""
    return Store(Path(path))


def view_key(filters: Filters) -> str:
    """The cache key of a set of filters: hashing one string is much cheaper for Streamlit than
    walking the dataclass on each of a rerun's cached calls, and repr names every field."""
    return repr(filters)


def summary(store: Store, version: str, filters: Filters) -> Summary:
    return _summary(store, version, view_key(filters), filters)


def facets(store: Store, version: str, filters: Filters) -> dict[str, pd.DataFrame]:
    return _facets(store, version, view_key(filters), filters)


def timeline(
    store: Store, version: str, filters: Filters, granularity: str, measure: str, split: str, share: bool
) -> Timeline:
    return _timeline(store, version, view_key(filters), filters, granularity, measure, split, share)


def results(store: Store, version: str, filters: Filters, sort: str, page: int, size: int) -> pd.DataFrame:
    return _results(store, version, view_key(filters), filters, sort, page, size)


# Parameters with a leading underscore are not hashed: the store by its version, the filters by key.
@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _summary(_store: Store, version: str, key: str, _filters: Filters) -> Summary:
    return _store.summary(_filters)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _facets(_store: Store, version: str, key: str, _filters: Filters) -> dict[str, pd.DataFrame]:
    return _store.facets(_filters)


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


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def article(_store: Store, version: str, article_id: str) -> Article | None:
    return _store.article(article_id)


@st.cache_data(show_spinner=False, max_entries=8)
def date_span(_store: Store, version: str) -> tuple[date | None, date | None]:
    return _store.date_span()


@st.cache_data(show_spinner=False, max_entries=64)
def facet_values(_store: Store, version: str, kind: str) -> list[str]:
    return _store.facet_values(kind)["value"].tolist()


def export_csv(store: Store, filters: Filters) -> bytes:
    """The filtered articles as CSV (list columns joined with '; '), safe to open in a spreadsheet."""
    frame = store.export(filters)
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


def export_jsonl(store: Store, filters: Filters) -> bytes:
    """The filtered articles as JSON Lines: text stays exactly as written (JSON strings are data,
    and programs, not spreadsheets, read this format)."""
    frame = store.export(filters)
    for column in frame.columns:
        if frame[column].map(lambda v: hasattr(v, "tolist")).any():
            frame[column] = frame[column].map(lambda v: v.tolist() if hasattr(v, "tolist") else v)
    return frame.to_json(orient="records", lines=True, date_format="iso").encode("utf-8")


def shared_ingest() -> bool:
    """Whether uploads join the shared store (a deployment setting, off by default)."""
    return os.environ.get(SHARED_INGEST_ENV, "").lower() in ("1", "true", "yes")


def ingest_uploads(
    files: list[tuple[str, bytes]], base: Path, progress: Progress
) -> tuple[Path, IngestReport]:
    """Ingest uploaded files into this session's own store (a copy of base), or the shared one."""
    from loaders.ingest import ingest_files, private_copy

    if shared_ingest():
        target = base
    else:
        existing = st.session_state.get("_session_store")
        target = Path(existing) if existing else private_copy(base)
        st.session_state["_session_store"] = str(target)
    return target, ingest_files(files, target, progress=progress)
