"""Billing exports as their vendors write them, read into the canonical long frame.

Each layout is recognised from its header (:data:`LAYOUTS`, tried in order when
the file has no ``customer_id, month, mrr`` columns and none were mapped) and
converted by one small function over whole columns:

- **Stripe, MRR per subscriber per month** and **a spreadsheet with customers down and
  months across** (``2023-01``, ``Jan 2023``, ``01/2023``…): one cell per customer and
  month, in major units (a spreadsheet's amounts may carry currency signs and
  thousands separators, read as :mod:`simulator.export.amounts` reads any amount).
- **ChartMogul, MRR movements**: the ``MRR`` after each movement (cents) holds until
  the customer's next movement; the movements must add up to it, in date order.
- **Stripe, subscriptions export** and **Baremetrics, subscription import**: each
  subscription pays its amount turned monthly (a year ÷ 12, a week × 52 ÷ 12, a day
  × 365 ÷ 12, divided by its interval count) in every month whose end it is active
  at: from its start's month up to the month before the one it ends in. A
  subscription that starts and ends within one month is active at no month's end:
  ``same_month="ignore"`` (the default) leaves it out, as ProfitWell does;
  ``"count"`` counts it in that month (new, then churned the month after). Stripe's
  export is a snapshot: it has each subscription's current amount only.
- **dbt_stripe, stripe__subscription_item_mrr_report** and **Chargebee,
  subscription_mrr_monthly_summary**: already one row per month, per subscription
  item or subscription: added up per customer.

The export runs to the month of its latest date (for subscriptions and movements,
which have no rows for the months in which nothing happened).

One reporting currency: a file with several currencies is converted with the
``rates`` given (each the value of one unit in the reporting currency), or with the
rate the vendor writes on each row (Chargebee's ``exchange_rate``); with two or more
currencies left without a rate it is refused, naming them.

Work and memory stay bounded by the file: a layout that spreads a row over months
(subscriptions, movements) is refused before spreading when it would give more
customer-months than :func:`max_customer_months` allows its size.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pa_csv

from simulator.export.amounts import MIN_AMOUNT, AmountReading, read_amounts
from simulator.export.bounds import UTF16_MARKS, _read_bytes
from simulator.export.errors import ExportError, _rows
from simulator.export.months import check_month_span, month_labels
from simulator.export.parsing import _column_as_text, _customer_ids, _read_text, _readable
from simulator.levers import MAX_MONEY

#: How a subscription that starts and ends in the same month is counted (the first is the default).
SAME_MONTH_RULES: tuple[str, ...] = ("ignore", "count")
#: Where :func:`~simulator.export.read_export` leaves the recognition line (``DataFrame.attrs``).
LAYOUT = "layout_reading"
#: Customer-months a layout may spread into, beyond one per 8 bytes of the file (see the module docstring).
CUSTOMER_MONTHS_ALLOWANCE = 2_000_000

_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_NAMED_MONTH = re.compile(r"^([a-z]{3,9})\.?[\s\-'/]*(\d{4}|\d{2})$")
_MONTHLY = {"day": 365 / 12, "week": 52 / 12, "month": 1.0, "quarter": 1 / 3, "year": 1 / 12}
_INTERVAL = re.compile(r"^(?:every\s*)?(\d+)?\s*([a-z]+?)(?:s|ly)?$")
_INTERVAL_WORDS = {"annual": "year", "annually": "year", "dai": "day", "yearly": "year"}
_MONEY_NAMES = {"USD": "dollars", "CAD": "dollars", "AUD": "dollars", "EUR": "euros", "GBP": "pounds"}
_ROW = re.compile(r"\brow (\d+)")


@dataclass(frozen=True)
class ReadingOptions:
    """How a layout is read: ``same_month`` one of :data:`SAME_MONTH_RULES`; ``rates`` the value of
    one unit of each currency in the reporting currency; ``amounts_in_cents`` for a layout in major
    units whose file holds cents."""

    same_month: str = "ignore"
    rates: Mapping[str, float] | None = None
    amounts_in_cents: bool = False

    def __post_init__(self) -> None:
        if self.same_month not in SAME_MONTH_RULES:
            raise ExportError(
                f"same_month is {self.same_month!r}; it is one of {', '.join(SAME_MONTH_RULES)}"
            )


@dataclass(frozen=True)
class Converted:
    """A layout read as one row per customer and month: customer codes into ``customers``, month codes,
    MRR (summed per customer and month), how the amounts were read and the recognition line; and each
    customer's segment (by code), when the file has one."""

    codes: np.ndarray
    customers: pd.Index
    months: np.ndarray
    mrr: np.ndarray
    reading: AmountReading | None
    sentence: str
    segments: np.ndarray | None = None


