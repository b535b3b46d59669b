"""Side by side with Datasette: country facet counts under a date range, timed both ways.

`python -m benchmarks.datasette_compare --store DIR [--store DIR ...] [--build N ...] [--reps 30]`
exports each store's articles table to SQLite (countries as a JSON array, as Datasette facets
arrays; published as an ISO date), starts `datasette serve` on 127.0.0.1 at a free port, and
times over HTTP `/db/articles.json?_facet_array=countries&published__gte=..&published__lt=..&_size=0`.
The same question is then timed in-process against our store (`Store.facets(Filters(date_from,
date_to))`, which answers every facet kind at once), and Datasette's own array-facet SQL is timed
in-process against the SQLite file. Prints a table and writes benchmarks/DATASETTE.md.

`--build N` makes a store of N synthetic articles under --scratch (reused when present).
Datasette is a benchmark dependency (requirements-bench.txt); `--datasette PATH` runs it from
another environment.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import http.client
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pandas as pd

from storage.layout import DATABASE, current_generation
from storage.query import FACET_LIMIT, Filters, Store

ROOT = Path(__file__).resolve().parents[1]
REPORT_PATH = ROOT / "benchmarks" / "DATASETTE.md"
DEFAULT_SCRATCH = Path("/tmp/datasette-compare")
REPS = 30
WARMUP = 3
SEED = 0
# CSV parts stay far below the loaders' per-file size cap (200 MB).
CSV_PART_ARTICLES = 20_000
CSV_COLUMNS = ("title", "body", "published", "url", "source")
# How long Datasette may take to answer its first request after starting.
START_TIMEOUT_S = 60.0
# Datasette's defaults (200 ms per facet, 1 s per query) would time out on large tables and
# answer without counts; suggested facets are work our page does not do.
DATASETTE_SETTINGS = {
    "facet_time_limit_ms": "60000",
    "sql_time_limit_ms": "60000",
    "suggest_facets": "off",
    "default_facet_size": str(FACET_LIMIT),
}
# The articles table as exported: what our store's own articles table holds (no body, no captions).
SQLITE_COLUMNS = (
    ("article_id", "TEXT PRIMARY KEY"),
    ("title", "TEXT"),
    ("source", "TEXT"),
    ("url", "TEXT"),
    ("credit", "TEXT"),
    ("published", "TEXT"),
    ("date_source", "TEXT"),
    ("countries", "TEXT"),
    ("countries_primary", "TEXT"),
    ("people", "TEXT"),
    ("organizations", "TEXT"),
    ("topics", "TEXT"),
    ("word_count", "INTEGER"),
    ("duplicates", "INTEGER"),
    ("duplicate_group", "TEXT"),
)
JSON_COLUMNS = frozenset({"countries", "countries_primary", "people", "organizations", "topics"})
# The SQL Datasette 0.65 runs for `_facet_array` (datasette/facets.py, ArrayFacet), over the
# rows the table view selects; timed in-process to separate the engine from the HTTP round trip.
DATASETTE_ARRAY_FACET_SQL = """
with inner as (select * from articles where published >= :start and published < :end),
deduped_array_items as (
    select distinct j.value, inner.* from json_each([inner].countries) j join inner
)
select value, count(*) as count from deduped_array_items
group by value order by count(*) desc, value limit :limit
"""
# The same counts as a plain json_each group-by: what SQLite can do when the SQL is written for it.
PLAIN_ARRAY_FACET_SQL = """
select j.value, count(*) as count from articles, json_each(articles.countries) j
where published >= :start and published < :end
group by j.value order by count(*) desc, j.value limit :limit
"""


# --- the store and its SQLite copy -------------------------------------------------------------


def build_store(n: int, scratch: Path) -> Path:
    """A store of n generated articles under scratch, built once (CSV parts, then ingest)."""
    from benchmarks.generate import generate_articles
    from storage.ingest import ingest

    store = scratch / f"store-{n}"
    if (store / "CURRENT").exists():
        return store
    parts = scratch / f"csv-{n}"
    shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir(parents=True)
    articles = generate_articles(n, SEED)
    for number, start in enumerate(range(0, n, CSV_PART_ARTICLES)):
        with (parts / f"part-{number:04d}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            for _, article in zip(range(start, min(n, start + CSV_PART_ARTICLES)), articles, strict=False):
                writer.writerow([article[c] or "" for c in CSV_COLUMNS])
    ingest([parts], store)
    return store


def export_sqlite(store: Store, path: Path) -> int:
    """The store's articles table as a SQLite file Datasette serves; returns the row count.

    Read from the store's DuckDB file in batches (no bodies): a million articles never sit in memory.
    """
    path.unlink(missing_ok=True)
    names = [name for name, _ in SQLITE_COLUMNS]
    generation = current_generation(store.path)
    with (
        contextlib.closing(duckdb.connect(str(generation / DATABASE), read_only=True)) as source,
        contextlib.closing(sqlite3.connect(path)) as con,
    ):
        con.execute(f"CREATE TABLE articles ({', '.join(f'{n} {t}' for n, t in SQLITE_COLUMNS)})")
        batches = source.sql(f"SELECT {', '.join(names)} FROM articles ORDER BY idx").to_arrow_reader(50_000)
        for batch in batches:
            records = batch.to_pylist()
            rows = [tuple(_sqlite_value(name, record[name]) for name in names) for record in records]
            con.executemany(f"INSERT INTO articles VALUES ({', '.join('?' * len(names))})", rows)
        # What a Datasette user would add for date-range filters (sqlite-utils create-index).
        con.execute("CREATE INDEX articles_published ON articles (published)")
        con.commit()
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]


def _sqlite_value(name: str, value: object) -> object:
    """JSON text for list columns, an ISO date (or NULL) for published, plain values otherwise."""
    if name in JSON_COLUMNS:
        return json.dumps(list(value or []), ensure_ascii=False)
    if name == "published":
        return None if pd.isna(value) else value.date().isoformat()
    if isinstance(value, float) and pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


# --- the question ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A date range: start inclusive, end exclusive (Datasette's __lt); ours takes end - 1 day."""

    start: date
    end: date

    def filters(self) -> Filters:
        return Filters(date_from=self.start, date_to=date.fromordinal(self.end.toordinal() - 1))


