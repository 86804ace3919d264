"""Where NRR and GRR sit among peers (simulator/peers.py), against domain.md's benchmark tables."""

from __future__ import annotations

import pytest

from simulator.peers import PRICING_MODELS, STAGES, position, stage_for_arr
from simulator.presets import PRESETS

#: domain.md, "By company size (ARR), median / top quartile NRR", typed from the page.
DOMAIN_STAGES = {
    "$100M+ ARR": (1.15, 1.25),
    "$25M–100M ARR": (1.08, 1.18),
    "$10M–25M ARR": (1.04, 1.12),
    "$1M–10M ARR": (0.98, 1.06),
    "Bootstrapped $3M–20M ARR": (1.04, 1.10),
}
#: domain.md, "By pricing model, typical NRR".
DOMAIN_PRICING = {
    "Usage-based": (1.20, 1.60),
    "Seat-based B2B": (1.05, 1.20),
    "Flat-rate B2C": (0.85, 1.00),
    "Tiered with add-ons": (1.00, 1.15),
}


def test_the_tables_are_domain_mds_medians_top_quartiles_and_ranges() -> None:
    assert set(STAGES) == set(DOMAIN_STAGES) and set(PRICING_MODELS) == set(DOMAIN_PRICING)
    for name, (median, top) in DOMAIN_STAGES.items():
        placed = position(1.0, 0.9, arr=0, stage=name)
        assert (placed.median, placed.top_quartile) == (median, top)
    for name, band in DOMAIN_PRICING.items():
        assert position(1.0, 0.9, arr=0, pricing=name).pricing_range == band == PRESETS[name].annual_nrr_range


@pytest.mark.parametrize(
    ("arr", "stage", "basis"),
    [
        (999_999, "$1M–10M ARR", "below $1M ARR, the smallest band of the tables"),
        (1_000_000, "$1M–10M ARR", "from ARR"),
        (9_999_999, "$1M–10M ARR", "from ARR"),
        (10_000_000, "$10M–25M ARR", "from ARR"),
        (25_000_000, "$25M–100M ARR", "from ARR"),
        (100_000_000, "$100M+ ARR", "from ARR"),
        (5e9, "$100M+ ARR", "from ARR"),
    ],
)
def test_the_stage_is_chosen_from_arr_by_the_tables_bands(arr: float, stage: str, basis: str) -> None:
    assert stage_for_arr(arr) == (stage, basis)


@pytest.mark.parametrize(
    ("nrr", "standing"),
    [
        (1.06, "top quartile"),
        (1.059999, "between the median and the top quartile"),
        (0.98, "between the median and the top quartile"),
        (0.979999, "below the median"),
    ],
)
def test_nrr_is_placed_against_the_stages_median_and_top_quartile(nrr: float, standing: str) -> None:
    placed = position(nrr, 0.9, arr=2e6)
    assert placed.stage == "$1M–10M ARR" and placed.stage_basis == "from ARR"
    assert placed.stage_standing == standing
    assert placed.points_from_median == pytest.approx(nrr - 0.98)
    assert placed.points_from_top_quartile == pytest.approx(nrr - 1.06)


def test_a_stage_chosen_by_hand_wins_over_arr() -> None:
    placed = position(1.05, 0.92, arr=50e6, stage="Bootstrapped $3M–20M ARR")
    assert (placed.stage, placed.stage_basis, placed.stage_standing) == (
        "Bootstrapped $3M–20M ARR",
        "chosen",
        "between the median and the top quartile",
    )


@pytest.mark.parametrize(
    ("nrr", "standing"), [(0.849, "below"), (0.85, "within"), (1.0, "within"), (1.001, "above")]
)
def test_nrr_is_placed_in_the_pricing_models_typical_range(nrr: float, standing: str) -> None:
    assert position(nrr, 0.9, arr=2e6, pricing="Flat-rate B2C").pricing_standing == standing


@pytest.mark.parametrize(("grr", "tier"), [(0.8999, "Leaky"), (0.90, "Reasonable"), (0.95, "Strong")])
def test_grr_is_placed_in_the_diagnosis_bands(grr: float, tier: str) -> None:
    assert position(1.0, grr, arr=2e6).grr_tier.name == tier


def test_an_unknown_stage_or_pricing_model_names_the_ones_there_are() -> None:
    with pytest.raises(ValueError, match=r"unknown stage 'Seed'; choose one of \$100M\+ ARR"):
        position(1.0, 0.9, arr=1e6, stage="Seed")
    with pytest.raises(ValueError, match="unknown pricing model 'Freemium'; choose one of Usage-based"):
        position(1.0, 0.9, arr=1e6, pricing="Freemium")
