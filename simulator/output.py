"""Tables as files: one rounding policy and one writer for every CSV and JSON the app and the CLI write.

The policy, by column name:

- rates and shares (``nrr``, ``grr``, ``share``, ``ratio`` or ``_rate`` in the
  name) are fractions to 6 decimals (1.02 is 102%; 0.000001 is a ten-thousandth
  of a point);
- customer counts (``customers`` in the name) to 2 decimals (a projection's
  counts are expected values);
- a lever's value (the ``from`` and ``to`` of a lever ranking: a rate or a
  count of new customers a month) to 6 decimals;
- every other number is money, to the cent;
- a value that does not exist is an empty CSV field and JSON ``null``.

Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) get a leading apostrophe, as
spreadsheet-safe writers do; numbers are never altered.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any, TextIO

import numpy as np
import pandas as pd

#: The currencies money is written in (a symbol before the amount; no conversion).
CURRENCIES: tuple[str, ...] = ("$", "€", "£", "¥", "₹", "CHF")

RATE_DECIMALS = 6
COUNT_DECIMALS = 2
MONEY_DECIMALS = 2
_RATE_MARKS = ("nrr", "grr", "share", "ratio", "_rate")
_LEVER_VALUES = ("from", "to")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def decimals_of(column: str) -> int:
    """How many decimals a number in ``column`` keeps.

    >>> decimals_of("nrr_trailing_12"), decimals_of("customers"), decimals_of("mrr_vs_first")
    (6, 2, 2)
    >>> decimals_of("to")
    6
    """
    name = column.lower()
    if name in _LEVER_VALUES or any(mark in name for mark in _RATE_MARKS):
        return RATE_DECIMALS
    if "customers" in name:
        return COUNT_DECIMALS
    return MONEY_DECIMALS


def safe_text(value: Any) -> Any:
    """A text cell a spreadsheet shows as text, never runs: ``'=HYPERLINK(…)``.

    >>> safe_text("=SUM(1+1)"), safe_text("Base"), safe_text(-3.5)
    ("'=SUM(1+1)", 'Base', -3.5)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def rounded(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every float column rounded by the policy and every text cell made safe."""
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            out[column] = values.round(decimals_of(str(column))) + 0.0  # + 0.0: no "-0.0"
        elif pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            out[column] = values.map(safe_text)
    return out


def write_table(table: pd.DataFrame, out: TextIO, *, fmt: str) -> None:
    """Write ``table`` as CSV (missing values empty) or a JSON array of objects (missing values null)."""
    table = rounded(table)
    if fmt == "csv":
        table.to_csv(out, index=False, lineterminator="\n")
        return
    rows = [
        {str(key): _json_value(value) for key, value in row.items()}
        for row in table.to_dict(orient="records")
    ]
    json.dump(rows, out, indent=1, allow_nan=False)
    out.write("\n")


def csv_bytes(table: pd.DataFrame) -> bytes:
    """``table`` as UTF-8 CSV bytes, written by :func:`write_table`."""
    out = io.StringIO()
    write_table(table, out, fmt="csv")
    return out.getvalue().encode("utf-8")


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
