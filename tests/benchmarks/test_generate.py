"""Tests for the synthetic corpus generator and the demo corpus it wrote."""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import generate
from benchmarks.generate import (
    builtin_gazetteer,
    dump_text,
    generate_articles,
    generate_sample,
    load_gazetteer,
    main,
    write_corpus,
)

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
N_ARTICLES = 2000
KEYS = {"title", "body", "captions", "source", "url", "published"}
YEAR = re.compile(r"\b20[12]\d\b")
MONTH = re.compile(r"\b(" + "|".join(generate.MONTHS) + r")\b")
QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
SENTENCE_END = re.compile(r"(?<=[.!?])[”\"]?\s+(?=[A-Z“\"])")
UNNAMED = re.compile(r"^(said )?(a|an) |(^|[,:]\s*)(a|an) [^“\"]*\b(said|told|added)\b", re.I)


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    return list(generate_articles(N_ARTICLES, seed=11, gazetteer=builtin_gazetteer()))


def parse_dump(text: str) -> Iterator[tuple[str, list[str], str]]:
    """Read the dump format the way its documentation describes it; fail on any deviation."""
    for block in text.split("\n\n\n\n"):
        lines = block.split("\n")
        title = lines[0]
        assert title and lines[1] == ""
        i, captions = 2, []
        while lines[i] != "TT":
            assert lines[i] == lines[i + 1], "each caption is printed twice in a row"
            captions.append(lines[i])
            i += 2
        assert lines[i + 1 : i + 4] == ["", title, ""], "TT, blank, the title again, blank"
        i += 4
        for caption in captions:
            assert lines[i] == lines[i + 1] == caption, "the captions again, twice each"
            i += 2
        if captions:
            assert lines[i] == ""
            i += 1
        yield title, captions, "\n".join(lines[i:])


def test_same_seed_same_articles() -> None:
    first = list(generate_articles(300, seed=7, gazetteer=builtin_gazetteer()))
    again = list(generate_articles(300, seed=7, gazetteer=builtin_gazetteer()))
    other = list(generate_articles(300, seed=8, gazetteer=builtin_gazetteer()))
    assert first == again
    assert first != other


def test_chunks_continue_the_stream() -> None:
    n = generate.CHUNK_ARTICLES + 50
    head = list(generate_articles(40, seed=3, gazetteer=builtin_gazetteer()))
    tail = list(generate_articles(n, seed=3, gazetteer=builtin_gazetteer()))
    assert tail[:40] == head
    assert len(tail) == n
    assert len({a["url"] for a in tail}) == n


def test_record_shape(articles: list[dict]) -> None:
    for article in articles:
        assert set(article) == KEYS
        assert all(isinstance(article[k], str) for k in ("title", "body", "source", "url"))
        assert isinstance(article["captions"], list)
        assert article["url"].startswith("https://") and ".example/" in article["url"]
        assert "{" not in article["body"] + article["title"], "an unfilled template slot"


@pytest.mark.parametrize(
    ("measure", "low", "high"),
    [
        (lambda a: len(a["title"].split()), 8, 15),
        (lambda a: len(a["body"].split()), 300, 1200),
        (lambda a: len(a["captions"]), 0, 3),
    ],
    ids=["title words", "body words", "captions"],
)
def test_lengths_in_range(articles: list[dict], measure, low: int, high: int) -> None:
    values = [measure(a) for a in articles]
    assert low <= min(values) and max(values) <= high
    assert len(set(values)) > 2, "lengths vary"


def test_body_length_is_news_shaped(articles: list[dict]) -> None:
    words = [len(a["body"].split()) for a in articles]
    assert 500 <= statistics.mean(words) <= 800
    paragraphs = [a["body"].count("\n\n") + 1 for a in articles]
    assert min(paragraphs) >= 3


def test_bodies_differ(articles: list[dict]) -> None:
    bodies = Counter(a["body"] for a in articles)
    assert len(bodies) > 0.95 * N_ARTICLES
    first_paragraphs = {a["body"].split("\n\n")[1] for a in articles}
    assert len(first_paragraphs) > 0.5 * N_ARTICLES


def test_captions_end_with_agency(articles: list[dict]) -> None:
    captions = [c for a in articles for c in a["captions"]]
    assert captions
    assert all(re.search(r"\. \([^()]+\)$", c) for c in captions)
    assert any("(Photo by Handout / " in c for c in captions)


def test_dates_span_the_decade_with_bursts(articles: list[dict]) -> None:
    dates = [dt.date.fromisoformat(a["published"]) for a in articles if a["published"]]
    years = Counter(d.year for d in dates)
    assert set(years) == set(range(2016, 2026))
    weeks = Counter(d.isocalendar()[:2] for d in dates)
    busiest = max(weeks.values())
    assert busiest >= 5 * statistics.median(weeks.values())


