"""The normalized corpus as a Parquet dataset partitioned by month: what DuckDB, Spark and
every warehouse read, for corpora that outgrow one machine."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from loaders.schema import COLUMNS, enforce

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
    if out.exists():
        shutil.rmtree(out)
    building.rename(out)
    return out


def read_parquet(path: Path) -> pd.DataFrame:
    """The article table back from a dataset written by write_parquet."""
    table = ds.dataset(path, format="parquet", partitioning="hive").to_table()
    frame = table.to_pandas().drop(columns=["month"])
    return enforce(frame.loc[:, list(COLUMNS)]).sort_values("article_id", ignore_index=True)
