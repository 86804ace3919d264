"""The export metrics on Spark: the same SQL as DuckDB's (:mod:`simulator.engines.sql`).

The session is Spark's usual one (``SparkSession.builder.getOrCreate()``): on a
cluster, ``spark-submit`` or ``SPARK_REMOTE`` configure it as for any job; on
its own it runs locally on every core. A file is read by Spark (Parquet, or
CSV with every field as text), a table from the session's catalog (a
Databricks or Hive table: ``--table catalog.schema.table`` without
``--connection``), through JDBC (``--connection jdbc:…``, the vendor's
driver on Spark's class path), or from a DuckDB file through DuckDB.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.engines.errors import EngineMissing, first_line
from simulator.engines.sql import DATE, NUMBER, OTHER, TEXT, Progress, SqlMetrics, _silent, sql_metrics
from simulator.export import ExportError
from simulator.export.parquet import is_parquet

_NUMBER_TYPES = ("tinyint", "smallint", "int", "bigint", "float", "double", "decimal")


def spark_session() -> Any:
    """The active Spark session, or a new local one (UTC, quiet); a message when pyspark is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineMissing(
            "the Spark engine is not installed: pip install pyspark to use --engine spark"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName("nrr-metrics").config("spark.sql.session.timeZone", "UTC")
    from pyspark import SparkConf

    if not SparkConf().contains("spark.master"):
        # On one machine, a few shuffle partitions a core (Spark's 200 are for clusters: on a small
        # export they are 200 tiny tasks a step).
        cores = os.cpu_count() or 1
        builder = builder.master("local[*]").config("spark.sql.shuffle.partitions", str(2 * cores))
        # The driver is the whole cluster here: 2 GB of heap (Spark's 1 GB spills a large export early).
        builder = builder.config("spark.driver.memory", "2g")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    try:
        session = builder.config("spark.ui.enabled", "false").getOrCreate()
    except Exception as error:  # no Java, a bad cluster configuration: one line, not a traceback
        raise EngineMissing(
            f"Spark could not start ({first_line(error)}); it needs Java 17 or later"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkRunner:
    """A Spark session whose temporary view ``source`` is the export."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def frame(self, sql: str, *, watch: Callable[[float], None] | None = None) -> pd.DataFrame:
        rows = self.session.sql(sql).collect()
        names = self.session.sql(sql).columns if not rows else list(rows[0].asDict())
        return pd.DataFrame([tuple(row) for row in rows], columns=names)

    def execute(self, sql: str) -> None:
        self.session.sql(sql)

    def columns(self) -> list[tuple[str, str]]:
        return [
            (name, _kind(kind)) for name, kind in self.session.table("source").dtypes if name != "row_key"
        ]

    def quote(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def materialize(self, name: str, sql: str) -> None:
        self.session.sql(sql).createOrReplaceTempView(name)
        self.session.catalog.cacheTable(name)

    @property
    def by_customer(self) -> str:
        return "PARTITION BY cid"


def _kind(spark_type: str) -> str:
    if spark_type == "string" or spark_type.startswith(("varchar", "char")):
        return TEXT
    if spark_type.startswith(("date", "timestamp")):
        return DATE
    if spark_type.startswith(_NUMBER_TYPES):
        return NUMBER
    return OTHER


def file_frame(session: Any, path: str | Path) -> Any:
    """A Parquet or CSV file as a Spark frame (every CSV field as text)."""
    where = Path(path)
    if not where.exists():
        raise ExportError(f"no file at {where}; check the path")
    if where.is_dir():
        raise ExportError(f"{where} is a folder, not a CSV file")
    if is_parquet(where):
        return session.read.parquet(str(where))
    return session.read.csv(str(where), header=True, inferSchema=False)


def table_frame(session: Any, url: str | None, table: str) -> Any:
    """A table: from the session's catalog (no URL), through JDBC, or from a DuckDB file through DuckDB."""
    if url is None:
        return session.table(table)
    if url.startswith("jdbc:"):
        return session.read.format("jdbc").option("url", url).option("dbtable", table).load()
    if url.startswith("duckdb:///"):
        from simulator.engines.duckdb_engine import connection, table_source

        with connection(spill=False) as con:
            table_source(con, url, table)
            arrow = con.sql("SELECT * EXCLUDE (row_key) FROM source ORDER BY row_key").to_arrow_table()
        return session.createDataFrame(arrow.to_pandas())
    raise ExportError(
        f"--connection {url!r} is not a URL the Spark engine opens: use jdbc:… (with the driver on Spark's "
        "class path), duckdb:///path.db, or no --connection for a table of the session's catalog"
    )


def spark_metrics(
    path: str | Path | None = None,
    *,
    connection_url: str | None = None,
    table: str | None = None,
    columns: Mapping[str, str] | None = None,
    amounts_in_cents: bool = False,
    progress: Progress = _silent,
) -> SqlMetrics:
    """The metrics of a file (``path``) or a table, on Spark.

    Raises
    ------
    ExportError
        What the CSV reader would say of the same data; or what Spark could not read.
    """
    session = spark_session()
    from pyspark.errors import PySparkException
    from pyspark.sql import functions

    try:
        frame = (
            file_frame(session, path)
            if path is not None
            else table_frame(session, connection_url, str(table))
        )
        # Increasing in the file's order (not consecutive across partitions: row numbers are counted).
        frame.withColumn("row_key", functions.monotonically_increasing_id()).createOrReplaceTempView("source")
        return sql_metrics(
            SparkRunner(session), columns=columns, amounts_in_cents=amounts_in_cents, progress=progress
        )
    except PySparkException as error:
        raise ExportError(f"Spark cannot read it: {first_line(error)}") from None
    finally:
        with contextlib.suppress(Exception):
            for name in ("source", "grouped", "customers", "segments"):
                session.catalog.dropTempView(name)  # uncaches it too
