"""Reading an MRR export: one row per customer and month, validated at the boundary.

The canonical frame has columns ``customer_id`` (text, compared exactly
once surrounding spaces are dropped: ``007`` and ``7`` are different
customers, `` 7 `` and ``7`` the same one), ``month`` (a ``pandas.Period``
code: months since 1970-01, as int64), ``mrr`` (float, 0 or at least 0.01)
and, when the file has one, ``segment`` (text).

Every problem is an :class:`ExportError` naming what is wrong, where (the
column and the file's row numbers, counting the header as row 1, as a
spreadsheet does) and how to fix it.

Work and memory are bounded by the file's size, whatever it holds. Before
any parser sees the file, a byte-level scan (two ``find`` calls per
``MAX_ROW_BYTES / 2`` bytes; a file is mapped, not read) refuses a row longer
than :data:`MAX_ROW_BYTES`, and the header and first row are checked against
:data:`MAX_COLUMNS` and the header's width. Months more than
:data:`MAX_MONTHS_SPAN` apart are refused, and so are amounts that would take
a month's MRR past :data:`simulator.levers.MAX_MONEY`. Every allocation
after that is sized by the rows (see :mod:`simulator.metrics`), so reading
and analysing a file of ``B`` bytes peaks below ``40 × B + 300 MB`` (2.3 GB
at the app's 50 MB upload limit; the worst shape measured, 42 MB of unique
timestamps, took 1.1 GB) in time linear in the file: a fraction of a second
for an ordinary export, about 8 s for 50 MB of unique timestamps, the
slowest shape found. tests/test_hostile_engine.py measures both.
"""

from __future__ import annotations

import contextlib
import csv
import io
import mmap
import os
import re
import stat
import warnings
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from simulator.levers import MAX_MONEY

#: The columns an export needs, and the optional one.
REQUIRED_COLUMNS: tuple[str, ...] = ("customer_id", "month", "mrr")
OPTIONAL_COLUMNS: tuple[str, ...] = ("segment",)
#: Other names a column is found under when the file is not mapped.
ALIASES: dict[str, tuple[str, ...]] = {"segment": ("plan",)}

#: How many offending rows an error lists.
ROWS_SHOWN = 5
#: The longest row read, in bytes (the header included); a longer one is refused unparsed.
MAX_ROW_BYTES = 65_536
#: The most columns a header may have.
MAX_COLUMNS = 1_000
#: The most months between an export's first and last month (50 years).
MAX_MONTHS_SPAN = 600
#: The smallest MRR above 0 (a cent): below it, amounts are float residue, not money.
MIN_AMOUNT = 0.01
#: How much of a file that is not a regular file (a pipe, a device) is read when no limit is given.
STREAM_BYTES = 200_000_000

_HEAD_BYTES = 65_536
_TIME = r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+\-](?:[01]\d|2[0-3]):?[0-5]\d)?)?"
_MONTH_PATTERN = rf"^\s*(\d{{4}})-(\d{{1,2}})(?:-(\d{{1,2}}){_TIME})?\s*$"
_SIGN = r"-?"
_EXPONENT = r"(?:[eE][-+]?\d+)?"
#: Amounts written with a decimal point (and maybe thousands commas), or with a decimal comma.
_POINT_STYLE = rf"^{_SIGN}(?:\d{{1,3}}(?:,\d{{3}})+|\d*)(?:\.\d*)?{_EXPONENT}$"
_COMMA_STYLE = rf"^{_SIGN}(?:\d{{1,3}}(?:\.\d{{3}})+|\d*)(?:,\d*)?$"
_CURRENCY = r"^[$€£¥₹]|[$€£¥₹]$|[\s_']"
_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


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
        The file's bytes, or a path to it (a pipe or device is read up to
        ``max_bytes``, or :data:`STREAM_BYTES`).
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
    data, size = _source(source, max_bytes)
    # A path is parsed straight from the file (pandas reads a file faster than a buffer);
    # its first bytes are enough to check it and find the columns.
    head = _read_bytes(data, limit=_HEAD_BYTES)
    head_text = _decode(head, partial=True)
    _refuse_long_rows(data)
    header, delimiter = _header(head_text)
    _refuse_wide_first_row(head_text, delimiter, header, complete=len(head) == size)
    mapping = _resolve_columns(header, columns or {})
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
    amounts = _amounts(raw["mrr"], in_cents=amounts_in_cents)
    _check_money(amounts, month_codes, raw["mrr"], in_cents=amounts_in_cents)
    canonical = {
        # Categorical: the ids as text, already numbered for the analysis.
        "customer_id": pd.Categorical.from_codes(codes, categories=customers, validate=False),
        "month": month_codes,
        "mrr": amounts,
    }
    if "segment" in raw:
        canonical["segment"] = raw["segment"].fillna("(none)").astype("str")
    return pd.DataFrame(canonical, copy=False)


