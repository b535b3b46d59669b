"""Stories benchmark: what clustering adds to ingest, and how well it groups real coverage.

`python -m benchmarks.stories` prints and writes benchmarks/STORIES.md:
- cost: a synthetic corpus (benchmarks.generate) ingested batch by batch into a store, with the
  time of the story steps (indexing terms, placing new texts, deriving the per-story aggregates)
  apart from the whole ingest, per article added;
- quality: the gold set (benchmarks/stories_gold/: keys and story labels of real articles in
  ../shared, no text) placed in stories the way ingest places them, scored by pairwise precision
  and recall of "same story". Only numbers are written to the file; misses print as row numbers.

`--onto STORE --batch N --runs R` measures the cost at a built store's own size and density
instead: R ingests of N new articles, each onto a fresh copy of the store (issue 16's check at
1,000,000 articles; see STORIES.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD_FILE = Path(__file__).parent / "stories_gold" / "gold.jsonl"
RESULTS = Path(__file__).parent / "STORIES.md"
TARGET_MS = 0.2  # issue 16: clustering adds at most this per article to ingest
FIRST_DAY = date(2015, 1, 1)  # where --per-day dates start
ONTO_SEED = 1  # --onto: new articles from another seed than the store's (0), so they are new texts


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
        if not (shared / file).is_file():  # scoring no article would read as a perfect 1.00
            raise SystemExit(f"gold file {shared / file} not found: pass --shared (the shared folder)")
        placed.update({url: hash((file, s)) for url, s in place_file(_raws(shared, file)).items()})
    return score(gold, placed)


# --- cost ----------------------------------------------------------------------------------


@contextmanager
def timed(module: Any, names: Sequence[str], spent: dict[str, float], cpu: dict[str, float] | None = None):
    """Add the wall time of each named function of module to spent while inside (and its CPU
    time, of every thread of this process, to cpu: on a shared machine CPU moves less)."""
    originals = {name: getattr(module, name) for name in names}

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start, start_cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
                if cpu is not None:
                    cpu[name] = cpu.get(name, 0.0) + time.process_time() - start_cpu

        return run

    for name, function in originals.items():
        setattr(module, name, wrap(name, function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


def _chunks(articles: int, batch: int, dated: bool, per_day: int = 0) -> Iterator[list[Any]]:
    """The synthetic corpus in batches: as generated (each batch spread over all ten years, so a
    batch's window is the whole store), or in date order (each batch a stretch of days, as a
    daily ingest meets them). per_day: dated anew, in date order, this many a day from
    FIRST_DAY: the coverage around a day stays the same however large the store grows (the
    generator spreads any number of articles over the same ten years)."""
    from benchmarks.run import raw_chunks

    if not dated:
        yield from (raws for raws, _ in raw_chunks(articles, batch))
        return
    every = sorted(
        (r for raws, _ in raw_chunks(articles, batch) for r in raws), key=lambda r: str(r.published_meta)
    )
    if per_day:
        every = [
            replace(r, published_meta=(FIRST_DAY + timedelta(days=k // per_day)).isoformat())
            for k, r in enumerate(every)
        ]
    for offset in range(0, len(every), batch):
        yield every[offset : offset + batch]


STEPS = {"terms": "add_texts", "place": "grow", "aggregates": "derive_stories"}


def cost(
    articles: int, batch: int, dated: bool = False, warm: int = 0, per_day: int = 0
) -> list[dict[str, float]]:
    """Ingest `articles` synthetic articles in batches of `batch`, one generation each; per batch
    the ms per article of the whole ingest and of the story steps, wall and CPU. warm: the first
    this many articles go in as one untimed ingest (the store the timed batches grow); per_day:
    see _chunks."""
    from loaders.normalize import copies_from_raw
    from storage import story_index
    from storage.build import append_copies

    rows = []
    with tempfile.TemporaryDirectory(prefix="stories-bench-") as folder:
        store = Path(folder) / "store"
        held = 0
        for raws in _batches(_chunks(articles, batch, dated, per_day), warm, batch):
            copies = copies_from_raw(raws)
            spent: dict[str, float] = {}
            cpu: dict[str, float] = {}
            start, start_cpu = time.perf_counter(), time.process_time()
            with timed(story_index, list(STEPS.values()), spent, cpu):
                append_copies(store, [copies])
            whole, whole_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            held += len(raws)
            if held <= warm:
                print(f"warm store: {held:,} articles in {whole:.0f} s", flush=True)
                continue
            per = 1000 / len(raws)
            row = {"store": held, "added": len(raws), "ingest_ms": whole * per, "ingest_cpu": whole_cpu * per}
            for step, function in STEPS.items():
                row[f"{step}_ms"] = spent.get(function, 0.0) * per
                row[f"{step}_cpu"] = cpu.get(function, 0.0) * per
            rows.append(row)
            print(_cost_line(rows[-1]), flush=True)
    return rows


def cost_onto(store: Path, batch: int, runs: int, scratch: Path | None = None) -> list[dict[str, float]]:
    """One ingest of `batch` new generated articles onto a fresh copy of store's live generation,
    `runs` times: dated after the store's last day at the store's own articles a day, as the next
    days of a monitor arrive. The store is only read."""
    from benchmarks.run import one_core, raw_chunks
    from loaders.normalize import copies_from_raw
    from storage import story_index
    from storage.build import append_copies
    from storage.layout import current_generation

    live = current_generation(store)
    if live is None:
        raise SystemExit(f"no store at {store}")
    held, last, per_day = _density(live)
    raws = next(raw_chunks(batch, batch, seed=ONTO_SEED))[0]
    raws = [
        replace(r, published_meta=(last + timedelta(days=1 + k // per_day)).isoformat())
        for k, r in enumerate(raws)
    ]
    copies = copies_from_raw(raws)
    print(f"{store}: {held:,} articles, last day {last}, {per_day} a day", flush=True)
    rows = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="stories-onto-", dir=scratch) as folder:
            grown = Path(folder) / "store"
            (grown / live.name).mkdir(parents=True)
            for part in live.iterdir():
                shutil.copyfile(part, grown / live.name / part.name)
            (grown / "CURRENT").write_text(live.name, encoding="utf-8")
            spent: dict[str, float] = {}
            cpu: dict[str, float] = {}
            load = os.getloadavg()[0]
            with one_core(), timed(story_index, list(STEPS.values()), spent, cpu):
                start, start_cpu = time.perf_counter(), time.process_time()
                append_copies(grown, [copies])
                whole, whole_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        per = 1000 / batch
        row = {"store": held + batch, "added": batch, "ingest_ms": whole * per, "ingest_cpu": whole_cpu * per}
        for step, function in STEPS.items():
            row[f"{step}_ms"] = spent.get(function, 0.0) * per
            row[f"{step}_cpu"] = cpu.get(function, 0.0) * per
        rows.append(row)
        print(
            f"{time.strftime('%H:%M:%S', time.gmtime())} UTC load {load:.2f} " + _cost_line(row), flush=True
        )
    return rows


def _density(generation: Path) -> tuple[int, date, int]:
    """A store's articles, the last day they are dated, and its articles a day (dated ones over
    the days they span)."""
    import duckdb

    from storage.layout import DATABASE

    with duckdb.connect(str(generation / DATABASE), read_only=True) as con:
        held, first, last, dated = con.execute(
            "SELECT count(*), min(published)::DATE, max(published)::DATE, count(published) FROM articles"
        ).fetchall()[0]
    return held, last, max(1, round(dated / ((last - first).days + 1)))


def _batches(chunks: Iterator[list[Any]], warm: int, batch: int) -> Iterator[list[Any]]:
    """The first `warm` articles as one list, then the rest in lists of `batch`."""
    held: list[Any] = []
    for chunk in chunks:
        held.extend(chunk)
        while len(held) >= (warm or batch):
            take = warm or batch
            yield held[:take]
            held, warm = held[take:], 0
    if held:
        yield held


def _cost_line(row: dict[str, float]) -> str:
    wall = sum(row[f"{step}_ms"] for step in STEPS)
    cpu = sum(row[f"{step}_cpu"] for step in STEPS)
    steps = " | ".join(f"{row[f'{step}_cpu']:.3f}" for step in STEPS)
    return (
        f"| {int(row['store']):,} | {int(row['added']):,} | {row['ingest_ms']:.2f} | {row['ingest_cpu']:.2f}"
        f" | {steps} | **{cpu:.3f}** | {wall:.3f} |"
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
            "| store after | added | whole ingest ms | whole ingest CPU ms | terms CPU ms | place CPU ms"
            " | aggregates CPU ms | stories CPU ms | stories wall ms |",
            "|---|---|---|---|---|---|---|---|---|",
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
    parser.add_argument("--warm", type=int, default=0, help="articles ingested first, untimed, in one go")
    parser.add_argument("--no-cost", action="store_true", help="only the gold set")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder the gold set keys")
    parser.add_argument("--no-quality", action="store_true", help="only the cost")
    parser.add_argument("--dated", action="store_true", help="also ingest the batches in date order")
    parser.add_argument("--dated-only", action="store_true", help="only the batches in date order")
    parser.add_argument("--per-day", type=int, default=0, help="in date order, date articles anew, N a day")
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.name}")
    parser.add_argument(
        "--onto", type=Path, help="cost of one ingest of --batch new articles onto a copy of this store"
    )
    parser.add_argument("--runs", type=int, default=1, help="with --onto: ingests, each onto a fresh copy")
    parser.add_argument("--scratch", type=Path, help="with --onto: where the copies go")
    args = parser.parse_args(argv)
    if args.onto:
        cost_onto(args.onto, args.batch, args.runs, args.scratch)
        return 0
    result = None
    if not args.no_quality:
        result = quality(args.shared)
        print(f"precision {result.precision:.2f} recall {result.recall:.2f} F1 {_f1(result):.2f}")
        print(f"missed pairs (gold rows): {result.missed}")
        print(f"wrong pairs (gold rows): {result.wrong}")
    rows = [] if args.no_cost or args.dated_only else cost(args.articles, args.batch, warm=args.warm)
    dated = (
        cost(args.articles, args.batch, dated=True, warm=args.warm, per_day=args.per_day)
        if (args.dated or args.dated_only) and not args.no_cost
        else []
    )
    text = report(rows, result, dated)
    print(text)
    if args.write:
        RESULTS.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
