"""The yearly ARR bridge (simulator/arr.py): the identity, hand-computed years, an export's years.

Reference values: worked example 1 of domain.md with 5 new customers a month
at $2,000 (MRR at month t is 600,000 × 1.02^t − 500,000, in closed form) and
the metrics of an export, whose monthly flows the years add up.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings

from simulator.arr import ARR_BRIDGE_COLUMNS, export_bridge, rebuilt_ending_arr, scenario_bridge
from simulator.export import read_export
from simulator.metrics import analyse, quick_ratio
from simulator.projection import project
from simulator.sample_data import generate_export
from simulator.scenario import Scenario
from tests.examples import WORKED_EXAMPLE
from tests.strategies import examples, refined_scenarios, within


def test_the_first_year_of_the_worked_example_by_hand() -> None:
    year = scenario_bridge(project(WORKED_EXAMPLE)).iloc[0]
    assert (year["year"], year["months"], year["first_month"], year["last_month"]) == ("Year 1", 12, 1, 12)
    assert year["starting_arr"] == pytest.approx(1_200_000, rel=1e-12)
    assert year["new_arr"] == pytest.approx(12 * 12 * 10_000, rel=1e-12)
    assert year["reactivation_arr"] == 0
    assert year["ending_arr"] == pytest.approx(12 * (600_000 * 1.02**12 - 500_000), rel=1e-12)
    base = 600_000 * (1.02**12 - 1) / 0.02 - 6_000_000  # the year's starting MRRs added up
    assert year["expansion_arr"] == pytest.approx(12 * 0.06 * base, rel=1e-12)
    assert year["churned_arr"] == pytest.approx(12 * 0.03 * base, rel=1e-12)
    assert year["contraction_arr"] == pytest.approx(12 * 0.01 * base, rel=1e-12)


def test_a_horizon_that_is_not_whole_years_ends_with_a_short_year() -> None:
    bridge = scenario_bridge(project(WORKED_EXAMPLE.replace(months=30)))
    assert tuple(bridge.columns) == ARR_BRIDGE_COLUMNS
    assert bridge["year"].tolist() == ["Year 1", "Year 2", "Year 3"]
    assert bridge["months"].tolist() == [12, 12, 6]
    assert bridge["last_month"].tolist() == [12, 24, 30]
    # Each year starts where the one before ended.
    assert bridge["starting_arr"].iloc[1:].tolist() == pytest.approx(bridge["ending_arr"].iloc[:-1].tolist())


@settings(max_examples=examples(50))
@given(refined_scenarios(max_months=48))
def test_every_years_bridge_balances_start_plus_flows_equals_end(scenario: Scenario) -> None:
    bridge = scenario_bridge(project(scenario))
    flows = bridge[["starting_arr", "new_arr", "expansion_arr", "contraction_arr", "churned_arr"]]
    assert within(rebuilt_ending_arr(bridge), bridge["ending_arr"], scale=flows.abs().sum(axis=1))
    assert bridge["months"].sum() == scenario.months
    assert (bridge[["new_arr", "expansion_arr", "contraction_arr", "churned_arr"]] >= 0).all().all()


def test_an_exports_years_run_back_from_its_last_month_and_add_up_its_months() -> None:
    metrics = analyse(read_export(generate_export(200, months=30).to_csv(index=False).encode()))
    monthly = metrics.monthly
    bridge = export_bridge(monthly)
    # 29 months of flows (the first month has none): 5, then 12, then 12, back from 2025-06.
    assert bridge["months"].tolist() == [5, 12, 12]
    assert bridge["year"].tolist() == ["Year to 2023-06", "Year to 2024-06", "Year to 2025-06"]
    assert bridge["first_month"].tolist() == ["2023-02", "2023-07", "2024-07"]
    last_year = monthly.iloc[-12:]
    assert bridge["starting_arr"].iat[-1] == pytest.approx(12 * monthly["ending_mrr"].iat[-13])
    assert bridge["ending_arr"].iat[-1] == pytest.approx(12 * monthly["ending_mrr"].iat[-1])
    for flow in ("new", "reactivation", "expansion", "contraction", "churned"):
        assert bridge[f"{flow}_arr"].iat[-1] == pytest.approx(12 * last_year[f"{flow}_mrr"].sum(), rel=1e-12)
    assert bridge["quick_ratio"].iat[-1] == pytest.approx(
        float(
            quick_ratio(
                new=last_year["new_mrr"].sum(),
                reactivation=last_year["reactivation_mrr"].sum(),
                expansion=last_year["expansion_mrr"].sum(),
                contraction=last_year["contraction_mrr"].sum(),
                churned=last_year["churned_mrr"].sum(),
            )
        )
    )
    # Exports are in cents: the identity holds to the cent of each of a year's months, times 12.
    assert rebuilt_ending_arr(bridge).to_numpy() == pytest.approx(
        bridge["ending_arr"].to_numpy(), abs=12 * 12 * 0.01
    )


def test_an_export_of_one_month_has_no_year() -> None:
    monthly = pd.DataFrame(
        {
            "month": ["2024-01"],
            "ending_mrr": [10.0],
            **{
                f"{flow}_mrr": [0.0]
                for flow in ("new", "reactivation", "expansion", "contraction", "churned")
            },
        }
    )
    assert export_bridge(monthly).empty
