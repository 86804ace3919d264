"""Goal seek: the value one lever needs to reach a target, the others held.

Targets are an annual NRR (:func:`simulator.summary.retention`: what today's
customers pay at month 12 over what they pay today; monthly NRR ^ 12 when
every customer retains alike) or an MRR by a given month (an ARR target is a
twelfth of it in MRR: the surfaces convert). Every lever moves its target one
way, so a grid over the lever's range finds the first crossing and the
Illinois method (a false position that halves a stale end's weight) narrows
it. The result is figures only; the pages put it into words.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.benchmarks import STAGES, stage_for_arr
from simulator.levers import BY_FIELD, LEVERS
from simulator.projection import project
from simulator.scenario import Scenario
from simulator.summary import retention
from simulator.tiers import NRR_TIERS

#: Levers goal seek can move: every lever of the registry, by the scenario field it sets.
GOAL_LEVERS: tuple[str, ...] = tuple(lever.field for lever in LEVERS.values())

_GRID = 21
_MAX_STEPS = 100


@dataclass(frozen=True)
class GoalResult:
    """The outcome of a goal seek.

    Attributes
    ----------
    lever
        The scenario field moved.
    value
        The lever's value that reaches the target (``None`` when no value in range does).
    best_value, best
        Where the lever gets closest, and the annual NRR or MRR it gives there.
    before
        The lever's value in the scenario as it is.
    target, by_month
        The target: an annual NRR (``by_month`` None) or an MRR by ``by_month``.
    by_segment
        With segments, a rate lever moves every segment's rate by the same points.
    """

    lever: str
    value: float | None
    best_value: float
    best: float
    before: float
    target: float
    by_month: int | None
    by_segment: bool

    @property
    def worse(self) -> bool:
        """Whether reaching the target moves the lever the wrong way: the scenario already beats it."""
        if self.value is None:
            return False
        return BY_FIELD[self.lever].better * (self.value - self.before) < 0


def next_target(annual_nrr: float, *, arr: float) -> float:
    """A goal above today's annual NRR: the top quartile of the stage ``arr`` falls in, when above
    it; else the next NRR tier's threshold; above every tier, 5 points up (to a whole point).

    >>> next_target(0.982, arr=3.96e6), next_target(1.07, arr=3.96e6), next_target(1.40, arr=3.96e6)
    (1.06, 1.15, 1.45)
    """
    top = STAGES[stage_for_arr(arr)[0]].nrr[1]
    if top > annual_nrr:
        return top
    above = [tier.low for tier in NRR_TIERS if tier.low > annual_nrr]
    return min(above) if above else math.ceil((annual_nrr + 0.05) * 100) / 100


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
    by_month: int | None = None,
) -> GoalResult:
    """The value of ``lever`` that reaches ``annual_nrr``, or ``mrr`` by ``by_month``.

    With segments, a rate lever moves every segment's rate by the same points.

    Examples
    --------
    >>> s = Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01)
    >>> round(seek(s, "expansion_rate", annual_nrr=1.10).value, 5)
    0.04797
    """
    if (annual_nrr is None) == (mrr is None):
        raise ValueError("give one target: annual_nrr, or mrr with by_month")
    low, high = lever_range(scenario, lever)
    chosen = BY_FIELD[lever]
    by_segment = chosen.segmented and bool(scenario.segments)

    def with_lever(value: float) -> Scenario:
        # With segments a rate moves every segment by the same points.
        return chosen.set_to(scenario, value)

    month: int | None = None
    if mrr is not None:
        month = scenario.months if by_month is None else by_month
        target = mrr

        def measure(value: float) -> float:
            return project(with_lever(value), months=month).mrr_at(month)

    else:
        assert annual_nrr is not None
        target = annual_nrr

        def measure(value: float) -> float:
            return retention(with_lever(value)).annual_nrr

    # Money and counts span many orders of magnitude: search them on a log-like grid.
    if high > 1.0:
        grid = np.concatenate(([0.0], np.geomspace(1e-3, high, _GRID - 1)))
    else:
        grid = np.linspace(low, high, _GRID)
    values = np.array([measure(float(v)) for v in grid])
    gaps = values - target
    best = int(np.argmin(np.abs(gaps)))
    crossing = np.flatnonzero((gaps[:-1] <= 0) != (gaps[1:] <= 0))
    result = GoalResult(
        lever=lever,
        value=None,
        best_value=float(grid[best]),
        best=float(values[best]),
        before=chosen.value(scenario),
        target=target,
        by_month=month,
        by_segment=by_segment,
    )
    if gaps[best] == 0:
        value = float(grid[best])
    elif crossing.size == 0:
        return result
    else:
        i = int(crossing[0])
        value = _root(
            lambda v: measure(v) - target,
            float(grid[i]),
            float(grid[i + 1]),
            float(gaps[i]),
            float(gaps[i + 1]),
        )
    return dataclasses.replace(result, value=value, best_value=value, best=measure(value))


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
