"""Which column of a table holds which article field: names matched by tokens, values profiled.

A column name is split into lowercase tokens ("response.docs.headline.main" -> response, docs,
headline, main; "Date Published" -> date, published). The last meaningful token is the head noun
and counts most. Each column's values are profiled on a sample (length, words, share of dates and
URLs, distinct count) so a name match must also look right, and a table without usable names is
still mapped by content: long text -> body, short multi-word text -> title, dates -> published,
URLs -> url, domain-shaped values -> source. Each column serves one field at most.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from loaders.columnregex import has_digit, whitespace_runs
from loaders.dates import parse_date

# Fields an article takes from a table; "lead" (a description or summary) stands in for a body.
FIELDS = ("title", "body", "lead", "published", "url", "source", "language", "captions")
# Name tokens per field. A column whose head token is here scores HEAD_SCORE, elsewhere in its name
# TOKEN_SCORE. "text" and "content" are body words; "description" and friends are the lead.
FIELD_TOKENS: dict[str, frozenset[str]] = {
    "title": frozenset({"title", "headline", "heading", "header", "subject", "hed"}),
    "body": frozenset(
        {"body", "text", "content", "article", "story", "fulltext", "maintext", "sentence", "passage"}
    ),
    "lead": frozenset(
        {
            "description",
            "summary",
            "excerpt",
            "abstract",
            "lead",
            "snippet",
            "teaser",
            "standfirst",
            "dek",
            "paragraph",
        }
    ),
    "published": frozenset(
        {"date", "published", "publish", "pub", "pubdate", "time", "datetime", "timestamp", "created"}
        | {"issued", "day", "seendate", "posted", "updated", "modified", "extracted", "crawled"}
    ),
    "url": frozenset({"url", "link", "href", "permalink", "uri", "weburl", "guid"}),
    "source": frozenset(
        {"source", "publisher", "outlet", "site", "media", "domain", "newspaper", "publication"}
        | {"sitename", "feed", "channel", "provider"}
    ),
    "language": frozenset({"language", "lang", "locale"}),
    "captions": frozenset({"captions", "caption"}),
}
# Tokens that say a column is not the field itself: a translation, a pipeline path, a label.
NEGATIVE_TOKENS = frozenset(
    {"id", "mt", "translation", "translated", "annotator", "archived", "archive", "comments"}
    | {"file", "path", "type", "count", "label", "score", "batch", "collector", "video"}
    | {"api", "author", "tags", "topic", "category", "wayback", "print", "kicker", "multimedia"}
)
# Trailing tokens that name nothing ("media_name", "headline.main"): the token before is the head.
GENERIC_TOKENS = frozenset({"name", "main", "value", "raw", "str", "string", "en", "from", "page"})
# Tokens saying the date is when a machine fetched the page, not when it was published.
CRAWL_TOKENS = frozenset(
    {"extracted", "crawled", "scraped", "collected", "fetched", "retrieved", "downloaded"}
)
HEAD_SCORE = 3
TOKEN_SCORE = 1
EXACT_SCORE = 1  # the whole name is one field word ("title", "url")
EXTRA_HIT_SCORE = 1  # each further field word ("body_text", "Date Published")
NEGATIVE_SCORE = -4
# Values profiled per column: enough to judge, cheap on a million rows.
PROFILE_ROWS = 500
# A body averages more than this many characters; a title fewer; both need several words.
BODY_MIN_CHARS = 100
BODY_MIN_WORDS = 15
TITLE_MAX_CHARS = 250
TITLE_MIN_WORDS = 3
# A title found by content alone is at most this share of the body's mean length.
TITLE_BODY_RATIO = 0.4
# Share of sampled non-empty values that must look right for a column to serve a field.
MIN_DATE_SHARE = 0.6
MIN_URL_SHARE = 0.6
MIN_FILLED_SHARE = 0.05
# A source column repeats few values; more distinct than this share of rows is something else.
MAX_SOURCE_DISTINCT_SHARE = 0.5
MAX_SOURCE_CHARS = 60
MAX_LANGUAGE_CHARS = 20

DATE_SAMPLE_VALUES = 100
# A year, a/b numeric date, or an epoch number somewhere in the value.
_DATE_SHAPE = r"(?:^|\D)(?:1[89]\d\d|20\d\d)(?:\D|$)|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}|^\d{10}(?:\d{3})?$"
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TOKEN_SPLIT = re.compile(r"[^0-9a-zA-Z]+")
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+/?$", re.IGNORECASE)


@dataclass
class Profile:
    """What a column's sampled values look like."""

    filled: float = 0.0
    mean_chars: float = 0.0
    mean_words: float = 0.0
    date_share: float = 0.0
    digit_share: float = 0.0
    url_share: float = 0.0
    domain_share: float = 0.0
    distinct_share: float = 0.0
    samples: list[str] = field(default_factory=list)


