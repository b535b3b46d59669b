"""The bundled demo corpus (data/sample/, written by this project) and its store."""

from __future__ import annotations

from pathlib import Path

from storage.ingest import IngestReport, ingest

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
# The dumps in the sample are invented; they must not be credited to a real outlet.
SAMPLE_DUMP_SOURCE = "Demo Gazette (sample)"


def build_sample_store(store: Path, sample: Path = SAMPLE_DIR) -> list[IngestReport]:
    """Ingest the demo corpus: its page dumps under one invented source, then its tables."""
    reports = []
    dumps = sample / "dumps"
    if dumps.exists():
        reports.append(ingest([dumps], store, source=SAMPLE_DUMP_SOURCE))
    tables = [p for p in sorted(sample.iterdir()) if p.is_file() and p.suffix != ".md"]
    if tables:
        reports.append(ingest(tables, store))
    return reports
