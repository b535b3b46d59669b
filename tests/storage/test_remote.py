"""A store published over HTTP is mirrored locally and served like a folder."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storage.ingest import ingest
from storage.layout import StoreError, current_generation
from storage.query import Filters, Store
from storage.remote import is_url, mirror
from tests.storage.test_build import DUMP


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def published(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "shared"
    folder.mkdir()
    handler = functools.partial(Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store", folder / "store"
    finally:
        server.shutdown()
        server.server_close()


def test_mirror_serves_the_published_store_and_follows_new_generations(
    published: tuple[str, Path], tmp_path: Path
) -> None:
    url, store = published
    (tmp_path / "a.txt").write_text(DUMP, encoding="utf-8")
    ingest([tmp_path / "a.txt"], store)
    local = mirror(url, tmp_path / "cache", ttl=0)
    assert Store(local).summary(Filters()).articles == 1
    assert current_generation(local).name == current_generation(store).name

    (tmp_path / "b.txt").write_text(DUMP.replace("Muscat", "Doha"), encoding="utf-8")
    ingest([tmp_path / "b.txt"], store)
    again = mirror(url, tmp_path / "cache", ttl=0)
    assert again == local
    assert Store(again).summary(Filters()).articles == 2


def test_a_hostile_pointer_is_refused(published: tuple[str, Path], tmp_path: Path) -> None:
    url, store = published
    store.mkdir(parents=True)
    (store / "CURRENT").write_text("../../etc", encoding="utf-8")
    with pytest.raises(StoreError, match="does not name a store generation"):
        mirror(url, tmp_path / "cache", ttl=0)
    assert not list((tmp_path / "cache").rglob("etc"))


def test_an_unreachable_store_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot reach"):
        mirror("http://127.0.0.1:9/store", tmp_path / "cache", ttl=0)


def test_urls_and_folders_are_told_apart() -> None:
    assert is_url("https://example.org/store") and is_url("http://10.0.0.2/s")
    assert not is_url("/srv/store") and not is_url("file:///srv/store")


def test_a_mirror_outlives_its_server(published: tuple[str, Path], tmp_path: Path) -> None:
    url, store = published
    (tmp_path / "a.txt").write_text(DUMP, encoding="utf-8")
    ingest([tmp_path / "a.txt"], store)
    local = mirror(url, tmp_path / "cache", ttl=0)
    shutil.rmtree(store)  # CURRENT now answers 404
    assert mirror(url, tmp_path / "cache", ttl=0) == local
    assert Store(local).summary(Filters()).articles == 1
