"""The refined model: segments, early-life churn, annual plans, an expansion ceiling, initiatives.

The core model gives every cohort the same retention factor every month.
Here the rates of a group of customers depend on its age (early-life churn;
annual plans that churn or contract only in their renewal month; expansion
that stops at a ceiling) and on the calendar month (initiatives and shocks
that move a lever from a start month). So the model works on *rows*: per
segment, the starting base on monthly plans, its annual plans in twelve rows
by renewal month (renewals are spread over the year), and each month's new
customers on monthly and on annual plans. Every quantity is a rows × months
array; a row's MRR is a cumulative product along the months of its net
retention factors. No loop runs over cohorts or months.

Involuntary churn needs nothing of its own: the recovered share lowers the
churn rate (:attr:`~simulator.scenario.Scenario.effective_churn_rate`). Nor
does the size of churned accounts: it changes only how many customers leave
with the churned MRR (:func:`logo_churn_rate`), never the MRR.
"""

from __future__ import annotations

import numpy as np

from simulator.levers import BY_FIELD, PLAN_FIELDS
from simulator.scenario import Scenario
from simulator.totals import Totals

ANNUAL = 12


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


def lever_paths(scenario: Scenario) -> dict[str, np.ndarray]:
    """Each lever's value in months 0..months, with the initiatives in force.

    Rates move by their change in points and stay within range (churn plus
    contraction at most 1); acquisition and new-customer MRR by a relative
    change, never below 0.
    """
    months = np.arange(scenario.months + 1)
    paths = {field: np.full(months.size, float(getattr(scenario, field))) for field in PLAN_FIELDS}
    for initiative in scenario.initiatives:
        in_force = initiative.in_force(months)
        if BY_FIELD[initiative.lever].is_rate:
            paths[initiative.lever] = paths[initiative.lever] + initiative.change * in_force
        else:
            paths[initiative.lever] = paths[initiative.lever] * (1.0 + initiative.change * in_force)
    for field in PLAN_FIELDS:
        high = 1.0 if BY_FIELD[field].is_rate else np.inf
        paths[field] = np.clip(paths[field], 0.0, high)
    paths["contraction_rate"] = np.minimum(paths["contraction_rate"], 1.0 - paths["churn_rate"])
    return paths


def logo_churn_rate(revenue_churn: np.ndarray | float, churned_size_multiple: float) -> np.ndarray:
    """The share of customers who leave when ``revenue_churn`` of the MRR leaves with them.

    Churned customers pay ``churned_size_multiple`` × the average account, so
    their share of the count is revenue churn ÷ the multiple, at most all of
    them. A multiple of 1 gives revenue churn back exactly.

    >>> logo_churn_rate(np.array([0.03, 0.03, 0.6]), 0.5)
    array([0.06, 0.06, 1.  ])
    """
    logo: np.ndarray = np.minimum(np.asarray(revenue_churn, dtype=float) / churned_size_multiple, 1.0)
    return logo


def early_churn(scenario: Scenario, ages: np.ndarray) -> np.ndarray:
    """The early-life multiple of churn by age: the multiple at age 1 fading linearly to 1.

    With ``early_churn_months`` = 3 and a multiple of 3: 3×, 2.33×, 1.67× the
    base rate at ages 1–3, then 1×.
    """
    months = scenario.early_churn_months
    if months == 0:
        return np.ones(ages.shape)
    fade = np.clip((months - (ages - 1)) / months, 0.0, 1.0)
    return 1.0 + (scenario.early_churn_multiple - 1.0) * fade


