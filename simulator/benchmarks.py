"""Benchmark tables from the domain notes: NRR tiers, presets, GRR diagnosis.

Presets set monthly levers whose compounded annual NRR lands inside the
range the domain notes give for that stage or pricing model (a test holds
each one to its range).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from simulator.scenario import Initiative, Scenario


@dataclass(frozen=True)
class Tier:
    """One band of annual NRR, ``low`` inclusive to ``high`` exclusive."""

    name: str
    low: float
    high: float
    meaning: str


#: Annual NRR tiers, best first.
NRR_TIERS: tuple[Tier, ...] = (
    Tier("Elite", 1.30, float("inf"), "usage-based leaders"),
    Tier("Best in class", 1.15, 1.30, "expansion clearly outruns losses"),
    Tier("Good", 1.05, 1.15, "the base grows on its own"),
    Tier("Okay", 1.00, 1.05, "growth depends on acquisition"),
    Tier("Concerning", 0.90, 1.00, "the base shrinks"),
    Tier("Red flag", 0.0, 0.90, "acquisition mostly refills the bucket"),
)


def nrr_tier(annual_nrr: float) -> Tier:
    """The tier an annual NRR falls in.

    >>> nrr_tier(1.268).name
    'Best in class'
    """
    return _tier_of(annual_nrr, NRR_TIERS)


#: Annual GRR tiers, best first: the bands of the domain notes' diagnosis rule.
GRR_TIERS: tuple[Tier, ...] = (
    Tier("Strong", 0.95, float("inf"), "the base keeps 95% or more of its revenue"),
    Tier("Reasonable", 0.90, 0.95, "retention is reasonable"),
    Tier("Leaky", 0.0, 0.90, "expansion cannot outrun the leak"),
)


def grr_tier(annual_grr: float) -> Tier:
    """The tier an annual GRR falls in.

    >>> grr_tier(0.96 ** 12).name
    'Leaky'
    """
    return _tier_of(annual_grr, GRR_TIERS)


def _tier_of(value: float, tiers: tuple[Tier, ...]) -> Tier:
    for tier in tiers:
        if value >= tier.low:
            return tier
    return tiers[-1]


@dataclass(frozen=True)
class Preset:
    """Typical monthly levers for one kind of company.

    ``annual_nrr_range`` is the typical annual NRR the domain notes give;
    the levers compound into it.
    """

    name: str
    group: str
    churn_rate: float
    contraction_rate: float
    expansion_rate: float
    annual_nrr_range: tuple[float, float]
    note: str

    def levers(self) -> dict[str, Any]:
        """The scenario fields this preset sets."""
        return {
            "churn_rate": self.churn_rate,
            "contraction_rate": self.contraction_rate,
            "expansion_rate": self.expansion_rate,
        }


_PRESETS = (
    # By company size (ARR): just above the median NRR of each band.
    Preset(
        "$100M+ ARR",
        "Company stage",
        0.005,
        0.003,
        0.0204,
        (1.15, 1.25),
        "median NRR 115%, top quartile 125%+",
    ),
    Preset(
        "$25M–100M ARR",
        "Company stage",
        0.007,
        0.004,
        0.0182,
        (1.08, 1.18),
        "median NRR 108%, top quartile 118%",
    ),
    Preset(
        "$10M–25M ARR",
        "Company stage",
        0.009,
        0.004,
        0.0171,
        (1.04, 1.12),
        "median NRR 104%, top quartile 112%",
    ),
    Preset(
        "$1M–10M ARR",
        "Company stage",
        0.014,
        0.005,
        0.0182,
        (0.98, 1.06),
        "median NRR 98%, top quartile 106%",
    ),
    Preset(
        "Bootstrapped $3M–20M ARR",
        "Company stage",
        0.009,
        0.003,
        0.0161,
        (1.04, 1.10),
        "median NRR 104%, top quartile 110%+",
    ),
    # By pricing model: the middle of each typical range.
    Preset("Usage-based", "Pricing model", 0.008, 0.015, 0.0514, (1.20, 1.60), "typical NRR 120–160%"),
    Preset("Seat-based B2B", "Pricing model", 0.007, 0.004, 0.0205, (1.05, 1.20), "typical NRR 105–120%"),
    Preset("Flat-rate B2C", "Pricing model", 0.035, 0.002, 0.0301, (0.85, 1.00), "typical NRR 85–100%"),
    Preset(
        "Tiered with add-ons", "Pricing model", 0.011, 0.005, 0.0217, (1.00, 1.15), "typical NRR 100–115%"
    ),
)

#: Presets by name, in display order.
PRESETS: MappingProxyType[str, Preset] = MappingProxyType({p.name: p for p in _PRESETS})


def apply_preset(scenario: Scenario, name: str) -> Scenario:
    """The scenario with a preset's churn, contraction and expansion."""
    return scenario.replace(**PRESETS[name].levers())


#: Expansion adding fewer annual NRR points than this counts as low.
LOW_EXPANSION_POINTS = 0.10


def grr_diagnosis(annual_grr: float, annual_nrr: float) -> str:
    """Which lever to pull first, by annual GRR (the domain notes' rule).

    Expansion is "low" when it adds fewer than 10 points of annual NRR on
    top of annual GRR.

    >>> grr_diagnosis(0.98 ** 12, 0.98 ** 12)
    'GRR below 90%: fix churn first; expansion cannot outrun the leak.'
    """
    low_expansion = annual_nrr - annual_grr < LOW_EXPANSION_POINTS
    if annual_grr < 0.90:
        return "GRR below 90%: fix churn first; expansion cannot outrun the leak."
    if annual_grr < 0.95:
        if low_expansion:
            return "GRR 90–95% with low expansion: retention is reasonable; build expansion paths."
        return "GRR 90–95% with healthy expansion: keep building expansion, and chip away at churn."
    if low_expansion:
        return "GRR 95%+ with low expansion: an expansion and packaging problem, not a churn problem."
    return "GRR 95%+ with healthy expansion: a strong base; protect it and keep expansion paths open."


@dataclass(frozen=True)
class Verdict:
    """One scenario's verdict: where annual NRR and annual GRR sit, and which lever to pull first."""

    nrr_tier: Tier
    grr_tier: Tier
    diagnosis: str


def verdict(annual_nrr: float, annual_grr: float) -> Verdict:
    """The verdict on an annual NRR and GRR: both tiers and the GRR diagnosis.

    >>> v = verdict(1.02 ** 12, 0.96 ** 12)
    >>> v.nrr_tier.name, v.grr_tier.name
    ('Best in class', 'Leaky')
    """
    return Verdict(nrr_tier(annual_nrr), grr_tier(annual_grr), grr_diagnosis(annual_grr, annual_nrr))


def recession(start_month: int = 1) -> tuple[Initiative, ...]:
    """A recession stress test for a year: churn and contraction up, acquisition down.

    Churn +1 point and contraction +0.5 point a month, 30% fewer new
    customers, ramping in over three months and over after twelve. Each part
    is an ordinary initiative, so it can be edited.
    """
    end = start_month + 11
    return (
        Initiative(
            "Recession: churn", "churn_rate", 0.01, start_month=start_month, ramp_months=3, end_month=end
        ),
        Initiative(
            "Recession: downgrades",
            "contraction_rate",
            0.005,
            start_month=start_month,
            ramp_months=3,
            end_month=end,
        ),
        Initiative(
            "Recession: fewer new customers",
            "new_customers_per_month",
            -0.30,
            start_month=start_month,
            ramp_months=3,
            end_month=end,
        ),
    )
