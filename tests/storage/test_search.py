"""The analyst's search syntax -> FTS5 expressions."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.normalize import build_corpus, copies_from_raw
from loaders.schema import RawArticle
from storage.build import write_store
from storage.query import Filters, Store
from storage.search import MAX_TERMS, joined_words, joined_words_of, parse_search, snippet


@pytest.mark.parametrize(
    ("text", "positive", "excluded"),
    [
        ("ceasefire", '("ceasefire")', None),
        ("ceasefire Gaza", '("ceasefire") AND ("Gaza")', None),
        ('"humanitarian aid"', '(("humanitarian aid" OR "humanitarianaid"))', None),
        ("cease-fire", '(("cease-fire" OR "ceasefire"))', None),
        ("settler*", '("settler"*)', None),
        ("settler* -outpost*", '("settler"*)', '"outpost"*'),
        ("* s*ttler", '("s*ttler")', None),  # a star alone is dropped, one inside is no prefix
        ("truce OR ceasefire", '("truce" OR "ceasefire")', None),
        ("aid -Hamas", '("aid")', '"Hamas"'),
        ('-"peace talks" Iran', '("Iran")', '("peace talks" OR "peacetalks")'),
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
    # Outside quoted strings only our own operators, parentheses and a prefix star right after a
    # closing quote remain.
    assert '"*"' not in expression.replace('""', "")
    outside = "".join(part for i, part in enumerate(expression.split('"')) if i % 2 == 0)
    assert set(outside.replace("AND", "").replace("OR", "")) <= set("() *")
    assert all(part.startswith("*") or "*" not in part for part in expression.split('"')[2::2])


# --- against a store: what analysts type finds its variants (invented texts) -------------------

STORE_TEXTS = {
    "Hostage families meet envoys": "The family of one hostage met envoys in Doha on the talks.",
    "Talks on the hostages resume": "Mediators said the hostages could be freed in stages under a truce.",
    "Cease-fire holds in the north": "A cease-fire agreed last week held overnight, officials said.",
    "Ceasefire talks stall": "Negotiators said the ceasefire proposal needs more work on guarantees.",
    "Settlers and the outposts": "Settlers built two outposts near the village, residents said.",
    "Settlement council speaks": "The settlement council said building would go on this year.",
    "A ceasefire ceasefire ceasefire piece": "Ceasefire, ceasefire: a ceasefire was the word of the day.",
}


@pytest.fixture(scope="module")
def word_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    raws = [
        RawArticle(title=t, body=b * 3, published_meta=f"2024-05-{i + 1:02d}", source="Wire", origin=f"t{i}")
        for i, (t, b) in enumerate(STORE_TEXTS.items())
    ]
    path = tmp_path_factory.mktemp("words") / "corpus"
    write_store(build_corpus(copies_from_raw(raws)), path)
    store = Store(path)
    yield store
    store.close()


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("hostage", 2), ("hostages", 2),  # stemmed: each finds both
        ("ceasefire", 3), ("cease-fire", 3), ('"cease fire"', 3),  # hyphen and spacing variants
        ("settler", 1), ("settler*", 1), ("settl*", 2),  # a prefix is honoured, not dropped
        ("ceasefire -talks", 2), ("hostage OR settlers", 3),
    ],
)  # fmt: skip
def test_search_finds_what_analysts_type(word_store: Store, query: str, count: int) -> None:
    assert word_store.summary(Filters(search=query)).articles == count


def test_best_match_orders_by_relevance_and_results_carry_snippets(word_store: Store) -> None:
    best = word_store.results(Filters(search="ceasefire"), sort="relevance")
    assert best["title"].iloc[0] == "A ceasefire ceasefire ceasefire piece"
    assert all("easefire" in s.lower() or "cease-fire" in s.lower() for s in best["snippet"])
    plain = word_store.results(Filters(), sort="relevance")  # no search: newest first, no snippets
    assert plain["title"].tolist() == word_store.results(Filters())["title"].tolist()
    assert set(plain["snippet"]) == {""}


def test_export_follows_the_chosen_sort(word_store: Store) -> None:
    for sort in ("newest", "oldest", "relevance"):
        shown = word_store.results(Filters(search="ceasefire"), sort=sort)["title"].tolist()
        exported = word_store.export(Filters(search="ceasefire"), sort=sort)["title"].tolist()
        assert exported == shown, sort


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        ("A long day. The hostages were freed at dawn.", ["hostages"], "hostages were freed"),
        ("Talks on a cease-fire resumed.", ["cease fire"], "cease-fire resumed"),
        ("Nothing here.", ["hostage"], ""),
    ],
)
def test_snippet_shows_the_match_in_context(text: str, terms: list[str], expected: str) -> None:
    found = snippet(text, terms)
    assert expected in found if expected else found == ""


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("A cease-fire held.", "ceasefire"),
        ("al\u2011Sisi and co\u2010op", "alSisi coop"),  # non-breaking and Unicode hyphens
        ("a-b-c, x-ray; 12-3", "abc xray 123"),
        ("état-major naïve-ly", "étatmajor naïvely"),
        ("a lone - dash, -lead, trail- and a--b", ""),
        ("no hyphen here", ""),
    ],
)
def test_hyphenated_words_are_indexed_joined(text: str, joined: str) -> None:
    assert joined_words(text) == joined
    assert joined_words_of(pl.Series([text, None])).to_list() == [joined, ""]
