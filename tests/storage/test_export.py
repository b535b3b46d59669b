"""Exports keep article text as data: CSV cells never start a spreadsheet formula, JSONL is exact."""

from __future__ import annotations

import csv
import io
import json

import pytest

from loaders.normalize import build_corpus, copies_from_raw
from loaders.schema import RawArticle
from storage.build import write_store
from storage.export import export_csv, export_jsonl, inert_cell
from storage.query import Filters, Store
from tests.conftest import HOSTILE_TITLE

BODY = "Delegations from Jordan and Egypt met in Amman to discuss border crossings and trade."
# Titles a spreadsheet would run as formulas if the cell started with them.
FORMULA_TITLES = (
    '=HYPERLINK("http://example.invalid/x","Open")',
    "+1 rally in Cairo",
    "-2 percent: the trade figures",
    "@SUM(A1:A9) in the budget talks",
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Talks in Amman", "Talks in Amman"),
        ("a = b", "a = b"),
        ("", ""),
        (3, 3),
    ],
)
def test_formula_cells_are_made_inert(cell: object, expected: object) -> None:
    assert inert_cell(cell) == expected


@pytest.fixture(scope="module")
def formula_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    articles = [
        RawArticle(
            title=title, body=f"{BODY} Item {n}.", source=source, published_meta="2024-05-0" + str(n + 1)
        )
        for n, (title, source) in enumerate(
            [(t, "Wire") for t in FORMULA_TITLES] + [(HOSTILE_TITLE, "=cmd|' /C calc'!A0")]
        )
    ]
    path = tmp_path_factory.mktemp("formula") / "corpus"
    write_store(build_corpus(copies_from_raw(articles)), path)
    store = Store(path)
    yield store
    store.close()


def test_csv_export_has_no_live_formulas(formula_store: Store) -> None:
    rows = list(csv.DictReader(io.StringIO(export_csv(formula_store, Filters()).decode("utf-8"))))
    titles = {row["title"] for row in rows}
    assert titles == {"'" + t for t in FORMULA_TITLES} | {HOSTILE_TITLE}
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    assert {row["source"] for row in rows} == {"Wire", "'=cmd|' /C calc'!A0"}
    assert all(row["published"].startswith("2024-05-0") for row in rows)  # dates are not prefixed


def test_csv_export_joins_lists_as_text(formula_store: Store) -> None:
    rows = list(csv.DictReader(io.StringIO(export_csv(formula_store, Filters()).decode("utf-8"))))
    countries = {row["countries"] for row in rows}
    assert any("JOR" in c and "; " in c for c in countries), countries
    assert not any(c.startswith("[") for c in countries)


def test_jsonl_export_keeps_text_exactly(formula_store: Store) -> None:
    lines = export_jsonl(formula_store, Filters()).decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["title"] for r in records} == set(FORMULA_TITLES) | {HOSTILE_TITLE}
    assert all(isinstance(r["countries"], list) for r in records)
