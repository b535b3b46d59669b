"""The shared link: what it carried that was ignored, a corpus that changed since it was made,
the link to this view, and the matching articles to take away (CSV, JSONL)."""

from __future__ import annotations

import streamlit as st

from components import state
from components.state import View
from components.text import escape_markdown
from storage.export import export_csv, export_jsonl
from storage.query import Store


def link_notices(version: str) -> None:
    """Parameters the link carried that were ignored, and a corpus that changed since the link."""
    for notice in state.notices():
        st.warning(escape_markdown(notice), icon=":material/link_off:")
    linked = state.link_corpus()
    if linked and linked != version:
        st.warning(
            f"This link was made on corpus version {escape_markdown(linked)}; the store is now"
            f" {escape_markdown(version)}. Counts may differ from what the sender saw.",
            icon=":material/history:",
        )


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
        st.caption("In the order of the results.")
        f = view.filters
        st.download_button(
            "CSV", data=lambda: export_csv(store, f, view.sort), file_name="coverage.csv", mime="text/csv",
            key=state.EXPORT_CSV, on_click="ignore", icon=":material/download:",
        )  # fmt: skip
        st.download_button(
            "JSONL", data=lambda: export_jsonl(store, f, view.sort), file_name="coverage.jsonl",
            mime="application/jsonl", key=state.EXPORT_JSONL, on_click="ignore", icon=":material/download:",
        )  # fmt: skip
