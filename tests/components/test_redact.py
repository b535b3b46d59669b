"""Messages on the page name files, never server folders or the store's web address."""

from __future__ import annotations

import pytest

from components.redact import STORE_ADDRESS, no_server_paths


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("/tmp/upload-ab_12/003-wire feed.csv:line 3", "wire feed.csv:line 3"),
        ("  /tmp/upload-x/000-a.xml: feed does not parse", "  a.xml: feed does not parse"),
        ("no store at /srv/data/corpus: run `ingest --store /srv/data/corpus`", "no store at corpus: run `ingest --store corpus`"),
        ("cannot reach the store at http://10.0.0.2:8000/store/CURRENT: refused", f"cannot reach the store at {STORE_ADDRESS}: refused"),
        ("fixture:Lebanon weighs", "fixture:Lebanon weighs"),
        ("1/2 of and/or", "1/2 of and/or"),
    ],
)  # fmt: skip
def test_paths_and_addresses_are_taken_out(message: str, expected: str) -> None:
    assert no_server_paths(message) == expected
