"""The export metrics as SQL that DuckDB and Spark both run: validation, then the monthly bridge.

One text for both engines: only ANSI SQL and functions the two share
(``regexp_extract``, ``try_cast``, ``lpad``, ``min_by``/``max_by``, ``lag``/
``lead`` over a window); no backslash in any literal (Spark's parser reads
them, DuckDB's does not). An engine is a :class:`Runner`: it shows its source
as a view named ``source`` (with a ``row_key`` that orders the rows as the
file holds them) and runs queries.

The steps, each one pass over the data or less:

1. **Validate**, as :func:`simulator.export.read_export` does: the columns
   by name or alias (its own code), then one aggregate pass counting every
   kind of bad value, and only when one is found a second look for its first
   rows; the messages are the CSV reader's, rows named as the file's rows
   (the header is row 1). Month texts are parsed once each (a few dozen
   distinct texts over millions of rows), with the reader's pattern.
2. **Dense ids**: each customer becomes an integer (``cid``) with the
   segment of their latest row, and each month its index from the first
   month; everything after works on integers.
3. **Payments**: one per customer and month with MRR above 0 (rows of a
   customer and month add up), and per payment, by window functions over
   the customer's payments in month order, the month and MRR of the one
   before and the month of the one after: new, reactivated, expanded,
   contracted, churned the month after. A payment's key is one integer
   (customer number × 1024 + month), so DuckDB sorts one integer column;
   the payment a year before is the one whose key is 12 less, among the 12
   payments before it on that same sort (``lag``: no join of the payments
   with themselves).
4. **Sums** per segment and month, a few thousand rows at most, turned into
   the same table as the pandas engine's by :func:`simulator.metrics._table`
   (the ratios, the rounding to cents, the quick ratio: one place).

Amounts are money as the engines read numbers: a numeric column as it is, a
text column (a CSV read by the engine) in plain notation with a decimal
point (``1200.50``, ``-3``, ``1e3``); text that the CSV reader would read
with decimal commas or thousands separators is refused, naming its rows,
never read a thousand times off (``--engine pandas`` reads those).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from simulator.export import MAX_MONTHS_SPAN, ExportError, check_month_span, month_labels
from simulator.export.amounts import MIN_AMOUNT
from simulator.export.errors import ROWS_SHOWN, _shown
from simulator.export.reader import _resolve_columns
from simulator.levers import MAX_MONEY
from simulator.metrics import MAX_EXPORT_SEGMENTS, _table

#: A column's kind, as an engine reports it: how its values become customers, months and amounts.
TEXT, NUMBER, DATE, OTHER = "text", "number", "date", "other"

#: The reader's month pattern (simulator.export.months), without a backslash: [0-9] for \d, [.] for \.
_TIME = (
    "(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.][0-9]+)?)?"
    "(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?)?"
)
_SPACE = "[ \t\n\r\f\v]*"
MONTH_PATTERN = f"^{_SPACE}([0-9]{{4}})-([0-9]{{1,2}})(?:-([0-9]{{1,2}}){_TIME})?{_SPACE}$"
#: Plain numbers with a decimal point, as the engines cast them; and the ones that read two ways.
_PLAIN_NUMBER = "^-?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?$"
_TWO_WAYS = "^-?[1-9][0-9]{0,2}[.][0-9]{3}$"
#: An amount as the file writes it, as a number (before any division by 100), for messages.
_AS_READ = "try_cast(mrr_value AS DOUBLE)"
#: Spaces customers' keys apart: more than the most months (MAX_MONTHS_SPAN + 1) plus 12.
_STRIDE = 1024
#: Orders rows within a month by their place in the file (month code × this + row key).
_ROW_SPAN = 1_000_000_000_000


class Runner(Protocol):
    """What the SQL needs of an engine."""

    def frame(self, sql: str, *, watch: Callable[[float], None] | None = None) -> pd.DataFrame:
        """The result of a query, as a pandas frame; ``watch`` is told the query's progress (0 to 1) as it
        runs, where the engine can tell."""
        ...

    def execute(self, sql: str) -> None:
        """Run a statement (create a view)."""
        ...

    def columns(self) -> list[tuple[str, str]]:
        """The ``source`` view's columns but ``row_key``: name and kind (:data:`TEXT`, :data:`NUMBER`…)."""
        ...

    def quote(self, name: str) -> str:
        """A column name as an identifier of the engine's SQL."""
        ...

    def materialize(self, name: str, sql: str) -> None:
        """Keep a query's result as a table named ``name`` for the queries after (it may spill to disk)."""
        ...

    @property
    def by_customer(self) -> str:
        """The window's PARTITION BY clause over payments ordered by customer and month (``k``): DuckDB
        runs one sort of one integer best (none), Spark needs partitions to spread the work."""
        ...


