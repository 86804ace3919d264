"""Actual NRR and GRR from an MRR export ("know your number").

The export becomes one dense customer × month matrix of MRR (a customer with
no row in a month pays 0 there; several rows for one customer and month add
up). Every flow is then a comparison of two whole columns of that matrix, and
totals per segment are one matrix product: no loop over customers or months.

Per month t, against month t − 1, each customer's change is exactly one of:
new (first month they ever pay), reactivation (pays again after a month at
0), expansion, contraction, churned (paid last month, 0 now). So the bridge
``starting + new + reactivation + expansion − contraction − churned = ending``
holds by construction.
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.export import month_labels

#: The columns of :attr:`ExportMetrics.monthly`, in order.
METRICS_COLUMNS: tuple[str, ...] = (
    "month",
    "customers",
    "starting_mrr",
    "new_mrr",
    "reactivation_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "ending_mrr",
    "nrr_month",
    "grr_month",
    "nrr_trailing_12",
    "grr_trailing_12",
)

_FLOWS = ("new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr")


@dataclass(frozen=True)
class ExportMetrics:
    """Monthly metrics of an export.

    Attributes
    ----------
    monthly
        One row per month from the first to the last, :data:`METRICS_COLUMNS`
        then ``new_customers`` (how many paid for the first time).
        The first month has no previous month: its payers are all new, its
        NRR and GRR do not exist (NaN), as trailing-12 figures before month 13.
    by_segment
        The same columns after a leading ``segment`` column, one block of
        months per segment; ``None`` without a segment column. Each customer
        belongs to the segment of their latest row, so segments add up to the
        total.
    matrix
        Customer × month MRR (rows in the order of ``customer_ids``).
    customer_ids
        The customers, in matrix order.
    months
        ``YYYY-MM`` labels of the matrix columns.
    """

    monthly: pd.DataFrame
    by_segment: pd.DataFrame | None
    matrix: np.ndarray
    customer_ids: np.ndarray
    months: list[str]


def analyse(export: pd.DataFrame) -> ExportMetrics:
    """Monthly MRR bridge, NRR and GRR of a validated export.

    Parameters
    ----------
    export
        A frame from :func:`simulator.export.read_export`.

    Examples
    --------
    >>> from simulator.export import read_export
    >>> csv = b"customer_id,month,mrr\\na,2024-01,100\\nb,2024-01,50\\na,2024-02,120\\n"
    >>> february = analyse(read_export(csv)).monthly.iloc[1]
    >>> february["month"], float(february["nrr_month"]), round(float(february["grr_month"]), 4)
    ('2024-02', 0.8, 0.6667)
    """
    customer_code, customer_ids = pd.factorize(export["customer_id"], sort=False)
    month_code = export["month"].to_numpy(dtype=np.int64)
    first = int(month_code.min())
    n_months = int(month_code.max()) - first + 1
    labels = month_labels(np.arange(first, first + n_months))

    segment_names: list[str] = []
    bounds = [0, len(customer_ids)]
    if "segment" in export:
        # Each customer belongs to the segment of their latest month. Renumber
        # the customers so that each segment is one contiguous block of rows.
        n_rows = len(month_code)
        latest_key = np.full(len(customer_ids), -1, dtype=np.int64)
        np.maximum.at(latest_key, customer_code, month_code * n_rows + np.arange(n_rows))
        latest_row = latest_key % n_rows
        segment_code, names = pd.factorize(export["segment"].iloc[latest_row], sort=True)
        by_segment_order = np.argsort(segment_code, kind="stable")
        renumber = np.empty_like(by_segment_order)
        renumber[by_segment_order] = np.arange(len(by_segment_order))
        customer_code = renumber[customer_code]
        customer_ids = customer_ids[by_segment_order]
        segment_names = [str(name) for name in names]
        bounds = [0, *np.cumsum(np.bincount(segment_code, minlength=len(names))).tolist()]

    flat = customer_code.astype(np.int64) * n_months + (month_code - first)
    matrix = np.bincount(
        flat, weights=export["mrr"].to_numpy(dtype=float), minlength=len(customer_ids) * n_months
    )
    matrix = matrix.reshape(len(customer_ids), n_months)

    block_sums = _sums_in_parallel(matrix, bounds)
    total = {name: np.sum([sums[name] for sums in block_sums], axis=0) for name in block_sums[0]}
    by_segment = None
    if segment_names:
        blocks = [
            _table(sums, labels).assign(segment=name)
            for name, sums in zip(segment_names, block_sums, strict=True)
        ]
        by_segment = pd.concat(blocks, ignore_index=True)
        by_segment = by_segment[["segment", *blocks[0].columns.drop("segment")]]
    return ExportMetrics(
        monthly=_table(total, labels),
        by_segment=by_segment,
        matrix=matrix,
        customer_ids=np.asarray(customer_ids),
        months=labels,
    )


def rebuilt_ending(monthly: pd.DataFrame) -> pd.Series:
    """Ending MRR rebuilt from the bridge: starting + new + reactivation + expansion − contraction − churned.

    Equals ``ending_mrr`` (to the cent) for every month of :func:`analyse`'s output.
    """
    return (
        monthly["starting_mrr"]
        + monthly["new_mrr"]
        + monthly["reactivation_mrr"]
        + monthly["expansion_mrr"]
        - monthly["contraction_mrr"]
        - monthly["churned_mrr"]
    )


def _sums_in_parallel(matrix: np.ndarray, bounds: list[int]) -> list[dict[str, np.ndarray]]:
    """:func:`_sums` of each block of rows between ``bounds``, two halves at a time.

    The sums are additive over customers, so each block is split in two and
    the halves run on two threads (numpy releases the GIL in its loops).
    """
    halves = []
    for low, high in itertools.pairwise(bounds):
        middle = (low + high) // 2
        halves.extend([(low, middle), (middle, high)])
    with ThreadPoolExecutor(max_workers=2) as pool:
        sums = list(pool.map(lambda rows: _sums(matrix[rows[0] : rows[1]]), halves))
    return [
        {name: first[name] + second[name] for name in first}
        for first, second in zip(sums[::2], sums[1::2], strict=True)
    ]


def _sums(matrix: np.ndarray) -> dict[str, np.ndarray]:
    """Per-month sums of every flow over the customers (rows) of ``matrix``; all additive.

    Month 0 has no month before it: everyone paying is new there.
    """
    n_months = matrix.shape[1]
    now, before = matrix[:, 1:], matrix[:, :-1]  # views: month t against t - 1
    paying = matrix > 0
    paying_now, paying_before = paying[:, 1:], paying[:, :-1]
    paid_ever_before = np.logical_or.accumulate(paying, axis=1)[:, :-1]
    starts = paying_now & ~paying_before
    new = starts & ~paid_ever_before
    change = now - before

    def with_month_zero(first: float | np.number, rest: np.ndarray) -> np.ndarray:
        return np.concatenate((np.array([first], dtype=rest.dtype), rest))

    sums = {
        "customers": np.count_nonzero(paying, axis=0),
        "new_customers": with_month_zero(np.count_nonzero(paying[:, 0]), np.count_nonzero(new, axis=0)),
        "ending_mrr": matrix.sum(axis=0),
        "new_mrr": with_month_zero(matrix[:, 0].sum(), now.sum(axis=0, where=new)),
        "reactivation_mrr": with_month_zero(0.0, now.sum(axis=0, where=starts & paid_ever_before)),
        # A customer paying in both months expanded or contracted; one who stopped churned.
        "expansion_mrr": with_month_zero(0.0, change.sum(axis=0, where=paying_before & (change > 0))),
        "contraction_mrr": with_month_zero(0.0, -change.sum(axis=0, where=paying_now & (change < 0))),
        "churned_mrr": with_month_zero(0.0, before.sum(axis=0, where=paying_before & ~paying_now)),
        # Trailing 12, over the customers paying at t − 12: what they pay at t,
        # as it is and capped at what they paid at t − 12.
        "then_12": np.zeros(n_months),
        "now_12": np.zeros(n_months),
        "capped_12": np.zeros(n_months),
    }
    if n_months > 12:
        then, later = matrix[:, :-12], matrix[:, 12:]
        sums["then_12"][12:] = then.sum(axis=0)
        sums["now_12"][12:] = later.sum(axis=0, where=paying[:, :-12])
        sums["capped_12"][12:] = np.minimum(later, then).sum(axis=0)
    return sums


def _table(sums: dict[str, np.ndarray], labels: list[str]) -> pd.DataFrame:
    """The metrics table from additive sums: ratios are taken only here."""
    ending = sums["ending_mrr"]
    starting = np.concatenate(([0.0], ending[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        retained = starting - sums["churned_mrr"] - sums["contraction_mrr"]
        nrr = np.where(starting > 0, (retained + sums["expansion_mrr"]) / starting, np.nan)
        grr = np.where(starting > 0, retained / starting, np.nan)
        then = sums["then_12"]
        nrr_12 = np.where(then > 0, sums["now_12"] / then, np.nan)
        grr_12 = np.where(then > 0, sums["capped_12"] / then, np.nan)
    # Exports are in cents: round the sums back to cents, dropping float dust.
    return pd.DataFrame(
        {
            "month": labels,
            "customers": sums["customers"].astype(np.int64),
            "starting_mrr": starting.round(2),
            **{name: sums[name].round(2) for name in _FLOWS},
            "ending_mrr": ending.round(2),
            "nrr_month": nrr,
            "grr_month": grr,
            "nrr_trailing_12": nrr_12,
            "grr_trailing_12": grr_12,
            "new_customers": sums["new_customers"].astype(np.int64),
        }
    )
