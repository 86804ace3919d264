"""Actual NRR and GRR from an MRR export ("know your number").

The export becomes its payments: one ``(customer, month, MRR)`` triple for
every customer and month with MRR above 0 (several rows for one customer and
month add up; a month without a row pays 0), sorted by customer then month.
Each payment is compared with the customer's payment just before it, and
every flow is a sum over payments by month (and segment): one ``bincount``
per flow, no loop over customers or months.

Per month t, against month t − 1, each customer's change is exactly one of:
new (first month they ever pay), reactivation (pays again after a month at
0), expansion, contraction, churned (paid last month, 0 now). So the bridge
``starting + new + reactivation + expansion − contraction − churned = ending``
holds by construction. A reactivation rule other than the default
(:mod:`simulator.reactivation`) moves some returns to new or to expansion:
whole-array work on the returns only, none at all by default.

Work and memory are sized by the data, never by the span of months: for an
export of ``R`` rows, ``C`` customers, ``M`` months (first to last, at most
:data:`simulator.export.MAX_MONTHS_SPAN` + 1) and ``S`` segments (at most
:data:`MAX_EXPORT_SEGMENTS`), :func:`analyse` allocates O(R + C + S × M) and
sorts the rows once (O(R log R); no sort when the rows already come by
customer and month). Its peak, result included, is about 100 bytes per row
(at most 110 in the shapes measured, against 8 bytes per customer × month
for a dense matrix: 10 GB for 2 million customers over 50 years);
tests/test_metrics.py checks it with ``tracemalloc``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.export import ExportError, check_month_span, month_labels
from simulator.payments import Payments, a_year_on, payments_of
from simulator.reactivation import ANY, Reactivation

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
    "quick_ratio",
)

_FLOWS = ("new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr")

#: The most segments analysed (each is a block of months in :attr:`ExportMetrics.by_segment`).
MAX_EXPORT_SEGMENTS = 100
#: The most cells :attr:`ExportMetrics.matrix` builds (400 MB of float64).
MAX_MATRIX_CELLS = 50_000_000


@dataclass(frozen=True)
class ExportMetrics:
    """Monthly metrics of an export.

    Attributes
    ----------
    monthly
        One row per month from the first to the last, :data:`METRICS_COLUMNS`
        then ``new_customers`` (how many paid for the first time) and
        ``churned_customers`` (how many paid the month before and not this one) and
        ``reactivated_customers`` (how many paid again after a month or more at 0).
        The first month has no previous month: its payers are all new, its
        NRR and GRR do not exist (NaN), as trailing-12 figures before month 13;
        ``quick_ratio`` (:func:`quick_ratio`) is NaN in a month that lost nothing.
    by_segment
        The same columns after a leading ``segment`` column, one block of
        months per segment; ``None`` without a segment column. Each customer
        belongs to the segment of their latest row, so segments add up to the
        total.
    payments
        The customer and month of every MRR above 0 (see :class:`Payments`).
    customer_ids
        The customers (every one in the export, paying or not).
    months
        ``YYYY-MM`` labels of every month from the first to the last.
    reactivation
        The rule the returns of ``monthly`` and ``by_segment`` were counted by.
    """

    monthly: pd.DataFrame
    by_segment: pd.DataFrame | None
    payments: Payments
    customer_ids: np.ndarray
    months: list[str]
    reactivation: Reactivation = ANY

    @property
    def matrix(self) -> np.ndarray:
        """Customer × month MRR as a dense array (rows in the order of ``customer_ids``).

        Built on demand, ``len(customer_ids) × len(months)`` floats: for tests
        and small exports; nothing in the engine uses it.

        Raises
        ------
        ExportError
            Above :data:`MAX_MATRIX_CELLS` cells.
        """
        cells = len(self.customer_ids) * len(self.months)
        if cells > MAX_MATRIX_CELLS:
            raise ExportError(
                f"a dense matrix of {len(self.customer_ids):,} customers × {len(self.months)} months "
                f"would hold {cells:,} cells, over {MAX_MATRIX_CELLS:,}; use ExportMetrics.payments"
            )
        dense = np.zeros((len(self.customer_ids), len(self.months)))
        dense[self.payments.customer, self.payments.month] = self.payments.mrr
        return dense


def analyse(export: pd.DataFrame, *, reactivation: Reactivation = ANY) -> ExportMetrics:
    """Monthly MRR bridge, NRR and GRR of a validated export.

    Parameters
    ----------
    export
        A frame from :func:`simulator.export.read_export`.
    reactivation
        How a customer who pays again after months at 0 is counted
        (:mod:`simulator.reactivation`); by default every return is a reactivation.

    Raises
    ------
    ExportError
        When the months span more than :data:`simulator.export.MAX_MONTHS_SPAN`
        (``read_export`` refuses those already).

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
    first, last = int(month_code.min()), int(month_code.max())
    check_month_span(first, last)
    n_months = last - first + 1
    labels = month_labels(np.arange(first, first + n_months))

    segment_names: list[str] = []
    segment_of = np.zeros(0, dtype=np.int64)
    if "segment" in export:
        # Each customer belongs to the segment of their latest month (their last row in it).
        n_rows = len(month_code)
        latest_key = np.full(len(customer_ids), -1, dtype=np.int64)
        np.maximum.at(latest_key, customer_code, month_code * n_rows + np.arange(n_rows))
        segment_of, segment_names = _segments(export["segment"].iloc[latest_key % n_rows])

    payments = payments_of(customer_code, month_code - first, export["mrr"].to_numpy(dtype=float), n_months)
    segment = segment_of[payments.customer] if segment_names else None
    sums = _sums(payments, segment, max(len(segment_names), 1), n_months, reactivation)
    total = {name: values.sum(axis=0, keepdims=True) for name, values in sums.items()}
    by_segment = None
    if segment_names:
        by_segment = _table(sums, labels)
        by_segment.insert(0, "segment", np.repeat(segment_names, n_months))
    return ExportMetrics(
        monthly=_table(total, labels),
        by_segment=by_segment,
        payments=payments,
        customer_ids=np.asarray(customer_ids),
        months=labels,
        reactivation=reactivation,
    )


