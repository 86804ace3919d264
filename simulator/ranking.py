"""Which lever moves the business most: each lever improved on its own, ranked; the plan's initiatives.

A lever is improved by a *step* in one of two modes:

- ``"points"``: rates by ``step`` fraction points in their better direction
  (churn and contraction down, expansion up), acquisition by the same
  relative change (``step`` 0.01 is 1% more new customers), and recovered
  failed payments by enough to cut churn by ``step`` points;
- ``"relative"``: every lever by the share ``step`` of its own value
  (``step`` 0.1: churn × 0.9, contraction × 0.9, expansion × 1.1, new
  customers × 1.1; failed payments lost × 0.9).

Every move stays within the lever's range and says when it was held
there (:attr:`Move.clamped`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from simulator.goal_seek import seek
from simulator.levers import LEVERS, Lever, ranked_levers
from simulator.projection import project
from simulator.scenario import Scenario
from simulator.summary import retention

Mode = Literal["points", "relative"]
MODES: tuple[str, ...] = ("points", "relative")


@dataclass(frozen=True)
class Move:
    """One lever improved: its value before and after, the scenario after, and whether it hit a limit."""

    lever: Lever
    before: float
    after: float
    scenario: Scenario
    clamped: bool


def improved(scenario: Scenario, lever: str, *, step: float, mode: Mode = "points") -> Move:
    """The scenario with ``lever`` (a key of :data:`simulator.levers.LEVERS`) improved by ``step``.

    >>> s = Scenario(starting_mrr=100_000, churn_rate=0.03, new_customers_per_month=10)
    >>> move = improved(s, "churn", step=0.01)
    >>> round(move.after, 4), move.clamped
    (0.02, False)
    >>> improved(s, "churn", step=0.05).clamped
    True
    >>> round(improved(s, "acquisition", step=0.1, mode="relative").after, 6)
    11.0
    """
    if lever not in LEVERS:
        raise ValueError(f"unknown lever '{lever}'; choose one of {', '.join(LEVERS)}")
    if mode not in MODES:
        raise ValueError(f"unknown mode '{mode}'; choose one of {', '.join(MODES)}")
    chosen = LEVERS[lever]
    before = chosen.value(scenario)
    if chosen.key == "recovery":
        target = _recovery_target(scenario, step, mode)
    elif mode == "relative":
        target = before * (1.0 + chosen.better * step)
    elif chosen.is_rate:
        target = before + chosen.better * step
    else:
        target = before * (1.0 + step)
    if mode == "relative" and chosen.key != "recovery":
        better = chosen.scaled(scenario, 1.0 + chosen.better * step)
    else:
        better = chosen.set_to(scenario, target)
    after = chosen.value(better)
    return Move(chosen, before, after, better, clamped=abs(after - target) > 1e-12 * max(1.0, abs(target)))


def _recovery_target(scenario: Scenario, step: float, mode: Mode) -> float:
    """Recovered failed payments after the step: enough to cut churn by ``step`` points, or
    ``step`` of the failed payments still lost."""
    recovery = scenario.involuntary_recovery_rate
    if mode == "relative":
        return recovery + (1.0 - recovery) * step
    involuntary = scenario.churn_rate * scenario.involuntary_churn_share
    return recovery + (step / involuntary if involuntary > 0 else 0.0)


def lever_impacts(scenario: Scenario, *, step: float = 0.01, mode: Mode = "points") -> pd.DataFrame:
    """Each lever improved by ``step``, ranked by its gain in MRR at the horizon.

    Returns
    -------
    pandas.DataFrame
        One row per lever (:func:`simulator.levers.ranked_levers`), biggest
        MRR gain first (ties in registry order), with columns ``lever`` (its
        key), ``before``, ``after`` (the lever's value), ``clamped``,
        ``mrr_at_horizon``, ``mrr_gain``, ``nrr_month_gain`` (month-1 NRR,
        fraction points), ``annual_nrr``, ``annual_nrr_gain``.
    """
    months = scenario.months
    base_mrr = project(scenario).mrr_at(months)
    base = retention(scenario)
    rows = []
    for lever in ranked_levers(scenario):
        move = improved(scenario, lever.key, step=step, mode=mode)
        after = retention(move.scenario)
        mrr = project(move.scenario).mrr_at(months)
        rows.append(
            {
                "lever": lever.key,
                "before": move.before,
                "after": move.after,
                "clamped": move.clamped,
                "mrr_at_horizon": mrr,
                "mrr_gain": mrr - base_mrr,
                "nrr_month_gain": after.monthly_nrr - base.monthly_nrr,
                "annual_nrr": after.annual_nrr,
                "annual_nrr_gain": after.annual_nrr - base.annual_nrr,
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values("mrr_gain", ascending=False, kind="stable").reset_index(drop=True)


def customers_kept(scenario: Scenario, *, step: float) -> float:
    """How many more customers pay at the horizon when churn falls by ``step`` points (NaN: no count)."""
    better = improved(scenario, "churn", step=step).scenario
    now, then = (project(s).table["customers"].to_numpy()[-1] for s in (scenario, better))
    return float(then - now)


def with_annual_nrr(scenario: Scenario, annual_nrr: float) -> Scenario:
    """The scenario with expansion moved so that its annual NRR (:func:`simulator.summary.retention`)
    is ``annual_nrr``, as near as expansion's range allows.

    Expansion is the lever used because it moves NRR without touching the
    customer count. When every customer retains alike the value is exact
    (monthly NRR ^ 12); otherwise goal seek finds it.
    """
    expansion = LEVERS["expansion"]
    if scenario.compounds_monthly:
        target = max(annual_nrr, 0.0) ** (1.0 / 12.0) - scenario.monthly_grr
        return expansion.set_to(scenario, target)
    result = seek(scenario, "expansion_rate", annual_nrr=annual_nrr)
    return expansion.set_to(scenario, result.value if result.value is not None else result.best_value)


def nrr_versus_acquisition(
    scenario: Scenario, *, nrr_points: float = 0.10, acquisition_uplifts: tuple[float, ...] = (0.30, 0.40)
) -> pd.DataFrame:
    """MRR at the horizon after +``nrr_points`` of annual NRR versus more acquisition.

    Returns
    -------
    pandas.DataFrame
        Columns ``change``, ``mrr_at_horizon``, ``mrr_gain``; the first row is
        the NRR change, then one row per acquisition uplift.
    """
    months = scenario.months
    base = project(scenario).mrr_at(months)
    options = {
        f"+{nrr_points * 100:.0f} points of annual NRR": with_annual_nrr(
            scenario, retention(scenario).annual_nrr + nrr_points
        )
    }
    acquisition = LEVERS["acquisition"]
    for uplift in acquisition_uplifts:
        options[f"+{uplift * 100:.0f}% new customers"] = acquisition.moved(scenario, uplift)
    rows = [
        {"change": label, "mrr_at_horizon": (mrr := project(option).mrr_at(months)), "mrr_gain": mrr - base}
        for label, option in options.items()
    ]
    return pd.DataFrame(rows)


def initiative_impacts(scenario: Scenario) -> pd.DataFrame:
    """Each initiative (or shock) ranked by its effect on MRR at the horizon.

    The effect of one initiative is the MRR at the horizon with all of them
    against the MRR with all but that one, so interactions are counted once
    the plan is in place.

    Returns
    -------
    pandas.DataFrame
        Columns ``initiative``, ``lever``, ``mrr_gain`` (negative for a
        shock), biggest gain first; empty without initiatives.
    """
    if not scenario.initiatives:
        return pd.DataFrame({"initiative": [], "lever": [], "mrr_gain": []})
    with_all = project(scenario).mrr_at(scenario.months)
    rows = []
    for index, initiative in enumerate(scenario.initiatives):
        others = scenario.initiatives[:index] + scenario.initiatives[index + 1 :]
        without = project(scenario.replace(initiatives=others)).mrr_at(scenario.months)
        rows.append(
            {"initiative": initiative.name, "lever": initiative.lever, "mrr_gain": with_all - without}
        )
    table = pd.DataFrame(rows)
    return table.sort_values("mrr_gain", ascending=False, kind="stable").reset_index(drop=True)
