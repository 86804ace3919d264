"""Reading an MRR export: one row per customer and month, validated at the boundary.

The canonical frame has columns ``customer_id`` (text, compared exactly:
``007`` and ``7`` are different customers), ``month`` (a ``pandas.Period``
code: months since 1970-01, as int64), ``mrr`` (float, ≥ 0) and, when the
file has one, ``segment`` (text).

Every problem is an :class:`ExportError` naming what is wrong, where (the
column and the file's row numbers, counting the header as row 1, as a
spreadsheet does) and how to fix it.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

#: The columns an export needs, and the optional one.
REQUIRED_COLUMNS: tuple[str, ...] = ("customer_id", "month", "mrr")
OPTIONAL_COLUMNS: tuple[str, ...] = ("segment",)
#: Other names a column is found under when the file is not mapped.
ALIASES: dict[str, tuple[str, ...]] = {"segment": ("plan",)}

#: How many offending rows an error lists.
ROWS_SHOWN = 5

_MONTH_PATTERN = r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2})(?:[T ][0-9:.+\-Z]*)?)?\s*$"


class ExportError(ValueError):
    """An MRR export cannot be read; the message says what, where and how to fix it."""


def read_export(
    source: bytes | str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    amounts_in_cents: bool = False,
    max_bytes: int | None = None,
) -> pd.DataFrame:
    """Read and validate an MRR export.

    Parameters
    ----------
    source
        The file's bytes, or a path to it.
    columns
        Which of the file's columns holds each canonical column, e.g.
        ``{"customer_id": "Customer ID", "month": "Date", "mrr": "Amount"}``;
        unmapped canonical names are looked up as they are (ignoring case and
        spaces).
    amounts_in_cents
        Divide the MRR column by 100.
    max_bytes
        Refuse larger files.

    Returns
    -------
    pandas.DataFrame
        The canonical frame described in the module docstring, in file order.

    Raises
    ------
    ExportError
    """
    # A path is parsed straight from the file (pandas reads a file faster than a buffer);
    # its first bytes are enough to check it and find the columns.
    head = _read_bytes(source, limit=65_536)
    size = len(source) if isinstance(source, bytes) else _size(Path(source))
    if max_bytes is not None and size > max_bytes:
        raise ExportError(
            f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit; "
            "export fewer months or split it by segment"
        )
    header, delimiter = _header(_decode(head, partial=True))
    mapping = _resolve_columns(header, columns or {})
    try:
        raw = _read_fast(source if isinstance(source, bytes) else Path(source), delimiter, mapping)
    except (ValueError, pd.errors.ParserWarning):
        # Anything the fast reader refuses (UTF-16, latin-1, ragged rows) is
        # read again as text, to accept it or to say which rows are wrong.
        raw = _read_text(_read_bytes(source), delimiter, mapping)

    if raw.empty:
        raise ExportError("the file has a header row but no data rows")
    columns_read = {name: raw[column] for name, column in mapping.items()}
    # The two heavy hashes, customer ids and month texts, run side by side (both release the GIL).
    with ThreadPoolExecutor(max_workers=2) as pool:
        months = pool.submit(parse_months, columns_read["month"])
        codes, customers = pd.factorize(_customer_ids(columns_read["customer_id"]))
        month_codes = months.result()
    if month_codes.min() == month_codes.max():
        raise ExportError(
            "the file covers a single month; retention compares a month with the one before, "
            "so export at least two months"
        )
    canonical = {
        # Categorical: the ids as text, already numbered for the analysis.
        "customer_id": pd.Categorical.from_codes(codes, categories=customers, validate=False),
        "month": month_codes,
        "mrr": _amounts(columns_read["mrr"], in_cents=amounts_in_cents),
    }
    if "segment" in columns_read:
        canonical["segment"] = columns_read["segment"].fillna("(none)").astype("str")
    frame = pd.DataFrame(canonical, copy=False)
    return frame


def header_columns(data: bytes) -> list[str]:
    """The column names of an export's header row, to offer for mapping.

    Raises
    ------
    ExportError
        When the file is empty, binary or has no readable header.
    """
    return _header(_decode(data[:65_536], partial=True))[0]


def parse_months(values: pd.Series) -> np.ndarray:
    """Month codes (months since 1970-01) from ``YYYY-MM`` or ISO dates.

    Raises
    ------
    ExportError
        Listing the first rows whose month cannot be read.
    """
    # Exports repeat a few dozen distinct months over many rows: parse each once.
    row_code, distinct = pd.factorize(values.astype(str), use_na_sentinel=False)
    text = pd.Series(np.asarray(distinct, dtype=object), dtype=object)
    parts = text.str.extract(_MONTH_PATTERN)
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    day = pd.to_numeric(parts[2], errors="coerce")
    bad = year.isna() | ~month.between(1, 12) | (day.notna() & ~day.between(1, 31))
    if day.notna().any():
        # A day that does not exist (2024-02-30) is a typo, not the end of February.
        dated = pd.to_datetime(text.str.strip().str[:10], format="%Y-%m-%d", errors="coerce")
        bad |= day.notna() & dated.isna()
    if bad.any():
        raise ExportError(
            f"column 'month' has values that are not a month ({_rows(values, bad.to_numpy()[row_code])}); "
            "write months as YYYY-MM (2024-03) or as dates (2024-03-31)"
        )
    codes: np.ndarray = (year.to_numpy(dtype=np.int64) - 1970) * 12 + month.to_numpy(dtype=np.int64) - 1
    return codes[row_code]


def month_labels(codes: np.ndarray) -> list[str]:
    """``YYYY-MM`` labels of month codes."""
    codes = np.asarray(codes, dtype=np.int64)
    return [f"{1970 + c // 12:04d}-{c % 12 + 1:02d}" for c in codes.tolist()]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror}") from None


def _read_bytes(source: bytes | str | Path, *, limit: int | None = None) -> bytes:
    """The file's bytes (its first ``limit`` bytes only, when given)."""
    if isinstance(source, bytes):
        return source if limit is None else source[:limit]
    path = Path(source)
    try:
        with path.open("rb") as file:
            return file.read() if limit is None else file.read(limit)
    except FileNotFoundError:
        raise ExportError(f"no file at {path}; check the path") from None
    except IsADirectoryError:
        raise ExportError(f"{path} is a folder, not a CSV file") from None
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror}") from None


