"""Goal seek against closed forms of the core model; its sentence (report.ranking.goal_text), MRR and ARR."""

from __future__ import annotations

import pytest

from report.ranking import goal_text
from report.revenue import ARR
from simulator import Scenario, project
from simulator.goal_seek import next_target, seek
from simulator.summary import retention

LEAKY = Scenario(
    starting_mrr=100_000,
    churn_rate=0.03,
    contraction_rate=0.01,
    new_customers_per_month=10,
    new_customer_mrr=500,
)


def test_the_expansion_for_an_annual_nrr_is_the_closed_form() -> None:
    """Monthly NRR must be 1.10^(1/12), so expansion = 1.10^(1/12) − GRR."""
    result = seek(LEAKY, "expansion_rate", annual_nrr=1.10)
    assert result.value == pytest.approx(1.10 ** (1 / 12) - 0.96, abs=1e-9)
    assert "needs monthly expansion of 4.80%" in goal_text(result, currency="$")


def test_the_churn_for_an_annual_nrr_is_the_closed_form() -> None:
    scenario = LEAKY.replace(expansion_rate=0.05)
    result = seek(scenario, "churn_rate", annual_nrr=1.05)
    assert result.value == pytest.approx(1 - 0.01 + 0.05 - 1.05 ** (1 / 12), abs=1e-9)


def test_the_acquisition_for_an_mrr_target_is_the_closed_form() -> None:
    """MRR(24) = M0 r^24 + a (1 − r^24)/(1 − r): solve for the new customers behind a."""
    r = LEAKY.monthly_nrr
    per_customer = 500 * (1 - r**24) / (1 - r)
    expected = (300_000 - 100_000 * r**24) / per_customer
    result = seek(LEAKY, "new_customers_per_month", mrr=300_000, by_month=24)
    assert result.value == pytest.approx(expected, rel=1e-9)
    assert project(LEAKY.replace(new_customers_per_month=result.value)).mrr_at(24) == pytest.approx(300_000)


def test_an_unreachable_target_says_so_with_the_best_the_lever_can_do() -> None:
    result = seek(LEAKY, "churn_rate", annual_nrr=1.10)
    assert result.value is None
    assert result.best == pytest.approx(0.99**12)
    said = goal_text(result, currency="$")
    assert said.startswith("No monthly churn in range reaches an annual NRR of 110.0%")
    assert "at most 88.6% annual NRR (at 0.00%)" in said


def test_goal_seek_respects_the_other_levers() -> None:
    result = seek(LEAKY.replace(contraction_rate=0.3), "churn_rate", annual_nrr=0.01)
    assert result.value is not None and result.value <= 0.7


def test_goal_seek_needs_exactly_one_target_and_a_known_lever() -> None:
    with pytest.raises(ValueError, match="give one target"):
        seek(LEAKY, "churn_rate")
    with pytest.raises(ValueError, match="goal seek cannot move 'months'"):
        seek(LEAKY, "months", annual_nrr=1.0)


def test_the_annual_nrr_goal_seek_reaches_is_a_full_year_even_for_short_horizons() -> None:
    short = LEAKY.replace(months=3)
    result = seek(short, "expansion_rate", annual_nrr=1.0)
    assert result.value is not None
    assert (1 - 0.03 - 0.01 + result.value) ** 12 == pytest.approx(1.0)
    assert retention(short.replace(expansion_rate=result.value)).annual_nrr == pytest.approx(1.0)


def test_with_segments_a_rate_moves_every_segment_by_the_same_points() -> None:
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
            "churn_rate": 0.01,
            "mrr_share": 0.5,
            "new_customer_share": 0.5,
            "new_customer_mrr": 500,
        },
    ]
    scenario = LEAKY.replace(segments=segments, new_customers_per_month=0, contraction_rate=0.0)
    result = seek(scenario, "expansion_rate", annual_nrr=1.0)
    assert result.value is not None
    assert "every segment's monthly expansion moved by" in goal_text(result, currency="$")
    moved = scenario.replace(segments=[{**s, "expansion_rate": result.value} for s in segments])
    # Today's customers a year later: half at (0.95 + e)^12, half at (0.99 + e)^12.
    e = result.value
    assert 0.5 * (0.95 + e) ** 12 + 0.5 * (0.99 + e) ** 12 == pytest.approx(1.0, abs=1e-9)
    assert retention(moved).annual_nrr == pytest.approx(1.0, abs=1e-9)


def test_money_in_the_sentence_carries_the_currency() -> None:
    result = seek(LEAKY, "new_customers_per_month", mrr=300_000, by_month=24)
    assert goal_text(result, currency="€").startswith("MRR of €300,000 by month 24 needs")


def test_an_arr_target_is_a_twelfth_of_it_in_mrr_and_is_said_in_arr() -> None:
    """ARR 3.6M by month 24 is MRR 300k then: the page seeks 300k and says it in ARR."""
    result = seek(LEAKY, "new_customers_per_month", mrr=3_600_000 / 12, by_month=24)
    said = goal_text(result, currency="$", shown=ARR)
    assert said.startswith("ARR of $3,600,000 by month 24 needs new customers a month of ")


def test_an_unreachable_arr_target_gives_the_best_in_arr() -> None:
    result = seek(LEAKY, "churn_rate", mrr=1_000_000, by_month=12)
    assert result.value is None
    best_mrr = project(LEAKY.replace(churn_rate=0.0), months=12).mrr_at(12)
    assert result.best == pytest.approx(best_mrr)  # the engine's figure stays MRR; the sentence is ARR
    assert f"at most ${12 * best_mrr:,.0f} ARR (at 0.00%)" in goal_text(result, currency="$", shown=ARR)


def test_goal_seek_refuses_two_targets() -> None:
    with pytest.raises(ValueError, match="give one target"):
        seek(LEAKY, "churn_rate", mrr=1.0, annual_nrr=1.0, by_month=3)


def test_a_target_the_scenario_already_beats_is_said_to_make_it_worse() -> None:
    """Worked example 1 keeps 126.8% a year: 110% needs less expansion, 4.80% instead of 6.00%."""
    worked = LEAKY.replace(expansion_rate=0.06)
    result = seek(worked, "expansion_rate", annual_nrr=1.10)
    assert result.worse and result.value == pytest.approx(1.10 ** (1 / 12) - 0.96, abs=1e-9)
    said = goal_text(result, currency="$")
    assert said.endswith(
        "That is less expansion than today's 6.00%: your scenario already beats this target, so applying "
        "it would make the scenario worse."
    )
    assert not seek(LEAKY, "expansion_rate", annual_nrr=1.10).worse


def test_the_next_target_is_above_today_the_stages_top_quartile_or_the_next_tier() -> None:
    """$1.2M ARR is the $1M–10M stage (top quartile 106%); past it the next tier (115%, 130%);
    past every tier five points up."""
    assert next_target(0.982, arr=1.2e6) == 1.06
    assert next_target(1.06, arr=1.2e6) == 1.15
    assert next_target(1.268, arr=1.2e6) == 1.30
    assert next_target(1.31, arr=1.2e6) == 1.36
    assert next_target(1.10, arr=150e6) == 1.25  # $100M+: top quartile 125%