@dataclass(frozen=True)
class _File:
    """What a converter reads from: the file, its delimiter and header, its size and the options."""

    data: bytes | Path
    delimiter: str
    header: list[str]
    size: int
    options: ReadingOptions

    def table(self, positions: Mapping[str, int], *, text: tuple[str, ...] = ()) -> pd.DataFrame:
        """The columns at ``positions``, named by their roles; those in ``text`` as text (ids, dates)."""
        used = sorted(set(positions.values()))
        try:
            table = self._arrow_table(positions, text=text)
            if table is not None:
                return table
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                raw = pd.read_csv(
                    _readable(self.data),
                    sep=self.delimiter,
                    usecols=used,
                    dtype={positions[role]: str for role in text if role in positions},
                    index_col=False,
                    keep_default_na=False,
                    na_values=[""],
                    on_bad_lines="error",
                )
            if raw.shape[1] != len(used):
                raise ValueError("pandas read another header")
            column = {position: raw.iloc[:, i] for i, position in enumerate(used)}
            table = pd.DataFrame({role: column[p] for role, p in positions.items()}, copy=False)
        except (ValueError, pd.errors.ParserWarning):
            # The careful path says which rows are wrong (and reads UTF-16, latin-1…).
            table = _read_text(_read_bytes(self.data), self.delimiter, self.header, dict(positions))
        if table.empty:
            raise ExportError("the file has a header row but no data rows")
        return table

    def _arrow_table(self, positions: Mapping[str, int], *, text: tuple[str, ...]) -> pd.DataFrame | None:
        """The same columns through pyarrow's reader, which reads only them and on every core (pandas'
        parallel reader takes no ``usecols``); None when it cannot read the file, for pandas to try."""
        if _read_bytes(self.data, limit=4).startswith(UTF16_MARKS):  # UTF-32's marks too
            return None  # pyarrow reads UTF-8 only: the careful path decodes the rest
        names = [f"c{position}" for position in range(len(self.header))]
        wanted = {role: names[position] for role, position in positions.items()}
        try:
            arrow = pa_csv.read_csv(
                _readable(self.data),
                read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
                parse_options=pa_csv.ParseOptions(delimiter=self.delimiter),
                convert_options=pa_csv.ConvertOptions(
                    include_columns=sorted(set(wanted.values())),
                    column_types={wanted[role]: pa.string() for role in text if role in wanted},
                    null_values=[""],
                    strings_can_be_null=True,
                    true_values=[],
                    false_values=[],
                    timestamp_parsers=[],
                ),
            )
        except (pa.ArrowException, ValueError):
            return None
        if arrow.num_rows == 0:
            return None
        frame = arrow.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get)
        return pd.DataFrame({role: frame[name] for role, name in wanted.items()}, copy=False)

    def as_text(self, position: int) -> Callable[[], pd.Series]:
        return lambda: _column_as_text(self.data, self.delimiter, position)


@dataclass(frozen=True)
class Layout:
    """A vendor's layout: its name, how its header is recognised (the position of each column it reads,
    or None) and its reader."""

    name: str
    find: Callable[[list[str]], dict[str, int] | None]
    read: Callable[[_File, dict[str, int]], Converted]


