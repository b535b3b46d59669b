"""Messages on the page name files, never server folders or the store's web address."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from components.redact import STORE_ADDRESS, no_server_paths, upload_name
from storage.ingest import write_uploads
from storage.sessions import UPLOAD_PREFIX


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


@pytest.mark.parametrize(
    "name", ["al-monitor.json", "002-broken.json", "wire feed.csv", "x.zip", "-dash.csv"]
)
def test_an_uploaded_file_is_named_as_uploaded(tmp_path: Path, name: str) -> None:
    """The folder and number the server gives an upload (storage.worker, storage.ingest) go;
    the analyst's own name stays whole, its first characters too."""
    folder = Path(tempfile.mkdtemp(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-", dir=tmp_path))
    write_uploads([(name, b"x")], folder)
    (written,) = folder.iterdir()
    assert upload_name(str(written)) == name
    assert no_server_paths(f"  {written}: feed does not parse") == f"  {name}: feed does not parse"
    assert no_server_paths(f"{written}:line 3") == f"{name}:line 3"
    assert str(tmp_path) not in no_server_paths(f"problem in {written}")
