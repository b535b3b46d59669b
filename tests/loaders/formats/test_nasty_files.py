"""Hand-made nasty files: each ends in a clear per-file Problem or is read right, memory stays bounded.

Cases already covered elsewhere are not repeated here: empty.txt, blank_lines.txt, binary.dat,
compressed.txt, entity_bomb.xml (ASCII and UTF-16), dump_utf16.txt (with BOM), bad_rows.csv and the
size limit (test_files.py, test_tabular.py, test_feeds.py). Large files are generated into tmp_path
at test time and never committed.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from loaders.dates import parse_date
from loaders.formats.sniff import read_file
from loaders.schema import MAX_REASON_CHARS, Problem, RawArticle
from storage.ingest import ingest, ingest_files
from storage.query import Filters, Store

ROOT = Path(__file__).parents[3]
MB = 1024 * 1024
BODY = "Envoys met in Muscat on Monday to discuss a ceasefire. Officials said talks would go on."
ARABIC = "التقى المبعوثون في مسقط يوم الاثنين لبحث وقف إطلاق النار."
# Peak RSS a reader may reach, in MB, measured in a fresh interpreter (its imports alone ~150 MB).
# 200 MB file: the bytes, the decoded text and ~350k articles are all alive at the end, so a few
# times the file; what must never happen is a blow-up per row or a copy per stage.
MAX_RSS_200MB_FILE = 1_600
MAX_RSS_10MB_LINE = 450
MAX_RSS_SKIPPED_FILE = 250
BIG_FILE_SECONDS = 60  # the whole subprocess, loose: CI shares 2 cores

BOMB_ONE_LINE = (
    '<?xml version="1.0" encoding="{enc}"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<rss><channel><item><title>&lol3;</title><description>x</description></item></channel></rss>"
)


def dump(*articles: tuple[str, str]) -> str:
    """Page-text dump of (title, body) pairs, two blank lines between articles."""
    return "\n\n\n".join(f"{title}\n\n{body}" for title, body in articles) + "\n"


def rss(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Desk</title>'
        f"<item><title>{title}</title><description>{body}</description></item></channel></rss>"
    )


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


# (file name, content, titles read, reasons): every reason must match exactly.
NASTY: list[tuple[str, bytes, list[str], list[str]]] = [
    # Empty and 0-byte, in every format.
    *[(f"zero{ext}", b"", [], ["empty file"]) for ext in (".csv", ".json", ".jsonl", ".rss", ".parquet")],
    ("header_only.csv", b"title,body\n", [], ["no rows: the file holds only the header line"]),
    ("header_only.tsv", b"title\tbody\r\n", [], ["no rows: the file holds only the header line"]),
    ("empty_list.json", b"[]", [], ["JSON holds an empty list: no articles"]),
    ("empty_object.json", b"{}", [], ["JSON holds no list of article objects"]),
    ("spaces.jsonl", b"\n \n\t\n", [], ["empty file"]),
    # Binary and compressed data under text names.
    ("binary.csv", bytes(range(256)) * 40, [], ["binary file (not text)"]),
    ("binary.jsonl", b"\x00\x01\x02\xff" * 1000, [], ["binary file (not text)"]),
    ("zeros.txt", b"\x00" * 5000, [], ["binary file (not text)"]),
    # gzip under any name is unpacked (with the archive caps) and its content read.
    ("gzip.csv", gzip.compress(b"title,body\nA,b\n"), ["A"], []),
    ("gzip.json", gzip.compress(b"[]"), [], ["gzip.json: JSON holds an empty list: no articles"]),
    ("gzip", gzip.compress(b"x"), [], ["gzip: no articles found (expected a title line, then paragraphs)"]),
    (
        "not_parquet.parquet",
        b"PAR1" + bytes(range(256)) * 4,
        [],
        None,
    ),  # reason from pyarrow, checked by shape
    # UTF-16 without a byte-order mark: little- and big-endian, Latin and Arabic.
    ("utf16le.txt", dump(("Envoys Meet", BODY)).encode("utf-16-le"), ["Envoys Meet"], []),
    ("utf16be.txt", dump(("Envoys Meet", BODY)).encode("utf-16-be"), ["Envoys Meet"], []),
    ("utf16le_arabic.txt", dump(("عنوان الخبر", ARABIC)).encode("utf-16-le"), ["عنوان الخبر"], []),
    ("utf16be_arabic.txt", dump(("عنوان الخبر", ARABIC)).encode("utf-16-be"), ["عنوان الخبر"], []),
    ("utf16le.csv", f'title,body\nEnvoys Meet,"{BODY}"\n'.encode("utf-16-le"), ["Envoys Meet"], []),
    ("utf16le_cut.txt", dump(("Envoys Meet", BODY)).encode("utf-16-le")[:-1], ["Envoys Meet"], []),
    # \r\n, \r and \n in one file.
    (
        "mixed.txt",
        b"Title A\r\n\r\nBody one.\rBody two.\n\n\n\nTitle B\r\rBody B.\r\n",
        ["Title A", "Title B"],
        [],
    ),
    ("mixed.csv", b"title,body\r\nA,one\rB,two\nC,three\r\n", ["A", "B", "C"], []),
    ("mixed.tsv", b"title\tbody\r\nA\tone\rB\ttwo\nC\tthree\r\n", ["A", "B", "C"], []),
    (
        "mixed.jsonl",
        b'{"title":"A","body":"one"}\r{"title":"B","body":"two"}\n{"title":"C","body":"three"}\r\n',
        ["A", "B", "C"],
        [],
    ),
    ("mixed_quoted.csv", b'title,body\r\nA,"one\r\ntwo"\rB,"x\ry"\n', ["A", "B"], []),
    # Deeply nested JSON: 100,000 levels of [ and of {.
    (
        "deep_array.json",
        b"[" * 100_000 + b"]" * 100_000,
        [],
        ["JSON nested too deeply to read (thousands of levels of [ or {)"],
    ),
    (
        "deep_object.json",
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        [],
        ["JSON nested too deeply to read (thousands of levels of [ or {)"],
    ),
    (
        "deep_line.jsonl",
        b"[" * 100_000 + b"]" * 100_000 + b'\n{"title":"Kept","body":"Still read."}\n',
        ["Kept"],
        ["line 1: JSON nested too deeply to read (thousands of levels of [ or {)"],
    ),
    # A body nested as deep as json itself allows: the leaves are the text.
    (
        "deep_body.json",
        json.dumps([{"title": "Deep", "body": json.loads("[" * 900 + '"Leaf text."' + "]" * 900)}]).encode(),
        ["Deep"],
        [],
    ),
    ("deep_listrepr.csv", b'title,body\nT,"' + b"[" * 100_000 + b"]" * 100_000 + b'"\n', ["T"], []),
    # A quote left open swallows the rest of the file: its line is skipped, later rows still read.
    (
        "open_quote.csv",
        b'title,body\nA,one\nB,"two\nC,three\nD,four\n',
        ["A", "C", "D"],
        ["line 3: a quote opened on this line is never closed; line skipped"],
    ),
    (
        "open_quote_first.csv",
        b'title,body\n"A,one\nB,two\n',
        ["B"],
        ["line 2: a quote opened on this line is never closed; line skipped"],
    ),
    (
        "open_quote_last.tsv",
        b'title\tbody\nA\tone\nB\t"two\n',
        ["A"],
        ["line 3: a quote opened on this line is never closed; line skipped"],
    ),
    ("inch_mark.csv", b'title,body\nScreens,"A 5"" screen"\nTV,42" wide\n', ["Screens", "TV"], []),
    # Rows one field longer than the header: pandas would silently take column 1 as an index.
    (
        "extra_fields.csv",
        b"title,body\nA,one,spare\nB,two,spare\n",
        ["A", "B"],
        ["rows have more fields than the header names; the extra fields were left out"],
    ),
    # XML bombs (entity expansion) in encodings that hide "<!ENTITY" from a byte search.
    *[
        (
            f"bomb_{enc}.xml",
            BOMB_ONE_LINE.format(enc=enc).encode(enc),
            [],
            ["feed declares XML entities (<!ENTITY): refused as unsafe"],
        )
        for enc in ("utf-8", "utf-32", "utf-32-be", "utf-16-be", "utf-7", "cp037", "cp500")
    ],
    (
        "bomb_saved_as.txt",
        BOMB_ONE_LINE.format(enc="utf-8").encode(),
        [],
        ["feed declares XML entities (<!ENTITY): refused as unsafe"],
    ),
    # Duplicate column names (CSV) and keys (JSON): the first is read, and the file says so.
    (
        "dup_body.csv",
        b"title,body,body\nA,first,second\n",
        ["A"],
        ["column 'body' appears 2 times; the first one is read"],
    ),
    (
        "dup_title.tsv",
        b"title\ttitle\tbody\nFirst\tSecond\tone\n",
        ["First"],
        ["column 'title' appears 2 times; the first one is read"],
    ),
    (
        "dup_case.csv",
        b"Body,title,BODY\nfirst,A,second\n",
        ["A"],
        ["column 'body' appears 2 times; the first one is read"],
    ),
    (
        "dup_key.json",
        b'[{"title":"First","body":"one","title":"Second"}]',
        ["First"],
        ["key 'title' appears twice in an object; the first value is read"],
    ),
    (
        "dup_key.jsonl",
        b'{"title":"A","body":"first","body":"second"}\n',
        ["A"],
        ["key 'body' appears twice in an object; the first value is read"],
    ),
    # A header line of 1 MB: the message names the columns, shortened.
    (
        "huge_header.csv",
        b"h" * MB + b"\nrow\n",
        [],
        ["no recognizable text column (columns: " + "h" * 39 + "…)"],
    ),
]
NASTY_IDS = [case[0] for case in NASTY]


def assert_human_problem(problem: Problem, path: Path) -> None:
    """A Problem names its file and says in one short sentence what happened."""
    assert problem.path == str(path)
    assert problem.reason and "\n" not in problem.reason
    assert len(problem.reason) <= MAX_REASON_CHARS
    assert not problem.reason.startswith("unexpected error"), problem.reason
    assert "\n" not in str(problem)


def assert_sound_articles(articles: list[RawArticle]) -> None:
    """Every article has text, of the right types."""
    for article in articles:
        assert isinstance(article.title, str) and isinstance(article.body, str)
        assert article.title.strip() or article.body.strip()
        assert all(isinstance(c, str) for c in article.captions)
        assert article.url is None or isinstance(article.url, str)
        assert article.published_meta is None or isinstance(article.published_meta, str)


@pytest.mark.parametrize(("name", "content", "titles", "reasons"), NASTY, ids=NASTY_IDS)
def test_nasty_file(
    tmp_path: Path, name: str, content: bytes, titles: list[str], reasons: list[str] | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    articles, problems = read_file(path)
    assert [a.title for a in articles] == titles
    if reasons is None:
        assert [p.reason.split(":")[0] for p in problems] == ["parquet does not read"]
    else:
        assert [p.reason for p in problems] == reasons
    for problem in problems:
        assert_human_problem(problem, path)
    assert_sound_articles(articles)


def test_mixed_line_ends_keep_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"Title A\r\n\r\nBody one.\r\rBody two.\n\nBody three.\r\n")
    [article] = read_file(path)[0]
    assert article.body.split("\n\n") == ["Body one.", "Body two.", "Body three."]


def test_quoted_field_keeps_its_own_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "mixed_quoted.csv"
    path.write_bytes(b'title,body\r\nA,"one\r\ntwo"\rB,"x\ry"\n')
    assert [a.body for a in read_file(path)[0]] == ["one\r\ntwo", "x\ry"]


def test_deep_body_leaves_become_the_text(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    nested = json.loads("[" * 900 + '"Leaf one.", ["Leaf two."]' + "]" * 900)
    path.write_text(json.dumps([{"title": "Deep", "body": nested}]), encoding="utf-8")
    assert read_file(path)[0][0].body == "Leaf one.\n\nLeaf two."


def test_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE", encoding="utf-8")
    path = tmp_path / "xxe.rss"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://{secret}">'
        "<rss><channel><item><title>T</title><description>Envoys met.</description></item></channel></rss>",
        encoding="utf-8",
    )
    articles, problems = read_file(path)
    assert [(a.title, a.body) for a in articles] == [("T", "Envoys met.")]
    assert problems == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "dates.csv",
            "title,body,date\n"
            + "".join(
                f"T{n},Body {n}.,{d}\n"
                for n, d in enumerate(
                    [
                        "0000-00-00",
                        "20245-01-01",
                        "01/01/20245",
                        "Jan 1 20245",
                        "0000-00-00 00:00:00",
                        "20245",
                    ]
                )
            ),
        ),
        (
            "dates.jsonl",
            "".join(
                json.dumps({"title": f"T{n}", "body": f"Body {n}.", "published": d}) + "\n"
                for n, d in enumerate(["0000-00-00", "20245-01-01T00:00:00Z", "+020245-01-01"])
            ),
        ),
        (
            "dates.rss",
            "<rss><channel>"
            + "".join(
                f"<item><title>T{n}</title><description>Body {n}.</description><pubDate>{d}</pubDate></item>"
                for n, d in enumerate(["Mon, 01 Jan 20245 00:00:00 GMT", "0000-00-00"])
            )
            + "</channel></rss>",
        ),
    ],
)
def test_impossible_dates_give_no_date(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    articles, problems = read_file(path)
    assert problems == []
    assert articles and all(a.published_meta for a in articles)
    assert [parse_date(a.published_meta or "") for a in articles] == [None] * len(articles)


def test_parquet_with_extreme_timestamps(tmp_path: Path) -> None:
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    stamps = pa.array([datetime.datetime(9999, 12, 31), datetime.datetime(1, 1, 1)], pa.timestamp("us"))
    path = tmp_path / "far.parquet"
    pq.write_table(pa.table({"title": ["Far", "Near"], "body": ["x.", "y."], "date": stamps}), path)
    articles, problems = read_file(path)
    assert ([a.title for a in articles], problems) == (["Far", "Near"], [])
    assert [parse_date(a.published_meta or "") for a in articles] == [None, None]


LONG_TITLE = ("Envoys " * 715)[:5000]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("long.csv", f"title,body\n{LONG_TITLE},{BODY}\n".encode()),
        ("long.jsonl", (json.dumps({"title": LONG_TITLE, "body": BODY}) + "\n").encode()),
        ("long.rss", rss(LONG_TITLE, BODY).encode()),
        ("long.parquet", parquet_bytes(pd.DataFrame({"title": [LONG_TITLE], "body": [BODY]}))),
    ],
)
def test_title_of_5000_characters_is_kept(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    articles, problems = read_file(path)
    assert ([(a.title, a.body) for a in articles], problems) == ([(LONG_TITLE.strip(), BODY)], [])


def test_dump_line_of_5000_characters_is_a_paragraph(tmp_path: Path) -> None:
    """No headline is 5,000 characters: the line stays in the body, its first sentence titles it."""
    first = "Envoys met in Muscat on Monday. " + "They talked at length " * 230
    path = tmp_path / "long.txt"
    path.write_text(f"{first}\n\n{BODY}\n", encoding="utf-8")
    [article] = read_file(path)[0]
    assert article.title == "Envoys met in Muscat on Monday."
    assert article.body == f"{' '.join(first.split())}\n\n{BODY}"


ODD_NAMES = [
    "with space.csv",
    "عربي ملف.csv",
    'quote\'s "double".csv',
    "-leading-dash.csv",
    "--.csv",
    "semi;colon$&(x).csv",
    "new\nline.csv",
    "tab\tin.csv",
    "emoji 🕊️.csv",
]


def _odd_names(tmp_path: Path) -> list[str]:
    """The odd names this file system accepts (a newline is legal on Linux, not everywhere)."""
    names = []
    for name in ODD_NAMES:
        try:
            (tmp_path / name).write_bytes(b"")
            (tmp_path / name).unlink()
            names.append(name)
        except (OSError, ValueError):
            continue
    return names


def test_odd_paths_read_and_report(tmp_path: Path) -> None:
    names = _odd_names(tmp_path)
    assert "with space.csv" in names and "-leading-dash.csv" in names
    for number, name in enumerate(names):
        good = tmp_path / name
        good.write_text(f"title,body\nDesk {number},{BODY}\n", encoding="utf-8")
        articles, problems = read_file(good)
        assert ([a.title for a in articles], problems) == ([f"Desk {number}"], [])
        assert articles[0].origin == f"{good}:row 1"
        broken = tmp_path / f"broken {name}"
        broken.write_bytes(b"\x00\x01\x02" * 100)
        [problem] = read_file(broken)[1]
        assert problem.reason == "binary file (not text)"
        assert_human_problem(problem, broken)


def test_odd_folder_and_names_ingest_with_the_command(tmp_path: Path) -> None:
    """The command line takes a folder whose files have odd names, a leading dash among them."""
    folder = tmp_path / "-odd folder ‘q’"
    folder.mkdir()
    names = _odd_names(folder)
    for number, name in enumerate(names):
        (folder / name).write_text(f"title,body\nDesk {number},{BODY} Item {number}.\n", encoding="utf-8")
    store = tmp_path / "store"
    done = subprocess.run(
        [sys.executable, "-m", "storage", "ingest", "--store", str(store), "--", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    titles = set(Store(store).export(Filters())["title"])
    assert titles == {f"Desk {n}" for n in range(len(names))}


UPLOAD_NAMES = [
    "with space.csv",
    "-dash.csv",
    'quote\'s "x".csv',
    "new\nline.csv",
    "عربي.csv",
    "../../escape.csv",
    "C:\\Users\\me\\export.csv",
    ".csv",
]


def test_uploads_with_odd_names(tmp_path: Path) -> None:
    files = [
        (name, f"title,body\nUpload {n},{BODY} Item {n}.\n".encode()) for n, name in enumerate(UPLOAD_NAMES)
    ]
    files.append(("broken\n.json", b"[" * 100_000))
    report = ingest_files(files, tmp_path / "store")
    assert report.articles_after == len(UPLOAD_NAMES)
    assert [p.reason for p in report.problems] == [
        "JSON nested too deeply to read (thousands of levels of [ or {)"
    ]
    titles = set(Store(tmp_path / "store").export(Filters())["title"])
    assert titles == {f"Upload {n}" for n in range(len(UPLOAD_NAMES))}


# --- a folder of nasty files next to good ones: nothing good is lost ---------------------------


GOOD_FILES: dict[str, Callable[[int], bytes]] = {
    "good.txt": lambda n: dump((f"Good txt {n}", f"{BODY} Dump {n}.")).encode(),
    "good.csv": lambda n: f"title,body,date\nGood csv {n},{BODY} Csv {n}.,2024-03-0{n % 9 + 1}\n".encode(),
    "good.tsv": lambda n: f"title\tbody\nGood tsv {n}\t{BODY} Tsv {n}.\n".encode(),
    "good.json": lambda n: json.dumps([{"title": f"Good json {n}", "body": f"{BODY} Json {n}."}]).encode(),
    "good.jsonl": lambda n: (
        json.dumps({"title": f"Good jsonl {n}", "body": f"{BODY} Jsonl {n}."}) + "\n"
    ).encode(),
    "good.rss": lambda n: rss(f"Good rss {n}", f"{BODY} Rss {n}.").encode(),
    "good.parquet": lambda n: parquet_bytes(
        pd.DataFrame({"title": [f"Good parquet {n}"], "body": [f"{BODY} Parquet {n}."]})
    ),
}


def test_folder_of_nasty_files_loses_no_good_article(tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    for name, content, _, _ in NASTY:
        (folder / f"nasty {name}").write_bytes(content)
    # Read right but dated impossibly: in the store with no date and date_source none.
    (folder / "bad dates.csv").write_text(
        "title,body,date\nZero date,Talks on zero date.,0000-00-00\nFar year,Talks in a far year.,20245-01-01\n",
        encoding="utf-8",
    )
    expected = {"Zero date", "Far year"}
    for round_ in range(2):  # good files before and after the nasty ones in sort order
        for name, make in GOOD_FILES.items():
            (folder / f"{'a' if round_ else 'z'}-{name}").write_bytes(make(round_))
            expected.add(f"Good {name.split('.')[1]} {round_}")
    report = ingest([folder], tmp_path / "store")
    stored = Store(tmp_path / "store").export(Filters())
    titles = set(stored["title"])
    assert expected <= titles, sorted(expected - titles)
    for problem in report.problems:
        assert problem.reason and "\n" not in problem.reason and len(problem.reason) <= MAX_REASON_CHARS
        assert not problem.reason.startswith("unexpected error"), str(problem)
    rejected = {Path(p.path).name for p in report.problems}
    assert not any(name.startswith(("a-", "z-", "bad dates")) for name in rejected)
    undated = stored[stored["title"].isin(["Zero date", "Far year"])]
    assert undated["published"].isna().all()
    assert set(undated["date_source"]) == {"none"}


# --- memory: a 200 MB file, a 10 MB line -------------------------------------------------------

READ_AND_MEASURE = """
import json, resource, sys, time
from pathlib import Path
from loaders.formats.sniff import read_file


