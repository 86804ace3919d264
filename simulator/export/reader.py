"""Reading an MRR export end to end: find the columns, parse the rows (pandas' C parser), check each value."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.export.amounts import AmountReading, _check_money, read_amounts
from simulator.export.bounds import (
    _HEAD_BYTES,
    _decode,
    _header,
    _read_bytes,
    _refuse_long_rows,
    _refuse_wide_first_row,
    _source,
)
from simulator.export.errors import ExportError
from simulator.export.layouts import (
    LAYOUT,
    Converted,
    ReadingOptions,
    detect_layout,
    known_layouts,
    read_layout,
)
from simulator.export.months import check_month_span, parse_months
from simulator.export.parquet import is_parquet, parquet_as_csv, parquet_columns
from simulator.export.parsing import _column_as_text, _customer_ids, _read_text, _readable

#: The columns an export needs, and the optional one.
REQUIRED_COLUMNS: tuple[str, ...] = ("customer_id", "month", "mrr")
OPTIONAL_COLUMNS: tuple[str, ...] = ("segment",)
#: Other names a column is found under when the file is not mapped.
ALIASES: dict[str, tuple[str, ...]] = {"segment": ("plan",)}


def read_export(
    source: bytes | str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    amounts_in_cents: bool = False,
    max_bytes: int | None = None,
    same_month: str = "ignore",
    rates: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Read and validate an MRR export: the canonical layout, or a vendor's (see
    :mod:`simulator.export.layouts`), recognised from the header when no column is mapped.

    Parameters
    ----------
    source
        The file's bytes, or a path to it (a pipe or device is read up to
        ``max_bytes``, or :data:`STREAM_BYTES`): CSV, or Parquet (read as the
        CSV it would be: :mod:`simulator.export.parquet`).
    columns
        Which of the file's columns holds each canonical column, e.g.
        ``{"customer_id": "Customer ID", "month": "Date", "mrr": "Amount"}``;
        unmapped canonical names are looked up as they are (ignoring case and
        spaces).
    amounts_in_cents
        Divide the MRR column by 100.
    max_bytes
        Refuse larger files.
    same_month
        For a subscriptions layout, a subscription that starts and ends within one month:
        ``"ignore"`` (active at no month's end: left out) or ``"count"`` (counted in that month).
    rates
        The value of one unit of each currency in the reporting currency, for a layout
        with several currencies.

    Returns
    -------
    pandas.DataFrame
        The canonical frame described in the module docstring, in file order;
        ``attrs["amount_reading"]`` says how its amounts were read
        (:class:`~simulator.export.AmountReading`, ``None`` for whole numbers), and
        :func:`export_notes` says it in words, with the layout it was read as.

    Raises
    ------
    ExportError
    """
    if is_parquet(source):  # read as the CSV it would be (simulator.export.parquet)
        source = parquet_as_csv(source, max_bytes=max_bytes)
    data, size = _source(source, max_bytes)
    # A path is parsed straight from the file (pandas reads a file faster than a buffer);
    # its first bytes are enough to check it and find the columns.
    head = _read_bytes(data, limit=_HEAD_BYTES)
    head_text = _decode(head, partial=True)
    _refuse_long_rows(data)
    header, delimiter = _header(head_text)
    _refuse_wide_first_row(head_text, delimiter, header, complete=len(head) == size)
    options = ReadingOptions(same_month=same_month, rates=rates, amounts_in_cents=amounts_in_cents)
    try:
        mapping = _resolve_columns(header, columns or {})
    except ExportError:
        found = None if columns else detect_layout(header)
        if found is None:
            raise
        return _layout_frame(
            read_layout(found, data, delimiter=delimiter, header=header, size=size, options=options)
        )
    try:
        raw = _read_fast(data, delimiter, header, mapping)
    except (ValueError, pd.errors.ParserWarning):
        # Anything the fast reader refuses (UTF-16, latin-1, ragged rows) is
        # read again as text, to accept it or to say which rows are wrong.
        raw = _read_text(_read_bytes(data), delimiter, header, mapping)

    if raw.empty:
        raise ExportError("the file has a header row but no data rows")
    # The two heavy hashes, customer ids and month texts, run side by side (both release the GIL).
    with ThreadPoolExecutor(max_workers=2) as pool:
        months = pool.submit(parse_months, raw["month"])
        codes, customers = _customer_ids(raw["customer_id"])
        month_codes = months.result()
    first, last = int(month_codes.min()), int(month_codes.max())
    if first == last:
        raise ExportError(
            "the file covers a single month; retention compares a month with the one before, "
            "so export at least two months"
        )
    check_month_span(first, last, rows=(int(month_codes.argmin()) + 2, int(month_codes.argmax()) + 2))
    amounts, reading = read_amounts(
        raw["mrr"],
        delimiter=delimiter,
        as_text=lambda: _column_as_text(data, delimiter, mapping["mrr"]),
        in_cents=amounts_in_cents,
    )
    _check_money(amounts, month_codes, raw["mrr"], in_cents=amounts_in_cents)
    canonical = {
        # Categorical: the ids as text, already numbered for the analysis.
        "customer_id": pd.Categorical.from_codes(codes, categories=customers, validate=False),
        "month": month_codes,
        "mrr": amounts,
    }
    if "segment" in raw:
        canonical["segment"] = raw["segment"].fillna("(none)").astype("str")
    export = pd.DataFrame(canonical, copy=False)
    export.attrs[AMOUNTS] = reading
    export.attrs[REPEATS] = _repeated_rows(codes, month_codes - first, amounts, export.get("segment"))
    return export


