"""The view state <-> URL query parameters <-> widget keys: the shareable link, and every
session_state key the page uses.

Nothing else reads or writes the URL or names a session key. Parameters are plain strings, parsed here with
allow-lists and limits; nothing from a URL is ever deserialized beyond that.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

import streamlit as st

from loaders.schema import KINDS
from storage.query import GRANULARITIES, MEASURES, SORTS, SPLITS, Filters

# Any parameter longer than this is junk, not a value.
MAX_PARAM_CHARS = 300
# Values kept per facet parameter.
MAX_VALUES = 50
MAX_PAGE = 100_000

WEAK_MODES = ("apart", "include", "exclude")
CHARTS = ("timeline", "map")  # what the chart area shows
# ASCII only, whole value: str.isdigit() and \d accept '²' and '①', which int() then refuses,
# and '$' would let a trailing newline through.
_PAGE_NUMBER = re.compile(r"[0-9]{1,6}", re.ASCII)
_ARTICLE_ID = re.compile(r"[0-9a-f]{16}", re.ASCII)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


@dataclass(frozen=True)
class View:
    """Everything that decides what the page shows."""

    filters: Filters = field(default_factory=Filters)
    granularity: str = "auto"
    split: str = "none"
    measure: str = "articles"
    share: bool = False
    weak: str = "apart"
    sort: str = "newest"
    page: int = 0
    article: str | None = None
    corpus: str | None = None  # the store version the link was made on
    chart: str = "timeline"  # the timeline, or the map of coverage by country


Known = Callable[[str, str], bool]


def parse_params(params: Mapping[str, Sequence[str]], known: Known) -> tuple[View, list[str]]:
    """A view from query parameters, and a notice for every value that was ignored."""
    notices: list[str] = []
    one = _first_getter(params, notices)
    facets = {k.field: _facet_values(params, k.param, k.name, known, notices) for k in KINDS}
    date_from, date_to = _date(one("from"), "from", notices), _date(one("to"), "to", notices)
    if date_from and date_to and date_from > date_to:
        notices.append("ignored the date range: 'from' is after 'to'")
        date_from = date_to = None
    filters = Filters(
        search=one("q") or "",
        date_from=date_from,
        date_to=date_to,
        countries_mode=_choice(one("mode"), ("any", "all"), "mode", notices, "any"),
        primary_only=_flag(one("primary"), "primary", notices),
        **facets,
    )
    view = View(
        filters=filters,
        granularity=_choice(one("gran"), ("auto", *GRANULARITIES), "gran", notices, "auto"),
        split=_choice(one("split"), SPLITS, "split", notices, "none"),
        measure=_choice(one("measure"), MEASURES, "measure", notices, "articles"),
        share=_choice(one("scale"), ("count", "share"), "scale", notices, "count") == "share",
        weak=_choice(one("weak"), WEAK_MODES, "weak", notices, "apart"),
        sort=_choice(one("sort"), SORTS, "sort", notices, "newest"),
        page=_page(one("page"), notices),
        article=_article(one("article"), notices),
        corpus=_token(one("v")),
        chart=_choice(one("chart"), CHARTS, "chart", notices, "timeline"),
    )
    unknown = sorted(set(params) - KNOWN_PARAMS)
    if unknown:
        listed = ", ".join(_shown(k) for k in unknown[:5])
        notices.append(f"ignored {len(unknown)} unknown parameter(s): {listed}")
    return view, notices


KNOWN_PARAMS = {
    "q", "from", "to", "mode", "primary", "gran", "split", "measure", "scale", "weak", "sort",
    "page", "article", "v", "chart", *(k.param for k in KINDS),
}  # fmt: skip


def _first_getter(params: Mapping[str, Sequence[str]], notices: list[str]) -> Callable[[str], str]:
    def one(name: str) -> str:
        values = list(params.get(name, ()))
        if len(values) > 1:
            notices.append(f"'{name}' was given {len(values)} times: used the first")
        value = values[0] if values else ""
        if len(value) > MAX_PARAM_CHARS:
            notices.append(f"ignored '{name}': longer than {MAX_PARAM_CHARS} characters")
            return ""
        return value

    return one


def _shown(text: str) -> str:
    """A value quoted back to the analyst, shortened; the page escapes it."""
    return repr(text[:40])


def _facet_values(
    params: Mapping[str, Sequence[str]], name: str, kind: str, known: Known, notices: list[str]
) -> tuple[str, ...]:
    values = [v for v in params.get(name, ()) if v]
    if len(values) > MAX_VALUES:
        notices.append(f"'{name}' was given {len(values)} values: kept the first {MAX_VALUES}")
        values = values[:MAX_VALUES]
    kept = [v for v in values if len(v) <= MAX_PARAM_CHARS and known(kind, v)]
    dropped = [v for v in values if v not in kept]
    if dropped:
        listed = ", ".join(_shown(v) for v in dropped[:5])
        notices.append(f"ignored {len(dropped)} unknown {name} value(s): {listed}")
    return tuple(dict.fromkeys(kept))


def _date(value: str, name: str, notices: list[str]) -> date | None:
    if not value:
        return None
    try:
        if not _ISO_DAY.fullmatch(value):  # fromisoformat also takes 20240101 and 2024-W01-1
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        notices.append(f"ignored '{name}': {_shown(value)} is not a date like 2024-11-25")
        return None


def _choice(value: str, allowed: Sequence[str], name: str, notices: list[str], default: str) -> str:
    if not value:
        return default
    if value in allowed:
        return value
    notices.append(f"ignored '{name}': {_shown(value)} is not one of {', '.join(allowed)}")
    return default


def _flag(value: str, name: str, notices: list[str]) -> bool:
    return _choice(value, ("0", "1"), name, notices, "0") == "1"


def _page(value: str, notices: list[str]) -> int:
    if not value:
        return 0
    if _PAGE_NUMBER.fullmatch(value) and int(value) <= MAX_PAGE:
        return max(int(value) - 1, 0)  # pages are counted from 1 in the URL
    notices.append(f"ignored 'page': {_shown(value)} is not a page number")
    return 0


def _article(value: str, notices: list[str]) -> str | None:
    if not value:
        return None
    if _ARTICLE_ID.fullmatch(value):
        return value
    notices.append(f"ignored 'article': {_shown(value)} is not an article id")
    return None


def _token(value: str) -> str | None:
    return value if re.fullmatch(r"[0-9a-f]{1,32}", value or "", re.ASCII) else None


def to_params(view: View) -> dict[str, list[str]]:
    """Query parameters for a view; defaults are left out so links stay short."""
    f = view.filters
    params: dict[str, list[str]] = {}
    _put(params, "q", f.search)
    _put(params, "from", f.date_from.isoformat() if f.date_from else "")
    _put(params, "to", f.date_to.isoformat() if f.date_to else "")
    for k in KINDS:
        if getattr(f, k.field):
            params[k.param] = list(getattr(f, k.field))
    _put(params, "mode", "" if f.countries_mode == "any" else f.countries_mode)
    _put(params, "primary", "1" if f.primary_only else "")
    _put(params, "gran", "" if view.granularity == "auto" else view.granularity)
    _put(params, "split", "" if view.split == "none" else view.split)
    _put(params, "measure", "" if view.measure == "articles" else view.measure)
    _put(params, "scale", "share" if view.share else "")
    _put(params, "weak", "" if view.weak == "apart" else view.weak)
    _put(params, "sort", "" if view.sort == "newest" else view.sort)
    _put(params, "page", str(view.page + 1) if view.page else "")
    _put(params, "article", view.article or "")
    _put(params, "v", view.corpus or "")
    _put(params, "chart", "" if view.chart == "timeline" else view.chart)
    return params


def _put(params: dict[str, list[str]], name: str, value: str) -> None:
    if value:
        params[name] = [value]


def _url_params() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params}


def read_url(known: Known) -> tuple[View, list[str]]:
    """The view the page's URL asks for."""
    return parse_params(_url_params(), known)


