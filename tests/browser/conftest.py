"""Browser fixtures: `streamlit run app.py` on a free port serving the fixture store, and Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from deploy.serve import free_port as _free_port
from deploy.serve import healthy as _healthy
from deploy.serve import stop_process
from loaders.normalize import build_corpus, copies_from_raw
from storage.build import write_store
from tests.conftest import fixture_articles

REPO = Path(__file__).parents[2]
HEALTH_TIMEOUT_S = 60
HEALTH_POLL_S = 0.25
STOP_TIMEOUT_S = 10
LOG_TAIL_CHARS = 3000
VIEWPORT = {"width": 1400, "height": 1000}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Server:
    """A running app: where to reach it and where it logs."""

    url: str
    log: Path


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-LOG_TAIL_CHARS:] if log.exists() else ""


@pytest.fixture(scope="session")
def browser_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The invented corpus of tests/conftest.py, built into a store the server reads."""
    path = tmp_path_factory.mktemp("browser-store") / "corpus"
    write_store(build_corpus(copies_from_raw(fixture_articles())), path)
    return path


@contextlib.contextmanager
def running_app(
    store: Path, log: Path, *, script: str = "app.py", port: int | None = None, args: Sequence[str] = ()
) -> Iterator[Server]:
    """`streamlit run script` on a free port serving store, polled until healthy, then stopped."""
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        # No file watcher: an edit to loaders/ mid-run reloads modules under a live cached Store.
        "--server.fileWatcherType", "none", *args,
    ]  # fmt: skip
    env = {**os.environ, "COVERAGE_STORE": str(store), "PYTHONUNBUFFERED": "1"}
    env.pop("COVERAGE_SHARED_INGEST", None)
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {HEALTH_TIMEOUT_S} s:\n{_tail(log)}")
            time.sleep(HEALTH_POLL_S)
        yield Server(url, log)
    finally:
        stop_process(process, STOP_TIMEOUT_S)


@pytest.fixture(scope="session")
def server(browser_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on the invented corpus, for the whole session."""
    with running_app(browser_store, tmp_path_factory.mktemp("server") / "streamlit.log") as running:
        yield running


@pytest.fixture(scope="session")
def app_url(server: Server) -> str:
    """The base URL of the running app."""
    return server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (Playwright cannot download its own here); CI must have it."""
    executable = shutil.which("chromium")
    if executable is None:
        message = "chromium is not installed: browser tests cannot run"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run them)")
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    """One context for the session: its HTTP and code caches make each page load cheaper."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: BrowserContext) -> Iterator[Page]:
    """A fresh page at 1400x1000: each page load is a new Streamlit session with its own state."""
    page = browser_context.new_page()
    yield page
    page.close()
