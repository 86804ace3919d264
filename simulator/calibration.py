"""The simulator calibrated on an export: the core levers, plus segments and early-life churn where the
data shows them, still reproducing the annual NRR and GRR measured.

:func:`simulator.actuals.levers_from_table` sets the core levers so that a
year of the simulator keeps what the export's latest trailing year kept.
Here the same scenario gains what the export's cohorts say beyond that:

- **Segments** (an export with a segment column of 2 to
  :data:`~simulator.scenario.MAX_SEGMENTS` segments): each segment starts from
  its own annual NRR and GRR, its share of the last month's MRR, its share of
  the window's new customers and their MRR. The segments' blend, weighted by
  today's MRR, would not in general give the export's own figure (that one is
  weighted by the MRR of a year earlier), so every segment's monthly GRR moves
  by one common shift, then every segment's expansion by another, until the
  blend is exactly the measured annual GRR, then NRR (:func:`_blend_to`).
- **Early-life churn**: the churn of customers by months since their first
  payment (:func:`early_churn_from`). When the young churn clearly more
  than the seasoned, the simulator's multiple and fade are fitted to it.
  Early-life churn acts on new customers only, so today's customers, whose
  year is the annual NRR and GRR, are untouched by it.

The figures a calibration reproduces are its :attr:`Calibration.measured`:
``summarise(calibration.scenario)`` gives that annual NRR and GRR
(tests/test_calibration.py holds it to a part in a billion).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.actuals import (
    AnnualRetention,
    Levers,
    annual_retention,
    churn_share_of,
    levers_from_table,
    monthly_rates,
    root12,
)
from simulator.metrics import ExportMetrics
from simulator.names import fit_names
from simulator.payments import Payments
from simulator.scenario import MAX_EARLY_CHURN_MULTIPLE, MAX_SEGMENT_NAME, MAX_SEGMENTS, Scenario, Segment

#: Early-life churn is fitted over a customer's first months up to this age …
EARLY_AGES = 6
#: … against the revenue churn of customers older than that.
#: It is used when the fitted multiple is at least this (young customers churn 20% more) …
MIN_EARLY_MULTIPLE = 1.2
#: … and at least this many customers were seen one month after their first payment.
MIN_EARLY_CUSTOMERS = 50


@dataclass(frozen=True)
class EarlyChurn:
    """Early-life churn as an export shows it.

    ``by_age`` holds, for each age 1 to :data:`EARLY_AGES` (months since a
    customer's first payment), that age's churn ÷ the seasoned customers'
    (``seasoned``, the share of older customers who stop paying in a month). ``multiple`` and
    ``months`` are the simulator's early-life churn fitted to it: the
    multiple at age 1, fading linearly to 1 over the months
    (:func:`simulator.refined.early_churn`). ``customers`` is how many
    customers were seen at age 1.
    """

    multiple: float
    months: int
    by_age: tuple[float, ...]
    seasoned: float
    customers: int


@dataclass(frozen=True)
class Calibration:
    """The simulator calibrated on an export.

    Attributes
    ----------
    scenario
        The core levers (:attr:`levers`), with the segments and early-life
        churn the data shows: what the forecast projects.
    levers
        The core calibration, and where each of its values came from.
    measured
        The annual NRR and GRR the scenario reproduces.
    segments
        The segments calibrated (empty when the export has none, one, or more
        than :data:`~simulator.scenario.MAX_SEGMENTS`).
    early_churn
        The early-life churn found, or ``None`` when the data does not show it.
    """

    scenario: Scenario
    levers: Levers
    measured: AnnualRetention
    segments: tuple[str, ...]
    early_churn: EarlyChurn | None


def calibrate(
    metrics: ExportMetrics, *, months: int = 36, window: int = 12, upto: int | None = None
) -> Calibration:
    """Calibrate the simulator on an export's first ``upto`` months (all of them by default).

    Only what was known by the end of month ``upto`` is used: its metrics
    rows, its payments. (A customer's segment is the one of their latest row
    in the whole export, as :attr:`~simulator.metrics.ExportMetrics.by_segment`
    assigns it.)
    """
    n_months = len(metrics.months) if upto is None else upto
    table = metrics.monthly.iloc[:n_months]
    levers = levers_from_table(table, months=months, window=window)
    scenario = levers.scenario
    segments = _segments(metrics.by_segment, n_months, levers, window=window)
    if segments:
        scenario = scenario.replace(segments=segments)
    early = early_churn_from(metrics.payments, n_months)
    if early is not None:
        scenario = scenario.replace(early_churn_multiple=early.multiple, early_churn_months=early.months)
    return Calibration(
        scenario=scenario,
        levers=levers,
        measured=levers.measured,
        segments=tuple(segment.name for segment in segments),
        early_churn=early,
    )


def _segments(
    by_segment: pd.DataFrame | None, n_months: int, levers: Levers, *, window: int
) -> tuple[Segment, ...]:
    """Each segment's levers, blended to the export's measured annual GRR and NRR (module docstring)."""
    if by_segment is None:
        return ()
    blocks = [
        (str(name), block.iloc[:n_months].reset_index(drop=True))
        for name, block in by_segment.groupby("segment", sort=False)
    ]
    recent_of = [block.iloc[1:].tail(window) for _, block in blocks]
    mrr = np.array([block["ending_mrr"].to_numpy(dtype=float)[-1] for _, block in blocks])
    new = np.array([float(recent["new_customers"].sum()) for recent in recent_of])
    new_mrr = np.array([float(recent["new_mrr"].sum()) for recent in recent_of])
    keep = (mrr > 0) | (new > 0)
    if not 2 <= int(keep.sum()) <= MAX_SEGMENTS or mrr.sum() <= 0:
        return ()
    blocks = [block for block, kept in zip(blocks, keep, strict=True) if kept]
    mrr, new, new_mrr = mrr[keep], new[keep], new_mrr[keep]
    weight = mrr / mrr.sum()
    new_share = new / new.sum() if new.sum() > 0 else weight

    measured = levers.measured
    grr, nrr, split = [], [], []
    for _, block in blocks:
        own = annual_retention(block, window=window)
        usable = math.isfinite(own.grr) and math.isfinite(own.nrr)
        grr.append(root12(own.grr if usable else measured.grr))
        nrr.append(root12(own.nrr if usable else measured.nrr))
        rates = monthly_rates(block, window=window)
        split.append(churn_share_of(rates if math.isfinite(rates["churn"]) else levers.monthly))
    monthly_grr = np.array(grr)
    expansion = np.maximum(np.array(nrr) - monthly_grr, 0.0)

    blended_nrr = float(weight @ (monthly_grr + expansion) ** 12)
    target_grr = measured.grr if math.isfinite(measured.grr) else float(weight @ monthly_grr**12)
    target_nrr = measured.nrr if math.isfinite(measured.nrr) else blended_nrr
    gross = _blend_to(lambda shift: np.clip(monthly_grr + shift, 0.0, 1.0), weight, target_grr)
    grown = _blend_to(lambda shift: gross + np.clip(expansion + shift, 0.0, 1.0), weight, target_nrr)
    share = np.array(split)
    names = fit_names([name for name, _ in blocks], most=MAX_SEGMENT_NAME, fallback="Segment")
    return tuple(
        Segment(
            name=name,
            churn_rate=float((1.0 - g) * s),
            contraction_rate=float((1.0 - g) * (1.0 - s)),
            expansion_rate=float(n - g),
            mrr_share=float(w),
            new_customer_share=float(c),
            new_customer_mrr=float(v / k) if k > 0 else 0.0,
        )
        for name, g, n, s, w, c, v, k in zip(
            names, gross, grown, share, weight, new_share, new_mrr, new, strict=True
        )
    )


def _blend_to(rates_for: Callable[[float], np.ndarray], weight: np.ndarray, target: float) -> np.ndarray:
    """The monthly rates ``rates_for(shift)`` whose MRR-weighted annual blend is ``target``.

    ``Σ weight × rates_for(shift) ^ 12`` grows with the shift (each rate is
    clipped to its range), so bisection finds it; a target out of reach
    gives the nearest end.
    """

    def blend(shift: float) -> float:
        return float(weight @ rates_for(shift) ** 12)

    low, high = -1.0, 1.0
    if blend(low) >= target:
        return rates_for(low)
    if blend(high) <= target:
        return rates_for(high)
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if blend(middle) < target:
            low = middle
        else:
            high = middle
    return rates_for(high if abs(blend(high) - target) < abs(blend(low) - target) else low)


def early_churn_from(payments: Payments, n_months: int) -> EarlyChurn | None:
    """Early-life churn in an export's first ``n_months`` months, or ``None`` when it does not show.

    For every age ``a`` (months since a customer's first payment, counted for
    customers whose first payment is in the data, not already paying in its
    first month), the churn at that age is how many of the customers paying
    at age ``a − 1`` pay nothing the month after, ÷ how many paid at age
    ``a − 1`` with that next month in the data. Customers, not their MRR,
    are counted: the simulator's multiple moves churn alike for both, and a
    count is not swung by one large account, nor by the young and the
    seasoned having different mixes of account sizes. Ages 1 to
    :data:`EARLY_AGES` are compared with the older ages pooled; the
    simulator's fade (multiple ``m`` at age 1, falling linearly to 1 over
    ``M`` months) is fitted by weighted least squares for each ``M`` from 1
    to :data:`EARLY_AGES`, and the closest fit is kept.
    """
    # Later payments need no cut: a payment counts only if its month and the next are before
    # n_months, and a customer's first payment comes before any of theirs that counts.
    customer, month = payments.customer, payments.month
    if len(month) == 0:
        return None
    first = np.ones(len(customer), dtype=bool)
    np.not_equal(customer[1:], customer[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    first_month = np.repeat(month[starts], np.diff(np.append(starts, len(month))))
    age = month - first_month
    follows_next = np.zeros(len(month), dtype=bool)
    np.equal(customer[1:], customer[:-1], out=follows_next[:-1])
    follows_next[:-1] &= month[1:] - month[:-1] == 1
    # A payment whose next month is in the data, by a customer whose start is in the data.
    at_risk = (month < n_months - 1) & (first_month > 0)
    next_age = np.minimum(age[at_risk] + 1, EARLY_AGES + 1)  # ages past the early ones pooled
    exposed = np.bincount(next_age, minlength=EARLY_AGES + 2).astype(float)
    lost = np.bincount(next_age[~follows_next[at_risk]], minlength=EARLY_AGES + 2).astype(float)
    seen_at_one = int(np.count_nonzero(at_risk & (age == 0)))
    if exposed[EARLY_AGES + 1] <= 0 or lost[EARLY_AGES + 1] <= 0 or seen_at_one < MIN_EARLY_CUSTOMERS:
        return None
    seasoned = lost[EARLY_AGES + 1] / exposed[EARLY_AGES + 1]
    ages = np.arange(1, EARLY_AGES + 1)
    observed = exposed[ages] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(observed, lost[ages] / exposed[ages] / seasoned, 1.0)
    weight = np.where(observed, exposed[ages], 0.0)
    best: tuple[float, float, int] | None = None
    for fade_months in range(1, EARLY_AGES + 1):
        fade = np.clip((fade_months - (ages - 1)) / fade_months, 0.0, 1.0)
        extra = float(weight @ (fade * (ratio - 1.0))) / float(weight @ fade**2)
        extra = min(max(extra, 0.0), MAX_EARLY_CHURN_MULTIPLE - 1.0)
        residual = float(weight @ (ratio - 1.0 - extra * fade) ** 2)
        if best is None or residual < best[0] - 1e-12 * max(best[0], 1.0):
            best = (residual, extra, fade_months)
    assert best is not None
    _, extra, fade_months = best
    multiple = 1.0 + extra
    if multiple < MIN_EARLY_MULTIPLE:
        return None
    return EarlyChurn(
        multiple=round(multiple, 2),
        months=fade_months,
        by_age=tuple(float(value) for value in ratio),
        seasoned=float(seasoned),
        customers=seen_at_one,
    )
