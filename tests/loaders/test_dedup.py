"""Exact and near-duplicate grouping."""

from __future__ import annotations

import pytest

from loaders.dedup import article_id, near_copy_groups

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
