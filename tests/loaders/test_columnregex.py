"""RE2 column passes give exactly Python re's answers; the fast table readers build the frames
the Python readers build (tables of invented cells, each case one that could tell them apart)."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from loaders import dateorder
from loaders.columnregex import SPACE_CLASS, extract, has_digit, whitespace_runs, word_counts
from loaders.formats import tabular

CELLS = [
    "the talks and the envoy",
    "éthe and the",  # "the" after a non-ASCII letter is no word to Python's \b
    "thé and of",
    "Envoy\u00a0said\u2003to  the press",  # no-break and em spaces are \s to Python
    "x\x1cy\x1dz",  # information separators are whitespace to str.isspace
    "talks in٣ rounds",  # an Arabic-Indic digit is \d to Python
    "ceasefire ٢٠٢٤",
    "for_the of",  # "_" is a word character to both
    "said, for, to.",
    "",
    None,
    "   ",
    "التقى الوزير the and",
]
WORDS = ("the", "and", "of", "to", "in", "said", "for")


def _python(pattern: str) -> list[int]:
    return [len(re.findall(pattern, cell or "")) for cell in CELLS]


def test_word_counts_are_python_counts() -> None:
    expected = _python(r"\b(?:" + "|".join(WORDS) + r")\b")
    assert word_counts(pd.Series(CELLS, dtype=object), WORDS).tolist() == expected


def test_whitespace_runs_are_python_counts() -> None:
    assert whitespace_runs(pd.Series(CELLS, dtype=object)).tolist() == _python(r"\s+")


def test_has_digit_is_python_search() -> None:
    expected = [bool(re.search(r"\d", cell or "")) for cell in CELLS]
    assert has_digit(pd.Series(CELLS, dtype="string")).tolist() == expected


def test_space_class_matches_what_python_s_matches() -> None:
    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    re2 = pc.match_substring_regex(pa.array(characters), f"^{SPACE_CLASS}$").to_pylist()
    assert re2 == [re.fullmatch(r"\s", c) is not None for c in characters]


JSONL_CASES = {
    "keys in order of first appearance": b'{"c": "1"}\n{"b": "y", "a": "z"}\n',
    "a missing key": b'{"title": "Envoy", "body": "Talks."}\n{"title": "Summit"}\n',
    "no final line end": b'{"title": "Envoy", "body": "Talks."}',
    "escapes and non-ASCII": b'{"title": "\\u201cTalks\\u201d", "body": "\xd8\xa7\xd9\x84\\n\\ud83d\\ude00"}\n',
}
# Shapes the fast reader must leave to the Python one: it reads them differently or reports them.
JSONL_LEFT = {
    "two objects on a line": b'{"title": "a"} {"title": "b"}\n',
    "a blank line": b'{"title": "a"}\n\n{"title": "b"}\n',
    "a key twice": b'{"title": "a", "title": "b"}\n',
    "a number": b'{"title": "a", "id": 3}\n',
    "a nested object": b'{"title": "a", "source": {"name": "b"}}\n',
    "CR line ends": b'{"title": "a"}\r\n{"title": "b"}\r\n',
    "a null column": b'{"title": "a", "body": null}\n',
    "a lone surrogate": b'{"title": "\\ud800"}\n',
    # pyarrow's JSON reader keeps the byte in its string; to_pandas then failed on the whole file.
    "invalid UTF-8 in a value": b'{"title": "Envoy \x80 visits", "body": "Talks."}\n',
    "invalid UTF-8 in a key": b'{"title": "Envoy visits", "\x80body": "Talks."}\n',
}


@pytest.mark.parametrize("data", JSONL_CASES.values(), ids=JSONL_CASES.keys())
def test_fast_jsonl_frame_is_the_python_frame(data: bytes) -> None:
    fast = tabular._read_jsonl_fast(data)
    assert fast is not None
    slow = tabular._read_jsonl(data.decode("utf-8"))
    pd.testing.assert_frame_equal(fast[0], slow[0])
    assert fast[1] == slow[1] == []


@pytest.mark.parametrize("data", JSONL_LEFT.values(), ids=JSONL_LEFT.keys())
def test_fast_jsonl_leaves_other_shapes_to_python(data: bytes) -> None:
    assert tabular._read_jsonl_fast(data) is None


CSV_CASES = {
    "plain": b"title,body\nEnvoy visits,Talks resumed.\nSummit,Leaders met.\n",
    "quoted line ends": b'title,body\n"Envoy, again","Talks.\n\nMore talks."\n',
    "a BOM": b"\xef\xbb\xbftitle,body\nEnvoy,Talks.\n",
    "semicolons": b"title;body;date\nEnvoy;Talks.;2024-01-02\n",
    "repeated column": b"title,body,title\nEnvoy,Talks.,Other\n",
}
# Files the bytes path must leave to the text path (it changes or reports them).
CSV_LEFT = {
    "mojibake": "title,body\nJordan\u00e2\u20ac\u2122s envoy,Talks.\n".encode(),
    "a preamble": b"Exported by a tool\ntitle,body\nEnvoy,Talks.\n",
    "no header": b"Envoy visits Damascus for talks,https://example.org/a,2024-01-02\n",
    "an unclosed quote": b'title,body\n"Envoy,Talks.\nSummit,Met.\n',
    "cp1252": b"title,body\nEnvoy\x92s visit,Talks.\n",
    "a bad row": b"title,body\nEnvoy,Talks.,extra\n",
}


def _text_path(data: bytes, kind: str, monkeypatch: pytest.MonkeyPatch) -> tuple[pd.DataFrame, list[str]]:
    monkeypatch.setattr(tabular, "_read_utf8_delimited", lambda data, kind: None)
    return tabular.load_frame(data, kind)


@pytest.mark.parametrize("data", CSV_CASES.values(), ids=CSV_CASES.keys())
def test_utf8_csv_from_bytes_is_the_text_path_frame(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = tabular._read_utf8_delimited(data, "csv")
    assert fast is not None
    frame, reasons = _text_path(data, "csv", monkeypatch)
    pd.testing.assert_frame_equal(fast[0], frame)
    assert fast[1] == reasons


@pytest.mark.parametrize("data", CSV_LEFT.values(), ids=CSV_LEFT.keys())
def test_utf8_csv_from_bytes_leaves_the_rest_to_the_text_path(data: bytes) -> None:
    assert tabular._read_utf8_delimited(data, "csv") is None


DATES = [
    "4/5/2017",
    "13.5.17 10:00",
    " 1/2/2020\n",
    "\u00a01/2/2020",  # a no-break space before the date is \s to Python
    "١/٢/٢٠٢٠",  # Arabic-Indic digits are \d to Python
    "2024-09-13",
    "September 13, 2024",
    "1700000000",
    "1700000000123.5 ",
    "",
    "12-31-99 tail",
]


@pytest.mark.parametrize(
    ("pattern", "possible"),
    [(dateorder._NUMERIC, dateorder._MAYBE_NUMERIC), (dateorder._EPOCH, dateorder._MAYBE_EPOCH)],
    ids=["numeric", "epoch"],
)
def test_extract_is_python_extract(pattern: str, possible: str) -> None:
    values = pd.Series(DATES, dtype="string")
    pd.testing.assert_frame_equal(extract(values, pattern, possible), values.str.extract(pattern))


def test_dates_without_candidates_are_left_as_written() -> None:
    values = pd.Series(["2024-09-13", "September 13, 2024", ""], dtype="string")
    dates, note = dateorder.normalize_dates(values)
    assert dates.tolist() == values.tolist() and note == "ISO year-month-day (no day/month ambiguity)"


def test_jsonl_with_invalid_utf8_in_a_value_still_loads() -> None:
    data = b'{"title": "Envoy visits", "body": "Talks."}\n{"title": "Summit \x80", "body": "Leaders met."}\n'
    articles, problems = tabular.read_table_data(data, "jsonl", "feed.jsonl")
    assert problems == []
    assert [a.body for a in articles] == ["Talks.", "Leaders met."]
