"""Table reading speed per format: the same invented rows as CSV, JSON lines and Parquet.

`python -m benchmarks.read_speed [ROWS...]` (default 20000 100000) writes the generated articles
of `benchmarks.generate` to a temporary directory in each format and prints, per format, the
median of 3 `read_file` runs in rows/s (wall) and rows per CPU-second. The issue 12 target is
>= 20,000 rows/s for every format.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.generate import generate_articles
from loaders.formats.sniff import read_file

COLUMNS = ("title", "body", "source", "url", "published")
RUNS = 3


def write_files(rows: int, directory: Path) -> dict[str, Path]:
    """The same rows as CSV, JSON lines and Parquet, one path per format."""
    frame = pd.DataFrame([{c: a.get(c) or "" for c in COLUMNS} for a in generate_articles(rows)])
    paths = {f: directory / f"articles_{rows}.{f}" for f in ("csv", "jsonl", "parquet")}
    frame.to_csv(paths["csv"], index=False)
    with paths["jsonl"].open("w", encoding="utf-8") as out:
        for record in frame.to_dict("records"):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    frame.to_parquet(paths["parquet"], index=False)
    return paths


def median_seconds(path: Path) -> tuple[float, float, int, str]:
    """Median wall and CPU seconds of RUNS reads, the articles read, and the first problem."""
    walls, cpus, count, problem = [], [], 0, ""
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        articles, problems = read_file(path)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
        count, problem = len(articles), problems[0].reason if problems else ""
    return statistics.median(walls), statistics.median(cpus), count, problem


def main(argv: list[str]) -> int:
    """Print one line per size and format: seconds, articles, rows/s."""
    sizes = [int(a) for a in argv] or [20_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            for kind, path in write_files(rows, Path(tmp)).items():
                seconds, cpu, count, problem = median_seconds(path)
                if not count:  # 100,000 rows of CSV or JSON lines are past the upload cap
                    print(f"{rows:>7} {kind:<8} not read: {problem}")
                    continue
                print(
                    f"{rows:>7} {kind:<8} {seconds:6.2f} s  {count:>7} articles"
                    f"  {count / seconds:>9,.0f} rows/s  {count / cpu:>9,.0f} rows/CPU-s"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
