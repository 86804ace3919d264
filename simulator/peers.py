"""Where an annual NRR and GRR sit among peers: the benchmark tables by company stage and pricing model.

The numbers are :mod:`simulator.benchmarks`' (each table with its source): a
stage's median and top-quartile NRR, a pricing model's typical range. GRR is
placed in the bands of the GRR diagnosis rule (:data:`simulator.tiers.GRR_TIERS`:
below 90%, 90–95%, 95%+).

**The stage** is chosen from ARR (12 × MRR) by the bands of the table, unless
one is chosen by hand; below $1M ARR, the smallest band ($1M–10M) is the
comparison, and :attr:`Position.stage_basis` says so. The bootstrapped
band ($3M–20M) overlaps the others, so it is only ever chosen by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from simulator import benchmarks
from simulator.tiers import GRR_TIERS, Tier, grr_tier

#: The stages chosen from ARR, with the ARR band each covers (low inclusive), smallest first.
STAGE_BANDS: MappingProxyType[str, tuple[float, float]] = MappingProxyType(
    dict(
        sorted(
            ((stage.name, stage.arr_band) for stage in benchmarks.STAGES.values() if stage.arr_band),
            key=lambda item: item[1],
        )
    )
)
#: Every stage of the table (the bootstrapped band included).
STAGES: tuple[str, ...] = tuple(benchmarks.STAGES)
#: Every pricing model of the table.
PRICING_MODELS: tuple[str, ...] = tuple(benchmarks.PRICING_RANGES)
stage_for_arr = benchmarks.stage_for_arr


@dataclass(frozen=True)
class Position:
    """Where an annual NRR and GRR sit (fractions: 1.05 is 105%).

    Attributes
    ----------
    nrr, grr
        The figures placed.
    arr
        The ARR the stage was chosen from (12 × MRR).
    stage
        The stage compared with, and ``stage_basis``: how it was chosen.
    median, top_quartile
        The stage's median and top-quartile NRR.
    grr_median, grr_top_quartile
        The stage's median and top-quartile GRR (the product's assumption, :mod:`simulator.benchmarks`).
    stage_standing
        ``"top quartile"`` (at or above it), ``"between the median and the top quartile"``
        or ``"below the median"``.
    pricing, pricing_range, pricing_standing
        The pricing model compared with (``None``: none chosen), its typical
        NRR range, and ``"within"``, ``"above"`` or ``"below"`` it.
    grr_tier
        The GRR band (:data:`simulator.tiers.GRR_TIERS`).
    """

    nrr: float
    grr: float
    arr: float
    stage: str
    stage_basis: str
    median: float
    top_quartile: float
    grr_median: float
    grr_top_quartile: float
    stage_standing: str
    pricing: str | None
    pricing_range: tuple[float, float] | None
    pricing_standing: str | None
    grr_tier: Tier

    @property
    def points_from_median(self) -> float:
        """NRR minus the stage's median, in fraction points (0.03 is 3 points above)."""
        return self.nrr - self.median

    @property
    def points_from_top_quartile(self) -> float:
        """NRR minus the stage's top quartile, in fraction points."""
        return self.nrr - self.top_quartile


def position(
    annual_nrr: float,
    annual_grr: float,
    *,
    arr: float,
    stage: str | None = None,
    pricing: str | None = None,
) -> Position:
    """Where ``annual_nrr`` and ``annual_grr`` sit for a company of ``arr`` (or the ``stage`` chosen).

    Raises
    ------
    ValueError
        For a stage or pricing model the tables do not have, naming those they do.

    Examples
    --------
    worked example 1's 126.8% at $1.2M ARR: top quartile of $1M–10M (98% / 106%), above
    seat-based B2B's typical 105–120%.

    >>> p = position(1.02 ** 12, 0.96 ** 12, arr=1.2e6, pricing="Seat-based B2B")
    >>> p.stage, p.median, p.top_quartile, p.stage_standing, p.pricing_standing, p.grr_tier.name
    ('$1M–10M ARR', 0.98, 1.06, 'top quartile', 'above', 'Leaky')
    """
    if stage is None:
        stage, basis = stage_for_arr(arr)
    elif stage in STAGES:
        basis = "chosen"
    else:
        raise ValueError(f"unknown stage '{stage}'; choose one of {', '.join(STAGES)}")
    median, top = benchmarks.STAGES[stage].nrr
    if annual_nrr >= top:
        standing = "top quartile"
    elif annual_nrr >= median:
        standing = "between the median and the top quartile"
    else:
        standing = "below the median"
    pricing_range: tuple[float, float] | None = None
    pricing_standing: str | None = None
    if pricing is not None:
        if pricing not in PRICING_MODELS:
            raise ValueError(f"unknown pricing model '{pricing}'; choose one of {', '.join(PRICING_MODELS)}")
        pricing_range = benchmarks.PRICING_RANGES[pricing]
        low, high = pricing_range
        pricing_standing = "below" if annual_nrr < low else "above" if annual_nrr > high else "within"
    return Position(
        nrr=annual_nrr,
        grr=annual_grr,
        arr=arr,
        stage=stage,
        stage_basis=basis,
        median=median,
        top_quartile=top,
        grr_median=benchmarks.STAGES[stage].grr[0],
        grr_top_quartile=benchmarks.STAGES[stage].grr[1],
        stage_standing=standing,
        pricing=pricing,
        pricing_range=pricing_range,
        pricing_standing=pricing_standing,
        grr_tier=grr_tier(annual_grr),
    )


@dataclass(frozen=True)
class Target:
    """An annual NRR to aim at, and where it comes from in words."""

    nrr: float
    source: str


def top_quartile(*, arr: float, stage: str | None = None, pricing: str | None = None) -> Target:
    """The NRR a lever ranking aims at: the top quartile of the stage (from ``arr`` unless chosen);
    with a pricing model, the top of its typical range (the tables give no quartiles by pricing).

    >>> top_quartile(arr=1.2e6)
    Target(nrr=1.06, source='the top quartile of $1M–10M ARR')
    >>> top_quartile(arr=1.2e6, pricing="Seat-based B2B")
    Target(nrr=1.2, source='the top of Seat-based B2B’s typical range')
    """
    if pricing is not None:
        if pricing not in PRICING_MODELS:
            raise ValueError(f"unknown pricing model '{pricing}'; choose one of {', '.join(PRICING_MODELS)}")
        return Target(benchmarks.PRICING_RANGES[pricing][1], f"the top of {pricing}’s typical range")
    if stage is None:
        stage, _ = stage_for_arr(arr)
    elif stage not in STAGES:
        raise ValueError(f"unknown stage '{stage}'; choose one of {', '.join(STAGES)}")
    return Target(benchmarks.STAGES[stage].nrr[1], f"the top quartile of {stage}")


__all__ = [
    "GRR_TIERS",
    "PRICING_MODELS",
    "STAGES",
    "STAGE_BANDS",
    "Position",
    "Target",
    "position",
    "stage_for_arr",
    "top_quartile",
]
