"""The cohort projection, against worked examples, closed forms and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from simulator import PROJECTION_COLUMNS, Scenario, project
from simulator.refined import logo_churn_rate
from tests.strategies import churned_sizes, examples, refined_scenarios, scenarios, within

WORKED_EXAMPLE = Scenario(
    starting_mrr=100_000, starting_customers=50, churn_rate=0.03, contraction_rate=0.01, expansion_rate=0.06
)


def test_worked_example_one_month_one_flows() -> None:
    """domain.md, worked example 1: $3,000 churns, $1,000 contracts, $6,000 expands."""
    row = project(WORKED_EXAMPLE).table.iloc[1]
    assert row["churned_mrr"] == pytest.approx(3_000)
    assert row["contraction_mrr"] == pytest.approx(1_000)
    assert row["expansion_mrr"] == pytest.approx(6_000)
    assert row["mrr"] == pytest.approx(102_000)
    assert row["nrr_month"] == pytest.approx(1.02)
    assert row["grr_month"] == pytest.approx(0.96)


def test_worked_example_three_a_cohort_paying_110_percent_a_year_later() -> None:
    """domain.md, worked example 3: a $100k cohort paying $110k a year later has 110% NRR."""
    monthly = 1.10 ** (1 / 12)
    scenario = Scenario(starting_mrr=100_000, expansion_rate=monthly - 1, months=12)
    table = project(scenario).table
    assert table["mrr"].iat[12] == pytest.approx(110_000)
    assert table["nrr_trailing_12"].iat[12] == pytest.approx(1.10)


def test_trailing_12_equals_monthly_rates_to_the_twelfth_power() -> None:
    table = project(WORKED_EXAMPLE.replace(new_customers_per_month=4, new_customer_mrr=900)).table
    assert table["nrr_trailing_12"].iloc[12:].to_numpy() == pytest.approx(1.02**12)
    assert table["grr_trailing_12"].iloc[12:].to_numpy() == pytest.approx(0.96**12)
    assert table[["nrr_trailing_12", "grr_trailing_12"]].iloc[:12].isna().all().all()


def test_month_zero_is_the_starting_state_with_no_flows() -> None:
    row = project(WORKED_EXAMPLE).table.iloc[0]
    assert row["mrr"] == 100_000
    assert row["customers"] == 50
    assert row[["new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"]].tolist() == [0, 0, 0, 0]
    assert np.isnan(row["nrr_month"])


def test_the_table_starts_with_the_command_line_columns() -> None:
    table = project(WORKED_EXAMPLE).table
    assert tuple(table.columns[: len(PROJECTION_COLUMNS)]) == PROJECTION_COLUMNS
    assert len(table) == WORKED_EXAMPLE.months + 1


def test_new_customers_arrive_at_the_end_of_the_month_and_grow_with_acquisition() -> None:
    scenario = Scenario(
        starting_mrr=0,
        churn_rate=0.5,
        new_customers_per_month=10,
        acquisition_growth_rate=0.1,
        new_customer_mrr=100,
    )
    table = project(scenario).table
    # Month 1: 10 customers × $100 arrive, nothing churns yet.
    assert table["mrr"].iat[1] == pytest.approx(1_000)
    # Month 2: half of month 1's MRR churns; 11 new customers arrive.
    assert table["churned_mrr"].iat[2] == pytest.approx(500)
    assert table["new_mrr"].iat[2] == pytest.approx(1_100)
    assert table["mrr"].iat[2] == pytest.approx(1_600)


def test_customers_follow_churn_and_acquisition() -> None:
    scenario = Scenario(starting_mrr=1, starting_customers=100, churn_rate=0.1, new_customers_per_month=5)
    customers = project(scenario, months=2).table["customers"].tolist()
    assert customers == pytest.approx([100, 95, 90.5])


def test_customers_are_missing_when_no_starting_count_is_given() -> None:
    assert project(Scenario(starting_mrr=1, new_customers_per_month=3)).table["customers"].isna().all()


def test_acquiring_exactly_the_break_even_new_mrr_keeps_mrr_flat() -> None:
    """Closed form: with new MRR = (1 − NRR) × MRR each month, MRR never moves."""
    scenario = Scenario(
        starting_mrr=50_000,
        churn_rate=0.04,
        contraction_rate=0.01,
        expansion_rate=0.02,
        new_customers_per_month=15,
        new_customer_mrr=0.03 * 50_000 / 15,
        months=120,
    )
    table = project(scenario).table
    assert table["mrr"].to_numpy() == pytest.approx(50_000, rel=1e-12)
    assert table["share_of_new_mrr_replacing_losses"].iloc[1:].to_numpy() == pytest.approx(1.0)


@settings(max_examples=examples(60))
@given(scenarios())
def test_mrr_matches_the_closed_form_for_steady_acquisition(scenario: Scenario) -> None:
    """M(t) = M0 r^t + a (1 + r + … + r^(t−1)), with a the (steady) new MRR."""
    scenario = scenario.replace(acquisition_growth_rate=0.0)
    r, a, m0 = scenario.monthly_nrr, scenario.month_one_new_mrr, scenario.starting_mrr
    t = np.arange(scenario.months + 1)
    geometric = np.array([sum(r**i for i in range(k)) for k in t])
    expected = m0 * r**t + a * geometric
    assert project(scenario).table["mrr"].to_numpy() == pytest.approx(expected, rel=1e-9, abs=1e-6)


@given(scenarios())
def test_the_mrr_bridge_balances_every_month(scenario: Scenario) -> None:
    table = project(scenario).table
    previous = table["mrr"].shift(1, fill_value=table["mrr"].iat[0])
    flows = table[["new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"]]
    rebuilt = (
        previous + flows["new_mrr"] + flows["expansion_mrr"] - flows["contraction_mrr"] - flows["churned_mrr"]
    )
    assert within(rebuilt, table["mrr"], scale=previous + flows.abs().sum(axis=1))


@given(scenarios())
def test_nrr_is_grr_plus_expansion_rate_and_grr_never_exceeds_one(scenario: Scenario) -> None:
    """NRR read off the cohorts (what the month's existing cohorts pay at its end over what they paid
    at its start), against GRR and expansion read off the month's flows."""
    projection = project(scenario)
    table, cohorts = projection.table.iloc[1:], projection.cohort_mrr
    existing_then = np.array([cohorts[:t, t - 1].sum() for t in table["month"]])
    existing_now = pd.Series([cohorts[:t, t].sum() for t in table["month"]], index=table.index)
    # Below 1e-250 (a base that has all but vanished) floats lose their digits: no ratio to check.
    defined = existing_then > 1e-250
    start = table["starting_mrr"][defined]
    existing_now = existing_now[defined]
    expansion_rate = table["expansion_mrr"][defined] / start
    assert within(
        existing_now / start, table["grr_month"][defined] + expansion_rate, scale=1.0 + expansion_rate
    )
    assert within(table["nrr_month"][defined], existing_now / start, scale=1.0 + expansion_rate)
    assert (table["grr_month"][defined] <= 1 + 1e-12).all()
    assert (table["grr_trailing_12"].dropna() <= 1 + 1e-12).all()