def _segment_totals(scenario: Scenario) -> Totals:
    horizon = scenario.months
    months = np.arange(horizon + 1)
    levers = lever_paths(scenario)
    recovered = 1.0 - scenario.involuntary_churn_share * scenario.involuntary_recovery_rate
    new_customers = levers["new_customers_per_month"] * (1.0 + scenario.acquisition_growth_rate) ** (
        months - 1.0
    )
    new_customers[0] = 0.0
    new_mrr = new_customers * levers["new_customer_mrr"]

    # The rows: the month each starts, its starting MRR and customers, its first renewal
    # (0 on monthly plans) and whether it is new customers.
    annual = scenario.annual_plan_share
    starting_customers = scenario.starting_customers or 0.0
    first = np.concatenate(
        [
            np.zeros(
                1 + ANNUAL, dtype=np.int64
            ),  # the base: monthly plans, then annual plans by renewal month
            months[1:],  # new customers on monthly plans
            months[1:],  # on annual plans
        ]
    )
    share = np.concatenate(
        [
            [1.0 - annual],
            np.full(ANNUAL, annual / ANNUAL),
            np.full(horizon, 1.0 - annual),
            np.full(horizon, annual),
        ]
    )
    start_mrr = share * np.concatenate([np.full(1 + ANNUAL, scenario.starting_mrr), new_mrr[1:], new_mrr[1:]])
    start_customers = share * np.concatenate(
        [np.full(1 + ANNUAL, starting_customers), new_customers[1:], new_customers[1:]]
    )
    renewal = np.concatenate(
        [[0], np.arange(1, ANNUAL + 1), np.zeros(horizon, dtype=np.int64), np.full(horizon, ANNUAL)]
    )
    is_new = np.concatenate([np.zeros(1 + ANNUAL, dtype=bool), np.ones(2 * horizon, dtype=bool)])
    # Rows of a plan nobody is on hold nothing: leave them out (all but one row with no annual plans).
    held = share > 0.0
    if not held.all():
        first, share, start_mrr, start_customers, renewal, is_new = (
            column[held] for column in (first, share, start_mrr, start_customers, renewal, is_new)
        )

    age = months[None, :] - first[:, None]
    exists = age >= 0
    acting = age >= 1  # flows start the month after a row arrives

    # Monthly churn each row would have on a monthly plan: the month's rate, with the
    # early-life multiple for new customers.
    churn_rate = levers["churn_rate"][None, :] * recovered
    churn_rate = churn_rate * np.where(is_new[:, None], early_churn(scenario, age), 1.0)
    contraction_rate = np.broadcast_to(levers["contraction_rate"][None, :], age.shape)
    churn_rate = np.minimum(churn_rate, 1.0 - contraction_rate)
    expansion = np.where(acting, levers["expansion_rate"][None, :], 0.0)

    churn = np.where(acting, churn_rate, 0.0)
    contraction = np.where(acting, contraction_rate, 0.0)
    on_annual = renewal > 0
    if on_annual.any():
        # An annual plan loses a year's worth at each renewal and nothing in between.
        # Months before a row began count at its first month's rate, so the base's
        # first renewals (whose contracts began before month 0) also take a full year.
        first_rate = np.take_along_axis(churn_rate, np.minimum(first + 1, horizon)[:, None], axis=1)
        year_churn = np.where(acting, churn_rate, first_rate)
        year_contraction = np.where(acting, contraction_rate, contraction_rate[:, :1])
        kept = _trailing_product(1.0 - year_churn, pad=1.0 - first_rate)
        kept_gross = _trailing_product(
            1.0 - year_churn - year_contraction, pad=1.0 - first_rate - contraction_rate[:, :1]
        )
        renews = acting & ((age - renewal[:, None]) % ANNUAL == 0) & (age >= renewal[:, None])
        annual_rows = on_annual[:, None]
        churn = np.where(annual_rows, np.where(renews, 1.0 - kept, 0.0), churn)
        contraction = np.where(annual_rows, np.where(renews, kept - kept_gross, 0.0), contraction)

    staying = 1.0 - churn
    if scenario.expansion_ceiling is not None:
        # Seats and usage saturate: an account's expansion stops once expansion
        # alone has grown it to the ceiling times its starting MRR.
        with np.errstate(divide="ignore", invalid="ignore"):
            per_account = np.where(staying > 0, expansion / staying, 0.0)
        # How far expansion alone has grown an account before each month. Past the ceiling
        # nothing more is allowed, so the running product is held there (in logs: a long
        # horizon of fast expansion would overflow it).
        grown = np.cumsum(np.log1p(per_account), axis=1)
        ceiling = np.log(scenario.expansion_ceiling)
        before_log = np.concatenate((np.zeros((grown.shape[0], 1)), grown[:, :-1]), axis=1)
        reach_before = np.exp(np.minimum(before_log, ceiling))
        reach = reach_before * (1.0 + per_account)
        with np.errstate(divide="ignore", invalid="ignore"):
            allowed = np.where(
                reach > reach_before,
                np.clip((scenario.expansion_ceiling - reach_before) / (reach - reach_before), 0.0, 1.0),
                0.0,
            )
        expansion = expansion * allowed

    # As in the core model, every flow is a share of the start-of-month MRR.
    gross = 1.0 - churn - contraction
    mrr = start_mrr[:, None] * np.where(
        exists, np.cumprod(np.where(acting, gross + expansion, 1.0), axis=1), 0.0
    )
    before = np.concatenate((np.zeros((mrr.shape[0], 1)), mrr[:, :-1]), axis=1)
    # The count follows logo churn: the accounts that leave are churned_size_multiple × their row's
    # average (an annual plan's renewal too), so the MRR above does not move with it.
    staying_customers = 1.0 - logo_churn_rate(churn, scenario.churned_size_multiple)
    customers = start_customers[:, None] * np.where(
        exists, np.cumprod(np.where(acting, staying_customers, 1.0), axis=1), 0.0
    )

    # Trailing 12: rows present at t − 12, their MRR at t, and with no expansion since.
    trailing_now = np.zeros(horizon + 1)
    trailing_gross = np.zeros(horizon + 1)
    if horizon >= ANNUAL:
        present_then = first[:, None] <= months[None, ANNUAL:] - ANNUAL
        trailing_now[ANNUAL:] = (mrr[:, ANNUAL:] * present_then).sum(axis=0)
        kept_year = _trailing_product(np.where(acting, gross, 1.0), pad=np.ones((gross.shape[0], 1)))[
            :, ANNUAL:
        ]
        trailing_gross[ANNUAL:] = (mrr[:, :-ANNUAL] * kept_year * present_then).sum(axis=0)

    # Layers: each month's cohort on both plans together; the base in row 0.
    cohort_mrr = np.zeros((horizon + 1, horizon + 1))
    np.add.at(cohort_mrr, first, mrr)
    return Totals(
        cohort_mrr=cohort_mrr,
        new_mrr=new_mrr,
        new_customers=new_customers,
        churned=(churn * before).sum(axis=0),
        contraction=(contraction * before).sum(axis=0),
        expansion=(expansion * before).sum(axis=0),
        customers=None if scenario.starting_customers is None else customers.sum(axis=0),
        trailing_now=trailing_now,
        trailing_gross=trailing_gross,
    )


