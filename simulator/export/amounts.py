"""MRR amounts in an export: decimal points or decimal commas, currency signs, cents, and the money cap.

A file's amounts are read one way, decided from all of them and the file's delimiter
(:class:`AmountReading` says which, and why): a value that can only be read one way
("12.50", "1.200,50", "1,200,000") decides; failing that, semicolons between the
fields decide for decimal commas (the list separator of the locales that write
them). A file that mixes the two ways, or whose amounts read two ways with nothing
to decide ("1.010" is 1010 or 1.01), is refused, naming its rows: never a silent
factor of 1,000.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.export.errors import ExportError, _rows
from simulator.export.months import month_labels
from simulator.levers import MAX_MONEY

#: The smallest MRR above 0 (a cent): below it, amounts are float residue, not money.
MIN_AMOUNT = 0.01
_SIGN = r"-?"
_EXPONENT = r"(?:[eE][-+]?\d+)?"
#: Amounts written with a decimal point (and maybe thousands commas), or with a decimal comma (and
#: maybe thousands points). A thousands group never starts with 0 ("0.500" is half of one).
_POINT_STYLE = rf"^{_SIGN}(?:[1-9]\d{{0,2}}(?:,\d{{3}})+|\d*)(?:\.\d*)?{_EXPONENT}$"
_COMMA_STYLE = rf"^{_SIGN}(?:[1-9]\d{{0,2}}(?:\.\d{{3}})+|\d*)(?:,\d*)?$"
#: One separator before exactly three digits: a thousands separator, or a decimal one.
_TWO_WAYS_POINT = rf"^{_SIGN}[1-9]\d{{0,2}}\.\d{{3}}$"
_TWO_WAYS_COMMA = rf"^{_SIGN}[1-9]\d{{0,2}},\d{{3}}$"
_CURRENCY = r"^[$€£¥₹]|[$€£¥₹]$|[\s_']"
#: How a delimiter is named in a sentence.
_DELIMITERS = {";": "semicolons", ",": "commas", "\t": "tabs", "|": "vertical bars"}


@dataclass(frozen=True)
class AmountReading:
    """How a file's amounts were read, and why.

    ``decimal`` is ``"."`` or ``","``; ``grouped`` whether some amount used the other
    separator between thousands; ``because`` what decided (a value that reads one
    way only, or the delimiter); ``example`` an amount as the file wrote it and as
    it was read, one that could have read the other way when there is one.
    """

    decimal: str
    grouped: bool
    because: str
    example: str | None = None

    def sentence(self) -> str:
        """The reading in words, such as "amounts read with decimal commas and points between
        thousands (row 2: '1.010' is 1010), as the file separates its fields with semicolons…"."""
        kind = "commas" if self.decimal == "," else "points"
        between = ("points" if self.decimal == "," else "commas") if self.grouped else ""
        grouping = f" and {between} between thousands" if between else ""
        example = f" ({self.example})" if self.example else ""
        return f"amounts read with decimal {kind}{grouping}{example}, as {self.because}"


def read_amounts(
    values: pd.Series,
    *,
    delimiter: str,
    as_text: Callable[[], pd.Series],
    in_cents: bool,
    column: str = "mrr",
) -> tuple[np.ndarray, AmountReading | None]:
    """The MRR column as money, and how it was read (``None`` for whole numbers only).

    ``values`` is the column as the fast reader inferred it; ``as_text`` reads it
    again as text, asked for only when its numbers cannot decide (every amount
    with decimals could have been written with three, "1.010").

    Raises
    ------
    ExportError
        Amounts that are not numbers or are negative; a file that mixes the two
        ways of writing amounts, or whose amounts read two ways with nothing to
        decide, naming a row of each kind (``column`` names the file's column).
    """
    reading: AmountReading | None = None
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        amounts = values.to_numpy(dtype=float, na_value=np.nan)
        reading = _numbers_reading(amounts)
        if reading is None and not pd.api.types.is_integer_dtype(values):
            # Floats, none of which proves a decimal point: "5.000" read as 5.0 looks whole.
            values = as_text()
            amounts, reading = _amounts_from_text(values, delimiter, column)
    else:
        amounts, reading = _amounts_from_text(values, delimiter, column)
    bad = ~np.isfinite(amounts)
    if bad.any():
        raise ExportError(
            f"column '{column}' has values that are not numbers ({_rows(values, bad)}); "
            "write amounts as plain numbers such as 1200.50"
        )
    negative = amounts < 0
    if negative.any():
        raise ExportError(
            f"column '{column}' has negative amounts ({_rows(values, negative)}); MRR cannot be below 0, "
            "so leave refunds and credits out of an MRR export"
        )
    return (amounts / 100.0 if in_cents else amounts), reading


def _numbers_reading(amounts: np.ndarray) -> AmountReading | None:
    """The reading of amounts the fast reader already took as numbers (with decimal points), when one
    of them proves it: a fraction no amount written with a separator before three digits could give
    (0.5, 1016.19, 12.3456). ``None`` when none does. The first rows usually hold one, so they are
    looked at first."""
    start = 0
    for size in (4_096, len(amounts)):
        proof = _proof_of_points(amounts[start:size])
        if proof is not None:
            row = start + proof + 2
            value = _number(float(amounts[start + proof]))
            return AmountReading(
                decimal=".",
                grouped=False,
                because=f"amounts such as row {row}'s {value} can only be read that way",
            )
        start = size
    return None


