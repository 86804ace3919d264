"""Which lever moves the business most: steps, the ranking in every mode, all levers together, costs,
+10 points of NRR against acquisition."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import Scenario, project
from simulator.levers import RANKED
from simulator.ranking import improved, rank
from simulator.summary import retention
from simulator.tradeoff import nrr_versus_acquisition, with_annual_nrr
from simulator.upside import Costs
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


def lever_impacts(scenario: Scenario, *, step: float = 0.01, mode: str = "points") -> pd.DataFrame:
    return rank(scenario, mode=mode, step=step).table  # type: ignore[arg-type]


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
    impacts = lever_impacts(scenario, step=step, mode=mode)
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


def test_a_relative_step_recovers_that_share_of_the_failed_payments_still_lost() -> None:
    """Hand-computed: 40% of LEAKY's 3% churn is failed payments and half of them are recovered, so
    50% are still lost; the default step (10%) leaves 50% × 0.9 = 45% lost, 55% recovered (not
    50% + 10 points = 60%). Effective churn goes from 0.03 × (1 − 0.4 × 0.5) = 0.024 to
    0.03 × (1 − 0.4 × 0.55) = 0.0234: monthly NRR 0.06 points higher."""
    dunning = LEAKY.replace(involuntary_churn_share=0.4, involuntary_recovery_rate=0.5)
    move = improved(dunning, "recovery", step=0.1, mode="relative")
    assert move.after == pytest.approx(0.55) and not move.clamped
    assert move.scenario.effective_churn_rate == pytest.approx(0.0234)
    row = rank(dunning, mode="relative").table.set_index("key").loc["recovery"]
    assert (row["before"], row["after"]) == pytest.approx((0.5, 0.55))
    assert row["nrr_month_gain"] == pytest.approx(0.0006)


@settings(max_examples=examples(50))
@given(
    st.floats(0.01, 1.0),
    st.floats(0.0, 1.0),
    st.floats(0.001, 1.0),
)
def test_a_relative_step_on_recovery_cuts_the_failed_payments_still_lost_by_the_step_and_stays_in_range(
    share: float, recovery: float, step: float
) -> None:
    """Whatever is recovered already, ``step`` of what is still lost is won back: (1 − after) =
    (1 − before) × (1 − step), so the share recovered never passes 100% and is never held there."""
    dunning = LEAKY.replace(involuntary_churn_share=share, involuntary_recovery_rate=recovery)
    move = improved(dunning, "recovery", step=step, mode="relative")
    assert 1.0 - move.after == pytest.approx((1.0 - recovery) * (1.0 - step), rel=1e-9, abs=1e-12)
    assert not move.clamped


# The modes of issue 11: same effort (relative), target, tactic; all together; costs.

#: domain.md's worked example 1 as a base alone: 3% churn, 1% contraction, 6% expansion, nothing new.
BASE_ONLY = Scenario(
    starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01, expansion_rate=0.06, months=36
)


def test_same_effort_is_ten_percent_of_each_lever_and_its_gains_are_the_closed_form() -> None:
    """Without new customers, MRR at month n is M0 × monthly NRR ^ n: churn ×0.9 makes NRR 1.023,
    contraction ×0.9 1.021, expansion ×1.1 1.026."""
    table = rank(BASE_ONLY, mode="relative").table.set_index("lever")
    now = 100_000 * 1.02**36
    assert table.loc["expansion", "mrr_gain"] == pytest.approx(100_000 * 1.026**36 - now)
    assert table.loc["churn", "mrr_gain"] == pytest.approx(100_000 * 1.023**36 - now)
    assert table.loc["contraction", "mrr_gain"] == pytest.approx(100_000 * 1.021**36 - now)
    assert table.loc["acquisition", "mrr_gain"] == 0
    assert list(table.index) == ["expansion", "churn", "contraction", "acquisition"]
    assert table["nrr_month_gain"].to_dict() == pytest.approx(
        {"expansion": 0.006, "churn": 0.003, "contraction": 0.001, "acquisition": 0.0}
    )
    assert table.loc["churn", "change"] == pytest.approx(-0.1)


def test_headroom_moves_each_lever_to_its_stages_top_quartile_and_its_gains_are_the_closed_form() -> None:
    """$100,000 MRR is $1.2M ARR: the $1M–10M stage, whose top quartile (NRR 106%, GRR 92%, three
    quarters of losses churn) has monthly losses 1 − 0.92^(1/12) = 0.6924%: churn 0.5193%,
    contraction 0.1731%, expansion 1.06^(1/12) − (1 − 0.6924%) = 1.1791%. Churn (3%) and contraction
    (1%) are behind: each moves there alone; expansion (6%) is already ahead and stays. Without new
    customers MRR at month 36 is 100,000 × monthly NRR^36."""
    ranking = rank(BASE_ONLY)
    table = ranking.table.set_index("lever")
    losses = 1 - 0.92 ** (1 / 12)
    churn, contraction = 0.75 * losses, 0.25 * losses
    assert (ranking.mode, ranking.stage) == ("headroom", "$1M–10M ARR")
    assert table["after"].to_dict() == pytest.approx(
        {"churn": churn, "contraction": contraction, "expansion": 0.06}
    )
    now = 100_000 * 1.02**36
    assert table.loc["churn", "mrr_gain"] == pytest.approx(100_000 * (1 - churn - 0.01 + 0.06) ** 36 - now)
    assert table.loc["contraction", "mrr_gain"] == pytest.approx(
        100_000 * (1 - 0.03 - contraction + 0.06) ** 36 - now
    )
    assert table.loc["expansion", "mrr_gain"] == 0.0
    assert list(table.index) == ["churn", "contraction", "expansion"]
    assert ranking.together is not None
    assert ranking.together["mrr_gain"] == pytest.approx(
        100_000 * (1 - churn - contraction + 0.06) ** 36 - now
    )


def test_headroom_compares_with_the_stage_the_arr_falls_in_or_the_one_chosen() -> None:
    """$12.5M MRR is $150M ARR: $100M+, whose top quartile (NRR 125%, GRR 96%) expands 2.2165% a month."""
    big = BASE_ONLY.replace(starting_mrr=12_500_000, expansion_rate=0.01)
    assert rank(big).stage == "$100M+ ARR"
    expansion = rank(big).table.set_index("lever").loc["expansion", "after"]
    assert expansion == pytest.approx(1.25 ** (1 / 12) - 0.96 ** (1 / 12))
    assert rank(big, stage="$1M–10M ARR").stage == "$1M–10M ARR"
    with pytest.raises(ValueError, match="unknown stage 'Seed'"):
        rank(big, stage="Seed")


@settings(max_examples=examples(30))
@given(scenarios(max_months=48))
def test_headroom_never_loses_mrr_and_leaves_a_lever_already_at_its_peers_where_it_is(
    scenario: Scenario,
) -> None:
    ranking = rank(scenario)
    scale = max(1.0, float(ranking.table["mrr_at_horizon"].max()), project(scenario).mrr_at(scenario.months))
    assert (ranking.table["mrr_gain"] >= -1e-9 * scale).all()
    unmoved = ranking.table[ranking.table["after"] == ranking.table["before"]]
    assert (unmoved["mrr_gain"].abs() <= 1e-9 * scale).all()


def test_all_levers_together_compound_beyond_each_alone_added_up() -> None:
    """Together: monthly NRR 1 − 0.027 − 0.009 + 0.066 = 1.03, and new customers × 1.1."""
    ranking = rank(LEAKY, mode="relative")
    together = LEAKY.replace(
        churn_rate=0.027, contraction_rate=0.009, expansion_rate=0.022, new_customers_per_month=11
    )
    expected = project(together).mrr_at(60) - project(LEAKY).mrr_at(60)
    assert ranking.together is not None
    assert ranking.together["mrr_gain"] == pytest.approx(expected)
    assert ranking.together["nrr_month_gain"] == pytest.approx(0.006)
    assert ranking.together["sum_alone"] == pytest.approx(ranking.table["mrr_gain"].sum())
    assert ranking.together["mrr_gain"] > ranking.together["sum_alone"]
    assert ranking.scenarios["together"].churn_rate == pytest.approx(0.027)


def test_each_rows_scenario_is_the_one_its_figures_come_from() -> None:
    ranking = rank(LEAKY, mode="points", step=0.01)
    for row in ranking.table.to_dict("records"):
        moved = ranking.scenarios[row["key"]]
        assert project(moved).mrr_at(60) == pytest.approx(row["mrr_at_horizon"])


def test_to_a_target_each_lever_alone_reaches_it_and_the_easiest_comes_first() -> None:
    """Closed form: annual NRR 1.06 needs monthly NRR 1.06^(1/12); with contraction 1% and expansion
    2%, churn must be 1 − 0.01 + 0.02 − 1.06^(1/12); with churn 3%, expansion 1.06^(1/12) − 0.96."""
    monthly = 1.06 ** (1 / 12)
    ranking = rank(LEAKY, mode="target", target_nrr=1.06)
    table = ranking.table.set_index("lever")
    assert table.loc["churn", "after"] == pytest.approx(1 - 0.01 + 0.02 - monthly, abs=1e-9)
    assert table.loc["expansion", "after"] == pytest.approx(monthly - 0.96, abs=1e-9)
    for lever in ("churn", "expansion"):
        assert table.loc[lever, "reaches"] and not table.loc[lever, "clamped"]
        assert retention(ranking.scenarios[lever]).annual_nrr == pytest.approx(1.06, abs=1e-9)
    # Contraction at 0% leaves monthly NRR at 0.99: it cannot get there alone, and says so.
    assert not table.loc["contraction", "reaches"] and table.loc["contraction", "clamped"]
    assert table.loc["contraction", "after"] == 0
    # Easiest first: churn −83% before expansion +124%; the lever that cannot comes last.
    assert ranking.table["lever"].tolist()[-1] == "contraction"
    assert ranking.table["lever"].tolist().index("churn") < ranking.table["lever"].tolist().index("expansion")
    assert ranking.together is None


def test_to_a_target_acquisition_matches_the_mrr_of_expansions_route() -> None:
    ranking = rank(LEAKY, mode="target", target_nrr=1.06)
    table = ranking.table.set_index("lever")
    assert table.loc["acquisition", "nrr_month_gain"] == 0
    assert table.loc["acquisition", "mrr_at_horizon"] == pytest.approx(
        table.loc["expansion", "mrr_at_horizon"], rel=1e-9
    )
    assert table.loc["acquisition", "after"] > 10


def test_to_a_target_already_reached_moves_nothing() -> None:
    table = rank(BASE_ONLY, mode="target", target_nrr=1.06).table
    assert (table["before"] == table["after"]).all()
    assert (table["mrr_gain"] == 0).all()


def test_target_mode_needs_a_target_and_modes_are_checked_by_name() -> None:
    with pytest.raises(ValueError, match="target mode needs a target annual NRR"):
        rank(LEAKY, mode="target")
    with pytest.raises(ValueError, match="unknown mode 'best'"):
        rank(LEAKY, mode="best")  # type: ignore[arg-type]


def test_tactics_each_move_one_lever_by_their_stated_size() -> None:
    table = rank(LEAKY, mode="tactic").table.set_index("key")
    # 30% of churn is failed payments; dunning wins back half: churn × 0.85.
    assert table.loc["dunning", "after"] == pytest.approx(0.03 * 0.85)
    # A pause/downgrade flow keeps 10% of the 70% that cancel on purpose: churn × 0.93.
    assert table.loc["cancel_flow", "after"] == pytest.approx(0.03 * 0.93)
    assert table.loc["packaging", "after"] == pytest.approx(0.01 * 0.8)
    assert table.loc["upgrade_prompts", "after"] == pytest.approx(0.02 * 1.2)
    assert table["lever"].to_dict() == {
        "dunning": "churn",
        "cancel_flow": "churn",
        "packaging": "contraction",
        "upgrade_prompts": "expansion",
    }


def test_dunning_raises_the_share_recovered_when_the_advanced_model_sets_failed_payments() -> None:
    scenario = LEAKY.replace(involuntary_churn_share=0.4, involuntary_recovery_rate=0.2)
    row = rank(scenario, mode="tactic").table.set_index("key").loc["dunning"]
    assert row["lever"] == "recovery"
    assert row["after"] == pytest.approx(0.2 + 0.8 * 0.5)


def test_costs_give_mrr_per_money_spent_and_payback() -> None:
    """Acquisition +10% of 10 a month for 60 months: 60 extra customers at a CAC of 1,000."""
    ranking = rank(LEAKY, mode="relative", costs=Costs(cac=1_000, retention_per_month=500))
    table = ranking.table.set_index("lever")
    assert table.loc["acquisition", "cost"] == pytest.approx(60_000)
    assert table.loc["acquisition", "mrr_gain_per_cost"] == pytest.approx(
        table.loc["acquisition", "mrr_gain"] / 60_000
    )
    assert table.loc["churn", "cost"] == pytest.approx(500 * 60)
    assert math.isnan(table.loc["expansion", "cost"])  # no expansion programme given
    # Payback: the first month whose cumulative extra MRR covers what was spent by then.
    churn = project(ranking.scenarios["churn"]).table["mrr"].to_numpy()
    extra = (churn - project(LEAKY).table["mrr"].to_numpy())[1:].cumsum()
    first = int((extra >= 500 * (1 + pd.RangeIndex(60).to_numpy())).argmax()) + 1
    assert table.loc["churn", "payback_months"] == first


def test_a_gross_margin_delays_payback() -> None:
    full = rank(LEAKY, mode="relative", costs=Costs(retention_per_month=2_000)).table.set_index("lever")
    half = rank(
        LEAKY.replace(gross_margin=0.5), mode="relative", costs=Costs(retention_per_month=2_000)
    ).table
    later = half.set_index("lever").loc["churn", "payback_months"]
    assert math.isnan(later) or later > full.loc["churn", "payback_months"]


def test_no_costs_no_cost_figures() -> None:
    table = rank(LEAKY, mode="relative").table
    assert table[["cost", "mrr_gain_per_cost", "payback_months"]].isna().all().all()


def test_nrr_versus_acquisition_costs_the_extra_customers_at_their_cac() -> None:
    table = nrr_versus_acquisition(LEAKY, costs=Costs(cac=1_000, expansion_per_month=100))
    # +30% of 10 new customers a month for 60 months: 180 customers at 1,000.
    assert table["cost"].tolist() == pytest.approx([100 * 60, 180_000, 240_000])


@settings(max_examples=examples(30))
@given(scenarios(max_months=48), st.sampled_from(["relative", "tactic"]))
def test_no_tactic_or_relative_improvement_ever_loses_mrr(scenario: Scenario, mode: str) -> None:
    ranking = rank(scenario, mode=mode)  # type: ignore[arg-type]
    scale = max(1.0, float(ranking.table["mrr_at_horizon"].max()), project(scenario).mrr_at(scenario.months))
    assert (ranking.table["mrr_gain"] >= -1e-9 * scale).all()
    assert ranking.together is not None and ranking.together["mrr_gain"] >= -1e-9 * scale