#: Called with the share of the work done (0 to 1) and what is being done.
Progress = Callable[[float, str], None]


def _silent(done: float, step: str) -> None:
    """No progress shown."""


@dataclass(frozen=True)
class SqlMetrics:
    """The monthly metrics computed by an SQL engine: the same tables as
    :class:`simulator.metrics.ExportMetrics` (``monthly``, ``by_segment``, ``months``), without the
    payments (they stay where the data lives)."""

    monthly: pd.DataFrame
    by_segment: pd.DataFrame | None
    months: list[str]
    rows: int


def sql_metrics(
    runner: Runner,
    *,
    columns: Mapping[str, str] | None = None,
    amounts_in_cents: bool = False,
    progress: Progress = _silent,
) -> SqlMetrics:
    """Validate the runner's ``source`` as an MRR export and compute its monthly metrics.

    Raises
    ------
    ExportError
        With the CSV reader's message for the same problem.
    """
    progress(0.0, "reading and checking the export")
    kinds = dict(runner.columns())
    names = list(kinds)
    mapping = {name: names[position] for name, position in _resolve_columns(names, columns or {}).items()}
    _create_views(
        runner, mapping, {name: kinds[column] for name, column in mapping.items()}, amounts_in_cents
    )
    checks = _checks(text_amounts=kinds[mapping["mrr"]] == TEXT)
    # The one pass over the data: every later step reads this, one row per customer and month.
    runner.materialize("grouped", _grouped_sql(checks))
    first, last, rows = _validate(runner, checks, kinds[mapping["mrr"]] == TEXT, amounts_in_cents)
    n_months = last - first + 1
    progress(0.3, "numbering customers")
    segment_names = _number_customers(runner, has_segment="segment" in mapping)
    step = "computing the monthly bridge"
    progress(0.4, step)
    sums = _sums(
        runner, first, n_months, max(len(segment_names), 1), lambda share: progress(0.4 + 0.55 * share, step)
    )
    progress(0.95, "writing the table")
    labels = month_labels(np.arange(first, first + n_months))
    total = {name: values.sum(axis=0, keepdims=True) for name, values in sums.items()}
    by_segment = None
    if segment_names:
        by_segment = _table(sums, labels)
        by_segment.insert(0, "segment", np.repeat(segment_names, n_months))
    progress(1.0, "done")
    return SqlMetrics(monthly=_table(total, labels), by_segment=by_segment, months=labels, rows=rows)