def _trailing_product(values: np.ndarray, *, pad: np.ndarray) -> np.ndarray:
    """Product of each row's last twelve values (shares kept: 0 to 1) at every month; ``pad`` (per row)
    stands before month 0.

    In linear time: a running sum of logs, differenced twelve apart, with zeros counted apart
    (a window holding a zero multiplies to zero; the log of zero would poison the sums).

    >>> _trailing_product(np.array([[0.5, 0.0, 0.8]]), pad=np.array([[1.0]]))
    array([[0.5, 0. , 0. ]])
    """
    padded = np.concatenate((np.repeat(pad, ANNUAL - 1, axis=1), values), axis=1)
    zero = padded <= 0.0  # a share of nothing (a float a hair below zero is nothing too)
    logs = np.log(np.where(zero, 1.0, padded))
    start = np.zeros((padded.shape[0], 1))
    sums = np.concatenate((start, np.cumsum(logs, axis=1)), axis=1)
    zeros: np.ndarray = np.concatenate((start, np.cumsum(zero.astype(np.float64), axis=1)), axis=1)
    window = np.exp(sums[:, ANNUAL:] - sums[:, :-ANNUAL])
    product: np.ndarray = np.where(zeros[:, ANNUAL:] - zeros[:, :-ANNUAL] > 0.0, 0.0, window)
    return product
