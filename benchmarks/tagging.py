"""Tagging scorer: the tagger against a hand-labelled gold set of real articles in ../shared.

`python -m benchmarks.tagging` prints precision, recall and F1 per kind and per topic, and the worst
misses. The gold set keeps only keys (file, row, url) and labels; the text is read from ../shared.
`python -m benchmarks.tagging --sample` draws the articles (seeded) and prints them for labelling.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD_FILE = Path(__file__).parent / "tagging_gold" / "gold.jsonl"
SEED = 13
# The draw: this many articles from each folder, bodies within these lengths (characters).
DRAW = {"corpora": 64, "realworld": 20}
MIN_BODY_CHARS = {"corpora": 400, "realworld": 150}
# Long pieces (the top ~15% of BBC and NPR) are left out so each article can be read in full.
MAX_BODY_CHARS = 7000
# English by letters (at least this share ASCII) and by function words (French is ASCII too).
MIN_ASCII_LETTERS = 0.97
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "was",
        "for",
        "that",
        "with",
        "on",
        "by",
        "from",
        "at",
        "as",
        "has",
        "are",
    ]
)
OTHER_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "et",
        "du",
        "est",
        "une",
        "dans",
        "pour",
        "que",
        "qui",
        "sur",
        "el",
        "los",
        "del",
        "por",
        "con",
    ]
)
KINDS = ("countries", "countries_primary", "people", "organizations", "topics")
WORST = 12
SPEED_REPEATS = 3
# Particles left out when people's names are compared: el-Sissi = al-Sisi, bin = ibn.
NAME_PARTICLES = {"al", "el", "bin", "ibn", "ben", "de", "der", "van", "von", "sheikh", "the"}


@dataclass
class Article:
    """One article of the pool: where it is (file relative to ../shared, row, url) and its text."""

    file: str
    row: int
    url: str
    title: str
    body: str
    captions: list[str] = field(default_factory=list)

    @property
    def check(self) -> str:
        """A short hash of the title and body start, to notice when a file's rows have moved."""
        return hashlib.sha1((self.title + self.body[:200]).encode()).hexdigest()[:10]


def _read_file():
    """The project's reader, where it is now or where the storage refactor moves it."""
    try:
        from loaders.formats.files import iter_input_files, read_file
    except ImportError:
        from loaders.formats.sniff import iter_input_files, read_file
    return iter_input_files, read_file


def is_english(text: str) -> bool:
    """Whether the letters of a text are nearly all ASCII (the pool's English filter)."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isascii() for c in letters) / len(letters) < MIN_ASCII_LETTERS:
        return False
    words = re.findall(r"[a-z]+", text.lower())
    english = sum(w in ENGLISH_WORDS for w in words)
    return english >= 2 and english > 2 * sum(w in OTHER_WORDS for w in words)


def load_pool(shared: Path, folder: str) -> list[Article]:
    """Every English article under ../shared/<folder> with a body of a readable length."""
    iter_input_files, read_file = _read_file()
    pool = []
    for path in iter_input_files([shared / folder]):
        raws, _problems = read_file(path)
        seen: set[str] = set()
        for row, raw in enumerate(raws):
            body = raw.body or ""
            text = f"{raw.title or ''} {body}"
            if not MIN_BODY_CHARS[folder] <= len(body) <= MAX_BODY_CHARS or not is_english(text):
                continue
            if body in seen:  # the annotation set repeats one post per annotator
                continue
            seen.add(body)
            rel = str(path.relative_to(shared))
            pool.append(Article(rel, row, raw.url or "", raw.title or "", body, list(raw.captions or [])))
    return pool


def draw(shared: Path, seed: int = SEED) -> list[Article]:
    """The gold set's articles: a seeded random draw from each folder."""
    rng = random.Random(seed)
    out = []
    for folder, n in DRAW.items():
        pool = load_pool(shared, folder)
        out.extend(rng.sample(pool, min(n, len(pool))))
    return out


@dataclass
class Counts:
    """True positives, false positives and false negatives of one kind or one topic."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    """Counts per kind and per topic, and every miss as (kind, "fp"|"fn", value, article id)."""

    kinds: dict[str, Counts]
    topics: dict[str, Counts]
    misses: list[tuple[str, str, str, int]]


def _fold(text: str) -> str:
    """Lowercase ASCII without accents or punctuation: "Türk" = "Turk", "Sinn Féin" = "Sinn Fein"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def person_key(name: str) -> tuple[str, ...]:
    """Tokens of a person's name that must agree: particles and initials dropped."""
    tokens = [t for t in _fold(name).split() if t not in NAME_PARTICLES and len(t) > 1]
    return tuple(tokens)


def same_person(predicted: str, gold: str) -> bool:
    """One person: the same tokens, or the same first and last name ("William J. Burns")."""
    a, b = person_key(predicted), person_key(gold)
    if not a or not b:
        return False
    return a == b or (len(a) > 1 and len(b) > 1 and a[0] == b[0] and a[-1] == b[-1])


