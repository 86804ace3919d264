"""The one lever to pull first (simulator/recommendation.py): the GRR diagnosis, settled by headroom."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from simulator import Scenario
from simulator.recommendation import recommend
from simulator.summary import retention
from simulator.tiers import LOW_EXPANSION_POINTS
from tests.strategies import examples, scenarios

#: $150M ARR: the $100M+ stage, whose top quartile (NRR 125%, GRR 96%) churns 0.2547% a month,
#: contracts 0.0849% and expands 2.2165%.
BIG = 12_500_000


def business(churn: float, contraction: float, expansion: float, *, mrr: float = 100_000) -> Scenario:
    return Scenario(
        starting_mrr=mrr, churn_rate=churn, contraction_rate=contraction, expansion_rate=expansion, months=36
    )


def test_a_leaky_base_fixes_churn_first_starting_with_dunning() -> None:
    """Worked example 1 as a business: GRR 0.96^12 = 61.3%, below 90%."""
    chosen = recommend(business(0.03, 0.01, 0.06))
    assert (chosen.lever, chosen.reason, chosen.tactic) == ("churn", "leak", "dunning")
    assert chosen.diagnosis.startswith("GRR below 90%: fix churn first")
    assert chosen.agrees_with_top


def test_a_leak_of_downgrades_cuts_contraction_first_and_says_why() -> None:
    """GRR 0.982^12 = 80.4%, below 90%; contraction (1.5%) is 1.33 points above the top quartile of
    $1M–10M (0.17%), while churn (0.3%) is already below its 0.52%."""
    chosen = recommend(business(0.003, 0.015, 0.02))
    assert (chosen.lever, chosen.reason, chosen.tactic) == ("contraction", "leak_is_downgrades", "packaging")


def test_a_strong_base_with_little_expansion_builds_expansion() -> None:
    """GRR 0.996^12 = 95.3%; NRR 0.998^12 = 97.6%: expansion adds 2.3 points, below 10."""
    chosen = recommend(business(0.003, 0.001, 0.002, mrr=1_700_000))
    assert chosen.annual_nrr - chosen.annual_grr < LOW_EXPANSION_POINTS
    assert (chosen.lever, chosen.reason, chosen.tactic) == ("expansion", "low_expansion", "upgrade_prompts")


def test_a_healthy_base_pulls_the_lever_with_the_most_headroom() -> None:
    """GRR 0.992^12 = 90.8%, NRR 1.004^12 = 104.9%: healthy. Against $100M+'s top quartile expansion
    (1.2% → 2.2165%) has more room than churn (0.6% → 0.2547%) or contraction (0.2% → 0.0849%)."""
    chosen = recommend(business(0.006, 0.002, 0.012, mrr=BIG))
    assert (chosen.lever, chosen.reason, chosen.top) == ("expansion", "most_headroom", "expansion")


def test_a_base_at_its_peers_top_quartile_keeps_expansion_paths_open() -> None:
    chosen = recommend(business(0.001, 0.0, 0.03, mrr=BIG))
    assert (chosen.headroom.table["mrr_gain"] == 0).all()
    assert (chosen.lever, chosen.reason) == ("expansion", "at_top_quartile")


def test_below_90_percent_grr_the_leak_comes_first_even_where_expansion_would_add_more() -> None:
    """GRR 0.99^12 = 88.6%: churn, though expansion's headroom (0.5% → 2.2%) adds more MRR."""
    chosen = recommend(business(0.008, 0.002, 0.005, mrr=BIG))
    assert (chosen.lever, chosen.top) == ("churn", "expansion")
    assert not chosen.agrees_with_top
    assert chosen.gain("expansion") > chosen.gain("churn") > 0


@settings(max_examples=examples(40))
@given(scenarios(max_months=48))
def test_the_recommendation_always_agrees_with_the_grr_diagnosis(scenario: Scenario) -> None:
    chosen = recommend(scenario)
    kept = retention(scenario)
    if kept.annual_grr < 0.90:
        assert chosen.lever in ("churn", "contraction")
    elif kept.annual_nrr - kept.annual_grr < LOW_EXPANSION_POINTS:
        assert chosen.lever == "expansion"
    else:
        assert chosen.gain(chosen.lever) == pytest.approx(
            max(chosen.gain(lever) for lever in ("churn", "contraction", "expansion"))
        )
