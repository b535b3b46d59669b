"""The outlet an article belongs to: a name, a "Title - Outlet" suffix, or the URL's domain.

bbc.com and bbc.co.uk are one BBC: hosts are cut to their registrable domain (the part a company
registers: `news.bbc.co.uk` -> `bbc.co.uk`) and looked up in the editable rules/outlets.csv.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from urllib.parse import urlsplit

ALIASES_FILE = Path(__file__).parent / "rules" / "outlets.csv"
# Second-level labels under which companies register (bbc.co.uk, saudigazette.com.sa).
SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "gen", "ne", "or", "news"})
# Hosts that wrap other outlets' links: their domain names no outlet.
AGGREGATOR_HOSTS = frozenset({"news.google.com", "web.archive.org", "t.co", "bit.ly", "feedproxy.google.com"})
# Endings of file names, which stand in for an outlet when a file names none.
FILE_SUFFIXES = frozenset(
    {"csv", "tsv", "tab", "json", "jsonl", "ndjson", "parquet", "txt", "xml", "rss", "atom", "html", "htm"}
    | {"zip", "gz", "tgz", "tar"}
)
# The separators outlets put between a headline and their name.
_SUFFIX = re.compile(r"\s+[-–—|]\s+([^-–—|]{2,60})$")
_FEED_TITLE_SEPARATOR = re.compile(r"\s+[-–—|:]\s+")


@functools.cache
def aliases() -> dict[str, str]:
    """Lowercased domain or name -> outlet, from rules/outlets.csv."""
    with ALIASES_FILE.open(encoding="utf-8") as handle:
        rows = csv.reader(line for line in handle if not line.startswith("#"))
        next(rows, None)
        return {row[0].strip().lower(): row[1].strip() for row in rows if len(row) >= 2}


def registrable_domain(host: str) -> str:
    """`news.bbc.co.uk` -> `bbc.co.uk`, `www.npr.org` -> `npr.org`."""
    labels = host.lower().strip(".").removeprefix("www.").split(".")
    if len(labels) <= 2:
        return ".".join(labels)
    keep = 3 if labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def url_domain(url: str | None) -> str | None:
    """The registrable domain of an article URL, or None (no URL, or an aggregator's link)."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    if not host or host in AGGREGATOR_HOSTS:
        return None
    return registrable_domain(host)


@functools.lru_cache(maxsize=1 << 14)
def outlet_name(source: str) -> str:
    """An outlet as files write it ("bbc.co.uk", "www.bbc.com", "BBC News") -> its one name."""
    key = source.strip()
    lowered = key.lower()
    table = aliases()
    if lowered in table:
        return table[lowered]
    if lowered.rsplit(".", 1)[-1] in FILE_SUFFIXES:
        return key  # a file name standing in for the outlet, not a domain
    if "." in lowered and " " not in lowered:
        domain = registrable_domain(lowered.removeprefix("http://").removeprefix("https://").split("/")[0])
        return table.get(domain, domain)
    return key


def outlet(source: str, url: str | None) -> str:
    """The outlet of one article: the URL's domain when the source names only a file."""
    domain = url_domain(url)
    if source:
        return outlet_name(source)
    return outlet_name(domain) if domain else ""


def feed_outlet(feed_title: str, link: str | None) -> str:
    """A feed's outlet: its site's alias, else the feed title before " – tagline"."""
    domain = url_domain(link)
    if domain and domain in aliases():
        return aliases()[domain]
    return _FEED_TITLE_SEPARATOR.split(feed_title.strip(), maxsplit=1)[0] or (domain or "")


def split_title_outlet(title: str, source: str) -> str:
    """The title without a trailing " - Outlet" that names the article's own outlet."""
    match = _SUFFIX.search(title)
    if match is None:
        return title
    suffix = match[1].strip().lower()
    if suffix == source.strip().lower() or outlet_name(match[1]) == outlet_name(source):
        return title[: match.start()].rstrip()
    return title
