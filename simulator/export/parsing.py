"""Parsing shared by the plain reader and the vendor layouts: the careful text path, and customer ids."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.export.bounds import UTF16_MARKS, _decode
from simulator.export.errors import ROWS_SHOWN, ExportError, _rows

_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


def _readable(data: bytes | Path) -> io.BytesIO | Path:
    return data if isinstance(data, Path) else io.BytesIO(data)


def _column_as_text(data: bytes | Path, delimiter: str, position: int) -> pd.Series:
    """One column of a file the fast path read, again, as its text."""
    return pd.read_csv(
        _readable(data), sep=delimiter, usecols=[position], dtype=str, keep_default_na=False, na_values=[""]
    ).iloc[:, 0]


def _read_text(data: bytes, delimiter: str, header: list[str], mapping: dict[str, int]) -> pd.DataFrame:
    """The careful path: every field as text, so that errors can name their rows.

    Still pandas' C parser (linear in the file, whatever its rows), which
    reports each row with too many fields instead of stopping at the first.
    """
    text = _decode(data)
    utf8 = data if not data.startswith(UTF16_MARKS) else text.encode("utf-8")  # UTF-32's marks too
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


def _customer_ids(values: pd.Series, *, column: str = "customer_id") -> tuple[np.ndarray, pd.Index]:
    """Codes and distinct ids, surrounding spaces dropped (`` a `` is ``a``); ``column`` names the
    file's column."""
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
        raise ExportError(f"column '{column}' is empty in {_rows(values, blank)}; every row needs a customer")
    return codes, customers
