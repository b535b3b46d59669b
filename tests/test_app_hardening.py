"""The page under hostile links, articles and stores (issue 11), run in-process with AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import APP, _clear_caches, all_text, result_titles


@pytest.fixture
def fixture_app(fixture_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(fixture_store))
    _clear_caches()
    return AppTest.from_file(str(APP), default_timeout=60)


@pytest.fixture
def sample_app(sample_store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(sample_store))
    _clear_caches()
    return AppTest.from_file(str(APP), default_timeout=60)


@pytest.mark.parametrize("page", ["²", "①", "٣"])
def test_a_non_ascii_page_number_is_a_notice(fixture_app: AppTest, page: str) -> None:
    fixture_app.query_params["page"] = page
    fixture_app.run()
    assert not fixture_app.exception
    assert any("not a page number" in w.value for w in fixture_app.warning)


def test_a_page_past_the_end_opens_the_last_page(sample_app: AppTest) -> None:
    sample_app.query_params["page"] = "900"
    sample_app.run()
    assert not sample_app.exception
    last = sample_app.pagination[0].value
    assert last > 1 and len(result_titles(sample_app)) > 0
    assert any("Page 900 is past the end" in i.value and f"{last}" in i.value for i in sample_app.info)
    assert sample_app.query_params["page"] in (str(last), [str(last)])
    assert "of" in all_text(sample_app)


def test_empty_states_name_no_server_path_or_store_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COVERAGE_STORE", str(tmp_path / "nothing"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert any("no corpus" in i.value.lower() for i in at.info)
    assert str(tmp_path) not in "\n".join(i.value for i in at.info)
    monkeypatch.setenv("COVERAGE_STORE", "http://127.0.0.1:9/store")
    monkeypatch.setenv("COVERAGE_MIRROR_DIR", str(tmp_path / "mirrors"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    shown = "\n".join(i.value for i in at.info)
    assert "cannot reach the store" in shown and "127.0.0.1" not in shown


def test_the_copies_list_names_files_not_server_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.ingest import ingest
    from tests.storage.test_build import DUMP

    (tmp_path / "inbox").mkdir()
    for name in ("a.txt", "inbox/b.txt"):
        (tmp_path / name).write_text(DUMP, encoding="utf-8")  # one story, two copies
    ingest([tmp_path / "a.txt", tmp_path / "inbox" / "b.txt"], tmp_path / "store")
    monkeypatch.setenv("COVERAGE_STORE", str(tmp_path / "store"))
    _clear_caches()
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.button(key=result_titles_keys(at)[0]).click().run()
    listed = "\n".join(m.value for m in at.markdown if m.value.startswith("- "))
    assert "a\\.txt\\:line 1" in listed and "b\\.txt" in listed, listed
    assert "tmp" not in listed and "inbox" not in listed


def result_titles_keys(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("result-")]


@pytest.fixture(scope="module")
def huge_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two articles that hung every viewer's tab: 100,000 short paragraphs, and one 20 MB paragraph."""
    from loaders.normalize import build_corpus, copies_from_raw
    from loaders.schema import RawArticle
    from storage.build import write_store

    many = "\n\n".join(f"Talks in Muscat, paragraph {n}." for n in range(100_000))
    long = "Muscat " + "negotiation " * 1_750_000  # 21 MB, no paragraph break
    articles = [
        RawArticle(title="Many paragraphs", body=many, published_meta="2024-05-01", source="W", origin="m"),
        RawArticle(title="T" * 50_000, body=long, published_meta="2024-05-02", source="W", origin="l"),
    ]
    path = tmp_path_factory.mktemp("huge") / "corpus"
    write_store(build_corpus(copies_from_raw(articles)), path)
    return path


def open_huge(huge_store: Path, monkeypatch: pytest.MonkeyPatch, title_start: str) -> AppTest:
    monkeypatch.setenv("COVERAGE_STORE", str(huge_store))
    _clear_caches()
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    key = next(
        b.key for b in at.button if b.key and b.key.startswith("result-") and b.label.startswith(title_start)
    )
    return at.button(key=key).click().run()


def body_paragraphs(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "Muscat" in m.value or "negotiation" in m.value]


