"""MRR amounts in an export: decimal points or decimal commas, currency signs, cents, and the money cap."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.export.errors import ExportError, _rows
from simulator.export.months import month_labels
from simulator.levers import MAX_MONEY

#: The smallest MRR above 0 (a cent): below it, amounts are float residue, not money.
MIN_AMOUNT = 0.01
_SIGN = r"-?"
_EXPONENT = r"(?:[eE][-+]?\d+)?"
#: Amounts written with a decimal point (and maybe thousands commas), or with a decimal comma.
_POINT_STYLE = rf"^{_SIGN}(?:\d{{1,3}}(?:,\d{{3}})+|\d*)(?:\.\d*)?{_EXPONENT}$"
_COMMA_STYLE = rf"^{_SIGN}(?:\d{{1,3}}(?:\.\d{{3}})+|\d*)(?:,\d*)?$"
_CURRENCY = r"^[$€£¥₹]|[$€£¥₹]$|[\s_']"


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