def header_columns(data: bytes) -> list[str]:
    """The column names of an export's header row, to offer for mapping.

    Raises
    ------
    ExportError
        When the file is empty, binary or has no readable header.
    """
    return _header(_decode(data[:_HEAD_BYTES], partial=True))[0]


def parse_months(values: pd.Series) -> np.ndarray:
    """Month codes (months since 1970-01) from ``YYYY-MM`` or ISO dates (with a time of day or not).

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
            "write months as YYYY-MM (2024-03) or as dates (2024-03-31, or 2024-03-31 12:00:00)"
        )
    codes: np.ndarray = (year.to_numpy(dtype=np.int64) - 1970) * 12 + month.to_numpy(dtype=np.int64) - 1
    return codes[row_code]


def check_month_span(first: int, last: int, *, rows: tuple[int, int] | None = None) -> None:
    """Refuse month codes more than :data:`MAX_MONTHS_SPAN` apart.

    Parameters
    ----------
    first, last
        The earliest and latest month codes.
    rows
        The file's rows holding them, to name in the message.

    Raises
    ------
    ExportError
        Naming the first and last month.
    """
    if last - first <= MAX_MONTHS_SPAN:
        return
    start, end = month_labels(np.array([first, last]))
    where = f" (row {rows[0]} and row {rows[1]})" if rows else ""
    raise ExportError(
        f"the months run from {start} to {end}{where}, {last - first:,} months apart; an export covers "
        f"at most {MAX_MONTHS_SPAN} months ({MAX_MONTHS_SPAN // 12} years), so check the month column "
        "for typos such as 1024 for 2024"
    )


def month_labels(codes: np.ndarray) -> list[str]:
    """``YYYY-MM`` labels of month codes."""
    codes = np.asarray(codes, dtype=np.int64)
    return [f"{1970 + c // 12:04d}-{c % 12 + 1:02d}" for c in codes.tolist()]


def _source(source: bytes | str | Path, max_bytes: int | None) -> tuple[bytes | Path, int]:
    """The bytes to read (or the path of a regular file) and their size; refuses more than ``max_bytes``."""
    if isinstance(source, bytes):
        _check_size(len(source), max_bytes)
        return source, len(source)
    path = Path(source)
    try:
        status = path.stat()
    except FileNotFoundError:
        raise ExportError(f"no file at {path}; check the path") from None
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror}") from None
    if stat.S_ISDIR(status.st_mode):
        raise ExportError(f"{path} is a folder, not a CSV file")
    if stat.S_ISREG(status.st_mode):
        _check_size(status.st_size, max_bytes)
        return path, status.st_size
    # A pipe or a device has no size to check: read it up to the limit,
    # once its first bytes look like text (/dev/zero does not).
    limit = STREAM_BYTES if max_bytes is None else max_bytes
    with _open(path) as file:
        head = file.read(_HEAD_BYTES)
        _decode(head, partial=True)
        data = head + file.read(limit + 1 - len(head))
    if len(data) > limit:
        raise ExportError(
            f"{path} holds more than {limit / 1e6:.0f} MB, over the limit; "
            "export fewer months or split it by segment"
        )
    return data, len(data)


def _check_size(size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise ExportError(
            f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit; "
            "export fewer months or split it by segment"
        )


def _read_bytes(source: bytes | Path, *, limit: int | None = None) -> bytes:
    """The file's bytes (its first ``limit`` bytes only, when given)."""
    if isinstance(source, bytes):
        return source if limit is None else source[:limit]
    with _open(source) as file:
        return file.read() if limit is None else file.read(limit)


