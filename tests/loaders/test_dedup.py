"""Exact and near-duplicate grouping."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.dedup import article_id, near_copy_groups, text_keys

SENTENCES = [
    f"Sentence number {i} describes a meeting of envoys about the border crossing today." for i in range(12)
]
BODY = " ".join(SENTENCES)


def test_article_id_ignores_case_and_spacing() -> None:
    assert article_id("Talks  resume", BODY) == article_id("talks resume", BODY.replace(" ", "  "))
    assert article_id("Talks resume", BODY) != article_id("Talks resumed", BODY)


@pytest.mark.parametrize(
    ("other", "same_group"),
    [
        (BODY, True),  # a re-publication
        (" ".join(SENTENCES[:10]), True),  # trimmed paragraphs
        (BODY + " A new closing sentence was added by the editors of the later edition.", True),
        (" ".join(s.replace("envoys", "farmers").replace("border", "harvest") for s in SENTENCES[:4]), False),
        ("Short.", False),
    ],
)
def test_near_copies(other: str, same_group: bool) -> None:
    labels = near_copy_groups([BODY, other, "An unrelated story about weather in the mountains this week."])
    assert bool(labels[0] == labels[1]) is same_group
    assert labels[2] != labels[0]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_columnar_keys_match_one_by_one(title: str, body: str) -> None:
    ids, words = text_keys([title, "x"], [body, "y"])
    assert ids[0] == article_id(title, body)
    assert words[0] == len(body.split())


def test_near_copy_groups_are_transitive() -> None:
    # a~b and b~c fold all three together even when a and c share too little.
    a = " ".join(SENTENCES[:10])
    b = " ".join(SENTENCES[2:12])
    c = " ".join(SENTENCES[4:12] + [s.replace("envoys", "nurses") for s in SENTENCES[:6]])
    labels = near_copy_groups([a, b, c])
    assert labels[0] == labels[1] == labels[2] == 0
