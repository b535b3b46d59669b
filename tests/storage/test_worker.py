"""Uploads ingest in a child process: limits hit, sessions ended and second clicks fail only that ingest."""

from __future__ import annotations

import contextlib
import io
import shutil
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from storage import worker
from storage.query import Store
from storage.worker import Busy, IngestStopped, Limits, run_ingest

GENEROUS = Limits(memory_mb=3000, address_space_mb=8000, cpu_seconds=300)
CSV = b'title,body,date\n"Port talks in Aqaba","Jordanian officials met shippers in Aqaba.",2024-02-02\n'


@pytest.fixture
def store(tmp_path: Path, sample_store: Path) -> Path:
    """A store of its own for each test: a copy of the demo corpus's."""
    return Path(shutil.copytree(sample_store, tmp_path / "corpus"))


def snapshot(store: Path) -> tuple[str, int, list[str]]:
    """What a reader sees: the live generation, its article count, the generations on disk."""
    with contextlib.closing(Store(store)) as opened:
        size = opened.size
    return (store / "CURRENT").read_text(), size, sorted(p.name for p in store.glob("gen-*"))


def wide_parquet(rows: int = 20_000) -> bytes:
    """A small Parquet file of distinct 10 KB rows: about 200 MB of text once read."""
    filler = "Envoys met in Muscat to discuss the ceasefire proposal and aid. " * 160
    table = pa.table(
        {"title": [f"Talks {i}" for i in range(rows)], "body": [f"{i} {filler}" for i in range(rows)]}
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def test_an_upload_within_limits_reports_and_relays_progress(store: Path) -> None:
    before = snapshot(store)[1]
    seen: list[tuple[int, int]] = []
    report = run_ingest(
        [("port.csv", CSV)], store, progress=lambda d, t, _: seen.append((d, t)), limits=GENEROUS
    )
    assert (report.parsed, report.articles_after) == (1, before + 1)
    assert seen == [(1, 1)]
    assert snapshot(store)[1] == before + 1


def test_the_child_at_its_memory_limit_leaves_the_store_intact(store: Path) -> None:
    before = snapshot(store)
    data = wide_parquet()
    assert len(data) < 5_000_000
    started = time.perf_counter()
    with pytest.raises(IngestStopped) as stopped:
        run_ingest([("wide.parquet", data)], store, limits=Limits(300, 8000, 300))
    assert str(stopped.value) == worker.memory_message(Limits(300, 8000, 300))
    assert "/" not in str(stopped.value)  # no server path in the message
    assert time.perf_counter() - started < 120
    assert snapshot(store) == before


def test_the_child_at_its_address_space_limit_fails_with_a_message(store: Path) -> None:
    before = snapshot(store)
    limits = Limits(3000, 1400, 300)  # resident memory unwatched: the kernel's limit is hit first
    with pytest.raises(IngestStopped) as stopped:
        run_ingest([("wide.parquet", wide_parquet())], store, limits=limits)
    assert str(stopped.value) == worker.memory_message(limits)
    assert snapshot(store) == before


def test_the_child_at_its_cpu_limit_stops_with_a_message(store: Path) -> None:
    before = snapshot(store)
    dates = "".join(
        f'"T {i}","Envoys met {i}.","{i % 97} {i} {i % 89}:{i % 83} {i % 9973}"\n' for i in range(5000)
    )
    with pytest.raises(IngestStopped, match="CPU-time limit"):
        run_ingest(
            [("dates.csv", b"title,body,date\n" + dates.encode())], store, limits=Limits(3000, 8000, 1)
        )
    assert snapshot(store) == before


def test_an_ingest_stops_when_its_session_ends(store: Path) -> None:
    before = snapshot(store)
    started = time.perf_counter()
    deadline = started + 1.0
    with pytest.raises(IngestStopped, match="session ended"):
        run_ingest(
            [("wide.parquet", wide_parquet())], store, keep_going=lambda: time.perf_counter() < deadline
        )
    assert time.perf_counter() - started < 5
    assert snapshot(store) == before


def test_one_session_runs_one_ingest_at_a_time(store: Path) -> None:
    with worker._one_per_owner("session-a"):
        with pytest.raises(Busy):
            run_ingest([("port.csv", CSV)], store, owner="session-a", limits=GENEROUS)
        report = run_ingest([("port.csv", CSV)], store, owner="session-b", limits=GENEROUS)
    assert report.parsed == 1
    assert run_ingest([("port.csv", CSV)], store, owner="session-a", limits=GENEROUS).new_copies == 0