@contextlib.contextmanager
def _open(path: Path) -> Iterator[BinaryIO]:
    """The file open for reading; opened without waiting, so that a pipe nobody writes to reads as empty."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ExportError(f"no file at {path}; check the path") from None
    except IsADirectoryError:
        raise ExportError(f"{path} is a folder, not a CSV file") from None
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "rb") as file:
            os.set_blocking(descriptor, True)  # a pipe with a writer: wait for its data
            yield file
    except IsADirectoryError:
        raise ExportError(f"{path} is a folder, not a CSV file") from None
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror}") from None


def _refuse_long_rows(source: bytes | Path) -> None:
    """Refuse a row over :data:`MAX_ROW_BYTES` before any parser expands it.

    A row that long contains a whole block of ``MAX_ROW_BYTES // 2`` bytes
    without a line end, so one ``find`` per block finds every candidate;
    only those are measured. A file is mapped, not read.
    """
    if isinstance(source, bytes):
        _refuse_long_rows_in(source)
        return
    try:
        with source.open("rb") as file:
            if os.fstat(file.fileno()).st_size == 0:
                return  # nothing to scan (and nothing to map)
            with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                _refuse_long_rows_in(mapped)
    except OSError as error:
        raise ExportError(f"cannot read {source}: {error.strerror}") from None


def _refuse_long_rows_in(data: bytes | mmap.mmap) -> None:
    size = len(data)
    block = MAX_ROW_BYTES // 2
    start = 0
    while start + block <= size:
        end = start + block
        if data.find(b"\n", start, end) >= 0 or data.find(b"\r", start, end) >= 0:
            start = end
            continue
        # A candidate: measure its row, looking no further than a row may reach.
        low = max(0, start - MAX_ROW_BYTES)
        row_start = max(data.rfind(b"\n", low, start), data.rfind(b"\r", low, start)) + 1
        high = min(size, max(row_start, low) + MAX_ROW_BYTES + 1)
        ends = [at for at in (data.find(b"\n", end, high), data.find(b"\r", end, high)) if at >= 0]
        if (row_start == 0 and low > 0) or (not ends and high < size):
            _too_long(data, start)
        row_end = min(ends, default=size)
        if row_end - row_start > MAX_ROW_BYTES:
            _too_long(data, start)
        start = row_end + 1


def _too_long(data: bytes | mmap.mmap, inside: int) -> None:
    """Refuse the row holding byte ``inside`` (scanning the file once, on the way to an error)."""
    before = data[:inside]
    line_end = b"\n" if b"\n" in before or b"\r" not in before else b"\r"
    row_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    ends = [at for at in (data.find(b"\n", inside), data.find(b"\r", inside)) if at >= 0]
    length = min(ends, default=len(data)) - row_start
    raise ExportError(
        f"row {before.count(line_end) + 1} is {length:,} bytes long, over the {MAX_ROW_BYTES:,} bytes "
        "a row may take; an MRR export has a few short fields a row (customer_id, month, mrr): "
        "check that this is the export, one row per customer and month"
    )


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
    if len(names) > MAX_COLUMNS:
        raise ExportError(
            f"the header has {len(names):,} columns, over the {MAX_COLUMNS:,} an export may have; "
            "export the customer_id, month and mrr columns (and segment, if you like) only"
        )
    return names, delimiter


def _refuse_wide_first_row(text: str, delimiter: str, header: list[str], *, complete: bool) -> None:
    """Refuse a first data row wider than the header: pandas' inference is slow on a wide first row."""
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [row for _, row in zip(range(3), records, strict=False)]
    except csv.Error:
        return  # the readers below say what is wrong
    if len(rows) < 3 and not complete:
        # The head ended inside the first data row (quoted line breaks keep its lines short).
        raise ExportError(
            f"row 2 is over {_HEAD_BYTES:,} bytes long, more than a row may take; an MRR export has a "
            "few short fields a row (customer_id, month, mrr): check for an unclosed quote"
        )
    if len(rows) >= 2 and len(rows[1]) > len(header):
        raise ExportError(
            f"rows have a different number of fields than the header's {len(header)} "
            f"(row 2 has {len(rows[1]):,}); check for a stray delimiter or an unquoted comma in a name"
        )


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
        table["customer_id"] = pd.read_csv(
            _readable(data),
            sep=delimiter,
            usecols=[mapping["customer_id"]],
            dtype=str,
            keep_default_na=False,
            na_values=[""],
        ).iloc[:, 0]
    return table


