"""Questions about stories: which stories the matching articles tell, and an article's story.

Stories are placed at ingest (storage/story_index.py); here they are only counted under the
filters, from the precomputed article_stories and stories tables: nothing is clustered at
query time. Every value from outside reaches SQL as a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import pandas as pd

# Stories listed at once, and the matching articles a story needs to be listed: a lone article
# is not a developing story.
STORY_LIMIT = 12
MIN_STORY_ARTICLES = 2
ORDERS = ("largest", "newest")
# Bars of a story's small timeline (its matching span cut into this many equal periods at most).
SPARK_BINS = 12
# Other articles of a story the reader lists.
OTHERS_LIMIT = 8

_ORDER_BY = {
    "largest": "n DESC, last DESC NULLS LAST, story",
    "newest": "last DESC NULLS LAST, n DESC, story",
}

STORY_COLUMNS = ("story_id", "label", "first", "last", "articles", "outlets", "spark")


@dataclass
class Stories:
    """The stories under some filters: the listed ones, and how many there are in all."""

    frame: pd.DataFrame  # STORY_COLUMNS; counts are of matching articles, spark their daily spread
    total: int = 0


@dataclass
class StoryOf:
    """The story an article belongs to, for the reader (counts over the whole store)."""

    story_id: str
    label: str
    first: date | None
    last: date | None
    articles: int
    outlets: int
    others: pd.DataFrame = field(default_factory=pd.DataFrame)  # article_id, title, published, source


def listed(
    cur: duckdb.DuckDBPyConnection, where: str, params: list[object], order: str, limit: int
) -> Stories:
    """The stories of the articles matching `where` (over articles a), largest or newest first."""
    by = _ORDER_BY.get(order, _ORDER_BY["largest"])
    found = cur.execute(
        "WITH counted AS (SELECT s.story, count(*) AS n, min(a.published)::DATE AS first,"
        " max(a.published)::DATE AS last FROM articles a JOIN article_stories s USING (idx)"
        f" WHERE {where} GROUP BY s.story HAVING count(*) >= ?)"
        f" SELECT *, count(*) OVER () AS total FROM counted ORDER BY {by} LIMIT ?",
        [*params, MIN_STORY_ARTICLES, limit],
    ).df()
    if found.empty:
        return Stories(pd.DataFrame({name: [] for name in STORY_COLUMNS}), 0)
    keys = [int(s) for s in found["story"]]
    names = cur.execute(
        "SELECT story, story_id, label FROM stories WHERE story IN (SELECT unnest(?::INTEGER[]))", [keys]
    ).df()
    outlets = cur.execute(
        "SELECT s.story, count(DISTINCT g.source) AS outlets FROM articles a"
        " JOIN article_stories s USING (idx) JOIN group_sources g USING (idx)"
        f" WHERE {where} AND s.story IN (SELECT unnest(?::INTEGER[])) GROUP BY s.story",
        [*params, keys],
    ).df()
    days = cur.execute(
        "SELECT s.story, a.published::DATE AS day, count(*) AS n FROM articles a"
        " JOIN article_stories s USING (idx)"
        f" WHERE {where} AND s.story IN (SELECT unnest(?::INTEGER[])) AND a.published IS NOT NULL"
        " GROUP BY ALL",
        [*params, keys],
    ).df()
    frame = found.merge(names, on="story").merge(outlets, on="story", how="left")
    frame = frame.rename(columns={"n": "articles"})
    frame["outlets"] = frame["outlets"].fillna(0).astype("int64")
    frame["spark"] = [
        _spark(days[days["story"] == story], first, last)
        for story, first, last in zip(frame["story"], frame["first"], frame["last"], strict=True)
    ]
    for name in ("first", "last"):  # days, as the page says them (DuckDB hands back timestamps)
        frame[name] = [_day(v) for v in frame[name]]
    total = int(found["total"].iloc[0])
    return Stories(frame.loc[:, list(STORY_COLUMNS)].reset_index(drop=True), total)


def _spark(days: pd.DataFrame, first: object, last: object) -> list[int]:
    """Matching articles per equal period of the story's span, at most SPARK_BINS periods."""
    if days.empty or pd.isna(first) or pd.isna(last):
        return []
    start = pd.Timestamp(first)
    span = (pd.Timestamp(last) - start).days + 1
    bins = min(span, SPARK_BINS)
    offsets = (pd.to_datetime(days["day"]) - start).dt.days.to_numpy()
    which = np.minimum(offsets * bins // span, bins - 1)
    return np.bincount(which, weights=days["n"].to_numpy(), minlength=bins).astype(int).tolist()


def exists(cur: duckdb.DuckDBPyConnection, story_id: str) -> bool:
    """Whether the store holds a story of this id."""
    return bool(cur.execute("SELECT count(*) FROM stories WHERE story_id = ?", [story_id]).fetchall()[0][0])


def of_article(cur: duckdb.DuckDBPyConnection, article_id: str, limit: int = OTHERS_LIMIT) -> StoryOf | None:
    """The story of one article and its other articles (newest first), or None when the article
    is unknown or alone in its story."""
    rows = cur.execute(
        "SELECT m.story, a.idx FROM articles a JOIN article_stories m USING (idx) WHERE a.article_id = ?",
        [article_id],
    ).fetchall()
    return _story(cur, "story = ?", rows[0][0], rows[0][1], limit) if rows else None


def by_id(cur: duckdb.DuckDBPyConnection, story_id: str, limit: int = OTHERS_LIMIT) -> StoryOf | None:
    """One story by its id, with its newest articles; None when the store has no such story."""
    return _story(cur, "story_id = ?", story_id, -1, limit)


def _story(cur: duckdb.DuckDBPyConnection, match: str, key: object, idx: int, limit: int) -> StoryOf | None:
    """The story matching (a constant clause of this module), its articles but idx, newest first."""
    rows = cur.execute(
        f"SELECT story, story_id, label, first, last, articles, outlets FROM stories WHERE {match}", [key]
    ).fetchall()
    if not rows or rows[0][5] < MIN_STORY_ARTICLES:
        return None
    story, story_id, label, first, last, articles, outlets = rows[0]
    others = cur.execute(
        "SELECT a.article_id, a.title, a.published, a.source FROM article_stories m"
        " JOIN articles a USING (idx) WHERE m.story = ? AND a.idx <> ? ORDER BY a.idx LIMIT ?",
        [story, idx, limit],
    ).df()
    return StoryOf(
        str(story_id), str(label or ""), _day(first), _day(last), int(articles), int(outlets), others
    )


def story_clause(params: list[object], story_id: str) -> str:
    """WHERE part (over articles a) keeping one story's articles."""
    params.append(story_id)
    return (
        "a.idx IN (SELECT idx FROM article_stories"
        " WHERE story = (SELECT story FROM stories WHERE story_id = ?))"
    )


def _day(value: object) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
