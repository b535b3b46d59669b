"""Time the analysis views (Stories, Compare queries, Map) on a built store, against issue 16's
targets: the questions each view asks the store, then the whole page rerun with the view shown.

    python -m benchmarks.views --store PATH [--reps 7] [--no-page]

Questions: each rep asks with another country filter (a question not asked before; the store
keeps no answers of its own). Page: the app in AppTest (benchmarks.run's harness) with the view in
the URL; each timed rerun chooses a country not chosen before, so the page's caches miss as on a
first click. Prints medians in ms, wall and CPU (CPU counts every thread of the process: on a
shared machine it moves less than wall time). Opens the store read-only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from benchmarks.compare import five_queries
from storage.compare import compare_days, comparison
from storage.query import Filters, Store

# issue 16, at 1,000,000 articles (ms)
TARGETS = {"stories": 300, "compare": 500, "map": 150}
# The map draws the country facet the sidebar asks for (components.data.country_counts), which
# counts this many values per kind (components.data.FACET_VALUES_COUNTED): the sidebar's question.
MAP_LIMIT = 5_000


def timed_ms(run: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) ms of one call."""
    start, start_cpu = time.perf_counter(), time.process_time()
    run()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def medians(samples: list[tuple[float, float]]) -> str:
    wall = statistics.median(s[0] for s in samples)
    cpu = statistics.median(s[1] for s in samples)
    return f"median {wall:.0f} ms wall, {cpu:.0f} ms CPU (n={len(samples)})"


def question_times(store: Store, countries: list[str], reps: int) -> dict[str, list[tuple[float, float]]]:
    """Each view's store questions, one country filter per rep (and none first, untimed)."""
    queries = five_queries(store)
    views: dict[str, Callable[[Filters], object]] = {
        "stories": lambda f: store.stories(f, "largest"),
        "map": lambda f: store.facet_lists(f, limit=MAP_LIMIT)["country"],
        # A comparison is its five queries; the page's filter does not enter it: the same five each rep.
        "compare": lambda f: comparison(compare_days(store, queries), "week"),
    }
    times: dict[str, list[tuple[float, float]]] = {}
    for name, ask in views.items():
        ask(Filters())  # warm the store's files into the page cache
        times[name] = [timed_ms(lambda c=c, ask=ask: ask(Filters(countries=(c,)))) for c in countries[:reps]]
    return times


@contextmanager
def serving(store_path: Path) -> Iterator[None]:
    """The app serves this store while inside."""
    previous = os.environ.get("COVERAGE_STORE")
    os.environ["COVERAGE_STORE"] = str(store_path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("COVERAGE_STORE", None)
        else:
            os.environ["COVERAGE_STORE"] = previous


def page_times(store_path: Path, countries: list[str], reps: int) -> dict[str, list[tuple[float, float]]]:
    """Whole page reruns with each view shown: a new country each rep (the compare view with five
    queries in the URL, its cache cleared each rep so all five are asked)."""
    from benchmarks.run import APP, _clear_cache, _new_app, _run
    from components.state import COMPARE_PARAM, Query, encode_query

    with closing(Store(store_path)) as store:
        queries = [Query(f"query {n}", f) for n, f in enumerate(five_queries(store), 1)]
    urls = {
        "stories": {"chart": "stories"},
        "map": {"chart": "map"},
        "compare": {"chart": "compare", COMPARE_PARAM: [encode_query(q) for q in queries]},
    }
    times: dict[str, list[tuple[float, float]]] = {}
    with serving(store_path):
        for name, params in urls.items():
            _clear_cache()
            at = _new_app(APP)
            for key, value in params.items():
                at.query_params[key] = value
            _run(at)  # the first page, untimed
            times[name] = []
            for country in countries[:reps]:
                if name == "compare":
                    _clear_cache()
                at.session_state["f_country"] = [country]
                times[name].append(timed_ms(lambda at=at: _run(at)))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--no-page", action="store_true", help="only the store questions")
    args = parser.parse_args(argv)
    with closing(Store(args.store)) as store:
        size = store.size
        countries = store.facet_values("country")["value"].tolist()
        print(f"store: {size:,} articles; {args.reps} reps; load {os.getloadavg()[0]:.2f}", flush=True)
        for name, samples in question_times(store, countries, args.reps).items():
            print(f"question {name}: {medians(samples)} (target {TARGETS[name]} ms at 1M)", flush=True)
    if not args.no_page:
        for name, samples in page_times(args.store, countries, args.reps).items():
            print(f"page rerun {name}: {medians(samples)} (target {TARGETS[name]} ms at 1M)", flush=True)
    print(f"load {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
