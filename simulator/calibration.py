"""The simulator calibrated on an export: the forecast's scenario, so that "use my numbers" and the
forecast are one thing.

What the scenario holds is learned by :mod:`simulator.forecast` at the export's last month (or at
the last month a backtest fits on), from that month and the ones before only:

- churn, contraction and expansion are the last 12 months' pooled monthly rates (each segment its
  own, for an export with 2 to :data:`~simulator.scenario.MAX_SEGMENTS` segments);
- new customers a month are a typical month's new and returning customers (a trimmed mean: one
  large one-off customer is not carried on every month), and their MRR is set between the typical
  month's and what would hold MRR level, as far as the export's own past says to trust the
  model (:attr:`simulator.forecast.Fit.weight`).

The cohorts' **early-life churn** is measured (:func:`early_churn_from`) and shown, but not added
to the scenario: the pooled monthly rates already hold the young customers' churn at the
export's own mix of young and seasoned customers, and a multiple on top would count it twice.

The **churned customers' size** is measured too (:func:`churned_size_from`): the window's logo churn
against the MRR lost to cancellations. It is set in the scenario, since it moves customer counts
only, never the MRR: the forecast is the same with it.

The core levers the export measures the cohort way (:func:`simulator.actuals.levers_from_table`:
annual NRR and GRR of the customers paying a year before) stay in :attr:`Calibration.levers`, for
the page to set beside them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.actuals import AnnualRetention, Levers, churn_rates, levers_from_table, monthly_rates
from simulator.economics import month_one_churn
from simulator.forecast import WINDOW, Fit, Fits, fit_export
from simulator.metrics import ExportMetrics
from simulator.payments import Payments
from simulator.scenario import MAX_CHURNED_SIZE, MAX_EARLY_CHURN_MULTIPLE, MIN_CHURNED_SIZE, Scenario

#: Early-life churn is fitted over a customer's first months up to this age …
EARLY_AGES = 6
#: … against the revenue churn of customers older than that.
#: It is found when the fitted multiple is at least this (young customers churn 20% more) …
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
class ChurnedSize:
    """The churned customers' size as an export shows it, over the window of the core levers.

    ``logo`` is the customers lost ÷ the customers paying at the start of each
    month, ``mrr`` the MRR of those who left ÷ the starting MRR (cancellations
    alone), each the window's total over its total; ``multiple`` the
    simulator's ``churned_size_multiple`` that gives the calibrated scenario's
    month 1 the same ratio of the two.
    """

    multiple: float
    logo: float
    mrr: float


@dataclass(frozen=True)
class Calibration:
    """The simulator calibrated on an export.

    Attributes
    ----------
    scenario
        The forecast's scenario (:meth:`simulator.forecast.Fits.scenario`): what the forecast
        projects, and what "use my numbers" sets.
    levers
        The core levers as the export measures them the cohort way, and where each came from.
    measured
        The annual NRR and GRR the scenario reproduces: its monthly rates compounded over 12
        months (with segments, each segment's, weighted by its MRR).
    segments
        The segments of the scenario (empty without, or with one or more than
        :data:`~simulator.scenario.MAX_SEGMENTS`).
    early_churn
        The early-life churn the cohorts show (not in the scenario: see the module's notes), or
        ``None`` when the data does not show it.
    forecast
        What the forecast learned: rates, a typical month's inflow, the weight its past gave
        the model, and its band.
    churned_size
        The churned customers' size found (set in the scenario), or ``None`` when they are
        average-sized to the grid's 0.01 or nobody left.
    """

    scenario: Scenario
    levers: Levers
    measured: AnnualRetention
    segments: tuple[str, ...]
    early_churn: EarlyChurn | None
    forecast: Fit
    churned_size: ChurnedSize | None = None


def calibrate(
    metrics: ExportMetrics,
    *,
    months: int = 36,
    window: int = WINDOW,
    upto: int | None = None,
    fits: Fits | None = None,
) -> Calibration:
    """Calibrate the simulator on an export's first ``upto`` months (all of them by default).

    Only what was known by the end of month ``upto`` is used: its metrics rows, its payments,
    and the forecasts that month could judge. (A customer's segment is the one of their latest
    row in the whole export, as :attr:`~simulator.metrics.ExportMetrics.by_segment` assigns it.)
    ``fits``, when given, is :func:`simulator.forecast.fit_export` of the same export and window,
    already computed.
    """
    n_months = len(metrics.months) if upto is None else upto
    origin = n_months - 1
    fits = fit_export(metrics, window=window) if fits is None else fits
    scenario = fits.scenario(origin, months=months)
    forecast = fits.fit(origin)
    size = churned_size_from(metrics.monthly.iloc[:n_months], scenario, window=window)
    if size is not None:
        scenario = scenario.replace(churned_size_multiple=size.multiple)
    return Calibration(
        scenario=scenario,
        levers=levers_from_table(metrics.monthly.iloc[:n_months], months=months, window=window),
        measured=_compounded(scenario, forecast.window),
        segments=tuple(segment.name for segment in scenario.segments),
        early_churn=early_churn_from(metrics.payments, n_months),
        forecast=forecast,
        churned_size=size,
    )


def _compounded(scenario: Scenario, window: tuple[str, str]) -> AnnualRetention:
    """The scenario's annual NRR and GRR: each unit's monthly rates ^ 12, weighted by its MRR."""
    units = scenario.segments or (scenario,)
    share = np.array([getattr(unit, "mrr_share", 1.0) for unit in units])
    gross = np.array([1.0 - unit.churn_rate - unit.contraction_rate for unit in units])
    net = gross + np.array([unit.expansion_rate for unit in units])
    return AnnualRetention(float(share @ net**12), float(share @ gross**12), "monthly rates", window)


def churned_size_from(table: pd.DataFrame, scenario: Scenario, *, window: int = 12) -> ChurnedSize | None:
    """The churned customers' size in the last ``window`` months of a metrics table, for ``scenario``.

    A churned account's size against the average is the MRR lost to
    cancellations ÷ the customers lost, each as a share: ``mrr ÷ logo``. The
    scenario's segments already make its logo churn differ from its MRR churn
    (their customers and MRR split differently), so the multiple set is the one
    that makes the scenario's month-1 ratio of logo churn to MRR churn the
    export's: without segments, the measured ``mrr ÷ logo`` itself. It is held
    in range and to two decimals (the sidebar's grid); ``None`` when that is 1,
    or when the window lost no customer or no MRR.
    """
    logo = churn_rates(table, window=window).logo
    mrr = monthly_rates(table, window=window)["churn"]
    if not (math.isfinite(logo) and math.isfinite(mrr) and logo > 0 and mrr > 0):
        return None
    model_logo, model_mrr = month_one_churn(scenario.replace(churned_size_multiple=1.0))
    if not (model_logo > 0 and model_mrr > 0):
        return None
    multiple = round(min(max((model_logo / model_mrr) * (mrr / logo), MIN_CHURNED_SIZE), MAX_CHURNED_SIZE), 2)
    return None if multiple == 1.0 else ChurnedSize(multiple=multiple, logo=logo, mrr=mrr)


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
