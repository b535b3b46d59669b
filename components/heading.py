"""The page's heading: what the tool is, and a note when the corpus served is the synthetic demo."""

from __future__ import annotations

import streamlit as st

from storage.query import Store
from storage.sample import SAMPLE_DUMP_SOURCE

TITLE = "Middle East diplomacy coverage"
WHAT = (
    "Narrow the coverage by words, dates, countries, topics, people, organizations and sources;"
    " watch attention move over time; read the articles; share a link to the view."
)


def heading(store: Store) -> None:
    """Title, one line on what the page shows, and the demo corpus labelled as invented."""
    st.title(TITLE, anchor=False)
    st.caption(WHAT)
    if store.known("source", SAMPLE_DUMP_SOURCE):
        st.info(
            "This is the demo corpus: synthetic articles written by this project, not real coverage."
            " Add your own files in the sidebar, or point the app at a store (see the README).",
            icon=":material/science:",
        )
