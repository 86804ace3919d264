"""Which lever moves the business most: each lever improved on its own, ranked; all of them at once;
what each costs and when it pays back.

A ranking has a *mode* (:data:`MODES`), each in its own unit:

- ``"headroom"`` (the default): churn, contraction and expansion each moved
  to what the top quartile of the company's stage achieves
  (:meth:`simulator.benchmarks.Stage.levers`), or left where they are when
  already there: the room each lever has against peers. A lever far behind
  its peers ranks first, whatever its size. Acquisition has no peer table,
  so it is not a row (the pages compare it with +10 points of NRR instead).
- ``"relative"``: every lever by the share ``step`` of its own
  value (``step`` 0.1: churn × 0.9, contraction × 0.9, expansion × 1.1, new
  customers × 1.1; failed payments still lost × 0.9). An equal effort in
  proportion, so the ranking discriminates: 10% of a 3% churn is not 10% of
  a 6% expansion.
- ``"points"``: rates by ``step`` fraction points in their better direction
  (churn and contraction down, expansion up), acquisition by the same
  relative change (``step`` 0.01 is 1% more new customers), and recovered
  failed payments by enough to cut churn by ``step`` points. A point of
  churn, contraction or expansion moves monthly NRR by exactly a point, so
  in the basic model those three tie by construction.
- ``"target"``: how far each lever alone must move for annual NRR to reach
  ``target_nrr`` (:func:`simulator.peers.top_quartile`), ranked easiest
  first (the smallest relative change). Acquisition cannot move NRR, which
  counts today's customers only: its row is the rise in new customers that
  adds as much MRR by the horizon as reaching the target through expansion.
- ``"tactic"``: the tactics of :mod:`simulator.tactics`, each a concrete
  change to one lever.

Every move stays within the lever's range and says when it was held there
(``clamped``); in target mode ``reaches`` is False for a lever that cannot
get there alone. With :class:`~simulator.upside.Costs`, each row also says
what it costs, the MRR it gains per money spent and when it pays back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from simulator.arr import MONTHS_A_YEAR
from simulator.benchmarks import STAGES, stage_for_arr
from simulator.goal_seek import seek
from simulator.levers import LEVERS, Lever, ranked_levers
from simulator.projection import Projection, project
from simulator.scenario import Scenario
from simulator.summary import retention
from simulator.tactics import TACTICS
from simulator.upside import NO_COST, Costs, upside

Mode = Literal["headroom", "relative", "points", "target", "tactic"]
MODES: tuple[str, ...] = ("headroom", "relative", "points", "target", "tactic")
DEFAULT_MODE: Mode = "headroom"
#: The levers headroom mode moves: those the benchmark tables give peers for.
HEADROOM_LEVERS: tuple[str, ...] = ("churn", "contraction", "expansion")
#: The modes that move a lever by a step (:func:`improved`).
STEP_MODES: tuple[str, ...] = ("relative", "points")
#: Each mode's default step.
DEFAULT_STEPS: dict[str, float] = {"relative": 0.10, "points": 0.01}
#: The columns of :func:`lever_table`: what the command line's ``levers`` prints.
LEVER_COLUMNS: tuple[str, ...] = ("lever", "from", "to", "nrr_month_gain", "mrr_gain")
#: The columns of :attr:`Ranking.table`.
RANKING_COLUMNS: tuple[str, ...] = (
    "key",
    "lever",
    "before",
    "after",
    "change",
    "clamped",
    "reaches",
    "mrr_at_horizon",
    "mrr_gain",
    "nrr_month_gain",
    "annual_nrr",
    "annual_nrr_gain",
    "cost",
    "mrr_gain_per_cost",
    "payback_months",
)


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
    if mode not in STEP_MODES:
        raise ValueError(f"a step moves a lever in {' or '.join(STEP_MODES)} mode, not '{mode}'")
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


@dataclass(frozen=True)
class Ranking:
    """The levers (or tactics) ranked, each alone, and all of them at once.

    Attributes
    ----------
    mode, step, target_nrr, stage
        How each lever was moved (module docstring); ``step`` is NaN outside
        relative and points mode, ``target_nrr`` NaN outside target mode,
        ``stage`` the peers of headroom mode (empty in the others).
    table
        One row per lever (per tactic in tactic mode), best first, with
        :data:`RANKING_COLUMNS`: ``key`` (the lever's registry key, or the
        tactic's), ``lever``, ``before`` and ``after`` (the lever's value),
        ``change`` (after ÷ before − 1; NaN from zero), ``clamped``,
        ``reaches`` (target mode: the lever alone gets there),
        ``mrr_at_horizon``, ``mrr_gain`` (MRR at the horizon minus today's
        scenario's), ``nrr_month_gain`` (month-1 NRR, fraction points),
        ``annual_nrr``, ``annual_nrr_gain``, ``cost``, ``mrr_gain_per_cost``
        and ``payback_months`` (:mod:`simulator.upside`; NaN without costs).
    together
        Every row's change at once (not in target mode, where each lever
        alone reaches the same target): the same figures as a row, and
        ``sum_alone``, the rows' MRR gains added up.
    scenarios
        The scenario after each row's change, by ``key``, and ``"together"``.
    """

    mode: Mode
    step: float
    target_nrr: float
    table: pd.DataFrame
    together: dict[str, float] | None
    scenarios: dict[str, Scenario]
    stage: str = ""


def rank(
    scenario: Scenario,
    *,
    mode: Mode = DEFAULT_MODE,
    step: float | None = None,
    target_nrr: float | None = None,
    costs: Costs | None = None,
    stage: str | None = None,
) -> Ranking:
    """Each lever of ``scenario`` improved alone, ranked (see the module docstring), and all at once.

    Parameters
    ----------
    mode
        ``"headroom"``, ``"relative"``, ``"points"``, ``"target"`` or ``"tactic"``.
    step
        The step of relative and points mode (:data:`DEFAULT_STEPS` when None).
    target_nrr
        Target mode's annual NRR (a fraction: 1.06 is 106%).
    costs
        What improving each lever costs (:class:`~simulator.upside.Costs`); by
        default only the scenario's own CAC, if it has one.
    stage
        Headroom mode's peers (a stage of :data:`simulator.benchmarks.STAGES`);
        by default the stage the scenario's ARR (12 × starting MRR) falls in.

    Raises
    ------
    ValueError
        For an unknown mode, or target mode without a target.

    Examples
    --------
    >>> s = Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01, expansion_rate=0.06,
    ...              new_customers_per_month=5, new_customer_mrr=2_000)
    >>> rank(s, mode="relative").table["lever"].tolist()
    ['expansion', 'churn', 'acquisition', 'contraction']
    >>> rank(s).table["lever"].tolist()  # $1.2M ARR: churn is furthest from the top quartile's 0.52%
    ['churn', 'contraction', 'expansion']
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode '{mode}'; choose one of {', '.join(MODES)}")
    costs = costs if costs is not None else Costs(cac=scenario.cac)
    base = project(scenario)
    if mode == "headroom":
        stage = stage if stage is not None else stage_for_arr(MONTHS_A_YEAR * scenario.starting_mrr)[0]
        moves = _to_peers(scenario, stage)
        step = math.nan
    elif mode == "target":
        if target_nrr is None or not math.isfinite(target_nrr) or target_nrr <= 0:
            raise ValueError(f"target mode needs a target annual NRR above 0, got {target_nrr!r}")
        moves = _to_target(scenario, target_nrr, base)
        step = math.nan
    elif mode == "tactic":
        moves = []
        for tactic in TACTICS.values():
            lever, before, after, clamped, better = tactic.applied(scenario)
            moves.append(_Change(tactic.key, lever, before, after, clamped, True, better))
        step = math.nan
    else:
        step = DEFAULT_STEPS[mode] if step is None else step
        moves = [
            _Change(lever.key, lever.key, *_step_move(scenario, lever.key, step, mode))
            for lever in ranked_levers(scenario)
        ]
    figures = _Figures(scenario, base, costs)
    table = pd.DataFrame([figures.row(move) for move in moves], columns=list(RANKING_COLUMNS))
    if mode == "target":
        hardness = table["change"].abs().fillna(math.inf)
        order = sorted(range(len(table)), key=lambda i: (not table["reaches"].iat[i], hardness.iat[i]))
        table = table.iloc[order]
    else:
        table = table.sort_values("mrr_gain", ascending=False, kind="stable")
    scenarios = {move.key: move.scenario for move in moves}
    together = None
    if mode != "target":
        combined = scenario
        for move in moves:
            combined = _applied_again(combined, move, step, mode)
        scenarios["together"] = combined
        figures_together = figures.row(
            _Change("together", "together", math.nan, math.nan, False, True, combined),
            levers=tuple(move.lever for move in moves),
        )
        together = {key: float(figures_together[key]) for key in RANKING_COLUMNS[7:]}
        together["sum_alone"] = float(table["mrr_gain"].sum())
    return Ranking(
        mode=mode,
        step=step,
        target_nrr=math.nan if target_nrr is None or mode != "target" else target_nrr,
        table=table.reset_index(drop=True),
        together=together,
        scenarios=scenarios,
        stage=stage if mode == "headroom" and stage is not None else "",
    )