def _readable(data: bytes | Path) -> io.BytesIO | Path:
    return data if isinstance(data, Path) else io.BytesIO(data)


def _read_text(data: bytes, delimiter: str, header: list[str], mapping: dict[str, int]) -> pd.DataFrame:
    """The careful path: every field as text, so that errors can name their rows.

    Still pandas' C parser (linear in the file, whatever its rows), which
    reports each row with too many fields instead of stopping at the first.
    """
    text = _decode(data)
    utf8 = data if not data.startswith((b"\xff\xfe", b"\xfe\xff")) else text.encode("utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            raw = pd.read_csv(
                io.BytesIO(utf8),
                sep=delimiter,
                dtype=str,
                index_col=False,
                keep_default_na=False,
                na_values=[""],
                on_bad_lines="warn",
            )
        except pd.errors.ParserError as error:
            raise ExportError(_parser_problem(str(error))) from None
    parser_warnings = [str(w.message) for w in caught if issubclass(w.category, pd.errors.ParserWarning)]
    bad = [
        (int(line), int(saw)) for message in parser_warnings for line, _, saw in _BAD_LINE.findall(message)
    ]
    if parser_warnings:
        # pandas' other warning here: the first row has more fields than the header.
        shown = ", ".join(f"row {line} has {saw:,}" for line, saw in bad[:ROWS_SHOWN]) or "row 2 has more"
        more = f" and {len(bad) - ROWS_SHOWN} more" if len(bad) > ROWS_SHOWN else ""
        raise ExportError(
            f"rows have a different number of fields than the header's {len(header)} ({shown}{more}); "
            "check for a stray delimiter or an unquoted comma in a name"
        )
    if raw.shape[1] != len(header):
        raise ExportError(
            f"the header has {len(header)} columns but the rows {raw.shape[1]}; "
            "check the header row for a stray delimiter"
        )
    return pd.DataFrame({name: raw.iloc[:, position] for name, position in mapping.items()}, copy=False)


def _parser_problem(message: str) -> str:
    """A one-line reason from a pandas parser error."""
    unclosed = re.search(r"EOF inside string starting at row (\d+)", message)
    if unclosed:
        return (
            f"a quote opened in row {int(unclosed.group(1)) + 1} is never closed; "
            "close it, or remove the stray quote"
        )
    reason = message.rsplit("C error:", 1)[-1].strip().splitlines()[0] if message.strip() else "unknown"
    return f"the file cannot be read as CSV ({reason}); save it again as 'CSV UTF-8'"


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
                    f"Rename one to '{name}' or map it to '{name}'"
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


