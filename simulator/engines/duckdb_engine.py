"""The export metrics on DuckDB, out of core: a file (Parquet, CSV) or a database table, never loaded whole.

DuckDB runs :mod:`simulator.engines.sql` under a memory limit
(:func:`memory_limit`: half the memory available, at most
2 GB); what does not fit spills to a temporary folder
made for the run and deleted after it, whatever happens. Only files given
on the command line go this way: an upload stays in memory (the page uses
the pandas engine), so nothing uploaded is ever written to disk.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.engines.errors import EngineMissing, first_line
from simulator.engines.sql import DATE, NUMBER, OTHER, TEXT, Progress, SqlMetrics, _silent, sql_metrics
from simulator.export import ExportError
from simulator.export.parquet import is_parquet

#: The most memory DuckDB is given, whatever the machine has (bytes).
MAX_MEMORY_LIMIT = 2_000_000_000
_POLL_SECONDS = 0.5
_NUMBER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "U")


def duckdb_module() -> Any:
    """duckdb, or a message saying how to install it."""
    try:
        import duckdb
    except ImportError:
        raise EngineMissing(
            "the DuckDB engine is not installed: pip install duckdb to use --engine duckdb"
        ) from None
    return duckdb


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable; all of it where /proc/meminfo is missing)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def memory_limit() -> int:
    """DuckDB's memory limit: half the memory available, at most :data:`MAX_MEMORY_LIMIT`."""
    return min(available_memory() // 2, MAX_MEMORY_LIMIT)


class DuckRunner:
    """A DuckDB connection whose view ``source`` is the export."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def frame(self, sql: str, *, watch: Callable[[float], None] | None = None) -> pd.DataFrame:
        if watch is None:
            result: pd.DataFrame = self.connection.execute(sql).df()
            return result
        # DuckDB tells a running query's progress to another thread.
        done = threading.Event()

        def poll() -> None:
            while not done.wait(_POLL_SECONDS):
                with contextlib.suppress(Exception):
                    share = float(self.connection.query_progress())
                    if share >= 0:
                        watch(min(share, 100.0) / 100.0)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        try:
            result = self.connection.execute(sql).df()
        finally:
            done.set()
            poller.join()
        return result

    def execute(self, sql: str) -> None:
        self.connection.execute(sql)

    def columns(self) -> list[tuple[str, str]]:
        described = self.connection.execute("DESCRIBE source").fetchall()
        return [(str(name), _kind(str(kind))) for name, kind, *_ in described if name != "row_key"]

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def materialize(self, name: str, sql: str) -> None:
        self.connection.execute(f"CREATE OR REPLACE TEMPORARY TABLE {name} AS {sql}")

    @property
    def by_customer(self) -> str:
        return ""


def _kind(duck_type: str) -> str:
    upper = duck_type.upper()
    if upper.startswith(("VARCHAR", "STRING", "TEXT")):
        return TEXT
    if upper.startswith(("DATE", "TIMESTAMP")):
        return DATE
    if upper.startswith(_NUMBER_TYPES):
        return NUMBER
    return OTHER


@contextlib.contextmanager
def connection(*, spill: bool = True, limit: int | None = None) -> Iterator[Any]:
    """An in-memory DuckDB under a memory limit; with ``spill``, a temporary folder to spill to, then deleted.

    Without ``spill`` nothing is written to disk (a query that does not fit fails instead).
    """
    duckdb = duckdb_module()
    folder = tempfile.mkdtemp(prefix="nrr-duckdb-") if spill else None
    try:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"SET memory_limit = '{(limit or memory_limit()) // 1_000_000}MB'")
            con.execute(f"SET temp_directory = '{_literal(folder) if folder else ''}'")
            con.execute("SET TimeZone = 'UTC'")  # a timestamp's month is its month in UTC, as in a CSV
            # Its progress is polled (DuckRunner.frame) and drawn by the caller, never printed by DuckDB.
            con.execute("SET enable_progress_bar = true")
            con.execute("SET enable_progress_bar_print = false")
            yield con
        finally:
            con.close()
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _literal(text: str) -> str:
    return text.replace("'", "''")


def file_source(con: Any, path: str | Path) -> None:
    """Make a Parquet or CSV file the view ``source``, with ``row_key`` its row's place in the file."""
    where = Path(path)
    if not where.exists():
        raise ExportError(f"no file at {where}; check the path")
    if where.is_dir():
        raise ExportError(f"{where} is a folder, not a CSV file")
    quoted = _literal(str(where))
    if is_parquet(where):
        # Rows are keyed by their place in the file: the scan need not keep their order (less memory).
        con.execute("SET preserve_insertion_order = false")
        sql = (
            "SELECT * EXCLUDE (file_row_number), file_row_number AS row_key "
            f"FROM read_parquet('{quoted}', file_row_number = true)"
        )
    else:
        # Every field as text, as the CSV reader reads ids ("007" stays 007); its first row is the header.
        sql = (
            "SELECT *, row_number() OVER () AS row_key "
            f"FROM read_csv('{quoted}', all_varchar = true, header = true)"
        )
    _create_source(con, sql)


def table_source(con: Any, url: str, table: str) -> None:
    """Make a database table the view ``source`` (URLs: :func:`attach_statement`)."""
    attach = attach_statement(url)
    try:
        con.execute(attach)
    except duckdb_module().Error as error:
        raise ExportError(f"cannot open {url}: {first_line(error)}") from None
    name = ".".join('"' + part.replace('"', '""') + '"' for part in table.split("."))
    _create_source(con, f"SELECT *, row_number() OVER () AS row_key FROM warehouse.{name}")


def attach_statement(url: str) -> str:
    """DuckDB's ATTACH for a connection URL, read-only."""
    if url.startswith("duckdb:///"):
        return f"ATTACH '{_literal(url.removeprefix('duckdb:///'))}' AS warehouse (READ_ONLY)"
    for prefix, kind in (("postgresql://", "postgres"), ("postgres://", "postgres"), ("mysql://", "mysql")):
        if url.startswith(prefix):
            return f"ATTACH '{_literal(url)}' AS warehouse (TYPE {kind}, READ_ONLY)"
    if url.startswith("bigquery://"):
        project = _literal("project=" + url.removeprefix("bigquery://"))
        return f"ATTACH '{project}' AS warehouse (TYPE bigquery, READ_ONLY)"
    raise ExportError(
        f"--connection {url!r} is not a URL the DuckDB engine opens: use duckdb:///path.db, postgresql://…, "
        "mysql://… or bigquery://project; for Snowflake and Databricks, use --engine spark"
    )


def _create_source(con: Any, sql: str) -> None:
    try:
        con.execute(f"CREATE OR REPLACE TEMPORARY VIEW source AS {sql}")
    except duckdb_module().Error as error:
        raise ExportError(f"DuckDB cannot read it: {first_line(error)}") from None


def duckdb_metrics(
    path: str | Path | None = None,
    *,
    connection_url: str | None = None,
    table: str | None = None,
    columns: Mapping[str, str] | None = None,
    amounts_in_cents: bool = False,
    progress: Progress = _silent,
    limit: int | None = None,
) -> SqlMetrics:
    """The metrics of a file (``path``) or a table (``connection_url`` and ``table``), out of core.

    Raises
    ------
    ExportError
        What the CSV reader would say of the same data; or what DuckDB could not read.
    """
    duckdb = duckdb_module()
    with connection(limit=limit) as con:
        if path is not None:
            file_source(con, path)
        else:
            table_source(con, str(connection_url), str(table))
        try:
            return sql_metrics(
                DuckRunner(con), columns=columns, amounts_in_cents=amounts_in_cents, progress=progress
            )
        except duckdb.OutOfMemoryException as error:
            reason = first_line(error)
            raise ExportError(f"DuckDB ran out of memory even spilling to disk ({reason})") from None
        except duckdb.Error as error:
            raise ExportError(f"DuckDB cannot read it: {first_line(error)}") from None
