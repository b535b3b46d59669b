"""Re-tag a built store after a gazetteer or taxonomy edit, from the title, body and captions it
keeps (no source file is read again), as a new generation swapped in like an ingest.

The live generation is copied aside, its tags and mentions are replaced there and the page's
tables derived again (loaders/fold.py); CURRENT moves only once that is complete, so a failure
leaves the store as it was. The report says what changed: tags added and removed per kind.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from loaders.entities import Gazetteer, load_gazetteer, tag_articles
from loaders.fold import LIST, TAG_COLUMNS
from storage.build import BUILD_MEMORY_LIMIT, StoreBuilder, open_fulltext
from storage.layout import (
    DATABASE,
    FULLTEXT,
    building,
    check_schema,
    publish,
    rewriting,
)

# Distinct texts tagged at a time: bounds memory as an ingest batch does.
RETAG_BATCH = 20_000
# Values listed in the report, most changed first.
REPORT_TOP = 10
# The label of primary countries among the report's kinds (they are a column, not a mention kind).
PRIMARY = "country (primary)"
# Every tag of a generation as (article_id, kind, value): mentions, and primary countries.
_ALL_TAGS = (
    "SELECT article_id, kind, value FROM mentions"
    f" UNION ALL SELECT article_id, '{PRIMARY}', unnest(countries_primary) FROM texts"
)


@dataclass
class RetagReport:
    """What one retag changed."""

    texts: int = 0
    version_before: str = ""
    version: str = ""
    # kind -> (tags added, tags removed); a tag is one (article, kind, value)
    changes: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (kind, value, articles gained or lost), largest first
    top: list[tuple[str, str, int]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary a person reads after a retag."""
        out = [f"texts re-tagged: {self.texts}"]
        if not any(added or removed for added, removed in self.changes.values()):
            return [*out, f"no tag changed; store version stays {self.version}"]
        out += [f"  {kind}: +{added} -{removed}" for kind, (added, removed) in sorted(self.changes.items())]
        out += ["most changed values:"]
        out += [f"  {kind} {value}: {n:+d} articles" for kind, value, n in self.top]
        out.append(f"store version: {self.version_before} -> {self.version}")
        return out


def retag(store: Path, rules: Path | None = None, batch: int = RETAG_BATCH) -> RetagReport:
    """Re-tag every text of the store with the gazetteer in rules (default: the one ingest uses,
    loaders.gazetteer.rules_dir()) and swap the result in as the store's next generation."""
    gazetteer = load_gazetteer(rules)
    with rewriting(store) as live, building(store, live) as folder:
        report = _retag_folder(folder, gazetteer, batch)
        if report.version != report.version_before:
            publish(store, folder, f"gen-{report.version}")
    return report


def _retag_folder(folder: Path, gazetteer: Gazetteer, batch: int) -> RetagReport:
    """Replace the tags of the generation in folder; derive its tables again when they changed."""
    (folder / "spill").mkdir()
    config = {"memory_limit": BUILD_MEMORY_LIMIT, "temp_directory": str(folder / "spill")}
    with (
        contextlib.closing(duckdb.connect(str(folder / DATABASE), config=config)) as con,
        contextlib.closing(open_fulltext(str(folder / FULLTEXT))) as fulltext,
    ):
        check_schema(con)
        report = RetagReport(version_before=_meta(con, "corpus_version"))
        con.execute(f"CREATE TEMP TABLE old_tags AS {_ALL_TAGS}")
        report.texts = _write_new_tags(con, gazetteer, batch)
        _report_changes(con, report)
        if not any(added or removed for added, removed in report.changes.values()):
            report.version = report.version_before
            return report
        StoreBuilder(con, fulltext).finish()
        report.version = _tagged_version(con)
        con.execute("UPDATE meta SET value = ? WHERE key = 'corpus_version'", [report.version])
        con.execute("CHECKPOINT")
    shutil.rmtree(folder / "spill", ignore_errors=True)
    return report


