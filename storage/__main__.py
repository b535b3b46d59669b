"""Command line: `python -m storage ingest|retag|migrate|show|export-parquet|inspect`."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from loaders.relative import reference_time
from storage.layout import StoreError, default_store
from storage.mappings import saved_mappings

# Each command imports what it runs: `inspect` on a 200 MB file must answer in under 2 s, and
# polars, duckdb and the tagger (ingest, show, export) cost about a second of that at start.

# Width of the text progress bar.
BAR_WIDTH = 30
# Countries listed by `show`.
SHOW_TOP = 10


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m storage", description=__doc__)
    commands = parser.add_subparsers(required=True)
    add = commands.add_parser("ingest", help="add files or folders to the store")
    add.add_argument("paths", nargs="+", type=Path)
    add.add_argument("--store", type=Path, default=None, help="store folder (default: $COVERAGE_STORE)")
    add.add_argument("--source", default=None, help="publisher to record for every article read")
    add.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="take FIELD (title, body, lead, published, url, source, language, captions) from COLUMN "
        "(FIELD= : from no column)",
    )
    add.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        metavar="TIME",
        help='what relative dates ("12 hours ago") count back from: 2024-05-03 or 2024-05-03T10:00Z',
    )
    add.set_defaults(run=_ingest)
    again = commands.add_parser("retag", help="tag the stored articles again after a gazetteer edit")
    again.add_argument("--store", type=Path, default=None, help="store folder (default: $COVERAGE_STORE)")
    again.add_argument(
        "--rules",
        type=Path,
        default=None,
        help="gazetteer folder (default: $COVERAGE_GAZETTEER, else loaders/gazetteer)",
    )
    again.set_defaults(run=_retag)
    move = commands.add_parser(
        "migrate", help="bring a store an earlier version wrote up to this one's layout"
    )
    move.add_argument("--store", type=Path, default=None, help="store folder (default: $COVERAGE_STORE)")
    move.set_defaults(run=_migrate)
    export = commands.add_parser("export-parquet", help="write the store as Parquet partitioned by month")
    export.add_argument("out", type=Path)
    export.add_argument("--store", type=Path, default=None)
    export.set_defaults(run=_export)
    look = commands.add_parser("inspect", help="how files would be read (kind, mapping, dates)")
    look.add_argument("paths", nargs="+")
    look.add_argument(
        "--store", type=Path, default=None, help="whose saved mappings apply (default: $COVERAGE_STORE)"
    )
    look.set_defaults(run=lambda args: _inspect(args.paths, args.store or default_store()))
    show = commands.add_parser("show", help="what a store holds")
    show.add_argument("--store", type=Path, default=None)
    show.set_defaults(run=_show)
    return parser


def _ingest(args: argparse.Namespace) -> int:
    from loaders.normalize import column_mapping
    from storage.ingest import ingest

    store = args.store or default_store()
    mapping = column_mapping(args.map)
    report = ingest(
        args.paths, store, mapping=mapping, source=args.source, progress=_progress, as_of=args.as_of
    )
    print(file=sys.stderr)
    print("\n".join(report.lines()))
    return 0


def _retag(args: argparse.Namespace) -> int:
    from storage.retag import retag  # late: `show` needs no tagger

    report = retag(args.store or default_store(), rules=args.rules)
    print("\n".join(report.lines()))
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from storage.migrate import migrate

    store = args.store or default_store()
    before, after = migrate(store)
    if before == after:
        print(f"{store}: already schema version {after}, nothing to do")
    else:
        print(f"{store}: schema version {before} -> {after}; articles, tags and links unchanged")
    return 0


def _as_of(text: str) -> datetime:
    """--as-of's time, or a usage error that says what it takes."""
    found = reference_time(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"not a date or ISO time: {text!r}")
    return found


def _progress(done: int, total: int, path: str) -> None:
    """A one-line progress bar on stderr, redrawn in place."""
    filled = int(BAR_WIDTH * done / max(total, 1))
    name = Path(path).name[-30:]
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} files  {name:<30}")
    sys.stderr.flush()


def _inspect(paths: list[str], store: Path) -> int:
    from loaders.inspect import main as inspect_main  # late: keeps `show` free of the readers

    return inspect_main(paths, remembered=saved_mappings(store))


def _export(args: argparse.Namespace) -> int:
    from storage.parquet import export_store

    count = export_store(args.store or default_store(), args.out)
    print(f"wrote {count} articles to {args.out}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from storage.query import Filters, Store

    store = Store(args.store or default_store())
    summary = store.summary(Filters())
    countries = store.facets(Filters(), limit=SHOW_TOP)["country"]
    print(f"store: {store.path} (version {store.version}, built {store.built_at})")
    print(f"articles: {summary.articles}  sources: {summary.sources}", end="  ")
    print(f"duplicates folded: {summary.duplicates}")
    print(f"dates: {summary.first} .. {summary.last}  undated: {summary.undated}")
    print("top countries: " + ", ".join(f"{v} {n}" for v, n in countries.itertuples(index=False)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
