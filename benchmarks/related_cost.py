"""What related coverage by wording costs when an article opens, against ranking by shared tags.

    python -m benchmarks.related_cost STORE [--articles 40]

Both rankings run on the same articles in the same run (ratios within one run); medians in ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta
from pathlib import Path

from loaders.schema import as_list
from storage.query import RELATED_LIMIT, RELATED_WINDOW_DAYS, Filters, Store, _as_date


def by_shared_tags(store: Store, row: dict[str, object]) -> object:
    """The ranking this project used before (shared primary countries and topics), for comparison."""
    keys = [("country", v) for v in as_list(row["countries_primary"])]
    keys += [("topic", v) for v in as_list(row["topics"])]
    ids = [store._ids[k] for k in keys if k in store._ids]
    if not ids:
        return None
    day = _as_date(row["published"])
    window, params = "TRUE", []
    if day:
        window, span = "a.published BETWEEN ? AND ?", timedelta(days=RELATED_WINDOW_DAYS)
        params = [day - span, day + span]
    with store.cursor() as cur:
        return cur.execute(
            "SELECT a.article_id, a.title, a.published, count(*) AS shared FROM entities e"
            " JOIN articles a ON a.idx = e.idx"
            f" WHERE e.value_id IN ({', '.join('?' * len(ids))}) AND a.idx <> ? AND {window}"
            " GROUP BY ALL ORDER BY shared DESC, a.published DESC NULLS LAST LIMIT ?",
            [*ids, int(row["idx"]), *params, RELATED_LIMIT],
        ).df()


def by_wording(store: Store, row: dict[str, object]) -> object:
    with store.cursor() as cur:
        return store._related(cur, row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store", type=Path)
    parser.add_argument("--articles", type=int, default=40)
    args = parser.parse_args(argv)
    store = Store(args.store)
    ids = store.results(Filters(), page_size=args.articles, page=7)["article_id"].tolist()
    rows = [store.article(i).row for i in ids]  # warm: the text-to-article table is read once
    timings: dict[str, list[float]] = {"open (article, with wording)": [], "shared tags": [], "wording": []}
    for article_id, row in zip(ids, rows, strict=True):
        for label, run in (
            ("open (article, with wording)", lambda i=article_id: store.article(i)),
            ("shared tags", lambda r=row: by_shared_tags(store, r)),
            ("wording", lambda r=row: by_wording(store, r)),
        ):
            started = time.perf_counter()
            run()
            timings[label].append(time.perf_counter() - started)
    print(f"store: {store.size:,} articles, {len(ids)} articles opened")
    for label, values in timings.items():
        print(f"{label}: median {statistics.median(values) * 1e3:.1f} ms, max {max(values) * 1e3:.1f} ms")
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
