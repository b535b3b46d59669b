"""Stories at ingest: each new text joins the developing story of its closest earlier text, or
starts one. The archive is never clustered again.

A text's terms are the content words of its title and lead plus its named people and
organizations. Two texts are about the same story when they were published within
WINDOW_DAYS of each other and share enough terms (Jaccard of the two term sets); a term
carried by more than TERM_SPREAD_SHARE of the texts around that date says nothing about it and is
not compared. Title words count twice. Each new text, in arrival order (seq), links to its most
similar earlier text and
takes that text's story; with no such text it founds a story named by its own seq. So a story
grows by chains of close texts: it can run longer than the window while it keeps developing.

An ingest reads only the texts dated within the window of its new texts' days and their terms,
and pairs them in numpy (a term's postings sorted by day, so a window is one contiguous run):
its work follows the coverage around the days it adds, not the size of the archive. The terms
are stored in day order, so that read touches the window's row groups alone even when the
archive was ingested out of date order (its texts' seqs then spread over the whole table).

Because a text only ever looks at earlier texts, adding a corpus in several ingests gives the
stories one ingest of the same files in the same order gives, as long as no term passes the
spread cap in one and not the other (the cap counts the texts the store holds at the time).

What is left growing with the archive is narrow: article_stories is rebuilt whole (the fold
numbers the articles afresh at every ingest) from two integer columns read in seq order, and
the touched stories are found and recounted from a few integer columns. benchmarks/STORIES.md
has the figures.

Tables (DuckDB, in the generation's corpus.duckdb; written with the rest of the generation):
    story_terms     (day, seq, h): distinct term hashes of each text with its day (null when
                    undated), written once it is dated, each ingest's rows in day order
                                                                          kept across ingests
    story_texts     (seq, day, terms, story, links): a text's date (days since 1970, null when
                    undated), its term count, its story (founder seq) and how many same-story
                    texts it resembles (its centrality); written once a text is dated and
                    named, in seq order                                   kept across ingests
    stories         (story, story_id, label, first, last, articles, outlets): per-story
                    aggregates; label: the title of the most linked text (the earliest of ties);
                    story_id: the founder text's article_id, the id in links. Kept across
                    ingests: derive_stories() counts again only the stories an ingest touched
  derived by derive_stories() after the articles are folded:
    article_stories (idx, story)  the story of each folded article (that of its first text)
The layout is schema 8's (the day of story_terms).
"""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

# Texts further apart than this (days) are never compared directly.
WINDOW_DAYS = 3
# Characters of the body read as the lead, after the title.
LEAD_CHARS = 500
# A term found in more than this share of the texts within the window around a text says
# nothing about it ("gaza" in a war's coverage); the cap stays within these bounds, the upper one
# keeping the pairs an ingest compares bounded in a dense archive.
TERM_SPREAD_SHARE = 0.15
TERM_SPREAD_BOUNDS = (10, 200)
# Two texts are one story at this Jaccard similarity of their terms, sharing at least MIN_SHARED.
MIN_SIMILARITY = 0.14
MIN_SHARED = 3
# A word needs this many letters to be a term; longer than PLURAL_MIN_CHARS, a final s is dropped.
MIN_TERM_CHARS = 3
PLURAL_MIN_CHARS = 4
# New texts are paired in runs of consecutive days holding at most this many of them, so the
# arrays one run builds (its window's postings and every candidate pair, up to
# TERM_SPREAD_BOUNDS[1] per posting) stay bounded however many days one ingest spans: an
# export of ten years read in one batch would otherwise pair against the whole archive at once
# (a 1,000,000-article build reached 22 GB in one batch).
FRESH_PER_RUN = 2_000
# Candidate pairs are expanded and counted in blocks of about this many (see _shared); pair
# codes (new text x window text) below PAIR_CODES_32 are sorted as 32-bit integers.
PAIRS_PER_BLOCK = 2**18
PAIR_CODES_32 = 2**31
# Entity kinds whose values are terms (people and organizations name a story; countries are
# shared by most of a Middle East corpus and would be capped anyway).
ENTITY_COLUMNS = ("people", "organizations")
# The hash of terms is polars' own: a store remembers which polars made it.
TERM_HASH = f"polars-{pl.__version__}"

