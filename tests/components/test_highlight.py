"""Highlights in the reader: the marks add nothing to the text, and a search match outranks an entity."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.text import ENTITY_MARK, SEARCH_MARK, highlight

SEARCH_OPEN, SEARCH_CLOSE = SEARCH_MARK.split("{}")
ENTITY_OPEN, ENTITY_CLOSE = ENTITY_MARK.split("{}")


def strip_marks(markdown: str) -> str:
    """The text a reader sees: our marks taken away, backslash escapes resolved. Every ASCII
    punctuation mark of the article is escaped, so any unescaped one is a mark we added."""
    out, i = [], 0
    marks = (SEARCH_OPEN, SEARCH_CLOSE, ENTITY_OPEN, ENTITY_CLOSE)
    while i < len(markdown):
        if markdown[i] == "\\":
            out.append(markdown[i + 1])
            i += 2
            continue
        mark = next((m for m in marks if markdown.startswith(m, i)), None)
        assert mark is not None or not re.match(r"[!-/:-@\[-`{-~]", markdown[i]), markdown[i:]
        if mark:
            i += len(mark)
        else:
            out.append(markdown[i])
            i += 1
    return "".join(out)


def marked(markdown: str, opening: str, closing: str) -> list[str]:
    pattern = re.escape(opening) + r"(.*?)" + re.escape(closing)
    return [strip_marks(m) for m in re.findall(pattern, markdown)]


@pytest.mark.parametrize(
    ("text", "search", "entities"),
    [
        ("Gaza's envoys met in Cairo.", [], ["Gaza", "Cairo"]),
        ("Talks in Gaza, Cairo; and (Doha)!", ["talks"], ["Gaza", "Cairo", "Doha"]),
        ("The U.S.-brokered truce held, said al-Sisi's office.", ["truce"], ["al-Sisi"]),
        ('"Hamas" [said] *nothing* about :red[it] or `code` #1 <b>x</b> $5 ~y~', ["said"], ["Hamas"]),
        ("A ceasefire in the Gaza Strip was a cease-fire.", ["strip", "ceasefire"], ["Gaza Strip"]),
    ],
)
def test_marks_keep_the_text_exactly(text: str, search: list[str], entities: list[str]) -> None:
    shown = highlight(text, search, entities)
    assert strip_marks(shown) == text


def test_no_gap_before_punctuation() -> None:
    shown = highlight("Gaza's crossings reopened.", [], ["Gaza"])
    assert shown.startswith(ENTITY_MARK.format("Gaza") + "\\'s")


def test_a_search_match_is_the_stronger_distinct_mark() -> None:
    assert SEARCH_MARK != ENTITY_MARK and "**" in SEARCH_MARK and "background" in SEARCH_MARK
    assert "background" not in ENTITY_MARK  # a background span is padded: it would move text


def test_search_wins_where_it_overlaps_an_entity() -> None:
    shown = highlight("Aid reached the Gaza Strip today.", ["strip"], ["Gaza Strip"])
    assert marked(shown, SEARCH_OPEN, SEARCH_CLOSE) == ["Strip"]
    assert marked(shown, ENTITY_OPEN, ENTITY_CLOSE) == ["Gaza "]
    assert strip_marks(shown) == "Aid reached the Gaza Strip today."


def test_a_whole_entity_searched_is_one_search_mark() -> None:
    shown = highlight("Officials in Beirut said so.", ["beirut"], ["Beirut"])
    assert marked(shown, SEARCH_OPEN, SEARCH_CLOSE) == ["Beirut"]
    assert marked(shown, ENTITY_OPEN, ENTITY_CLOSE) == []


WORDS = st.sampled_from(["Gaza", "Gaza's", "talks", "(Doha)", "al-Sisi", "U.S.", "[x]", "*", "\\", ":", "é"])


@given(st.lists(WORDS, min_size=1, max_size=20), st.lists(WORDS, max_size=3), st.lists(WORDS, max_size=3))
def test_any_text_keeps_its_characters(words: list[str], search: list[str], entities: list[str]) -> None:
    text = " ".join(words)
    assert strip_marks(highlight(text, search, entities)) == text