def _create_views(runner: Runner, mapping: dict[str, str], kinds: dict[str, str], in_cents: bool) -> None:
    """``typed``: per row its key, the customer (text, trimmed; NULL when empty), the month code, the amount
    (NULL when not a number) and the segment, beside the values as the file holds them (for messages)."""
    q = runner.quote
    customer, month, mrr = (q(mapping[name]) for name in ("customer_id", "month", "mrr"))
    if kinds["month"] == DATE:
        month_code = f"(year({month}) - 1970) * 12 + month({month}) - 1"
        month_join = ""
    else:
        # Each distinct text parsed once, joined back on the text.
        text = f"CAST({month} AS STRING)"
        y, m, d = (f"regexp_extract(mt, '{MONTH_PATTERN}', {group})" for group in (1, 2, 3))
        runner.execute(
            f"""CREATE OR REPLACE TEMPORARY VIEW month_codes AS
            SELECT mt, CASE WHEN {y} <> '' AND try_cast({m} AS INT) BETWEEN 1 AND 12 AND ({d} = '' OR
                try_cast(concat({y}, '-', lpad({m}, 2, '0'), '-', lpad({d}, 2, '0')) AS DATE) IS NOT NULL)
              THEN (try_cast({y} AS INT) - 1970) * 12 + try_cast({m} AS INT) - 1 END AS month_code
            FROM (SELECT DISTINCT {text} AS mt FROM source) AS texts"""
        )
        month_code = "month_codes.month_code"
        month_join = f"LEFT JOIN month_codes ON {text} = month_codes.mt"
    amount = f"try_cast({mrr} AS DOUBLE)"
    if kinds["mrr"] == TEXT:
        amount = f"CASE WHEN regexp_extract(trim({mrr}), '({_PLAIN_NUMBER})', 1) <> '' THEN {amount} END"
    elif kinds["mrr"] != NUMBER:
        amount = "CAST(NULL AS DOUBLE)"
    if in_cents:
        amount = f"{amount} / 100.0"
    segment = "'(none)'"
    if "segment" in mapping:
        trimmed = f"trim(CAST({q(mapping['segment'])} AS STRING))"
        segment = f"CASE WHEN {trimmed} IS NULL OR {trimmed} = '' THEN '(none)' ELSE {trimmed} END"
    id_text = f"trim(CAST({customer} AS STRING))"
    runner.execute(
        f"""CREATE OR REPLACE TEMPORARY VIEW typed AS
        SELECT row_key, {customer} AS id_value, {month} AS month_value, {mrr} AS mrr_value,
          CASE WHEN {id_text} = '' THEN NULL ELSE {id_text} END AS customer,
          {month_code} AS month_code, {amount} AS amount, {segment} AS segment
        FROM source {month_join}"""
    )


_IS_NUMBER = "amount BETWEEN -1e300 AND 1e300"


def _checks(*, text_amounts: bool) -> dict[str, str]:
    """Each kind of bad value, as a condition on a row of ``typed``."""
    checks = {
        "customer": "customer IS NULL",
        "month": "month_code IS NULL",
        "number": f"NOT ({_IS_NUMBER}) OR amount IS NULL",
        "negative": "amount < 0",
        "tiny": f"amount > 0 AND amount < {MIN_AMOUNT}",
        "huge": f"amount > {MAX_MONEY} AND {_IS_NUMBER}",
    }
    if text_amounts:
        checks["two_ways"] = f"regexp_extract(trim(mrr_value), '({_TWO_WAYS})', 1) <> ''"
        checks["decides"] = f"instr(CAST(mrr_value AS STRING), '.') > 0 AND NOT ({checks['two_ways']})"
    return checks


def _grouped_sql(checks: Mapping[str, str]) -> str:
    """One row per customer and month: its MRR, its rows (the first, and the segment of the last) and
    which checks some of them fail (one bit each, so that the table stays narrow)."""
    bits = " | ".join(
        f"CASE WHEN {condition} THEN {1 << i} ELSE 0 END" for i, condition in enumerate(checks.values())
    )
    return f"""SELECT customer, month_code, count(*) AS n,
        sum(CASE WHEN {_IS_NUMBER} THEN amount ELSE 0 END) AS mrr,
        min(row_key) AS first_key, max_by(segment, row_key) AS segment, bit_or({bits}) AS bad
      FROM typed GROUP BY customer, month_code"""