@given(scenarios())
def test_nothing_is_infinite_and_only_what_does_not_exist_is_missing(scenario: Scenario) -> None:
    projection = project(scenario)
    table = projection.table
    numbers = table.to_numpy(dtype=float)
    assert not np.isinf(numbers).any()
    always_defined = [
        "month",
        "mrr",
        "new_mrr",
        "expansion_mrr",
        "contraction_mrr",
        "churned_mrr",
        "existing_base_mrr",
    ]
    assert not table[always_defined].isna().any().any()
    no_base = (table["starting_mrr"] <= 0) | (table["month"] == 0)
    assert (table["nrr_month"].isna() == no_base).all()
    no_base_then = table["mrr"].shift(12).fillna(0) <= 0
    assert (table["nrr_trailing_12"].isna() == no_base_then).all()
    assert (table["customers"].isna() == (scenario.starting_customers is None)).all()
    assert np.isfinite(projection.cohort_mrr).all()


@given(scenarios(max_months=60))
def test_cohorts_add_up_to_the_total_and_exist_only_after_they_arrive(scenario: Scenario) -> None:
    projection = project(scenario)
    cohorts = projection.cohort_mrr
    assert cohorts.shape == (scenario.months + 1, scenario.months + 1)
    assert cohorts.sum(axis=0) == pytest.approx(projection.table["mrr"].to_numpy(), rel=1e-12, abs=1e-9)
    assert (np.tril(cohorts, -1) == 0).all()  # cohort k (row) is zero before month k (column)
    assert cohorts[0] == pytest.approx(projection.table["existing_base_mrr"].to_numpy())


