"""A killed ingest leaves the previous store; uploads stay in one analyst's session."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from storage.ingest import ingest, ingest_files, private_copy
from storage.layout import current_generation
from storage.query import Filters, Store
from tests.conftest import fixture_articles

ROOT = Path(__file__).parents[2]
# Rows in the file the killed ingest works on: enough that it is still running when killed.
KILL_ROWS = 6_000
BUILD_WAIT_SECONDS = 120


def _write_csv(path: Path, rows: int, tag: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "body", "published"])
        for i in range(rows):
            body = " ".join(
                f"Report {tag}{i} line {j} on talks between delegations in Amman." for j in range(12)
            )
            writer.writerow([f"Bulletin {tag} {i}", body, f"2021-{i % 12 + 1:02d}-{i % 27 + 1:02d}"])


def test_killed_ingest_leaves_the_previous_store(tmp_path: Path) -> None:
    _write_csv(tmp_path / "small.csv", 5, "a")
    store = tmp_path / "store"
    ingest([tmp_path / "small.csv"], store)
    before = current_generation(store)
    _write_csv(tmp_path / "big.csv", KILL_ROWS, "b")
    process = subprocess.Popen(
        [sys.executable, "-m", "storage", "ingest", str(tmp_path / "big.csv"), "--store", str(store)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while not list(store.glob(".building-*")) and time.monotonic() < deadline:
        time.sleep(0.01)  # kill only once the new generation is being written: truly mid-build
    assert list(store.glob(".building-*")), "the ingest never started building"
    assert process.poll() is None, "the ingest finished before it could be killed: make it bigger"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert current_generation(store) == before
    assert Store(store).summary(Filters()).articles == 5
    again = ingest([tmp_path / "small.csv"], store)  # the next ingest works and cleans up
    assert again.articles_after == 5
    assert not list(store.glob(".building-*"))


def test_uploads_join_a_private_copy_only(fixture_store: Path) -> None:
    shared_before = current_generation(fixture_store)
    private = private_copy(fixture_store)
    text = "\n".join(
        ["title,body,published", '"Port talks in Aqaba","Jordanian officials met shippers.",2024-02-02']
    )
    report = ingest_files([("../../evil name.csv", text.encode())], private)
    assert report.articles_after == Store(fixture_store).size + 1
    assert current_generation(fixture_store) == shared_before
    assert Store(fixture_store).summary(Filters(search="Aqaba")).articles == 0
    assert Store(private).summary(Filters(search="Aqaba")).articles == 1
    assert len(fixture_articles()) == 7
