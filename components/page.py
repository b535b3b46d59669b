"""The page's smaller parts: sign-in gate, notices, summary strip, chart controls, upload,
share link and export. Each renders one thing; app.py decides the order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from components import data, state
from components.state import View
from components.text import escape_markdown
from loaders.labels import country_names, phrases_for
from loaders.query import Filters, Store, Summary
from loaders.search import parse_search

FACET_TITLES = {
    "country": "Countries",
    "topic": "Topics",
    "person": "People",
    "organization": "Organizations",
    "source": "Sources",
}
GRANULARITY_LABELS = {"auto": "Auto", "day": "Day", "week": "Week", "month": "Month", "year": "Year"}
MEASURE_LABELS = {"articles": "Articles", "stories": "Distinct stories", "sources": "Sources"}
SPLIT_LABELS = {"none": "No split", "country": "Top countries", "topic": "Top topics"}
WEAK_LABELS = {
    "apart": "Weak dates apart",
    "include": "Weak dates included",
    "exclude": "Weak dates left out",
}
UPLOAD_TYPES = ["txt", "csv", "tsv", "json", "jsonl", "ndjson", "parquet", "xml", "rss", "atom"]


def signed_in() -> bool:
    """With [auth] configured, only signed-in analysts see anything; without it, the page is open."""
    try:
        configured = "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        configured = False
    if not configured or st.user.is_logged_in:
        return True
    st.title("Diplomacy coverage", anchor=False)
    st.write("Sign in to browse the coverage.")
    st.button("Sign in", on_click=st.login, type="primary")
    return False


def served_store(path: Path) -> Path:
    """This session's private store once it uploaded files, else the shared one."""
    private = st.session_state.get("_session_store")
    return Path(private) if private else path


def no_store(error: Exception, *, upload: bool = True) -> None:
    """The empty state when there is no store to serve (with uploads, when there is a place to put them)."""
    st.title("Diplomacy coverage", anchor=False)
    st.info(f"There is no corpus to show yet. {escape_markdown(error)}", icon=":material/inbox:")
    if upload:
        st.caption("Add files with `python -m loaders ingest FILES`, or upload them in the sidebar.")
        upload_panel(data.store_path())


def notices(version: str) -> None:
    """Parameters the link carried that were ignored, and a corpus that changed since the link."""
    for notice in st.session_state.get(state.NOTICES, []):
        st.warning(escape_markdown(notice), icon=":material/link_off:")
    linked = st.session_state.get("_link_corpus")
    if linked and linked != version:
        st.warning(
            f"This link was made on corpus version {escape_markdown(linked)}; the store is now"
            f" {escape_markdown(version)}. Counts may differ from what the sender saw.",
            icon=":material/history:",
        )


def labels() -> dict[str, Callable[[str], str]]:
    """How each kind of value is shown: countries by name, the rest as stored."""
    names = country_names()
    return {"country": lambda code: names.get(code, code)}


def tag_label(names: dict[str, Callable[[str], str]]) -> Callable[[str, str], str]:
    return lambda kind, value: names.get(kind, str)(value)


def summary_strip(summary: Summary) -> None:
    """Articles matching, sources, date span, duplicates folded, undated."""
    span = "–"
    if summary.first and summary.last:
        # Years when the span crosses years: a metric has room for a dozen characters.
        same_year = summary.first.year == summary.last.year
        span = (
            f"{summary.first:%b} – {summary.last:%b %Y}"
            if same_year
            else f"{summary.first.year} – {summary.last.year}"
        )
    cells = st.columns([2, 2, 3, 2, 2])
    cells[0].metric("Articles matching", f"{summary.articles:,}")
    cells[1].metric("Sources", f"{summary.sources:,}")
    cells[2].metric("Date span", span)
    cells[3].metric("Duplicates folded", f"{summary.duplicates:,}")
    cells[4].metric("Undated", f"{summary.undated:,}")


def timeline_controls() -> str:
    """Granularity, measure, split, scale and weak-date handling; returns the granularity."""
    row = st.columns([3, 3, 3, 2, 3])
    gran = row[0].selectbox(
        "Per", list(GRANULARITY_LABELS), key=state.GRAN, format_func=GRANULARITY_LABELS.get
    )
    row[1].selectbox("Count", list(MEASURE_LABELS), key=state.MEASURE, format_func=MEASURE_LABELS.get)
    row[2].selectbox("Split by", list(SPLIT_LABELS), key=state.SPLIT, format_func=SPLIT_LABELS.get)
    row[3].selectbox("As", ["count", "share"], key=state.SCALE, format_func=str.capitalize)
    row[4].selectbox("Weak dates", list(WEAK_LABELS), key=state.WEAK, format_func=WEAK_LABELS.get)
    return gran or "auto"


def search_terms(filters: Filters) -> list[str]:
    return parse_search(filters.search).highlight_terms


def entity_terms(row: dict[str, object]) -> list[str]:
    """Phrases to mark in the reader for the article's tagged people, organizations, countries."""
    terms: list[str] = []
    for column, kind in (("countries", "country"), ("people", "person"), ("organizations", "organization")):
        for value in row.get(column) or []:
            terms.extend(phrases_for(kind, str(value)))
    return terms


@st.fragment
def upload_panel(path: Path) -> None:
    """Drop files of any supported format; they join this session's corpus (or the shared one).
    A fragment: choosing files reruns only this panel; a finished ingest reruns the page."""
    where = "everyone's corpus" if data.shared_ingest() else "your session only"
    with st.expander("Add files", icon=":material/upload_file:"):
        files = st.file_uploader(
            f"Files join {where}", type=UPLOAD_TYPES, accept_multiple_files=True, key="uploads"
        )
        if files and st.button("Ingest files", key="ingest", type="primary"):
            _ingest(files, path)
        for line in st.session_state.get("_ingest_report", []):
            st.caption(escape_markdown(line))


def _ingest(files: list, path: Path) -> None:
    with st.status(f"Ingesting {len(files)} file(s)…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / max(total, 1), text=escape_markdown(Path(name).name[6:]))

        try:
            _, report = data.ingest_uploads([(f.name, f.getvalue()) for f in files], path, progress)
        except Exception as error:  # a failed ingest leaves the store as it was: say so, keep going
            status.update(label="Ingest failed; the corpus is unchanged.", state="error")
            st.session_state["_ingest_report"] = [f"Ingest failed: {error}"]
            return
        status.update(label=f"Added {report.new_copies} article copies.", state="complete")
        st.session_state["_ingest_report"] = report.lines()
    st.rerun()


def share_and_export(store: Store, view: View) -> None:
    """The link that reopens this view, and the filtered set as CSV or JSONL."""
    st.divider()
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Link to this view**")
        st.code(state.share_link(view), language=None, wrap_lines=True)
        st.caption(f"Corpus version {store.version}: a colleague opening a later corpus is told so.")
    with right:
        st.markdown("**Export the matching articles**")
        f = view.filters
        st.download_button(
            "CSV", data=lambda: data.export_csv(store, f), file_name="coverage.csv", mime="text/csv",
            key="export_csv", on_click="ignore", icon=":material/download:",
        )  # fmt: skip
        st.download_button(
            "JSONL", data=lambda: data.export_jsonl(store, f), file_name="coverage.jsonl",
            mime="application/jsonl", key="export_jsonl", on_click="ignore", icon=":material/download:",
        )  # fmt: skip