# Function words and newsroom filler: in every story, so never evidence of one.
STOPWORDS = frozenset(
    """
    the and for are but not you all any can had her was one our out has him his how its may new now
    old see two way who did get let put say she too use that with have this will your from they know
    want been good much some time very when come here just like long make many more most only over
    such take than them well were what where which while would there their these those about after
    again also because before being between both could during each even first into last made other
    should since still then through under until upon said says told tells according news report
    reported reports year years week weeks day days today yesterday tomorrow monday tuesday
    wednesday thursday friday saturday sunday people live latest update updates bbc npr reuters via
    against among around without within another however including amid
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

STOPWORD_LIST = sorted(STOPWORDS)

CREATE = (
    "CREATE TABLE IF NOT EXISTS story_terms (day INTEGER, seq INTEGER, h UBIGINT)",
    "CREATE TABLE IF NOT EXISTS story_texts"
    " (seq INTEGER, day INTEGER, terms INTEGER, story INTEGER, links INTEGER)",
    # The words of the texts this ingest indexed, until they are dated (this connection only).
    "CREATE TEMP TABLE IF NOT EXISTS story_new_terms (seq INTEGER, h UBIGINT)",
)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The story tables, empty, if the database lacks them."""
    for statement in CREATE:
        con.execute(statement)


def terms(titles: list[str], bodies: list[str]) -> pl.DataFrame:
    """(pos, h): the distinct hashes of the content words of each text's title and lead; title
    words count twice (once more, marked apart), the headline being the surest sign of a story."""
    lead = pl.DataFrame({"title": titles, "body": bodies}, schema={"title": pl.String, "body": pl.String})
    frame = lead.fill_null("").with_row_index("pos")
    # Each word is found once: the title's words serve both as plain and as marked terms.
    title = _words(frame, pl.col("title"))
    words = pl.concat(
        [
            title,
            _words(frame, pl.col("body").str.slice(0, LEAD_CHARS)),
            title.select("pos", ("\x02" + pl.col("term")).alias("term")),
        ]
    )
    return _hashed(words)


def _words(frame: pl.DataFrame, text: pl.Expr) -> pl.DataFrame:
    """(pos, term): content words of text, plural -s dropped (councillor = councillors)."""
    return (
        frame.select("pos", text.str.to_lowercase().str.extract_all(r"\p{L}[\p{L}\p{N}]*").alias("term"))
        .explode("term")
        .filter(pl.col("term").str.len_chars() >= MIN_TERM_CHARS)
        .filter(~pl.col("term").is_in(STOPWORD_LIST))
        .with_columns(
            pl.when(pl.col("term").str.len_chars() > PLURAL_MIN_CHARS)
            .then(pl.col("term").str.strip_suffix("s"))
            .otherwise(pl.col("term"))
            .alias("term")
        )
    )


def entity_terms(entities: list[list[str]] | pl.Series) -> pl.DataFrame:
    """(pos, h): each text's named people and organizations as terms (marked apart from words).
    A polars list Series is taken as it is: building one from Python lists costs more than the
    rest of the step (0.08 ms a text)."""
    named = entities if isinstance(entities, pl.Series) else pl.Series(entities, dtype=pl.List(pl.String))
    frame = (
        pl.DataFrame({"term": named.cast(pl.List(pl.String))})
        .with_row_index("pos")
        .explode("term")
        .drop_nulls()
        .select("pos", ("\x01" + pl.col("term").str.to_lowercase()).alias("term"))
    )
    return _hashed(frame)


def _hashed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("pos", pl.col("term").hash().alias("h")).unique(maintain_order=True)


def add_texts(con: duckdb.DuckDBPyConnection, seqs: list[int], titles: list[str], bodies: list[str]) -> None:
    """Index new texts' words (called with each batch the store adds); dated, named and placed
    by grow() once the batch is folded."""
    create_tables(con)
    _insert_terms(con, seqs, terms(titles, bodies))


def _insert_terms(con: duckdb.DuckDBPyConnection, seqs: list[int], found: pl.DataFrame) -> None:
    """Hold the found terms of the texts at positions found["pos"] of seqs until they are dated."""
    positions = found["pos"].to_numpy()
    rows = pa.table(
        {
            "seq": pa.array(np.asarray(seqs, np.int32)[positions] if len(seqs) else [], pa.int32()),
            "h": found["h"].to_arrow(),
        }
    )
    con.register("new_story_terms", rows)
    try:
        con.execute("INSERT INTO story_new_terms SELECT seq, h FROM new_story_terms")
    finally:
        con.unregister("new_story_terms")


def date_and_name(
    con: duckdb.DuckDBPyConnection,
    seqs: list[int],
    days: list[int | None],
    entities: list[list[str]] | pl.Series,
) -> None:
    """Record texts not yet placed with their date (days since 1970) and their named entities as
    terms, and count their terms: what a text is compared by is complete only now. A text
    without any term is left undated: it can match nothing and is not counted around its date.
    Written once, whole (no update of rows added earlier: DuckDB rewrites what it updates).

    The terms go to story_terms with their text's day, in day order: a window of days is then
    a few row groups DuckDB finds by zone map, wherever the texts' seqs lie (an archive ingested
    out of date order spreads one week's texts over every seq)."""
    if not seqs:
        return
    _insert_terms(con, seqs, entity_terms(entities))
    con.register(
        "story_days",
        pa.table({"seq": pa.array(seqs, pa.int32()), "day": pa.array(days, pa.int32())}),
    )
    try:
        con.execute(
            "INSERT INTO story_texts SELECT d.seq, CASE WHEN coalesce(n.terms, 0) > 0 THEN d.day END,"
            " coalesce(n.terms, 0), NULL, 0 FROM story_days d LEFT JOIN"
            " (SELECT seq, count(*)::INTEGER AS terms FROM story_new_terms GROUP BY seq) n USING (seq)"
            " ORDER BY d.seq"
        )
        con.execute(
            "INSERT INTO story_terms SELECT d.day, t.seq, t.h FROM story_new_terms t JOIN story_days d"
            " USING (seq) ORDER BY d.day NULLS LAST, t.seq"
        )
        con.execute("DELETE FROM story_new_terms")
    finally:
        con.unregister("story_days")


def assign(con: duckdb.DuckDBPyConnection) -> int:
    """Put every text without a story into one; returns how many were placed."""
    start = con.execute("SELECT min(seq) FROM story_texts WHERE story IS NULL").fetchall()[0][0]
    if start is None:
        return 0
    i, j = pairs(con, start)
    fresh = con.execute("SELECT seq FROM story_texts WHERE seq >= ? ORDER BY seq", [start]).fetchnumpy()
    earlier = sorted(set(j[j < start].tolist()))
    known = dict(
        con.execute(
            "SELECT seq, story FROM story_texts WHERE seq IN (SELECT unnest(?::INTEGER[]))", [earlier]
        ).fetchall()
    )
    stories = link(np.asarray(fresh["seq"], np.int64), i, j, known)
    _write(con, stories, i, j, known)
    return len(stories)


def pairs(con: duckdb.DuckDBPyConnection, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i new, j earlier) of every new text (seq >= start), best first per i,
    found run of days by run of days (day_runs) so memory stays bounded."""
    runs = [_pairs(con, start, first, last) for first, last in day_runs(con, start)]
    if not runs:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    i, j = np.concatenate([i for i, _ in runs]), np.concatenate([j for _, j in runs])
    order = np.argsort(i, kind="stable")  # by new text; each text's pairs stay best first
    return i[order], j[order]


def day_runs(con: duckdb.DuckDBPyConnection, start: int) -> list[tuple[int, int]]:
    """The new texts' days cut into runs of consecutive dated days (first, last), each holding
    at most FRESH_PER_RUN new texts (or one day, however many it holds)."""
    counts = con.execute(
        "SELECT day, count(*) FROM story_texts WHERE seq >= ? AND day IS NOT NULL GROUP BY day ORDER BY day",
        [start],
    ).fetchall()
    runs: list[tuple[int, int]] = []
    held = 0
    for day, n in counts:
        if runs and held + n <= FRESH_PER_RUN:
            runs[-1] = (runs[-1][0], day)
            held += n
        else:
            runs.append((day, day))
            held = n
    return runs


def _pairs(
    con: duckdb.DuckDBPyConnection, start: int, first_day: int, last_day: int
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i new, dated first_day..last_day; j earlier), best first per i: texts
    within WINDOW_DAYS sharing at least MIN_SHARED terms that are rare around i's date, at
    MIN_SIMILARITY or more (Jaccard of their whole term sets). Only the texts dated within the
    window of those days are read, so the work follows the texts around the new texts' dates,
    not the size of the store; the pairs of a new text do not depend on how the days are cut."""
    w = WINDOW_DAYS
    low, high = first_day - w, last_day + w
    # Only the row groups of these days are read (story_terms is in day order, see date_and_name);
    # a dated text's postings are its whole term set, so they give its day and its term count.
    posted = con.execute(
        "SELECT seq, day, h FROM story_terms WHERE day BETWEEN ? AND ?", [low, high]
    ).fetchnumpy()
    posted_seq = np.asarray(posted["seq"], np.int64)
    seq, first_posting, count = np.unique(posted_seq, return_index=True, return_counts=True)
    at = np.searchsorted(seq, posted_seq).astype(np.int32)  # its text's row
    day = np.asarray(posted["day"], np.int64)[first_posting] - low  # 0 .. span-1
    span = high - low + 1
    _, term = np.unique(np.asarray(posted["h"], np.uint64), return_inverse=True)
    key = term.astype(np.int64) * span + day[at]  # a term's days are contiguous keys
    order = np.argsort(key, kind="stable")
    key, at = key[order], at[order]
    # New texts of these days own pairs; new texts of the days around are only their partners.
    fresh = np.flatnonzero((seq[at] >= start) & (day[at] >= w) & (day[at] <= span - 1 - w))
    # Texts holding each fresh posting's term within its text's window, and texts in that window.
    first = np.searchsorted(key, key[fresh] - w, "left")
    last = np.searchsorted(key, key[fresh] + w, "right")
    per_day = np.bincount(day, minlength=span)
    around = np.convolve(per_day, np.ones(2 * w + 1, np.int64), "same")  # texts within w days
    cap = np.clip(TERM_SPREAD_SHARE * around[day[at[fresh]]], *TERM_SPREAD_BOUNDS)
    rare = (last - first) <= cap
    fresh, first, last = fresh[rare], first[rare], last[rare]
    a, b, common = _shared(at, at[fresh], first, last, len(seq))
    similarity = common / (count[a] + count[b] - common)
    good = similarity >= MIN_SIMILARITY
    a, b, similarity = a[good], b[good], similarity[good]
    best = np.lexsort((seq[b], -similarity, seq[a]))
    return seq[a][best], seq[b][best]


def _shared(
    at: np.ndarray, owners: np.ndarray, first: np.ndarray, last: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, shared) for every pair of text rows b < a sharing at least MIN_SHARED terms: each
    owner posting (text row owners[k]) meets the postings first[k]:last[k] of `at` (the text
    rows of the postings of its term within its window). Expanded owner by owner in blocks of
    about PAIRS_PER_BLOCK pairs, in int32: an ingest at a few hundred texts a day expands
    millions of pairs, and as whole arrays their first touch (page faults) cost more than the
    arithmetic (0.37 s against 0.17 s for 2,500 texts); blocks reuse the same memory."""
    by_owner = np.argsort(owners, kind="stable")
    owners, first = owners[by_owner], first[by_owner]
    sizes = (last[by_owner] - first).astype(np.int64)
    if not len(owners):
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
    # A block starts at an owner's first posting: an owner's pairs are all counted in one block.
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    block = (np.r_[0, np.cumsum(sizes)][starts] // PAIRS_PER_BLOCK).astype(np.int64)
    edges = [*starts[np.flatnonzero(np.r_[True, block[1:] != block[:-1]])].tolist(), len(owners)]
    found = [_block(at, owners[lo:hi], first[lo:hi], sizes[lo:hi], n) for lo, hi in itertools.pairwise(edges)]
    return tuple(np.concatenate(part) for part in zip(*found, strict=True))  # type: ignore[return-value]


def _block(
    at: np.ndarray, owners: np.ndarray, first: np.ndarray, sizes: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """_shared for one block of owner postings (owners ascending)."""
    owner = np.repeat(owners, sizes)
    starts = (first - np.cumsum(sizes) + sizes).astype(np.int32)
    other = at[np.repeat(starts, sizes) + np.arange(int(sizes.sum()), dtype=np.int32)]
    keep = other < owner  # rows are in seq order: the partner came earlier
    base = int(owners[0])
    # Pair codes sorted to count the terms each pair shares (a 32-bit sort is 3x a 64-bit one).
    wide = np.int32 if (int(owners[-1]) - base + 1) * n < PAIR_CODES_32 else np.int64
    code = np.sort((owner[keep] - base).astype(wide) * n + other[keep])
    runs = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else np.empty(0, np.int64)
    common = np.diff(np.r_[runs, len(code)])
    code = code[runs].astype(np.int64)
    enough = common >= MIN_SHARED
    code = code[enough]
    return code // n + base, code % n, common[enough]


def link(fresh: np.ndarray, i: np.ndarray, j: np.ndarray, known: dict[int, int]) -> dict[int, int]:
    """Story of each fresh text: that of its most similar earlier text (pairs come best first
    per i), else its own seq. known: the stories of earlier texts already in one."""
    best: dict[int, int] = {}
    for a, b in zip(i.tolist(), j.tolist(), strict=True):
        best.setdefault(a, b)  # the first pair of each i is its most similar
    stories: dict[int, int] = {}
    for seq in fresh.tolist():  # ascending: a text's best match is placed before it
        match = best.get(seq)
        stories[seq] = seq if match is None else stories.get(match, known.get(match, match))
    return stories


def _write(
    con: duckdb.DuckDBPyConnection,
    stories: dict[int, int],
    i: np.ndarray,
    j: np.ndarray,
    known: dict[int, int],
) -> None:
    """Record each fresh text's story, and count every similar pair inside one story as a link
    of both texts: the story's most linked text is its most central."""
    story_of = {**known, **stories}
    same = np.array(
        [story_of.get(a) == story_of.get(b) for a, b in zip(i.tolist(), j.tolist(), strict=True)], dtype=bool
    )
    ends = np.concatenate([i[same], j[same]]) if len(i) else np.empty(0, np.int64)
    linked, counts = np.unique(ends, return_counts=True)
    con.register(
        "placed",
        pa.table(
            {
                "seq": pa.array(list(stories), pa.int32()),
                "story": pa.array(list(stories.values()), pa.int32()),
            }
        ),
    )
    con.register("linked", pa.table({"seq": pa.array(linked, pa.int32()), "n": pa.array(counts, pa.int32())}))
    try:
        # The seq ranges let DuckDB skip the row groups that hold none of the texts updated.
        con.execute(
            "UPDATE story_texts SET story = p.story FROM placed p"
            " WHERE story_texts.seq = p.seq AND story_texts.seq BETWEEN ? AND ?",
            _bounds(np.fromiter(stories, np.int64, len(stories))),
        )
        con.execute(
            "UPDATE story_texts SET links = links + l.n FROM linked l"
            " WHERE story_texts.seq = l.seq AND story_texts.seq BETWEEN ? AND ?",
            _bounds(linked),
        )
    finally:
        con.unregister("placed")
        con.unregister("linked")


def grow(con: duckdb.DuckDBPyConnection, copies_from: int = 0) -> int:
    """Date and name the texts added since the last ingest (their words are indexed already),
    then place them in stories. A text's date is the earliest of its copies'. copies_from: the
    first row of copies this ingest added (a new text's copies are all new), so the dates are
    read from the new copies only, not from the whole archive's."""
    create_tables(con)
    start = con.execute("SELECT coalesce(max(seq) + 1, 0) FROM story_texts").fetchall()[0][0]
    named = "list_concat(" + ", ".join(f"coalesce(t.{name}, [])" for name in ENTITY_COLUMNS) + ")"
    # rowid and seq ranges: DuckDB skips the row groups written by earlier ingests.
    rows = con.sql(
        "WITH dated AS (SELECT article_id,"
        " (min(published)::DATE - DATE '1970-01-01')::INTEGER AS day"
        " FROM copies WHERE rowid >= $copies GROUP BY article_id)"
        f" SELECT t.seq, d.day, {named} AS named FROM texts t LEFT JOIN dated d USING (article_id)"
        " WHERE t.seq >= $start ORDER BY t.seq",
        params={"copies": copies_from, "start": start},
    ).pl()
    if rows.height:
        date_and_name(con, rows["seq"].to_list(), rows["day"].to_list(), rows["named"])
    return assign(con)


def cluster(
    titles: list[str], bodies: list[str], days: list[int | None], entities: list[list[str]]
) -> list[int]:
    """The story (founder position) of each text, placed in the order given, in a scratch
    database: what the store does at ingest, for tests and the benchmark."""
    with duckdb.connect() as con:
        seqs = list(range(len(titles)))
        add_texts(con, seqs, titles, bodies)
        date_and_name(con, seqs, days, entities)
        assign(con)
        return [int(s) for (s,) in con.execute("SELECT story FROM story_texts ORDER BY seq").fetchall()]


def derive_stories(con: duckdb.DuckDBPyConnection, copies_from: int = 0, texts_from: int = 0) -> None:
    """Each folded article's story, and the per-story aggregates the Stories view reads for the
    stories this ingest touched: those of every text folded into an article that got a copy
    (copies from row copies_from on, texts from seq texts_from on; 0: all of them). Needs
    text_index, articles, group_sources.

    An untouched story keeps its row: its articles, their dates, titles and outlets are those of
    the last ingest (near-copy groups only ever merge, and a merge involves a new copy).
    article_stories is rebuilt whole (the fold numbers articles afresh at every ingest), in
    numpy from two integer columns; the recount reads only the touched stories' rows."""
    texts = _Texts.read(con)
    of_article = texts.article_stories()
    _replace(con, "article_stories", {"idx": np.arange(len(of_article), dtype=np.int32), "story": of_article})
    con.execute(STORIES_TABLE)
    every = copies_from == 0
    touched = np.unique(texts.story) if every else texts.touched(_hit_seqs(con, copies_from, texts_from))
    is_touched = np.zeros(len(texts.story), bool)
    is_touched[touched] = True
    members = np.flatnonzero(is_touched[of_article])
    con.register("touched", pa.table({"story": pa.array(touched, pa.int32())}))
    con.register("members", pa.table({"idx": pa.array(members, pa.int32()), "story": of_article[members]}))
    try:
        central = texts.central(con)
        con.register("central", pa.table({k: pa.array(v, pa.int32()) for k, v in central.items()}))
        con.execute(
            "DELETE FROM stories"
            if every
            else "DELETE FROM stories WHERE story IN (SELECT story FROM touched)"
        )
        con.execute(_TOUCHED_STORIES_SQL, _bounds(members) + _bounds(touched) + _bounds(central["idx"]))
    finally:
        for name in ("touched", "members", "central"):
            con.unregister(name)
    con.execute("CREATE INDEX IF NOT EXISTS stories_by_id ON stories (story_id)")


def _bounds(values: np.ndarray) -> list[int]:
    """[lowest, highest] of some integers ([0, -1], an empty range, for none)."""
    return [int(values.min()), int(values.max())] if len(values) else [0, -1]


def _replace(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, np.ndarray]) -> None:
    """Create or replace a table from numpy columns."""
    con.register("new_rows", pa.table(columns))
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM new_rows")
    finally:
        con.unregister("new_rows")


