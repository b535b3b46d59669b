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