def reclassified(metrics: ExportMetrics, reactivation: Reactivation) -> pd.DataFrame:
    """The monthly table of ``metrics`` (segments aside) with returns counted by ``reactivation``.

    From the payments already sorted: no reading, no sort, one pass of :func:`_sums` (none when
    ``metrics`` was counted so already); equal to ``analyse(export, reactivation=reactivation).monthly``.
    """
    counted = metrics.reactivation
    if reactivation == counted or (reactivation.is_default and counted.is_default):
        return metrics.monthly
    sums = _sums(metrics.payments, None, 1, len(metrics.months), reactivation)
    return _table({name: values.sum(axis=0, keepdims=True) for name, values in sums.items()}, metrics.months)


def _segments(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each value's segment number, and the segments' names in order; surrounding spaces do not count.

    Raises
    ------
    ExportError
        Over :data:`MAX_EXPORT_SEGMENTS` segments.
    """
    codes, names = pd.factorize(values.astype("str").fillna("(none)"))
    # " SMB" is "SMB", and a blank segment is none; counted before sorting (a column of ids sorts slowly).
    stripped = names.str.strip()
    stripped = stripped.where(stripped != "", "(none)")
    if stripped.nunique() > MAX_EXPORT_SEGMENTS:
        raise ExportError(
            f"column 'segment' has {stripped.nunique():,} different values, over the {MAX_EXPORT_SEGMENTS} "
            "segments analysed; map segment to a column with fewer values (a plan or a region), "
            "or leave it unmapped"
        )
    renumber, stripped = pd.factorize(stripped, sort=True)
    codes = renumber[codes]
    return codes, [str(name) for name in stripped]


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


def _sums(
    payments: Payments,
    segment: np.ndarray | None,
    n_segments: int,
    n_months: int,
    reactivation: Reactivation = ANY,
) -> dict[str, np.ndarray]:
    """Per segment and month (an ``n_segments × n_months`` array each), the sum of every flow.

    Month 0 has no month before it: everyone paying is new there.
    """
    month, mrr = payments.month, payments.mrr
    size = n_segments * n_months
    shape = (n_segments, n_months)
    cell = month if segment is None else segment * n_months + month
    follows = payments.follows()
    # Every full-length temporary costs its page faults: few of them, reused in place.
    change = np.empty_like(mrr)
    change[:1] = 0.0
    np.subtract(mrr[1:], mrr[:-1], out=change[1:])
    # Each payment is exactly one kind (see _NEW…): new or reactivated, with no payment the
    # month before; else steady, expanded or contracted against it.
    grew, shrank = (change > 0).view(np.uint8), (change < 0).view(np.uint8)
    kind = (~payments.is_first()).view(np.uint8) + follows.view(np.uint8) * (1 + grew + 2 * shrank)
    # The default counts every return as a reactivation and does no more work; another rule moves some.
    restarted = None if reactivation.is_default else _recount(kind, month, reactivation)
    index = kind.astype(np.intp)
    index *= size
    index += cell
    value = np.abs(change, out=change)
    np.copyto(value, mrr, where=~follows)
    flows = np.bincount(index, weights=value, minlength=_KINDS * size).reshape(_KINDS, *shape)
    counts = np.bincount(index, minlength=_KINDS * size).reshape(_KINDS, *shape)
    # A payment not followed by one the month after churns then (unless it is the last month):
    # the payments that stop and those that go on, summed apart in one pass.
    stopped = month < n_months - 1
    stopped[:-1] &= ~follows[1:]
    np.multiply(stopped, size, out=index)
    index += cell
    going_on, stopping = np.bincount(index, weights=mrr, minlength=2 * size).reshape(2, *shape)
    ending = going_on + stopping
    churned = np.zeros(shape)
    churned[:, 1:] = stopping[:, :-1]
    leavers = np.zeros(shape, dtype=np.int64)
    leavers[:, 1:] = np.bincount(index, minlength=2 * size)[size:].reshape(shape)[:, :-1]

    # Trailing 12, over the customers paying at t − 12: what they pay at t,
    # as it is and capped at what they paid at t − 12.
    then_12 = np.zeros(shape)
    then_12[:, 12:] = ending[:, :-12]
    earlier, later = a_year_on(payments, n_months)
    if restarted is not None:
        # A customer new again in between is not the one paying at t − 12: a pair counts only when
        # no payment between its two (the later included) started the customer over.
        starts = np.cumsum(restarted)
        kept = starts[later] == starts[earlier]
        earlier, later = earlier[kept], later[kept]
    at = cell[later]
    now = mrr[later]
    return {
        "customers": counts.sum(axis=0),
        "new_customers": counts[_NEW],
        "reactivated_customers": counts[_REACTIVATED],
        "churned_customers": leavers,
        "ending_mrr": ending,
        "new_mrr": flows[_NEW],
        "reactivation_mrr": flows[_REACTIVATED],
        "expansion_mrr": flows[_EXPANDED],
        "contraction_mrr": flows[_CONTRACTED],
        "churned_mrr": churned,
        "then_12": then_12,
        "now_12": np.bincount(at, weights=now, minlength=size).reshape(shape),
        "capped_12": np.bincount(at, weights=np.minimum(now, mrr[earlier], out=now), minlength=size).reshape(
            shape
        ),
    }


def _recount(kind: np.ndarray, month: np.ndarray, reactivation: Reactivation) -> np.ndarray | None:
    """Count the returns (payments of kind ``_REACTIVATED``) as ``reactivation`` says, in place.

    A return's gap is the months at 0 just before it. Returns the payments that made their
    customer new again (``within``), or None when no rule makes customers new.
    """
    returning = kind == _REACTIVATED
    gap = np.zeros(len(month), dtype=np.int64)
    np.subtract(month[1:], month[:-1] + 1, out=gap[1:])
    if reactivation.kind == "within":
        restarted: np.ndarray = returning & (gap > reactivation.months)
        kind[restarted] = _NEW
        return restarted
    if reactivation.kind == "after":
        returning &= gap < reactivation.months
    kind[returning] = _EXPANDED  # "after" with a short gap, or "expansion"
    return None


#: The kinds of payment, against the customer's month before.
_NEW, _REACTIVATED, _STEADY, _EXPANDED, _CONTRACTED = range(5)
_KINDS = 5


def _table(sums: dict[str, np.ndarray], labels: list[str]) -> pd.DataFrame:
    """The metrics table from additive sums (one row of months per segment): ratios are taken only here."""
    ending = sums["ending_mrr"]
    starting = np.concatenate((np.zeros((len(ending), 1)), ending[:, :-1]), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        retained = starting - sums["churned_mrr"] - sums["contraction_mrr"]
        nrr = np.where(starting > 0, (retained + sums["expansion_mrr"]) / starting, np.nan)
        grr = np.where(starting > 0, retained / starting, np.nan)
        then = sums["then_12"]
        nrr_12 = np.where(then > 0, sums["now_12"] / then, np.nan)
        grr_12 = np.where(then > 0, sums["capped_12"] / then, np.nan)
    # Exports are in cents: round the sums back to cents, dropping float dust.
    flows = {name: sums[name].ravel().round(2) for name in _FLOWS}
    return pd.DataFrame(
        {
            "month": labels * len(ending),
            "customers": sums["customers"].ravel().astype(np.int64),
            "starting_mrr": starting.ravel().round(2),
            **flows,
            "ending_mrr": ending.ravel().round(2),
            "nrr_month": nrr.ravel(),
            "grr_month": grr.ravel(),
            "nrr_trailing_12": nrr_12.ravel(),
            "grr_trailing_12": grr_12.ravel(),
            # From the flows as shown (to the cent), so that the file's own columns give it.
            "quick_ratio": quick_ratio_of(flows, "mrr"),
            "new_customers": sums["new_customers"].ravel().astype(np.int64),
            "churned_customers": sums["churned_customers"].ravel(),
            "reactivated_customers": sums["reactivated_customers"].ravel().astype(np.int64),
        }
    )


def quick_ratio(
    *,
    new: np.ndarray | float,
    reactivation: np.ndarray | float,
    expansion: np.ndarray | float,
    contraction: np.ndarray | float,
    churned: np.ndarray | float,
) -> np.ndarray:
    """The SaaS quick ratio: (new + reactivation + expansion) ÷ (churned + contraction) MRR.

    NaN where nothing was lost (the ratio has no finite value); 4 means four
    dollars won for each one lost. The same formula for an export's months
    and a scenario's years (:mod:`simulator.arr`).

    >>> quick_ratio(new=10_000, reactivation=0, expansion=6_000, contraction=1_000, churned=3_000)
    array(4.)
    >>> quick_ratio(new=5.0, reactivation=0, expansion=0, contraction=0, churned=0)
    array(nan)
    """
    won = np.asarray(new, dtype=float) + reactivation + expansion
    lost = np.asarray(churned, dtype=float) + contraction
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(lost > 0, won / lost, np.nan)


def quick_ratio_of(flows: Mapping[str, np.ndarray], unit: str) -> np.ndarray:
    """:func:`quick_ratio` of flows named ``new_<unit>``, ``reactivation_<unit>``… (``mrr`` or ``arr``)."""
    return quick_ratio(
        new=flows[f"new_{unit}"],
        reactivation=flows[f"reactivation_{unit}"],
        expansion=flows[f"expansion_{unit}"],
        contraction=flows[f"contraction_{unit}"],
        churned=flows[f"churned_{unit}"],
    )