@dataclass
class ColumnMapping:
    """Field -> column, how each was chosen, and what the dates are."""

    columns: dict[str, str] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)  # field -> "name" | "content" | "given"
    samples: dict[str, list[str]] = field(default_factory=dict)
    crawl_date: bool = False  # the published column is a crawl time: weak evidence

    def get(self, name: str) -> str | None:
        """The column serving a field, or None."""
        return self.columns.get(name)


def name_tokens(name: str) -> list[str]:
    """Lowercase tokens of a column name, camelCase and punctuation split."""
    return [t.lower() for t in _TOKEN_SPLIT.split(_CAMEL.sub(" ", str(name))) if t]


def head_token(tokens: Sequence[str]) -> str | None:
    """The token naming what the column is: the last one that is not generic."""
    meaningful = [t for t in tokens if t not in GENERIC_TOKENS]
    return meaningful[-1] if meaningful else (tokens[-1] if tokens else None)


def name_score(name: str, field_name: str) -> int:
    """How strongly a column name says it holds a field (0: not at all)."""
    tokens = name_tokens(name)
    wanted = FIELD_TOKENS[field_name]
    hits = [t for t in tokens if t in wanted]
    if not hits:
        return 0
    score = HEAD_SCORE if head_token(tokens) in wanted else TOKEN_SCORE
    if len(tokens) == 1:
        score += EXACT_SCORE
    score += EXTRA_HIT_SCORE * (len(hits) - 1)
    if any(t in NEGATIVE_TOKENS for t in tokens):
        score += NEGATIVE_SCORE
    return score


def profile(values: pd.Series) -> Profile:
    """A profile of a text column's first PROFILE_ROWS values."""
    head = values.head(PROFILE_ROWS)
    if head.dtype == object:  # JSON and Parquet cells: lists of paragraphs, numbers, None
        head = head.map(_cell_sample)
    sample = head.astype("string").fillna("").str.strip()
    filled = sample[sample != ""]
    if filled.empty:
        return Profile()
    lengths = filled.str.len()
    words = whitespace_runs(filled) + 1
    return Profile(
        filled=len(filled) / len(sample),
        mean_chars=float(lengths.mean()),
        mean_words=float(words.mean()),
        date_share=_date_share(filled),
        digit_share=float(has_digit(filled).mean()),
        url_share=float(filled.str.match(r"https?://").mean()),
        domain_share=float(filled.str.match(_DOMAIN).mean()),
        distinct_share=filled.nunique() / len(filled),
        samples=filled.head(3).str.slice(0, 80).tolist(),
    )


def _cell_sample(value: object) -> str:
    """A cell as text for profiling: a list's items joined, None as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if hasattr(value, "__iter__") and not isinstance(value, dict):
        return " ".join(str(v) for v in value)
    return str(value)


def _date_share(filled: pd.Series) -> float:
    """Share of values that parse as a date (distinct values parsed once, cached)."""
    # Only short, date-shaped values go to the parser (dateparser costs a millisecond a miss);
    # the length first: the shape's \d sends long non-ASCII text to Python's re cell by cell.
    short = filled[filled.str.len() <= 40]
    short = short[short.str.contains(_DATE_SHAPE, regex=True)]
    if short.empty:
        return 0.0
    distinct = short.unique()[:DATE_SAMPLE_VALUES].tolist()
    parsed = {v: parse_date(v) is not None for v in distinct}
    share = sum(parsed.values()) / len(parsed)
    return share * len(short) / len(filled)


def fits(field_name: str, p: Profile) -> bool:
    """True if a column's values look like the field."""
    if p.filled < MIN_FILLED_SHARE:
        return False
    if field_name == "body":
        return p.url_share < 0.5 and p.date_share < 0.5
    if field_name == "lead":
        return p.url_share < 0.5 and p.date_share < 0.5
    if field_name == "title":
        return p.url_share < 0.5 and p.date_share < 0.5
    if field_name == "published":
        # Named as a date: kept even when unparseable, so the summary can say why no date.
        return p.date_share >= MIN_DATE_SHARE or (p.digit_share >= 0.5 and p.mean_chars <= 60)
    if field_name == "url":
        return p.url_share >= MIN_URL_SHARE
    if field_name == "source":
        return p.mean_chars <= MAX_SOURCE_CHARS and p.url_share < 0.5 and p.date_share < 0.5
    if field_name == "language":
        return p.mean_chars <= MAX_LANGUAGE_CHARS
    return True