def test_an_article_of_100000_paragraphs_draws_a_budget_and_shows_more(
    huge_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from components.bounded import PARAGRAPHS_PER_STEP

    at = open_huge(huge_store, monkeypatch, "Many")
    assert not at.exception
    assert len(body_paragraphs(at)) == PARAGRAPHS_PER_STEP
    more = next(b for b in at.button if b.label == "Show more")
    more.click().run()
    assert len(body_paragraphs(at)) == 2 * PARAGRAPHS_PER_STEP


def test_a_20_mb_paragraph_and_a_50000_character_title_are_cut(
    huge_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from components.bounded import CHARACTERS_PER_STEP, MAX_TITLE_CHARS

    at = open_huge(huge_store, monkeypatch, "TTT")
    assert not at.exception
    drawn = sum(len(p) for p in body_paragraphs(at))
    assert drawn < 2 * CHARACTERS_PER_STEP  # escaping and highlights add a little
    assert any(b.label == "Show more" for b in at.button)
    titles = [b.label for b in at.button if b.key and b.key.startswith("result-")]
    assert max(len(t) for t in titles) <= MAX_TITLE_CHARS + 1
    assert all(len(h.value) <= MAX_TITLE_CHARS + 1 for h in at.subheader)


@pytest.fixture
def two_generations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A store whose live generation holds two articles and whose previous one holds one."""
    from storage.ingest import ingest
    from storage.layout import current_generation
    from tests.storage.test_build import DUMP

    (tmp_path / "a.txt").write_text(DUMP, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DUMP.replace("Muscat", "Doha"), encoding="utf-8")
    store = tmp_path / "store"
    ingest([tmp_path / "a.txt"], store)
    ingest([tmp_path / "b.txt"], store)
    monkeypatch.setenv("COVERAGE_STORE", str(store))
    _clear_caches()
    return store, current_generation(store)


def metric_value(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def damage(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:4096] + b"\xff" * max(len(data) - 4096, 4096))


def test_a_corrupt_database_serves_the_last_good_generation(two_generations: tuple[Path, Path]) -> None:
    _, live = two_generations
    damage(live / "corpus.duckdb")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert metric_value(at, "Articles matching") == "1"  # the previous generation
    assert any("newest version of the corpus cannot be read" in w.value for w in at.warning)


def test_a_corrupt_fulltext_index_is_refused_mid_run(two_generations: tuple[Path, Path]) -> None:
    _, live = two_generations
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert metric_value(at, "Articles matching") == "2"
    damage(live / "fulltext.sqlite")
    at.session_state["q"] = "talks"
    at.run()
    assert not at.exception
    assert any("full\\-text index cannot be read" in w.value for w in at.warning), [
        w.value for w in at.warning
    ]
    assert metric_value(at, "Articles matching") == "1"  # answered by the older generation


def test_a_lone_corrupt_generation_is_one_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.ingest import ingest
    from storage.layout import current_generation
    from tests.storage.test_build import DUMP

    (tmp_path / "a.txt").write_text(DUMP, encoding="utf-8")
    ingest([tmp_path / "a.txt"], tmp_path / "store")
    for old in (tmp_path / "store").glob("gen-*"):
        if old != current_generation(tmp_path / "store"):
            import shutil

            shutil.rmtree(old)
    (current_generation(tmp_path / "store") / "corpus.duckdb").write_bytes(b"not a database")
    monkeypatch.setenv("COVERAGE_STORE", str(tmp_path / "store"))
    _clear_caches()
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    shown = "\n".join(i.value for i in at.info)
    assert "database cannot be read" in shown and str(tmp_path) not in shown


def test_a_refused_remote_generation_keeps_the_last_good_copy_with_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import functools
    import shutil
    import threading
    from http.server import ThreadingHTTPServer

    from storage import remote
    from storage.ingest import ingest
    from storage.layout import current_generation
    from tests.storage.test_build import DUMP
    from tests.storage.test_remote import Quiet

    (tmp_path / "shared").mkdir()
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path / "shared"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/store"
    try:
        store = tmp_path / "shared" / "store"
        (tmp_path / "a.txt").write_text(DUMP, encoding="utf-8")
        ingest([tmp_path / "a.txt"], store)
        monkeypatch.setenv("COVERAGE_STORE", url)
        monkeypatch.setenv("COVERAGE_MIRROR_DIR", str(tmp_path / "mirrors"))
        _clear_caches()
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        assert metric_value(at, "Articles matching") == "1"
        broken = store / "gen-broken0001"
        shutil.copytree(current_generation(store), broken)
        (broken / "corpus.duckdb").write_bytes(b"\x00" * 8192)
        (store / "CURRENT").write_text(broken.name, encoding="utf-8")
        remote.mirror(url, ttl=0, wait=30)  # the refresh a later visitor's rerun would start
        at.run()
        assert not at.exception
        assert metric_value(at, "Articles matching") == "1"
        shown = "\n".join(w.value for w in at.warning)
        assert "last good copy" in shown and "refused" in shown and "127.0.0.1" not in shown
    finally:
        server.shutdown()
        server.server_close()
