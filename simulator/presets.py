"""Presets from the benchmark tables (typical levers by company stage and pricing model), and the
recession stress test.

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
class Preset:
    """Typical monthly levers for one kind of company, and for a stage, a business of that size.

    ``annual_nrr_range`` is the annual NRR the domain notes give: for a
    stage its median and top quartile, for a pricing model its typical
    range; the levers compound into it. ``business`` (stages only) sets a
    company whose ARR sits inside the band: starting MRR and customers, and
    new customers a month at a typical contract size.
    """

    name: str
    group: str
    churn_rate: float
    contraction_rate: float
    expansion_rate: float
    annual_nrr_range: tuple[float, float]
    note: str
    business: tuple[tuple[str, float], ...] = ()

    def levers(self) -> dict[str, Any]:
        """The scenario fields this preset sets: the three rates, and the business for a stage."""
        return {
            "churn_rate": self.churn_rate,
            "contraction_rate": self.contraction_rate,
            "expansion_rate": self.expansion_rate,
            **dict(self.business),
        }


def _business(arr: float, contract: float, new_per_month: float) -> tuple[tuple[str, float], ...]:
    """A company with ``arr`` of ARR from customers paying ``contract`` a year, winning ``new_per_month``."""
    return (
        ("starting_mrr", round(arr / 12)),
        ("starting_customers", round(arr / contract)),
        ("new_customers_per_month", new_per_month),
        ("new_customer_mrr", round(contract / 12)),
    )


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
        _business(150_000_000, 60_000, 40),
    ),
    Preset(
        "$25M–100M ARR",
        "Company stage",
        0.007,
        0.004,
        0.0182,
        (1.08, 1.18),
        "median NRR 108%, top quartile 118%",
        _business(50_000_000, 30_000, 45),
    ),
    Preset(
        "$10M–25M ARR",
        "Company stage",
        0.009,
        0.004,
        0.0171,
        (1.04, 1.12),
        "median NRR 104%, top quartile 112%",
        _business(15_000_000, 15_000, 40),
    ),
    Preset(
        "$1M–10M ARR",
        "Company stage",
        0.014,
        0.005,
        0.0182,
        (0.98, 1.06),
        "median NRR 98%, top quartile 106%",
        _business(4_000_000, 6_000, 40),
    ),
    Preset(
        "Bootstrapped $3M–20M ARR",
        "Company stage",
        0.009,
        0.003,
        0.0161,
        (1.04, 1.10),
        "median NRR 104%, top quartile 110%+",
        _business(8_000_000, 4_000, 60),
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
    """The scenario with a preset's churn, contraction and expansion (and, for a stage, its business)."""
    return scenario.replace(**PRESETS[name].levers())


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
