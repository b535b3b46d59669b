"""A store published over HTTP is mirrored locally and served like a folder."""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storage import remote
from storage.ingest import ingest
from storage.layout import StoreError, current_generation
from storage.query import Filters, Store
from storage.remote import is_url, mirror, notice
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
    with contextlib.closing(Store(local)) as served:
        assert served.summary(Filters()).articles == 1
    assert current_generation(local).name == current_generation(store).name

    (tmp_path / "b.txt").write_text(DUMP.replace("Muscat", "Doha"), encoding="utf-8")
    ingest([tmp_path / "b.txt"], store)
    again = mirror(url, tmp_path / "cache", ttl=0, wait=30)
    assert again == local
    with contextlib.closing(Store(again)) as served:
        assert served.summary(Filters()).articles == 2


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
    with contextlib.closing(Store(local)) as served:
        assert served.summary(Filters()).articles == 1


# --- a slow, hanging or broken store server never holds a page (issue 11) -------------------------


class Misbehaving(Quiet):
    """Serves the folder, or hangs, or drips generation files a byte at a time (mode, class-wide)."""

    mode = "serve"
    release = threading.Event()

    def do_GET(self) -> None:
        if self.mode == "hang":
            self.release.wait(30)  # accepts the connection, never answers
            return
        if self.mode == "drip" and "/gen-" in self.path:
            self.send_response(200)
            self.send_header("Content-Length", str(10_000_000))
            self.end_headers()
            while not self.release.wait(0.05):
                self.wfile.write(b"x")
                self.wfile.flush()
            return
        super().do_GET()


@pytest.fixture
def unruly(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "shared"
    folder.mkdir()
    Misbehaving.mode = "serve"
    Misbehaving.release = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Misbehaving, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store", folder / "store"
    finally:
        Misbehaving.release.set()
        server.shutdown()
        server.server_close()


def _published_once(url: str, store: Path, tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(DUMP, encoding="utf-8")
    ingest([tmp_path / "a.txt"], store)
    return mirror(url, tmp_path / "cache", ttl=0, wait=30)


def _wait_for(condition: object, seconds: float) -> float:
    start = time.monotonic()
    while not condition() and time.monotonic() - start < seconds:  # type: ignore[operator]
        time.sleep(0.05)
    return time.monotonic() - start


def test_a_hanging_server_never_holds_a_page(
    unruly: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, store = unruly
    local = _published_once(url, store, tmp_path)
    monkeypatch.setenv("COVERAGE_MIRROR_DEADLINE", "1")
    Misbehaving.mode = "hang"
    for _ in range(3):  # three visitors: each served at once from the copy
        start = time.monotonic()
        assert mirror(url, tmp_path / "cache", ttl=0) == local
        assert time.monotonic() - start < 0.5
    with contextlib.closing(Store(local)) as served:
        assert served.summary(Filters()).articles == 1
    waited = _wait_for(lambda: notice(url, tmp_path / "cache"), 5)
    assert waited < 3 and "cannot reach" in (notice(url, tmp_path / "cache") or "")


def test_a_hanging_server_with_no_copy_yet_is_an_empty_state_within_the_wait(
    unruly: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = unruly
    Misbehaving.mode = "hang"
    start = time.monotonic()
    with pytest.raises(StoreError, match="still downloading"):
        mirror(url, tmp_path / "cache", ttl=0, wait=1)
    assert time.monotonic() - start < 2


def test_a_dripping_server_ends_by_the_deadline_and_the_old_copy_serves(
    unruly: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, store = unruly
    local = _published_once(url, store, tmp_path)
    first = current_generation(local).name
    (tmp_path / "b.txt").write_text(DUMP.replace("Muscat", "Doha"), encoding="utf-8")
    ingest([tmp_path / "b.txt"], store)
    monkeypatch.setenv("COVERAGE_MIRROR_DEADLINE", "1.5")
    Misbehaving.mode = "drip"
    start = time.monotonic()
    assert mirror(url, tmp_path / "cache", ttl=0) == local
    assert time.monotonic() - start < 0.5
    waited = _wait_for(lambda: notice(url, tmp_path / "cache"), 6)
    assert waited < 3, waited  # the 1.5 s deadline, not the 10 MB the server promised
    assert "did not finish in time" in (notice(url, tmp_path / "cache") or "")
    assert current_generation(local).name == first
    assert not list(local.glob(".download-*"))


def _break_database(generation: Path) -> None:
    (generation / "corpus.duckdb").write_bytes(b"\x00" * 8192)


def _break_fulltext(generation: Path) -> None:
    path = generation / "fulltext.sqlite"
    path.write_bytes(path.read_bytes()[:4096] + b"\xff" * 8192)


def _old_schema(generation: Path) -> None:
    import duckdb

    con = duckdb.connect(str(generation / "corpus.duckdb"))
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [(_break_database, "database does not open"), (_break_fulltext, "full-text index does not open"),
     (_old_schema, "schema version 2")],
)  # fmt: skip
def test_a_broken_generation_is_refused_and_the_last_good_one_serves(
    published: tuple[str, Path], tmp_path: Path, breakage: object, reason: str
) -> None:
    url, store = published
    local = _published_once(url, store, tmp_path)
    good = current_generation(local).name
    broken = store / "gen-broken0001"
    shutil.copytree(current_generation(store), broken)
    breakage(broken)  # type: ignore[operator]
    (store / "CURRENT").write_text(broken.name, encoding="utf-8")
    assert mirror(url, tmp_path / "cache", ttl=0, wait=30) == local
    assert current_generation(local).name == good
    with contextlib.closing(Store(local)) as served:
        assert served.summary(Filters()).articles == 1
    assert reason in (notice(url, tmp_path / "cache") or "")
    assert not (local / broken.name).exists()


def test_a_generation_over_the_size_cap_is_refused(
    published: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, store = published
    (tmp_path / "a.txt").write_text(DUMP, encoding="utf-8")
    ingest([tmp_path / "a.txt"], store)
    monkeypatch.setenv("COVERAGE_MIRROR_MAX_BYTES", "10000")
    with pytest.raises(StoreError, match="size cap"):
        mirror(url, tmp_path / "cache", ttl=0, wait=30)


def test_stopping_ends_a_running_download_at_once(
    unruly: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At exit no refresh is left downloading (a live thread would hold DuckDB past shutdown)."""
    url, store = unruly
    local = _published_once(url, store, tmp_path)
    (tmp_path / "b.txt").write_text(DUMP.replace("Muscat", "Doha"), encoding="utf-8")
    ingest([tmp_path / "b.txt"], store)
    monkeypatch.setattr(remote, "_stopping", threading.Event())  # this test's own exit
    Misbehaving.mode = "drip"  # 10 MB a byte at a time: the 900 s deadline would hold it
    assert mirror(url, tmp_path / "cache", ttl=0) == local
    workers = [t for t in threading.enumerate() if t.name == "store-mirror"]
    assert workers and all(t.is_alive() for t in workers)
    start = time.monotonic()
    remote.stop_mirrors(wait=5)
    assert time.monotonic() - start < 2
    assert not any(t.is_alive() for t in workers)
    assert "shutting down" in (notice(url, tmp_path / "cache") or "")
    assert mirror(url, tmp_path / "cache", ttl=0) == local  # a stopped process starts no refresh
    assert not [t for t in threading.enumerate() if t.name == "store-mirror" and t.is_alive()]
