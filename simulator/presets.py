"""Presets from the benchmark tables (typical levers by company stage and pricing model), and the
recession stress test.

A stage's preset is its median company (:mod:`simulator.benchmarks`: the
stage's median NRR and GRR, and a business of its size); a pricing model's
sets levers whose compounded annual NRR lands in the middle of its typical
range. A test holds each one to its range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from simulator.benchmarks import PRICING_RANGES, STAGES, Stage
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


#: Preset rates are kept to a millionth of MRR (the sidebar's grid), rounded in the company's favour
#: so that a preset's annual NRR and GRR are never below its stage's median.
_GRID = 1e6


def _stage_preset(stage: Stage) -> Preset:
    """A stage's median company (:meth:`simulator.benchmarks.Stage.levers`) and its business."""
    levers = stage.levers("median")
    median, top = stage.nrr
    return Preset(
        stage.name,
        "Company stage",
        math.floor(levers["churn_rate"] * _GRID) / _GRID,
        math.floor(levers["contraction_rate"] * _GRID) / _GRID,
        math.ceil(levers["expansion_rate"] * _GRID) / _GRID,
        stage.nrr,
        f"median NRR {median:.0%}, top quartile {top:.0%}; median GRR {stage.grr[0]:.0%} (assumed)",
        _business(stage.arr, stage.contract, stage.new_per_month),
    )


_PRESETS = (
    # By company size (ARR): each stage's median company (simulator.benchmarks).
    *(_stage_preset(stage) for stage in STAGES.values()),
    # By pricing model: the middle of each typical range.
    Preset(
        "Usage-based",
        "Pricing model",
        0.008,
        0.015,
        0.0514,
        PRICING_RANGES["Usage-based"],
        "typical NRR 120–160%",
    ),
    Preset(
        "Seat-based B2B",
        "Pricing model",
        0.007,
        0.004,
        0.0205,
        PRICING_RANGES["Seat-based B2B"],
        "typical NRR 105–120%",
    ),
    Preset(
        "Flat-rate B2C",
        "Pricing model",
        0.035,
        0.002,
        0.0301,
        PRICING_RANGES["Flat-rate B2C"],
        "typical NRR 85–100%",
    ),
    Preset(
        "Tiered with add-ons",
        "Pricing model",
        0.011,
        0.005,
        0.0217,
        PRICING_RANGES["Tiered with add-ons"],
        "typical NRR 100–115%",
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
