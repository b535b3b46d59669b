"""Files -> the article table: parse, normalize, date, tag, de-duplicate."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pandas as pd

from loaders import dedup
from loaders.build import Builder
from loaders.dates import assign_dates
from loaders.entities import tag_articles
from loaders.files import iter_input_files, read_file
from loaders.outlets import outlet_name
from loaders.schema import Problem, RawArticle
from loaders.store import TAG_COLUMNS, Corpus, read_tables

# A source that is only a file name ("export.csv") says less than the site in the URL.
FILE_NAME = re.compile(r"\.(?:csv|tsv|jsonl?|ndjson|parquet|txt|xml|rss|atom)$", re.IGNORECASE)
# Calls the progress callback after every this many files.
PROGRESS_EVERY_FILES = 1

Progress = Callable[[int, int, str], None]

COPY_COLUMNS = (
    "copy_key",
    "article_id",
    "title",
    "body",
    "captions",
    "credit",
    "source",
    "url",
    "published",
    "date_source",
    "origin",
)
MENTION_COLUMNS = ("article_id", "kind", "value", "count")


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


def copies_from_raw(raws: Sequence[RawArticle], ingested_at: datetime | None = None) -> pd.DataFrame:
    """Date and identify raw articles: one row per distinct copy, not yet tagged."""
    titles = [r.title for r in raws]
    bodies = [r.body for r in raws]
    ids, words = dedup.text_keys(titles, bodies)
    published, sources = _dates(raws)
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


def _dates(raws: Sequence[RawArticle]) -> tuple[list[date | None], list[str]]:
    """Dates from each article's own evidence, then weekdays against neighbours in its file."""
    args = (
        [r.published_meta for r in raws],
        [r.url for r in raws],
        [r.body for r in raws],
        [r.captions for r in raws],
    )
    published, sources = assign_dates(*args)
    # A crawl time stands in for a publication date only as weak evidence.
    sources = [
        "crawl" if r.date_hint == "crawl" and w == "metadata" else w
        for r, w in zip(raws, sources, strict=True)
    ]
    undated = [i for i, d in enumerate(published) if d is None]
    if not undated:
        return published, sources
    references = _neighbour_dates(raws, published)
    again = assign_dates(*([column[i] for i in undated] for column in args), [references[i] for i in undated])
    for i, day, where in zip(undated, again[0], again[1], strict=True):
        published[i], sources[i] = day, where
    return published, sources


def _neighbour_dates(raws: Sequence[RawArticle], published: Sequence[date | None]) -> list[date | None]:
    """Per article, the date of the nearest dated article before (else after) it in its file."""
    frame = pd.DataFrame(
        {
            "file": [r.origin.split(":row ")[0] for r in raws],
            "day": pd.Series(published, dtype=object),
        }
    )
    by_file = frame.groupby("file", sort=False)["day"]
    before = by_file.shift(1).groupby(frame["file"], sort=False).ffill()
    after = by_file.shift(-1).groupby(frame["file"], sort=False).bfill()
    nearest = before.where(before.notna(), after)
    return [None if pd.isna(d) else d for d in nearest]


def tag_copies(copies: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tag each distinct text once; returns (copies with tag columns, long-form mentions)."""
    texts = copies.drop_duplicates("article_id")
    tags = tag_articles(texts["title"].tolist(), texts["body"].tolist(), texts["captions"].tolist())
    ids = texts["article_id"].to_numpy()
    per_article = pd.DataFrame({"article_id": ids, **{c: getattr(tags, c) for c in TAG_COLUMNS}})
    mentions = tags.mentions.assign(article_id=ids[tags.mentions["position"].to_numpy()])
    tagged = copies.drop(columns=list(TAG_COLUMNS), errors="ignore").merge(per_article, on="article_id")
    return tagged, mentions.loc[:, list(MENTION_COLUMNS)].reset_index(drop=True)


def build_corpus(copies: pd.DataFrame, known: Corpus | None = None) -> Corpus:
    """Fold copies (and what a known corpus holds) into articles, in memory.

    The same Builder the store uses, on an in-memory database: one definition of folding.
    """
    with duckdb.connect() as con:
        builder = Builder(con)
        if known is not None:
            builder.add(known.copies)
        builder.add(copies)
        builder.finish()
        return read_tables(con)


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
