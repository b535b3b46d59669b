"""Shared fixtures: a small invented corpus built into a store in a temporary folder."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from loaders.normalize import build_corpus, copies_from_raw
from loaders.schema import RawArticle
from storage.build import write_store

HOSTILE_TITLE = "<script>alert('x')</script> Envoys [meet](javascript:alert(1)) in Muscat"
HOSTILE_BODY = (
    "Negotiators met in Muscat on Monday. <img src=x onerror=alert(1)> The Omani mediators said "
    "talks would continue. **bold** _under_ :red[colour] $x$ # heading\n\n"
    "A second paragraph mentions Iran and the United States and a ceasefire proposal."
)


UNDATED_BODY = (
    "Shipping companies in the Gulf reviewed insurance costs after several incidents at sea. "
    "Port officials in Oman said traffic through the strait had returned to normal levels. "
    "Analysts expect the insurance premiums to stay high until the end of the season."
)


def _article(title: str, body: str, published: str | None, source: str, url: str | None = None) -> RawArticle:
    return RawArticle(
        title=title,
        body=body,
        published_meta=published,
        source=source,
        url=url,
        origin=f"fixture:{title[:20]}",
    )


def fixture_articles() -> list[RawArticle]:
    """Invented coverage: a few countries, topics, sources and dates, one copy, one hostile item."""
    lebanon = (
        "Lebanese officials in Beirut said indirect talks with Israel on a ceasefire continued on Tuesday. "
        "The Lebanese government asked the United Nations to support the truce along the border. "
        "Israeli officials did not comment on the ceasefire proposal, according to diplomats in Beirut. "
        "Hezbollah said it was studying the text of the proposal carefully before any reply."
    )
    egypt = (
        "Egyptian mediators in Cairo hosted a conference on humanitarian aid for Gaza this week. "
        "Aid agencies said trucks carrying food were waiting at the Rafah crossing for permission to enter. "
        "The Egyptian foreign ministry said the conference gathered donors from across the region. "
        "Jordanian officials also attended and pledged more humanitarian aid for civilians in Gaza."
    )
    iran = (
        "Iranian diplomats met European negotiators in Vienna to discuss the nuclear program. "
        "The talks focused on sanctions relief and inspections by the International Atomic Energy Agency. "
        "European officials said progress on the nuclear file had been slow but steady this month. "
        "Iran said sanctions must be lifted before any new commitments on enrichment are made."
    )
    syria = (
        "Syrian refugees in Jordan face a hard winter, aid groups said in Amman on Sunday. "
        "The refugees live in camps near the border and depend on humanitarian aid from donors. "
        "Jordanian officials asked donors to fund shelters and schools for the refugees this year. "
        "The United Nations refugee agency said funding for Syrian refugees had fallen sharply."
    )
    return [
        _article("Lebanon weighs ceasefire proposal from Israel", lebanon, "2024-11-20", "Levant Wire"),
        _article("Lebanon weighs Israeli ceasefire proposal", lebanon, "2024-11-21", "Gulf Ledger"),
        _article("Cairo hosts Gaza humanitarian aid conference", egypt, "2024-12-02", "Nile Dispatch",
                 "https://example.org/2024/12/cairo-aid"),
        _article("Iran and Europe resume nuclear talks in Vienna", iran, "2023-06-14", "Gulf Ledger"),
        _article("Syrian refugees in Jordan brace for winter", syria, "2022-01-09", "Levant Wire"),
        _article(HOSTILE_TITLE, HOSTILE_BODY, "2024-03-05", "<b>Evil</b> Source", "javascript:alert(1)"),
        _article("A note on Gulf shipping", UNDATED_BODY, None, "Levant Wire"),
    ]  # fmt: skip


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built store holding fixture_articles()."""
    path = tmp_path_factory.mktemp("store") / "corpus"
    write_store(build_corpus(copies_from_raw(fixture_articles())), path)
    return path


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus of data/sample (a few hundred articles: enough for several result pages)."""
    from storage.sample import build_sample_store

    path = tmp_path_factory.mktemp("sample") / "corpus"
    build_sample_store(path)
    return path


# pytest's own __main__, taken before any test runs.
PYTEST_MAIN = sys.modules.get("__main__")


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """AppTest runs app.py as a module named __main__ and leaves it in sys.modules (a module or
    session fixture too); a test that spawns processes (Dask workers) would make each child
    re-run the page and die. Every test starts with pytest's own __main__."""
    if PYTEST_MAIN is not None:
        sys.modules["__main__"] = PYTEST_MAIN
    yield


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop what AppTest-run pages cached (open Stores and their DuckDB connections) before the
    interpreter exits: DuckDB's bindings print a "nanobind: leaked" line for each object still
    alive at shutdown, after pytest's summary, where it reads like a failure."""
    streamlit = sys.modules.get("streamlit")
    if streamlit is not None:  # only a run that rendered pages has anything cached
        streamlit.cache_resource.clear()
    gc.collect()  # the dropped handles close their connections now, not at shutdown
