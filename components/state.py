"""The view state <-> URL query parameters <-> widget keys: the shareable link, and every
session_state key the page uses.

Nothing else reads or writes the URL or names a session key. Parameters are plain strings, parsed here with
allow-lists and limits; nothing from a URL is ever deserialized beyond that.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import parse_qs, urlencode

import streamlit as st

from components.plain import BIDI_CONTROLS, INVISIBLE
from loaders.labels import display_name
from loaders.schema import KINDS, Kind
from storage.compare import MAX_QUERIES
from storage.query import GRANULARITIES, MEASURES, SORTS, SPLITS, Filters

# Any parameter longer than this is junk, not a value.
MAX_PARAM_CHARS = 300
# Values kept per facet parameter.
MAX_VALUES = 50
MAX_PAGE = 100_000

WEAK_MODES = ("apart", "include", "exclude")
CHARTS = ("timeline", "map", "stories", "compare")  # what the chart area shows
STORY_ORDERS = ("largest", "newest")  # how the Stories view lists stories
# ASCII only, whole value: str.isdigit() and \d accept '²' and '①', which int() then refuses,
# and '$' would let a trailing newline through.
_PAGE_NUMBER = re.compile(r"[0-9]{1,6}", re.ASCII)
_ARTICLE_ID = re.compile(r"[0-9a-f]{16}", re.ASCII)  # a story id is one too (its founder)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


@dataclass(frozen=True)
class Query:
    """One query of a comparison: a full filter set under the analyst's name for it."""

    name: str
    filters: Filters


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
    chart: str = "timeline"  # the timeline, the map of coverage by country, the stories, or the comparison
    story_order: str = "largest"  # the Stories view: largest or newest stories first
    compare: tuple[Query, ...] = ()  # the queries compared side by side


Known = Callable[[str, str], bool]


def parse_params(params: Mapping[str, Sequence[str]], known: Known) -> tuple[View, list[str]]:
    """A view from query parameters, and a notice for every value that was ignored."""
    notices: list[str] = []
    one = _first_getter(params, notices)
    facets = {k.field: _facet_values(params, k.param, k.name, known, notices) for k in KINDS}
    left_out = {k.exclude_field: _left_out(params, k, facets[k.field], known, notices) for k in KINDS}
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
        story=_story(one("story"), known, notices),
        **left_out,
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
        story_order=_choice(one("order"), STORY_ORDERS, "order", notices, "largest"),
        compare=parse_compare(params.get(COMPARE_PARAM, ()), known, notices),
    )
    unknown = sorted(set(params) - KNOWN_PARAMS)
    if unknown:
        listed = ", ".join(_shown(k) for k in unknown[:5])
        notices.append(f"ignored {len(unknown)} unknown parameter(s): {listed}")
    return view, notices


