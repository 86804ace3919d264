"""What the pages show on top of a projection: bridges, the plateau, levers, layers.

Every function here is pure and takes a :class:`~simulator.scenario.Scenario`
or a :class:`~simulator.projection.Projection`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.projection import Projection, project
from simulator.scenario import Scenario

#: The order of an MRR bridge: start, the four flows, end.
BRIDGE_STEPS: tuple[str, ...] = (
    "starting_mrr",
    "new_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "ending_mrr",
)


def bridge(projection: Projection, *, first_month: int, last_month: int | None = None) -> pd.Series:
    """The MRR bridge from the start of ``first_month`` to the end of ``last_month``.

    Losses are negative, so the first five entries add up to the last.

    >>> p = project(Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01,
    ...                      expansion_rate=0.06, months=1))
    >>> bridge(p, first_month=1).to_dict()
    {'starting_mrr': 100000.0, 'new_mrr': 0.0, 'expansion_mrr': 6000.0, 'contraction_mrr': -1000.0, \
'churned_mrr': -3000.0, 'ending_mrr': 102000.0}
    """
    last_month = first_month if last_month is None else last_month
    if not 1 <= first_month <= last_month <= projection.scenario.months:
        raise ValueError(
            f"a bridge runs from month 1 to {projection.scenario.months}; "
            f"got months {first_month} to {last_month}"
        )
    rows = projection.table.iloc[first_month : last_month + 1]
    steps: dict[str, float] = {
        "starting_mrr": rows["starting_mrr"].to_numpy()[0],
        "new_mrr": rows["new_mrr"].to_numpy().sum(),
        "expansion_mrr": rows["expansion_mrr"].to_numpy().sum(),
        "contraction_mrr": -rows["contraction_mrr"].to_numpy().sum(),
        "churned_mrr": -rows["churned_mrr"].to_numpy().sum(),
        "ending_mrr": rows["mrr"].to_numpy()[-1],
    }
    return pd.Series({name: float(value) for name, value in steps.items()}, dtype=float)


@dataclass(frozen=True)
class Plateau:
    """Where a leaky bucket levels off.

    Attributes
    ----------
    grows_by_itself
        Monthly NRR is 100% or more: the base does not shrink, there is no plateau.
    mrr
        The MRR where new MRR and losses meet, ``new MRR ÷ (1 − monthly NRR)``;
        ``None`` when there is none (NRR ≥ 100%, or acquisition that grows or
        shrinks, which has no fixed level).
    months_to_within_5pct
        Months from month 0 until MRR is within 5% of the plateau (0 if it
        already is); ``None`` without a plateau.
    """

    grows_by_itself: bool
    mrr: float | None
    months_to_within_5pct: int | None


def plateau(scenario: Scenario) -> Plateau:
    """The plateau MRR of a scenario with NRR below 100% and steady acquisition.

    MRR obeys ``M(t) − P = r (M(t−1) − P)`` with ``r`` the monthly NRR and
    ``P = new MRR ÷ (1 − r)``, so the gap shrinks by ``r`` each month.

    >>> level = plateau(Scenario(starting_mrr=0, churn_rate=0.05, new_customers_per_month=10,
    ...                          new_customer_mrr=100)).mrr
    >>> round(level, 2)
    20000.0
    """
    r = scenario.monthly_nrr
    if r >= 1.0:
        return Plateau(grows_by_itself=True, mrr=None, months_to_within_5pct=None)
    if scenario.acquisition_growth_rate != 0.0:
        return Plateau(grows_by_itself=False, mrr=None, months_to_within_5pct=None)
    level = scenario.month_one_new_mrr / (1.0 - r)
    gap = abs(scenario.starting_mrr - level)
    tolerance = 0.05 * level
    if gap <= tolerance:
        months = 0
    elif r == 0.0 or level == 0.0:
        # No MRR survives a month (r = 0): MRR is the plateau from month 1.
        # With no acquisition the plateau is 0 and MRR only approaches it.
        months = 1 if r == 0.0 else None  # type: ignore[assignment]
    else:
        months = math.ceil(math.log(tolerance / gap) / math.log(r))
    return Plateau(grows_by_itself=False, mrr=level, months_to_within_5pct=months)


#: The four levers, as the lever page names them.
LEVERS: tuple[str, ...] = ("Churn", "Contraction", "Expansion", "Acquisition")
#: A fifth lever when part of churn is involuntary (failed payments): recover more of it.
INVOLUNTARY = "Involuntary churn"


def levers_of(scenario: Scenario) -> tuple[str, ...]:
    """The levers that apply to a scenario: the four, plus involuntary churn when it has a share."""
    if scenario.involuntary_churn_share > 0 and scenario.churn_rate > 0:
        return (*LEVERS, INVOLUNTARY)
    return LEVERS


def shifted(scenario: Scenario, rate: str, points: float) -> Scenario:
    """The scenario with one rate moved by ``points`` (a fraction), kept within its range.

    With segments, each segment's rate moves by the same points (the segments'
    rates are the ones the model uses). Churn plus contraction never exceeds 1.
    """

    def moved(churn: float, contraction: float, expansion: float) -> dict[str, float]:
        values = {"churn_rate": churn, "contraction_rate": contraction, "expansion_rate": expansion}
        values[rate] = float(np.clip(values[rate] + points, 0.0, 1.0))
        if rate == "churn_rate":
            values["churn_rate"] = min(values["churn_rate"], 1.0 - contraction)
        if rate == "contraction_rate":
            values["contraction_rate"] = min(values["contraction_rate"], 1.0 - churn)
        return {rate: values[rate]}

    segments = [
        {**dataclasses.asdict(s), **moved(s.churn_rate, s.contraction_rate, s.expansion_rate)}
        for s in scenario.segments
    ]
    top = moved(scenario.churn_rate, scenario.contraction_rate, scenario.expansion_rate)
    return scenario.replace(segments=segments, **top)


def improved(scenario: Scenario, lever: str, *, step: float) -> Scenario:
    """The scenario with one lever improved by ``step``.

    Churn and contraction fall by ``step`` (a fraction: 0.01 is one
    percentage point), never below 0; expansion rises by ``step``, never above
    1; acquisition's new MRR rises by the same relative change (``step`` of
    0.01 is 1% more new customers every month); involuntary churn falls by
    ``step`` through more recovered failed payments (dunning, retries), at
    most all of the involuntary part.
    """
    if lever == "Churn":
        return shifted(scenario, "churn_rate", -step)
    if lever == "Contraction":
        return shifted(scenario, "contraction_rate", -step)
    if lever == "Expansion":
        return shifted(scenario, "expansion_rate", step)
    if lever == "Acquisition":
        return scenario.replace(new_customers_per_month=scenario.new_customers_per_month * (1.0 + step))
    if lever == INVOLUNTARY:
        # Recover enough failed payments to cut churn by `step`, as far as the involuntary part allows.
        involuntary = scenario.churn_rate * scenario.involuntary_churn_share
        recovery = scenario.involuntary_recovery_rate + (step / involuntary if involuntary > 0 else 0.0)
        return scenario.replace(involuntary_recovery_rate=min(recovery, 1.0))
    raise ValueError(f"unknown lever '{lever}'; choose one of {', '.join((*LEVERS, INVOLUNTARY))}")


def annual_nrr_of(scenario: Scenario) -> float:
    """The annual NRR a scenario settles at: monthly NRR ^ 12 in the core model; with
    refinements (segments, early-life churn, annual plans…), the trailing-12 NRR at the
    horizon (at least month 12)."""
    if scenario.is_core:
        return scenario.annual_nrr
    months = max(12, scenario.months)
    value = project(scenario, months=months).table["nrr_trailing_12"].to_numpy()[months]
    return float(value) if math.isfinite(value) else 0.0


def lever_impacts(
    scenario: Scenario, *, step: float = 0.01, acquisition_step: float | None = None
) -> pd.DataFrame:
    """Each lever improved by ``step``, ranked by its gain in MRR at the horizon.

    ``acquisition_step`` (a relative change in new MRR) defaults to ``step``.

    Returns
    -------
    pandas.DataFrame
        One row per lever, biggest MRR gain first, with columns ``lever``,
        ``mrr_at_horizon``, ``mrr_gain``, ``annual_nrr``, ``annual_nrr_gain``.
    """
    base_mrr = project(scenario).mrr_at(scenario.months)
    base_nrr = annual_nrr_of(scenario)
    rows = []
    for lever in levers_of(scenario):
        lever_step = acquisition_step if lever == "Acquisition" and acquisition_step is not None else step
        better = improved(scenario, lever, step=lever_step)
        mrr = project(better).mrr_at(better.months)
        rows.append(
            {
                "lever": lever,
                "mrr_at_horizon": mrr,
                "mrr_gain": mrr - base_mrr,
                "annual_nrr": (better_nrr := annual_nrr_of(better)),
                "annual_nrr_gain": better_nrr - base_nrr,
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values("mrr_gain", ascending=False, kind="stable").reset_index(drop=True)


def with_annual_nrr(scenario: Scenario, annual_nrr: float) -> Scenario:
    """The scenario with expansion set so that annual NRR is ``annual_nrr``.

    Expansion is the lever used because it moves NRR without touching the
    customer count; it is held to its [0, 1] range.
    """
    target_monthly = max(annual_nrr, 0.0) ** (1.0 / 12.0)
    expansion = target_monthly - scenario.monthly_grr
    return scenario.replace(expansion_rate=float(np.clip(expansion, 0.0, 1.0)))


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
            scenario, scenario.annual_nrr + nrr_points
        )
    }
    for uplift in acquisition_uplifts:
        options[f"+{uplift * 100:.0f}% new customers"] = scenario.replace(
            new_customers_per_month=scenario.new_customers_per_month * (1.0 + uplift)
        )
    rows = [
        {"change": label, "mrr_at_horizon": (mrr := project(option).mrr_at(months)), "mrr_gain": mrr - base}
        for label, option in options.items()
    ]
    return pd.DataFrame(rows)


def cohort_layers(projection: Projection, *, max_layers: int = 9) -> pd.DataFrame:
    """MRR by acquisition cohort, grouped into a few readable layers.

    The starting base is the bottom layer; monthly cohorts are grouped by
    year of acquisition when the horizon is longer than two years, by
    quarter otherwise, and merged further until there are at most
    ``max_layers`` layers in all.

    Returns
    -------
    pandas.DataFrame
        Indexed by month (0..months); one column per layer, starting base
        first. The columns add up to the total MRR.
    """
    months = projection.scenario.months
    group_size = 12 if months > 24 else 3
    while 1 + math.ceil(months / group_size) > max_layers:
        group_size *= 2
    cohort = np.arange(1, months + 1)
    group = (cohort - 1) // group_size
    sums = np.zeros((group.max() + 1, months + 1))
    np.add.at(sums, group, projection.cohort_mrr[1:])
    labels = []
    for g in range(sums.shape[0]):
        if group_size == 12:
            labels.append(f"Acquired in year {g + 1}")
        elif group_size == 3:
            labels.append(f"Acquired in quarter {g + 1}")
        else:
            labels.append(f"Acquired in months {g * group_size + 1}–{min((g + 1) * group_size, months)}")
    layers = pd.DataFrame(sums.T, columns=labels, index=pd.RangeIndex(months + 1, name="month"))
    layers.insert(0, "Starting base", projection.cohort_mrr[0])
    return layers


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