@given(
    scenarios(),
    st.floats(min_value=0.0, max_value=0.2),
    st.sampled_from(["churn", "contraction", "expansion"]),
)
def test_a_better_lever_never_gives_less_mrr(scenario: Scenario, step: float, lever: str) -> None:
    if lever == "churn":
        better = scenario.replace(churn_rate=max(scenario.churn_rate - step, 0.0))
    elif lever == "contraction":
        better = scenario.replace(contraction_rate=max(scenario.contraction_rate - step, 0.0))
    else:
        better = scenario.replace(expansion_rate=min(scenario.expansion_rate + step, 1.0))
    before = project(scenario).table["mrr"].to_numpy()
    after = project(better).table["mrr"].to_numpy()
    assert (after >= before * (1 - 1e-12) - 1e-9).all()


@given(scenarios(), st.floats(min_value=0.0, max_value=100.0))
def test_more_acquisition_never_gives_less_mrr(scenario: Scenario, more: float) -> None:
    better = scenario.replace(new_customers_per_month=scenario.new_customers_per_month + more)
    before = project(scenario).table["mrr"].to_numpy()
    after = project(better).table["mrr"].to_numpy()
    assert (after >= before * (1 - 1e-12) - 1e-9).all()


@given(scenarios())
@example(
    Scenario(
        starting_mrr=0.0,
        expansion_rate=2.39e-8,
        new_customers_per_month=1,
        new_customer_mrr=1,
        acquisition_growth_rate=1.0,
        months=25,
    )
).via("a base of 3e7 that grows by a hair: off by 1.35e-9 against a fixed 1e-9")
def test_new_mrr_to_stay_flat_is_what_the_base_loses_net_of_expansion(scenario: Scenario) -> None:
    """Read off the cohorts: the customers there at the start of month t paid this, and pay that now."""
    projection = project(scenario)
    cohorts, table = projection.cohort_mrr, projection.table
    months = np.arange(1, scenario.months + 1)
    then = np.array([cohorts[:t, t - 1].sum() for t in months])
    now = np.array([cohorts[:t, t].sum() for t in months])
    shown = table["new_mrr_to_stay_flat"].to_numpy()[1:]
    assert within(shown, np.maximum(then - now, 0.0), scale=then)
    share = table["share_of_new_mrr_replacing_losses"].dropna()
    assert ((share >= 0) & (share <= 1)).all()


def test_total_churn_loses_everything_in_one_month_without_gaps_in_grr() -> None:
    table = project(
        Scenario(starting_mrr=1_000, churn_rate=1.0, new_customers_per_month=1, new_customer_mrr=10)
    ).table
    assert table["mrr"].iat[1] == pytest.approx(10)
    assert table["grr_trailing_12"].iat[12] == 0
    assert table["nrr_trailing_12"].iat[12] == 0


def test_the_months_argument_overrides_the_horizon() -> None:
    projection = project(WORKED_EXAMPLE, months=5)
    assert len(projection.table) == 6
    assert projection.scenario.months == 5
    assert projection.mrr_at(99) == projection.table["mrr"].iat[-1]


# The churned customers' size: logo churn as its own lever, the MRR untouched.


def test_churned_customers_half_the_average_size_make_twice_the_customers_leave() -> None:
    """By hand: 3% of MRR churns, carried by customers paying half the average, so 6% of the
    customers leave: 50 → 47 after a month, 47 × 0.94 = 44.18 after two; MRR 100,000 → 97,000 →
    94,090 as with average-sized churned customers."""
    scenario = Scenario(starting_mrr=100_000, starting_customers=50, churn_rate=0.03, months=2)
    table = project(scenario.replace(churned_size_multiple=0.5)).table
    assert table["customers"].tolist() == pytest.approx([50, 47, 44.18], rel=1e-12)
    assert table["mrr"].tolist() == pytest.approx([100_000, 97_000, 94_090], rel=1e-12)
    assert table.drop(columns="customers").equals(project(scenario).table.drop(columns="customers"))