def _customer_ids(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes and distinct ids, surrounding spaces dropped (`` a `` is ``a``)."""
    ids = values.astype("str")
    codes, customers = pd.factorize(ids)  # an empty field is missing (code -1)
    stripped = customers.str.strip()
    if not stripped.equals(customers):
        # Rare: spaces around some ids. Merge the ids that differ only by them.
        renumber, stripped = pd.factorize(stripped)
        codes = np.where(codes >= 0, renumber[codes], -1)
        customers = stripped
        empty = np.flatnonzero(customers == "")
        if empty.size:
            codes = np.where(np.isin(codes, empty), -1, codes)
    blank = codes < 0
    if blank.any():
        raise ExportError(
            f"column 'customer_id' is empty in {_rows(values, blank)}; every row needs a customer"
        )
    return codes, customers


def _amounts(values: pd.Series, *, in_cents: bool) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        amounts = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        amounts = _amounts_from_text(values)
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


def _amounts_from_text(values: pd.Series) -> np.ndarray:
    """Amounts written as text: "$1,200.50", "1.200,50 €", "100,50" (a decimal comma), "1 200".

    The column is read one way: with decimal commas when some amount can
    only be read that way ("100,50", "1.200,50") and none only the other way
    ("1,200.50", "12.5"); ambiguous amounts ("1,200", "1.200") then follow
    the column. A column that mixes the two is refused.
    """
    row_code, distinct = pd.factorize(values.astype(str), use_na_sentinel=True)
    cleaned = pd.Series(distinct, dtype=object).str.strip().str.replace(_CURRENCY, "", regex=True)
    point = cleaned.str.fullmatch(_POINT_STYLE).to_numpy(dtype=bool)
    comma = cleaned.str.fullmatch(_COMMA_STYLE).to_numpy(dtype=bool)
    only_point, only_comma = point & ~comma, comma & ~point
    if only_comma.any() and only_point.any():
        per_row = np.append(only_point, False)[row_code], np.append(only_comma, False)[row_code]
        raise ExportError(
            f"column 'mrr' mixes decimal points ({_rows(values, per_row[0], limit=2)}) and decimal commas "
            f"({_rows(values, per_row[1], limit=2)}); write every amount the same way"
        )
    if only_comma.any():
        numeric = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        numeric = cleaned.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(numeric.where(point | comma), errors="coerce").to_numpy(dtype=float)
    return np.append(numbers, np.nan)[row_code]


def _check_money(amounts: np.ndarray, month_codes: np.ndarray, values: pd.Series, *, in_cents: bool) -> None:
    """Refuse amounts that are float residue, or that take a month's MRR over the simulator's limit.

    Every ratio of the metrics then stays finite (a denominator is a cent at
    least, a numerator a few times :data:`~simulator.levers.MAX_MONEY` at
    most), and every scenario built from the data is valid.
    """
    cents = "" if in_cents else ", or read the amounts as cents (the 'amounts in cents' option)"
    tiny = (amounts > 0) & (amounts < MIN_AMOUNT)
    if tiny.any():
        raise ExportError(
            f"column 'mrr' has amounts above 0 but below {MIN_AMOUNT:g} ({_rows(values, tiny)}); "
            "MRR is money: write 0 for a customer who does not pay, or round the amounts to cents"
        )
    huge = amounts > MAX_MONEY
    if huge.any():
        raise ExportError(
            f"column 'mrr' has amounts over {MAX_MONEY:g} a month, the most MRR the simulator models "
            f"({_rows(values, huge)}); check for a misplaced decimal separator{cents}"
        )
    if amounts.sum() <= MAX_MONEY:
        return  # no month can add up to more than all of them
    first = int(month_codes.min())
    # Each amount is at most MAX_MONEY, so no total overflows.
    totals = np.bincount(month_codes - first, weights=amounts)
    over = np.flatnonzero(totals > MAX_MONEY)
    if over.size:
        month = int(over[0])
        row = int(np.flatnonzero(month_codes == first + month)[0]) + 2
        raise ExportError(
            f"the MRR of {month_labels(np.array([first + month]))[0]} (from row {row}) adds up to "
            f"{totals[month]:.4g}, over {MAX_MONEY:g}, the most MRR a month the simulator models; "
            f"check for a misplaced decimal separator{cents}"
        )


def _rows(values: pd.Series, mask: pd.Series | np.ndarray, *, limit: int = ROWS_SHOWN) -> str:
    """'row 3: 'abc', row 7: '-'' for the first offending rows (the header is row 1)."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    shown = ", ".join(f"row {p + 2}: {_shown(values.iat[p])}" for p in positions[:limit])
    more = len(positions) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _shown(value: object) -> str:
    if isinstance(value, (float, int, np.number)) and not isinstance(value, bool):
        return "empty" if np.isnan(value) else f"{value:g}"
    return "empty" if value is None or value == "" else repr(value)