def test_undated_articles_carry_no_date_evidence(articles: list[dict]) -> None:
    undated = [a for a in articles if a["published"] is None]
    assert 0.015 <= len(undated) / N_ARTICLES <= 0.05
    for article in undated:
        text = " ".join([article["title"], article["body"], *article["captions"], article["url"]])
        assert not YEAR.search(text)
        assert not MONTH.search(text)
        assert not re.search(r"/20\d\d/", article["url"])


def test_dated_articles_state_their_date_in_the_text(articles: list[dict]) -> None:
    for article in articles:
        if article["published"]:
            year = article["published"][:4]
            assert year in article["body"] or any(year in c for c in article["captions"])


def test_exact_duplicate_rate(articles: list[dict]) -> None:
    seen: set[tuple[str, str]] = set()
    copies = 0
    for article in articles:
        key = (article["title"], article["body"])
        copies += key in seen
        seen.add(key)
    assert 0.02 <= copies / N_ARTICLES <= 0.045


def test_near_duplicate_rate(articles: list[dict]) -> None:
    seen: set[tuple[str, str]] = set()
    by_paragraph: dict[str, list[int]] = {}
    paragraph_sets: list[set[str]] = []
    near = 0
    for index, article in enumerate(articles):
        paragraphs = set(article["body"].split("\n\n"))
        paragraph_sets.append(paragraphs)
        key = (article["title"], article["body"])
        if key not in seen:
            candidates = {j for p in paragraphs for j in by_paragraph.get(p, ())}
            near += any(
                len(paragraphs & paragraph_sets[j]) / len(paragraphs | paragraph_sets[j]) >= 0.5
                for j in candidates
            )
        seen.add(key)
        for paragraph in paragraphs:
            by_paragraph.setdefault(paragraph, []).append(index)
    assert 0.01 <= near / N_ARTICLES <= 0.035


def test_entities_have_a_long_tail(articles: list[dict]) -> None:
    names = [c.name for c in builtin_gazetteer().countries]
    counts = Counter(n for a in articles for n in names if n in a["title"])
    top, *_, bottom = [n for n, _ in counts.most_common()]
    assert counts[top] >= 5 * counts[bottom]
    assert len(counts) >= 15


def test_several_sources(articles: list[dict]) -> None:
    sources = Counter(a["source"] for a in articles)
    assert len(sources) >= 4
    assert {"Gulf Ledger", "Levant Wire", "Maghreb Daily", "Nile Dispatch"} <= set(sources)


def _person_names() -> set[str]:
    names = set()
    for gazetteer in (builtin_gazetteer(), load_gazetteer()):
        for person in gazetteer.people:
            names |= {person.name, person.short}
    return names


def _quoted_sentences(articles: list[dict]) -> list[str]:
    return [
        sentence
        for a in articles
        for paragraph in a["body"].split("\n\n")
        for sentence in SENTENCE_END.split(paragraph)
        if "“" in sentence or '"' in sentence
    ]


def test_quotes_are_attributed_only_to_unnamed_speakers(articles: list[dict]) -> None:
    sentences = _quoted_sentences(articles)
    assert len(sentences) > N_ARTICLES / 3
    people = _person_names()
    for sentence in sentences:
        attribution = QUOTED.sub("", sentence).strip(" ,.")
        assert UNNAMED.search(attribution), sentence
        assert not any(name in sentence for name in people), sentence


def test_people_are_named_outside_quotes(articles: list[dict]) -> None:
    people = {p.name for p in builtin_gazetteer().people}
    assert any(name in a["body"] for a in articles for name in people)


def test_no_quotes_in_titles_or_captions(articles: list[dict]) -> None:
    for article in articles:
        assert not re.search(r"[“”\"]", article["title"] + "".join(article["captions"]))


def test_dump_text_round_trips() -> None:
    for article in generate_articles(50, seed=5, gazetteer=builtin_gazetteer()):
        [(title, captions, body)] = parse_dump(dump_text(article))
        assert (title, captions, body) == (article["title"], article["captions"], article["body"])


@pytest.mark.parametrize("workers", [1, 2])
def test_dump_files_have_the_documented_structure(tmp_path: Path, workers: int) -> None:
    n = generate.ARTICLES_PER_DUMP * 2 + 37
    gazetteer = builtin_gazetteer()
    write_corpus(n, tmp_path, seed=4, formats=["dump"], workers=workers, gazetteer=gazetteer)
    files = sorted((tmp_path / "dumps").glob("*.txt"))
    assert len(files) == 3
    text = files[0].read_text(encoding="utf-8")
    assert not text.endswith("\n")
    parsed = [p for f in files for p in parse_dump(f.read_text(encoding="utf-8"))]
    expected = list(generate_articles(n, seed=4, gazetteer=gazetteer))
    assert [(a["title"], a["captions"], a["body"]) for a in expected] == parsed
    assert any(not captions for _, captions, _ in parsed), "some articles have no photo"


