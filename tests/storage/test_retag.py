"""Retag: a gazetteer edit plus `python -m storage retag` changes the facet counts, atomically."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loaders.gazetteer import GAZETTEER_DIR
from storage import retag as retag_module
from storage.__main__ import main
from storage.ingest import ingest
from storage.layout import current_generation
from storage.query import Filters, Store

# Invented articles: an organization no gazetteer lists, named in a way no pattern finds.
ARTICLES = {
    "a.txt": "Quillfeather Relief sends water to Gaza\n\n"
    "The charity Quillfeather Relief said on 3 March 2025 that trucks had crossed into Gaza.\n\n"
    "Quillfeather Relief asked Israel to open more crossings.\n",
    "b.txt": "Envoys meet in Muscat\n\nOmani mediators hosted envoys from Iran on 4 March 2025.\n\n"
    "The talks covered shipping through the Strait of Hormuz.\n",
}
ORG = "Quillfeather Relief"


def _store(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    ingest([folder], store)
    return store


def _rules_with_org(tmp_path: Path) -> Path:
    """A temporary copy of the shipped gazetteer with one organization added."""
    rules = tmp_path / "rules"
    shutil.copytree(GAZETTEER_DIR, rules)
    with (rules / "organizations.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{ORG},,,\n")
    return rules


def _org_count(store: Path) -> int:
    facet = Store(store).facets(Filters())["organization"]
    return int(facet.loc[facet["value"] == ORG, "count"].sum())


def test_gazetteer_edit_plus_retag_changes_facet_counts(tmp_path: Path, capsys) -> None:
    store = _store(tmp_path)
    before = Store(store).version
    assert _org_count(store) == 0
    rules = _rules_with_org(tmp_path)
    assert main(["retag", "--store", str(store), "--rules", str(rules)]) == 0
    printed = capsys.readouterr().out
    assert _org_count(store) == 1
    assert "organization: +1 -0" in printed and f"organization {ORG}: +1 articles" in printed
    assert Store(store).version != before  # a link made before says the corpus changed


def test_retag_with_the_same_rules_changes_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path)
    live = current_generation(store)
    report = retag_module.retag(store)
    assert report.texts == 2 and report.version == report.version_before
    assert current_generation(store) == live
    assert "no tag changed" in "\n".join(report.lines())


def test_retag_reads_the_rules_folder_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    store = _store(tmp_path)
    monkeypatch.setenv("COVERAGE_GAZETTEER", str(_rules_with_org(tmp_path)))
    report = retag_module.retag(store)
    assert report.changes["organization"] == (1, 0)
    assert _org_count(store) == 1


def test_failed_retag_leaves_the_store_as_it_was(tmp_path: Path, monkeypatch) -> None:
    store = _store(tmp_path)
    live = current_generation(store)

    def broken(*args, **kwargs):
        raise RuntimeError("tagger failed halfway")

    monkeypatch.setattr(retag_module, "tag_articles", broken)
    with pytest.raises(RuntimeError):
        retag_module.retag(store, rules=_rules_with_org(tmp_path))
    assert current_generation(store) == live
    assert not list(store.glob(".building-*"))
    assert _org_count(store) == 0
