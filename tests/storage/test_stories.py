"""Stories in a built store: grown at ingest, counted under filters, one story as a filter."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import duckdb
import pytest

from loaders.normalize import copies_from_raw
from loaders.schema import RawArticle
from storage import story_index
from storage.build import append_copies
from storage.layout import DATABASE, SCHEMA_VERSION, StoreError, current_generation
from storage.query import Filters, Store
from tests.story_corpus import build_story_store, story_articles

TALKS_LABELS = {
    "Envoys open maritime corridor talks in Muscat",
    "Maritime corridor talks in Muscat enter second day",
    "Muscat talks end with a draft maritime corridor accord",
}


@pytest.fixture(scope="module")
def story_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_story_store(tmp_path_factory.mktemp("stories") / "corpus")


def listed(path: Path, filters: Filters | None = None, order: str = "largest") -> list[dict]:
    with contextlib.closing(Store(path)) as store:
        return store.stories(filters or Filters(), order).frame.to_dict("records")


def test_the_stories_of_the_corpus_with_their_counts(story_store: Path) -> None:
    rows = listed(story_store)
    assert [(r["articles"], r["outlets"]) for r in rows] == [(3, 3), (2, 2)]
    talks, water = rows
    assert talks["label"] in TALKS_LABELS and "desalination" in water["label"].lower()
    assert (talks["first"], talks["last"]) == (date(2025, 3, 3), date(2025, 3, 5))
    assert talks["spark"] == [1, 1, 1]  # one article on each of its three days
    assert len(talks["story_id"]) == 16


def test_newest_first_orders_by_the_last_article(story_store: Path) -> None:
    # Both end on 5 March; the larger one goes first among equals.
    assert [r["articles"] for r in listed(story_store, order="newest")] == [3, 2]
    assert listed(story_store, Filters(date_to=date(2025, 3, 4)), "newest")[0]["last"] == date(2025, 3, 4)


def test_counts_follow_the_filters(story_store: Path) -> None:
    rows = listed(story_store, Filters(date_from=date(2025, 3, 4)))
    assert [(r["articles"], r["outlets"]) for r in rows] == [(2, 2), (2, 2)]
    assert listed(story_store, Filters(date_from=date(2025, 3, 5))) == []  # one article each is no story


def test_a_story_filters_the_page(story_store: Path) -> None:
    talks = listed(story_store)[0]
    with contextlib.closing(Store(story_store)) as store:
        chosen = Filters(story=talks["story_id"])
        assert store.summary(chosen).articles == 3
        assert set(store.results(chosen)["title"]) == TALKS_LABELS
        assert store.known("story", talks["story_id"]) and not store.known("story", "0" * 16)
        assert store.summary(Filters(story="0" * 16)).articles == 0  # an unknown story matches nothing
        assert [r["articles"] for r in store.stories(chosen).frame.to_dict("records")] == [3]


def test_the_reader_question_gives_an_articles_story_and_its_others(story_store: Path) -> None:
    with contextlib.closing(Store(story_store)) as store:
        found = store.results(Filters(search="draft maritime"))
        last = found[found["title"].str.startswith("Muscat talks end")]["article_id"].iloc[0]
        story = store.story_of(last)
        assert story is not None and story.articles == 3
        assert set(story.others["title"]) == TALKS_LABELS - {
            "Muscat talks end with a draft maritime corridor accord"
        }
        alone = store.results(Filters(search="wheat"))["article_id"].iloc[0]
        assert store.story_of(alone) is None  # a lone article is in no story worth showing
        assert store.story(story.story_id).articles == 3


@pytest.mark.parametrize("batches", [2, 4, 8])
def test_ingest_in_several_batches_gives_the_same_stories(tmp_path: Path, batches: int) -> None:
    grown = build_story_store(tmp_path / "grown", batches)

    def groups(path: Path) -> set[frozenset[str]]:
        with contextlib.closing(Store(path)) as store:
            return {
                frozenset(store.results(Filters(story=r["story_id"]))["title"])
                for r in store.stories(Filters()).frame.to_dict("records")
            }

    assert groups(grown) == {frozenset(TALKS_LABELS), frozenset(listed_titles(grown, "desalination"))}


def test_an_archive_ingested_out_of_date_order_gives_the_stories_of_date_order(tmp_path: Path) -> None:
    """One article per ingest, the latest first: the texts around each day are spread over
    every ingest's rows of the story index, and the stories are those of an ingest in date order."""
    dated = build_story_store(tmp_path / "dated")
    backwards = tmp_path / "backwards"
    for article in sorted(story_articles(), key=lambda a: str(a.published_meta), reverse=True):
        append_copies(backwards, [copies_from_raw([article])])

    def groups(path: Path) -> set[frozenset[str]]:
        with contextlib.closing(Store(path)) as store:
            return {
                frozenset(store.results(Filters(story=r["story_id"]))["title"])
                for r in store.stories(Filters()).frame.to_dict("records")
            }

    assert groups(backwards) == groups(dated)
    assert frozenset(TALKS_LABELS) in groups(backwards)


def listed_titles(path: Path, word: str) -> set[str]:
    with contextlib.closing(Store(path)) as store:
        return set(store.results(Filters(search=word))["title"])


