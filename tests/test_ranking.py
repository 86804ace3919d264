"""Which lever moves the business most: steps, the ranking, +10 points of NRR against acquisition."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import Scenario, project
from simulator.levers import RANKED
from simulator.ranking import improved, lever_impacts, nrr_versus_acquisition, with_annual_nrr
from simulator.summary import retention
from tests.examples import LEAKY
from tests.strategies import examples, scenarios


def test_each_lever_improves_by_the_step_in_points_and_stays_in_range() -> None:
    assert improved(LEAKY, "churn", step=0.01).scenario.churn_rate == pytest.approx(0.02)
    contraction = improved(LEAKY, "contraction", step=0.05)
    assert contraction.scenario.contraction_rate == 0.0 and contraction.clamped
    assert improved(LEAKY, "expansion", step=0.01).scenario.expansion_rate == pytest.approx(0.03)
    assert improved(LEAKY, "acquisition", step=0.01).scenario.new_customers_per_month == pytest.approx(10.1)
    with pytest.raises(ValueError, match="unknown lever 'price'"):
        improved(LEAKY, "price", step=0.01)


def test_a_relative_step_scales_each_lever_by_its_own_value() -> None:
    """--step 0.1: churn × 0.9, contraction × 0.9, expansion × 1.1, new customers × 1.1."""
    after = {key: improved(LEAKY, key, step=0.1, mode="relative").after for key in RANKED[:4]}
    assert after == pytest.approx(
        {"churn": 0.027, "contraction": 0.009, "expansion": 0.022, "acquisition": 11}
    )


def test_lever_impacts_are_ranked_biggest_gain_first_with_the_engines_projections() -> None:
    impacts = lever_impacts(LEAKY, step=0.01)
    assert set(impacts["lever"]) == {"churn", "contraction", "expansion", "acquisition"}
    assert impacts["mrr_gain"].is_monotonic_decreasing
    base = project(LEAKY).mrr_at(60)
    churn = impacts.set_index("lever").loc["churn"]
    assert churn["mrr_at_horizon"] == pytest.approx(project(LEAKY.replace(churn_rate=0.02)).mrr_at(60))
    assert churn["mrr_gain"] == pytest.approx(churn["mrr_at_horizon"] - base)
    # Monthly NRR 0.98 → 0.99: one point a month, 0.99^12 − 0.98^12 a year.
    assert churn["nrr_month_gain"] == pytest.approx(0.01)
    assert churn["annual_nrr_gain"] == pytest.approx(0.99**12 - 0.98**12)
    assert impacts.set_index("lever").loc["acquisition", "annual_nrr_gain"] == 0


def test_the_default_relative_ranking_has_no_tie_on_unequal_rates() -> None:
    impacts = lever_impacts(LEAKY, step=0.1, mode="relative").set_index("lever")
    # Churn ×0.9 cuts 0.3 points, contraction ×0.9 0.1 point, expansion ×1.1 adds 0.2 point:
    # monthly NRR gains of 0.003, 0.001 and 0.002.
    assert impacts["nrr_month_gain"].to_dict() == pytest.approx(
        {"churn": 0.003, "contraction": 0.001, "expansion": 0.002, "acquisition": 0.0}
    )
    gains = impacts["mrr_gain"]
    assert gains["churn"] > gains["expansion"] > gains["contraction"] > 0
    assert gains["churn"] == pytest.approx(
        project(LEAKY.replace(churn_rate=0.027)).mrr_at(60) - project(LEAKY).mrr_at(60)
    )


@settings(max_examples=examples(50))
@given(
    scenarios(max_months=60), st.floats(min_value=0.0, max_value=0.1), st.sampled_from(["points", "relative"])
)
def test_no_lever_improvement_ever_loses_mrr(scenario: Scenario, step: float, mode: str) -> None:
    impacts = lever_impacts(scenario, step=step, mode=mode)  # type: ignore[arg-type]
    # Float error grows with the money involved: a millionth of the largest MRR in play.
    scale = max(1.0, float(impacts["mrr_at_horizon"].max()), project(scenario).mrr_at(scenario.months))
    assert (impacts["mrr_gain"] >= -1e-9 * scale).all()


def test_ten_points_of_nrr_means_annual_nrr_ten_points_higher() -> None:
    target = retention(LEAKY).annual_nrr + 0.10
    better = with_annual_nrr(LEAKY, target)
    assert retention(better).annual_nrr == pytest.approx(target)
    assert better.churn_rate == LEAKY.churn_rate


def test_ten_points_of_nrr_with_segments_moves_the_blended_annual_nrr() -> None:
    scenario = LEAKY.replace(segments=SEGMENTS)
    target = retention(scenario).annual_nrr + 0.10
    assert retention(with_annual_nrr(scenario, target)).annual_nrr == pytest.approx(target, abs=1e-9)


def test_nrr_versus_acquisition_compares_on_the_users_scenario() -> None:
    table = nrr_versus_acquisition(LEAKY)
    assert table["change"].tolist() == [
        "+10 points of annual NRR",
        "+30% new customers",
        "+40% new customers",
    ]
    thirty = LEAKY.replace(new_customers_per_month=13)
    assert table["mrr_at_horizon"].iat[1] == pytest.approx(project(thirty).mrr_at(60))
    better = with_annual_nrr(LEAKY, retention(LEAKY).annual_nrr + 0.1)
    assert table["mrr_gain"].iat[0] == pytest.approx(project(better).mrr_at(60) - project(LEAKY).mrr_at(60))


def test_recovering_failed_payments_is_a_lever_only_when_part_of_churn_is_involuntary() -> None:
    assert "recovery" not in set(lever_impacts(LEAKY)["lever"])
    dunning = LEAKY.replace(involuntary_churn_share=0.3)
    impacts = lever_impacts(dunning, step=0.005).set_index("lever")
    better = improved(dunning, "recovery", step=0.005).scenario
    assert better.effective_churn_rate == pytest.approx(0.03 - 0.005)
    assert impacts.loc["recovery", "mrr_gain"] == pytest.approx(impacts.loc["churn", "mrr_gain"])


def test_recovering_failed_payments_stops_at_all_of_them() -> None:
    dunning = LEAKY.replace(involuntary_churn_share=0.3)
    move = improved(dunning, "recovery", step=0.05)
    assert move.scenario.effective_churn_rate == pytest.approx(0.03 * 0.7) and move.clamped


SEGMENTS = [
    {"name": "SMB", "churn_rate": 0.05, "mrr_share": 0.5, "new_customer_share": 0.5, "new_customer_mrr": 500},
    {
        "name": "Ent",
        "churn_rate": 0.005,
        "mrr_share": 0.5,
        "new_customer_share": 0.5,
        "new_customer_mrr": 500,
    },
]


def test_with_segments_each_lever_moves_every_segments_rate() -> None:
    scenario = LEAKY.replace(segments=SEGMENTS)
    better = improved(scenario, "churn", step=0.01)
    assert [s.churn_rate for s in better.scenario.segments] == pytest.approx([0.04, 0.0])
    assert better.before == pytest.approx(0.0275) and better.clamped
    relative = improved(scenario, "churn", step=0.1, mode="relative")
    assert [s.churn_rate for s in relative.scenario.segments] == pytest.approx([0.045, 0.0045])
    impacts = lever_impacts(scenario).set_index("lever")
    assert impacts.loc["expansion", "mrr_gain"] > 0
    assert impacts.loc["churn", "mrr_gain"] > 0


def test_recovering_failed_payments_raises_nrr() -> None:
    dunning = LEAKY.replace(involuntary_churn_share=0.4, involuntary_recovery_rate=0.5)
    assert dunning.monthly_nrr == pytest.approx(1 - 0.03 * 0.8 - 0.01 + 0.02)
    assert lever_impacts(dunning).set_index("lever").loc["recovery", "annual_nrr_gain"] > 0