def _write_new_tags(con: duckdb.DuckDBPyConnection, gazetteer: Gazetteer, batch: int) -> int:
    """Tag each distinct text again from its first stored copy; mentions and tag columns replaced."""
    columns = ", ".join(f"{name} VARCHAR[]" for name in TAG_COLUMNS)
    con.execute(f"CREATE TEMP TABLE new_tags (seq INTEGER, {columns})")
    con.execute("DELETE FROM mentions")
    reading = con.cursor()  # a second cursor reads the texts while this one writes
    reader = reading.sql(
        "SELECT t.seq, t.article_id, c.title, c.body, c.captions FROM texts t JOIN"
        " (SELECT DISTINCT ON (article_id) article_id, title, body, captions FROM copies"
        "  ORDER BY article_id, rowid) c USING (article_id) ORDER BY t.seq"
    ).to_arrow_reader(batch_size=batch)
    done = 0
    try:
        for chunk in reader:
            rows = chunk.to_pydict()
            captions = [c or [] for c in rows["captions"]]
            tags = tag_articles(
                [t or "" for t in rows["title"]], [b or "" for b in rows["body"]], captions, gazetteer
            )
            table = pa.table(
                {
                    "seq": pa.array(rows["seq"], type=pa.int32()),
                    **{name: pa.array(getattr(tags, name), type=LIST) for name in TAG_COLUMNS},
                }
            )
            ids = rows["article_id"]
            mentions = tags.mentions.assign(article_id=[ids[p] for p in tags.mentions["position"]])
            con.register("retagged", table)
            long = mentions.loc[:, ["article_id", "kind", "value", "count", "evidence"]]
            con.register("retagged_mentions", long)
            try:
                con.execute("INSERT INTO new_tags SELECT * FROM retagged")
                con.execute("INSERT INTO mentions SELECT * FROM retagged_mentions")
            finally:
                con.unregister("retagged")
                con.unregister("retagged_mentions")
            done += chunk.num_rows
    finally:
        reading.close()
    assignments = ", ".join(f"{name} = n.{name}" for name in TAG_COLUMNS)
    con.execute(f"UPDATE texts SET {assignments} FROM new_tags n WHERE texts.seq = n.seq")
    return done


def _report_changes(con: duckdb.DuckDBPyConnection, report: RetagReport) -> None:
    """Tags added and removed per kind, and the values that gained or lost most articles."""
    con.execute(
        # Set operations bind left to right: the union of all tags is one subquery on each side.
        f"CREATE TEMP TABLE changed AS SELECT *, 1 AS delta FROM"
        f" (SELECT * FROM ({_ALL_TAGS}) EXCEPT SELECT * FROM old_tags)"
        f" UNION ALL SELECT *, -1 AS delta FROM (SELECT * FROM old_tags EXCEPT SELECT * FROM ({_ALL_TAGS}))"
    )
    per_kind = con.execute(
        "SELECT kind, count(*) FILTER (delta > 0), count(*) FILTER (delta < 0) FROM changed GROUP BY kind"
    ).fetchall()
    report.changes = {kind: (int(added), int(removed)) for kind, added, removed in per_kind}
    top = con.execute(
        "SELECT kind, value, sum(delta) AS n FROM changed GROUP BY kind, value HAVING n <> 0"
        " ORDER BY abs(n) DESC, kind, value LIMIT ?",
        [REPORT_TOP],
    ).fetchall()
    report.top = [(kind, value, int(n)) for kind, value, n in top]


def _tagged_version(con: duckdb.DuckDBPyConnection) -> str:
    """The corpus version with the tags in it: a link made before the retag says the corpus
    changed, since its counts may have."""
    row = con.execute(
        "SELECT md5((SELECT value FROM meta WHERE key = 'corpus_version') || coalesce((SELECT"
        " string_agg(article_id || kind || value, ',' ORDER BY article_id, kind, value)"
        f" FROM ({_ALL_TAGS})), ''))"
    ).fetchall()[0]
    return row[0][:12]


def _meta(con: duckdb.DuckDBPyConnection, key: str) -> str:
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else ""
