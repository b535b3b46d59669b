"""The benchmark runs end to end on a few hundred articles and reports every row (no timings judged)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from benchmarks import run

SIZE, BASELINE, REPS = 300, 200, 1


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> run.Report:
    out = tmp_path_factory.mktemp("bench")
    return run.run_benchmark(
        [SIZE], out, smoke=True, baseline=BASELINE, reps=REPS, isolate=False, log=lambda _: None
    )


def test_every_size_is_ingested_and_served(report: run.Report) -> None:
    assert sorted(report.ingest) == [BASELINE, SIZE]
    assert sorted(report.serving) == [BASELINE, SIZE]
    for n, ingest in report.ingest.items():
        assert 0 < ingest["distinct_articles"] <= n
        assert set(ingest["stages_s"]) == {stage for stage, _ in run.STAGES}
        assert ingest["csv_read_articles"] == n
        assert ingest["store_mb"] > 0
        assert ingest["peak_rss_mb"] > 0
    for serving in report.serving.values():
        assert {key for key, _ in run.INTERACTIONS} <= set(serving["reruns"])
        assert all(len(times) == REPS for times in serving["reruns"].values())
        assert {kind for kind, _ in run.QUERY_KINDS} <= set(serving["fulltext"])
        assert serving["fulltext"]["word_frequent"]["hits"][0] > 0
    assert len(report.floor) == REPS
    assert sorted(report.cold) == [SIZE]
    assert len(report.cold[SIZE]) == 1


def test_markdown_has_the_expected_rows(report: run.Report) -> None:
    text = run.render(report)
    for heading in ("## 1. Ingest", "## 2. Reruns", "## 3. Full-text", "## 4. Memory", "## Targets"):
        assert heading in text
    for _, label in run.INTERACTIONS:
        assert f"| {label} |" in text
    for _, label in run.QUERY_KINDS:
        assert f"| {label} (e.g." in text
    assert "| framework floor: one-widget app |" in text
    assert f"| {SIZE} |" in text
    assert "Machine: " in text and "streamlit" in text


def test_one_verdict_per_target(report: run.Report) -> None:
    verdicts = run.verdicts(report)
    assert [v.what for v in verdicts] == [
        "ingest, one core",
        "filter change, rerun median",
        "filter change vs 1,000 articles",
        "full-text query median",
        "peak RSS serving",
        "cold start to first page",
    ]
    assert {v.status for v in verdicts} <= {"PASS", "MISS"}
    assert all(f"measured at {SIZE}" in v.note for v in verdicts[1:])


def test_percentiles() -> None:
    values = [i / 1000 for i in range(1, 21)]
    assert run.median_ms(values) == pytest.approx(10.5)
    assert run.p95_ms(values) == pytest.approx(19)
    assert run.p95_ms([0.005]) == pytest.approx(5)


def test_smoke_writes_to_the_scratch_folder_only(
    report: run.Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "run_benchmark", lambda *args, **kwargs: report)
    monkeypatch.setattr(run, "RESULTS_PATH", tmp_path / "committed.md")
    assert run.main(["--sizes", str(SIZE), "--smoke", "--out", str(tmp_path / "out")]) == 0
    assert "## Targets" in (tmp_path / "out" / "RESULTS.md").read_text(encoding="utf-8")
    assert not (tmp_path / "committed.md").exists()


def test_sizes_must_be_numbers() -> None:
    with pytest.raises(SystemExit):
        run.main(["--sizes", "ten"])


def test_saved_report_renders_the_same(report: run.Report, tmp_path: Path) -> None:
    saved = tmp_path / "report.json"
    saved.write_text(json.dumps(asdict(report), default=str), encoding="utf-8")
    assert run.render(run.load_report(saved)) == run.render(report)
