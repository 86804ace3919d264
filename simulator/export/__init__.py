"""Reading an MRR export: one row per customer and month, validated at the boundary.

The canonical frame has columns ``customer_id`` (text, compared exactly
once surrounding spaces are dropped: ``007`` and ``7`` are different
customers, `` 7 `` and ``7`` the same one), ``month`` (a ``pandas.Period``
code: months since 1970-01, as int64), ``mrr`` (float, 0 or at least 0.01)
and, when the file has one, ``segment`` (text).

A billing export as its vendor writes it (Stripe, ChartMogul, Baremetrics,
dbt_stripe, Chargebee, a sheet of customers by months) is recognised from its
header when no column is mapped, and converted into the same frame
(:mod:`simulator.export.layouts`); :func:`layout_note` says what it was read as.

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
slowest shape found. tests/test_hostile_engine.py measures both. A layout that
spreads a row over months (subscriptions, movements) is refused before spreading
past :func:`~simulator.export.layouts.max_customer_months`.
"""

from simulator.export.amounts import MIN_AMOUNT, AmountReading
from simulator.export.bounds import MAX_COLUMNS, MAX_ROW_BYTES, STREAM_BYTES
from simulator.export.errors import ROWS_SHOWN, ExportError
from simulator.export.layouts import LAYOUTS, SAME_MONTH_RULES, layout_of, parse_rates
from simulator.export.months import MAX_MONTHS_SPAN, check_month_span, month_labels, parse_months
from simulator.export.reader import (
    ALIASES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    amount_note,
    export_notes,
    header_columns,
    layout_note,
    read_export,
    repeated_rows,
)

__all__ = [
    "ALIASES",
    "LAYOUTS",
    "MAX_COLUMNS",
    "MAX_MONTHS_SPAN",
    "MAX_ROW_BYTES",
    "MIN_AMOUNT",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ROWS_SHOWN",
    "SAME_MONTH_RULES",
    "STREAM_BYTES",
    "AmountReading",
    "ExportError",
    "amount_note",
    "check_month_span",
    "export_notes",
    "header_columns",
    "layout_note",
    "layout_of",
    "month_labels",
    "parse_months",
    "parse_rates",
    "read_export",
    "repeated_rows",
]
