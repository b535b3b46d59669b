"""The article table: its columns and dtypes, the kinds of values it is faceted by, the raw
record parsers produce, and the check that a table keeps to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

# Where a publication date came from, strongest evidence first.
DATE_SOURCES = ("metadata", "dateline", "url", "caption", "body", "relative", "crawl", "none")
# Between the phrases of one mention's evidence (the words that fired a tag), as stored.
EVIDENCE_SEPARATOR = " | "
# Dates from these sources are weak evidence: the timeline can show them apart.
WEAK_DATE_SOURCES = ("body", "relative", "crawl")


@dataclass(frozen=True)
class Kind:
    """One kind of value an analyst narrows by: every place a kind appears derives from its row."""

    name: str  # the store's long-table kind and the facet's key: "country"
    column: str  # the article-table column holding it: a list, or one value per article
    field: str  # the Filters field holding the chosen values: "countries"
    param: str  # the URL parameter: ?country=LBN
    title: str  # the facet's title on the page
    tagged: bool  # True: found in the text by the tagger; False: read from the article's column
    names: str = ""  # display names from this gazetteer table (loaders.labels); "" shows the value

    @property
    def exclude_field(self) -> str:
        """The Filters field holding the values left out ("not United States"): "countries_not"."""
        return f"{self.field}_not"

    @property
    def exclude_param(self) -> str:
        """The URL parameter of the values left out: ?country_not=USA."""
        return f"{self.param}_not"


# THE table of kinds. Adding a kind is adding a row: the store indexes it, the page facets it,
# the URL carries it, the reader shows it as chips (tests/test_kinds.py adds a toy kind).
KINDS: tuple[Kind, ...] = (
    Kind("country", "countries", "countries", "country", "Countries", True, names="countries"),
    Kind("topic", "topics", "topics", "topic", "Topics", True),
    Kind("person", "people", "people", "person", "People", True),
    Kind("organization", "organizations", "organizations", "org", "Organizations", True),
    Kind("source", "source", "sources", "source", "Sources", False),
    Kind("language", "language", "languages", "lang", "Languages", False, names="languages"),
)


def kind_row(name: str) -> Kind:
    """The row of one kind, by name."""
    for row in KINDS:
        if row.name == name:
            return row
    raise KeyError(name)


def tagged_kinds() -> tuple[Kind, ...]:
    """The kinds the tagger finds in text (the rest come from an article column)."""
    return tuple(k for k in KINDS if k.tagged)


def tag_columns() -> tuple[str, ...]:
    """List columns the tagger fills: one per tagged kind, and the primary countries."""
    return (*(k.column for k in tagged_kinds()), "countries_primary")


COLUMNS: dict[str, str] = {
    "article_id": "str",
    "title": "str",
    "body": "str",
    "captions": "object",
    "credit": "str",
    "source": "str",
    "url": "str",
    # ISO 639-1 ("en", "ar"): from the file when it says, else detected (loaders/language.py).
    "language": "str",
    "published": "datetime64[s]",
    "date_source": "str",
    "countries": "object",
    "countries_primary": "object",
    "people": "object",
    "organizations": "object",
    "topics": "object",
    "word_count": "int64",
    "duplicate_group": "str",
    "duplicates": "int64",
    "ingested_at": "datetime64[s, UTC]",
}


@dataclass
class RawArticle:
    """One article as a parser found it, before dating, tagging and de-duplication."""

    title: str
    body: str
    captions: list[str] = field(default_factory=list)
    credit: str | None = None
    source: str = ""
    url: str | None = None
    # The date string the file itself carries (CSV column, feed pubDate); parsed by dates.py.
    published_meta: str | None = None
    # Where it came from, for messages: "path" or "path:row 12".
    origin: str = ""
    # ISO 639-1 code ("en", "ar"), from the file or detected; None when unknown.
    language: str | None = None
    # "crawl" when the only date is when a machine fetched the page (weak evidence).
    date_hint: str | None = None
    # When the row was fetched (a crawl-time column beside the date): what a relative date
    # ("12 hours ago") counts back from.
    reference_time: str | None = None


# A reason is one line a person reads; a 10 MB column name or parser dump must not make it longer.
MAX_REASON_CHARS = 300
_CONTROL_CHARS = re.compile("[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    """A file (or part of one) that could not be read, with a one-line reason."""

    path: str
    reason: str

    def __post_init__(self) -> None:
        reason = " ".join(str(self.reason).split()) or "unknown problem"
        if len(reason) > MAX_REASON_CHARS:
            reason = reason[: MAX_REASON_CHARS - 1] + "…"
        object.__setattr__(self, "reason", reason)  # frozen: set once, here

    def __str__(self) -> str:
        # A file name may hold a newline or a tab: shown escaped, the message stays one line.
        shown = _CONTROL_CHARS.sub(lambda m: repr(m[0])[1:-1], self.path)
        return f"{shown}: {self.reason}"


def one_line(value: object) -> str:
    """An exception or message on one line, for a Problem's reason."""
    text = " ".join(str(value).split())
    return text or (type(value).__name__ if isinstance(value, BaseException) else "unknown error")


def empty_articles() -> pd.DataFrame:
    """An article table with no rows and the right dtypes."""
    return enforce(pd.DataFrame({name: [] for name in COLUMNS}))


def enforce(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the table with exactly the schema's columns, in order, with the schema's dtypes."""
    missing = [name for name in COLUMNS if name not in frame.columns]
    if missing:
        raise ValueError(f"article table lacks columns: {', '.join(missing)}")
    out = frame.loc[:, list(COLUMNS)].copy()
    for name, dtype in COLUMNS.items():
        column = out[name]
        if dtype == "object":
            if not all(type(v) is list for v in column):  # already lists: nothing to convert
                out[name] = column.map(as_list).astype(object)
        elif dtype == "str":
            if not pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
                out[name] = column.astype("str").where(column.notna(), None)
        elif str(column.dtype) != dtype:
            out[name] = column.astype(dtype)
    return out.reset_index(drop=True)


def as_list(value: object) -> list[str]:
    """A list column's cell as a list of strings: None, NaN and missing are the empty list;
    tuples and the numpy arrays DuckDB and Arrow hand over become plain lists."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [str(v) for v in value]  # type: ignore[union-attr]


def validate(frame: pd.DataFrame) -> list[str]:
    """Reasons the table breaks the schema (empty when it is valid)."""
    errors = [f"missing column {name}" for name in COLUMNS if name not in frame.columns]
    if errors:
        return errors
    if frame["article_id"].duplicated().any():
        errors.append("article_id is not unique")
    bad_sources = set(frame["date_source"].dropna()) - set(DATE_SOURCES)
    if bad_sources:
        errors.append(f"unknown date_source values: {sorted(bad_sources)}")
    undated_with_source = frame["published"].isna() & (frame["date_source"] != "none")
    if undated_with_source.any():
        errors.append("an article without a date must have date_source 'none'")
    return errors