class _Texts:
    """Every text's article (idx) and story, indexed by seq."""

    def __init__(self, idx: np.ndarray, story: np.ndarray) -> None:
        self.idx, self.story = idx, story

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> _Texts:
        """Both tables hold one row per text in seq order (seqs are dense from 0; text_index is
        written ORDER BY seq, story_texts appended in seq order) and DuckDB scans a table in the
        order it was written: the seqs need not be read (5 ms a column at 1,000,000)."""
        idx = np.asarray(con.execute("SELECT idx FROM text_index").fetchnumpy()["idx"], np.int32)
        story = np.asarray(con.execute("SELECT story FROM story_texts").fetchnumpy()["story"], np.int32)
        if len(idx) != len(story):
            raise ValueError(f"{len(idx)} texts folded but {len(story)} placed in stories")
        return cls(idx, story)

    @property
    def articles(self) -> int:
        """How many folded articles the texts make (idx are dense from 0)."""
        return int(self.idx.max()) + 1 if len(self.idx) else 0

    def article_stories(self) -> np.ndarray:
        """The story of each article (by idx): that of its first text (the lowest seq). The
        rows are in seq order, so an article's first text is its lowest row (np.minimum.at is
        exact for repeated indices, where a fancy assignment leaves the winner unspecified)."""
        first = np.full(self.articles, len(self.idx), np.int64)
        np.minimum.at(first, self.idx, np.arange(len(self.idx), dtype=np.int64))
        return self.story[first]

    def touched(self, hit_seqs: np.ndarray) -> np.ndarray:
        """The stories of every text folded into an article one of hit_seqs was folded into."""
        hit = np.zeros(self.articles, bool)
        hit[self.idx[hit_seqs]] = True
        return np.unique(self.story[hit[self.idx]])

    def central(self, con: duckdb.DuckDBPyConnection) -> dict[str, np.ndarray]:
        """(story, idx) of each touched story's most linked text's article (the earliest of ties):
        the touched stories' texts read alone (a semi join on the registered `touched`)."""
        rows = con.execute(
            "SELECT seq, story, links, coalesce(day, 0) AS day FROM story_texts"
            " SEMI JOIN touched USING (story)"
        ).fetchnumpy()
        seqs, stories = np.asarray(rows["seq"], np.int64), np.asarray(rows["story"], np.int64)
        order = np.lexsort((seqs, np.asarray(rows["day"]), -np.asarray(rows["links"], np.int64), stories))
        seqs, stories = seqs[order], stories[order]
        first = np.flatnonzero(np.r_[True, stories[1:] != stories[:-1]]) if len(seqs) else seqs
        return {"story": stories[first], "idx": self.idx[seqs[first]]}


