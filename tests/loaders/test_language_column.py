"""Each article's language reaches the article table and the store, and the Language facet and
its URL parameter narrow by it; lingua's share of the work stays within its budget."""

from __future__ import annotations

from pathlib import Path

import pytest

import loaders.language as language
from components.state import parse_params, to_params
from loaders.normalize import build_corpus, copies_from_raw, load_articles, read_paths
from loaders.schema import validate
from storage.build import write_store
from storage.query import Filters, Store

INTAKE = Path(__file__).parents[1] / "data" / "loaders" / "intake"
LANGUAGES = {
    "Envoys resume harbour talks": "en",
    "استئناف المحادثات في الميناء": "ar",
    "השיחות בנמל התחדשו": "he",
    "گفتگوها در بندر از سر گرفته شد": "fa",
    "Les pourparlers reprennent au port": "fr",
}


def test_language_is_a_column_of_the_article_table() -> None:
    articles, problems = load_articles(INTAKE / "languages.csv")
    assert problems == [] and validate(articles) == []
    assert dict(zip(articles["title"], articles["language"], strict=True)) == LANGUAGES


def test_language_facet_and_url_parameter(tmp_path: Path) -> None:
    raws, _, _ = read_paths([INTAKE / "languages.csv"])
    write_store(build_corpus(copies_from_raw(raws)), tmp_path / "store")
    store = Store(tmp_path / "store")
    facet = store.facets(Filters())["language"]
    assert dict(zip(facet["value"], facet["count"], strict=True)) == {c: 1 for c in LANGUAGES.values()}
    assert store.summary(Filters(languages=("ar", "he"))).articles == 2
    view, notices = parse_params({"lang": ["ar", "xx"]}, store.known)
    assert view.filters.languages == ("ar",)
    assert to_params(view)["lang"] == ["ar"]
    assert notices  # the unknown value is ignored with a notice


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # Over the budget, a uniform sample lends its language to the texts it did not cover.
        ([f"Les émissaires se sont réunis au port numéro {n} lundi matin" for n in range(9)], ["fr"] * 9),
        # A mixed sample: the texts lingua never saw stay unknown, and a note says how many.
        (
            [
                f"Les émissaires se sont réunis au port numéro {n} lundi matin"
                if n >= 5  # the sample (texts 0, 2, 4, 6) is three German, one French
                else f"Die Gesandten trafen sich am Montag im Hafen Nummer {n} wieder"
                for n in range(9)
            ],
            None,
        ),
    ],
)
def test_lingua_budget(monkeypatch: pytest.MonkeyPatch, texts: list[str], expected: list[str] | None) -> None:
    monkeypatch.setattr(language, "LINGUA_BUDGET", 4)
    seen: list[int] = []
    real = language._lingua
    monkeypatch.setattr(language, "_lingua", lambda batch: seen.append(len(batch)) or real(batch))
    notes: list[str] = []
    codes = language.detect_languages(texts, notes)
    assert seen == [4]  # lingua saw only the sample
    if expected is not None:
        assert codes == expected and notes == []
    else:
        assert sum(c is None for c in codes) == 5 and set(codes) - {None} == {"fr", "de"}
        assert notes == [
            "language left unknown for 5 texts: past the 4 detected per file, and that sample was mixed"
        ]
