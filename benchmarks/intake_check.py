"""How every real export in ../shared loads: per file, articles, dated share, titles, outlets, problems.

`python -m benchmarks.intake_check [ROOT...]` (default: ../shared/realworld and ../shared/corpora).
Reads through `loaders.formats.sniff.read_file`, dates with `loaders.dates.assign_dates` and names the
outlet as the pipeline does; prints one block per file. Nothing is stored.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from loaders.dates import assign_dates
from loaders.formats import sniff as files
from loaders.formats.sniff import iter_input_files, read_file
from loaders.normalize import _publisher

ROOT = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_ROOTS = (ROOT / "realworld", ROOT / "corpora")
SAMPLE_TITLES = 3
TOP_SOURCES = 4
SHOWN_PROBLEMS = 4
TITLE_CHARS = 70


def check(path: Path) -> str:
    """The block of lines describing how one file loads."""
    started = time.perf_counter()
    reader = getattr(files, "read_file_report", None)
    articles, problems, report = reader(path) if reader else (*read_file(path), None)
    seconds = time.perf_counter() - started
    published, _ = assign_dates(
        [a.published_meta for a in articles],
        [a.url for a in articles],
        [a.body for a in articles],
        [a.captions for a in articles],
    )
    dated = sum(d is not None for d in published)
    share = f"{dated / len(articles):.0%}" if articles else "-"
    sources = Counter(_publisher(a) for a in articles).most_common(TOP_SOURCES)
    languages = Counter(getattr(a, "language", None) or "?" for a in articles).most_common(TOP_SOURCES)
    bodies = sum(bool(a.body) for a in articles)
    lines = [
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}",
        f"  articles {len(articles)}  with body {bodies}  dated {share}  ({seconds:.2f} s)",
        f"  sources  {', '.join(f'{s} ({n})' for s, n in sources) or '-'}",
        f"  language {', '.join(f'{s} ({n})' for s, n in languages) or '-'}",
    ]
    if published and dated:
        days = sorted(d for d in published if d is not None)
        lines.append(f"  dates    {days[0]} .. {days[-1]}")
    lines += [f"  title    {a.title[:TITLE_CHARS]!r}" for a in articles[:SAMPLE_TITLES]]
    lines += [f"  problem  {p.reason}" for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"  ... {len(problems) - SHOWN_PROBLEMS} more problems")
    if report is not None:
        lines.append(f"  report   {report}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Print one block per file under the roots."""
    roots = [Path(a) for a in argv] or [r for r in DEFAULT_ROOTS if r.exists()]
    for path in iter_input_files(roots):
        print(check(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
