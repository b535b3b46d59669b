"""Where ingest CPU goes, stage by stage: a finer table than benchmarks.run's ingest row.

`python -m benchmarks.ingest_stages --articles 10000` generates the corpus first (not timed),
writes it as CSV and reads it back (read), then appends it to a fresh store in batches the way
`storage.ingest` does, on one core, summing process CPU seconds per stage. Stages nest (ids
contains dating, appends contains tagging...): each row below is its own time, inner stages
subtracted, so the rows add up to the total.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.run import one_core, raw_chunks, write_csv_parts

# (label, module path, attribute, label of the stage it runs inside, what it is)
STAGES = (
    ("ids", "loaders.normalize", "copies_from_raw", None, "ids, copy keys, word counts, copy table"),
    ("dating", "loaders.normalize", "date_articles", "ids", "publication dates"),
    ("appends", "loaders.fold:Builder", "add", None, "copy-key check, DuckDB appends"),
    ("tagging", "loaders.fold", "tag_articles", "appends", "entities of new texts"),
    ("sentences", "loaders.dedup", "sentence_hashes", "appends", "evidence-sentence hashes"),
    ("fulltext", "storage.build:StoreBuilder", "index_texts", "appends", "FTS5 inserts"),
    ("joined", "storage.build", "joined_words_of", "fulltext", "hyphenated words joined"),
    ("derive", "loaders.fold:Builder", "finish", None, "near copies, folding, facet index"),
    ("seal", "storage.build", "seal", None, "FTS5 commit/optimize, DuckDB checkpoint"),
)


def _target(spec: str) -> Any:
    module_name, _, cls = spec.partition(":")
    module = __import__(module_name, fromlist=["x"])
    return getattr(module, cls) if cls else module


@contextlib.contextmanager
def cpu_timers() -> Iterator[dict[str, float]]:
    """Wrap each stage's function so the process CPU seconds spent in it are summed."""
    spent = {label: 0.0 for label, *_ in STAGES}
    undo = []
    for label, spec, name, _, _ in STAGES:
        owner = _target(spec)
        function = getattr(owner, name, None)
        if function is None:  # an older code version without this stage: counted in its parent
            continue
        undo.append((owner, name, function))

        def timed(*args: Any, _f: Callable = function, _label: str = label, **kw: Any) -> Any:
            started = time.process_time()
            try:
                return _f(*args, **kw)
            finally:
                spent[_label] += time.process_time() - started

        setattr(owner, name, timed)
    try:
        yield spent
    finally:
        for owner, name, function in reversed(undo):
            setattr(owner, name, function)


def measure(n: int, folder: Path, *, read_csv: bool = True) -> dict[str, float]:
    """CPU seconds per stage (own time) for ingesting n generated articles into folder."""
    from loaders import normalize
    from storage import build
    from storage.ingest import BATCH_ARTICLES

    chunks, csv_dir, written = [], folder / "csv", 0
    for raws, articles in raw_chunks(n, BATCH_ARTICLES):
        written += write_csv_parts(articles, csv_dir, first=written) if read_csv else 0
        chunks.append(raws)
    when = datetime.now(UTC)
    with one_core():
        started = time.process_time()
        if read_csv:
            normalize.read_paths([csv_dir])
        read = time.process_time() - started if read_csv else float("nan")
        with cpu_timers() as spent:
            started = time.process_time()
            build.append_copies(folder / "store", (normalize.copies_from_raw(r, when) for r in chunks))
            total = time.process_time() - started
    own = dict(spent)
    for label, _, _, parent, _ in STAGES:
        if parent:
            own[parent] -= spent[label]
    own["rest"] = total - sum(spent[label] for label, _, _, parent, _ in STAGES if parent is None)
    return {"read (CSV, apart)": read, **own, "total": total}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--no-read", action="store_true", help="skip writing and reading the CSV")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="ingest-stages-"))
    try:
        figures = measure(args.articles, folder, read_csv=not args.no_read)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    total = figures["total"]
    rate = args.articles / total
    print(f"{args.articles:,} articles: {total:.1f} CPU s, {rate:,.0f} articles per CPU-second")
    print("| stage | CPU s | share | ms per article |")
    print("|---|---|---|---|")
    for label, seconds in figures.items():
        share = "" if label.startswith("read") else f"{100 * seconds / total:.0f}%"
        print(f"| {label} | {seconds:.2f} | {share} | {1000 * seconds / args.articles:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