KNOWN_PARAMS = {
    "q", "from", "to", "mode", "primary", "gran", "split", "measure", "scale", "weak", "sort",
    "page", "article", "v", "chart", "story", "order", "cmp", *(k.param for k in KINDS),
    *(k.exclude_param for k in KINDS),
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


def _left_out(
    params: Mapping[str, Sequence[str]], kind: Kind, chosen: tuple[str, ...], known: Known, notices: list[str]
) -> tuple[str, ...]:
    """Values left out of one kind; a value both chosen and left out stays chosen (else the link
    would match nothing)."""
    values = _facet_values(params, kind.exclude_param, kind.name, known, notices)
    both = [v for v in values if v in chosen]
    if both:
        listed = ", ".join(_shown(v) for v in both[:5])
        notices.append(f"ignored {len(both)} {kind.exclude_param} value(s) also in {kind.param}: {listed}")
    return tuple(v for v in values if v not in chosen)


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


def _story(value: str, known: Known, notices: list[str]) -> str:
    """A story id the store holds, else nothing (with a notice): an unknown story would empty the page."""
    if not value:
        return ""
    if _ARTICLE_ID.fullmatch(value) and known("story", value):
        return value
    notices.append(f"ignored 'story': {_shown(value)} is not a story in this store")
    return ""


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
        if getattr(f, k.exclude_field):
            params[k.exclude_param] = list(getattr(f, k.exclude_field))
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
    _put(params, "story", f.story)
    _put(params, "order", "" if view.story_order == "largest" else view.story_order)
    if view.compare:
        params[COMPARE_PARAM] = [encode_query(q) for q in view.compare]
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
STORY, STORY_ORDER, STORIES = "story", "story_order", "stories"  # chosen story, list order, the list
STORY_CLEAR = "story_clear"  # the button that lets go of the chosen story
PAGE, ARTICLE, LOADED, NOTICES = "page", "article", "_view_loaded", "_notices"
LAST_FILTERS = "_last_filters"
URL_WRITTEN = "_url_written"  # the query parameters this session last put in the URL
LINK_CORPUS = "_link_corpus"  # the store version a shared link was made on
SESSION_STORE = "_session_store"  # this session's private store, once it uploaded files
SESSION_COPY = "_session_copy"  # owns the private store: it is deleted when the session ends
INGEST_REPORT = "_ingest_report"  # the summary lines of this session's last upload
UPLOADS, INGEST = "uploads", "ingest"  # the upload panel's file picker and its Add button
UPLOAD_PREVIEWS = "_upload_previews"  # how each uploaded file would be read, by the upload's id
TIMELINE, READER, RESULT, PAGER = "timeline", "reader", "result", "pager"
READER_FOCUS = "reader_focus"  # scrolls the reader into view on a narrow screen
CLEAR_ALL, CLEAR_ALL_EMPTY, EXPORT_CSV, EXPORT_JSONL = (
    "clear_all",
    "clear_all_empty",
    "export_csv",
    "export_jsonl",
)
FACET_KEYS = {k.name: f"f_{k.name}" for k in KINDS}
LEFT_OUT_KEYS = {k.name: f"f_{k.name}_not" for k in KINDS}  # values left out ("not United States")
SHOW_ALL_KEYS = {k.name: f"f_{k.name}_all" for k in KINDS}  # the facet lists every value, not the top
DEFAULTS: dict[str, object] = {
    SEARCH: "",
    DATE_FROM: None,
    DATE_TO: None,
    MODE: "any",
    PRIMARY: False,
    **{key: [] for key in FACET_KEYS.values()},
    STORY: "",
    **{key: [] for key in LEFT_OUT_KEYS.values()},
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
        STORY: f.story,
        STORY_ORDER: view.story_order,
        LINK_CORPUS: view.corpus,
        NOTICES: notices,
        COMPARE: view.compare,
    }
    values.update({FACET_KEYS[k.name]: list(getattr(f, k.field)) for k in KINDS})
    values.update({LEFT_OUT_KEYS[k.name]: list(getattr(f, k.exclude_field)) for k in KINDS})
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
        story=str(s.get(STORY) or ""),
        **{k.exclude_field: _still_left_out(k.name) for k in KINDS},
    )


def _still_left_out(kind: str) -> tuple[str, ...]:
    """Left-out values of a kind, less any the analyst has since chosen (choosing wins)."""
    chosen = set(st.session_state.get(FACET_KEYS[kind]) or ())
    return tuple(v for v in st.session_state.get(LEFT_OUT_KEYS[kind]) or () if v not in chosen)


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
        story_order=s.get(STORY_ORDER) or "largest",
        compare=compared(),
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


def show_all(kind: str) -> bool:
    """Whether the analyst asked this facet for every value."""
    return bool(st.session_state.get(SHOW_ALL_KEYS[kind]))


def set_show_all(kind: str, shown: bool) -> None:
    """Callback: the facet lists every value (or goes back to the top ones)."""
    st.session_state[SHOW_ALL_KEYS[kind]] = shown


def set_country(code: str) -> None:
    """Callback: a country clicked on the map becomes the country filter."""
    st.session_state[FACET_KEYS["country"]] = [code]


def set_story(story_id: str) -> None:
    """Callback: the page narrows to one story's articles ("" shows every story again)."""
    st.session_state[STORY] = story_id


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


def upload_previews() -> dict[str, object]:
    """This session's upload previews by upload id (kept across reruns: each costs a child process)."""
    return st.session_state.setdefault(UPLOAD_PREVIEWS, {})


def mapping_key(upload: str, name: str) -> str:
    """The widget key of the column chosen for one field (`name`) of one uploaded file."""
    return f"upload_map_{upload}_{name}"


def forget_key(upload: str) -> str:
    """The widget key of an uploaded file's "Guess again" button (drops its saved mapping)."""
    return f"upload_forget_{upload}"


def drop_upload_choices(upload: str, names: Sequence[str]) -> None:
    """Forget an uploaded file's preview and column choices: the next run previews it afresh."""
    upload_previews().pop(upload, None)
    for name in names:
        st.session_state.pop(mapping_key(upload, name), None)