def test_churned_customers_twice_the_average_size_make_half_the_customers_leave() -> None:
    """By hand: 3% of MRR, in accounts paying twice the average: 1.5% of 200 customers, 3 of them,
    leave; 5 new customers join at the month's end: 202."""
    scenario = Scenario(
        starting_mrr=100_000,
        starting_customers=200,
        churn_rate=0.03,
        new_customers_per_month=5,
        new_customer_mrr=500,
        churned_size_multiple=2.0,
        months=1,
    )
    assert project(scenario).table["customers"].tolist() == pytest.approx([200, 202], rel=1e-12)


def test_logo_churn_stops_at_every_customer() -> None:
    """60% of MRR in accounts a fifth of the average would be 300% of the customers: all 10 leave,
    and the 40% of MRR left has no customer count to hold it (an inconsistent pair of levers)."""
    scenario = Scenario(starting_mrr=1_000, starting_customers=10, churn_rate=0.6, churned_size_multiple=0.2)
    table = project(scenario, months=2).table
    assert table["customers"].tolist() == [10, 0, 0]
    assert table["mrr"].iat[1] == pytest.approx(400)


@settings(max_examples=examples(60), deadline=None)
@given(refined_scenarios(max_months=48), churned_sizes)
def test_the_mrr_projection_is_the_same_whatever_the_churned_size(scenario: Scenario, size: float) -> None:
    """Every column but the customer count, every cohort and every segment, to the bit."""
    before, after = project(scenario), project(scenario.replace(churned_size_multiple=size))
    assert after.table.drop(columns="customers").equals(before.table.drop(columns="customers"))
    assert np.array_equal(after.cohort_mrr, before.cohort_mrr)
    assert after.segments.keys() == before.segments.keys()
    for name, table in after.segments.items():
        assert table.drop(columns="customers").equals(before.segments[name].drop(columns="customers"))


@settings(max_examples=examples(60), deadline=None)
@given(refined_scenarios(max_months=48), churned_sizes, churned_sizes)
def test_customers_are_never_negative_and_larger_churned_accounts_never_leave_fewer(
    scenario: Scenario, size: float, other: float
) -> None:
    """A larger churned account means fewer accounts carry the same churned MRR."""
    smaller, larger = sorted((size, other))
    fewer = project(scenario.replace(churned_size_multiple=smaller)).table["customers"].to_numpy()
    more = project(scenario.replace(churned_size_multiple=larger)).table["customers"].to_numpy()
    if scenario.starting_customers is None:
        assert np.isnan(fewer).all() and np.isnan(more).all()
        return
    assert (fewer >= 0).all() and (more >= 0).all()
    assert (more >= fewer * (1 - 1e-12) - 1e-9).all()


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=50))
def test_a_churned_size_of_one_makes_logo_churn_revenue_churn_to_the_bit(revenue_churn: list[float]) -> None:
    churn = np.array(revenue_churn)
    assert np.array_equal(logo_churn_rate(churn, 1.0), churn)


@settings(max_examples=examples(60), deadline=None)
@given(refined_scenarios(max_months=48), st.floats(1.0, 1e4))
def test_with_equal_accounts_and_average_sized_churned_ones_customers_times_the_price_is_the_mrr(
    scenario: Scenario, price: float
) -> None:
    """Today's behaviour, read off a relation: when every account pays the same and nothing
    expands or contracts, the count is the MRR ÷ the price in the core and the refined model
    (early-life churn, failed payments, annual plans, a plan on churn and acquisition)."""
    scenario = scenario.replace(
        segments=(),
        starting_customers=100.0,
        starting_mrr=100.0 * price,
        new_customer_mrr=price,
        contraction_rate=0.0,
        expansion_rate=0.0,
        churned_size_multiple=1.0,
        initiatives=[i for i in scenario.initiatives if i.lever in ("churn_rate", "new_customers_per_month")],
    )
    table = project(scenario).table
    customers, mrr = table["customers"].to_numpy(), table["mrr"].to_numpy()
    scale = 100.0 + table["new_customers"].cumsum().to_numpy()
    assert within(customers * price, mrr, scale=scale * price)
