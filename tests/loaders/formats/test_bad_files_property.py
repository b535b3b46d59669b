"""Property: whatever bytes a file holds, read_file returns (articles, problems) and never raises.

Random bytes and random mutations of a valid file in every supported format (page-text dump,
CSV, TSV, JSON, JSONL, RSS, Atom, Parquet, saved listing page, zip, gzip). Every article has text of the right types; every
Problem is one short human line, never a bare "unexpected error" from a library.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.formats.sniff import read_file
from loaders.schema import MAX_REASON_CHARS

# Modest counts: the suite must stay fast on a shared 2-core machine (FUZZ_EXAMPLES=2000 for a
# longer hunt by hand).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BODY = "Envoys met in Muscat on Monday to discuss a ceasefire, officials said. Talks go on."


def _parquet() -> bytes:
    buffer = io.BytesIO()
    frame = pd.DataFrame(
        {
            "title": ["Envoys Meet", "Talks Resume"],
            "body": [[BODY], ["First paragraph.", "Second paragraph."]],
            "date": pd.to_datetime(["2024-05-01", "2024-05-02"]),
            "captions": [["A caption (AFP)"], []],
        }
    )
    frame.to_parquet(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# One valid file per supported format, the seed every mutation starts from.
VALID: dict[str, bytes] = {
    ".txt": (
        "Envoys Meet in Muscat\n\nThe envoys arrive (AFP)\nThe envoys arrive (AFP)\nTT\n\n"
        f"Envoys Meet in Muscat\n\n{BODY}\n\nA second paragraph.\n\n\n"
        f"Talks Resume in Doha\n\n{BODY}\n"
    ).encode(),
    ".csv": f'title,body,date,url\nEnvoys Meet,"{BODY}",2024-05-01,https://example.org/2024/5/1/a\n'
    f"Talks Resume,\"['One.', 'Two.']\",01/05/2024,\n".encode(),
    ".tsv": f"title\tbody\tpublished\nEnvoys Meet\t{BODY}\t2024-05-01\nTalks Resume\tMore talks.\t\n".encode(),
    ".json": json.dumps(
        {
            "articles": [
                {"title": "Envoys Meet", "body": BODY, "date": "2024-05-01"},
                {"body": ["One.", "Two."]},
            ]
        }
    ).encode(),
    ".jsonl": (
        json.dumps({"headline": "Envoys Meet", "text": BODY})
        + "\n"
        + json.dumps({"headline": "Talks", "text": "More.", "date": "0000-00-00"})
        + "\n"
    ).encode(),
    ".rss": (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Desk</title>'
        f"<item><title>Envoys Meet</title><description>&lt;p&gt;{BODY}&lt;/p&gt;</description>"
        "<pubDate>Wed, 01 May 2024 09:00:00 GMT</pubDate><link>https://example.org/a</link></item>"
        "<item><title>Talks Resume</title><description>More talks.</description></item></channel></rss>"
    ).encode(),
    ".atom": (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title>'
        f'<entry><title>Envoys Meet</title><content type="html">&lt;p&gt;{BODY}&lt;/p&gt;</content>'
        "<updated>2024-05-01T09:00:00Z</updated></entry></feed>"
    ).encode(),
    ".parquet": _parquet(),
}
# Saved listing pages and archives: seeded from the formats above.
VALID[".html"] = (
    '<!DOCTYPE html><html lang="en"><head><link rel="canonical" href="https://example.org/section/"></head>'
    "<body><ul>"
    + "".join(
        f'<li><article class="card"><h3><a href="/n/{n}">Envoys meet, round {n}</a></h3>'
        f"<p>{BODY}</p><span>{n}/5/2024</span></article></li>"
        for n in range(1, 7)
    )
    + "</ul></body></html>"
).encode()
VALID[".zip"] = _zip({"day/a.csv": VALID[".csv"], "b.jsonl": VALID[".jsonl"]})
VALID[".gz"] = gzip.compress(VALID[".tsv"])
SUFFIXES = [*VALID, ".xml", ".ndjson", "", ".dat"]

# Fragments that break readers: quotes, separators, NUL and control bytes, BOMs, deep nesting,
# entity declarations, invalid UTF-8, line ends of every kind, impossible dates.
NASTY_SNIPPETS = [
    b'"',
    b",",
    b"\t",
    b"\x00",
    b"\x1f\x8b",
    b"\r",
    b"\r\n",
    b"\n\n\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xc3\x28",
    b"\xe2\x80",
    b"[" * 3000,
    b"{" * 3000,
    b"<!ENTITY x 'y'>",
    b"<![CDATA[",
    b"&amp;&#0;&#xD800;",
    b"0000-00-00",
    b"20245-01-01",
    b"PAR1",
    "عربي".encode(),
    "\u2028".encode(),
    b"title,title,body\n",
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with a few random edits: flips, inserts, deletions, truncation, duplication."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["flip", "insert", "snippet", "delete", "truncate", "repeat"]))
        if edit == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif edit == "snippet":
            data[at:at] = draw(st.sampled_from(NASTY_SNIPPETS))
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif edit == "truncate":
            del data[at:]
        elif edit == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 200))] * draw(st.integers(2, 5))
    return bytes(data)


def check_read(suffix: str, content: bytes) -> None:
    """read_file on content saved under suffix keeps every promise it makes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(content)
        result = read_file(path)
    assert isinstance(result, tuple) and len(result) == 2
    articles, problems = result
    assert isinstance(articles, list) and isinstance(problems, list)
    for article in articles:
        assert isinstance(article.title, str) and isinstance(article.body, str)
        assert article.title.strip() or article.body.strip()
        assert isinstance(article.captions, list) and all(isinstance(c, str) for c in article.captions)
        assert article.credit is None or isinstance(article.credit, str)
        assert isinstance(article.source, str) and article.source
        assert article.url is None or isinstance(article.url, str)
        assert article.published_meta is None or isinstance(article.published_meta, str)
    for problem in problems:
        assert problem.path == str(path)
        assert problem.reason and "\n" not in problem.reason and len(problem.reason) <= MAX_REASON_CHARS
        assert not problem.reason.startswith("unexpected error"), problem.reason
    assert articles or problems, "a file gave neither an article nor a reason"


