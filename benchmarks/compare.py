"""Time a comparison of five queries (storage.compare) on a built store, beside the same answers
asked the page's way (Store.timeline plus Store.facets per query).

    python -m benchmarks.compare --store PATH [--reps 7]

Prints medians in ms; the store is any built one, e.g. benchmarks.load.store_for(100_000).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from storage.compare import compare_days, comparison
from storage.query import Filters, Store


def five_queries(store: Store) -> list[Filters]:
    """Five analyst-shaped queries from the store's own most frequent values."""
    country, second = store.facet_values("country")["value"].head(2).tolist()
    topic = store.facet_values("topic")["value"].iloc[0]
    person = store.facet_values("person")["value"].iloc[0]
    return [
        Filters(search="ceasefire"),
        Filters(countries=(country,)),
        Filters(countries=(country, second), countries_mode="all", topics=(topic,)),
        Filters(search='"foreign minister" OR talks', date_from=date(2020, 1, 1)),
        Filters(people=(person,), primary_only=True, countries=(second,)),
    ]


def median_ms(run: Callable[[], object], reps: int) -> tuple[float, float, float]:
    """(first run, median of the rest, median CPU of the rest) in ms. CPU time counts every
    thread of this process (DuckDB's too): on a shared, loaded machine it moves less than wall time."""
    times, cpu = [], []
    for _ in range(reps + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return times[0], statistics.median(times[1:]), statistics.median(cpu[1:])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args(argv)
    store = Store(args.store)
    queries = five_queries(store)
    ours = lambda: comparison(compare_days(store, queries), "week")  # noqa: E731
    page_way = lambda: [(store.timeline(f, "week"), store.facets(f)) for f in queries]  # noqa: E731
    print(f"store: {store.size:,} articles; five queries; week periods; {args.reps} reps")
    for name, run in (("storage.compare (one SQL per query, roll-up)", ours),
                      ("Store.timeline + Store.facets per query (the page's way)", page_way)):  # fmt: skip
        first, median, cpu = median_ms(run, args.reps)
        print(f"{name}: first {first:.0f} ms, median {median:.0f} ms wall, {cpu:.0f} ms CPU")
    answer = compare_days(store, queries)
    for granularity in ("day", "week", "month", "year"):
        _, median, cpu = median_ms(lambda g=granularity: comparison(answer, g), args.reps)
        print(f"roll-up to {granularity} (no SQL): median {median:.1f} ms wall, {cpu:.1f} ms CPU")
    print("articles per query:", answer.totals["articles"].tolist())


if __name__ == "__main__":
    main()
