"""Loaders: turn raw coverage into one clean, dated, tagged, de-duplicated article table.

No Streamlit here: the same code runs in a notebook or a batch job.
"""

from __future__ import annotations

from loaders.pipeline import load_articles
from loaders.schema import Problem, RawArticle

__all__ = ["Problem", "RawArticle", "load_articles"]
