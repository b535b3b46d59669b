"""The upload panel: each file previewed (kind, mapping with samples, dates, what is skipped), the
analyst corrects the mapping, and *Add to coverage* stores it (this session's corpus or the shared one).

Nothing is stored before the button: the preview is judged in a child process (storage/preview.py)
and kept in the session per upload. A mapping the analyst changed goes to the ingest and is saved
beside the served store for files of the same header shape (storage/mappings.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from components import sessions, state
from components.redact import no_server_paths, upload_name
from components.serving import shared_ingest
from components.text import escape_markdown

if TYPE_CHECKING:  # ingest code (polars, parsers, gazetteer) loads on the first upload, not at start
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    from loaders.normalize import Progress
    from storage.ingest import IngestReport
    from storage.preview import FilePreview

UPLOAD_TYPES = ["txt", "csv", "tsv", "json", "jsonl", "ndjson", "parquet", "xml", "rss", "atom"]
NONE = "(none)"  # parenthesized: a column may be named "none"
# The fields a column may serve, in the analyst's words.
FIELD_LABELS = {
    "title": "Headline",
    "body": "Text",
    "lead": "Summary (lead)",
    "published": "Date",
    "url": "Link",
    "source": "Outlet",
    "language": "Language",
    "captions": "Captions",
}
# How a column was chosen, in the analyst's words.
WHY = {"name": "by its name", "content": "by its values", "given": "saved mapping"}
# Characters of one sample value shown under a field (the sidebar is narrow).
SAMPLE_CHARS = 45


@st.fragment
def upload_panel(path: Path) -> None:
    """Drop files of any supported format, check how each would be read, then add them.
    A fragment: choosing files and columns reruns only this panel; a finished ingest reruns the page."""
    where = "everyone's corpus" if shared_ingest() else "your session only"
    sessions.sweep_leftovers(path)
    with st.expander("Add files", icon=":material/upload_file:"):
        files = st.file_uploader(
            f"Files join {where}", type=UPLOAD_TYPES, accept_multiple_files=True, key=state.UPLOADS
        )
        if files:
            previews = _previews(files, path)
            choices = [_show_preview(f, p, path) for f, p in zip(files, previews, strict=True)]
            addable = [p.readable for p in previews]
            st.caption("Nothing is stored until you add the files.")
            if st.button("Add to coverage", key=state.INGEST, type="primary", disabled=not any(addable)):
                _ingest(files, previews, choices, path)
        for line in state.ingest_report():
            st.caption(escape_markdown(no_server_paths(line)))


def _previews(files: list[UploadedFile], path: Path) -> list[FilePreview]:
    """Each file's preview, judged once per upload (a child process) and kept in the session."""
    from storage.preview import preview_uploads
    from storage.worker import IngestStopped

    kept = state.upload_previews()
    new = [f for f in files if f.file_id not in kept]
    if new:
        with st.spinner(f"Reading how {len(new)} file(s) would load…"):
            try:
                found = preview_uploads([(f.name, f.getvalue()) for f in new], path)
            except IngestStopped as error:  # one file alone stopped its child: say so for it
                found = [_failed(f.name, str(error)) for f in new]
        kept.update({f.file_id: p for f, p in zip(new, found, strict=True)})
    return [kept[f.file_id] for f in files]  # type: ignore[misc]


def _failed(name: str, reason: str) -> FilePreview:
    from storage.preview import FilePreview

    return FilePreview(name, problems=[reason.replace("ingest", "preview", 1)])


def _show_preview(upload: UploadedFile, preview: FilePreview, path: Path) -> dict[str, str | None]:
    """One file's preview; returns the column the analyst chose per field (None: none)."""
    with st.container(border=True, key=f"upload_preview_{upload.file_id}"):
        st.markdown(f"**{escape_markdown(preview.name)}**")
        # Filled once the fields are chosen below: rows kept and problems as that choice reads the file.
        how = st.empty()
        if preview.mapping_from == "saved":
            st.caption("Using your saved mapping for files with these columns.")
            if st.button("Guess again", key=state.forget_key(upload.file_id), type="tertiary"):
                _forget(upload, preview, path)
        problems = st.container()
        choices = _choose_fields(upload, preview) if preview.takes_mapping else {}
        if not preview.takes_mapping:
            for field, column in preview.columns.items():
                st.caption(escape_markdown(f"{FIELD_LABELS.get(field, field)} ← {column}"))
        read = _as_chosen(upload, preview, choices, path)
        how.caption(escape_markdown(_how(read)))
        # A file that gives nothing is an error; one a mapping could fix, a warning; lost rows, a note.
        show = (
            problems.error
            if not preview.readable
            else problems.warning
            if not read.kept
            else problems.caption
        )
        for reason in read.problems:
            show(escape_markdown(no_server_paths(reason)))
        for line in _facts(read):
            st.caption(escape_markdown(line))
    return choices


def _as_chosen(
    upload: UploadedFile, preview: FilePreview, choices: dict[str, str | None], path: Path
) -> FilePreview:
    """The preview as the chosen fields read the file: the guess's own preview until a field is
    changed, then the file judged again with that mapping (a child process, once per mapping;
    kept in the session). Samples and choices stay those of the first preview."""
    from storage.preview import preview_uploads
    from storage.worker import IngestStopped

    mapping = preview.mapping_with(choices) if preview.takes_mapping else None
    if mapping is None:
        return preview
    kept = state.upload_previews()
    key = f"{upload.file_id}:{sorted(mapping.items())}"
    if key not in kept:
        with st.spinner(f"Reading {preview.name} with your fields…"):
            try:
                kept[key] = preview_uploads([(upload.name, upload.getvalue())], path, [mapping])[0]
            except IngestStopped as error:  # the mapping made the child stop: say so for this file
                kept[key] = _failed(preview.name, str(error))
    return kept[key]  # type: ignore[return-value]