def lever_table(ranking: Ranking, *, recommended: str) -> pd.DataFrame:
    """The ranking as files show it: :data:`LEVER_COLUMNS` (``from`` and ``to`` are the lever's value
    before and after), whether the lever was ``clamped`` and, in target mode, ``reaches``; then
    ``recommended``: 1 on the row of the lever to pull first (:mod:`simulator.recommendation`), 0 on
    the others."""
    table = ranking.table.rename(columns={"before": "from", "after": "to"})
    table = table.assign(recommended=(table["lever"] == recommended).astype(int))
    if int(table["recommended"].sum()) != 1:
        raise ValueError(f"the ranking has no single row for the recommended lever '{recommended}'")
    return table[[*LEVER_COLUMNS, "clamped", "reaches", "recommended"]]


@dataclass(frozen=True)
class _Change:
    """One row's change: which lever, its value before and after, and the scenario after."""

    key: str
    lever: str
    before: float
    after: float
    clamped: bool
    reaches: bool
    scenario: Scenario


def _step_move(
    scenario: Scenario, lever: str, step: float, mode: Mode
) -> tuple[float, float, bool, bool, Scenario]:
    move = improved(scenario, lever, step=step, mode=mode)
    return move.before, move.after, move.clamped, True, move.scenario


def _to_peers(scenario: Scenario, stage: str) -> list[_Change]:
    """Each headroom lever at the stage's top-quartile value, or where it is when already better."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage '{stage}'; choose one of {', '.join(STAGES)}")
    peers = STAGES[stage].levers("top quartile")
    moves = []
    for key in HEADROOM_LEVERS:
        lever = LEVERS[key]
        before = lever.value(scenario)
        aimed = peers[lever.field]
        if lever.better * (aimed - before) <= 0:
            moves.append(_Change(key, key, before, before, False, True, scenario))
            continue
        better = lever.set_to(scenario, aimed)
        after = lever.value(better)
        moves.append(_Change(key, key, before, after, abs(after - aimed) > 1e-12, True, better))
    return moves


def _applied_again(scenario: Scenario, move: _Change, step: float, mode: Mode) -> Scenario:
    """``move``'s change made on ``scenario`` (which may already carry other rows' changes)."""
    if mode == "headroom":
        lever = LEVERS[move.lever]
        return lever.set_to(scenario, move.after) if move.after != move.before else scenario
    if mode == "tactic":
        return TACTICS[move.key].applied(scenario)[-1]
    return improved(scenario, move.lever, step=step, mode=mode).scenario


def _to_target(scenario: Scenario, target_nrr: float, base: Projection) -> list[_Change]:
    """Each lever alone at the value that makes annual NRR ``target_nrr`` (module docstring)."""
    already = retention(scenario).annual_nrr >= target_nrr
    moves = []
    for lever in ranked_levers(scenario):
        if lever.key == "acquisition":
            continue
        before = lever.value(scenario)
        if already:
            moves.append(_Change(lever.key, lever.key, before, before, False, True, scenario))
            continue
        found = seek(scenario, lever.field, annual_nrr=target_nrr)
        after = found.value if found.value is not None else found.best_value
        moves.append(
            _Change(
                lever.key,
                lever.key,
                before,
                lever.value(lever.set_to(scenario, after)),
                found.value is None,
                found.value is not None,
                lever.set_to(scenario, after),
            )
        )
    # Acquisition: as much MRR by the horizon as expansion's route to the target.
    acquisition = LEVERS["acquisition"]
    before = acquisition.value(scenario)
    expansion = next(move for move in moves if move.lever == "expansion")
    wanted = project(expansion.scenario).mrr_at(scenario.months)
    if wanted <= base.mrr_at(scenario.months):
        moves.append(_Change("acquisition", "acquisition", before, before, False, True, scenario))
    else:
        found = seek(scenario, acquisition.field, mrr=wanted, by_month=scenario.months)
        after = found.value if found.value is not None else found.best_value
        better = acquisition.set_to(scenario, after)
        moves.append(
            _Change(
                "acquisition",
                "acquisition",
                before,
                acquisition.value(better),
                found.value is None,
                found.value is not None,
                better,
            )
        )
    return moves


class _Figures:
    """A row's figures against today's scenario: MRR and NRR gained, cost, payback."""

    def __init__(self, scenario: Scenario, base: Projection, costs: Costs) -> None:
        self.scenario = scenario
        self.base = base
        self.base_mrr = base.mrr_at(scenario.months)
        self.base_retention = retention(scenario)
        self.costs = costs

    def row(self, move: _Change, *, levers: tuple[str, ...] | None = None) -> dict[str, Any]:
        projected = project(move.scenario)
        after = retention(move.scenario)
        mrr = projected.mrr_at(self.scenario.months)
        spent = (
            upside(
                self.base,
                projected,
                levers or (move.lever,),
                self.costs,
                gross_margin=self.scenario.gross_margin,
            )
            if self.costs.any
            else NO_COST
        )
        return {
            "key": move.key,
            "lever": move.lever,
            "before": move.before,
            "after": move.after,
            "change": move.after / move.before - 1.0 if move.before > 0 else math.nan,
            "clamped": move.clamped,
            "reaches": move.reaches,
            "mrr_at_horizon": mrr,
            "mrr_gain": mrr - self.base_mrr,
            "nrr_month_gain": after.monthly_nrr - self.base_retention.monthly_nrr,
            "annual_nrr": after.annual_nrr,
            "annual_nrr_gain": after.annual_nrr - self.base_retention.annual_nrr,
            "cost": spent.cost,
            "mrr_gain_per_cost": spent.mrr_gain_per_cost,
            "payback_months": spent.payback_months,
        }