def same_organization(predicted: str, gold: str) -> bool:
    """One organization: equal once folded, a leading "the" ignored."""
    return _fold(predicted).removeprefix("the ") == _fold(gold).removeprefix("the ")


def _alternatives(gold: str) -> list[str]:
    """A gold label may list other names of the same thing: "Metropolitan Police / Met"."""
    return [part.strip() for part in gold.split(" / ") if part.strip()]


def match(kind: str, predicted: Sequence[str], gold: Sequence[str]) -> tuple[list[str], list[str], int]:
    """(false positives, false negatives, true positives) of one article's values of one kind."""
    same = {"people": same_person, "organizations": same_organization}.get(kind, str.__eq__)
    left = list(gold)
    extra = []
    for value in predicted:
        hit = next((g for g in left if any(same(value, alt) for alt in _alternatives(g))), None)
        if hit is None:
            extra.append(value)
        else:
            left.remove(hit)
    return extra, left, len(gold) - len(left)


def score(gold: Iterable[dict], predicted: Iterable[dict]) -> Score:
    """Micro-averaged counts over articles; gold and predicted records pair up in order."""
    kinds = {kind: Counts() for kind in KINDS}
    topics: dict[str, Counts] = {}
    misses = []
    for g, p in zip(gold, predicted, strict=True):
        for kind in KINDS:
            extra, missed, hits = match(kind, p.get(kind, []), g.get(kind, []))
            counts = kinds[kind]
            counts.tp, counts.fp, counts.fn = (
                counts.tp + hits,
                counts.fp + len(extra),
                counts.fn + len(missed),
            )
            misses += [(kind, "fp", v, g["id"]) for v in extra] + [(kind, "fn", v, g["id"]) for v in missed]
        for topic in set(g.get("topics", [])) | set(p.get("topics", [])):
            c = topics.setdefault(topic, Counts())
            inside_gold, inside_pred = topic in g.get("topics", []), topic in p.get("topics", [])
            c.tp += inside_gold and inside_pred
            c.fp += inside_pred and not inside_gold
            c.fn += inside_gold and not inside_pred
    return Score(kinds, topics, misses)


def read_gold(path: Path = GOLD_FILE) -> list[dict]:
    """The labelled records, one JSON object a line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gold_articles(gold: Sequence[dict], shared: Path) -> list[Article]:
    """The text of each gold record, read from ../shared; refuses when a row has moved."""
    _iter_input_files, read_file = _read_file()
    cache: dict[str, list] = {}
    out = []
    for record in gold:
        if record["file"] not in cache:
            cache[record["file"]] = read_file(shared / record["file"])[0]
        raws = cache[record["file"]]
        # The URL names the article whatever the readers do to rows and text (intake drops
        # furniture, folds passages): the labels stay true. Without a URL, the row and its hash.
        by_url = [r for r in raws if record.get("url") and r.url == record["url"]]
        raw = by_url[0] if len(by_url) == 1 else raws[record["row"]] if record["row"] < len(raws) else None
        if raw is None:
            print(f"skipped gold record {record['id']}: {record['file']} row {record['row']} is gone")
            continue
        body = raw.body or ""
        article = Article(
            record["file"], record["row"], raw.url or "", raw.title or "", body, list(raw.captions or [])
        )
        if len(by_url) != 1 and article.check != record["check"]:
            moved = [a for a in (_as_article(record, r) for r in raws) if a.check == record["check"]]
            if len(moved) != 1:  # the row moved (a reader keeps more rows now): find it by its hash
                print(f"skipped gold record {record['id']}: {record['file']} row {record['row']} has changed")
                continue
            article = moved[0]
        out.append(article)
    return out


def _as_article(record: dict, raw: object) -> Article:
    return Article(
        record["file"],
        record["row"],
        raw.url or "",
        raw.title or "",
        raw.body or "",
        list(raw.captions or []),
    )


def predict(articles: Sequence[Article]) -> list[dict]:
    """The tagger's values per article, and the evidence behind each (kind, value) when it has one."""
    from loaders.entities import tag_articles

    tags = tag_articles(
        [a.title for a in articles], [a.body for a in articles], [a.captions for a in articles]
    )
    evidence: dict[tuple[int, str, str], str] = {}
    if "evidence" in tags.mentions.columns:
        for row in tags.mentions.itertuples():
            evidence[(row.position, row.kind, row.value)] = str(row.evidence)
    out = []
    for i in range(len(articles)):
        record = {kind: list(getattr(tags, kind)[i]) for kind in KINDS}
        record["evidence"] = {(k, v): e for (p, k, v), e in evidence.items() if p == i}
        out.append(record)
    return out


_MENTION_KIND = {
    "countries": "country",
    "people": "person",
    "organizations": "organization",
    "topics": "topic",
}


