"""The cohort projection: MRR month by month, kept per acquisition cohort.

Month 0 is the starting state. In month t the existing MRR (the MRR at the
start of the month) churns, contracts and expands at the scenario's rates;
the month's new customers arrive at its end with ``new_customer_mrr`` each, so
they neither churn nor expand in the month they arrive.

Every cohort (the starting base is cohort 0, the customers acquired in month k
are cohort k) then follows the same monthly retention factor, so cohort k's
MRR at month t is ``new_mrr[k] * monthly_nrr ** (t - k)``: the whole
cohort × month array is one broadcast power, with no loop over cohorts or
months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.scenario import Scenario

#: The columns the command line prints, in order; the table has these first.
PROJECTION_COLUMNS: tuple[str, ...] = (
    "month",
    "customers",
    "mrr",
    "new_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "nrr_month",
    "grr_month",
    "nrr_trailing_12",
    "grr_trailing_12",
)


@dataclass(frozen=True)
class Projection:
    """A scenario's projection.

    Attributes
    ----------
    scenario
        The scenario projected.
    table
        One row per month 0..months. Columns: :data:`PROJECTION_COLUMNS`, then
        ``starting_mrr`` (MRR at the start of the month), ``new_customers``,
        ``existing_base_mrr`` (the month-0 customers alone, "if we stopped
        acquiring today"), ``new_mrr_to_stay_flat`` ((churn + contraction −
        expansion) × starting MRR; negative when the base grows by itself)
        and ``share_of_new_mrr_replacing_losses`` (the part of the month's new
        MRR that only refills the bucket, 0 to 1). A value that does not
        exist (an NRR on zero starting MRR, a trailing-12 figure before month
        12, customers without a starting count) is NaN.
    cohort_mrr
        Array of shape (months + 1 cohorts, months + 1 months): row 0 is the
        starting base, row k the customers acquired in month k; zero before a
        cohort exists.
    """

    scenario: Scenario
    table: pd.DataFrame
    cohort_mrr: np.ndarray

    def mrr_at(self, month: int) -> float:
        """Total MRR at the end of ``month`` (clipped to the horizon)."""
        month = min(max(month, 0), self.scenario.months)
        return float(self.table["mrr"].to_numpy()[month])


def project(scenario: Scenario, *, months: int | None = None) -> Projection:
    """Project a scenario month by month.

    Parameters
    ----------
    scenario
        The levers.
    months
        Horizon override; defaults to ``scenario.months``.

    Returns
    -------
    Projection

    Examples
    --------
    >>> s = Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01,
    ...              expansion_rate=0.06, months=12)
    >>> round(project(s).table["nrr_month"].iat[1], 4)
    1.02
    """
    if months is not None:
        scenario = scenario.replace(months=months)
    horizon = scenario.months
    month = np.arange(horizon + 1)

    new_customers = scenario.new_customers_per_month * (1.0 + scenario.acquisition_growth_rate) ** (
        month - 1.0
    )
    new_customers[0] = 0.0
    new_mrr = new_customers * scenario.new_customer_mrr
    cohort_start_mrr = new_mrr.copy()
    cohort_start_mrr[0] = scenario.starting_mrr

    cohort_mrr = _compound(cohort_start_mrr, scenario.monthly_nrr)
    mrr = cohort_mrr.sum(axis=0)
    starting_mrr = np.concatenate(([np.nan], mrr[:-1]))

    def flow(rate: float) -> np.ndarray:
        values = rate * starting_mrr
        values[0] = 0.0
        return values

    churned, contraction, expansion = (
        flow(scenario.churn_rate),
        flow(scenario.contraction_rate),
        flow(scenario.expansion_rate),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        has_base = starting_mrr > 0
        nrr_month = np.where(
            has_base, (starting_mrr - churned - contraction + expansion) / starting_mrr, np.nan
        )
        grr_month = np.where(has_base, (starting_mrr - churned - contraction) / starting_mrr, np.nan)
    gross_factor = np.full(horizon + 1, scenario.monthly_grr)
    nrr_trailing, grr_trailing = _trailing_12(cohort_mrr, mrr, gross_factor)

    if scenario.starting_customers is None:
        customers = np.full(horizon + 1, np.nan)
    else:
        customers = _compound(
            np.concatenate(([scenario.starting_customers], new_customers[1:])),
            1.0 - scenario.churn_rate,
        ).sum(axis=0)

    to_stay_flat = flow(scenario.churn_rate + scenario.contraction_rate - scenario.expansion_rate)
    # A tiny new MRR can overflow the ratio; the clip brings it back to 1.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        replacing = np.where(new_mrr > 0, np.clip(to_stay_flat / new_mrr, 0.0, 1.0), np.nan)

    table = pd.DataFrame(
        {
            "month": month,
            "customers": customers,
            "mrr": mrr,
            "new_mrr": new_mrr,
            "expansion_mrr": expansion,
            "contraction_mrr": contraction,
            "churned_mrr": churned,
            "nrr_month": nrr_month,
            "grr_month": grr_month,
            "nrr_trailing_12": nrr_trailing,
            "grr_trailing_12": grr_trailing,
            "starting_mrr": starting_mrr,
            "new_customers": new_customers,
            "existing_base_mrr": cohort_mrr[0],
            "new_mrr_to_stay_flat": to_stay_flat,
            "share_of_new_mrr_replacing_losses": replacing,
        }
    )
    return Projection(scenario=scenario, table=table, cohort_mrr=cohort_mrr)


def _compound(start: np.ndarray, factor: float) -> np.ndarray:
    """Cohort × month array: cohort k holds ``start[k] * factor ** (t - k)`` from month k on."""
    n = start.size
    age = np.subtract.outer(np.arange(n), np.arange(n)).T  # age[k, t] = t - k
    alive = age >= 0
    # Clip the age so that a zero factor never meets a negative power.
    return np.where(alive, start[:, None] * factor ** np.clip(age, 0, None), 0.0)


def _trailing_12(
    cohort_mrr: np.ndarray, mrr: np.ndarray, gross_factor: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Trailing-12 NRR and GRR, the cohort way.

    NRR at t: what the cohorts present at t − 12 pay at t, over what they
    paid at t − 12. GRR: the product of the twelve monthly gross retention
    factors (``gross_factor[t]`` applies in month t), which is each customer's
    MRR capped at its t − 12 value when every cohort retains alike. Taken from
    the factors rather than observed ratios so that a month with no MRR at
    all (100% churn) still gives 0, not a gap.
    """
    n = mrr.size
    nrr = np.full(n, np.nan)
    grr = np.full(n, np.nan)
    if n <= 12:
        return nrr, grr
    # present_by[k, t]: MRR at t of cohorts 0..k together.
    present_by = np.cumsum(cohort_mrr, axis=0)
    t = np.arange(12, n)
    then = mrr[t - 12]
    with np.errstate(divide="ignore", invalid="ignore"):
        nrr[12:] = np.where(then > 0, present_by[t - 12, t] / then, np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(gross_factor[1:], 12)
    grr[12:] = np.where(then > 0, windows.prod(axis=1), np.nan)
    return nrr, grr
