"""The analyst's search syntax -> FTS5 expressions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.search import MAX_TERMS, parse_search


@pytest.mark.parametrize(
    ("text", "positive", "excluded"),
    [
        ("ceasefire", '("ceasefire")', None),
        ("ceasefire Gaza", '("ceasefire") AND ("Gaza")', None),
        ('"humanitarian aid"', '("humanitarian aid")', None),
        ("truce OR ceasefire", '("truce" OR "ceasefire")', None),
        ("aid -Hamas", '("aid")', '"Hamas"'),
        ('-"peace talks" Iran', '("Iran")', '"peace talks"'),
        ("-Hamas", None, '"Hamas"'),
        ("OR ceasefire", '("ceasefire")', None),
        ('col:val NEAR(a b) "x""y', '("col:val") AND ("NEAR(a") AND ("b)") AND ("x") AND ("y")', None),
        ("*** ---", None, None),
        ("", None, None),
    ],
)
def test_parse_search(text: str, positive: str | None, excluded: str | None) -> None:
    query = parse_search(text)
    assert query.positive_fts() == positive
    assert query.excluded_fts() == excluded


def test_terms_are_capped() -> None:
    assert len(parse_search(" ".join(f"w{i}" for i in range(100))).highlight_terms) == MAX_TERMS


@given(st.text(max_size=300))
def test_any_input_gives_quoted_terms_only(text: str) -> None:
    expression = parse_search(text).positive_fts() or ""
    # Outside quoted strings only our own operators and parentheses remain.
    outside = "".join(part for i, part in enumerate(expression.split('"')) if i % 2 == 0)
    assert set(outside.replace("AND", "").replace("OR", "")) <= set("() ")
