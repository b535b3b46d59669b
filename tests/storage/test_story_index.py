"""Stories placed at ingest, on invented sentences: joins, splits, the time window, growth."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from storage import story_index
from storage.story_index import cluster

TALKS = [
    ("Envoys meet in Muscat to revive maritime corridor talks", "Negotiators arrived in Muscat."),
    ("Maritime corridor talks resume in Muscat as envoys gather", "Delegations discussed port fees."),
    ("Muscat corridor talks: envoys agree a second maritime round", "A second round was agreed."),
]
DROUGHT = ("Drought cuts wheat harvest across northern plains", "Farmers counted a small harvest.")


def partition(stories: list[int]) -> set[frozenset[int]]:
    """The groups of positions, whatever each story is named."""
    groups: dict[int, set[int]] = {}
    for position, story in enumerate(stories):
        groups.setdefault(story, set()).add(position)
    return {frozenset(g) for g in groups.values()}


def run(
    rows: list[tuple[str, str]], days: list[int | None], entities: list[list[str]] | None = None
) -> list[int]:
    titles, bodies = [r[0] for r in rows], [r[1] for r in rows]
    return cluster(titles, bodies, days, entities or [[] for _ in rows])


def test_close_headlines_join_one_story_and_another_subject_stands_apart() -> None:
    stories = run([*TALKS, DROUGHT], [100, 101, 102, 101])
    assert partition(stories) == {frozenset({0, 1, 2}), frozenset({3})}
    assert stories[:3] == [0, 0, 0]  # named by the text that founded it


def test_the_same_words_far_apart_in_time_are_two_stories() -> None:
    stories = run(TALKS, [100, 101, 101 + story_index.WINDOW_DAYS + 30])
    assert partition(stories) == {frozenset({0, 1}), frozenset({2})}


def test_a_story_keeps_growing_past_the_window_while_it_develops() -> None:
    step = story_index.WINDOW_DAYS  # each text is within the window of the one before
    stories = run(TALKS, [100, 100 + step, 100 + 2 * step])
    assert partition(stories) == {frozenset({0, 1, 2})}


def test_undated_texts_stand_alone() -> None:
    assert partition(run(TALKS, [100, None, 100])) == {frozenset({0, 2}), frozenset({1})}


def test_shared_people_help_two_loosely_worded_headlines_join() -> None:
    rows = [
        ("Foreign minister Lina Haddad visits Amman", "She met officials."),
        ("Haddad meets Jordanian counterpart", "Talks covered trade in Amman."),
    ]
    apart = run(rows, [100, 100])
    named = run(rows, [100, 100], [["Lina Haddad", "Arab League"], ["Lina Haddad", "Arab League"]])
    assert partition(apart) == {frozenset({0}), frozenset({1})}
    assert partition(named) == {frozenset({0, 1})}


def test_function_words_alone_never_make_a_story() -> None:
    rows = [("They said that it was there", "Which would have been"), ("It was there, they said", "Been")]
    assert partition(run(rows, [100, 100])) == {frozenset({0}), frozenset({1})}


@pytest.mark.parametrize("split", [1, 2, 3])
def test_growing_in_several_ingests_gives_the_stories_of_one(split: int) -> None:
    """Texts only look back: the first `split` placed, then the rest, equals all at once."""
    rows = [*TALKS, DROUGHT, ("Wheat harvest falls as drought grips plains", "Farmers worry.")]
    days = [100, 101, 102, 101, 103]
    names = [[] for _ in rows]
    with duckdb.connect() as con:
        for part in (range(0, split), range(split, len(rows))):
            seqs = list(part)
            story_index.add_texts(con, seqs, [rows[i][0] for i in seqs], [rows[i][1] for i in seqs])
            story_index.date_and_name(con, seqs, [days[i] for i in seqs], [names[i] for i in seqs])
            story_index.assign(con)
        grown = [s for (s,) in con.execute("SELECT story FROM story_texts ORDER BY seq").fetchall()]
    assert grown == run(rows, days)
    assert partition(grown) == {frozenset({0, 1, 2}), frozenset({3, 4})}


def test_ingests_out_of_date_order_give_the_stories_of_one_ingest() -> None:
    """Each ingest writes its terms in day order, so one window's texts lie in several ingests'
    rows (an archive added newest first, then older, then in between): every one is still found,
    and the stories are those of one ingest of the same texts in the same order."""
    rows = [*TALKS, DROUGHT, ("Wheat harvest falls as drought grips plains", "Farmers worry.")]
    order = [4, 2, 3, 0, 1]  # texts by seq: the latest days first
    rows = [rows[k] for k in order]
    days = [[100, 101, 102, 101, 103][k] for k in order]
    ingests = [[0, 1], [2], [3, 4]]
    with duckdb.connect() as con:
        for seqs in ingests:
            story_index.add_texts(con, seqs, [rows[i][0] for i in seqs], [rows[i][1] for i in seqs])
            story_index.date_and_name(con, seqs, [days[i] for i in seqs], [[] for _ in seqs])
            story_index.assign(con)
        grown = [s for (s,) in con.execute("SELECT story FROM story_texts ORDER BY seq").fetchall()]
        written = con.execute("SELECT seq, day FROM story_terms ORDER BY rowid").fetchall()
    assert grown == run(rows, days)
    assert partition(grown) == {frozenset({1, 3, 4}), frozenset({0, 2})}
    for seqs in ingests:  # each ingest's rows in day order
        block = [day for seq, day in written if seq in seqs]
        assert block == sorted(block)


def test_link_takes_the_story_of_the_best_earlier_match() -> None:
    # 5 matches 2 best (first pair), 2 is new and matched 0 (an old text of story 0).
    stories = story_index.link(np.array([2, 5, 6]), np.array([2, 5, 5]), np.array([0, 2, 1]), {0: 0, 1: 1})
    assert stories == {2: 0, 5: 0, 6: 6}


@pytest.mark.parametrize(
    ("per_run", "codes_32", "per_block", "in_order"),
    [
        (1, 2**31, 2**18, False),
        (7, 2**31, 2**18, False),
        (2_000, 2**31, 2**18, False),
        (7, 0, 2**18, False),
        (2_000, 2**31, 1, False),
        (7, 0, 40, False),
        (2_000, 2**31, 2**18, True),
        (7, 0, 40, True),
    ],
)
def test_pairs_found_are_those_the_rule_names(
    per_run: int, codes_32: int, per_block: int, in_order: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The numpy pairing against the rule spelled out pair by pair, on random term sets: window,
    spread cap, shared terms, similarity and best-first order all agree, however the new texts'
    days are cut into runs (one day per run, a few, all at once), with pair codes of 32 or 64
    bits, the pairs counted in one block or many (one new text a block, a few), and the texts
    dated at random or in the order they arrive (where each range is cut short of the later
    texts)."""
    monkeypatch.setattr(story_index, "FRESH_PER_RUN", per_run)
    monkeypatch.setattr(story_index, "PAIR_CODES_32", codes_32)
    monkeypatch.setattr(story_index, "PAIRS_PER_BLOCK", per_block)
    rng = np.random.default_rng(5)
    n, start = 60, 40  # texts 40.. are the new batch
    days = rng.integers(100, 112, n).tolist()
    days = sorted(days) if in_order else days
    held = [set(rng.choice(30, rng.integers(3, 9), replace=False).tolist()) for _ in range(n)]
    with duckdb.connect() as con:
        story_index.create_tables(con)
        con.executemany(
            "INSERT INTO story_terms VALUES (?, ?, ?)", [(days[s], s, h) for s in range(n) for h in held[s]]
        )
        con.executemany(
            "INSERT INTO story_texts VALUES (?, ?, ?, NULL, 0)",
            [(s, days[s], len(held[s])) for s in range(n)],
        )
        runs = story_index.day_runs(con, start)
        i, j = story_index.pairs(con, start)
    w = story_index.WINDOW_DAYS
    expected = []
    for a in range(start, n):
        near = [s for s in range(n) if abs(days[s] - days[a]) <= w]
        least, most = story_index.TERM_SPREAD_BOUNDS
        cap = min(most, max(least, story_index.TERM_SPREAD_SHARE * len(near)))
        rare = {h for h in held[a] if sum(h in held[s] for s in near) <= cap}
        for b in near:
            common = len(rare & held[b])
            if b >= a or common < story_index.MIN_SHARED:
                continue
            similarity = common / (len(held[a]) + len(held[b]) - common)
            if similarity >= story_index.MIN_SIMILARITY:
                expected.append((a, -similarity, b))
    assert expected  # the random sets do pair up, so the comparison says something
    assert len(runs) == (1 if per_run == 2_000 else len(runs)) and (per_run == 2_000 or len(runs) > 1)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == [(a, b) for a, _, b in sorted(expected)]
