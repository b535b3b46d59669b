"""On a narrow screen, bring the opened article into view: there the reader column stacks below
the results, so an article opened from the list would open a screen or more below the eye."""

from __future__ import annotations

import streamlit as st

# Streamlit stacks columns one above the other below this window width (its "md" breakpoint).
NARROW_MAX_PX = 640
# Runs in the page (no iframe): scrolls its own empty element, placed just above the reader,
# to the top of the screen. The article id arrives as data (JSON), never as script text. It
# scrolls once per article: a rerun that keeps the same article open leaves the page alone.
_SCROLL_JS = """
let shown = null;
export default function ({ parentElement, data }) {
  if (!data || data.article === shown) return;
  shown = data.article;
  if (!window.matchMedia(`(max-width: ${Number(data.narrow)}px)`).matches) return;
  const anchor = parentElement instanceof ShadowRoot ? parentElement.host : parentElement;
  // Below the page's fixed header bar, which would cover the article's first line.
  const header = document.querySelector("[data-testid='stHeader']");
  anchor.style.scrollMarginTop = `${header ? header.getBoundingClientRect().bottom : 0}px`;
  // After this frame: the reader below the anchor is drawn by then, so nothing shifts it.
  requestAnimationFrame(() => anchor.scrollIntoView({ block: "start" }));
}
"""
_scroll = st.components.v2.component("reader_focus", js=_SCROLL_JS, isolate_styles=False)


def bring_into_view(article_id: str, key: str) -> None:
    """Place above the reader: on a narrow screen, scroll there when a new article opens."""
    _scroll(key=key, data={"article": article_id, "narrow": NARROW_MAX_PX})