def year_windows(store: Store) -> list[Window]:
    """One window per calendar year the store covers: each timed run asks about the next year."""
    first, last = store.date_span()
    if first is None or last is None:
        raise SystemExit(f"{store.path}: no dated articles to filter by date")
    return [Window(date(year, 1, 1), date(year + 1, 1, 1)) for year in range(first.year, last.year + 1)]


def facet_path(
    window: Window, arrays: Sequence[str] = ("countries",), columns: Sequence[str] = (), database: str = "db"
) -> str:
    """The Datasette table URL for facet counts (array columns, plain columns) in a date range, no rows."""
    params = [("_facet_array", name) for name in arrays] + [("_facet", name) for name in columns]
    params += [("published__gte", window.start.isoformat()), ("published__lt", window.end.isoformat())]
    params += [("_size", "0"), ("_facet_size", str(FACET_LIMIT))]
    return f"/{database}/articles.json?{urlencode(params)}"


def country_counts_datasette(answer: dict) -> dict[str, int]:
    """The country facet of a Datasette table JSON answer; fails loudly on a timed-out facet."""
    if answer.get("facets_timed_out"):
        raise RuntimeError(f"Datasette facets timed out: {answer['facets_timed_out']}")
    return {row["value"]: row["count"] for row in answer["facet_results"]["countries"]["results"]}


def country_counts_ours(facets: dict) -> dict[str, int]:
    frame = facets["country"]
    return dict(zip(frame["value"], frame["count"].astype(int), strict=True))


# --- timing ------------------------------------------------------------------------------------