def _validate(
    runner: Runner, checks: Mapping[str, str], text_amounts: bool, in_cents: bool
) -> tuple[int, int, int]:
    """The first and last month codes and the number of rows, once every check has passed."""
    summary = runner.frame(
        f"""SELECT sum(n) AS n_rows, bit_or(bad) AS bad, min(month_code) AS first, max(month_code) AS last,
          min_by(first_key, month_code * {_ROW_SPAN} + first_key) AS first_key,
          max_by(first_key, month_code * {_ROW_SPAN} - first_key) AS last_key,
          sum(CASE WHEN mrr > 0 THEN mrr ELSE 0 END) AS total
        FROM grouped"""
    ).iloc[0]
    if int(summary["n_rows"] or 0) == 0:
        raise ExportError("the file has a header row but no data rows")
    bad = int(summary["bad"] or 0)
    found = {name: bad & (1 << i) for i, name in enumerate(checks)}
    if found["customer"]:
        shown = _first_rows(runner, checks["customer"], "id_value")
        raise ExportError(f"column 'customer_id' is empty in {shown}; every row needs a customer")
    if found["month"]:
        shown = _first_rows(runner, checks["month"], "month_value")
        raise ExportError(
            f"column 'month' has values that are not a month ({shown}); "
            "write months as YYYY-MM (2024-03) or as dates (2024-03-31, or 2024-03-31 12:00:00)"
        )
    first, last = int(summary["first"]), int(summary["last"])
    if first == last:
        raise ExportError(
            "the file covers a single month; retention compares a month with the one before, "
            "so export at least two months"
        )
    if last - first > MAX_MONTHS_SPAN:
        rows = (_row_number(runner, int(summary["first_key"])), _row_number(runner, int(summary["last_key"])))
        check_month_span(first, last, rows=rows)
    if found["number"]:
        shown = _first_rows(runner, checks["number"], "mrr_value")
        plain = " with a decimal point (the SQL engines read no other way; --engine pandas reads the others)"
        raise ExportError(
            f"column 'mrr' has values that are not numbers ({shown}); "
            f"write amounts as plain numbers such as 1200.50{plain if text_amounts else ''}"
        )
    if text_amounts and found["two_ways"] and not found["decides"]:
        shown = _first_rows(runner, checks["two_ways"], "mrr_value", limit=1)
        raise ExportError(
            f"column 'mrr' has amounts that read two ways ({shown}: with a point between thousands, or a "
            "decimal point), and nothing else in the file says which; write the amounts with their cents "
            "(1010.00), or without a separator between thousands"
        )
    if found["negative"]:
        shown = _first_rows(runner, checks["negative"], _AS_READ)
        raise ExportError(
            f"column 'mrr' has negative amounts ({shown}); MRR cannot be below 0, "
            "so leave refunds and credits out of an MRR export"
        )
    cents = "" if in_cents else ", or read the amounts as cents (the 'amounts in cents' option)"
    if found["tiny"]:
        shown = _first_rows(runner, checks["tiny"], _AS_READ)
        raise ExportError(
            f"column 'mrr' has amounts above 0 but below {MIN_AMOUNT:g} ({shown}); "
            "MRR is money: write 0 for a customer who does not pay, or round the amounts to cents"
        )
    if found["huge"]:
        shown = _first_rows(runner, checks["huge"], _AS_READ)
        raise ExportError(
            f"column 'mrr' has amounts over {MAX_MONEY:g} a month, the most MRR the simulator models "
            f"({shown}); check for a misplaced decimal separator{cents}"
        )
    if float(summary["total"] or 0.0) > MAX_MONEY:
        _refuse_months_over_the_cap(runner, cents)
    return first, last, int(summary["n_rows"])


def _refuse_months_over_the_cap(runner: Runner, cents: str) -> None:
    months = runner.frame(
        f"""SELECT month_code, sum(mrr) AS total, min(first_key) AS first_key FROM grouped
        GROUP BY month_code HAVING sum(mrr) > {MAX_MONEY} ORDER BY month_code LIMIT 1"""
    )
    if months.empty:
        return
    month = months.iloc[0]
    row = _row_number(runner, int(month["first_key"]))
    raise ExportError(
        f"the MRR of {month_labels(np.array([int(month['month_code'])]))[0]} (from row {row}) adds up to "
        f"{float(month['total']):.4g}, over {MAX_MONEY:g}, the most MRR a month the simulator models; "
        f"check for a misplaced decimal separator{cents}"
    )


