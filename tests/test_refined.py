"""The refined model: each refinement against a closed form, and invariants under hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import PROJECTION_COLUMNS, Scenario, ScenarioError, from_json, project, to_json
from simulator.refined import early_churn
from tests.strategies import examples, scenarios

BASE = Scenario(
    starting_mrr=100_000,
    starting_customers=200,
    churn_rate=0.03,
    contraction_rate=0.01,
    expansion_rate=0.05,
    new_customers_per_month=10,
    new_customer_mrr=500,
    acquisition_growth_rate=0.01,
    months=48,
)
CORE = project(BASE).table
CLI_COLUMNS = [c for c in PROJECTION_COLUMNS if c != "month"]


def same_as_core(scenario: Scenario) -> None:
    table = project(scenario).table
    assert table[CLI_COLUMNS].to_numpy() == pytest.approx(CORE[CLI_COLUMNS].to_numpy(), rel=1e-9, nan_ok=True)


def one_segment(**changes: float) -> dict[str, object]:
    segment: dict[str, object] = {
        "name": "All",
        "churn_rate": 0.03,
        "contraction_rate": 0.01,
        "expansion_rate": 0.05,
        "mrr_share": 1.0,
        "new_customer_share": 1.0,
        "new_customer_mrr": 500.0,
    }
    return {**segment, **changes}


def test_refinements_at_their_defaults_are_the_core_model_exactly() -> None:
    assert BASE.is_core
    explicit = BASE.replace(
        segments=[],
        early_churn_multiple=1.0,
        early_churn_months=0,
        involuntary_churn_share=0.3,
        involuntary_recovery_rate=0.0,
        annual_plan_share=0.0,
        expansion_ceiling=None,
    )
    assert explicit.is_core
    assert project(explicit).table.equals(CORE)


def test_one_segment_with_the_same_levers_is_the_core_model() -> None:
    same_as_core(BASE.replace(segments=[one_segment()]))


def test_segments_that_are_copies_of_each_other_add_up_to_the_core_model() -> None:
    halves = [
        one_segment(name="A", mrr_share=0.5, new_customer_share=0.5),
        one_segment(name="B", mrr_share=0.5, new_customer_share=0.5),
    ]
    projection = project(BASE.replace(segments=halves))
    same_as_core(BASE.replace(segments=halves))
    assert set(projection.segments) == {"A", "B"}
    assert projection.segments["A"]["mrr"].to_numpy() == pytest.approx(CORE["mrr"].to_numpy() / 2)


def test_blended_nrr_drifts_toward_the_segment_that_grows() -> None:
    segments = [
        one_segment(name="SMB", churn_rate=0.05, expansion_rate=0.0, mrr_share=0.5, new_customer_share=0.5),
        one_segment(
            name="Enterprise", churn_rate=0.0, expansion_rate=0.03, mrr_share=0.5, new_customer_share=0.5
        ),
    ]
    table = project(BASE.replace(segments=segments, new_customers_per_month=0)).table
    assert table["nrr_month"].iat[1] == pytest.approx(1 - 0.01 + 0.5 * (-0.05) + 0.5 * 0.03)
    assert table["nrr_month"].is_monotonic_increasing or table["nrr_month"].iloc[1:].is_monotonic_increasing


def test_segment_shares_must_add_up_to_one() -> None:
    with pytest.raises(
        ScenarioError, match=r"the segments' mrr_share values add up to 0.5; they must add up to 1"
    ):
        BASE.replace(segments=[one_segment(mrr_share=0.5)])


def test_segment_errors_name_the_segment_and_field() -> None:
    with pytest.raises(ScenarioError, match=r"segment 'All': churn_rate is 2, outside the allowed range"):
        BASE.replace(segments=[one_segment(churn_rate=2)])
    with pytest.raises(ScenarioError, match=r"segment 1: unknown field 'churn'; did you mean 'churn_rate'\?"):
        BASE.replace(segments=[{"name": "x", "churn": 0.1}])
    with pytest.raises(ScenarioError, match=r"at most 6 are allowed"):
        BASE.replace(
            segments=[one_segment(name=str(i), mrr_share=1 / 7, new_customer_share=1 / 7) for i in range(7)]
        )


def test_a_scenario_with_segments_round_trips_through_json() -> None:
    scenario = BASE.replace(segments=[one_segment()], expansion_ceiling=3.0, annual_plan_share=0.25)
    assert from_json(to_json(scenario)) == scenario


def test_a_ceiling_of_one_means_no_expansion_at_all() -> None:
    table = project(BASE.replace(expansion_ceiling=1.0)).table
    assert (table["expansion_mrr"] == 0).all()
    assert table["nrr_month"].iloc[1:].to_numpy() == pytest.approx(table["grr_month"].iloc[1:].to_numpy())


def test_a_very_high_ceiling_changes_nothing() -> None:
    same_as_core(BASE.replace(expansion_ceiling=100.0))


def test_with_a_ceiling_nrr_falls_back_toward_grr_as_cohorts_age() -> None:
    table = project(BASE.replace(expansion_ceiling=1.5, new_customers_per_month=0)).table
    gap = (table["nrr_month"] - table["grr_month"]).iloc[1:]
    assert gap.iat[0] == pytest.approx(0.05)
    assert gap.iat[-1] == pytest.approx(0.0, abs=1e-12)
    assert (np.diff(gap.to_numpy()) <= 1e-12).all()  # never widens again


def test_all_monthly_plans_change_nothing_and_all_annual_plans_smooth_only_the_trailing_figure() -> None:
    same_as_core(BASE.replace(annual_plan_share=0.0, expansion_ceiling=100.0))
    table = project(BASE.replace(annual_plan_share=1.0, new_customers_per_month=0)).table
    # Only a twelfth of the base renews each month, with a year's worth of losses.
    year_kept = (1 - 0.03 - 0.01) ** 12
    assert table["grr_month"].iat[1] == pytest.approx(1 - (1 - year_kept) / 12)
    assert table["nrr_trailing_12"].iloc[12:].std() < 1e-3


def test_annual_plans_of_new_customers_only_lose_money_in_their_renewal_month() -> None:
    scenario = BASE.replace(
        starting_mrr=0, starting_customers=0, annual_plan_share=1.0, acquisition_growth_rate=0, months=25
    )
    projection = project(scenario)
    cohort = projection.cohort_mrr[1]  # acquired at the end of month 1: age a in month 1 + a
    growth = cohort[2:13] / cohort[1:12]
    assert growth == pytest.approx(np.full(11, 1.05))  # ages 1..11: upsells only, no losses
    # Age 12, the renewal: a year's worth of churn and contraction, plus the month's expansion.
    assert cohort[13] / cohort[12] == pytest.approx((1 - 0.03 - 0.01) ** 12 + 0.05)
    assert cohort[14] / cohort[13] == pytest.approx(1.05)


def test_early_life_churn_fades_from_the_multiple_to_the_base_rate() -> None:
    scenario = BASE.replace(early_churn_multiple=3.0, early_churn_months=3)
    assert early_churn(scenario, np.arange(1, 6)) == pytest.approx([3, 7 / 3, 5 / 3, 1, 1])


def test_early_life_churn_opens_a_gap_between_trailing_nrr_and_monthly_nrr_to_the_12th() -> None:
    table = project(BASE.replace(early_churn_multiple=3.0, early_churn_months=6)).table
    # The starting base is established: month 1 is the core rate.
    assert table["nrr_month"].iat[1] == pytest.approx(BASE.monthly_nrr)
    assert table["nrr_trailing_12"].iat[-1] < BASE.monthly_nrr**12
    assert table["mrr"].iat[-1] < CORE["mrr"].iat[-1]


def test_recovering_involuntary_churn_lowers_churn_by_share_times_recovery() -> None:
    scenario = BASE.replace(involuntary_churn_share=0.4, involuntary_recovery_rate=0.5)
    assert scenario.effective_churn_rate == pytest.approx(0.03 * 0.8)
    assert project(scenario).table["churned_mrr"].iat[1] == pytest.approx(100_000 * 0.024)


refinements = st.fixed_dictionaries(
    {
        "early_churn_multiple": st.floats(1.0, 10.0),
        "early_churn_months": st.integers(0, 36),
        "involuntary_churn_share": st.floats(0.0, 1.0),
        "involuntary_recovery_rate": st.floats(0.0, 1.0),
        "annual_plan_share": st.floats(0.0, 1.0),
        "expansion_ceiling": st.one_of(st.none(), st.floats(1.0, 100.0)),
    }
)


@settings(max_examples=examples(60), deadline=None)
@given(scenarios(max_months=60), refinements)
def test_refined_projections_balance_and_stay_finite(scenario: Scenario, changes: dict[str, object]) -> None:
    projection = project(scenario.replace(**changes))
    table = projection.table
    previous = table["mrr"].shift(1, fill_value=table["mrr"].iat[0])
    rebuilt = (
        previous + table["new_mrr"] + table["expansion_mrr"] - table["contraction_mrr"] - table["churned_mrr"]
    )
    assert rebuilt.to_numpy() == pytest.approx(table["mrr"].to_numpy(), rel=1e-9, abs=1e-6)
    assert not np.isinf(table.to_numpy(dtype=float)).any()
    assert (table[["grr_month", "grr_trailing_12"]].fillna(0) <= 1 + 1e-9).all().all()
    assert (table[["churned_mrr", "contraction_mrr", "expansion_mrr"]] >= -1e-9).all().all()
    assert projection.cohort_mrr.sum(axis=0) == pytest.approx(table["mrr"].to_numpy(), rel=1e-9, abs=1e-6)


@settings(max_examples=examples(40), deadline=None)
@given(scenarios(max_months=48), refinements, st.floats(0.0, 0.1))
def test_lower_churn_never_gives_less_mrr_with_refinements(
    scenario: Scenario, changes: dict[str, object], step: float
) -> None:
    refined = scenario.replace(**changes)
    better = refined.replace(churn_rate=max(refined.churn_rate - step, 0.0))
    before, after = project(refined).table["mrr"].to_numpy(), project(better).table["mrr"].to_numpy()
    assert (after >= before * (1 - 1e-9) - 1e-6).all()