# --- Compare queries: the cmp parameter, and the comparison's session keys and callbacks --------

# One compared query per cmp value: its name and its filters as a query string of the page's own
# filter parameters, read by the same rules as the page's (cmp=name%3DCeasefire%26country%3DLBN).
COMPARE_PARAM = "cmp"
MAX_QUERY_CHARS = 2_000
MAX_QUERY_FIELDS = 200  # parse_qs refuses more: a value of a million '&' is not parsed at all
MAX_QUERY_NAME = 60
QUERY_FILTER_PARAMS = frozenset(
    {
        "q",
        "from",
        "to",
        "mode",
        "primary",
        "story",
        *(k.param for k in KINDS),
        *(k.exclude_param for k in KINDS),
    }
)
# Control characters, bidi controls and invisible characters make no part of a name.
_NOT_IN_NAMES = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}{INVISIBLE}]")
# Name parts taken from a view's filters, in this order, for a query the analyst did not name.
NAME_PARTS = 3

COMPARE = "_compare"  # the compared queries (a tuple of Query)
COMPARE_EDITING = "_compare_editing"  # the query loaded into the page to be edited, by position
COMPARE_MESSAGE = "_compare_message"  # why "Compare this" added nothing, shown once
COMPARE_THIS, COMPARE_CHART, COMPARE_CSV = "compare_this", "compare_chart", "compare_csv"
_QUERY_WIDGET = "cmp_"  # every per-query widget key starts so


@dataclass(frozen=True)
class QueryKeys:
    """The widget keys of one compared query's editor."""

    form: str
    name: str
    words: str
    load: str
    save: str
    remove: str


def query_keys(position: int) -> QueryKeys:
    """Widget keys of the editor of the query at this position."""
    return QueryKeys(
        *(f"{_QUERY_WIDGET}{part}_{position}" for part in ("form", "name", "words", "load", "save", "remove"))
    )


def encode_query(query: Query) -> str:
    """One cmp value: the name, then the filters exactly as the page's own URL carries them."""
    return urlencode({"name": [query.name], **to_params(View(filters=query.filters))}, doseq=True)


def parse_compare(values: Sequence[str], known: Known, notices: list[str]) -> tuple[Query, ...]:
    """The compared queries of the cmp values: at most MAX_QUERIES; a value that cannot be read
    is dropped and a filter it carries that cannot be used is left out, each with a notice."""
    values = [v for v in values if v]
    if len(values) > MAX_QUERIES:
        notices.append(f"'{COMPARE_PARAM}' was given {len(values)} queries: kept the first {MAX_QUERIES}")
        values = values[:MAX_QUERIES]
    parsed = [_parse_query(value, n, known, notices) for n, value in enumerate(values, 1)]
    return unique_names([q for q in parsed if q is not None])


def _parse_query(value: str, position: int, known: Known, notices: list[str]) -> Query | None:
    where = f"compared query {position}"
    if len(value) > MAX_QUERY_CHARS:
        notices.append(f"ignored {where}: longer than {MAX_QUERY_CHARS} characters")
        return None
    try:
        params = parse_qs(value, max_num_fields=MAX_QUERY_FIELDS)
    except ValueError:
        notices.append(f"ignored {where}: more than {MAX_QUERY_FIELDS} values")
        return None
    names = params.pop("name", [])
    others = sorted(set(params) - QUERY_FILTER_PARAMS)
    if others:
        listed = ", ".join(_shown(k) for k in others[:5])
        notices.append(f"{where}: ignored {len(others)} parameter(s) that are not filters: {listed}")
    view, inner = parse_params({k: v for k, v in params.items() if k in QUERY_FILTER_PARAMS}, known)
    notices.extend(f"{where}: {notice}" for notice in inner)
    return Query(query_name(names[0] if names else "", view.filters), view.filters)


def query_name(name: str, filters: Filters) -> str:
    """The analyst's name for a query, made plain and short; a name from its filters if none."""
    cleaned = " ".join(_NOT_IN_NAMES.sub(" ", name).split())[:MAX_QUERY_NAME].strip()
    return cleaned or describe_filters(filters)


