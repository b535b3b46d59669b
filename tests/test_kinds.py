"""Adding a kind is adding one row to loaders.schema.KINDS: the store indexes it, the page
facets it, the URL carries it, a filter narrows by it. Run in a child process, so the toy row
never leaks into the other tests' modules."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).parents[1]

TOY_KIND = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import loaders.schema as schema

    # The one row: photo credits, read from the article table's `credit` column.
    schema.KINDS = (*schema.KINDS, schema.Kind("credit", "credit", "credits", "credit", "Photo credits", False))

    from loaders.normalize import build_corpus, copies_from_raw
    from loaders.schema import RawArticle
    from storage.build import write_store
    from storage.query import Filters, Store
    from components.state import parse_params, to_params, View
    from streamlit.testing.v1 import AppTest

    body = "Talks in Amman on the border crossing went on late into the night. " * 5
    raws = [
        RawArticle(title=f"Talks, day {i}", body=body + str(i), credit=credit, source="Desk",
                   published_meta=f"2024-03-0{i + 1}", origin=f"toy.csv:row {i}")
        for i, credit in enumerate(["Photo Agency A", "Photo Agency A", "Photo Agency B"])
    ]
    store_path = Path(sys.argv[1])
    write_store(build_corpus(copies_from_raw(raws)), store_path)
    store = Store(store_path)

    facet = store.facets(Filters())["credit"]
    assert dict(zip(facet["value"], facet["count"])) == {"Photo Agency A": 2, "Photo Agency B": 1}, facet
    assert store.summary(Filters(credits=("Photo Agency B",))).articles == 1

    view, notices = parse_params({"credit": ["Photo Agency A"]}, store.known)
    assert view.filters.credits == ("Photo Agency A",) and not notices, (view, notices)
    assert to_params(View(filters=view.filters))["credit"] == ["Photo Agency A"]

    at = AppTest.from_file(str(Path(sys.argv[2]) / "app.py"), default_timeout=60)
    at.query_params["credit"] = "Photo Agency A"
    at.run()
    assert not at.exception, at.exception
    assert "Photo credits" in [e.label for e in at.expander], [e.label for e in at.expander]
    matching = next(m for m in at.metric if m.label == "Articles matching")
    assert matching.value == "2", matching.value
    print("ok")
    """
)


def test_a_toy_kind_flows_to_store_facet_url_and_page(tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = {**os.environ, "COVERAGE_STORE": str(store), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", TOY_KIND, str(store), str(ROOT)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")