def _first_rows(runner: Runner, condition: str, column: str, *, limit: int = ROWS_SHOWN) -> str:
    """'row 3: 'abc', row 7: empty' for the first rows meeting ``condition`` (the header is row 1)."""
    found = runner.frame(
        f"""SELECT row_key, {column} AS value, count(*) OVER () AS n FROM typed WHERE {condition}
        ORDER BY row_key LIMIT {limit}"""
    )
    shown = ", ".join(
        f"row {_row_number(runner, int(key))}: {_shown(_plain(value))}"
        for key, value in zip(found["row_key"], found["value"], strict=True)
    )
    more = int(found["n"].to_numpy()[0]) - limit if len(found) else 0
    return shown + (f" and {more} more" if more > 0 else "")


def _plain(value: object) -> object:
    """A value as the CSV reader would show it: numbers as numbers, the rest as text."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, float, np.number)):
        return float(value)
    try:
        return float(str(value)) if not isinstance(value, str) else value  # Decimal
    except ValueError:
        return str(value)


def _row_number(runner: Runner, key: int) -> int:
    """The file's row number of a row key (the header is row 1): keys order the rows, but may skip."""
    return _number(runner, f"SELECT count(*) AS n FROM source WHERE row_key < {key}") + 2


def _number(runner: Runner, sql: str) -> int:
    """The one number a query gives (in a column ``n``)."""
    return int(runner.frame(sql)["n"].to_numpy()[0])


def _number_customers(runner: Runner, *, has_segment: bool) -> list[str]:
    """``customers``: a dense integer id per customer, and the segment of their latest row (the last row
    of their latest month); ``segments``: each segment's number, in name order. Returns the names
    (none without a segment column).

    Raises
    ------
    ExportError
        Over :data:`MAX_EXPORT_SEGMENTS` segments.
    """
    runner.materialize(
        "customers",
        # BIGINT: Spark's row_number is an INT, and 2.1 million customers × _STRIDE overflow it.
        """SELECT customer, CAST(row_number() OVER (ORDER BY customer) AS BIGINT) - 1 AS cid, segment FROM (
          SELECT customer, max_by(segment, month_code) AS segment FROM grouped GROUP BY customer
        ) AS latest""",
    )
    runner.materialize(
        "segments",
        """SELECT segment, row_number() OVER (ORDER BY segment) - 1 AS seg
        FROM (SELECT DISTINCT segment FROM customers) AS names""",
    )
    if not has_segment:
        return []
    names = runner.frame("SELECT segment, seg FROM segments ORDER BY seg")["segment"].tolist()
    if len(names) > MAX_EXPORT_SEGMENTS:
        raise ExportError(
            f"column 'segment' has {len(names):,} different values, over the {MAX_EXPORT_SEGMENTS} "
            "segments analysed; map segment to a column with fewer values (a plan or a region), "
            "or leave it unmapped"
        )
    return [str(name) for name in names]


