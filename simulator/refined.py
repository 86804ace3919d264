"""The refined model: segments, early-life churn, annual plans and an expansion ceiling.

The core model gives every cohort the same retention factor every month.
Here a cohort's rates depend on its age (early-life churn; annual plans that
can only churn or contract in their renewal month; expansion that stops at a
ceiling), so each group of cohorts that share one age profile is a *part*:
per segment, the new customers on monthly plans, those on annual plans, the
starting base on monthly plans, and the starting base's annual plans in
twelve parts by renewal month (their renewals are spread over the year).

A part's MRR path over ages is a cumulative product over one array of ages;
cohort k's MRR at month t is its starting MRR times the path at age t − k, so
every monthly total is a convolution of the cohorts' starting MRR with a
per-age profile. No loop runs over cohorts or months.

Involuntary churn needs no refinement: the recovered share simply lowers the
churn rate (:attr:`~simulator.scenario.Scenario.effective_churn_rate`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.projection import Totals
from simulator.scenario import Scenario

ANNUAL = 12


@dataclass(frozen=True)
class _Profile:
    """Per-age arrays (index = age 0..months) of one part, relative to its starting MRR."""

    path: np.ndarray  # MRR at each age
    survival: np.ndarray  # share of customers still there
    churned: np.ndarray  # flows in the month that ends at each age
    contraction: np.ndarray
    expansion: np.ndarray
    gross_window: np.ndarray  # MRR kept from 12 ages earlier without expansion, over path 12 ages earlier


def refined_totals(scenario: Scenario) -> dict[str, Totals]:
    """Monthly totals per segment (a single entry named "All" without segments)."""
    if not scenario.segments:
        return {"All": _segment_totals(scenario)}
    customers = scenario.starting_customers
    return {
        segment.name: _segment_totals(
            scenario.replace(
                segments=(),
                starting_mrr=scenario.starting_mrr * segment.mrr_share,
                starting_customers=None if customers is None else customers * segment.new_customer_share,
                churn_rate=segment.churn_rate,
                contraction_rate=segment.contraction_rate,
                expansion_rate=segment.expansion_rate,
                new_customers_per_month=scenario.new_customers_per_month * segment.new_customer_share,
                new_customer_mrr=segment.new_customer_mrr,
            )
        )
        for segment in scenario.segments
    }


def early_churn(scenario: Scenario, ages: np.ndarray) -> np.ndarray:
    """Monthly churn of a new cohort by age: the multiple at age 1 fading linearly to the base rate.

    With ``early_churn_months`` = 3 and a multiple of 3: 3×, 2.33×, 1.67× the
    base rate at ages 1–3, then 1× (the multiple fades over those months).
    """
    base = scenario.effective_churn_rate
    months = scenario.early_churn_months
    if months == 0:
        return np.full(ages.shape, base)
    fade = np.clip((months - (ages - 1)) / months, 0.0, 1.0)
    churn = base * (1.0 + (scenario.early_churn_multiple - 1.0) * fade)
    return np.minimum(churn, 1.0 - scenario.contraction_rate)


def _segment_totals(scenario: Scenario) -> Totals:
    horizon = scenario.months
    ages = np.arange(horizon + 1)
    new_customers = scenario.new_customers_per_month * (1.0 + scenario.acquisition_growth_rate) ** (
        ages - 1.0
    )
    new_customers[0] = 0.0
    new_mrr = new_customers * scenario.new_customer_mrr
    annual = scenario.annual_plan_share
    base_churn = np.full(horizon + 1, scenario.effective_churn_rate)
    cohort_churn = early_churn(scenario, ages)

    # (starting MRR by cohort, starting customers by cohort, profile)
    parts: list[tuple[np.ndarray, np.ndarray, _Profile]] = []
    base_mrr = _only_first(scenario.starting_mrr, horizon)
    base_customers = _only_first(scenario.starting_customers or 0.0, horizon)
    if annual < 1.0:
        monthly_plan = 1.0 - annual
        parts.append(
            (new_mrr * monthly_plan, new_customers * monthly_plan, _profile(scenario, cohort_churn, None))
        )
        parts.append(
            (base_mrr * monthly_plan, base_customers * monthly_plan, _profile(scenario, base_churn, None))
        )
    if annual > 0.0:
        parts.append((new_mrr * annual, new_customers * annual, _profile(scenario, cohort_churn, ANNUAL)))
        for first_renewal in range(1, ANNUAL + 1):
            share = annual / ANNUAL
            profile = _profile(scenario, base_churn, first_renewal)
            parts.append((base_mrr * share, base_customers * share, profile))

    age = np.subtract.outer(ages, ages).T  # age[k, t] = t - k
    alive = age >= 0
    safe_age = np.where(alive, age, 0)
    cohort_mrr = np.sum(
        [np.where(alive, start[:, None] * profile.path[safe_age], 0.0) for start, _, profile in parts], axis=0
    )

    def total(per_age: list[np.ndarray], *, counts: bool = False) -> np.ndarray:
        starts = [count if counts else start for start, count, _ in parts]
        summed: np.ndarray = np.sum(
            [
                np.convolve(start, values)[: horizon + 1]
                for start, values in zip(starts, per_age, strict=True)
            ],
            axis=0,
        )
        return summed

    profiles = [profile for _, _, profile in parts]
    old_enough = ages >= ANNUAL
    return Totals(
        cohort_mrr=cohort_mrr,
        new_mrr=new_mrr,
        new_customers=new_customers,
        churned=total([p.churned for p in profiles]),
        contraction=total([p.contraction for p in profiles]),
        expansion=total([p.expansion for p in profiles]),
        customers=None
        if scenario.starting_customers is None
        else total([p.survival for p in profiles], counts=True),
        trailing_now=total([np.where(old_enough, p.path, 0.0) for p in profiles]),
        trailing_gross=total(
            [np.where(old_enough, np.roll(p.path, ANNUAL) * p.gross_window, 0.0) for p in profiles]
        ),
    )


def _only_first(value: float, horizon: int) -> np.ndarray:
    array = np.zeros(horizon + 1)
    array[0] = value
    return array


def _profile(scenario: Scenario, monthly_churn: np.ndarray, renewal: int | None) -> _Profile:
    """One part's per-age path and flows.

    ``monthly_churn[a]`` is the churn rate the part would have at age a on a
    monthly plan. On an annual plan (``renewal`` = the age of the first
    renewal), churn and contraction wait for the renewal month and then take
    the whole year's worth at once; expansion (upsells) happens any month.
    """
    n = monthly_churn.size
    ages = np.arange(n)
    contraction_rate = np.full(n, scenario.contraction_rate)
    expansion = np.full(n, scenario.expansion_rate)
    churn, contraction = monthly_churn.copy(), contraction_rate
    if renewal is not None:
        renews = (ages >= renewal) & ((ages - renewal) % ANNUAL == 0)
        # A year's worth of losses at each renewal; ages before 1 count at the age-1 rate,
        # so that the starting base's first renewals also take a whole year's worth.
        year_churn = np.concatenate(([monthly_churn[min(1, n - 1)]], monthly_churn[1:]))
        kept = _window_product(1.0 - year_churn, ANNUAL, pad=1.0 - year_churn[0])
        kept_gross = _window_product(
            1.0 - year_churn - contraction_rate, ANNUAL, pad=1.0 - year_churn[0] - scenario.contraction_rate
        )
        churn = np.where(renews, 1.0 - kept, 0.0)
        contraction = np.where(renews, kept - kept_gross, 0.0)
    churn[0] = contraction[0] = expansion[0] = 0.0

    staying = 1.0 - churn
    with np.errstate(divide="ignore", invalid="ignore"):
        # Expansion per remaining account (churn removes accounts, not their growth).
        expansion_per_account = np.where(staying > 0, expansion / staying, 0.0)
        if scenario.expansion_ceiling is not None:
            # Seats and usage saturate: an account's expansion stops once it has
            # grown (by expansion alone) to the ceiling times its starting MRR.
            reach = np.cumprod(1.0 + expansion_per_account)
            reach_before = np.concatenate(([1.0], reach[:-1]))
            allowed = np.where(
                reach > reach_before,
                np.clip((scenario.expansion_ceiling - reach_before) / (reach - reach_before), 0.0, 1.0),
                1.0,
            )
            expansion = expansion * allowed
    survival = np.cumprod(staying)
    # As in the core model, every flow is a share of the start-of-month MRR.
    path = np.cumprod(1.0 - churn - contraction + expansion)
    before = np.concatenate(([0.0], path[:-1]))
    gross = 1.0 - churn - contraction
    return _Profile(
        path=path,
        survival=survival,
        churned=churn * before,
        contraction=contraction * before,
        expansion=expansion * before,
        gross_window=_window_product(gross, ANNUAL, pad=1.0),
    )


def _window_product(values: np.ndarray, width: int, *, pad: float) -> np.ndarray:
    """Product of the last ``width`` values at each index, ``pad`` standing in before index 0."""
    padded = np.concatenate((np.full(width - 1, pad), values))
    product: np.ndarray = np.lib.stride_tricks.sliding_window_view(padded, width).prod(axis=1)
    return product
