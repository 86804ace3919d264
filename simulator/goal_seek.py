"""Goal seek: the value one lever needs to reach a target, the others held.

Targets are an annual NRR (:func:`simulator.summary.retention`: what today's
customers pay at month 12 over what they pay today; monthly NRR ^ 12 when
every customer retains alike) or an MRR (or an ARR, 12 × MRR) by a given
month. Every lever moves its target one way, so a grid over the lever's range
finds the first crossing and the Illinois method (a false position that halves
a stale end's weight) narrows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.arr import MONTHS_A_YEAR
from simulator.levers import BY_FIELD, LEVERS
from simulator.projection import project
from simulator.scenario import Scenario
from simulator.summary import retention

#: Levers goal seek can move: every lever of the registry, by the scenario field it sets.
GOAL_LEVERS: tuple[str, ...] = tuple(lever.field for lever in LEVERS.values())

_GRID = 21
_MAX_STEPS = 100


@dataclass(frozen=True)
class GoalResult:
    """The outcome of a goal seek.

    ``value`` is the lever's value that reaches the target (``None`` when no
    value in range does); ``best`` is the closest the lever gets and
    ``best_value`` where; ``message`` says it in a sentence.
    """

    lever: str
    value: float | None
    best_value: float
    best: float
    message: str


def lever_range(scenario: Scenario, lever: str) -> tuple[float, float]:
    """The values a lever may take with the other levers held."""
    if lever not in BY_FIELD:
        raise ValueError(f"goal seek cannot move '{lever}'; choose one of {', '.join(GOAL_LEVERS)}")
    return BY_FIELD[lever].bounds(scenario)


def seek(
    scenario: Scenario,
    lever: str,
    *,
    annual_nrr: float | None = None,
    mrr: float | None = None,
    arr: float | None = None,
    by_month: int | None = None,
    currency: str = "",
) -> GoalResult:
    """The value of ``lever`` that reaches ``annual_nrr``, or ``mrr`` (or ``arr``) by ``by_month``.

    An ARR target is 12 × the MRR it asks for, and the message says it in ARR.

    With segments, a rate lever moves every segment's rate by the same points.
    ``currency`` prefixes money in the message.

    Examples
    --------
    >>> s = Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01)
    >>> round(seek(s, "expansion_rate", annual_nrr=1.10).value, 5)
    0.04797
    """
    if [annual_nrr, mrr, arr].count(None) != 2:
        raise ValueError("give one target: annual_nrr, or mrr or arr with by_month")
    # A money target is searched in MRR; ``money`` names it and ``factor`` turns MRR into it.
    money, factor, amount = ("ARR", MONTHS_A_YEAR, arr) if arr is not None else ("MRR", 1, mrr)
    low, high = lever_range(scenario, lever)
    chosen = BY_FIELD[lever]
    by_segment = chosen.segmented and bool(scenario.segments)

    def with_lever(value: float) -> Scenario:
        # With segments a rate moves every segment by the same points.
        return chosen.set_to(scenario, value)

    if amount is not None:
        month = scenario.months if by_month is None else by_month
        target = amount / factor

        def measure(value: float) -> float:
            return project(with_lever(value), months=month).mrr_at(month)

        def said(value: float) -> str:
            return f"{currency}{value * factor:,.0f} {money}"

        goal = f"{money} of {currency}{amount:,.0f} by month {month}"
    else:
        assert annual_nrr is not None
        target = annual_nrr

        def measure(value: float) -> float:
            return retention(with_lever(value)).annual_nrr

        def said(value: float) -> str:
            return f"{value:.1%} annual NRR"

        goal = f"an annual NRR of {annual_nrr:.1%}"

    # Money and counts span many orders of magnitude: search them on a log-like grid.
    if high > 1.0:
        grid = np.concatenate(([0.0], np.geomspace(1e-3, high, _GRID - 1)))
    else:
        grid = np.linspace(low, high, _GRID)
    values = np.array([measure(float(v)) for v in grid])
    gaps = values - target
    best = int(np.argmin(np.abs(gaps)))
    crossing = np.flatnonzero((gaps[:-1] <= 0) != (gaps[1:] <= 0))
    name = chosen.phrase
    if gaps[best] == 0:
        value = float(grid[best])
    elif crossing.size == 0:
        reach = "at most" if gaps.max() < 0 else "at least"
        return GoalResult(
            lever=lever,
            value=None,
            best_value=float(grid[best]),
            best=float(values[best]),
            message=(
                f"No {name} in range reaches {goal}: with the other levers held it gives "
                f"{reach} {said(float(values[best]))} "
                f"(at {_lever_shown(lever, float(grid[best]))})."
            ),
        )
    else:
        i = int(crossing[0])
        value = _root(
            lambda v: measure(v) - target,
            float(grid[i]),
            float(grid[i + 1]),
            float(gaps[i]),
            float(gaps[i + 1]),
        )
    achieved = measure(value)
    return GoalResult(
        lever=lever,
        value=value,
        best_value=value,
        best=achieved,
        message=(
            f"{goal[0].upper()}{goal[1:]} needs "
            + (
                f"every segment's {name} moved by {(value - chosen.value(scenario)) * 100:+.2f} points"
                if by_segment
                else f"{name} of {_lever_shown(lever, value)}"
            )
            + ", the other levers held."
        ),
    )


def _root(gap: Callable[[float], float], a: float, b: float, gap_a: float, gap_b: float) -> float:
    """Where ``gap`` crosses zero between ``a`` and ``b`` (signs differ there): the Illinois method.

    A false-position step that halves the stale end's weight converges in a
    dozen or so projections where plain bisection needs sixty.
    """
    if gap_a == 0:
        return a
    scale = max(abs(gap_a), abs(gap_b), 1.0)
    for _ in range(_MAX_STEPS):
        c = b - gap_b * (b - a) / (gap_b - gap_a)
        gap_c = gap(c)
        if abs(gap_c) <= 1e-12 * scale or abs(b - a) <= 1e-13 * max(abs(b), 1.0):
            return c
        if (gap_c > 0) != (gap_b > 0):
            a, gap_a = b, gap_b
        else:
            gap_a /= 2
        b, gap_b = c, gap_c
    return b


def _lever_shown(lever: str, value: float) -> str:
    if BY_FIELD[lever].is_rate:
        return f"{value:.2%}"
    return f"{value:,.1f}" if lever == "new_customers_per_month" else f"{value:,.2f}"
