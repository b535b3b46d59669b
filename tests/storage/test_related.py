"""Related coverage: most alike in wording, within the time window, on an invented corpus."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from loaders.normalize import build_corpus, copies_from_raw
from loaders.schema import RawArticle
from storage.build import write_store
from storage.query import RELATED_WINDOW_DAYS, Filters, Store
from storage.related import STOPWORDS, common_cap, lead_words, similar_texts

PLANT = (
    "Engineers from Oman and Jordan inspected the Aqaba desalination plant and its brine outflow on Monday. "
    "The plant would pump water north through a pipeline to Amman once the financing is agreed."
)
PIPELINE = (
    "Backers of a desalination pipeline from Aqaba to Amman met bankers in London this week. "
    "They said the brine would be diluted before it returned to the sea near the coral reefs."
)
DIVERS = (
    "Divers in Aqaba warned that brine from a planned desalination plant could harm the coral. "
    "Marine biologists asked the government to publish its study of the outflow before any work."
)
# Shares the country tags (Jordan, Oman) and a few names, none of the story's own words.
TAGS_ONLY = (
    "Jordanian and Omani ministers met for talks on regional diplomacy and trade on Monday in Amman. "
    "The ministers discussed tourism, aviation links and the ceasefire in the region at length, "
    "and agreed to meet again in Muscat before the end of the year to sign a trade protocol."
)
CITIES = [
    "Doha",
    "Rabat",
    "Tunis",
    "Algiers",
    "Kuwait City",
    "Manama",
    "Riyadh",
    "Beirut",
    "Cairo",
    "Baghdad",
]
SUBJECTS = ["fisheries quotas", "airline routes", "wheat imports", "border crossings", "student visas",
            "phosphate exports", "railway links", "museum loans", "power cables", "postal services"]  # fmt: skip


def filler(i: int) -> str:
    city, subject, other = CITIES[i], SUBJECTS[i], SUBJECTS[(i + 3) % len(SUBJECTS)]
    return (
        f"Negotiators in {city} reached a preliminary understanding on {subject} late on Wednesday. "
        f"A second round about {other} is planned for {CITIES[(i + 5) % len(CITIES)]} in {i + 2} weeks."
    )


def article(title: str, body: str, day: str, source: str = "Desert Post") -> RawArticle:
    return RawArticle(
        title=title, body=body, published_meta=day, source=source, origin=f"fixture:{title[:16]}"
    )


def corpus() -> list[RawArticle]:
    return [
        article("Aqaba desalination plant inspected", PLANT, "2024-03-01"),
        article("Desalination pipeline to Amman gains backers", PIPELINE, "2024-03-20", "Gulf Ledger"),
        article("Aqaba divers fear desalination brine", DIVERS, "2024-11-01", "Levant Wire"),
        article("Jordan and Oman hold wide-ranging talks", TAGS_ONLY, "2024-03-05", "Levant Wire"),
        *[article(f"Talks in {c} on {SUBJECTS[i]}", filler(i), f"2024-03-{10 + i:02d}", "Nile Dispatch")
          for i, c in enumerate(CITIES)],
    ]  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("related") / "corpus"
    write_store(build_corpus(copies_from_raw(corpus())), path)
    opened = Store(path)
    yield opened
    opened.close()


def opened(store: Store, title: str):
    frame = store.results(Filters(), page_size=100)
    article_id = frame.loc[frame["title"] == title, "article_id"].iloc[0]
    found = store.article(article_id)
    assert found is not None
    return found


def test_the_most_alike_in_wording_comes_first(store: Store) -> None:
    related = opened(store, "Aqaba desalination plant inspected").related
    titles = related["title"].tolist()
    # Sharing the country tags and a few names ranks below sharing the story's own words.
    assert titles[0] == "Desalination pipeline to Amman gains backers"
    assert not any(title.startswith("Talks in ") for title in titles)  # nothing in common


def test_related_stays_inside_the_time_window(store: Store) -> None:
    found = opened(store, "Aqaba desalination plant inspected")
    assert "Aqaba divers fear desalination brine" not in found.related["title"].tolist()  # 8 months on
    day = found.row["published"]
    for other in found.related["published"]:
        assert abs((other - day).days) <= RELATED_WINDOW_DAYS


def test_an_article_is_not_related_to_itself(store: Store) -> None:
    found = opened(store, "Desalination pipeline to Amman gains backers")
    assert found.row["article_id"] not in found.related["article_id"].tolist()
    assert found.related["title"].tolist()[:1] == ["Aqaba desalination plant inspected"]


def test_lead_words_are_the_title_then_the_lead_without_function_words() -> None:
    words = lead_words("The Aqaba plant, and its brine", "Engineers said the brine was warm. " * 50)
    assert words[:4] == ["aqaba", "plant", "brine", "engineers"]
    assert not set(words) & STOPWORDS
    assert len(words) == len(set(words))


@pytest.mark.parametrize(("texts", "cap"), [(10, 5), (300, 15), (100_000, 1_000), (1_000_000, 1_000)])
def test_a_common_word_is_common_for_the_stores_size(texts: int, cap: int) -> None:
    assert common_cap(texts) == cap


def test_hostile_words_are_only_words(store: Store) -> None:
    """Title words become quoted FTS5 strings: operators and quotes in them are text."""
    words = lead_words('NEAR OR NOT "quoted" AND* desalination', "")
    assert words == ["quoted", "desalination"]  # or, not, and, near: too short or function words
    db = sqlite3.connect(f"{store._fulltext.as_uri()}?mode=ro", uri=True)
    try:
        assert isinstance(similar_texts(db, ['"', "near", "or", "and*", "NOT"]), list)  # no syntax error
        assert similar_texts(db, ['zzz" OR "desalination']) == []  # one phrase, not an OR
        assert similar_texts(db, ["desalination"])  # found, as a word
    finally:
        db.close()