def test_tabular_formats_round_trip(tmp_path: Path) -> None:
    n, gazetteer = 150, builtin_gazetteer()
    write_corpus(n, tmp_path, seed=9, formats=["csv", "jsonl", "parquet"], gazetteer=gazetteer)
    records = list(generate_articles(n, seed=9, gazetteer=gazetteer))
    expected = pd.DataFrame(records)
    dates = [a["published"] for a in records]
    columns = list(generate.CSV_COLUMNS)

    from_csv = pd.read_csv(tmp_path / "articles.csv", dtype=str, keep_default_na=False)
    assert list(from_csv.columns) == columns
    pd.testing.assert_frame_equal(from_csv, expected[columns].fillna(""))

    from_jsonl = pd.read_json(tmp_path / "articles.jsonl", lines=True, dtype=False)
    assert from_jsonl["captions"].tolist() == expected["captions"].tolist()
    assert [None if pd.isna(d) else d for d in from_jsonl["published"]] == dates
    pd.testing.assert_frame_equal(from_jsonl[columns], expected[columns])

    from_parquet = pd.read_parquet(tmp_path / "articles.parquet")
    published = [None if pd.isna(d) else str(d)[:10] for d in from_parquet["published"]]
    assert published == dates
    assert [list(c) for c in from_parquet["captions"]] == expected["captions"].tolist()
    for column in ("title", "body", "url", "source"):
        assert from_parquet[column].tolist() == expected[column].tolist()


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="xml"):
        write_corpus(5, tmp_path, formats=["xml"], gazetteer=builtin_gazetteer())


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["30", str(tmp_path), "--seed", "2", "--format", "dump,jsonl"]) == 0
    assert len(list((tmp_path / "dumps").glob("*.txt"))) == 1
    lines = (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 30 and set(json.loads(lines[0])) == KEYS
    assert "30 articles" in capsys.readouterr().err


def test_gazetteer_files_are_optional(tmp_path: Path) -> None:
    assert load_gazetteer(tmp_path) == builtin_gazetteer()


def test_gazetteer_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "countries.csv").write_text("iso3,name,region\nXAA,Atlantis,Nowhere\nXBB,Lemuria,Nowhere\n")
    (tmp_path / "country_terms.csv").write_text(
        "pattern,iso3,kind\nAtlantean,XAA,demonym\nPoseidonia,XAA,capital\nLemurian,XBB,demonym\n"
    )
    (tmp_path / "topics.csv").write_text("topic,patterns\ntides,tidal policy|sea\\s+walls\n")
    gazetteer = load_gazetteer(tmp_path)
    assert [c.name for c in gazetteer.countries] == ["Atlantis", "Lemuria"]
    assert gazetteer.countries[0].adj == "Atlantean" and gazetteer.countries[0].capital == "Poseidonia"
    assert gazetteer.topics == (("tides", ("tidal policy",)),)
    article = next(generate_articles(1, gazetteer=gazetteer))
    assert "Atlantis" in article["body"] or "Atlantean" in article["body"]


def test_committed_sample_matches_its_readme(tmp_path: Path) -> None:
    generate_sample(tmp_path)
    committed = sorted(p.relative_to(SAMPLE_DIR) for p in SAMPLE_DIR.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert committed == fresh
    for path in committed:
        assert (SAMPLE_DIR / path).read_bytes() == (tmp_path / path).read_bytes(), path


def test_committed_sample_shape() -> None:
    size = sum(p.stat().st_size for p in SAMPLE_DIR.rglob("*") if p.is_file())
    assert size < 2_000_000
    dumped = [p for f in sorted(SAMPLE_DIR.glob("dumps/*.txt")) for p in parse_dump(f.read_text())]
    wire = pd.read_csv(SAMPLE_DIR / "wire.csv", dtype=str, keep_default_na=False)
    assert len(dumped) == generate.SAMPLE_DUMP_ARTICLES
    assert len(wire) == generate.SAMPLE_WIRE_ARTICLES
    assert (wire["published"] == "").sum() >= 1
    bodies = [body for _, _, body in dumped] + wire["body"].tolist()
    assert len(bodies) - len(set(bodies)) >= 5, "duplicates to fold"
    assert "synthetic" in (SAMPLE_DIR / "README.md").read_text().lower()
