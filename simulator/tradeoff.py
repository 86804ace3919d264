"""+10 points of NRR or 30–40% more new customers: which moves MRR more, and per money spent.

domain.md: "raising NRR by 10 points often moves revenue more than a 30–40%
rise in new customer acquisition, at a fraction of the cost". This module
tests that claim on the founder's own scenario.
"""

from __future__ import annotations

import pandas as pd

from simulator.goal_seek import seek
from simulator.levers import LEVERS
from simulator.projection import project
from simulator.scenario import Scenario
from simulator.summary import retention
from simulator.upside import Costs, upside


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
    scenario: Scenario,
    *,
    nrr_points: float = 0.10,
    acquisition_uplifts: tuple[float, ...] = (0.30, 0.40),
    costs: Costs | None = None,
) -> pd.DataFrame:
    """MRR at the horizon after +``nrr_points`` of annual NRR (through expansion) versus more acquisition.

    Returns
    -------
    pandas.DataFrame
        Columns ``change``, ``mrr_at_horizon``, ``mrr_gain``, then ``cost``,
        ``mrr_gain_per_cost`` and ``payback_months`` (:mod:`simulator.upside`:
        the expansion programme for the NRR row, the CAC of the extra
        customers for the others; NaN where not given). The first row is the
        NRR change, then one row per acquisition uplift.
    """
    costs = costs if costs is not None else Costs(cac=scenario.cac)
    months = scenario.months
    base = project(scenario)
    options = {
        f"+{nrr_points * 100:.0f} points of annual NRR": (
            "expansion",
            with_annual_nrr(scenario, retention(scenario).annual_nrr + nrr_points),
        )
    }
    acquisition = LEVERS["acquisition"]
    for uplift in acquisition_uplifts:
        options[f"+{uplift * 100:.0f}% new customers"] = ("acquisition", acquisition.moved(scenario, uplift))
    rows = []
    for label, (lever, option) in options.items():
        projected = project(option)
        spent = upside(base, projected, (lever,), costs, gross_margin=scenario.gross_margin)
        mrr = projected.mrr_at(months)
        rows.append(
            {
                "change": label,
                "mrr_at_horizon": mrr,
                "mrr_gain": mrr - base.mrr_at(months),
                "cost": spent.cost,
                "mrr_gain_per_cost": spent.mrr_gain_per_cost,
                "payback_months": spent.payback_months,
            }
        )
    return pd.DataFrame(rows)
