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
