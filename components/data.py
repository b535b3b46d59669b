"""Cached access to the store at the app boundary: opened once per process, queries by view."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from loaders.ingest import IngestReport, ingest_files, private_copy
from loaders.pipeline import Progress
from loaders.query import Article, Filters, Store, Summary, Timeline
from loaders.sample import SAMPLE_DIR, build_sample_store
from loaders.store import DEFAULT_STORE, current_generation, default_store

# Cached answers kept per question type; a view change is a cache miss, a revisit is a hit.
CACHE_ENTRIES = 512
# Deployment switch: uploads join the shared store for everyone (off: they stay in the session).
SHARED_INGEST_ENV = "COVERAGE_SHARED_INGEST"


def store_path() -> Path:
    """The store to serve: COVERAGE_STORE, else a `store` secret, else the project's default."""
    if os.environ.get("COVERAGE_STORE"):
        return Path(os.environ["COVERAGE_STORE"])
    try:
        secret = st.secrets.get("store")
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        secret = None
    return Path(secret) if secret else default_store()


def ensure_store(path: Path) -> None:
    """Build the demo store from data/sample the first time the default store is served."""
    if current_generation(path) is None and path == DEFAULT_STORE and SAMPLE_DIR.exists():
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


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def summary(_store: Store, version: str, filters: Filters) -> Summary:
    return _store.summary(filters)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def facets(_store: Store, version: str, filters: Filters) -> dict[str, pd.DataFrame]:
    return _store.facets(filters)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def timeline(
    _store: Store, version: str, filters: Filters, granularity: str, measure: str, split: str, share: bool
) -> Timeline:
    return _store.timeline(filters, granularity, measure, split, share)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def results(_store: Store, version: str, filters: Filters, sort: str, page: int, size: int) -> pd.DataFrame:
    return _store.results(filters, sort, page, size)


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
    """The filtered articles as CSV (list columns joined with '; ')."""
    frame = store.export(filters)
    for column in frame.columns:
        if frame[column].map(lambda v: isinstance(v, (list, tuple))).any():
            frame[column] = frame[column].map(lambda v: "; ".join(map(str, v)) if v is not None else "")
    return frame.to_csv(index=False).encode("utf-8")


def export_jsonl(store: Store, filters: Filters) -> bytes:
    """The filtered articles as JSON Lines."""
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
    if shared_ingest():
        target = base
    else:
        existing = st.session_state.get("_session_store")
        target = Path(existing) if existing else private_copy(base)
        st.session_state["_session_store"] = str(target)
    return target, ingest_files(files, target, progress=progress)
