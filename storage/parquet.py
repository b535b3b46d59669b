"""The normalized corpus as a Parquet dataset partitioned by month: what DuckDB, Spark and
every warehouse read, for corpora that outgrow one machine."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from loaders.schema import COLUMNS, empty_articles, enforce
from storage.layout import DATABASE, StoreError, current_generation

# Articles with no date go to this partition rather than being dropped.
UNDATED_PARTITION = "undated"


def write_parquet(articles: pd.DataFrame, out: Path) -> Path:
    """Write the article table under out/month=YYYY-MM/*.parquet, replacing out atomically."""
    frame = enforce(articles).sort_values("article_id", ignore_index=True)
    months = frame["published"].dt.strftime("%Y-%m").fillna(UNDATED_PARTITION)
    table = pa.Table.from_pandas(frame.assign(month=months), preserve_index=False)
    building = out.with_name(f".{out.name}.building-{uuid.uuid4().hex}")
    ds.write_dataset(
        table,
        building,
        format="parquet",
        partitioning=ds.partitioning(pa.schema([("month", pa.string())]), flavor="hive"),
        existing_data_behavior="error",
    )
    building.mkdir(exist_ok=True)  # no rows writes no files: an empty dataset is an empty folder
    if out.exists():
        shutil.rmtree(out)
    building.rename(out)
    return out


def export_store(store: Path, out: Path) -> int:
    """Write a store's article table as the same dataset, streamed by DuckDB (a million articles
    never sit in memory at once); returns the number of articles written."""
    generation = current_generation(store)
    if generation is None:
        raise StoreError("the store is empty: ingest files first")
    columns = ", ".join(f'"{name}"' for name in COLUMNS)
    building = out.with_name(f".{out.name}.building-{uuid.uuid4().hex}")
    with duckdb.connect(str(generation / DATABASE), read_only=True) as con:
        count = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        con.execute(
            f"COPY (SELECT {columns}, coalesce(strftime(published, '%Y-%m'), '{UNDATED_PARTITION}') AS month"
            " FROM articles a JOIN (SELECT copy_key, body, captions FROM copies) USING (copy_key)"
            f" ORDER BY article_id) TO '{_quoted(building)}'"
            " (FORMAT parquet, PARTITION_BY (month))"
        )
    if out.exists():
        shutil.rmtree(out)
    building.rename(out)
    return int(count)


def _quoted(path: Path) -> str:
    # COPY ... TO takes a literal, not a parameter: double any quote in the folder name.
    return str(path).replace("'", "''")


def read_parquet(path: Path) -> pd.DataFrame:
    """The article table back from a dataset written by write_parquet."""
    if not any(path.rglob("*.parquet")):
        return empty_articles()
    table = ds.dataset(path, format="parquet", partitioning="hive").to_table()
    frame = table.to_pandas().drop(columns=["month"])
    return enforce(frame.loc[:, list(COLUMNS)]).sort_values("article_id", ignore_index=True)
