"""The goal-seek controls of the biggest-lever page: a target, a lever, nothing else.

:func:`goal_ui` draws the widgets and returns what they say as a
:class:`Goal`; the search itself is :func:`ui.cache.goal` (cached).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

from report.format import tick_prefix
from report.revenue import Revenue
from simulator.goal_seek import GOAL_LEVERS, next_target
from simulator.levers import BY_FIELD, LEVERS
from simulator.scenario import Scenario

#: The two kinds of target, as the segmented control keeps them; labels follow the revenue view.
NRR_TARGET = "annual_nrr"
MONEY_TARGET = "revenue_by_month"


@dataclass(frozen=True)
class Goal:
    """A target (an annual NRR as a fraction, or an MRR by a month: an ARR typed is a twelfth of
    it) and the lever to move."""

    lever: str
    annual_nrr: float | None = None
    mrr: float | None = None
    by_month: int | None = None


@dataclass(frozen=True)
class GoalDefaults:
    """What the controls start at: a target above the scenario's figures, and the lever to pull first."""

    lever: str
    annual_nrr: float
    mrr: float


def goal_defaults(
    scenario: Scenario, *, annual_nrr: float, mrr_at_horizon: float, lever: str
) -> GoalDefaults:
    """Targets above today's: the next annual NRR worth aiming at (:func:`simulator.goal_seek.next_target`)
    and a fifth more MRR than the horizon's (two significant figures, rounded up); the lever is the
    recommended one (a key of :data:`simulator.levers.LEVERS`), by the scenario field it sets.

    >>> from simulator.scenario import Scenario
    >>> s = Scenario(starting_mrr=330_000)
    >>> goal_defaults(s, annual_nrr=0.982, mrr_at_horizon=1_014_057, lever="churn")
    GoalDefaults(lever='churn_rate', annual_nrr=1.06, mrr=1300000.0)
    """
    above = 1.2 * mrr_at_horizon
    digits = 10 ** max(math.floor(math.log10(above)) - 1, 0) if above > 0 else 1_000
    return GoalDefaults(
        lever=LEVERS[lever].field,
        annual_nrr=next_target(annual_nrr, arr=12.0 * scenario.starting_mrr),
        mrr=float(max(math.ceil(above / digits) * digits, 1_000)),
    )


def goal_levers(scenario: Scenario) -> list[str]:
    """The levers goal seek offers (scenario fields): those that can change something in ``scenario``."""
    return [field for field in GOAL_LEVERS if BY_FIELD[field].applies_to(scenario)]


def goal_ui(scenario: Scenario, currency: str, shown: Revenue, defaults: GoalDefaults) -> Goal:
    """Draw the goal-seek controls, starting at ``defaults``; return the goal they describe.

    A money target is typed in the revenue view's terms (MRR, or ARR), each with
    its own field, so switching the view never reads one amount as the other.
    """
    kind, value, lever = st.columns([1.2, 1, 1.2], gap="medium")
    labels = {NRR_TARGET: "Annual NRR", MONEY_TARGET: f"{shown.name} by a month"}
    target = kind.segmented_control(
        "Target",
        tuple(labels),
        default=NRR_TARGET,
        key="goal_kind",
        format_func=labels.__getitem__,
        width="stretch",
    )
    levers = goal_levers(scenario)
    if st.session_state.get("goal_lever") not in levers:
        st.session_state["goal_lever"] = defaults.lever if defaults.lever in levers else levers[0]
    chosen = lever.selectbox(
        "Lever to move",
        levers,
        key="goal_lever",
        format_func=lambda field: BY_FIELD[field].phrase[:1].upper() + BY_FIELD[field].phrase[1:],
    )
    if target == MONEY_TARGET:
        amount = value.number_input(
            f"{shown.name} target ({tick_prefix(currency).strip()})",
            min_value=int(shown.of(1_000)),
            max_value=int(shown.of(10_000_000_000)),
            value=int(shown.of(defaults.mrr)),
            step=int(shown.of(10_000)),
            key=f"goal_{shown.name.lower()}",
        )
        month = kind.slider("By month", min_value=1, max_value=120, value=scenario.months, key="goal_month")
        return Goal(lever=chosen, mrr=float(amount) / shown.factor, by_month=int(month))
    nrr_pct = value.number_input(
        "Annual NRR target (%)",
        min_value=50.0,
        max_value=300.0,
        value=round(defaults.annual_nrr * 100, 1),
        step=1.0,
        key="goal_nrr_pct",
    )
    return Goal(lever=chosen, annual_nrr=nrr_pct / 100)
