"""Tests for benchmarks.tagging: the scorer on a tiny made-up gold set (no shared text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import tagging

GOLD = [
    {
        "id": 0,
        "countries": ["ISR", "PSE"],
        "countries_primary": ["PSE"],
        "people": ["William J. Burns", "Abdel Fattah al-Sisi"],
        "organizations": ["Metropolitan Police / Met", "United Nations"],
        "topics": ["ceasefire"],
    },
    {
        "id": 1,
        "countries": ["GBR"],
        "countries_primary": ["GBR"],
        "people": [],
        "organizations": [],
        "topics": ["hostages", "refugees"],
    },
]
PREDICTED = [
    {
        "countries": ["ISR", "PSE", "EGY"],
        "countries_primary": ["PSE", "ISR"],
        "people": ["William Burns", "Abdel Fattah el-Sisi", "Jane Roe"],
        "organizations": ["Met", "the United Nations"],
        "topics": ["ceasefire", "airstrikes"],
    },
    {
        "countries": ["GBR"],
        "countries_primary": ["GBR"],
        "people": [],
        "organizations": [],
        "topics": ["hostages"],
    },
]


@pytest.mark.parametrize(
    ("kind", "precision", "recall"),
    [
        ("countries", 3 / 4, 1.0),
        ("countries_primary", 2 / 3, 1.0),
        ("people", 2 / 3, 1.0),  # variants match; Jane Roe is extra
        ("organizations", 1.0, 1.0),  # alternatives and a leading "the" match
        ("topics", 2 / 3, 2 / 3),
    ],
)
def test_score_per_kind(kind: str, precision: float, recall: float) -> None:
    counts = tagging.score(GOLD, PREDICTED).kinds[kind]
    assert counts.precision == pytest.approx(precision)
    assert counts.recall == pytest.approx(recall)


def test_score_per_topic_and_misses() -> None:
    result = tagging.score(GOLD, PREDICTED)
    assert result.topics["refugees"].recall == 0.0
    assert result.topics["airstrikes"].precision == 0.0
    assert ("topics", "fn", "refugees", 1) in result.misses
    assert ("people", "fp", "Jane Roe", 0) in result.misses


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("William J. Burns", "William Burns", True),
        ("Abdel Fattah el-Sisi", "Abdel Fattah al-Sisi", True),
        ("Volker Türk", "Volker Turk", True),
        ("Mark Jones", "Mark Johnson", False),
        ("Lord Mann", "John Mann", False),
    ],
)
def test_same_person(a: str, b: str, same: bool) -> None:
    assert tagging.same_person(a, b) is same


def test_report_lists_kinds_topics_and_misses() -> None:
    text = tagging.report(tagging.score(GOLD, PREDICTED))
    assert "countries_primary" in text and "refugees" in text and "Jane Roe" in text


def test_gold_file_has_keys_and_labels_only() -> None:
    records = tagging.read_gold()
    assert len(records) >= 80
    allowed = {"id", "file", "row", "url", "check", *tagging.KINDS}
    for record in records:
        assert set(record) == allowed, record["id"]
        assert record["file"].startswith(("corpora/", "realworld/"))


def test_english_filter() -> None:
    assert tagging.is_english("The minister said that talks with Egypt were on track.")
    assert not tagging.is_english("Le ministre a dit que les pourparlers avec l'Égypte sont en cours.")


def test_read_gold_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in GOLD) + "\n", encoding="utf-8")
    assert tagging.read_gold(path) == GOLD


@pytest.mark.parametrize(
    ("record", "group"),
    [
        ({"file": "corpora/x/a.csv", "url": "https://www.example.org/news/1"}, "example.org"),
        ({"file": "corpora/x/a.csv", "url": "https://feeds.example.net/2"}, "feeds.example.net"),
        ({"file": "realworld/posts_2024/set.tsv", "url": ""}, "posts_2024"),
        ({"file": "realworld/posts_2024/set.tsv"}, "posts_2024"),
    ],
)
def test_source_group(record: dict, group: str) -> None:
    assert tagging.source_group(record) == group


def test_report_groups_scores_each_group_alone() -> None:
    gold = [dict(g, file="corpora/x/a.csv", url=f"https://site{g['id']}.example/1") for g in GOLD]
    text = tagging.report_groups(gold, PREDICTED)
    rows = {line.split()[0]: line for line in text.splitlines()[1:-1]}
    assert set(rows) == {"site0.example", "site1.example"}
    # The second article's primary country is right: its group scores 1.00/1.00/1.00 there.
    assert rows["site1.example"].split()[3] == "1.00/1.00/1.00"
