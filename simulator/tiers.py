"""Where NRR and GRR sit: the benchmark tiers of the domain notes, and the verdict on a scenario.

The NRR tiers are domain.md's table; the GRR tiers are the bands of its
diagnosis rule (below 90%: fix churn first; 90–95%: reasonable; 95%+). A
scenario's verdict is both tiers and the diagnosis, shown together wherever
a tier appears.
"""

from __future__ import annotations

from dataclasses import dataclass


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