def _sums(
    runner: Runner, first: int, n_months: int, n_segments: int, watch: Callable[[float], None]
) -> dict[str, np.ndarray]:
    """Per segment and month (``n_segments × n_months`` arrays), the sums :func:`simulator.metrics._table`
    takes: the same as the pandas engine's ``_sums``."""
    # A payment's key k: its customer's number × _STRIDE + its month; a customer's payments are
    # consecutive keys in month order, and k − 12 is the same customer's a year before (months < 1000).
    last_month = n_months - 1
    # A customer pays once a month at most, so the payment a year before, if any, is one of the 12 before
    # on the same sorted window: 12 shifted reads of one sort, no join of the payments with themselves.
    year_before = (
        "CASE "
        + " ".join(
            f"WHEN lag(k, {back}) OVER by_month = k - 12 THEN lag(mrr, {back}) OVER by_month"
            for back in range(1, 13)
        )
        + " END"
    )
    query = f"""
    WITH paying AS (
      SELECT customers.cid, segments.seg, customers.cid * {_STRIDE} + grouped.month_code - {first} AS k,
        grouped.mrr
      FROM grouped JOIN customers ON grouped.customer = customers.customer
      JOIN segments ON customers.segment = segments.segment
      WHERE grouped.mrr > 0),
    year_on AS (
      SELECT seg, k, mrr,
        lag(k) OVER by_month AS prev_k,
        lag(mrr) OVER by_month AS prev_mrr,
        lead(k) OVER by_month AS next_k,
        {year_before} AS mrr_12
      FROM paying
      WINDOW by_month AS ({runner.by_customer} ORDER BY k)),
    kinds AS (
      SELECT seg, k % {_STRIDE} AS m, mrr, mrr_12,
        CASE WHEN prev_k IS NULL OR prev_k < k - k % {_STRIDE} THEN 0 WHEN prev_k < k - 1 THEN 1
          WHEN mrr > prev_mrr THEN 3 WHEN mrr < prev_mrr THEN 4 ELSE 2 END AS kind,
        CASE WHEN prev_k = k - 1 THEN mrr - prev_mrr ELSE 0 END AS change,
        (next_k IS NULL OR next_k > k + 1) AND k % {_STRIDE} < {last_month} AS stops
      FROM year_on)
    SELECT seg, m, 0 AS part, CAST(count(*) AS BIGINT) AS customers, sum(mrr) AS ending_mrr,
      sum(CASE WHEN kind = 0 THEN mrr ELSE 0 END) AS new_mrr,
      CAST(sum(CASE WHEN kind = 0 THEN 1 ELSE 0 END) AS BIGINT) AS new_customers,
      sum(CASE WHEN kind = 1 THEN mrr ELSE 0 END) AS reactivation_mrr,
      CAST(sum(CASE WHEN kind = 1 THEN 1 ELSE 0 END) AS BIGINT) AS reactivated_customers,
      sum(CASE WHEN kind = 3 THEN change ELSE 0 END) AS expansion_mrr,
      sum(CASE WHEN kind = 4 THEN 0 - change ELSE 0 END) AS contraction_mrr,
      sum(CASE WHEN mrr_12 IS NOT NULL THEN mrr ELSE 0 END) AS now_12,
      sum(CASE WHEN mrr_12 IS NOT NULL THEN least(mrr, mrr_12) ELSE 0 END) AS capped_12
    FROM kinds GROUP BY seg, m
    UNION ALL
    SELECT seg, m + 1 AS m, 1 AS part, CAST(count(*) AS BIGINT), sum(mrr), 0, 0, 0, 0, 0, 0, 0, 0
    FROM kinds WHERE stops GROUP BY seg, m + 1
    """
    table = runner.frame(query, watch=watch)
    shape = (n_segments, n_months)
    sums = {name: np.zeros(shape) for name in _SUMMED}
    flows, churn = table[table["part"] == 0], table[table["part"] == 1]
    at = (flows["seg"].to_numpy(dtype=np.int64), flows["m"].to_numpy(dtype=np.int64))
    for name in _SUMMED:
        if name in flows:
            sums[name][at] = flows[name].to_numpy(dtype=float)
    churn_at = (churn["seg"].to_numpy(dtype=np.int64), churn["m"].to_numpy(dtype=np.int64))
    sums["churned_mrr"][churn_at] = churn["ending_mrr"].to_numpy(dtype=float)
    sums["churned_customers"][churn_at] = churn["customers"].to_numpy(dtype=float)
    sums["then_12"][:, 12:] = sums["ending_mrr"][:, :-12]
    sums["churned_customers"] = sums["churned_customers"].astype(np.int64)
    return sums


_SUMMED = (
    "customers",
    "new_customers",
    "reactivated_customers",
    "churned_customers",
    "ending_mrr",
    "new_mrr",
    "reactivation_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "then_12",
    "now_12",
    "capped_12",
)
