"""Stories benchmark: what clustering adds to ingest, and how well it groups real coverage.

`python -m benchmarks.stories` prints and writes benchmarks/STORIES.md:
- cost: a synthetic corpus (benchmarks.generate) ingested batch by batch into a store, with the
  time of the story steps (indexing terms, placing new texts, deriving the per-story aggregates)
  apart from the whole ingest, per article added;
- quality: the gold set (benchmarks/stories_gold/: keys and story labels of real articles in
  ../shared, no text) placed in stories the way ingest places them, scored by pairwise precision
  and recall of "same story". Only numbers are written to the file; misses print as row numbers.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD_FILE = Path(__file__).parent / "stories_gold" / "gold.jsonl"
RESULTS = Path(__file__).parent / "STORIES.md"
TARGET_MS = 0.2  # issue 16: clustering adds at most this per article to ingest


@dataclass
class Quality:
    precision: float
    recall: float
    true_pairs: int
    found_pairs: int
    gold_pairs: int
    articles: int
    missed: list[tuple[int, int]]
    wrong: list[tuple[int, int]]


def read_gold(path: Path = GOLD_FILE) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _raws(shared: Path, file: str) -> list[Any]:
    from loaders.formats.sniff import read_file

    return read_file(shared / file)[0]


def place_file(raws: Sequence[Any]) -> dict[str, int]:
    """url -> story of every article of a file, placed in date order (the order a daily ingest
    meets them) with the tags ingest gives them."""
    from loaders.entities import tag_articles
    from storage.story_index import cluster

    ordered = sorted(raws, key=lambda r: (str(r.published_meta or "9999"), r.url or ""))
    titles, bodies = [r.title or "" for r in ordered], [r.body or "" for r in ordered]
    tags = tag_articles(titles, bodies, [list(r.captions or []) for r in ordered])
    named = [[*p, *o] for p, o in zip(tags.people, tags.organizations, strict=True)]
    days = [_day(r.published_meta) for r in ordered]
    stories = cluster(titles, bodies, days, named)
    return {r.url: s for r, s in zip(ordered, stories, strict=True)}


def _day(value: object) -> int | None:
    if not value:
        return None
    return (date.fromisoformat(str(value)[:10]) - date(1970, 1, 1)).days


def score(gold: Sequence[dict], placed: dict[str, int]) -> Quality:
    """Pairwise precision and recall of same-story over the gold articles (unlabelled ones are
    stories of their own)."""
    rows = [g for g in gold if g["url"] in placed]
    truth, found = set(), set()
    for a, b in combinations(rows, 2):
        pair = (a["row"], b["row"])
        if a["story"] and a["story"] == b["story"]:
            truth.add(pair)
        if placed[a["url"]] == placed[b["url"]]:
            found.add(pair)
    hits = truth & found
    return Quality(
        precision=len(hits) / len(found) if found else 1.0,
        recall=len(hits) / len(truth) if truth else 1.0,
        true_pairs=len(hits),
        found_pairs=len(found),
        gold_pairs=len(truth),
        articles=len(rows),
        missed=sorted(truth - found),
        wrong=sorted(found - truth),
    )


def quality(shared: Path = SHARED) -> Quality:
    gold = read_gold()
    by_file: dict[str, list[dict]] = defaultdict(list)
    for record in gold:
        by_file[record["file"]].append(record)
    placed: dict[str, int] = {}
    for file in by_file:
        placed.update({url: hash((file, s)) for url, s in place_file(_raws(shared, file)).items()})
    return score(gold, placed)


# --- cost ----------------------------------------------------------------------------------


@contextmanager
def timed(module: Any, names: Sequence[str], spent: dict[str, float]):
    """Add the wall time of each named function of module to spent while inside."""
    originals = {name: getattr(module, name) for name in names}

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return run

    for name, function in originals.items():
        setattr(module, name, wrap(name, function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


def _chunks(articles: int, batch: int, dated: bool) -> Iterator[list[Any]]:
    """The synthetic corpus in batches: as generated (each batch spread over all ten years, so a
    batch's window is the whole store), or in date order (each batch a stretch of days, as a
    daily ingest meets them)."""
    from benchmarks.run import raw_chunks

    if not dated:
        yield from (raws for raws, _ in raw_chunks(articles, batch))
        return
    every = sorted(
        (r for raws, _ in raw_chunks(articles, batch) for r in raws), key=lambda r: str(r.published_meta)
    )
    for offset in range(0, len(every), batch):
        yield every[offset : offset + batch]


def cost(articles: int, batch: int, dated: bool = False) -> list[dict[str, float]]:
    """Ingest `articles` synthetic articles in batches of `batch`, one generation each; per batch
    the ms per article of the whole ingest and of the story steps."""
    from loaders.normalize import copies_from_raw
    from storage import story_index
    from storage.build import append_copies

    rows = []
    with tempfile.TemporaryDirectory(prefix="stories-bench-") as folder:
        store = Path(folder) / "store"
        held = 0
        for raws in _chunks(articles, batch, dated):
            copies = copies_from_raw(raws)
            spent: dict[str, float] = {}
            start = time.perf_counter()
            with timed(story_index, ("add_texts", "grow", "derive_stories"), spent):
                append_copies(store, [copies])
            whole = time.perf_counter() - start
            held += len(raws)
            per = 1000 / len(raws)
            rows.append(
                {
                    "store": held,
                    "added": len(raws),
                    "ingest_ms": whole * per,
                    "terms_ms": spent.get("add_texts", 0.0) * per,
                    "place_ms": spent.get("grow", 0.0) * per,
                    "derive_ms": spent.get("derive_stories", 0.0) * per,
                }
            )
            print(_cost_line(rows[-1]), flush=True)
    return rows


def _cost_line(row: dict[str, float]) -> str:
    story = row["terms_ms"] + row["place_ms"] + row["derive_ms"]
    return (
        f"| {int(row['store']):,} | {int(row['added']):,} | {row['ingest_ms']:.2f} | {row['terms_ms']:.3f}"
        f" | {row['place_ms']:.3f} | {row['derive_ms']:.3f} | {story:.3f} |"
    )


def report(
    rows: list[dict[str, float]], result: Quality | None, dated: list[dict[str, float]] | None = None
) -> str:
    lines = ["# Stories benchmark", "", "`python -m benchmarks.stories` (2-core machine, one run).", ""]
    for title, table in (("batches as generated", rows), ("batches in date order", dated or [])):
        if not table:
            continue
        lines += [
            f"## Cost per article added, {title} (target: stories add <= {TARGET_MS} ms per article)",
            "",
            "| store after | added | whole ingest ms | terms ms | place ms | aggregates ms | stories ms |",
            "|---|---|---|---|---|---|---|",
            *[_cost_line(r) for r in table],
            "",
        ]
    if rows or dated:
        lines += [
            "terms: title+lead words hashed while the batch is indexed; place: dating, naming and"
            " joining each new text to a story (the terms of the texts dated within the window of the"
            " batch's days, paired in numpy); aggregates: per-story counts and labels re-derived over"
            " the whole store each ingest. As generated, every batch spans all ten years, so its window"
            " is the whole store; in date order a batch's window holds only its own stretch of days.",
            "",
        ]
    if result:
        lines += [
            "## Quality on the gold set (pairwise same-story)",
            "",
            f"{result.articles} articles, {result.gold_pairs} same-story pairs in the gold set.",
            "",
            "| precision | recall | F1 | pairs right | pairs found |",
            "|---|---|---|---|---|",
            f"| {result.precision:.2f} | {result.recall:.2f} | {_f1(result):.2f} | {result.true_pairs}"
            f" | {result.found_pairs} |",
            "",
        ]
    return "\n".join(lines)


def _f1(result: Quality) -> float:
    total = result.precision + result.recall
    return 2 * result.precision * result.recall / total if total else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000, help="synthetic articles ingested")
    parser.add_argument("--batch", type=int, default=5_000, help="articles per ingest")
    parser.add_argument("--no-cost", action="store_true", help="only the gold set")
    parser.add_argument("--no-quality", action="store_true", help="only the cost")
    parser.add_argument("--dated", action="store_true", help="also ingest the batches in date order")
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args(argv)
    result = None
    if not args.no_quality:
        result = quality()
        print(f"precision {result.precision:.2f} recall {result.recall:.2f} F1 {_f1(result):.2f}")
        print(f"missed pairs (gold rows): {result.missed}")
        print(f"wrong pairs (gold rows): {result.wrong}")
    rows = [] if args.no_cost else cost(args.articles, args.batch)
    dated = cost(args.articles, args.batch, dated=True) if args.dated and not args.no_cost else []
    text = report(rows, result, dated)
    print(text)
    if args.write:
        RESULTS.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
