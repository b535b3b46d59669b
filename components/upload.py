"""The upload panel: files of any supported format join this session's corpus (or the shared one)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from components import sessions, state
from components.redact import no_server_paths, upload_name
from components.serving import shared_ingest
from components.text import escape_markdown

if TYPE_CHECKING:  # ingest code (polars, parsers, gazetteer) loads on the first upload, not at start
    from loaders.normalize import Progress
    from storage.ingest import IngestReport

UPLOAD_TYPES = ["txt", "csv", "tsv", "json", "jsonl", "ndjson", "parquet", "xml", "rss", "atom"]


@st.fragment
def upload_panel(path: Path) -> None:
    """Drop files of any supported format; they join this session's corpus (or the shared one).
    A fragment: choosing files reruns only this panel; a finished ingest reruns the page."""
    where = "everyone's corpus" if shared_ingest() else "your session only"
    sessions.sweep_leftovers(path)
    with st.expander("Add files", icon=":material/upload_file:"):
        files = st.file_uploader(
            f"Files join {where}", type=UPLOAD_TYPES, accept_multiple_files=True, key=state.UPLOADS
        )
        if files and st.button("Ingest files", key=state.INGEST, type="primary"):
            _ingest(files, path)
        for line in state.ingest_report():
            st.caption(escape_markdown(no_server_paths(line)))


def _ingest(files: list, path: Path) -> None:
    with st.status(f"Ingesting {len(files)} file(s)…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / max(total, 1), text=escape_markdown(upload_name(name)))

        try:
            _, report = ingest_uploads([(f.name, f.getvalue()) for f in files], path, progress)
        except Exception as error:  # a failed ingest leaves the store as it was: say so, keep going
            status.update(label="Ingest failed; the corpus is unchanged.", state="error")
            state.set_ingest_report([f"Ingest failed: {error}"])
            return
        status.update(label=f"Added {report.new_copies} article copies.", state="complete")
        state.set_ingest_report(report.lines())
    st.rerun()


def ingest_uploads(
    files: list[tuple[str, bytes]], base: Path, progress: Progress
) -> tuple[Path, IngestReport]:
    """Ingest uploaded files into this session's own store (a copy of base), or the shared one."""
    from storage.sessions import session_copy
    from storage.worker import run_ingest

    owner = sessions.session_id()
    existing = state.session_store()
    if shared_ingest():
        target = base
    elif existing and Path(existing).exists():
        target = Path(existing)
    else:
        target = session_copy(base, owner)
        state.set_session_store(str(target))
        sessions.own_copy(target)
    # A child process within memory and CPU limits; it stops when this session's browser leaves.
    report = run_ingest(files, target, progress=progress, keep_going=sessions.connected(owner), owner=owner)
    return target, report
