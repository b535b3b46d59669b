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
    """The stories of the articles matching `where` (over articles a), largest or newest first.
    One query: the matching articles are found once (MATERIALIZED), then counted by story, and
    only the listed stories' outlets and days are read again from them (at 100k articles, 28 ms
    of CPU under a country where four queries took 70)."""
    by = _ORDER_BY.get(order, _ORDER_BY["largest"])
    # Under no filter the counts are the store's own, kept per story at ingest: only the listed
    # stories' days are read from the articles.
    every = where == EVERYTHING
    sql = (_EVERY_STORY_SQL if every else _LISTED_SQL).format(
        where=where, by=by, days=_DAYS_SQL.format(of="dated" if every else "matching")
    )
    found = cur.execute(sql, [*params, MIN_STORY_ARTICLES, limit]).fetchall()
    if not found:
        return Stories(pd.DataFrame({name: [] for name in STORY_COLUMNS}), 0)
    rows = [
        {
            "story_id": story_id,
            "label": label,
            "first": _day(first),
            "last": _day(last),
            "articles": int(n),
            "outlets": int(outlets),
            "spark": _spark(days or [], counts or [], first, last),
        }
        for _, n, first, last, _, story_id, label, outlets, days, counts in found
    ]
    return Stories(pd.DataFrame(rows, columns=list(STORY_COLUMNS)), int(found[0][4]))


# The WHERE clause of no filter (storage.query.Store.where).
EVERYTHING = "TRUE"

# The listed stories' matching days, as two lists per story (days ascending, articles each).
_DAYS_SQL = """
    SELECT story, list(day ORDER BY day) AS days, list(n ORDER BY day) AS counts FROM (
        SELECT m.story, m.published::DATE AS day, count(*) AS n
        FROM {of} m SEMI JOIN top USING (story) WHERE m.published IS NOT NULL GROUP BY ALL
    ) GROUP BY story
"""

_EVERY_STORY_SQL = """
WITH top AS (
    SELECT story, articles AS n, first, last, count(*) OVER () AS total, story_id, label, outlets
    FROM stories WHERE {where} AND articles >= ? ORDER BY {by} LIMIT ?
),
dated AS (
    SELECT s.story, a.published
    FROM article_stories s SEMI JOIN top USING (story) JOIN articles a USING (idx)
),
days AS ({days})
SELECT t.*, d.days, d.counts FROM top t LEFT JOIN days d USING (story) ORDER BY {by}
"""

_LISTED_SQL = """
WITH matching AS MATERIALIZED (
    SELECT s.story, a.idx, a.published
    FROM articles a JOIN article_stories s USING (idx) WHERE {where}
),
counted AS (
    SELECT story, count(*) AS n, min(published)::DATE AS first, max(published)::DATE AS last
    FROM matching GROUP BY story HAVING count(*) >= ?
),
top AS (SELECT *, count(*) OVER () AS total FROM counted ORDER BY {by} LIMIT ?),
outlets AS (
    SELECT m.story, count(DISTINCT g.source) AS outlets
    FROM matching m SEMI JOIN top USING (story) JOIN group_sources g USING (idx)
    GROUP BY m.story
),
days AS ({days})
SELECT * FROM (
    SELECT t.story, t.n, t.first, t.last, t.total, x.story_id, x.label, coalesce(o.outlets, 0),
           d.days, d.counts
    FROM top t JOIN stories x USING (story) LEFT JOIN outlets o USING (story)
    LEFT JOIN days d USING (story)
) ORDER BY {by}
"""


def _spark(days: list[date], counts: list[int], first: object, last: object) -> list[int]:
    """Matching articles per equal period of the story's span, at most SPARK_BINS periods."""
    if not days or first is None or last is None:
        return []
    start = pd.Timestamp(first)
    span = (pd.Timestamp(last) - start).days + 1
    bins = min(span, SPARK_BINS)
    offsets = np.array([(pd.Timestamp(d) - start).days for d in days])
    which = np.minimum(offsets * bins // span, bins - 1)
    return np.bincount(which, weights=counts, minlength=bins).astype(int).tolist()


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
