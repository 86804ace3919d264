"""Initiatives and shocks: plans that take time, against closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from simulator import Scenario, ScenarioError, from_json, project, to_json
from simulator.plan import initiative_impacts
from simulator.presets import recession
from simulator.refined import lever_paths
from simulator.scenario import Initiative
from tests.strategies import examples, plans, scenarios

PLAN = Scenario(
    starting_mrr=100_000,
    starting_customers=100,
    churn_rate=0.03,
    contraction_rate=0.01,
    expansion_rate=0.02,
    new_customers_per_month=10,
    new_customer_mrr=500,
    months=36,
)
DUNNING = Initiative("Dunning", "churn_rate", -0.008, start_month=3, ramp_months=4)
NEW_TIER = Initiative("New tier", "expansion_rate", 0.01, start_month=6)


def test_no_initiatives_is_exactly_the_plain_scenario() -> None:
    assert PLAN.replace(initiatives=[]).is_core
    assert project(PLAN.replace(initiatives=[])).table.equals(project(PLAN).table)


def test_an_initiative_ramps_in_from_its_start_month() -> None:
    churn = lever_paths(PLAN.replace(initiatives=[DUNNING]))["churn_rate"]
    assert churn[:3] == pytest.approx([0.03, 0.03, 0.03])
    assert churn[3:8] == pytest.approx([0.028, 0.026, 0.024, 0.022, 0.022])


def test_a_shock_is_over_after_its_end_month() -> None:
    shock = Initiative("Shock", "contraction_rate", 0.02, start_month=2, end_month=4)
    contraction = lever_paths(PLAN.replace(initiatives=[shock]))["contraction_rate"]
    assert contraction[:7] == pytest.approx([0.01, 0.01, 0.03, 0.03, 0.03, 0.01, 0.01])


def test_an_initiative_in_force_from_month_one_is_the_changed_scenario() -> None:
    """Closed form: a full, immediate, permanent change equals the plain scenario with that lever moved."""
    now = Initiative("Now", "expansion_rate", 0.01)
    planned = project(PLAN.replace(initiatives=[now])).table
    moved = project(PLAN.replace(expansion_rate=0.03)).table
    columns = [
        "mrr",
        "churned_mrr",
        "expansion_mrr",
        "nrr_month",
        "nrr_trailing_12",
        "grr_trailing_12",
        "customers",
    ]
    assert planned[columns].to_numpy() == pytest.approx(moved[columns].to_numpy(), rel=1e-12, nan_ok=True)


def test_acquisition_changes_are_relative() -> None:
    fewer = Initiative("Fewer", "new_customers_per_month", -0.3, start_month=1)
    assert project(PLAN.replace(initiatives=[fewer])).table["new_mrr"].iat[1] == pytest.approx(7 * 500)


def test_rates_stay_in_range_whatever_the_change() -> None:
    paths = lever_paths(PLAN.replace(initiatives=[Initiative("Huge", "churn_rate", 1.0)]))
    assert paths["churn_rate"].max() == 1.0
    assert (paths["churn_rate"] + paths["contraction_rate"]).max() == 1.0  # never above all of the MRR


def test_the_monthly_nrr_follows_the_plan_month_by_month() -> None:
    table = project(PLAN.replace(initiatives=[DUNNING, NEW_TIER])).table
    churn = lever_paths(PLAN.replace(initiatives=[DUNNING, NEW_TIER]))["churn_rate"]
    expansion = np.where(np.arange(37) >= 6, 0.03, 0.02)
    assert table["nrr_month"].iloc[1:].to_numpy() == pytest.approx((1 - churn - 0.01 + expansion)[1:])


def test_initiatives_are_ranked_by_their_effect_at_the_horizon() -> None:
    impacts = initiative_impacts(PLAN.replace(initiatives=[DUNNING, NEW_TIER, *recession(start_month=2)]))
    assert impacts["mrr_gain"].is_monotonic_decreasing
    assert set(impacts["initiative"].iloc[:2]) == {"Dunning", "New tier"}
    assert (impacts["mrr_gain"].iloc[2:] < 0).all()
    assert initiative_impacts(PLAN).empty


def test_a_recession_lowers_mrr_and_then_passes() -> None:
    plain = project(PLAN).table
    stressed = project(PLAN.replace(initiatives=recession())).table
    assert stressed["mrr"].iat[12] < plain["mrr"].iat[12]
    assert stressed["nrr_month"].iat[20] == pytest.approx(plain["nrr_month"].iat[20])


def test_initiative_errors_name_the_initiative_and_field() -> None:
    with pytest.raises(
        ScenarioError, match=r"initiative 'X': unknown lever 'churn'; did you mean 'churn_rate'\?"
    ):
        Initiative("X", "churn", -0.01)
    with pytest.raises(
        ScenarioError, match=r"initiative 'X': end_month is 2, outside the allowed range \(3 to 600\)"
    ):
        Initiative("X", "churn_rate", -0.01, start_month=3, end_month=2)
    with pytest.raises(ScenarioError, match=r"initiative 1 needs a lever"):
        PLAN.replace(initiatives=[{"name": "X", "change": 0.1}])


def test_initiatives_round_trip_through_json() -> None:
    scenario = PLAN.replace(initiatives=[DUNNING, NEW_TIER])
    assert from_json(to_json(scenario)) == scenario


@settings(max_examples=examples(60), deadline=None)
@given(scenarios(max_months=48), plans())
def test_plans_balance_and_stay_finite(scenario: Scenario, plan: list[Initiative]) -> None:
    table = project(scenario.replace(initiatives=plan)).table
    previous = table["mrr"].shift(1, fill_value=table["mrr"].iat[0])
    rebuilt = (
        previous + table["new_mrr"] + table["expansion_mrr"] - table["contraction_mrr"] - table["churned_mrr"]
    )
    assert rebuilt.to_numpy() == pytest.approx(table["mrr"].to_numpy(), rel=1e-9, abs=1e-6)
    assert not np.isinf(table.to_numpy(dtype=float)).any()
    assert (table["grr_month"].dropna() <= 1 + 1e-12).all()
