"""Tests for loaders.spacing: separators to spaces on the text's bytes, as replace_many did."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.entities import SEPARATORS
from loaders.spacing import Spacer

SPACER = Spacer(SEPARATORS)


def reference(texts: list[str | None]) -> list[str | None]:
    """What the matcher's text was before: one literal replace of every separator."""
    series = pl.Series(texts, dtype=pl.String)
    return series.str.replace_many(list(SEPARATORS), [" "] * len(SEPARATORS), leftmost=True).to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gaza, Rafah.", "Gaza  Rafah "),
        ("Israel’s “war” — again", "Israel s  war    again"),  # curly quotes and an em dash
        ("a\u00a0b\u2009c\u202fd\u200be", "a b c d e"),  # odd spaces, each one space
        ("«Beirut» …", " Beirut   "),
        ("Türkiye–Syria", "Türkiye Syria"),  # an accented letter stays, the en dash goes
        ("ج ٢٠٢٣ 東京", "ج ٢٠٢٣ 東京"),  # other scripts untouched
        ("", ""),
        ("line\nbreak\r\ttab", "line break  tab"),
    ],
)
def test_separators_become_one_space(text: str, expected: str) -> None:
    assert SPACER(pl.Series([text])).to_list() == [expected]
    assert reference([text]) == [expected]


def test_nulls_and_rows_stay_aligned() -> None:
    texts = ["a—b", None, "", "c’d", None, "e"]
    assert SPACER(pl.Series(texts)).to_list() == ["a b", None, "", "c d", None, "e"]


def test_a_slice_of_a_column() -> None:
    column = pl.Series(["x—", "a’b", None, "c…d", "tail"])
    assert SPACER(column.slice(1, 3)).to_list() == ["a b", None, "c d"]


def test_four_byte_separators_are_refused() -> None:
    with pytest.raises(ValueError, match="four UTF-8 bytes"):
        Spacer(("-", "\U0001f600"))


# Text drawn mostly from the separators and their neighbours in UTF-8 (lead bytes shared with
# other characters: "é" and "€" start like "\u00a0" and "—").
_ALPHABET = st.sampled_from(list(SEPARATORS) + list("aZ é€ⅨÂ\u2028\u00ad0"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(_ALPHABET, max_size=40)), max_size=12))
def test_same_as_a_literal_replace_of_every_separator(texts: list[str | None]) -> None:
    assert SPACER(pl.Series(texts, dtype=pl.String)).to_list() == reference(texts)
