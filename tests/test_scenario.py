"""The scenario: validation at the boundary, and its JSON form."""

from __future__ import annotations

import pytest
from hypothesis import given

from simulator import Scenario, ScenarioError, from_dict, from_json, to_dict, to_json
from simulator.summary import retention
from tests.strategies import scenarios


def test_worked_example_one_gives_102_percent_monthly_nrr() -> None:
    """domain.md, worked example 1: 3% churn, 1% contraction, 6% expansion."""
    scenario = Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01, expansion_rate=0.06)
    assert scenario.monthly_nrr == pytest.approx(1.02, abs=1e-15)
    assert scenario.monthly_grr == pytest.approx(0.96, abs=1e-15)
    assert round(retention(scenario).annual_nrr, 3) == 1.268  # 1.02^12


def test_worked_example_four_is_above_100_percent_but_fragile() -> None:
    """domain.md, worked example 4: 5% churn and 8% expansion give 103% monthly NRR."""
    scenario = Scenario(starting_mrr=1, churn_rate=0.05, expansion_rate=0.08)
    assert scenario.monthly_nrr == pytest.approx(1.03)
    assert scenario.monthly_grr == pytest.approx(0.95)


def test_a_misspelt_field_is_refused_with_the_closest_name() -> None:
    with pytest.raises(ScenarioError, match=r"unknown field 'churn_rat'; did you mean 'churn_rate'\?"):
        from_dict({"starting_mrr": 100_000, "churn_rat": 0.03})


def test_an_unrelated_unknown_field_lists_the_valid_ones() -> None:
    with pytest.raises(ScenarioError, match=r"unknown field 'colour'; valid fields: starting_mrr, "):
        from_dict({"starting_mrr": 1, "colour": "red"})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("churn_rate", 1.5, r"churn_rate is 1.5, outside the allowed range \(0 to 1, as a fraction"),
        ("expansion_rate", -0.01, r"expansion_rate is -0.01, outside the allowed range \(0 to 1"),
        ("contraction_rate", float("nan"), r"contraction_rate must be a finite number \(0 to 1"),
        ("starting_mrr", float("inf"), r"starting_mrr must be a finite number \(0 to 1e\+12\), got inf"),
        ("starting_mrr", -5, r"starting_mrr is -5, outside the allowed range \(0 to 1e\+12\)"),
        ("new_customer_mrr", "500", r"new_customer_mrr must be a number, got '500'"),
        ("new_customers_per_month", True, r"new_customers_per_month must be a number, got True"),
        ("starting_customers", -1, r"starting_customers is -1, outside the allowed range"),
        (
            "acquisition_growth_rate",
            -1.0,
            r"acquisition_growth_rate is -1.0, outside the allowed range \(above -1 to 1",
        ),
        ("acquisition_growth_rate", 1.5, r"acquisition_growth_rate is 1.5"),
        ("months", 0, r"months is 0, outside the allowed range \(1 to 600\)"),
        ("months", 601, r"months is 601, outside the allowed range \(1 to 600\)"),
        ("months", 12.5, r"months must be a whole number from 1 to 600, got 12.5"),
        (
            "churned_size_multiple",
            0.1,
            r"churned_size_multiple is 0.1, outside the allowed range \(0.2 to 5\)",
        ),
        ("churned_size_multiple", 6, r"churned_size_multiple is 6, outside the allowed range \(0.2 to 5\)"),
        ("churned_size_multiple", None, r"churned_size_multiple must be a number, got None"),
    ],
)
def test_each_error_names_the_field_the_value_and_the_range(field: str, value: object, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        from_dict({"starting_mrr": 100_000, field: value})


def test_churn_and_contraction_together_cannot_exceed_all_of_the_mrr() -> None:
    with pytest.raises(ScenarioError, match=r"churn_rate \+ contraction_rate is 1.2"):
        Scenario(starting_mrr=1, churn_rate=0.7, contraction_rate=0.5)


def test_churn_and_contraction_may_together_lose_everything() -> None:
    assert Scenario(starting_mrr=1, churn_rate=0.7, contraction_rate=0.3).monthly_grr == pytest.approx(0)


def test_starting_mrr_is_required() -> None:
    with pytest.raises(ScenarioError, match=r"missing required field 'starting_mrr'"):
        from_dict({"churn_rate": 0.03})


def test_a_scenario_file_must_be_a_json_object() -> None:
    with pytest.raises(
        ScenarioError, match=r"the file holds a list, not a scenario; a scenario is a JSON object"
    ):
        from_json("[1, 2]")
    with pytest.raises(ScenarioError, match=r"not valid JSON: .* line 1, column"):
        from_json("{starting_mrr: 1}")


def test_whole_months_written_as_floats_are_stored_as_integers() -> None:
    scenario = from_dict({"starting_mrr": 1, "months": 24.0})
    assert scenario.months == 24
    assert isinstance(scenario.months, int)


def test_replace_validates_the_new_values() -> None:
    scenario = Scenario(starting_mrr=1)
    assert scenario.replace(churn_rate=0.1).churn_rate == 0.1
    with pytest.raises(ScenarioError, match="churn_rate is 2"):
        scenario.replace(churn_rate=2)


@given(scenarios())
def test_json_round_trip_gives_the_same_scenario(scenario: Scenario) -> None:
    assert from_json(to_json(scenario)) == scenario
    assert from_dict(to_dict(scenario)) == scenario


def test_unit_economics_are_optional_and_checked() -> None:
    scenario = Scenario(starting_mrr=1_000, cac=1_500, gross_margin=0.8)
    assert (scenario.cac, scenario.gross_margin) == (1_500, 0.8)
    assert Scenario(starting_mrr=1_000).cac is None
    with pytest.raises(ScenarioError, match=r"gross_margin is 0, outside the allowed range \(above 0 to 1"):
        Scenario(starting_mrr=1_000, gross_margin=0)
    with pytest.raises(ScenarioError, match="cac is -1"):
        Scenario(starting_mrr=1_000, cac=-1)


def test_a_file_without_a_churned_size_has_average_sized_churned_customers() -> None:
    """Files written before the field existed read as before: logo churn is revenue churn."""
    scenario = from_json('{"starting_mrr": 100000, "churn_rate": 0.03}')
    assert scenario.churned_size_multiple == 1.0


def test_the_churned_size_goes_through_a_scenario_file_and_back() -> None:
    scenario = Scenario(starting_mrr=100_000, churn_rate=0.03, churned_size_multiple=0.5)
    assert to_dict(scenario)["churned_size_multiple"] == 0.5
    assert from_json(to_json(scenario)) == scenario