def test_every_seed_is_read() -> None:
    """The seeds themselves are valid: the mutations below start from real files."""
    with tempfile.TemporaryDirectory() as folder:
        for suffix, content in VALID.items():
            path = Path(folder) / f"seed{suffix}"
            path.write_bytes(content)
            articles, problems = read_file(path)
            assert len(articles) >= 1 and problems == [], (suffix, problems)


@SETTINGS
@given(suffix=st.sampled_from(SUFFIXES), content=st.binary(max_size=2048))
def test_random_bytes_never_raise(suffix: str, content: bytes) -> None:
    check_read(suffix, content)


@SETTINGS
@given(
    suffix=st.sampled_from(SUFFIXES),
    text=st.text(max_size=500),
    encoding=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-16"]),
)
def test_random_text_never_raises(suffix: str, text: str, encoding: str) -> None:
    check_read(suffix, text.encode(encoding, errors="surrogatepass"))


def _mutation_test(suffix: str) -> Callable[[], None]:
    """A hypothesis test of mutations of one format's valid file."""

    @SETTINGS
    @given(content=mutated(VALID[suffix]))
    def test(content: bytes) -> None:
        check_read(suffix, content)

    test.__name__ = f"test_mutated{suffix.replace('.', '_')}_never_raises"
    return test


test_mutated_txt_never_raises = _mutation_test(".txt")
test_mutated_csv_never_raises = _mutation_test(".csv")
test_mutated_tsv_never_raises = _mutation_test(".tsv")
test_mutated_json_never_raises = _mutation_test(".json")
test_mutated_jsonl_never_raises = _mutation_test(".jsonl")
test_mutated_rss_never_raises = _mutation_test(".rss")
test_mutated_atom_never_raises = _mutation_test(".atom")
test_mutated_parquet_never_raises = _mutation_test(".parquet")
test_mutated_html_never_raises = _mutation_test(".html")
test_mutated_zip_never_raises = _mutation_test(".zip")
test_mutated_gz_never_raises = _mutation_test(".gz")


@SETTINGS
@given(seed=st.sampled_from(sorted(VALID)), suffix=st.sampled_from(SUFFIXES), data=st.data())
def test_valid_file_under_wrong_name_never_raises(seed: str, suffix: str, data: st.DataObject) -> None:
    """A valid file of one format saved under another format's name (a feed as .csv, ...)."""
    check_read(suffix, data.draw(mutated(VALID[seed])) if data.draw(st.booleans()) else VALID[seed])