def _layout_frame(converted: Converted) -> pd.DataFrame:
    """The canonical frame of a vendor's layout, and its recognition line."""
    canonical = {
        "customer_id": pd.Categorical.from_codes(
            converted.codes, categories=converted.customers, validate=False
        ),
        "month": converted.months,
        "mrr": converted.mrr,
    }
    if converted.segments is not None:
        canonical["segment"] = converted.segments[converted.codes]
    export = pd.DataFrame(canonical, copy=False)
    export.attrs[AMOUNTS] = converted.reading
    export.attrs[REPEATS] = None  # rows of one customer and month are added up by the layout
    export.attrs[LAYOUT] = converted.sentence
    return export


#: Where :func:`read_export` leaves how it read the amounts and the rows that repeat (``DataFrame.attrs``).
AMOUNTS = "amount_reading"
REPEATS = "repeated_rows"


def export_notes(export: pd.DataFrame) -> tuple[str, ...]:
    """What reading the file decided or found that its owner should know, one sentence each: the
    layout it was read as, how its amounts were read (decimal points or commas, and why), and rows
    that repeat another exactly."""
    notes = (layout_note(export), amount_note(export), repeated_rows(export))
    return tuple(note for note in notes if note)


def layout_note(export: pd.DataFrame) -> str | None:
    """The vendor layout the file was read as, what it held and how it was converted (None for the
    canonical layout), such as "read as ChartMogul MRR movements: 1,204 movements, 310 customers,
    2021-03..2024-11, cents → dollars"."""
    sentence: str | None = export.attrs.get(LAYOUT)
    return sentence


def amount_note(export: pd.DataFrame) -> str | None:
    """How the amounts were read, in words (None for whole numbers)."""
    reading: AmountReading | None = export.attrs.get(AMOUNTS)
    return reading.sentence() if reading is not None else None


def repeated_rows(export: pd.DataFrame) -> str | None:
    """A warning when some rows repeat an earlier one exactly (an export pasted twice), else None."""
    warning: str | None = export.attrs.get(REPEATS)
    return warning