def _how(preview: FilePreview) -> str:
    """Kind, and rows kept of rows, in a few words."""
    if not preview.kind:
        return "cannot be read"
    rows = (
        f"{preview.kept} of {preview.rows} rows give articles" if preview.rows else f"{preview.kept} articles"
    )
    head = " (judged by its first 2 MB)" if preview.head_only else ""
    return f"{preview.kind}, {rows}{head}"


def _choose_fields(upload: UploadedFile, preview: FilePreview) -> dict[str, str | None]:
    """A column (or none) per field, with three sample values of the chosen column."""
    from storage.preview import MAPPABLE_FIELDS

    options = [NONE, *preview.header]
    choices: dict[str, str | None] = {}
    for field in MAPPABLE_FIELDS:
        guessed = preview.columns.get(field)
        # One field under another, not side by side: the panel lives in the sidebar (~300 px).
        chosen = st.selectbox(
            FIELD_LABELS.get(field, field),
            options,
            index=options.index(guessed) if guessed in options else 0,
            key=state.mapping_key(upload.file_id, field),
        )
        choices[field] = None if chosen == NONE else chosen
        st.caption(escape_markdown(_sample_line(preview, field, chosen, guessed)))
    return choices


def _sample_line(preview: FilePreview, field: str, chosen: str, guessed: str | None) -> str:
    """Three sample values of the chosen column, and how it was chosen."""
    if chosen == NONE:
        return "not read from any column"
    samples = " | ".join(_cut(s) for s in preview.samples(chosen)) or "(empty in the first rows)"
    why = preview.chosen_by.get(field, "") if chosen == guessed else "your choice"
    return f"e.g. {samples}" + (f" ({WHY.get(why, why)})" if why else "")


def _cut(sample: str) -> str:
    return sample if len(sample) <= SAMPLE_CHARS else sample[: SAMPLE_CHARS - 1].rstrip() + "…"


def _facts(preview: FilePreview) -> list[str]:
    """Date order, what would be skipped and how it was read, one line each."""
    lines = [f"Dates: {preview.date_order}"] if preview.date_order else []
    lines += [f"Would skip {n}: {why}" for why, n in preview.skipped.items()]
    return lines + [no_server_paths(note) for note in preview.notes]


def _forget(upload: UploadedFile, preview: FilePreview, path: Path) -> None:
    """Drop the saved mapping for this header shape; the file is previewed afresh."""
    from storage.mappings import forget
    from storage.preview import MAPPABLE_FIELDS

    forget(path, preview.header)
    state.drop_upload_choices(upload.file_id, MAPPABLE_FIELDS)
    st.rerun(scope="fragment")


def _ingest(
    files: list[UploadedFile], previews: list[FilePreview], choices: list[dict[str, str | None]], path: Path
) -> None:
    chosen = [
        (f, p, p.mapping_with(c) if p.takes_mapping else None)
        for f, p, c in zip(files, previews, choices, strict=True)
    ]
    added = [(f, p, m) for f, p, m in chosen if p.readable]
    left_out = [f"Left out {p.name}: it cannot be read." for _, p, _ in chosen if not p.readable]
    with st.status(f"Adding {len(added)} file(s)…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / max(total, 1), text=escape_markdown(upload_name(name)))

        uploads = [(f.name, f.getvalue()) for f, _, _ in added]
        try:
            _, report = ingest_uploads(uploads, path, progress, [m for _, _, m in added])
        except Exception as error:  # a failed ingest leaves the store as it was: say so, keep going
            status.update(label="Adding failed; the corpus is unchanged.", state="error")
            state.set_ingest_report([f"Ingest failed: {error}", *left_out])
            return
        status.update(label=f"Added {report.new_copies} article copies.", state="complete")
        state.set_ingest_report([*report.lines(), *left_out, *_remember(path, added)])
    st.rerun()


def _remember(path: Path, added: list[tuple[UploadedFile, FilePreview, dict[str, str] | None]]) -> list[str]:
    """Save each changed mapping for files of the same header shape; lines saying so."""
    from storage.mappings import remember

    lines = []
    for _, preview, mapping in added:
        if mapping is None or not preview.shape:
            continue
        try:
            remember(path, preview.header, mapping)
        except OSError:  # a read-only store folder: the choice served this ingest only
            lines.append(f"Your mapping for {preview.name} could not be saved for next time.")
            continue
        lines.append(f"Saved your mapping for files with the columns of {preview.name}.")
    return lines


def ingest_uploads(
    files: list[tuple[str, bytes]],
    base: Path,
    progress: Progress,
    mappings: list[dict[str, str] | None] | None = None,
) -> tuple[Path, IngestReport]:
    """Ingest uploaded files into this session's own store (a copy of base), or the shared one.
    `mappings`: each file's chosen field -> column mapping (None: the saved mapping or the guess)."""
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
    # Saved mappings are read beside base: a session's copy holds none of its own.
    report = run_ingest(
        files,
        target,
        progress=progress,
        keep_going=sessions.connected(owner),
        owner=owner,
        mappings=mappings,
        mappings_from=base,
    )
    return target, report