def test_the_story_index_is_part_of_the_generation(story_store: Path) -> None:
    generation = current_generation(story_store)
    assert generation is not None
    with contextlib.closing(duckdb.connect(str(generation / DATABASE), read_only=True)) as con:
        texts = con.execute("SELECT count(*), count(story) FROM story_texts").fetchall()[0]
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()[0][0]
    assert texts == (8, 8)  # every text placed
    assert int(version) == SCHEMA_VERSION


@pytest.mark.parametrize(
    ("behind", "remedy"), [(1, "python -m storage migrate"), (SCHEMA_VERSION - 6, "re-ingest")]
)
def test_a_store_of_an_earlier_schema_is_refused(tmp_path: Path, behind: int, remedy: str) -> None:
    """The app reads only its own layout; from schema 7 on, `migrate` brings a store up to it."""
    path = build_story_store(tmp_path / "old")
    generation = current_generation(path)
    assert generation is not None
    with contextlib.closing(duckdb.connect(str(generation / DATABASE))) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION - behind)])
    with pytest.raises(StoreError, match=remedy):
        Store(path)


def test_an_ingest_recounts_the_stories_it_touched_to_the_totals_of_a_whole_recount(tmp_path: Path) -> None:
    """Batches one by one, the last only a new outlet's copy of an old article: each ingest counts
    only the stories its copies touched, and the totals equal those counted over the whole store."""
    path = build_story_store(tmp_path / "grown", batches=4)
    again = story_articles()[1]
    again.source, again.origin = "Harbour Post", "fixture:story-again"
    append_copies(path, [copies_from_raw([again])])
    generation = current_generation(path)
    assert generation is not None
    with contextlib.closing(duckdb.connect(str(generation / DATABASE))) as con:
        grown = sorted(con.execute("SELECT * FROM stories").fetchall())
        story_index.derive_stories(con)  # from the first copy: every story counted again
        whole = sorted(con.execute("SELECT * FROM stories").fetchall())
    assert grown == whole
    talks = [row for row in grown if row[2] in TALKS_LABELS]
    assert [(row[5], row[6]) for row in talks] == [(3, 4)]  # 3 articles, now 4 outlets


@pytest.mark.parametrize("order", ["largest", "newest"])
def test_no_filter_lists_the_counts_kept_at_ingest_as_a_filter_matching_everything_counts(
    story_store: Path, order: str
) -> None:
    """Under no filter the list is read from the per-story totals; a filter every article passes
    counts the same stories from the articles: the two must agree."""
    with contextlib.closing(Store(story_store)) as store:
        kept = store.stories(Filters(), order)
        counted = store.stories(Filters(date_from=date(2000, 1, 1)), order)
    assert kept.total == counted.total == 2
    assert kept.frame.to_dict("records") == counted.frame.to_dict("records")


def _report(title: str, subject: str, day: str) -> RawArticle:
    """An invented report of four long sentences about one subject."""
    body = " ".join(
        f"The {subject} committee met on {part} to review its long list of pending matters."
        for part in ("Monday morning", "Tuesday evening", "Wednesday afternoon", "Thursday night")
    )
    return RawArticle(
        title=title, body=body, published_meta=day, source="Harbour Post", origin=f"fixture:{subject}"
    )


def test_a_story_whose_only_article_folds_into_another_storys_article_is_dropped(tmp_path: Path) -> None:
    """A later copy holding both of two unrelated reports folds them into one article, which keeps
    the story of its first text: the other story has no article left, and its row goes, as a
    whole recount would have it."""
    path = tmp_path / "merged"
    first = _report("Fisheries board weighs new quotas", "fisheries", "2024-03-01")
    second = _report("Rail authority delays timetable change", "railway", "2024-03-20")
    append_copies(path, [copies_from_raw([first, second])])
    both = RawArticle(
        title="Regional digest",
        body=f"{first.body} {second.body}",
        published_meta="2024-03-21",
        source="Coast Courier",
        origin="fixture:digest",
    )
    append_copies(path, [copies_from_raw([both])])
    generation = current_generation(path)
    assert generation is not None
    with contextlib.closing(duckdb.connect(str(generation / DATABASE))) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == 1
        grown = sorted(con.execute("SELECT * FROM stories").fetchall())
        story_index.derive_stories(con)
        whole = sorted(con.execute("SELECT * FROM stories").fetchall())
    assert grown == whole
    assert len(grown) == 1 and grown[0][5] == 1  # one story left, of the one article


def test_stories_keep_their_id_index_across_ingests(tmp_path: Path) -> None:
    """Every question of a rerun with a story chosen looks the story up by its id: the index on
    it must survive the recount of the touched stories at later ingests."""
    path = build_story_store(tmp_path / "grown", batches=2)
    generation = current_generation(path)
    assert generation is not None
    with contextlib.closing(duckdb.connect(str(generation / DATABASE), read_only=True)) as con:
        indexes = con.execute(
            "SELECT index_name FROM duckdb_indexes() WHERE table_name = 'stories'"
        ).fetchall()
    assert indexes == [("stories_by_id",)]