def _hit_seqs(con: duckdb.DuckDBPyConnection, copies_from: int, texts_from: int) -> np.ndarray:
    """The seqs of the texts that got a copy from row copies_from on: the new texts (seq
    texts_from on), and old ones given a new copy, looked up by article_id only when there are
    any (the lookup reads every text's id)."""
    old = con.execute(
        "SELECT DISTINCT article_id FROM copies WHERE rowid >= $copies"
        " EXCEPT SELECT article_id FROM texts WHERE seq >= $texts",
        {"copies": copies_from, "texts": texts_from},
    ).fetchnumpy()["article_id"]
    count = con.execute("SELECT count(*) FROM texts").fetchall()[0][0]
    seqs = np.arange(texts_from, count, dtype=np.int64)
    if len(old):
        con.register("old_ids", pa.table({"article_id": pa.array(old, pa.string())}))
        try:
            found = con.execute("SELECT seq FROM texts SEMI JOIN old_ids USING (article_id)").fetchnumpy()[
                "seq"
            ]
        finally:
            con.unregister("old_ids")
        seqs = np.concatenate([np.asarray(found, np.int64), seqs])
    return seqs


STORIES_TABLE = (
    "CREATE TABLE IF NOT EXISTS stories (story INTEGER, story_id VARCHAR, label VARCHAR,"
    " first DATE, last DATE, articles INTEGER, outlets INTEGER)"
)

