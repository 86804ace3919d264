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

Customers leave at the logo churn: revenue churn ÷ the churned accounts' size
(``churned_size_multiple``, 1 by default: logo churn is revenue churn). The
size moves the count alone; the MRR is the same whatever it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator import budget
from simulator.refined import logo_churn_rate, refined_totals
from simulator.scenario import Scenario
from simulator.totals import Totals

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
        expansion) × starting MRR; 0 when the base grows by itself)
        and ``share_of_new_mrr_replacing_losses`` (the part of the month's new
        MRR that only refills the bucket, 0 to 1). A value that does not
        exist (an NRR on zero starting MRR, a trailing-12 figure before month
        12, customers without a starting count) is NaN.
    cohort_mrr
        Array of shape (months + 1 cohorts, months + 1 months): row 0 is the
        starting base, row k the customers acquired in month k; zero before a
        cohort exists.
    segments
        With segments, each segment's own table (same columns), by name;
        empty otherwise.
    """

    scenario: Scenario
    table: pd.DataFrame
    cohort_mrr: np.ndarray
    segments: dict[str, pd.DataFrame] = field(default_factory=dict)

    def mrr_at(self, month: int) -> float:
        """Total MRR at the end of ``month`` (clipped to the horizon)."""
        month = min(max(month, 0), self.scenario.months)
        return float(self.table["mrr"].to_numpy()[month])

    def until(self, months: int) -> Projection:
        """The same projection cut at an earlier horizon (later cohorts do not exist yet).

        >>> p = project(Scenario(starting_mrr=100, churn_rate=0.1, months=24))
        >>> p.until(12).table.equals(project(p.scenario.replace(months=12)).table)
        True
        """
        if months >= self.scenario.months:
            return self
        rows = slice(0, months + 1)
        return Projection(
            scenario=self.scenario.replace(months=months),
            table=self.table.iloc[rows].reset_index(drop=True),
            cohort_mrr=self.cohort_mrr[rows, rows],
            segments={name: table.iloc[rows].reset_index(drop=True) for name, table in self.segments.items()},
        )


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

    Raises
    ------
    simulator.budget.BudgetError
        Within a view's allowance (:func:`simulator.budget.allowance`), when the projection would
        take the view past it.

    Examples
    --------
    >>> s = Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01,
    ...              expansion_rate=0.06, months=12)
    >>> round(float(project(s).table["nrr_month"].iat[1]), 4)
    1.02
    """
    if months is not None:
        scenario = scenario.replace(months=months)
    # Bounded work (simulator.budget): a view's allowance is charged, heavy ones wait their turn.
    with budget.work(scenario.months, len(scenario.segments), refined=not scenario.is_core):
        if scenario.is_core:
            totals = _core(scenario)
            return Projection(scenario=scenario, table=table_of(totals), cohort_mrr=totals.cohort_mrr)
        parts = refined_totals(scenario)
        totals = Totals.add(list(parts.values()))
        segments = {name: table_of(part) for name, part in parts.items()} if scenario.segments else {}
    return Projection(
        scenario=scenario, table=table_of(totals), cohort_mrr=totals.cohort_mrr, segments=segments
    )


