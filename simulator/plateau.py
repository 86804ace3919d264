"""Where a leaky bucket levels off: the MRR at which steady acquisition just replaces what leaks out.

In the core model MRR obeys ``M(t) − P = r (M(t−1) − P)`` with ``r`` the
monthly NRR and ``P = new MRR ÷ (1 − r)``: the plateau in closed form. With
refinements (segments, early-life churn, annual plans, an expansion
ceiling, a plan) each group of customers retains at its own pace, and the
level is read off a long projection: year-on-year changes of MRR shrink by
a steady factor ``q`` once the slowest-decaying group dominates, so the
plateau is the last MRR plus the rest of that geometric series. Twelve-month
steps step over the lumps of annual renewals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.projection import project
from simulator.scenario import Scenario

#: Months the refined model is projected to find its level.
LEVEL_MONTHS = 240
#: "Near the plateau": within this share of it.
NEAR = 0.05


@dataclass(frozen=True)
class Plateau:
    """Where a leaky bucket levels off.

    Attributes
    ----------
    grows_by_itself
        The base does not shrink in the long run (NRR of 100% or more): there
        is no plateau.
    mrr
        The MRR where new MRR and losses meet; ``None`` when there is none
        (the base grows by itself, or acquisition that grows or shrinks,
        which has no fixed level).
    months_to_within_5pct
        Months from month 0 until MRR is within 5% of the plateau for good
        (0 if it already is); ``None`` without a plateau, or when MRR only
        approaches a plateau of 0.
    """

    grows_by_itself: bool
    mrr: float | None
    months_to_within_5pct: int | None


def plateau(scenario: Scenario) -> Plateau:
    """The plateau of a scenario (see the module docstring).

    >>> level = plateau(Scenario(starting_mrr=0, churn_rate=0.05, new_customers_per_month=10,
    ...                          new_customer_mrr=100)).mrr
    >>> round(level, 2)
    20000.0
    """
    if scenario.is_core:
        return _closed_form(scenario)
    return _read_off(scenario)


def _closed_form(scenario: Scenario) -> Plateau:
    r = scenario.monthly_nrr
    if r >= 1.0:
        return Plateau(grows_by_itself=True, mrr=None, months_to_within_5pct=None)
    if scenario.acquisition_growth_rate != 0.0:
        return Plateau(grows_by_itself=False, mrr=None, months_to_within_5pct=None)
    level = scenario.month_one_new_mrr / (1.0 - r)
    gap = abs(scenario.starting_mrr - level)
    tolerance = NEAR * level
    months: int | None
    if gap <= tolerance:
        months = 0
    elif r == 0.0:
        months = 1  # no MRR survives a month: MRR is the plateau from month 1
    elif level == 0.0:
        months = None  # no acquisition: MRR only approaches 0
    else:
        months = math.ceil(math.log(tolerance / gap) / math.log(r))
    return Plateau(grows_by_itself=False, mrr=level, months_to_within_5pct=months)


def _read_off(scenario: Scenario) -> Plateau:
    steady = scenario.replace(acquisition_growth_rate=0.0, months=max(LEVEL_MONTHS, scenario.months))
    mrr = project(steady).table["mrr"].to_numpy()
    recent, before = mrr[-1] - mrr[-13], mrr[-13] - mrr[-25]
    ratio = recent / before if before != 0 else 0.0
    if ratio >= 1.0 and recent > 0:
        return Plateau(grows_by_itself=True, mrr=None, months_to_within_5pct=None)
    if scenario.acquisition_growth_rate != 0.0:
        return Plateau(grows_by_itself=False, mrr=None, months_to_within_5pct=None)
    ratio = min(max(ratio, 0.0), 1.0 - 1e-12)
    level = max(float(mrr[-1] + recent * ratio / (1.0 - ratio)), 0.0)
    if level == 0.0:
        return Plateau(grows_by_itself=False, mrr=0.0, months_to_within_5pct=None)
    tolerance = NEAR * level
    outside = np.abs(mrr - level) > tolerance
    if not outside[-1]:
        months = int(np.flatnonzero(outside)[-1]) + 1 if outside.any() else 0
    else:
        # Not near it yet: the gap keeps shrinking by `ratio` a year.
        gap = abs(float(mrr[-1]) - level)
        # A level so small its tolerance underflows to 0 is as near as it gets: a year, as for a ratio of 0.
        years = math.log(tolerance / gap) / math.log(ratio) if ratio > 0 and tolerance > 0 else 1.0
        months = len(mrr) - 1 + math.ceil(12 * years)
    return Plateau(grows_by_itself=False, mrr=level, months_to_within_5pct=months)