def report(result: Score, predicted: Sequence[dict] | None = None, worst: int = WORST) -> str:
    """The figures as text: per kind, per topic, then the most frequent misses."""
    lines = [f"{'kind':<20}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for kind, c in result.kinds.items():
        lines.append(f"{kind:<20}{c.precision:>7.2f}{c.recall:>7.2f}{c.f1:>7.2f}{c.tp:>6}{c.fp:>6}{c.fn:>6}")
    lines += ["", f"{'topic':<20}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for topic, c in sorted(result.topics.items()):
        lines.append(f"{topic:<20}{c.precision:>7.2f}{c.recall:>7.2f}{c.f1:>7.2f}{c.tp:>6}{c.fp:>6}{c.fn:>6}")
    for kind in KINDS:
        for side, title in (("fn", "missed"), ("fp", "wrongly tagged")):
            found = Counter(v for k, s, v, _ in result.misses if k == kind and s == side)
            if not found:
                continue
            where = {
                v: [i for k, s, x, i in result.misses if k == kind and s == side and x == v] for v in found
            }
            shown = []
            for value, n in found.most_common(worst):
                ids = where[value][:4]
                why = ""
                if side == "fp" and predicted is not None and kind in _MENTION_KIND:
                    span = predicted[ids[0]].get("evidence", {}).get((_MENTION_KIND[kind], value))
                    why = f" <- {span!r}" if span else ""
                shown.append(f"  {n:>3} x {value}  (articles {ids}){why}")
            lines += ["", f"{kind}: {title} (most frequent first)", *shown]
    return "\n".join(lines)


def source_group(record: dict) -> str:
    """The outlet a gold record comes from (its URL's host), or its folder when it has no URL."""
    host = urlsplit(record.get("url") or "").netloc.removeprefix("www.")
    return host or Path(record["file"]).parent.name


def report_groups(gold: Sequence[dict], predicted: Sequence[dict]) -> str:
    """P / R / F1 per kind within each source group: a rule tuned to one outlet shows here."""
    groups: dict[str, list[int]] = {}
    for i, record in enumerate(gold):
        groups.setdefault(source_group(record), []).append(i)
    lines = [f"{'source group':<22}{'n':>4}  " + "".join(f"{k[:17]:>18}" for k in KINDS)]
    for name, ids in sorted(groups.items()):
        result = score([gold[i] for i in ids], [predicted[i] for i in ids])
        cells = "".join(f"{c.precision:>8.2f}/{c.recall:.2f}/{c.f1:.2f}"[-18:] for c in result.kinds.values())
        lines.append(f"{name:<22}{len(ids):>4}  {cells}")
    return "\n".join([*lines, "(each cell: P/R/F1)"])


def speed(path: Path, repeats: int = SPEED_REPEATS) -> str:
    """tag_articles throughput on the articles of a JSONL file (benchmarks/generate.py writes one)."""
    from loaders.entities import load_gazetteer, tag_articles

    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    titles = [r.get("title") or "" for r in rows]
    bodies = [r.get("body") or "" for r in rows]
    captions = [list(r.get("captions") or []) for r in rows]
    started = time.perf_counter()
    load_gazetteer()
    loaded = time.perf_counter() - started
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        tag_articles(titles, bodies, captions)
        best = min(best, time.perf_counter() - started)
    return (
        f"{len(rows)} articles: best of {repeats} {best:.2f} s = {len(rows) / best:,.0f} articles/s "
        f"(gazetteer built once in {loaded:.2f} s)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m benchmarks.tagging [--shared DIR] [--sample]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="folder holding corpora/ and realworld/")
    parser.add_argument("--gold", type=Path, default=GOLD_FILE)
    parser.add_argument("--sample", action="store_true", help="print the seeded draw for labelling")
    parser.add_argument("--speed", type=Path, help="time tag_articles on a JSONL file of articles")
    parser.add_argument("--groups", action="store_true", help="also print the figures per source group")
    args = parser.parse_args(argv)
    if args.speed:
        print(speed(args.speed))
        return 0
    if args.sample:
        for i, a in enumerate(draw(args.shared)):
            print(f"#{i} {a.file} row={a.row} url={a.url} check={a.check}\nTITLE: {a.title}\n\n{a.body}\n")
        return 0
    gold = read_gold(args.gold)
    articles = gold_articles(gold, args.shared)
    found = {(a.file, a.url, a.check) for a in articles}
    gold = [g for g in gold if (g["file"], g.get("url") or "", g["check"]) in found or g.get("url")]
    predicted = predict(articles)
    print(f"{len(gold)} gold articles from {args.shared}\n")
    print(report(score(gold, predicted), predicted))
    if args.groups:
        print("\n" + report_groups(gold, predicted))
    return 0


if __name__ == "__main__":
    sys.exit(main())
