"""Loaders: turn raw coverage into one clean, dated, tagged, de-duplicated article table.

No Streamlit here: the same code runs in a notebook or a batch job.
"""

from __future__ import annotations

from typing import Any

from loaders.schema import Problem, RawArticle

__all__ = ["Problem", "RawArticle", "load_articles"]


def __getattr__(name: str) -> Any:
    # Reading files pulls in polars, feedparser and the gazetteer; the app serving a store never
    # needs them, so `from loaders import load_articles` imports them only when asked.
    if name == "load_articles":
        from loaders.normalize import load_articles

        return load_articles
    raise AttributeError(f"module 'loaders' has no attribute {name!r}")