def fits_by_content(field_name: str, p: Profile) -> bool:
    """True if values alone, with no name to go by, are clearly the field."""
    if p.filled < 0.5:
        return False
    if field_name == "body":
        return p.mean_chars >= BODY_MIN_CHARS and p.mean_words >= BODY_MIN_WORDS
    if field_name == "title":
        return p.mean_words >= TITLE_MIN_WORDS and p.mean_chars <= TITLE_MAX_CHARS and p.distinct_share > 0.5
    if field_name == "published":
        return p.date_share >= 0.8
    if field_name == "url":
        return p.url_share >= 0.8
    if field_name == "source":
        return p.domain_share >= 0.8 and p.distinct_share <= MAX_SOURCE_DISTINCT_SHARE
    return False


# Fields filled by content alone, in this order (a body is claimed before a title is looked for).
CONTENT_FIELDS = ("url", "published", "body", "title", "source")


def map_columns(frame: pd.DataFrame, given: dict[str, str] | None = None) -> ColumnMapping:
    """The field -> column mapping for a table: `given` first, then names, then content."""
    mapping = ColumnMapping()
    names = [str(c) for c in frame.columns]
    for field_name, column in (given or {}).items():
        mapping.why[field_name] = "given"  # decided, also when the column is "" (none holds it)
        if column:
            mapping.columns[field_name] = column
    profiles = {n: profile(frame[n]) for n in names if _is_text_column(frame[n])}
    profiles |= {
        n: Profile(filled=1.0, date_share=1.0, samples=frame[n].head(3).astype(str).tolist())
        for n in names
        if pd.api.types.is_datetime64_any_dtype(frame[n].dtype)
    }
    # Numbers serve only as dates, and only when named so (epoch seconds in a "timestamp").
    profiles |= {
        n: Profile(filled=1.0, digit_share=1.0, mean_chars=13, samples=frame[n].head(3).astype(str).tolist())
        for n in names
        if pd.api.types.is_numeric_dtype(frame[n].dtype) and name_score(n, "published") > 0
    }
    _assign_by_name(mapping, profiles)
    _assign_by_content(mapping, profiles)
    published = mapping.get("published")
    if published is not None:
        mapping.crawl_date = any(t in CRAWL_TOKENS for t in name_tokens(published))
    mapping.samples = {f: profiles[c].samples for f, c in mapping.columns.items() if c in profiles}
    return mapping


def _is_text_column(column: pd.Series) -> bool:
    """True for columns of strings (or objects holding them), not numbers or lists."""
    return pd.api.types.is_string_dtype(column.dtype) or column.dtype == object


def _assign_by_name(mapping: ColumnMapping, profiles: dict[str, Profile]) -> None:
    """Best name matches first, each column to one field, each only if its values fit."""
    taken = set(mapping.columns.values())
    ranked = sorted(
        (
            (name_score(n, f), len(name_tokens(n)), -FIELDS.index(f), f, n)
            for n, p in profiles.items()
            for f in FIELDS
            if name_score(n, f) > 0 and fits(f, p)
        ),
        reverse=True,
    )
    for *_, field_name, name in ranked:
        if field_name in mapping.why or name in taken:
            continue
        mapping.columns[field_name] = name
        mapping.why[field_name] = "name"
        taken.add(name)


def _assign_by_content(mapping: ColumnMapping, profiles: dict[str, Profile]) -> None:
    """Fields still missing, from columns nobody claimed, by what their values look like."""
    taken = set(mapping.columns.values())
    for field_name in CONTENT_FIELDS:
        if field_name in mapping.why:
            continue
        free = [n for n in profiles if n not in taken and fits_by_content(field_name, profiles[n])]
        if field_name == "title":
            free = [n for n in free if _shorter_than_body(mapping, profiles, profiles[n])]
        if not free:
            continue
        # The longest text is the body, the most date-like the date, and so on.
        best = max(free, key=lambda n: _content_rank(field_name, profiles[n]))
        mapping.columns[field_name] = best
        mapping.why[field_name] = "content"
        taken.add(best)


def _shorter_than_body(mapping: ColumnMapping, profiles: dict[str, Profile], p: Profile) -> bool:
    """True if a title candidate is far shorter than the body (a translation column is not)."""
    body = mapping.get("body")
    if body is None or body not in profiles:
        return True
    return p.mean_chars < TITLE_BODY_RATIO * profiles[body].mean_chars


def _content_rank(field_name: str, p: Profile) -> float:
    """Which free column fits a field best when several do."""
    return {
        "body": p.mean_chars,
        "title": p.distinct_share * p.filled,
        "published": p.date_share,
        "url": p.url_share,
        "source": p.domain_share,
    }[field_name]
