"""The upload preview, run in-process with AppTest: see the guess, correct a field, add, see the articles.

Each test serves its own copy of the fixture store: adding saves mappings beside the served store.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Selectbox

from storage.mappings import saved_mappings

APP = Path(__file__).parents[1] / "app.py"
DATA = Path(__file__).parent / "data" / "loaders" / "preview"
MONDAY, TUESDAY = DATA / "desk_export_monday.csv", DATA / "desk_export_tuesday.csv"


@pytest.fixture
def served(fixture_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = Path(shutil.copytree(fixture_store, tmp_path / "corpus"))
    monkeypatch.setenv("COVERAGE_STORE", str(store))
    monkeypatch.delenv("COVERAGE_SHARED_INGEST", raising=False)
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    cache_data_api.get_data_cache_stats_provider().clear_all()
    cache_resource_api.get_resource_cache_stats_provider().clear_all()
    return store


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def upload(at: AppTest, *paths: Path) -> AppTest:
    at.file_uploader(key="uploads").set_value([(p.name, p.read_bytes(), "text/csv") for p in paths])
    return at.run()


def field_box(at: AppTest, field: str) -> Selectbox:
    return next(s for s in at.selectbox if s.key.startswith("upload_map_") and s.key.endswith(f"_{field}"))


def captions(at: AppTest) -> str:
    """Every caption as the analyst reads it (Markdown escapes taken out)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(c.value for c in at.caption))


def test_the_preview_shows_the_guess_and_stores_nothing(served: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    upload(at, MONDAY)
    assert not at.exception
    assert field_box(at, "title").value == "Kop"
    assert field_box(at, "body").value == "Verhaal"
    assert field_box(at, "source").value == "(none)"  # "Krant" names nothing the guess knows
    assert "Envoys reopen the Aqaba port talks" in captions(at)  # samples of the chosen column
    assert "Dates: ISO year-month-day" in captions(at)
    assert field_box(at, "title").options[:2] == ["(none)", "Kop"]
    assert metric(at, "Articles matching") == "6"  # nothing stored before the button
    assert saved_mappings(served) == {}


def test_a_corrected_field_is_used_when_added_and_remembered(served: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    upload(at, MONDAY)
    field_box(at, "source").set_value("Krant")
    at.run()
    assert "Gulf Ledger" in captions(at)  # the new column's samples, at once
    at.button(key="ingest").click().run()
    assert not at.exception
    assert metric(at, "Articles matching") == "9"
    outlets = {o for f in at.multiselect if f.key == "f_source" for o in f.options}
    assert any("Gulf Ledger" in o for o in outlets) and any("Harbor Post" in o for o in outlets)
    summary = captions(at)
    assert "desk_export_monday.csv: csv" in summary and "source<-Krant" in summary
    [saved] = saved_mappings(served).values()
    assert saved["source"] == "Krant" and saved["title"] == "Kop" and saved["lead"] == ""

    # Tuesday's export of the same tool (columns reordered, recased) loads the same way.
    again = AppTest.from_file(str(APP), default_timeout=90).run()
    upload(again, TUESDAY)
    assert "Using your saved mapping" in captions(again)
    assert field_box(again, "source").value == "krant"
    again.button(key="ingest").click().run()
    assert "your saved mapping" in captions(again)
    assert metric(again, "Articles matching") == "8"


def test_a_file_that_cannot_be_read_shows_its_problem_and_the_others_still_add(
    served: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "scan.csv"
    broken.write_bytes(b"%PDF-1.4 not a table at all\x00\x01")
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    upload(at, broken, MONDAY)
    assert any("PDF document" in e.value for e in at.error)
    at.button(key="ingest").click().run()
    assert not at.exception
    assert metric(at, "Articles matching") == "9"
    assert "Left out scan.csv" in captions(at)


def test_the_rows_kept_follow_the_fields_chosen(served: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    upload(at, MONDAY)
    assert "3 of 3 rows give articles" in captions(at)
    for field in ("title", "body", "lead"):
        field_box(at, field).set_value("(none)")
    at.run()
    assert not at.exception
    assert "csv, 0 articles" in captions(at)  # no text left: the file read again says so
    field_box(at, "title").set_value("Kop")
    at.run()
    assert "3 of 3 rows give articles" in captions(at)  # a headline alone is coverage
    assert metric(at, "Articles matching") == "6"  # still nothing stored before the button