def timed_runs(ask: Callable[[int], object], reps: int, warmup: int = WARMUP) -> list[float]:
    """Seconds per call of ask(run) after warm-up calls; run numbers go on across both."""
    for run in range(warmup):
        ask(run)
    times = []
    for run in range(warmup, warmup + reps):
        started = time.perf_counter()
        ask(run)
        times.append(time.perf_counter() - started)
    return times


def median_ms(times: Sequence[float]) -> float:
    return statistics.median(times) * 1000


def p95_ms(times: Sequence[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def datasette_server(database: Path, binary: str) -> Iterator[int]:
    """`datasette serve` on 127.0.0.1 at a free port, polled until it answers; stopped after."""
    port = free_port()
    settings = [arg for key, value in DATASETTE_SETTINGS.items() for arg in ("--setting", key, value)]
    command = [binary, "serve", "-i", str(database), "-h", "127.0.0.1", "-p", str(port), *settings]
    log = database.with_suffix(".log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(port, server)
        yield port
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        if server.poll() is None:
            server.kill()
        log.close()


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"datasette exited with code {server.returncode}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if (
                http_get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/-/versions.json")[0]
                == 200
            ):
                return
        time.sleep(0.2)
    raise RuntimeError(f"datasette did not answer on port {port} within {START_TIMEOUT_S:.0f} s")


def http_get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    """Status and the whole body (a kept-alive connection, as a browser would reuse)."""
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


# --- one store ---------------------------------------------------------------------------------


@dataclass
class Measured:
    """Figures for one store."""

    store: str
    articles: int
    store_mb: float
    sqlite_mb: float
    windows: str
    times_ms: dict[str, tuple[float, float]] = field(default_factory=dict)  # label -> (median, p95)
    agree: bool = False

    def ratio(self, slow: str, fast: str) -> float:
        return self.times_ms[slow][0] / self.times_ms[fast][0]


DATASETTE_COUNTRY = "Datasette 0.65 over HTTP, country facet"
DATASETTE_ALL = "Datasette 0.65 over HTTP, all 5 facets"
SQLITE_SQL = "SQLite in-process, Datasette's country-facet SQL"
SQLITE_PLAIN = "SQLite in-process, plain json_each group-by"
OURS = "ours in-process, Store.facets (all 5 kinds)"
ALL_FACETS = ("countries", "people", "organizations", "topics")


def measure_store(
    store_path: Path, scratch: Path, reps: int, binary: str, log: Callable[[str], None]
) -> Measured:
    """Export, serve, and time the three ways of asking; checks that the counts agree."""
    store = Store(store_path)
    # Named db.sqlite so Datasette serves it at /db, the path its documentation uses.
    database = scratch / f"{store_path.name}-sqlite" / "db.sqlite"
    database.parent.mkdir(parents=True, exist_ok=True)
    log(f"{store_path}: exporting {store.size} articles to {database}")
    rows = export_sqlite(store, database)
    windows = year_windows(store)
    result = Measured(
        str(store_path), rows, _folder_mb(store_path), database.stat().st_size / 1e6, _span(windows)
    )
    with datasette_server(database, binary) as port:
        result.agree, country, every = time_datasette(port, store, windows, reps)
    log(f"  country counts equal to Datasette's in every year: {result.agree}")
    result.times_ms[DATASETTE_COUNTRY], result.times_ms[DATASETTE_ALL] = _figures(country), _figures(every)
    # immutable=1: how `datasette serve -i` opens the file (no locking, page cache kept).
    with contextlib.closing(sqlite3.connect(f"file:{database}?immutable=1", uri=True)) as con:
        for label, sql in ((SQLITE_SQL, DATASETTE_ARRAY_FACET_SQL), (SQLITE_PLAIN, PLAIN_ARRAY_FACET_SQL)):
            runs = timed_runs(lambda run, sql=sql: _sqlite_facet(con, sql, windows[run % len(windows)]), reps)
            result.times_ms[label] = _figures(runs)
    ours = timed_runs(lambda run: store.facets(windows[run % len(windows)].filters()), reps)
    result.times_ms[OURS] = _figures(ours)
    store.close()
    return result


def time_datasette(
    port: int, store: Store, windows: Sequence[Window], reps: int
) -> tuple[bool, list[float], list[float]]:
    """Whether Datasette's country counts equal ours in every window; round-trip times for the
    country facet alone and for all five facets."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    ask = functools.partial(datasette_json, connection)
    agree = all(
        country_counts_datasette(json.loads(ask(facet_path(w))))
        == country_counts_ours(store.facets(w.filters()))
        for w in windows
    )
    answers: list[bytes] = []
    every = functools.partial(facet_path, arrays=ALL_FACETS, columns=("source",))
    country = timed_runs(lambda run: answers.append(ask(facet_path(windows[run % len(windows)]))), reps)
    all_kinds = timed_runs(lambda run: answers.append(ask(every(windows[run % len(windows)]))), reps)
    connection.close()
    # Checked after timing (parsing is not part of the round trip): every answer carried counts.
    for answer in answers:
        country_counts_datasette(json.loads(answer))
    return agree, country, all_kinds


def datasette_json(connection: http.client.HTTPConnection, path: str) -> bytes:
    """The body of a 200 answer; anything else stops the benchmark."""
    status, body = http_get(connection, path)
    if status != 200:
        raise RuntimeError(f"datasette answered {status} to {path}: {body[:200]!r}")
    return body


def _sqlite_facet(con: sqlite3.Connection, sql: str, window: Window) -> list[tuple]:
    params = {"start": window.start.isoformat(), "end": window.end.isoformat(), "limit": FACET_LIMIT + 1}
    return con.execute(sql, params).fetchall()


def _figures(times: Sequence[float]) -> tuple[float, float]:
    return median_ms(times), p95_ms(times)


def _folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _span(windows: Sequence[Window]) -> str:
    years = f"{windows[0].start.year}-{windows[-1].start.year}"
    return f"{len(windows)} one-year windows {years}, one per run in turn"


# --- report ------------------------------------------------------------------------------------


def machine(code: str | None = None) -> dict[str, str]:
    """What the figures were measured on, and which code."""
    info = {
        "cores": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "code": code or _commit(),
    }
    for name in ("datasette", "duckdb", "streamlit"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            info[name] = metadata.version(name)
    return info


def load_average() -> str:
    with contextlib.suppress(OSError, AttributeError):
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return "unknown"


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _commit() -> str:
    """The git commit measured, flagged when loaders/ differs from it."""
    with contextlib.suppress(OSError):
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "loaders"], cwd=ROOT, capture_output=True, text=True
        )
        if head.returncode == 0:
            return f"commit {head.stdout.strip()}" + (
                " with uncommitted changes in loaders/" if dirty.stdout else ""
            )
    return "unknown"


def table(results: Sequence[Measured]) -> str:
    """The figures as a Markdown table, one row per store and way of asking."""
    lines = ["| articles | how | median ms | p95 ms |", "| ---: | --- | ---: | ---: |"]
    for result in results:
        for label, (median, p95) in result.times_ms.items():
            lines.append(f"| {result.articles:,} | {label} | {median:.1f} | {p95:.1f} |")
    return "\n".join(lines)


def ratios(results: Sequence[Measured]) -> str:
    lines = [
        "| articles | Datasette country facet / ours | Datasette all facets / ours"
        " | Datasette's SQL in SQLite / ours | plain SQLite group-by / ours |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        times = (
            r.ratio(label, OURS) for label in (DATASETTE_COUNTRY, DATASETTE_ALL, SQLITE_SQL, SQLITE_PLAIN)
        )
        lines.append(f"| {r.articles:,} | " + " | ".join(f"{x:.2f}" for x in times) + " |")
    return "\n".join(lines)


def render(
    results: Sequence[Measured], info: dict[str, str], reps: int, started: str, loads: tuple[str, str]
) -> str:
    sizes = "\n".join(
        f"- {r.articles:,} articles: our store {r.store_mb:.0f} MB (`{r.store}`), SQLite export"
        f" {r.sqlite_mb:.0f} MB; {r.windows}; counts agree with Datasette: {'yes' if r.agree else 'NO'}"
        for r in results
    )
    about = "\n".join(f"- {k}: {v}" for k, v in info.items())
    return f"""# Datasette side by side

Measured {started} with `python -m benchmarks.datasette_compare` ({reps} timed runs per row after
{WARMUP} warm-up runs). Load average (1/5/15 min) at start {loads[0]}, at end {loads[1]}: the
machine is shared with other work, so figures move with it.

{about}

The question: country facet counts of the articles published in one calendar year. Each run asks
about the next year in turn, the same years in the same order for every row.

- **Datasette** serves the store's articles table exported to SQLite (`countries` as a JSON array,
  `published` an ISO date with an index), started as `datasette serve -i FILE` with
  {", ".join(f"`{k}={v}`" for k, v in DATASETTE_SETTINGS.items())}, asked over HTTP on 127.0.0.1
  with a kept-alive connection: `{facet_path(Window(date(2020, 1, 1), date(2021, 1, 1)))}`.
  "All 5 facets" adds people, organizations, topics and `_facet=source`.
- **SQLite in-process** runs the SQL Datasette 0.65 runs for an array facet (opened immutable, as
  `-i` does), without HTTP and without the `count(*)` Datasette also runs for the page; then the
  same counts as a plain `json_each` group-by. Datasette's SQL de-duplicates array items with a
  `DISTINCT` over whole rows: the gap between the two SQLite rows is that `DISTINCT`.
- **Ours** is `Store.facets(Filters(date_from, date_to))` called in-process on the DuckDB store:
  it counts all five facet kinds in one query. Not over HTTP: in the app this call sits behind
  Streamlit's cache and rerun, which `python -m benchmarks.run` measures separately.

{sizes}

Sizes are not like for like: our store also holds every copy's body and the full-text index; the
export holds the articles table only (no body, no captions), as our own `articles` table does.

{table(results)}

Ratios of medians (above 1: slower than ours; below 1: faster than ours):

{ratios(results)}
"""


# --- command line ------------------------------------------------------------------------------


def default_datasette() -> str:
    """The datasette beside this Python (requirements-bench.txt), else one on PATH."""
    beside = Path(sys.executable).parent / "datasette"
    return str(beside) if beside.exists() else (shutil.which("datasette") or "datasette")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.datasette_compare", description=__doc__)
    parser.add_argument("--store", type=Path, action="append", default=[], help="a built store folder")
    parser.add_argument("--build", type=int, action="append", default=[], help="build (or reuse) N articles")
    parser.add_argument("--scratch", type=Path, default=DEFAULT_SCRATCH, help="built stores and SQLite files")
    parser.add_argument("--reps", type=int, default=REPS)
    parser.add_argument("--datasette", default=default_datasette(), help="datasette executable")
    parser.add_argument("--report", type=Path, default=REPORT_PATH)
    parser.add_argument(
        "--code", default=None, help="which code is measured (default: this tree's git commit)"
    )
    args = parser.parse_args(argv)
    args.scratch.mkdir(parents=True, exist_ok=True)
    stores = [*args.store, *(build_store(n, args.scratch) for n in args.build)]
    if not stores:
        parser.error("give --store DIR or --build N")
    started, load_start = datetime.now(UTC).isoformat(timespec="seconds"), load_average()
    results = [measure_store(path, args.scratch, args.reps, args.datasette, print) for path in stores]
    text = render(results, machine(args.code), args.reps, started, (load_start, load_average()))
    print(table(results), ratios(results), sep="\n\n")
    args.report.write_text(text, encoding="utf-8")
    print(f"wrote {args.report}")
    return 0 if all(r.agree for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
