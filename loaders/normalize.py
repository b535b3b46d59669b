"""Files -> the article table: read, identify, name the outlet, date; `load_articles` folds them."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from loaders import dedup
from loaders.dates import date_articles
from loaders.fold import Corpus, fold
from loaders.formats.sniff import iter_input_files, read_file
from loaders.outlets import outlet_name
from loaders.schema import Problem, RawArticle

# A source that is only a file name ("export.csv") says less than the site in the URL.
FILE_NAME = re.compile(r"\.(?:csv|tsv|jsonl?|ndjson|parquet|txt|xml|rss|atom)$", re.IGNORECASE)
# Calls the progress callback after every this many files.
PROGRESS_EVERY_FILES = 1

Progress = Callable[[int, int, str], None]


def column_mapping(items: Iterable[str]) -> dict[str, str] | None:
    """`--map FIELD=COLUMN` arguments as a mapping (None when there are none)."""
    return dict(item.split("=", 1) for item in items if "=" in item) or None


def read_paths(
    paths: Iterable[str | Path],
    *,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    progress: Progress | None = None,
) -> tuple[list[RawArticle], list[Problem], int]:
    """Read every file under paths; returns the raw articles, the problems, files read."""
    files = list(iter_input_files(paths))
    raws: list[RawArticle] = []
    problems: list[Problem] = []
    for number, path in enumerate(files, start=1):
        found, trouble = read_file(path, mapping=mapping, source=source)
        raws.extend(found)
        problems.extend(trouble)
        if progress and number % PROGRESS_EVERY_FILES == 0:
            progress(number, len(files), str(path))
    return raws, problems, len(files)


def copies_from_raw(
    raws: Sequence[RawArticle],
    ingested_at: datetime | None = None,
    date_allowances: dict[str, list[int]] | None = None,
    *,
    as_of: datetime | None = None,
    undated_reasons: Counter[str] | None = None,
) -> pd.DataFrame:
    """Date and identify raw articles: one row per distinct copy, not yet tagged.

    `date_allowances` keeps each file's dateparser budget across the batches of one ingest;
    `as_of` is the time relative dates count back from when a row gives no crawl time;
    `undated_reasons` counts why dates stayed empty (loaders.dates.date_articles)."""
    titles = [r.title for r in raws]
    bodies = [r.body for r in raws]
    ids, words = dedup.text_keys(titles, bodies)
    published, sources = date_articles(raws, date_allowances, as_of, undated_reasons)
    frame = pd.DataFrame(
        {
            "copy_key": [_copy_key(i, r) for i, r in zip(ids, raws, strict=True)],
            "article_id": ids,
            "title": titles,
            "body": bodies,
            "captions": [_unique(r.captions) for r in raws],
            "credit": [r.credit for r in raws],
            "source": [_publisher(r) for r in raws],
            "url": [r.url for r in raws],
            "language": [r.language for r in raws],
            "published": pd.to_datetime(pd.Series(published, dtype=object)).astype("datetime64[s]"),
            "date_source": sources,
            "origin": [r.origin for r in raws],
            "word_count": words,
        }
    )
    frame["ingested_at"] = pd.Timestamp(ingested_at or datetime.now(UTC)).floor("s")
    return frame.drop_duplicates("copy_key", ignore_index=True)


def _publisher(raw: RawArticle) -> str:
    """The source as recorded, unless it is only a file name and the URL names the site."""
    source = raw.source or ""
    looks_like_file = bool(FILE_NAME.search(source)) or not source
    host = urlsplit(raw.url or "").hostname if (raw.url or "").startswith("http") else None
    if looks_like_file and host:
        return outlet_name(host)
    return outlet_name(source) if source else source


def _copy_key(article: str, raw: RawArticle) -> str:
    """Identity of one copy: the same text from the same file row, source and URL."""
    where = Path(raw.origin.split(":row ")[0]).name + _row_suffix(raw.origin)
    key = "\x1f".join((article, raw.source or "", raw.url or "", where))
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def _row_suffix(origin: str) -> str:
    return ":row " + origin.split(":row ", 1)[1] if ":row " in origin else ""


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def build_corpus(copies: pd.DataFrame, known: Corpus | None = None) -> Corpus:
    """Fold copies (and what a known corpus holds) into articles, in memory (loaders/fold.py)."""
    return fold(copies, known)


def load_articles(
    paths: Iterable[str | Path] | str | Path,
    *,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Files or folders in; the de-duplicated article table and per-file problems out."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    raws, problems, _ = read_paths(paths, mapping=mapping, source=source, progress=progress)
    corpus = build_corpus(copies_from_raw(raws))
    return corpus.articles, problems