# The aggregates of the touched stories from their members (idx, story) and their central
# texts' articles (story, idx); label: that article's title; story_id: the founder text's
# article_id. The idx and seq ranges let DuckDB skip the row groups holding none of them ($1-$2:
# the members, $3-$4: the stories, $5-$6: the central texts' articles).
_TOUCHED_STORIES_SQL = """
INSERT INTO stories
WITH counted AS (
    SELECT m.story, min(a.published)::DATE AS first, max(a.published)::DATE AS last,
           count(*)::INTEGER AS articles
    FROM members m JOIN articles a USING (idx) WHERE a.idx BETWEEN $1 AND $2 GROUP BY m.story
),
outlets AS (
    SELECT m.story, count(DISTINCT g.source)::INTEGER AS outlets
    FROM members m JOIN group_sources g USING (idx) WHERE g.idx BETWEEN $1 AND $2 GROUP BY m.story
)
SELECT c.story, t.article_id AS story_id, a.title AS label, c.first, c.last, c.articles,
       coalesce(o.outlets, 0) AS outlets
FROM counted c JOIN texts t ON t.seq = c.story AND t.seq BETWEEN $3 AND $4
LEFT JOIN central x USING (story) LEFT JOIN articles a ON a.idx = x.idx AND a.idx BETWEEN $5 AND $6
LEFT JOIN outlets o USING (story)
"""