def describe_filters(filters: Filters) -> str:
    """A short name for a filter set: its words, its first facet values, its dates."""
    parts = [f'"{filters.search}"'] if filters.search else []
    for kind in KINDS:
        parts += [display_name(kind.name)(v) for v in filters.values(kind.name)]
    if filters.date_from or filters.date_to:
        parts.append(f"{filters.date_from or '…'} – {filters.date_to or '…'}")
    name = " · ".join(parts[:NAME_PARTS]) + (" …" if len(parts) > NAME_PARTS else "")
    return query_name(name, Filters()) if parts else "All coverage"


def unique_names(queries: Sequence[Query]) -> tuple[Query, ...]:
    """The queries with repeated names told apart ("Gaza", "Gaza (2)"): the legend and the CSV
    name each query once."""
    seen: set[str] = set()
    named: list[Query] = []
    for query in queries:
        name, n = query.name, 1
        while name in seen:
            n += 1
            name = f"{query.name[: MAX_QUERY_NAME - 5]} ({n})"
        seen.add(name)
        named.append(Query(name, query.filters))
    return tuple(named)


def compared() -> tuple[Query, ...]:
    """The queries compared now."""
    return tuple(st.session_state.get(COMPARE) or ())


def editing() -> int | None:
    """The position of the query loaded into the page to be edited, if one is."""
    position = st.session_state.get(COMPARE_EDITING)
    return position if isinstance(position, int) and position < len(compared()) else None


def compare_message() -> str | None:
    """Why the last "Compare this" added nothing (read once)."""
    return st.session_state.pop(COMPARE_MESSAGE, None)


def _set_compared(queries: Sequence[Query]) -> None:
    st.session_state[COMPARE] = unique_names(queries)
    # Editors are keyed by position: after any change they are filled again from the queries.
    for key in [k for k in st.session_state if str(k).startswith(_QUERY_WIDGET)]:
        del st.session_state[key]


def seed_query_editor(position: int, query: Query) -> None:
    """Fill one query's name and words boxes from the query, unless the analyst is typing there."""
    keys = query_keys(position)
    st.session_state.setdefault(keys.name, query.name)
    st.session_state.setdefault(keys.words, query.filters.search)


def compare_this() -> None:
    """Callback: the page's current filters become one more compared query; the chart shows them."""
    filters, queries = current_filters(), compared()
    same = next((q for q in queries if q.filters == filters), None)
    if same is not None:
        st.session_state[COMPARE_MESSAGE] = f"This view is already compared as {same.name!r}."
    elif len(queries) >= MAX_QUERIES:
        st.session_state[COMPARE_MESSAGE] = f"At most {MAX_QUERIES} queries: remove one first."
    else:
        _set_compared([*queries, Query(describe_filters(filters), filters)])
    st.session_state[CHART] = "compare"


def save_query_editor(position: int) -> None:
    """Callback: the editor's name and words become the query's (other filters are kept)."""
    queries, keys = list(compared()), query_keys(position)
    if position >= len(queries):
        return
    old = queries[position]
    words = str(st.session_state.get(keys.words) or "")[:MAX_PARAM_CHARS]
    filters = replace(old.filters, search=words.strip())
    queries[position] = Query(query_name(str(st.session_state.get(keys.name) or ""), filters), filters)
    _set_compared(queries)


def load_query(position: int) -> None:
    """Callback: put a query's filters into the page's widgets, to be changed and saved back."""
    queries = compared()
    if position >= len(queries):
        return
    f = queries[position].filters
    st.session_state.update({
        SEARCH: f.search, DATE_FROM: f.date_from, DATE_TO: f.date_to, MODE: f.countries_mode,
        PRIMARY: f.primary_only, PAGE: 0,
        **{FACET_KEYS[k.name]: list(getattr(f, k.field)) for k in KINDS},
        **{LEFT_OUT_KEYS[k.name]: list(getattr(f, k.exclude_field)) for k in KINDS},
        STORY: f.story,
    })  # fmt: skip
    st.session_state[COMPARE_EDITING] = position


def save_page_into_query(position: int) -> None:
    """Callback: the page's current filters replace the filters of the query loaded into it."""
    queries = list(compared())
    if position < len(queries):
        queries[position] = Query(queries[position].name, current_filters())
        _set_compared(queries)
    st.session_state[COMPARE_EDITING] = None


def remove_query(position: int) -> None:
    """Callback: stop comparing the query at this position."""
    queries = list(compared())
    if position < len(queries):
        del queries[position]
        _set_compared(queries)
    moved = st.session_state.get(COMPARE_EDITING)
    if isinstance(moved, int):
        st.session_state[COMPARE_EDITING] = None if moved == position else moved - (moved > position)
