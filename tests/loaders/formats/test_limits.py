"""Costs of one file are bounded: rows, decoded bytes, pieces, linear markup stripping."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from loaders.formats import limits
from loaders.formats.feeds import read_feed
from loaders.formats.limits import read_table_bounded
from loaders.formats.plaintext import strip_markup
from loaders.formats.tabular import read_table_data

ROOT = Path(__file__).parents[3]
GB = 1024**3
# Address space the reading child may take: the old reader decoded the bomb to 1.9 GB of text.
CHILD_ADDRESS_SPACE = 3 * GB
MAX_BOMB_RSS_MB = 700

READ_UNDER_LIMIT = """
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
from loaders.formats.sniff import read_file
try:
    articles, problems = read_file(Path(sys.argv[1]))
    found = {"articles": len(articles), "problems": [p.reason for p in problems]}
except MemoryError:
    found = {"articles": -1, "problems": ["MemoryError"]}
status = Path("/proc/self/status").read_text().splitlines()
found["max_rss_mb"] = next(int(l.split()[1]) // 1024 for l in status if l.startswith("VmHWM:"))
print(json.dumps(found))
"""


def parquet_bomb(path: Path, rows: int = 200_000) -> Path:
    """A few KB of dictionary-encoded zstd Parquet: 200,000 identical 9.6 KB bodies (1.9 GB)."""
    body = "Officials met in Muscat to discuss the ceasefire proposal and humanitarian aid. " * 120
    table = pa.table({"title": ["Envoys meet"] * rows, "body": [body] * rows, "date": ["2024-11-25"] * rows})
    pq.write_table(table, path, compression="zstd", use_dictionary=True)
    return path


def test_parquet_bomb_under_a_memory_limit_ends_in_one_problem(tmp_path: Path) -> None:
    bomb = parquet_bomb(tmp_path / "bomb.parquet")
    assert bomb.stat().st_size < 60_000
    run = subprocess.run(
        [sys.executable, "-c", READ_UNDER_LIMIT, str(bomb), str(CHILD_ADDRESS_SPACE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout)
    [reason] = found["problems"]
    assert reason.startswith("expands to more than 512 MB of text when decoded"), found
    assert 0 < found["articles"] < 200_000
    assert found["max_rss_mb"] < MAX_BOMB_RSS_MB, found


def test_parquet_batches_keep_every_row_and_its_number() -> None:
    rows = 10_000
    table = pa.table(
        {"title": [f"Talks {i}" for i in range(rows)], "body": [f"Envoys met, day {i}." for i in range(rows)]}
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=3_000)
    articles, problems = read_table_bounded(buffer.getvalue(), "parquet", "x.parquet")
    assert problems == []
    assert [a.title for a in articles] == [f"Talks {i}" for i in range(rows)]
    assert [a.origin for a in articles[2999:3001]] == ["x.parquet:row 3000", "x.parquet:row 3001"]


def _batch_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows per batch each row group is read with, as the reader chooses them."""
    sizes: list[int] = []
    choose = limits._batch_rows

    def recorded(*args, **kwargs) -> int:
        sizes.append(choose(*args, **kwargs))
        return sizes[-1]

    monkeypatch.setattr(limits, "_batch_rows", recorded)
    return sizes


def test_distinct_dictionary_bodies_read_in_large_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    # pandas writes every text column dictionary-encoded (falling back to plain pages after 1 MB
    # of dictionary); sized by the whole chunk, each batch was one row (1.2k rows/s).
    rows = 5_000
    frame = pd.DataFrame(
        {
            "title": [f"Talks {i}" for i in range(rows)],
            "body": [f"Envoys met, day {i}. " * 60 for i in range(rows)],
        }
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    sizes = _batch_sizes(monkeypatch)
    articles, problems = read_table_bounded(buffer.getvalue(), "parquet", "x.parquet")
    assert problems == []
    assert [a.title for a in articles] == list(frame["title"])
    assert [a.body for a in articles] == [b.strip() for b in frame["body"]]
    assert sizes and min(sizes) >= 1_000, sizes


def test_repeated_long_dictionary_value_bounds_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    # One 10 KB value repeated by reference costs 10 KB a row decoded, though the chunk is tiny;
    # a short value first: the longest value counts, wherever the rows refer to it.
    monkeypatch.setattr(limits, "PARQUET_BATCH_BYTES", 1024 * 1024)
    body = "Officials met in Muscat to discuss the ceasefire proposal. " * 170  # ~10 KB
    table = pa.table({"body": ["Short."] + [body] * 8191, "n": list(range(8192))})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", use_dictionary=True)
    sizes = _batch_sizes(monkeypatch)
    articles, problems = read_table_bounded(buffer.getvalue(), "parquet", "x.parquet")
    assert (len(articles), problems) == (8192, [])
    assert articles[0].body == "Short." and articles[-1].body == body.strip()
    [size] = sizes
    assert size * len(body) <= 1024 * 1024, size
    assert size >= 50, size  # the bound is the value's length, not the whole chunk's


def test_longest_dictionary_values_reads_the_whole_dictionary_page() -> None:
    values = ["a"] * 5_000 + ["a much longer value at the end of the chunk"]
    buffer = io.BytesIO()
    pq.write_table(pa.table({"x": values}), buffer, use_dictionary=True)
    assert limits._longest_dictionary_values(buffer.getvalue(), 0, {"x"}) == {"x": len(values[-1])}


CSV = (
    "title,body,date\n"
    + "".join(
        f'Talks {i},"Envoys met.\nDay {i}, said ""officials"".",2024-01-{1 + i % 28:02d}\n'
        for i in range(300)
    )
    + 'Broken,"never closed\n'
    + "".join(f"Later {i},Envoys met again {i}.,2024-02-01\n" for i in range(50))
)


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_pieces_read_as_the_whole_file_does(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    if kind == "csv":
        data = CSV.encode()
    else:
        data = "".join(
            json.dumps({"title": f"T {i}", "body": f"Envoys met {i}."}) + "\n" for i in range(500)
        ).encode()
        data += b"{broken\n" + data[:2000]
    whole = read_table_data(data, kind, "f")
    monkeypatch.setattr(limits, "PIECE_BYTES", 700)
    pieces = read_table_bounded(data, kind, "f")
    assert [(a.title, a.body, a.origin) for a in pieces[0]][:300] == [
        (a.title, a.body, a.origin) for a in whole[0]
    ][:300]
    assert len(pieces[0]) == len(whole[0])
    assert {p.reason for p in pieces[1]} >= {p.reason for p in whole[1] if p.reason.startswith("line")}


def test_rows_past_the_cap_end_in_one_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS_PER_FILE", 100)
    articles, problems = read_table_bounded(CSV.encode(), "csv", "f")
    assert len(articles) == 100
    assert [p.reason for p in problems][-1] == limits.too_many_rows(100)


def feed(item: str) -> bytes:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>{item}</item></channel></rss>'.encode()


# Each took tens of seconds through html.parser or feedparser's sanitizer (192 KB each).
HOSTILE_FEEDS = {
    "title of <a": feed("<title>" + "&lt;a " * 32_000 + "</title><description>x</description>"),
    "description of <!--": feed("<title>x</title><description>" + "&lt;!--a " * 24_000 + "</description>"),
    "quoted attributes": feed("<title>x</title><description>" + "&lt;a b=&quot;" * 16_000 + "</description>"),
    "description of <a": feed("<title>x</title><description>" + "&lt;a " * 32_000 + "</description>"),
}


@pytest.mark.parametrize("name", HOSTILE_FEEDS)
def test_quadratic_feed_reads_within_a_time_limit(name: str) -> None:
    started = time.perf_counter()
    articles, _ = read_feed(HOSTILE_FEEDS[name], "f.rss")
    assert time.perf_counter() - started < 5
    assert len(articles) == 1


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<a <a <a x", "<a <a <a x"),
        ("<p>One<!-- hidden <p> -->Two</p>", "OneTwo"),
        ("<!-- never closed <p>text", ""),
        ("<SCRIPT>x</script >Safe<style>y", "Safe"),
        ("<div class='a > b'>Text</div>", "Text"),
        ('<a href="x' + " <b" * 3 + ">y", '<a href="x <b <b y'),
        ("a < b &amp;&lt;p&gt;", "a < b &<p>"),
        ("<?xml x?><!DOCTYPE html>Body", "Body"),
    ],
)
def test_strip_markup(markup: str, text: str) -> None:
    assert strip_markup(markup) == text
