"""Where the export metrics run: pandas in memory, or where the data lives (DuckDB out of core, Spark).

The pandas engine (:func:`simulator.metrics.analyse`) holds the export in
memory; DuckDB (:mod:`simulator.engines.duckdb_engine`) and Spark
(:mod:`simulator.engines.spark_engine`) run one SQL text
(:mod:`simulator.engines.sql`) on a file or a table and bring back only the
monthly table. All three give the same table, to the cent
(tests/test_engines.py runs one suite on each). DuckDB and Spark are
optional: without them, asking for them says what to pip install.

``auto`` (the command line's default) is pandas unless the file is too large
for memory (:func:`too_large`), then DuckDB.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulator.engines.errors import EngineMissing
from simulator.engines.sql import Progress, SqlMetrics, _silent
from simulator.export import ExportError, export_notes, read_export
from simulator.export.parquet import batches_as_csv, is_parquet
from simulator.metrics import ExportMetrics, analyse

ENGINES: tuple[str, ...] = ("auto", "pandas", "duckdb", "spark")
#: The pandas engine's peak memory, per byte of CSV and in all (simulator.export's documented bound).
PANDAS_BYTES_PER_CSV_BYTE = 40
PANDAS_BASE_BYTES = 300_000_000
#: The bytes of CSV a Parquet row is counted as (an id, a month, an amount: 30 to 40 as text).
CSV_BYTES_PER_ROW = 32

__all__ = [
    "ENGINES",
    "EngineMissing",
    "Measured",
    "SqlMetrics",
    "choose_engine",
    "measure",
    "too_large",
]


@dataclass(frozen=True)
class Measured:
    """An export's metrics and how they were read: the engine used, the reader's notes."""

    result: ExportMetrics | SqlMetrics
    engine: str
    notes: tuple[str, ...]

    @property
    def monthly(self) -> pd.DataFrame:
        return self.result.monthly


def csv_equivalent_bytes(path: str | Path) -> int:
    """A file's size as CSV: its size, or a Parquet file's rows × :data:`CSV_BYTES_PER_ROW`."""
    if is_parquet(path):
        from simulator.export.parquet import _open

        rows: int = _open(path).metadata.num_rows
        return rows * CSV_BYTES_PER_ROW
    return Path(path).stat().st_size


def too_large(path: str | Path, *, max_bytes: int | None, available: int | None = None) -> bool:
    """Whether a file is too large for the pandas engine: its CSV size over ``max_bytes`` (the
    command line's limit), or the pandas engine's peak (``40 × CSV bytes + 300 MB``) over half
    the memory available now."""
    from simulator.engines.duckdb_engine import available_memory

    size = csv_equivalent_bytes(path)
    peak = PANDAS_BYTES_PER_CSV_BYTE * size + PANDAS_BASE_BYTES
    memory = available_memory() if available is None else available
    return (max_bytes is not None and size > max_bytes) or peak > memory // 2


def choose_engine(engine: str, path: str | Path | None, *, max_bytes: int | None) -> str:
    """The engine to run: as asked; ``auto`` is DuckDB on a table or a file too large for memory, else pandas.

    Raises
    ------
    EngineMissing
        ``auto`` wants DuckDB for a large file and it is not installed.
    """
    if engine != "auto":
        return engine
    if path is None:
        return "duckdb"
    try:
        large = Path(path).is_file() and too_large(path, max_bytes=max_bytes)
    except (OSError, ExportError):
        return "pandas"  # the reader says what is wrong with the file
    if not large:
        return "pandas"
    try:
        import duckdb  # noqa: F401
    except ImportError:
        raise EngineMissing(
            "the file is too large to read in memory: pip install duckdb to read it out of core "
            "(--engine duckdb)"
        ) from None
    return "duckdb"


def measure(
    path: str | Path | None = None,
    *,
    engine: str = "auto",
    connection_url: str | None = None,
    table: str | None = None,
    columns: Mapping[str, str] | None = None,
    amounts_in_cents: bool = False,
    max_bytes: int | None = None,
    progress: Progress = _silent,
) -> Measured:
    """The metrics of a file (``path``) or a table (``connection_url`` and ``table``) on an engine.

    Raises
    ------
    ExportError
        The reader's message for bad data; :class:`EngineMissing` for an engine not installed.
    """
    chosen = choose_engine(engine, path if table is None else None, max_bytes=max_bytes)
    if chosen in ("duckdb", "spark"):
        from simulator.engines.duckdb_engine import duckdb_metrics
        from simulator.engines.spark_engine import spark_metrics

        result = (duckdb_metrics if chosen == "duckdb" else spark_metrics)(
            path,
            connection_url=connection_url,
            table=table,
            columns=columns,
            amounts_in_cents=amounts_in_cents,
            progress=progress,
        )
        return Measured(result, chosen, ())
    progress(0.0, "reading the export")
    if table is not None:
        source: bytes | str | Path = _table_as_csv(str(connection_url), table, max_bytes)
    elif path is not None:
        source = path
    else:
        raise ExportError("give a file, or a table with --connection and --table")
    export = read_export(source, columns=columns, amounts_in_cents=amounts_in_cents, max_bytes=max_bytes)
    progress(0.5, "computing the monthly bridge")
    analysed = analyse(export)
    progress(1.0, "done")
    return Measured(analysed, "pandas", export_notes(export))


def _table_as_csv(url: str, table: str, max_bytes: int | None) -> bytes:
    """A database table as CSV bytes for the pandas engine, in memory (read through DuckDB)."""
    from simulator.engines.duckdb_engine import connection, table_source

    with connection(spill=False) as con:
        table_source(con, url, table)
        rows = int(con.execute("SELECT count(*) FROM source").fetchall()[0][0])
        reader = con.sql("SELECT * EXCLUDE (row_key) FROM source ORDER BY row_key").to_arrow_reader(65_536)
        return batches_as_csv(reader, list(reader.schema.names), max_bytes=max_bytes, rows=rows, what="table")