def _core(scenario: Scenario) -> Totals:
    """The core model: one retention factor for every cohort and month, in closed form."""
    horizon = scenario.months
    month = np.arange(horizon + 1)
    churn = scenario.effective_churn_rate
    new_customers = scenario.new_customers_per_month * (1.0 + scenario.acquisition_growth_rate) ** (
        month - 1.0
    )
    new_customers[0] = 0.0
    new_mrr = new_customers * scenario.new_customer_mrr
    cohort_start_mrr = new_mrr.copy()
    cohort_start_mrr[0] = scenario.starting_mrr

    cohort_mrr = _compound(cohort_start_mrr, scenario.monthly_nrr)
    mrr = cohort_mrr.sum(axis=0)
    starting_mrr = np.concatenate(([0.0], mrr[:-1]))

    customers = None
    if scenario.starting_customers is not None:
        # Customers leave at logo churn: revenue churn ÷ the churned accounts' size.
        logo = float(logo_churn_rate(churn, scenario.churned_size_multiple))
        customers = _compound(
            np.concatenate(([scenario.starting_customers], new_customers[1:])), 1.0 - logo
        ).sum(axis=0)

    # Trailing 12, the cohort way: present_by[k, t] is the MRR at t of cohorts 0..k.
    trailing_now = np.zeros(horizon + 1)
    trailing_gross = np.zeros(horizon + 1)
    if horizon >= 12:
        t = np.arange(12, horizon + 1)
        present_by = np.cumsum(cohort_mrr, axis=0)
        trailing_now[12:] = present_by[t - 12, t]
        trailing_gross[12:] = mrr[t - 12] * scenario.monthly_grr**12
    return Totals(
        cohort_mrr=cohort_mrr,
        new_mrr=new_mrr,
        new_customers=new_customers,
        churned=churn * starting_mrr,
        contraction=scenario.contraction_rate * starting_mrr,
        expansion=scenario.expansion_rate * starting_mrr,
        customers=customers,
        trailing_now=trailing_now,
        trailing_gross=trailing_gross,
    )


def table_of(totals: Totals) -> pd.DataFrame:
    """The projection table from additive totals."""
    mrr = totals.cohort_mrr.sum(axis=0)
    horizon = mrr.size - 1
    starting_mrr = np.concatenate(([np.nan], mrr[:-1]))
    churned, contraction, expansion = totals.churned, totals.contraction, totals.expansion
    with np.errstate(divide="ignore", invalid="ignore"):
        has_base = starting_mrr > 0
        nrr_month = np.where(
            has_base, (starting_mrr - churned - contraction + expansion) / starting_mrr, np.nan
        )
        grr_month = np.where(has_base, (starting_mrr - churned - contraction) / starting_mrr, np.nan)
        then = np.concatenate((np.zeros(min(12, horizon + 1)), mrr[: max(horizon + 1 - 12, 0)]))
        nrr_trailing = np.where(then > 0, totals.trailing_now / then, np.nan)
        grr_trailing = np.where(then > 0, totals.trailing_gross / then, np.nan)
    nrr_trailing[:12] = grr_trailing[:12] = np.nan

    # What the base loses net of expansion; none is needed when it grows by itself.
    to_stay_flat = np.maximum(churned + contraction - expansion, 0.0)
    # A tiny new MRR can overflow the ratio; the clip brings it back to 1.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        replacing = np.where(totals.new_mrr > 0, np.clip(to_stay_flat / totals.new_mrr, 0.0, 1.0), np.nan)
    return pd.DataFrame(
        {
            "month": np.arange(horizon + 1),
            "customers": np.full(horizon + 1, np.nan) if totals.customers is None else totals.customers,
            "mrr": mrr,
            "new_mrr": totals.new_mrr,
            "expansion_mrr": expansion,
            "contraction_mrr": contraction,
            "churned_mrr": churned,
            "nrr_month": nrr_month,
            "grr_month": grr_month,
            "nrr_trailing_12": nrr_trailing,
            "grr_trailing_12": grr_trailing,
            "starting_mrr": starting_mrr,
            "new_customers": totals.new_customers,
            "existing_base_mrr": totals.cohort_mrr[0],
            "new_mrr_to_stay_flat": to_stay_flat,
            "share_of_new_mrr_replacing_losses": replacing,
        }
    )


def _compound(start: np.ndarray, factor: float) -> np.ndarray:
    """Cohort × month array: cohort k holds ``start[k] * factor ** (t - k)`` from month k on."""
    n = start.size
    age = np.subtract.outer(np.arange(n), np.arange(n)).T  # age[k, t] = t - k
    alive = age >= 0
    # Clip the age so that a zero factor never meets a negative power.
    return np.where(alive, start[:, None] * factor ** np.clip(age, 0, None), 0.0)