def peak_mb():
    # VmHWM is this process image's own peak. ru_maxrss (RUSAGE_SELF, and so RUSAGE_CHILDREN in
    # the parent) keeps the peak of the image before exec: the forking pytest process, whose size
    # depends on the tests that ran before. ru_maxrss only where there is no /proc.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


imported_mb = peak_mb()
started = time.perf_counter()
articles, problems = read_file(Path(sys.argv[1]))
print(json.dumps({
    "articles": len(articles),
    "longest_body": max((len(a.body) for a in articles), default=0),
    "problems": [p.reason for p in problems],
    "seconds": round(time.perf_counter() - started, 2),
    "imports_mb": imported_mb,
    "max_rss_mb": peak_mb(),
}))
"""


def read_in_subprocess(path: Path) -> dict:
    """read_file on one path in a fresh interpreter: what it found and its peak RSS."""
    done = subprocess.run(
        [sys.executable, "-c", READ_AND_MEASURE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=BIG_FILE_SECONDS * 3,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_repeated(path: Path, head: bytes, block: bytes, size: int) -> int:
    """Write head then block until the file reaches size bytes; returns the number of blocks."""
    count = (size - len(head)) // len(block)
    chunk = block * max(1, MB // len(block))
    per_chunk = max(1, MB // len(block))
    with path.open("wb") as handle:
        handle.write(head)
        for _ in range(count // per_chunk):
            handle.write(chunk)
        handle.write(block * (count % per_chunk))
    return count


def test_200mb_csv_reads_with_bounded_memory(tmp_path: Path) -> None:
    """The largest file the upload accepts: every row read, peak RSS a few times the file."""
    path = tmp_path / "archive.csv"
    row = f'Envoys meet in Muscat,"{BODY} {BODY} {BODY} {BODY} {BODY}",2024-05-01\n'.encode()
    rows = write_repeated(path, b"title,body,date\n", row, 200 * MB - 1)
    assert path.stat().st_size < 200 * MB
    found = read_in_subprocess(path)
    assert (found["articles"], found["problems"]) == (rows, [])
    assert found["max_rss_mb"] < MAX_RSS_200MB_FILE, found


def test_200mb_binary_is_refused_from_its_head(tmp_path: Path) -> None:
    """A 200 MB binary file is refused after reading its first bytes: memory stays small."""
    path = tmp_path / "disk image.txt"
    with path.open("wb") as handle:
        handle.truncate(200 * MB - 1)  # sparse: all NUL bytes, nothing to write
    found = read_in_subprocess(path)
    assert (found["articles"], found["problems"]) == (0, ["binary file (not text)"])
    assert found["max_rss_mb"] < MAX_RSS_SKIPPED_FILE, found


TEN_MB_LINE = ("Envoys met again. " * (10 * MB // 18 + 1))[: 10 * MB]


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("one_line.txt", lambda: TEN_MB_LINE.encode()),
        ("one_line.jsonl", lambda: (json.dumps({"title": "Long", "body": TEN_MB_LINE}) + "\n").encode()),
        ("one_cell.csv", lambda: f'title,body\nLong,"{TEN_MB_LINE}"\n'.encode()),
        ("one_item.rss", lambda: rss("Long", TEN_MB_LINE).encode()),
    ],
)
def test_10mb_line_reads_with_bounded_memory(tmp_path: Path, name: str, make: Callable[[], bytes]) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    found = read_in_subprocess(path)
    assert (found["articles"], found["problems"]) == (1, [])
    assert found["longest_body"] >= 10 * MB - 20  # the whole line is the body, nothing cut
    assert found["max_rss_mb"] < MAX_RSS_10MB_LINE, found
