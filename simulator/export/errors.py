"""What an export problem is: an error naming the column, the rows (the header is row 1) and the fix."""

from __future__ import annotations

import numpy as np
import pandas as pd


class ExportError(ValueError):
    """An MRR export cannot be read; the message says what, where and how to fix it."""


#: How many offending rows an error lists.
ROWS_SHOWN = 5


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