def write_url(view: View) -> None:
    """Put the view in the URL, touching it only when it changed: Streamlit pushes each change
    as a browser history entry, so Back and Forward step through views."""
    wanted = to_params(view)
    if _url_params() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[URL_WRITTEN] = wanted


def url_moved() -> bool:
    """Whether the URL is no longer the one this session last wrote: only the browser's Back or
    Forward changes it under a live session (Streamlit reruns with that entry's URL)."""
    written = st.session_state.get(URL_WRITTEN)
    return written is not None and _url_params() != written


# Widget keys: the page's widgets hold the view between reruns; the URL mirrors it.
SEARCH, DATE_FROM, DATE_TO = "q", "date_from", "date_to"
MODE, PRIMARY = "country_mode", "primary_only"
GRAN, SPLIT, MEASURE, SCALE, WEAK, SORT = "gran", "split", "measure", "scale", "weak", "sort"
CHART, MAP = "chart", "map"  # the chart chooser, and the map's plotly selection
PAGE, ARTICLE, LOADED, NOTICES = "page", "article", "_view_loaded", "_notices"
LAST_FILTERS = "_last_filters"
URL_WRITTEN = "_url_written"  # the query parameters this session last put in the URL
LINK_CORPUS = "_link_corpus"  # the store version a shared link was made on
SESSION_STORE = "_session_store"  # this session's private store, once it uploaded files
SESSION_COPY = "_session_copy"  # owns the private store: it is deleted when the session ends
INGEST_REPORT = "_ingest_report"  # the summary lines of this session's last upload
UPLOADS, INGEST = "uploads", "ingest"  # the upload panel's file picker and its button
TIMELINE, READER, RESULT, PAGER = "timeline", "reader", "result", "pager"
READER_FOCUS = "reader_focus"  # scrolls the reader into view on a narrow screen
CLEAR_ALL, CLEAR_ALL_EMPTY, EXPORT_CSV, EXPORT_JSONL = (
    "clear_all",
    "clear_all_empty",
    "export_csv",
    "export_jsonl",
)
FACET_KEYS = {k.name: f"f_{k.name}" for k in KINDS}
DEFAULTS: dict[str, object] = {
    SEARCH: "",
    DATE_FROM: None,
    DATE_TO: None,
    MODE: "any",
    PRIMARY: False,
    **{key: [] for key in FACET_KEYS.values()},
}


