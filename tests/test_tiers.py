"""Benchmark tiers, presets and the GRR diagnosis, against domain.md's tables."""

from __future__ import annotations

import pytest

from simulator import Scenario
from simulator.presets import PRESETS, apply_preset
from simulator.summary import retention
from simulator.tiers import GRR_TIERS, NRR_TIERS, grr_diagnosis, grr_tier, nrr_tier


@pytest.mark.parametrize(
    ("annual_nrr", "tier"),
    [
        (1.58, "Elite"),
        (1.30, "Elite"),
        (1.2999, "Best in class"),
        (1.15, "Best in class"),
        (1.10, "Good"),
        (1.05, "Good"),
        (1.02, "Okay"),
        (1.00, "Okay"),
        (0.95, "Concerning"),
        (0.90, "Concerning"),
        (0.8999, "Red flag"),
        (0.0, "Red flag"),
    ],
)
def test_tiers_follow_the_domain_table(annual_nrr: float, tier: str) -> None:
    assert nrr_tier(annual_nrr).name == tier


def test_tiers_are_contiguous_and_best_first() -> None:
    for better, worse in zip(NRR_TIERS, NRR_TIERS[1:], strict=False):
        assert better.low == worse.high


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_compounds_into_its_typical_annual_nrr(name: str) -> None:
    preset = PRESETS[name]
    scenario = apply_preset(Scenario(starting_mrr=100_000), name)
    low, high = preset.annual_nrr_range
    assert low <= retention(scenario).annual_nrr <= high


def test_presets_cover_every_stage_and_pricing_model_of_the_domain_table() -> None:
    names = set(PRESETS)
    assert {"Usage-based", "Seat-based B2B", "Flat-rate B2C", "Tiered with add-ons"} <= names
    assert {p.group for p in PRESETS.values()} == {"Company stage", "Pricing model"}
    assert sum(p.group == "Company stage" for p in PRESETS.values()) == 5


@pytest.mark.parametrize(
    ("churn", "expansion", "starts_with"),
    [
        (0.02, 0.0, "GRR below 90%: fix churn first"),
        (0.005, 0.0, "GRR 90–95% with low expansion"),
        (0.005, 0.02, "GRR 90–95% with healthy expansion"),
        (0.002, 0.0, "GRR 95%+ with low expansion: an expansion and packaging problem"),
        (0.002, 0.02, "GRR 95%+ with healthy expansion"),
    ],
)
def test_the_grr_diagnosis_follows_the_usual_rule(churn: float, expansion: float, starts_with: str) -> None:
    grr, nrr = (1 - churn) ** 12, (1 - churn + expansion) ** 12
    assert grr_diagnosis(grr, nrr).startswith(starts_with)


@pytest.mark.parametrize(
    ("annual_grr", "tier"),
    [
        (1.0, "Strong"),
        (0.95, "Strong"),
        (0.9499, "Reasonable"),
        (0.90, "Reasonable"),
        (0.8999, "Leaky"),
        (0.0, "Leaky"),
    ],
)
def test_grr_tiers_are_the_diagnosis_rules_bands(annual_grr: float, tier: str) -> None:
    assert grr_tier(annual_grr).name == tier
    for better, worse in zip(GRR_TIERS, GRR_TIERS[1:], strict=False):
        assert better.low == worse.high


#: Each stage preset's ARR band, from its name (domain.md's table).
STAGE_BANDS = {
    "$100M+ ARR": (100e6, float("inf")),
    "$25M–100M ARR": (25e6, 100e6),
    "$10M–25M ARR": (10e6, 25e6),
    "$1M–10M ARR": (1e6, 10e6),
    "Bootstrapped $3M–20M ARR": (3e6, 20e6),
}


@pytest.mark.parametrize("name", list(STAGE_BANDS))
def test_a_stage_preset_sets_a_business_of_its_size(name: str) -> None:
    scenario = apply_preset(Scenario(starting_mrr=100_000), name)
    low, high = STAGE_BANDS[name]
    assert low <= scenario.starting_mrr * 12 < high
    # New customers pay what the typical customer of that size pays.
    assert scenario.new_customer_mrr == pytest.approx(
        scenario.starting_mrr / scenario.starting_customers, rel=0.01
    )


def test_no_two_stage_presets_give_the_same_business() -> None:
    sizes = {apply_preset(Scenario(starting_mrr=1), name).starting_mrr for name in STAGE_BANDS}
    assert len(sizes) == len(STAGE_BANDS)


def test_a_pricing_preset_keeps_the_business_and_sets_only_the_rates() -> None:
    scenario = apply_preset(Scenario(starting_mrr=123_456, new_customers_per_month=7), "Seat-based B2B")
    assert (scenario.starting_mrr, scenario.new_customers_per_month) == (123_456, 7)
