"""Parquet exports: read as the CSV they would be, in memory, so that one reader validates both.

A Parquet file (its first bytes are ``PAR1``) is written out as CSV text in
memory, a batch of rows at a time, and that text goes through the CSV reader
(:func:`simulator.export.read_export`): the same column names and aliases, the
same months, amounts and bounds, the same :class:`ExportError` messages. Rows
are named as in that CSV: the header is row 1, the file's first row row 2.

Numbers keep their meaning on the way: a float such as 1.234 is written
1.2340, never text that reads two ways ("1.234" is 1234 with a comma between
thousands). The CSV is held to the reader's byte limit (``max_bytes``), so the
bounds on memory documented in :mod:`simulator.export` hold for Parquet too,
counted on the CSV; a larger file is for an engine that reads Parquet itself
(:mod:`simulator.engines`). Nothing is written to disk.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from simulator.export.errors import ExportError

#: The first (and last) four bytes of every Parquet file.
PARQUET_MAGIC = b"PAR1"
#: Rows converted at a time, checked against the byte limit after each batch.
_BATCH_ROWS = 65_536
#: A float written with one separator before three digits reads two ways; a trailing 0 says which.
_TWO_WAYS = r"^-?[1-9][0-9]{0,2}[.][0-9]{3}$"


def is_parquet(source: bytes | str | Path) -> bool:
    """Whether ``source`` (bytes, or the path of a regular file) is a Parquet file."""
    if isinstance(source, bytes):
        return source[:4] == PARQUET_MAGIC
    try:
        if not stat.S_ISREG(os.stat(source).st_mode):
            return False  # a pipe is read once, as CSV
        with open(source, "rb") as file:
            return file.read(4) == PARQUET_MAGIC
    except OSError:
        return False  # the CSV reader says what is wrong with the path


def pyarrow_module() -> Any:
    """pyarrow, or an ExportError saying how to install it."""
    try:
        import pyarrow
    except ImportError:
        raise ExportError("reading Parquet needs pyarrow: pip install pyarrow") from None
    return pyarrow


def parquet_columns(source: bytes | str | Path) -> list[str]:
    """The column names of a Parquet file (its schema), to offer for mapping."""
    return [field.name for field in _open(source).schema_arrow]


def parquet_as_csv(source: bytes | str | Path, *, max_bytes: int | None = None) -> bytes:
    """The Parquet file as CSV bytes (UTF-8, comma-separated, a header row).

    Raises
    ------
    ExportError
        When pyarrow cannot read the file, or its CSV would be over ``max_bytes``.
    """
    pa = pyarrow_module()
    parquet = _open(source)
    schema = parquet.schema_arrow
    # Nested columns (lists, structs) cannot be a customer, a month or an amount: left out.
    kept = [field.name for field in schema if not pa.types.is_nested(field.type)]
    try:
        batches = parquet.iter_batches(batch_size=_BATCH_ROWS, columns=kept)
        return batches_as_csv(
            batches, kept, max_bytes=max_bytes, rows=parquet.metadata.num_rows, what="Parquet file"
        )
    except pa.ArrowException as error:
        raise ExportError(_unreadable(error)) from None


def batches_as_csv(batches: Any, names: list[str], *, max_bytes: int | None, rows: int, what: str) -> bytes:
    """Arrow record batches (a Parquet file's, a table's) as CSV bytes, within ``max_bytes``."""
    pa = pyarrow_module()
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    sink = pa.BufferOutputStream()
    writer: Any = None
    try:
        for batch in batches:
            columns = [_as_text(column, pa, pc) for column in batch.columns]
            table = pa.Table.from_arrays(columns, names=names)
            if writer is None:
                writer = pa_csv.CSVWriter(sink, table.schema)
            writer.write_table(table)
            if max_bytes is not None and sink.tell() > max_bytes:
                raise ExportError(
                    f"the {what}'s {rows:,} rows are over "
                    f"{max_bytes / 1e6:.0f} MB as CSV, over the limit; "
                    "export fewer months or split it by segment"
                )
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # not one batch: a header and no rows
        return (",".join(_quoted(name) for name in names) + "\n").encode("utf-8")
    data: bytes = sink.getvalue().to_pybytes()
    return data


def _open(source: bytes | str | Path) -> Any:
    pa = pyarrow_module()
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(pa.BufferReader(source) if isinstance(source, bytes) else str(source))
    except (pa.ArrowException, OSError) as error:
        raise ExportError(_unreadable(error)) from None


def _unreadable(error: Exception) -> str:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return (
        f"the file starts as Parquet but cannot be read as Parquet ({reason}); "
        "save it again as Parquet or CSV"
    )


def _as_text(column: Any, pa: Any, pc: Any) -> Any:
    """A column as the text the CSV reader reads back to the same values."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_floating(column.type):
        text = pc.cast(column, pa.string())
        return pc.if_else(
            pc.match_substring_regex(text, _TWO_WAYS), pc.binary_join_element_wise(text, "0", ""), text
        )
    if (
        pa.types.is_decimal(column.type)
        or pa.types.is_binary(column.type)
        or pa.types.is_large_binary(column.type)
    ):
        return pc.cast(column, pa.string())
    return column


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"' if any(ch in name for ch in ',"\r\n') else name