def load_once(known: Known) -> None:
    """On a session's first run, put the URL's view into the widgets (a shared link opens); again
    whenever the URL moved under the page (Back or Forward: that entry's view comes back)."""
    if st.session_state.get(LOADED) and not url_moved():
        return
    view, notices = read_url(known)
    f = view.filters
    values: dict[str, object] = {
        SEARCH: f.search,
        DATE_FROM: f.date_from,
        DATE_TO: f.date_to,
        MODE: f.countries_mode,
        PRIMARY: f.primary_only,
        GRAN: view.granularity,
        SPLIT: view.split,
        MEASURE: view.measure,
        SCALE: "share" if view.share else "count",
        WEAK: view.weak,
        SORT: view.sort,
        PAGE: view.page,
        ARTICLE: view.article,
        CHART: view.chart,
        LINK_CORPUS: view.corpus,
        NOTICES: notices,
    }
    values.update({FACET_KEYS[k.name]: list(getattr(f, k.field)) for k in KINDS})
    if st.session_state.get(LOADED):  # Back or Forward: the entry's filters are no change, so
        values[LAST_FILTERS] = f  # its page number stands (reset_page_on_change would clear it)
    st.session_state.update(values)
    st.session_state[LOADED] = True


def current_filters() -> Filters:
    """The filters the widgets hold now."""
    s = st.session_state
    return Filters(
        search=str(s.get(SEARCH) or ""),
        date_from=s.get(DATE_FROM),
        date_to=s.get(DATE_TO),
        countries_mode=s.get(MODE) or "any",
        primary_only=bool(s.get(PRIMARY)),
        **{k.field: tuple(s.get(FACET_KEYS[k.name]) or ()) for k in KINDS},
    )


