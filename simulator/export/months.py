"""Months in an export: YYYY-MM or ISO dates read into month codes (months since 1970-01), and their span."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.export.errors import ExportError, _rows

#: The most months between an export's first and last month (50 years).
MAX_MONTHS_SPAN = 600
_TIME = r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+\-](?:[01]\d|2[0-3]):?[0-5]\d)?)?"
_MONTH_PATTERN = rf"^\s*(\d{{4}})-(\d{{1,2}})(?:-(\d{{1,2}}){_TIME})?\s*$"


def parse_months(values: pd.Series, *, column: str = "month") -> np.ndarray:
    """Month codes (months since 1970-01) from ``YYYY-MM`` or ISO dates (with a time of day or not);
    ``column`` names the file's column in a message.

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
            f"column '{column}' has values that are not a month ({_rows(values, bad.to_numpy()[row_code])}); "
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