def _proof_of_points(amounts: np.ndarray) -> int | None:
    """The position of the first amount whose fraction proves a decimal point, if any."""
    size = np.abs(amounts)
    with np.errstate(invalid="ignore", over="ignore"):
        fraction = np.isfinite(amounts) & (amounts != np.round(amounts))
        thousandths = size * 1000.0
        could_be_grouped = (size >= 1) & (size < 1000) & (np.abs(thousandths - np.round(thousandths)) < 1e-6)
    proof = np.flatnonzero(fraction & ~could_be_grouped)
    return int(proof[0]) if proof.size else None


def _number(value: float) -> str:
    """A number as a person writes it without separators: 1010, 1.01, 1234567.89."""
    return f"{value:.6f}".rstrip("0").rstrip(".") if math.isfinite(value) else repr(value)


def _amounts_from_text(
    values: pd.Series, delimiter: str, column: str = "mrr"
) -> tuple[np.ndarray, AmountReading | None]:
    """Amounts written as text: "$1,200.50", "1.200,50 €", "100,50" (a decimal comma), "1 200".

    The decimal separator is decided once for the column (see the module's docstring);
    amounts that could read either way follow it.
    """
    row_code, distinct = pd.factorize(values.astype(str), use_na_sentinel=True)
    cleaned = pd.Series(distinct, dtype=object).str.strip().str.replace(_CURRENCY, "", regex=True)
    shapes = _Shapes(values, row_code, cleaned)
    decimal, reading = _decide(shapes, delimiter, column)
    if decimal == ",":
        numeric = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        numeric = cleaned.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(numeric.where(shapes.point | shapes.comma), errors="coerce").to_numpy(dtype=float)
    amounts = np.append(numbers, np.nan)[row_code]
    if reading is not None and shapes.two_ways.any():
        row = shapes.first_row(shapes.two_ways)
        example = f"row {row + 2}: {values.iat[row]!r} is {_number(float(amounts[row]))}"
        reading = dataclasses.replace(reading, example=example)
    return amounts, reading


class _Shapes:
    """How each distinct amount of a column is written, and the rows to name."""

    def __init__(self, values: pd.Series, row_code: np.ndarray, cleaned: pd.Series) -> None:
        self.column, self.row_code, self.cleaned = values, row_code, cleaned
        self.point = cleaned.str.fullmatch(_POINT_STYLE).to_numpy(dtype=bool)
        self.comma = cleaned.str.fullmatch(_COMMA_STYLE).to_numpy(dtype=bool)
        self.two_ways_point = cleaned.str.fullmatch(_TWO_WAYS_POINT).to_numpy(dtype=bool)
        self.two_ways_comma = cleaned.str.fullmatch(_TWO_WAYS_COMMA).to_numpy(dtype=bool)
        self.two_ways = self.two_ways_point | self.two_ways_comma

    def rows(self, distinct: np.ndarray) -> np.ndarray:
        """Per row, whether its amount is one of the ``distinct`` ones marked."""
        marked: np.ndarray = np.append(distinct, False)[self.row_code]
        return marked

    def first_row(self, distinct: np.ndarray) -> int:
        return int(np.flatnonzero(self.rows(distinct))[0])

    def named(self, distinct: np.ndarray, limit: int = 1) -> str:
        return _rows(self.column, self.rows(distinct), limit=limit)

    def uses(self, separator: str) -> bool:
        return bool(self.cleaned.str.contains(separator, regex=False).to_numpy(dtype=bool).any())


def _decide(shapes: _Shapes, delimiter: str, column: str) -> tuple[str, AmountReading | None]:
    """The decimal separator, and the reading to tell (``None``: no amount has a separator)."""
    only_point, only_comma = shapes.point & ~shapes.comma, shapes.comma & ~shapes.point
    if only_comma.any() and only_point.any():
        raise ExportError(
            f"column '{column}' mixes decimal points ({shapes.named(only_point, 2)}) and decimal commas "
            f"({shapes.named(only_comma, 2)}); write every amount the same way"
        )
    for proof, decimal in ((only_point, "."), (only_comma, ",")):
        if proof.any():
            row = shapes.first_row(proof)
            because = f"amounts such as row {row + 2}'s {shapes.column.iat[row]!r} can only be read that way"
            grouped = shapes.uses("," if decimal == "." else ".")
            return decimal, AmountReading(decimal=decimal, grouped=grouped, because=because)
    if shapes.two_ways_point.any() and shapes.two_ways_comma.any():
        raise ExportError(
            f"column '{column}' writes some amounts with a point before three digits "
            f"({shapes.named(shapes.two_ways_point)}) and others with a comma before three digits "
            f"({shapes.named(shapes.two_ways_comma)}): one of the two separates thousands and the other "
            "decimals, so one kind would be read a thousand times off; write every amount the same way, "
            "with its cents (1200.00 and 1.50)"
        )
    if not shapes.two_ways.any():
        return ".", None
    separator = "." if shapes.two_ways_point.any() else ","
    if delimiter == ";":
        because = (
            "the file separates its fields with semicolons, as spreadsheets do where a comma marks decimals"
        )
        return ",", AmountReading(decimal=",", grouped=separator == ".", because=because)
    row = shapes.first_row(shapes.two_ways)
    text = str(shapes.cleaned.iat[shapes.row_code[row]])
    word = {".": "point", ",": "comma"}[separator]
    raise ExportError(
        f"column '{column}' has amounts that read two ways (row {row + 2}: {text!r} is "
        f"{_number(float(text.replace(separator, '')))} with a {word} between thousands, or "
        f"{_number(float(text.replace(separator, '.')))} with a decimal {word}), and nothing else in the "
        f"file says which (no other amount, nor {_DELIMITERS.get(delimiter, 'its delimiter')} between "
        "fields); write the amounts with their cents (1010.00 or 1.010,00), or without a separator "
        "between thousands"
    )


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
