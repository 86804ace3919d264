"""Views of a projection: MRR bridges and cohort layers."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from simulator import Scenario, project
from simulator.breakdown import BRIDGE_STEPS, bridge, cohort_layers
from tests.examples import LEAKY
from tests.strategies import scenarios, within


def test_worked_example_two_a_year_that_ends_at_105_percent() -> None:
    """domain.md, worked example 2, as a one-period bridge: +20k − 5k − 10k on 100k ends at 105k."""
    scenario = Scenario(
        starting_mrr=100_000, churn_rate=0.10, contraction_rate=0.05, expansion_rate=0.20, months=1
    )
    steps = bridge(project(scenario), first_month=1)
    assert steps.to_dict() == pytest.approx(
        {
            "starting_mrr": 100_000,
            "new_mrr": 0,
            "expansion_mrr": 20_000,
            "contraction_mrr": -5_000,
            "churned_mrr": -10_000,
            "ending_mrr": 105_000,
        }
    )
    assert steps["ending_mrr"] / steps["starting_mrr"] == pytest.approx(1.05)


@given(scenarios(), st.integers(1, 120), st.integers(0, 120))
@example(
    Scenario(
        starting_mrr=1e7,
        churn_rate=1.0,
        new_customers_per_month=1e4,
        new_customer_mrr=1e7,
        acquisition_growth_rate=-0.99,
        months=120,
    ),
    1,
    119,
).via("a bridge of 1e11 flows that nets to almost nothing (off by 1.5e-5 against a fixed 1e-6)")
def test_every_bridge_adds_up_to_its_ending_mrr(scenario: Scenario, start: int, span: int) -> None:
    first = min(start, scenario.months)
    last = min(first + span, scenario.months)
    projection = project(scenario)
    steps = bridge(projection, first_month=first, last_month=last)
    assert tuple(steps.index) == BRIDGE_STEPS
    months = projection.table.iloc[first : last + 1]
    flows = months[["new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "mrr"]].abs().sum().sum()
    assert within(steps.iloc[:-1].sum(), steps["ending_mrr"], scale=flows + steps["starting_mrr"])


def test_a_bridge_outside_the_horizon_is_refused() -> None:
    with pytest.raises(ValueError, match="a bridge runs from month 1 to 60; got months 0 to 12"):
        bridge(project(LEAKY), first_month=0, last_month=12)


@given(scenarios(max_months=600), st.integers(min_value=2, max_value=12))
def test_cohort_layers_add_up_to_mrr_in_few_layers(scenario: Scenario, max_layers: int) -> None:
    projection = project(scenario)
    layers = cohort_layers(projection, max_layers=max_layers)
    assert layers.columns[0] == "Starting base"
    assert layers.shape[1] <= max(max_layers, 2)
    assert layers.sum(axis=1).to_numpy() == pytest.approx(
        projection.table["mrr"].to_numpy(), rel=1e-9, abs=1e-6
    )


def test_three_years_are_grouped_by_year_of_acquisition() -> None:
    layers = cohort_layers(project(LEAKY, months=36))
    assert list(layers.columns) == [
        "Starting base",
        "Acquired in year 1",
        "Acquired in year 2",
        "Acquired in year 3",
    ]
    assert layers["Acquired in year 2"].iloc[:13].sum() == 0
    assert not math.isclose(layers["Acquired in year 2"].iat[13], 0)