def current_view(corpus: str) -> View:
    """The whole view the page shows now, stamped with the store version."""
    s = st.session_state
    return View(
        filters=current_filters(),
        granularity=s.get(GRAN) or "auto",
        split=s.get(SPLIT) or "none",
        measure=s.get(MEASURE) or "articles",
        share=s.get(SCALE) == "share",
        weak=s.get(WEAK) or "apart",
        sort=s.get(SORT) or "newest",
        page=int(s.get(PAGE) or 0),
        article=s.get(ARTICLE),
        corpus=corpus,
        chart=s.get(CHART) or "timeline",
    )


def reset_page_on_change(filters: Filters) -> None:
    """New filters start the results again at page one."""
    if st.session_state.get(LAST_FILTERS) not in (None, filters):
        st.session_state[PAGE] = 0
    st.session_state[LAST_FILTERS] = filters


def filters_moved() -> bool:
    """Whether the filters changed since the whole page last ran (a tag clicked in the reader):
    a fragment that sees this must rerun the whole page, or the counts would be stale."""
    return st.session_state.get(LAST_FILTERS) not in (None, current_filters())


def add_filter(kind: str, value: str) -> None:
    """Callback: add one facet value (from a tag chip) to the filters."""
    key = FACET_KEYS[kind]
    chosen = list(st.session_state.get(key) or [])
    if value not in chosen:
        st.session_state[key] = [*chosen, value]


def set_country(code: str) -> None:
    """Callback: a country clicked on the map becomes the country filter."""
    st.session_state[FACET_KEYS["country"]] = [code]


def set_dates(start: date, end: date) -> None:
    """Callback: the timeline's brushed range becomes the date filter."""
    st.session_state[DATE_FROM], st.session_state[DATE_TO] = start, end


def open_article(article_id: str) -> None:
    """Callback: show this article in the reader."""
    st.session_state[ARTICLE] = article_id


def clamp_page(page: int, pages: int) -> int:
    """A page past the end of the results becomes the last page (kept in the widgets' state)."""
    last = max(pages - 1, 0)
    if page > last:
        st.session_state[PAGE] = last
    return min(page, last)


def set_page(page: int) -> None:
    """Callback: go to a results page."""
    st.session_state[PAGE] = max(page, 0)


def share_link(view: View) -> str:
    """The full link that reopens this view."""
    base = str(getattr(st.context, "url", "") or "").split("?")[0]
    query = urlencode(to_params(view), doseq=True)
    return f"{base}?{query}" if query else base


def link_corpus() -> str | None:
    """The store version the link this session opened was made on (None: no link)."""
    return st.session_state.get(LINK_CORPUS)


def notices() -> list[str]:
    """What the opened link carried that was ignored."""
    return list(st.session_state.get(NOTICES, []))


def session_store() -> str | None:
    """This session's private store, once it uploaded files."""
    return st.session_state.get(SESSION_STORE)


def set_session_store(path: str) -> None:
    st.session_state[SESSION_STORE] = path


def set_session_copy(owner: object) -> None:
    st.session_state[SESSION_COPY] = owner


def ingest_report() -> list[str]:
    """The summary of this session's last upload."""
    return list(st.session_state.get(INGEST_REPORT, []))


def set_ingest_report(lines: list[str]) -> None:
    st.session_state[INGEST_REPORT] = lines