def _repeated_rows(
    codes: np.ndarray, months: np.ndarray, amounts: np.ndarray, segments: pd.Series | None
) -> str | None:
    """Rows with the customer, month, amount (and segment) of an earlier row. Rows of one customer and
    month add up, which an export pasted twice turns into every MRR counted twice."""
    key = codes.astype(np.int64) * (int(months.max()) + 1) + months
    if bool(np.all(key[1:] > key[:-1])):
        return None  # one row per customer and month, in order: the usual export, checked in one pass
    rows = pd.DataFrame({"key": key, "mrr": amounts})
    if segments is not None:
        rows["segment"] = segments.to_numpy()
    repeated = rows.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return None
    row = int(np.flatnonzero(repeated)[0])
    same = (rows == rows.iloc[row]).all(axis=1).to_numpy()
    twin = int(np.flatnonzero(same)[0])
    return (
        f"{int(repeated.sum()):,} rows repeat an earlier row exactly (row {row + 2} repeats row {twin + 2}: "
        "the same customer, month and amount); rows of one customer and month add up, so an export "
        "pasted twice counts its MRR twice: remove the repeated rows if they are copies"
    )


def header_columns(data: bytes) -> list[str]:
    """The column names of an export's header row, to offer for mapping.

    Raises
    ------
    ExportError
        When the file is empty, binary or has no readable header.
    """
    if is_parquet(data):
        return parquet_columns(data)
    return _header(_decode(data[:_HEAD_BYTES], partial=True))[0]


def _read_fast(
    data: bytes | Path, delimiter: str, header: list[str], mapping: dict[str, int]
) -> pd.DataFrame:
    """The fast path: pandas' C parser with its own type inference, as a plain read_csv.

    Only an empty field is missing (a customer called "NA" is a customer).
    Ids that look like numbers are read again as text, so that 007 stays 007.
    Columns are taken by position (pandas renames a repeated name).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)  # ragged rows: take the careful path
        raw = pd.read_csv(
            _readable(data), sep=delimiter, index_col=False, keep_default_na=False, na_values=[""]
        )
    if raw.shape[1] != len(header):
        raise ValueError("pandas read another header")  # the careful path says what is wrong
    table = pd.DataFrame({name: raw.iloc[:, position] for name, position in mapping.items()}, copy=False)
    if not pd.api.types.is_string_dtype(table["customer_id"]):
        table["customer_id"] = _column_as_text(data, delimiter, mapping["customer_id"])
    return table


def _normal(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _resolve_columns(present: list[str], chosen: Mapping[str, str]) -> dict[str, int]:
    """The position in the header of each canonical column found."""
    mapping: dict[str, int] = {}
    for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
        column = chosen.get(name)
        if column:
            if column not in present:
                raise ExportError(
                    f"the column '{column}' chosen for {name} is not in the file; "
                    f"its columns are: {', '.join(present)}"
                )
            mapping[name] = _only([i for i, c in enumerate(present) if c == column], present, name)
            continue
        for candidate in (_normal(name), *ALIASES.get(name, ())):
            found = [i for i, c in enumerate(present) if _normal(c) == candidate]
            if found:
                mapping[name] = _only(found, present, name)
                break
        else:
            if name in REQUIRED_COLUMNS:
                raise ExportError(
                    f"no '{name}' column; the file's columns are: {', '.join(present)}. "
                    f"Rename one to '{name}' or map it to '{name}'. Nor is it one of the exports read "
                    f"as they come: {known_layouts()}"
                )
    used = list(mapping.values())
    if len(set(used)) < len(used):
        raise ExportError("one column is mapped to two fields; map each field to its own column")
    return mapping


def _only(positions: list[int], present: list[str], name: str) -> int:
    """The one column found for ``name``; two are ambiguous (pandas would read the first silently)."""
    if len(positions) > 1:
        shown = " and ".join(f"'{present[i]}' (column {i + 1})" for i in positions[:2])
        raise ExportError(
            f"{len(positions)} columns could be {name}: {shown}; rename or delete the extra one, "
            f"or map {name} to a column with a name of its own"
        )
    return positions[0]
