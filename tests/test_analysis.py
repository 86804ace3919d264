"""Bridges, the plateau, lever impacts and cohort layers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import Scenario, project
from simulator.analysis import (
    BRIDGE_STEPS,
    LEVERS,
    bridge,
    cohort_layers,
    improved,
    lever_impacts,
    nrr_versus_acquisition,
    plateau,
    with_annual_nrr,
)
from tests.strategies import scenarios

LEAKY = Scenario(
    starting_mrr=100_000,
    churn_rate=0.03,
    contraction_rate=0.01,
    expansion_rate=0.02,
    new_customers_per_month=10,
    new_customer_mrr=500,
    months=60,
)


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


@given(scenarios(), st.data())
def test_every_bridge_adds_up_to_its_ending_mrr(scenario: Scenario, data: st.DataObject) -> None:
    first = data.draw(st.integers(1, scenario.months))
    last = data.draw(st.integers(first, scenario.months))
    steps = bridge(project(scenario), first_month=first, last_month=last)
    assert tuple(steps.index) == BRIDGE_STEPS
    assert steps.iloc[:-1].sum() == pytest.approx(steps["ending_mrr"], rel=1e-9, abs=1e-6)


def test_a_bridge_outside_the_horizon_is_refused() -> None:
    with pytest.raises(ValueError, match="a bridge runs from month 1 to 60; got months 0 to 12"):
        bridge(project(LEAKY), first_month=0, last_month=12)


def test_the_plateau_is_new_mrr_over_the_monthly_leak() -> None:
    result = plateau(LEAKY)
    assert result.mrr == pytest.approx(5_000 / 0.02)
    assert not result.grows_by_itself


def test_months_to_the_plateau_is_the_first_month_within_5_percent() -> None:
    result = plateau(LEAKY)
    assert result.months_to_within_5pct is not None and result.mrr is not None
    mrr = project(LEAKY, months=result.months_to_within_5pct).table["mrr"].to_numpy()
    gap = np.abs(mrr - result.mrr) / result.mrr
    assert gap[-1] <= 0.05 + 1e-12
    assert gap[-2] > 0.05


def test_a_business_already_at_its_plateau_needs_zero_months() -> None:
    assert plateau(LEAKY.replace(starting_mrr=250_000)).months_to_within_5pct == 0


def test_nrr_of_100_percent_or_more_has_no_plateau() -> None:
    result = plateau(LEAKY.replace(expansion_rate=0.05))
    assert result.grows_by_itself and result.mrr is None and result.months_to_within_5pct is None


def test_growing_acquisition_has_no_fixed_plateau() -> None:
    result = plateau(LEAKY.replace(acquisition_growth_rate=0.02))
    assert not result.grows_by_itself and result.mrr is None


def test_no_acquisition_shrinks_toward_zero_without_reaching_it() -> None:
    result = plateau(LEAKY.replace(new_customers_per_month=0))
    assert result.mrr == 0 and result.months_to_within_5pct is None


def test_total_loss_reaches_the_plateau_after_one_month() -> None:
    result = plateau(LEAKY.replace(churn_rate=1.0, contraction_rate=0.0, expansion_rate=0.0))
    assert result.mrr == pytest.approx(5_000) and result.months_to_within_5pct == 1


def test_each_lever_improves_by_the_step_and_stays_in_range() -> None:
    assert improved(LEAKY, "Churn", step=0.01).churn_rate == pytest.approx(0.02)
    assert improved(LEAKY, "Contraction", step=0.05).contraction_rate == 0.0
    assert improved(LEAKY, "Expansion", step=0.01).expansion_rate == pytest.approx(0.03)
    assert improved(LEAKY, "Acquisition", step=0.01).new_customers_per_month == pytest.approx(10.1)
    with pytest.raises(ValueError, match="unknown lever 'Price'"):
        improved(LEAKY, "Price", step=0.01)


def test_lever_impacts_are_ranked_biggest_gain_first() -> None:
    impacts = lever_impacts(LEAKY, step=0.01)
    assert set(impacts["lever"]) == set(LEVERS)
    assert impacts["mrr_gain"].is_monotonic_decreasing
    base = project(LEAKY).mrr_at(60)
    churn = impacts.set_index("lever").loc["Churn"]
    assert churn["mrr_at_horizon"] == pytest.approx(project(LEAKY.replace(churn_rate=0.02)).mrr_at(60))
    assert churn["mrr_gain"] == pytest.approx(churn["mrr_at_horizon"] - base)
    assert churn["annual_nrr_gain"] == pytest.approx(0.99**12 - 0.98**12)
    assert impacts.set_index("lever").loc["Acquisition", "annual_nrr_gain"] == 0


def test_the_acquisition_step_can_differ_from_the_rate_step() -> None:
    impacts = lever_impacts(LEAKY, step=0.01, acquisition_step=0.30).set_index("lever")
    expected = project(LEAKY.replace(new_customers_per_month=13)).mrr_at(60) - project(LEAKY).mrr_at(60)
    assert impacts.loc["Acquisition", "mrr_gain"] == pytest.approx(expected)


@settings(max_examples=50)
@given(scenarios(max_months=60), st.floats(min_value=0.0, max_value=0.1))
def test_no_lever_improvement_ever_loses_mrr(scenario: Scenario, step: float) -> None:
    assert (
        lever_impacts(scenario, step=step)["mrr_gain"] >= -1e-6 * max(1.0, project(scenario).mrr_at(9999))
    ).all()


def test_ten_points_of_nrr_means_annual_nrr_ten_points_higher() -> None:
    better = with_annual_nrr(LEAKY, LEAKY.annual_nrr + 0.10)
    assert better.annual_nrr == pytest.approx(LEAKY.annual_nrr + 0.10)
    assert better.churn_rate == LEAKY.churn_rate


def test_nrr_versus_acquisition_compares_on_the_users_scenario() -> None:
    table = nrr_versus_acquisition(LEAKY)
    assert table["change"].tolist() == [
        "+10 points of annual NRR",
        "+30% new customers",
        "+40% new customers",
    ]
    thirty = LEAKY.replace(new_customers_per_month=13)
    assert table["mrr_at_horizon"].iat[1] == pytest.approx(project(thirty).mrr_at(60))
    assert table["mrr_gain"].iat[0] == pytest.approx(
        project(with_annual_nrr(LEAKY, LEAKY.annual_nrr + 0.1)).mrr_at(60) - project(LEAKY).mrr_at(60)
    )


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


def test_involuntary_churn_is_a_lever_only_when_part_of_churn_is_involuntary() -> None:
    assert "Involuntary churn" not in set(lever_impacts(LEAKY)["lever"])
    dunning = LEAKY.replace(involuntary_churn_share=0.3)
    impacts = lever_impacts(dunning, step=0.005).set_index("lever")
    better = improved(dunning, "Involuntary churn", step=0.005)
    assert better.effective_churn_rate == pytest.approx(0.03 - 0.005)
    assert impacts.loc["Involuntary churn", "mrr_gain"] == pytest.approx(impacts.loc["Churn", "mrr_gain"])


def test_recovering_involuntary_churn_stops_at_all_of_it() -> None:
    dunning = LEAKY.replace(involuntary_churn_share=0.3)
    assert improved(dunning, "Involuntary churn", step=0.05).effective_churn_rate == pytest.approx(0.03 * 0.7)


def test_with_segments_each_lever_moves_every_segments_rate() -> None:
    segments = [
        {
            "name": "SMB",
            "churn_rate": 0.05,
            "mrr_share": 0.5,
            "new_customer_share": 0.5,
            "new_customer_mrr": 500,
        },
        {
            "name": "Ent",
            "churn_rate": 0.005,
            "mrr_share": 0.5,
            "new_customer_share": 0.5,
            "new_customer_mrr": 500,
        },
    ]
    scenario = LEAKY.replace(segments=segments)
    better = improved(scenario, "Churn", step=0.01)
    assert [s.churn_rate for s in better.segments] == pytest.approx([0.04, 0.0])
    impacts = lever_impacts(scenario).set_index("lever")
    assert impacts.loc["Expansion", "mrr_gain"] > 0
    assert impacts.loc["Churn", "mrr_gain"] > 0


def test_recovering_failed_payments_raises_nrr() -> None:
    dunning = LEAKY.replace(involuntary_churn_share=0.4, involuntary_recovery_rate=0.5)
    assert dunning.monthly_nrr == pytest.approx(1 - 0.03 * 0.8 - 0.01 + 0.02)
    assert lever_impacts(dunning).set_index("lever").loc["Involuntary churn", "annual_nrr_gain"] > 0