def _decode(data: bytes, *, partial: bool = False) -> str:
    """Text of the file; ``partial`` when ``data`` may end inside a character."""
    if not data.strip():
        raise ExportError("the file is empty; export your MRR as CSV with a header row")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ExportError(
            "this is a spreadsheet (Excel) file, not CSV; save it as 'CSV UTF-8' and upload that"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="ignore" if partial else "strict")
    if b"\x00" in data[:4096]:
        raise ExportError("this is a binary file, not CSV text; export your MRR as CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if partial and error.start >= len(data) - 3:
            return data[: error.start].decode("utf-8-sig")
        line = data[: error.start].count(b"\n") + 1
        raise ExportError(
            f"the file is not UTF-8 text (a byte that UTF-8 cannot read at row {line}); "
            "save it as 'CSV UTF-8' from your spreadsheet"
        ) from None


def _header(text: str) -> tuple[list[str], str]:
    """The header's column names and the delimiter."""
    first_line = text.splitlines()[0] if text.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    if first_line.lstrip().startswith(("{", "[")):
        raise ExportError("this looks like JSON, not a CSV export; export your MRR as CSV")
    names = next(csv.reader([first_line], delimiter=delimiter))
    if len(names) < 2:
        raise ExportError(
            "the first row should name the columns (customer_id, month, mrr), "
            f"but it reads {first_line[:80]!r}"
        )
    return names, delimiter


def _read_fast(data: bytes | Path, delimiter: str, mapping: dict[str, str]) -> pd.DataFrame:
    """The fast path: pandas' C parser with its own type inference, as a plain read_csv.

    Only an empty field is missing (a customer called "NA" is a customer).
    Ids that look like numbers are read again as text, so that 007 stays 007.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)  # ragged rows: take the careful path
        raw = pd.read_csv(
            _readable(data), sep=delimiter, index_col=False, keep_default_na=False, na_values=[""]
        )
    ids = mapping["customer_id"]
    if not pd.api.types.is_string_dtype(raw[ids]):
        raw[ids] = pd.read_csv(
            _readable(data), sep=delimiter, usecols=[ids], dtype=str, keep_default_na=False
        )[ids]
    return raw


def _readable(data: bytes | Path) -> io.BytesIO | Path:
    return data if isinstance(data, Path) else io.BytesIO(data)


def _read_text(data: bytes, delimiter: str, mapping: dict[str, str]) -> pd.DataFrame:
    """The careful path: every field as text, so that errors can name their rows."""
    lines = list(csv.reader(io.StringIO(_decode(data)), delimiter=delimiter))
    header, rows = lines[0], lines[1:]
    row_number = np.arange(2, len(lines) + 1)
    width = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    blank = width == 0
    ragged = ~blank & (width != len(header))
    if ragged.any():
        shown = ", ".join(
            f"row {n} has {w}"
            for n, w in zip(row_number[ragged][:ROWS_SHOWN], width[ragged][:ROWS_SHOWN], strict=True)
        )
        raise ExportError(
            f"rows have a different number of fields than the header's {len(header)} ({shown}); "
            "check for a stray delimiter or an unquoted comma in a name"
        )
    kept = [row for row, empty in zip(rows, blank, strict=True) if not empty]
    table = pd.DataFrame(kept, columns=header, dtype=object)
    return table[list(mapping.values())]


def _normal(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _resolve_columns(present: list[str], chosen: Mapping[str, str]) -> dict[str, str]:
    by_normal = {_normal(c): c for c in present}
    mapping: dict[str, str] = {}
    for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
        column = chosen.get(name)
        if column:
            if column not in present:
                raise ExportError(
                    f"the column '{column}' chosen for {name} is not in the file; "
                    f"its columns are: {', '.join(present)}"
                )
            mapping[name] = column
        elif found := [by_normal[n] for n in (_normal(name), *ALIASES.get(name, ())) if n in by_normal]:
            mapping[name] = found[0]
        elif name in REQUIRED_COLUMNS:
            raise ExportError(
                f"no '{name}' column; the file's columns are: {', '.join(present)}. "
                f"Rename one to '{name}' or map it to '{name}'"
            )
    used = list(mapping.values())
    if len(set(used)) < len(used):
        raise ExportError("one column is mapped to two fields; map each field to its own column")
    return mapping


def _customer_ids(values: pd.Series) -> pd.Series:
    ids = values.astype("str")
    blank = ids.isna()  # the fast reader reads an empty field as missing
    if not blank.any():
        blank = ids == ""
    if blank.any():
        raise ExportError(
            f"column 'customer_id' is empty in {_rows(values, blank)}; every row needs a customer"
        )
    return ids


def _amounts(values: pd.Series, *, in_cents: bool) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values
    else:
        # Text amounts may carry thousands separators and a currency sign: "$1,200.50".
        cleaned = values.astype(str).str.strip().str.replace(r"^[$€£¥]|[,_\s]", "", regex=True)
        numbers = pd.to_numeric(cleaned, errors="coerce")
    amounts = numbers.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(amounts)
    if bad.any():
        raise ExportError(
            f"column 'mrr' has values that are not numbers ({_rows(values, bad)}); "
            "write amounts as plain numbers such as 1200.50"
        )
    negative = amounts < 0
    if negative.any():
        raise ExportError(
            f"column 'mrr' has negative amounts ({_rows(values, negative)}); MRR cannot be below 0, "
            "so leave refunds and credits out of an MRR export"
        )
    return amounts / 100.0 if in_cents else amounts


def _rows(values: pd.Series, mask: pd.Series | np.ndarray) -> str:
    """'row 3: 'abc', row 7: '-'' for the first offending rows (the header is row 1)."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    shown = ", ".join(f"row {p + 2}: {_shown(values.iat[p])}" for p in positions[:ROWS_SHOWN])
    more = len(positions) - ROWS_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _shown(value: object) -> str:
    if isinstance(value, (float, int, np.number)) and not isinstance(value, bool):
        return "empty" if np.isnan(value) else f"{value:g}"
    return "empty" if value is None or value == "" else repr(value)