def _normal(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def header_month(name: str) -> int | None:
    """The month code of a column named as a month (``2023-01``, ``Jan 2023``, ``01/2023``, ``Jan-23``)."""
    text = name.strip().lower()
    for pattern, year_at, month_at in ((_YEAR_MONTH, 1, 2), (_MONTH_YEAR, 2, 1)):
        match = pattern.match(text)
        if match:
            year, month = int(match.group(year_at)), int(match.group(month_at))
            return (year - 1970) * 12 + month - 1 if 1 <= month <= 12 else None
    match = _NAMED_MONTH.match(text)
    if match and match.group(1) in _MONTH_NAMES:
        year = int(match.group(2))
        year += 2000 if year < 100 else 0
        return (year - 1970) * 12 + _MONTH_NAMES[match.group(1)] - 1
    return None


def detect_layout(header: list[str]) -> tuple[Layout, dict[str, int]] | None:
    """The layout a header is, and the position of each of its roles; None for none known."""
    for layout in LAYOUTS:
        positions = layout.find(header)
        if positions is not None:
            return layout, positions
    return None


def layout_of(header: list[str]) -> str | None:
    """The name of the layout a header is (None for none known), to say so before reading the file."""
    found = detect_layout(header)
    return found[0].name if found else None


def known_layouts() -> str:
    """The layouts read without mapping, for a message."""
    return "; ".join(layout.name for layout in LAYOUTS)


def read_layout(
    found: tuple[Layout, dict[str, int]],
    data: bytes | Path,
    *,
    delimiter: str,
    header: list[str],
    size: int,
    options: ReadingOptions,
) -> Converted:
    """Read a file of a known layout (from :func:`detect_layout`) as one row per customer and month."""
    layout, positions = found
    return layout.read(_File(data, delimiter, header, size, options), positions)


def parse_rates(text: str) -> dict[str, float]:
    """Exchange rates written ``EUR=1.08, GBP=1.27`` (or one ``EUR,1.08`` a line, as in a rates file):
    the value of one unit of each currency in the reporting currency.

    Raises
    ------
    ExportError
        For a pair that is not a three-letter code and a positive number.
    """
    rates: dict[str, float] = {}
    for pair in re.split(r"[\n;]|,(?=\s*[A-Za-z])", text):
        if not pair.strip():
            continue
        parts = re.split(r"\s*[=,:\t]\s*|\s+", pair.strip(), maxsplit=1)
        code = parts[0].upper()
        try:
            rate = float(parts[1]) if len(parts) == 2 else float("nan")
        except ValueError:
            rate = float("nan")
        if not re.fullmatch(r"[A-Z]{3}", code) or not np.isfinite(rate) or rate <= 0 or rate > 1e6:
            raise ExportError(
                f"the exchange rate {pair.strip()!r} is not a currency code and a positive number; "
                "write rates as EUR=1.08, GBP=1.27 (one unit of each currency in the reporting currency)"
            )
        rates[code] = rate
    return rates


def max_customer_months(size: int) -> int:
    """The customer-months a file of ``size`` bytes may spread into (subscriptions, movements)."""
    return CUSTOMER_MONTHS_ALLOWANCE + size // 8


# Shared steps -----------------------------------------------------------------------------------------


def _named(
    needs: Mapping[str, tuple[str, ...]], optional: Mapping[str, tuple[str, ...]] | None = None
) -> Callable[[list[str]], dict[str, int] | None]:
    """Recognise a header by its columns: each role and the names it goes by, compared without case,
    spaces or punctuation, the first found taken; every role of ``needs`` must be found."""

    def find(header: list[str]) -> dict[str, int] | None:
        normal = [_normal(name) for name in header]
        positions: dict[str, int] = {}
        for role, names in {**needs, **(optional or {})}.items():
            found = next((normal.index(name) for name in names if name in normal), None)
            if found is not None:
                positions[role] = found
            elif role in needs:
                return None
        return positions

    return find


def _name(file: _File, positions: Mapping[str, int], role: str) -> str:
    return file.header[positions[role]]


def _cents(values: pd.Series, column: str) -> np.ndarray:
    """A column of whole cents, as money (÷ 100)."""
    numbers = (
        values.to_numpy(dtype=float, na_value=np.nan)
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        else pd.to_numeric(values.astype(str).str.strip(), errors="coerce").to_numpy(dtype=float)
    )
    bad = ~np.isfinite(numbers)
    if bad.any():
        raise ExportError(
            f"column '{column}' has values that are not whole numbers of cents ({_rows(values, bad)}); "
            "this layout writes amounts in cents, such as 12050 for 120.50"
        )
    fraction = numbers != np.round(numbers)
    if fraction.any():
        raise ExportError(
            f"column '{column}' is in cents but has amounts with decimals ({_rows(values, fraction)}); "
            "a cents column holds whole numbers: export the file again from the vendor, unedited"
        )
    cents: np.ndarray = numbers / 100.0
    return cents


def _money(
    file: _File, table: pd.DataFrame, positions: Mapping[str, int], role: str
) -> tuple[np.ndarray, AmountReading | None]:
    """A column of amounts in major units (or cents, with the option), read as the plain reader reads MRR."""
    return read_amounts(
        table[role],
        delimiter=file.delimiter,
        as_text=file.as_text(positions[role]),
        in_cents=file.options.amounts_in_cents,
        column=_name(file, positions, role),
    )


def _refuse_negative(amounts: np.ndarray, values: pd.Series, column: str) -> None:
    negative = amounts < 0
    if negative.any():
        raise ExportError(
            f"column '{column}' has negative MRR ({_rows(values, negative)}); MRR cannot be below 0, "
            "so leave refunds and credits out"
        )


def _timestamps(values: pd.Series, column: str, *, required: bool) -> np.ndarray:
    """Dates (ISO text, or Unix seconds) as int64 nanoseconds; empty ones are ``NaT``'s integer, which
    only an optional column may hold. Each distinct text is parsed once."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        seconds = values.to_numpy(dtype=float, na_value=np.nan)
        seconds = np.where(seconds > 1e11, seconds / 1000, seconds)  # milliseconds
        parsed = pd.to_datetime(seconds, unit="s", errors="coerce")
        stamps = np.asarray(parsed.asi8, dtype=np.int64)
        missing = values.isna().to_numpy()
    else:
        row_code, distinct = pd.factorize(values.fillna("").astype(str).str.strip())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            dates = pd.to_datetime(pd.Series(distinct), format="ISO8601", utc=True, errors="coerce")
        stamps = dates.to_numpy(dtype="datetime64[ns]").view(np.int64)[row_code]
        missing = np.asarray(distinct == "", dtype=bool)[row_code]
        stamps = np.where(missing, NAT, stamps)
    bad = (stamps == NAT) & (~missing | required)
    if bad.any():
        raise ExportError(
            f"column '{column}' has values that are not dates ({_rows(values, bad)}); "
            "write dates as 2024-03-15 (or 2024-03-15 10:30:00)"
        )
    return np.asarray(stamps, dtype=np.int64)


NAT = np.iinfo(np.int64).min


def _month_of(stamps: np.ndarray) -> np.ndarray:
    """Month codes (months since 1970-01) of timestamps; ``NaT`` stays :data:`NAT`."""
    months = stamps.astype("datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    return np.where(stamps == NAT, NAT, months)


def _latest_month(*stamps: np.ndarray) -> int:
    """The month of the latest of some timestamps (months follow time: one conversion suffices)."""
    latest = max(int(values.max()) for values in stamps if values.size)
    return int(_month_of(np.array([latest], dtype=np.int64))[0])


def _currency(
    values: pd.Series | None, rates: Mapping[str, float] | None, column: str
) -> tuple[np.ndarray | None, str, str | None]:
    """Per row, the factor to the reporting currency (None: every row is in it already), the words
    for the recognition line, and the currency the amounts end in (None when not known)."""
    if values is None:
        return None, "", None
    codes, distinct = pd.factorize(values.fillna("").astype(str).str.strip().str.upper())
    names = [str(name) for name in distinct if name]
    given = {code.upper(): rate for code, rate in (rates or {}).items()}
    if not names:
        return None, "", None
    if len(names) == 1 and names[0] not in given:
        return None, "", names[0]
    left = [name for name in names if name not in given]
    if len(left) > 1:
        raise ExportError(
            f"column '{column}' mixes {len(names)} currencies ({', '.join(names)}) and "
            + (f"{', '.join(left)} have no exchange rate" if given else "no exchange rates were given")
            + "; amounts in different currencies cannot be added: give "
            "rates for all but one (the command line's --rates EUR=1.08,GBP=1.27, or the page's exchange "
            "rates: one unit of each in the reporting currency), or export in one currency"
        )
    if len(names) < len(distinct):
        empty = np.asarray(distinct == "", dtype=bool)[codes]
        raise ExportError(
            f"column '{column}' is empty in {_rows(values, empty)} while other rows name currencies; "
            "every row needs its currency"
        )
    table = np.array([given.get(str(name), 1.0) for name in distinct])
    factor = table[codes]
    converted = ", ".join(f"{name} at {given[name]:g}" for name in names if name in given)
    into = left[0] if left else None
    words = f", {converted} → {into}" if into else f", converted at {converted}"
    return factor, words, into


def _spread(
    codes: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    values: np.ndarray,
    *,
    size: int,
    what: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each value repeated over its months ``start`` to ``stop`` (excluded): codes, months, values.

    Refused before spreading when that gives more rows than :func:`max_customer_months` allows.
    """
    length = np.maximum(stop - start, 0)
    total = int(length.sum())
    if total > max_customer_months(size):
        raise ExportError(
            f"the file's {what} cover {total:,} customer-months, more than a file of {size / 1e6:.1f} MB "
            f"may give ({max_customer_months(size):,}); export fewer months or split it by segment"
        )
    owner = np.repeat(np.arange(len(length)), length)
    first_of_owner = np.repeat(np.cumsum(length) - length, length)
    months = start[owner] + (np.arange(total) - first_of_owner)
    return codes[owner], months, values[owner]


def _converted(
    codes: np.ndarray,
    customers: pd.Index,
    months: np.ndarray,
    mrr: np.ndarray,
    *,
    span: tuple[int, int],
    reading: AmountReading | None,
    name: str,
    units: str,
    words: str,
    segments: np.ndarray | None = None,
    unique: bool = False,
) -> Converted:
    """MRR summed per customer and month (``unique``: the rows are one per customer and month already),
    months at 0 left out but for one row in the first and the last month (which keep the export's
    span); checked against the money cap; the recognition line."""
    first, last = span
    if first == last:
        raise ExportError(
            "the file covers a single month; retention compares a month with the one before, "
            "so export at least two months"
        )
    check_month_span(first, last)
    key = codes.astype(np.int64) * (last - first + 1) + (months - first)
    cells = len(customers) * (last - first + 1)
    if unique:  # one row per customer and month already: nothing to add up
        distinct, sums = key, mrr
    elif cells <= 8 * len(key) + 1_000_000:
        # Few enough cells to count them all (cheaper than hashing the keys), in customer order.
        every = np.bincount(key, weights=mrr, minlength=cells)
        distinct = np.flatnonzero(every)
        sums = every[distinct]
    else:
        keys, found = pd.factorize(key)
        sums = np.bincount(keys, weights=mrr, minlength=len(found))
        distinct = np.asarray(found, dtype=np.int64)
    out_codes, out_months = distinct // (last - first + 1), distinct % (last - first + 1) + first
    paying = sums > 0
    for edge in (first, last):
        if not (paying & (out_months == edge)).any():
            out_codes = np.append(out_codes, 0)
            out_months = np.append(out_months, edge)
            sums = np.append(sums, 0.0)
            paying = np.append(paying, True)
    out_codes, out_months, sums = out_codes[paying], out_months[paying], sums[paying]
    _check_converted(out_codes, customers, out_months, sums)
    label = f"{month_labels(np.array([first]))[0]}..{month_labels(np.array([last]))[0]}"
    sentence = f"read as {name}: {units}, {len(customers):,} customers, {label}{words}"
    return Converted(
        codes=out_codes.astype(np.int64),
        customers=customers,
        months=out_months,
        mrr=sums,
        reading=reading,
        sentence=sentence,
        segments=segments,
    )


def _check_converted(codes: np.ndarray, customers: pd.Index, months: np.ndarray, mrr: np.ndarray) -> None:
    """The plain reader's money bounds, named by customer and month (rows of a layout are not its MRR)."""

    def where(mask: np.ndarray) -> str:
        at = int(np.flatnonzero(mask)[0])
        return f"customer {str(customers[codes[at]])!r} in {month_labels(months[at : at + 1])[0]}"

    tiny = (mrr > 0) & (mrr < MIN_AMOUNT)
    if tiny.any():
        raise ExportError(
            f"the MRR of {where(tiny)} is above 0 but below {MIN_AMOUNT:g}; check the amounts' unit"
        )
    huge = mrr > MAX_MONEY
    if huge.any():
        raise ExportError(
            f"the MRR of {where(huge)} is over {MAX_MONEY:g} a month, the most MRR the simulator models; "
            "check for a misplaced decimal separator, or amounts in cents"
        )
    if mrr.sum() > MAX_MONEY:
        first = int(months.min())
        totals = np.bincount(months - first, weights=mrr)
        over = np.flatnonzero(totals > MAX_MONEY)
        if over.size:
            raise ExportError(
                f"the MRR of {month_labels(np.array([first + int(over[0])]))[0]} adds up to "
                f"{totals[over[0]]:.4g}, over {MAX_MONEY:g}, the most MRR a month the simulator models; "
                "check for a misplaced decimal separator, or amounts in cents"
            )


def _cents_words(currency: str | None) -> str:
    return f", cents → {_MONEY_NAMES.get(currency or '', 'whole units')}"


# Wide layouts: one row per customer, one column per month ---------------------------------------------


def _read_wide(file: _File, positions: dict[str, int], *, name: str) -> Converted:
    month_at = {p: code for p, column in enumerate(file.header) if (code := header_month(column)) is not None}
    roles = {"customer": positions["customer"], **{f"m{p}": p for p in month_at}}
    roles.update({role: positions[role] for role in ("currency", "segment") if role in positions})
    month_roles = [f"m{p}" for p in month_at]
    table = file.table(roles, text=("customer", "currency", "segment"))
    codes, customers = _customer_ids(table["customer"], column=_name(file, positions, "customer"))
    cells = table[month_roles]
    n = len(table)
    if all(pd.api.types.is_numeric_dtype(cells[c]) for c in month_roles):
        matrix = cells.to_numpy(dtype=float, na_value=np.nan)
        matrix = np.where(np.isnan(matrix), 0.0, matrix)
        reading = None
        if file.options.amounts_in_cents:
            matrix = matrix / 100.0
        negative = matrix < 0
        if negative.any():
            row, column = np.argwhere(negative)[0]
            raise ExportError(
                f"column '{file.header[list(month_at)[column]]}' has negative MRR (row {row + 2}: "
                f"{matrix[row, column]:g}); MRR cannot be below 0, so leave refunds and credits out"
            )
    else:
        # Column by column (Fortran order): cell i is row i % n of month column i // n. Empty cells
        # (most of a sheet, where customers come and go) are nothing: only the others are read.
        stacked = pd.concat([cells[c] for c in month_roles], ignore_index=True)  # text stays text
        present = stacked.notna().to_numpy()
        filled = np.flatnonzero(present)
        flat = stacked[present].reset_index(drop=True).astype(str)
        try:
            amounts, reading = read_amounts(
                flat,
                delimiter=file.delimiter,
                as_text=lambda: flat,
                in_cents=file.options.amounts_in_cents,
                column="months'",
            )
        except ExportError as error:
            months_named = [file.header[p] for p in month_at]
            raise ExportError(_cell_rows(str(error), filled, n, months_named)) from None
        every = np.zeros(len(stacked))
        every[filled] = amounts
        matrix = every.reshape((n, len(month_roles)), order="F")
    factor, words, currency = _currency(
        table.get("currency"),
        file.options.rates,
        _name(file, positions, "currency") if "currency" in positions else "",
    )
    if factor is not None:
        matrix = matrix * factor[:, None]
    month_codes = np.array(list(month_at.values()), dtype=np.int64)
    if len(set(month_codes.tolist())) < len(month_codes):
        raise ExportError("two columns name the same month; keep one column per month")
    segments = None
    if "segment" in table:  # a customer's segment is the one of their last row, as for the plain layout
        last = np.zeros(len(customers), dtype=np.int64)
        np.maximum.at(last, codes, np.arange(n))
        segments = table["segment"].fillna("(none)").astype(str).to_numpy()[last]
    rows, columns = np.nonzero(matrix)
    return _converted(
        codes[rows],
        customers,
        month_codes[columns],
        matrix[rows, columns],
        span=(int(month_codes.min()), int(month_codes.max())),
        reading=reading,
        name=name,
        units=f"{n:,} rows × {len(month_codes)} months",
        words=words,
        segments=segments,
        unique=len(customers) == n,  # a customer a row (month columns are distinct, checked above)
    )


def _cell_rows(message: str, filled: np.ndarray, n: int, columns: list[str]) -> str:
    """A message naming rows of the filled month cells (at ``filled`` of the flattened sheet), naming
    the file's row and month column instead."""

    def cell(match: re.Match[str]) -> str:
        at = int(filled[int(match.group(1)) - 2])
        return f"row {at % n + 2}, column '{columns[at // n]}'"

    message = message.replace("column 'months'' has", "the month columns have")
    return _ROW.sub(cell, message).replace("column 'months''", "the month columns")


def _read_stripe_mrr(file: _File, positions: dict[str, int]) -> Converted:
    return _read_wide(file, positions, name="Stripe MRR per subscriber per month")


def _read_spreadsheet(file: _File, positions: dict[str, int]) -> Converted:
    return _read_wide(file, positions, name="a spreadsheet of customers by months")


# Movements --------------------------------------------------------------------------------------------


def _read_movements(file: _File, positions: dict[str, int]) -> Converted:
    table = file.table(positions, text=("customer", "date", "currency"))

    def name(role: str) -> str:
        return _name(file, positions, role)

    codes, customers = _customer_ids(table["customer"], column=name("customer"))
    stamps = _timestamps(table["date"], name("date"), required=True)
    movement = _cents(table["movement"], name("movement"))
    order = np.lexsort((np.arange(len(codes)), codes))
    same = codes[order][1:] == codes[order][:-1]
    earlier = same & (stamps[order][1:] < stamps[order][:-1])
    if earlier.any():
        if (same & (stamps[order][1:] > stamps[order][:-1])).any():
            at = int(np.flatnonzero(earlier)[0])
            row, before = int(order[at + 1]) + 2, int(order[at]) + 2
            raise ExportError(
                f"the dates of customer {str(customers[codes[order[at]]])!r} go backwards (row {row}: "
                f"{table['date'].iat[row - 2]!r} after row {before}: {table['date'].iat[before - 2]!r}); "
                "a movements file lists each customer's movements in date order: sort it by date"
            )
        order = np.lexsort((-np.arange(len(codes)), codes))  # newest first throughout: read it backwards
    first_of_customer = np.append(True, codes[order][1:] != codes[order][:-1])
    if "mrr" in positions:
        mrr = _cents(table["mrr"], name("mrr"))
        _refuse_negative(mrr, table["mrr"], name("mrr"))
        previous = np.where(first_of_customer, 0.0, np.append(0.0, mrr[order][:-1]))
        wrong = np.abs(previous + movement[order] - mrr[order]) > 0.005
        if wrong.any():
            at = int(order[np.flatnonzero(wrong)[0]])
            was = previous[np.flatnonzero(wrong)[0]]
            raise ExportError(
                f"the movements do not add up to column '{name('mrr')}' ({int(wrong.sum()):,} rows; row "
                f"{at + 2}: customer {str(customers[codes[at]])!r} had {was * 100:.0f} cents, moved by "
                f"{movement[at] * 100:.0f} to {(was + movement[at]) * 100:.0f}, but the column says "
                f"{mrr[at] * 100:.0f}); export the whole movements file, unfiltered"
            )
        after = mrr[order]
    else:
        total = np.cumsum(movement[order])
        group_start = np.maximum.accumulate(np.where(first_of_customer, np.arange(len(total)), 0))
        after = total - np.append(0.0, total)[group_start]
        if (after < -0.005).any():
            at = int(order[np.flatnonzero(after < -0.005)[0]])
            raise ExportError(
                f"the movements of customer {str(customers[codes[at]])!r} take their MRR below 0 (row "
                f"{at + 2}); export the whole movements file, from each customer's first movement"
            )
    factor, words, currency = _currency(
        table.get("currency"), file.options.rates, _optional_name(file, positions, "currency")
    )
    if factor is not None:
        after = after * factor[order]
    sorted_codes = codes[order]
    months = _month_of(stamps[order])
    last_of_month = np.append((sorted_codes[1:] != sorted_codes[:-1]) | (months[1:] != months[:-1]), True)
    g_codes, g_months, g_values = sorted_codes[last_of_month], months[last_of_month], after[last_of_month]
    first, last = int(months.min()), int(months.max())
    check_month_span(first, last)
    next_same = np.append(g_codes[1:] == g_codes[:-1], False)
    stop = np.where(next_same, np.append(g_months[1:], 0), last + 1)
    paying = g_values > 0
    codes_out, months_out, values_out = _spread(
        g_codes[paying], g_months[paying], stop[paying], g_values[paying], size=file.size, what="movements"
    )
    return _converted(
        codes_out,
        customers,
        months_out,
        values_out,
        span=(first, last),
        reading=None,
        name="ChartMogul MRR movements",
        units=f"{len(codes):,} movements",
        unique=True,  # a customer's months are spread from one movement each
        words=_cents_words(currency) + words,
    )


def _optional_name(file: _File, positions: Mapping[str, int], role: str) -> str:
    return file.header[positions[role]] if role in positions else role


# Subscriptions ----------------------------------------------------------------------------------------


def _monthly_factor(interval: pd.Series, count: pd.Series | None, column: str) -> np.ndarray:
    """Per row, what one interval's amount is a month: ``year`` 1/12, ``3 months`` 1/3, ``week`` 52/12…"""
    text = interval.astype(str).str.strip().str.lower()
    row_code, distinct = pd.factorize(text, use_na_sentinel=True)
    factors = []
    for value in distinct:
        match = _INTERVAL.match(value)
        unit = match.group(2) if match else ""
        unit = _INTERVAL_WORDS.get(unit, _INTERVAL_WORDS.get(value, unit))
        times = int(match.group(1)) if match and match.group(1) else 1
        factors.append(_MONTHLY.get(unit, np.nan) / times if times >= 1 else np.nan)
    factor = np.append(np.asarray(factors, dtype=float), np.nan)[row_code]
    if count is not None:
        every = pd.to_numeric(count, errors="coerce").to_numpy(dtype=float)
        every = np.where(np.isnan(every) & count.isna().to_numpy(), 1.0, every)
        whole = (every >= 1) & (every == np.round(every))
        factor = np.where(whole, factor / np.where(whole, every, 1.0), np.nan)
    bad = ~np.isfinite(factor)
    if bad.any():
        raise ExportError(
            f"column '{column}' has intervals that are not day, week, month, quarter or year (or an "
            f"interval count that is not a whole number of at least 1) ({_rows(interval, bad)})"
        )
    return factor


def _subscriptions(
    file: _File,
    *,
    codes: np.ndarray,
    customers: pd.Index,
    start: np.ndarray,
    end: np.ndarray,
    latest: int,
    monthly: np.ndarray,
    values: pd.Series,
    reading: AmountReading | None = None,
    name: str,
    words: str,
) -> Converted:
    """Subscriptions spread over the months whose end they are active at (see the module docstring)."""
    starts, ends = _month_of(start), _month_of(end)
    backwards = (end != NAT) & (end < start)
    if backwards.any():
        raise ExportError(
            f"some subscriptions end before they start ({_rows(values, backwards)}); check the dates"
        )
    stop = np.where(end == NAT, latest + 1, ends)
    if file.options.same_month == "count":
        stop = np.where((end != NAT) & (ends == starts), starts + 1, stop)
    first = int(starts.min())
    check_month_span(first, latest)
    codes_out, months_out, values_out = _spread(
        codes, starts, stop, monthly, size=file.size, what="subscriptions"
    )
    if not months_out.size:
        raise ExportError(
            f"no subscription is active at the end of a month up to {month_labels(np.array([latest]))[0]}, "
            "the month of the file's latest date; export subscriptions that have paid"
        )
    first = int(months_out.min())
    same = int(((end != NAT) & (ends == starts)).sum())
    rule = {"ignore": "left out", "count": "counted in that month"}[file.options.same_month]
    same_words = f"; {same:,} started and ended within a month: {rule}" if same else ""
    return _converted(
        codes_out,
        customers,
        months_out,
        values_out,
        span=(first, latest),
        reading=reading,
        name=name,
        units=f"{len(codes):,} subscriptions",
        words=words + same_words,
    )


def _read_stripe_subscriptions(file: _File, positions: dict[str, int]) -> Converted:
    # Created and Canceled At matter only where Start or Ended At is empty: read when needed.
    later: dict[str, int] = {
        role: positions.pop(role) for role in ("created", "canceled") if role in positions
    }
    dates = ("start", "ended", "trial_end", "period_start")
    table = file.table(positions, text=("customer", "status", "interval", "currency", *dates))

    def name(role: str) -> str:
        return file.header[positions[role]] if role in positions else file.header[later.get(role, 0)]

    def stamps(role: str, *, required: bool = False) -> np.ndarray:
        values = table[role] if role in table else file.as_text(later[role])()
        return _timestamps(values, name(role), required=required)

    codes, customers = _customer_ids(table["customer"], column=name("customer"))
    start = stamps("start", required="created" not in later)
    if "created" in later and (start == NAT).any():
        start = np.where(start == NAT, stamps("created", required=True), start)
    end = stamps("ended") if "ended" in table else np.full(len(codes), NAT)
    status = table["status"].astype(str).str.strip().str.lower() if "status" in table else None
    gone = np.ones(len(codes), dtype=bool) if status is None else (status == "canceled").to_numpy()
    if "canceled" in later and ((end == NAT) & gone).any():
        end = np.where((end == NAT) & gone, stamps("canceled"), end)
    known = [start[start != NAT], end[end != NAT]]
    if "period_start" in table:
        period = stamps("period_start")
        known.append(period[period != NAT])
    latest = _latest_month(*known)
    if "trial_end" in table:
        start = np.maximum(start, stamps("trial_end"))  # MRR from the trial's end
    amount, reading = _money(file, table, positions, "amount")
    _refuse_negative(amount, table["amount"], name("amount"))
    monthly = amount * _monthly_factor(table["interval"], table.get("interval_count"), name("interval"))
    if status is not None:
        never_paid = status.isin(["incomplete", "incomplete_expired"]).to_numpy()
        monthly = np.where(never_paid, 0.0, monthly)
    factor, words, _ = _currency(
        table.get("currency"), file.options.rates, _optional_name(file, positions, "currency")
    )
    if factor is not None:
        monthly = monthly * factor
    return _subscriptions(
        file,
        codes=codes,
        customers=customers,
        start=start,
        end=end,
        latest=latest,
        monthly=monthly,
        values=table["customer"],
        reading=reading,
        name="a Stripe subscriptions export",
        words=words
        + "; a snapshot: each subscription at its current amount, so it shows new customers, churn and "
        "returns, but no expansion or contraction before it",
    )


def _read_baremetrics(file: _File, positions: dict[str, int]) -> Converted:
    table = file.table(positions, text=("customer", "interval", "currency", "start", "end"))

    def name(role: str) -> str:
        return _optional_name(file, positions, role)

    codes, customers = _customer_ids(table["customer"], column=name("customer"))
    start = _timestamps(table["start"], name("start"), required=True)
    end = (
        _timestamps(table["end"], name("end"), required=False) if "end" in table else np.full(len(codes), NAT)
    )
    latest = _latest_month(start, end[end != NAT])
    amount = _cents(table["amount"], name("amount"))
    _refuse_negative(amount, table["amount"], name("amount"))
    monthly = amount * _monthly_factor(table["interval"], table.get("interval_count"), name("interval"))
    factor, words, currency = _currency(table.get("currency"), file.options.rates, name("currency"))
    if factor is not None:
        monthly = monthly * factor
    return _subscriptions(
        file,
        codes=codes,
        customers=customers,
        start=start,
        end=end,
        latest=latest,
        monthly=monthly,
        values=table["customer"],
        name="a Baremetrics subscription import",
        words=_cents_words(currency) + words,
    )


# Monthly tables: one row per month and subscription (or item) ------------------------------------------


def _months_of_table(table: pd.DataFrame, column: str) -> np.ndarray:
    """A monthly table's month codes: from dates, or from month numbers beside a year column."""
    month = table["month"]
    numbers = None
    if "year" in table:  # each distinct text once: a report repeats a few dozen months
        row_code, distinct = pd.factorize(month, use_na_sentinel=False)
        numbers = pd.to_numeric(pd.Series(distinct), errors="coerce").to_numpy(dtype=float)[row_code]
    if numbers is not None and np.isfinite(numbers).all():  # month numbers beside a year
        years = pd.to_numeric(table["year"], errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            bad = ~((years >= 1900) & (years <= 2200) & (numbers >= 1) & (numbers <= 12))
        bad |= numbers != np.round(numbers)
        if bad.any():
            raise ExportError(
                f"column '{column}' has months that are not 1 to 12 of a year 1900 to 2200 "
                f"({_rows(month, bad)})"
            )
        codes: np.ndarray = ((years - 1970) * 12 + numbers - 1).astype(np.int64)
        return codes
    return _month_of(_timestamps(month.astype(str), column, required=True))


def _read_monthly(file: _File, positions: dict[str, int], *, name: str, unit: str) -> Converted:
    table = file.table(positions, text=("customer", "month", "currency", "reporting_currency"))

    def column(role: str) -> str:
        return _optional_name(file, positions, role)

    # Ids and months side by side, as the plain reader does (both hashes release the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        ids = pool.submit(_customer_ids, table["customer"], column=column("customer"))
        months = _months_of_table(table, column("month"))
        codes, customers = ids.result()
    words = ""
    if "mrr" in table:
        amounts, reading = _money(file, table, positions, "mrr")
        _refuse_negative(amounts, table["mrr"], column("mrr"))
        currency_role = "reporting_currency" if "reporting_currency" in table else "currency"
        factor, words, _ = _currency(table.get(currency_role), file.options.rates, column(currency_role))
    else:  # Chargebee without the reporting amount: the billing amount at the row's rate
        amounts, reading = _money(file, table, positions, "billing_mrr")
        _refuse_negative(amounts, table["billing_mrr"], column("billing_mrr"))
        rate = pd.to_numeric(table["rate"], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(rate) | (rate <= 0)
        if bad.any():
            raise ExportError(
                f"column '{column('rate')}' has rates that are not positive numbers "
                f"({_rows(table['rate'], bad)})"
            )
        factor = rate
        words = f", converted at the file's {column('rate')}"
        if "reporting_currency" in table:
            _, _, into = _currency(table["reporting_currency"], None, column("reporting_currency"))
            words += f" → {into}" if into else ""
    if factor is not None:
        amounts = amounts * factor
    return _converted(
        codes,
        customers,
        months,
        amounts,
        span=(int(months.min()), int(months.max())),
        reading=reading,
        name=name,
        units=f"{len(codes):,} {unit}",
        words=words,
    )


def _read_dbt(file: _File, positions: dict[str, int]) -> Converted:
    return _read_monthly(
        file,
        positions,
        name="dbt_stripe stripe__subscription_item_mrr_report",
        unit="subscription-item months",
    )


def _read_chargebee(file: _File, positions: dict[str, int]) -> Converted:
    if "mrr" not in positions and not {"billing_mrr", "rate"} <= positions.keys():
        raise ExportError(
            "this Chargebee summary has neither the MRR in the reporting currency nor the billing MRR "
            "with its exchange_rate; export it with mrr_reporting_currency"
        )
    return _read_monthly(
        file, positions, name="Chargebee subscription_mrr_monthly_summary", unit="subscription months"
    )


def _wide(*, stripe: bool) -> Callable[[list[str]], dict[str, int] | None]:
    """Recognise a customer column and two or more month columns; Stripe's report has ``YYYY-MM``
    months, a Customer ID and a Currency column."""
    return lambda header: _wide_positions(header, stripe=stripe)


def _wide_positions(header: list[str], *, stripe: bool) -> dict[str, int] | None:
    months = [
        p
        for p, name in enumerate(header)
        if header_month(name) is not None and (not stripe or re.fullmatch(r"\s*\d{4}-\d{2}\s*", name))
    ]
    others = [p for p in range(len(header)) if p not in set(months)]
    if len(months) < 2 or not others:
        return None
    normal = [_normal(name) for name in header]
    named = ("customerid", "customer", "customername", "id", "name", "company", "account", "client")
    customer = next((normal.index(n) for n in named if n in normal and normal.index(n) in others), others[0])
    if stripe and not {"customerid", "currency"} <= set(normal):
        return None
    positions = {"customer": customer}
    for role, names in (("currency", ("currency",)), ("segment", ("segment", "plan"))):
        found = next((normal.index(n) for n in names if n in normal and normal.index(n) in others), None)
        if found is not None and found != customer:
            positions[role] = found
    return positions


#: The layouts read without mapping, in the order they are tried (the spreadsheet, the loosest, last).
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "ChartMogul MRR movements",
        _named(
            {
                "date": ("date",),
                "movement": ("mrrmovement",),
                "customer": ("customeruuid", "customerexternalid", "customername"),
            },
            {"mrr": ("mrr",), "currency": ("currencycode",)},
        ),
        _read_movements,
    ),
    Layout(
        "a Stripe subscriptions export",
        _named(
            {
                "customer": ("customerid",),
                "start": ("startutc", "startdateutc"),
                "created": ("createdutc",),
                "amount": ("amount",),
                "interval": ("interval",),
            },
            {
                "status": ("status",),
                "ended": ("endedatutc",),
                "canceled": ("canceledatutc",),
                "trial_end": ("trialendutc",),
                "period_start": ("currentperiodstartutc",),
                "interval_count": ("intervalcount",),
                "currency": ("currency",),
            },
        ),
        _read_stripe_subscriptions,
    ),
    Layout(
        "a Baremetrics subscription import",
        _named(
            {
                "customer": ("customeroid",),
                "amount": ("planamount",),
                "interval": ("planinterval",),
                "start": ("subscriptionstartedat",),
            },
            {
                "interval_count": ("planintervalcount",),
                "end": ("subscriptioncanceledat",),
                "currency": ("plancurrency",),
            },
        ),
        _read_baremetrics,
    ),
    Layout(
        "dbt_stripe stripe__subscription_item_mrr_report",
        _named(
            {
                "customer": ("customerid",),
                "month": ("subscriptionmonth",),
                "mrr": ("monthcontractmrr", "currentmonthmrr"),
            },
            {"year": ("subscriptionyear",), "currency": ("currency",)},
        ),
        _read_dbt,
    ),
    Layout(
        "Chargebee subscription_mrr_monthly_summary",
        _named(
            {"customer": ("customerid",), "month": ("reportingmonth",)},
            {
                "mrr": ("mrrreportingcurrency",),
                "billing_mrr": ("mrrbillingcurrency",),
                "rate": ("exchangerate",),
                "reporting_currency": ("reportingcurrencycode",),
            },
        ),
        _read_chargebee,
    ),
    Layout("Stripe MRR per subscriber per month", _wide(stripe=True), _read_stripe_mrr),
    Layout("a spreadsheet of customers by months", _wide(stripe=False), _read_spreadsheet),
)
