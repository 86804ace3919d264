"""The engine calls the pages make, cached with ``st.cache_data``.

Each wrapper takes the frozen :class:`~simulator.scenario.Scenario` (hashed by
value) and plain numbers, so a slider move that returns to an earlier value is
served from the cache. ``max_entries`` bounds the memory a long session uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from simulator import arr, breakdown, economics, goal_seek, plan, ranking, refined, tradeoff
from simulator.comparison import Comparison, compare
from simulator.monte_carlo import MonteCarlo, simulate
from simulator.projection import Projection
from simulator.ranking import STEP_MODES, Mode, Ranking
from simulator.rate_uncertainty import FIXED, RateUncertainty
from simulator.recommendation import Recommendation, recommend
from simulator.scenario import Scenario
from simulator.summary import Summary, summarise
from simulator.upside import Costs

#: Every cache: bounded in entries (a long session's slider moves) and in size (the pickled results
#: it holds: a 600-month projection with segments is a few megabytes, so that a room of heavy links
#: leaves at most this much behind), and silent (a slider move shows no spinner).
CACHE_BYTES = "32MB"
_CACHE = st.cache_data(max_entries=128, max_size=CACHE_BYTES, show_spinner=False)


@_CACHE
def summary(scenario: Scenario) -> Summary:
    """Every headline figure of the scenario, and its projection over the horizon."""
    return summarise(scenario)


def projection(scenario: Scenario) -> Projection:
    """The scenario projected over its horizon (the summary's, so computed once)."""
    return summary(scenario).projection


@_CACHE
def cohort_layers(scenario: Scenario, max_layers: int = 9) -> pd.DataFrame:
    """MRR by acquisition cohort, grouped into at most ``max_layers`` layers."""
    return breakdown.cohort_layers(projection(scenario), max_layers=max_layers)


@_CACHE
def bridge(scenario: Scenario, first_month: int, last_month: int) -> pd.Series:
    """The MRR bridge from the start of ``first_month`` to the end of ``last_month``."""
    return breakdown.bridge(projection(scenario), first_month=first_month, last_month=last_month)


@_CACHE
def lever_ranking(scenario: Scenario, mode: Mode, step: float, target_nrr: float, costs: Costs) -> Ranking:
    """Each lever improved alone (by ``step``, or to ``target_nrr`` in target mode), ranked; all at once."""
    return ranking.rank(
        scenario,
        mode=mode,
        step=step if mode in STEP_MODES else None,
        target_nrr=target_nrr if mode == "target" else None,
        costs=costs,
    )


@_CACHE
def recommendation(scenario: Scenario) -> Recommendation:
    """The lever to pull first (:func:`simulator.recommendation.recommend`): every surface shows this one."""
    return recommend(scenario)


@_CACHE
def nrr_versus_acquisition(scenario: Scenario, costs: Costs) -> pd.DataFrame:
    """MRR at the horizon after +10 points of annual NRR versus +30% and +40% new customers."""
    return tradeoff.nrr_versus_acquisition(scenario, costs=costs)


#: The value a lever needs to reach a target, the other levers held (:func:`simulator.goal_seek.seek`).
goal = _CACHE(goal_seek.seek)


@st.cache_data(max_entries=16, max_size=CACHE_BYTES, show_spinner="Simulating customer by customer…")
def monte_carlo(
    scenario: Scenario, paths: int, skew: float, seed: int, rates: RateUncertainty = FIXED
) -> MonteCarlo:
    """P10/P50/P90 bands of the scenario over ``paths`` seeded customer-level futures, each drawing
    its rates from ``rates``."""
    return simulate(scenario, paths=paths, skew=skew, seed=seed, rates=rates)


@_CACHE
def initiative_impacts(scenario: Scenario) -> pd.DataFrame:
    """Each initiative of the plan ranked by its effect on MRR at the horizon (empty without any)."""
    return plan.initiative_impacts(scenario)


@_CACHE
def lever_paths(scenario: Scenario) -> dict[str, np.ndarray]:
    """Each lever month by month (months 0..horizon), with the plan's initiatives in force."""
    return refined.lever_paths(scenario)


@_CACHE
def comparison(named: tuple[tuple[str, Scenario], ...]) -> Comparison:
    """Two to four named scenarios compared over the first one's horizon."""
    return compare(dict(named))


@_CACHE
def unit_economics(scenario: Scenario, discount_rate: float, lifetime_months: int) -> economics.UnitEconomics:
    """What a new customer is worth and repays, the quick ratio, logo and revenue churn."""
    return economics.unit_economics(
        summary(scenario), discount_rate=discount_rate, lifetime_months=lifetime_months
    )


@_CACHE
def arr_bridge(scenario: Scenario) -> pd.DataFrame:
    """The yearly ARR bridge over the horizon."""
    return arr.scenario_bridge(projection(scenario))
