"""The benchmark tables, held once, each with where it comes from.

Every page, slide, report and file that places a figure among peers reads it
from here, and cites the :class:`Source` beside it (``docs/benchmarks.md``
lists them all).

- **NRR by company stage** (median and top quartile by ARR band) and **NRR by
  pricing model** (typical range): the product's benchmark notes.
- **GRR by company stage**: the notes give none. The figures here are the
  product's stated assumptions, set around the published medians for private
  B2B SaaS (:data:`SOURCES` ``"grr"``), lower for the smallest companies.
- **A stage's levers** (:meth:`Stage.levers`): the monthly churn, contraction
  and expansion of a company whose annual NRR and GRR are the stage's median
  (or top quartile), in the core model: gross losses a month
  ``L = 1 − GRR^(1/12)``, split :data:`CHURN_SHARE_OF_LOSSES` to churn and
  the rest to contraction; expansion ``NRR^(1/12) − (1 − L)``. So the
  company's annual NRR and GRR are exactly the table's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Quartile = Literal["median", "top quartile"]

#: The share of gross losses (churn + contraction) that is churn: an assumption (whole customers
#: leaving outweigh downgrades about three to one in subscription software).
CHURN_SHARE_OF_LOSSES = 0.75


@dataclass(frozen=True)
class Source:
    """Where a benchmark comes from: who, when, what it measures."""

    key: str
    publisher: str
    year: int
    measures: str
    note: str = ""

    def cite(self) -> str:
        """One line to show beside the figures: ``"Source: …, 2026: …."``."""
        return f"Source: {self.publisher}, {self.year}: {self.measures}."


SOURCES: MappingProxyType[str, Source] = MappingProxyType(
    {
        source.key: source
        for source in (
            Source(
                "nrr_by_stage",
                "the product's benchmark notes (docs/benchmarks.md)",
                2026,
                "annual NRR of subscription software companies by ARR band, median and top quartile",
                "Compiled from public SaaS surveys; the notes do not name the survey behind each band. "
                "The closest published figures checked: SaaS Capital's 2023 retention survey (1,500+ "
                "private B2B SaaS companies): median NRR 100–110% by contract size.",
            ),
            Source(
                "nrr_by_pricing",
                "the product's benchmark notes (docs/benchmarks.md)",
                2026,
                "typical annual NRR by pricing model",
            ),
            Source(
                "nrr_tiers",
                "the product's benchmark notes (docs/benchmarks.md)",
                2026,
                "what an annual NRR means, from red flag (below 90%) to elite (130%+)",
            ),
            Source(
                "grr",
                "the product's assumption, around SaaS Capital's 2023 retention survey",
                2023,
                "annual GRR by ARR band; the survey's median GRR for private B2B SaaS above $1M ARR is "
                "90–93% by contract size, lower for the smallest contracts",
                "SaaS Capital, 2023 B2B SaaS Retention Benchmarks (Research Brief 28). The stage medians "
                "and top quartiles here are the product's assumptions, not the survey's.",
            ),
        )
    }
)


@dataclass(frozen=True)
class Stage:
    """A company stage of the tables: its ARR band, its NRR and GRR, and a typical business.

    ``arr_band`` is ``None`` for a band that overlaps the others (bootstrapped),
    which is only ever chosen by hand. ``arr``, ``contract`` (ARR per customer)
    and ``new_per_month`` describe a typical company of the stage.
    """

    name: str
    arr_band: tuple[float, float] | None
    nrr: tuple[float, float]
    grr: tuple[float, float]
    arr: float
    contract: float
    new_per_month: float

    def annual(self, quartile: Quartile) -> tuple[float, float]:
        """Annual NRR and GRR of the stage's ``"median"`` or ``"top quartile"`` company."""
        index = 0 if quartile == "median" else 1
        return self.nrr[index], self.grr[index]

    def levers(self, quartile: Quartile) -> dict[str, float]:
        """Monthly churn, contraction and expansion of that company (module docstring).

        >>> {k: round(v, 6) for k, v in STAGES["$100M+ ARR"].levers("median").items()}
        {'churn_rate': 0.005193, 'contraction_rate': 0.001731, 'expansion_rate': 0.018639}
        """
        nrr, grr = self.annual(quartile)
        losses = 1.0 - grr ** (1 / 12)
        return {
            "churn_rate": CHURN_SHARE_OF_LOSSES * losses,
            "contraction_rate": (1.0 - CHURN_SHARE_OF_LOSSES) * losses,
            "expansion_rate": nrr ** (1 / 12) - (1.0 - losses),
        }


#: NRR (median, top quartile) from the notes; GRR (median, top quartile) the product's assumption.
STAGES: MappingProxyType[str, Stage] = MappingProxyType(
    {
        stage.name: stage
        for stage in (
            Stage("$100M+ ARR", (1e8, math.inf), (1.15, 1.25), (0.92, 0.96), 150e6, 60_000, 40),
            Stage("$25M–100M ARR", (2.5e7, 1e8), (1.08, 1.18), (0.90, 0.95), 50e6, 30_000, 45),
            Stage("$10M–25M ARR", (1e7, 2.5e7), (1.04, 1.12), (0.88, 0.94), 15e6, 15_000, 40),
            Stage("$1M–10M ARR", (1e6, 1e7), (0.98, 1.06), (0.85, 0.92), 4e6, 6_000, 40),
            Stage("Bootstrapped $3M–20M ARR", None, (1.04, 1.10), (0.88, 0.94), 8e6, 4_000, 60),
        )
    }
)
#: Typical annual NRR by pricing model (the notes give no quartiles and no GRR here).
PRICING_RANGES: MappingProxyType[str, tuple[float, float]] = MappingProxyType(
    {
        "Usage-based": (1.20, 1.60),
        "Seat-based B2B": (1.05, 1.20),
        "Flat-rate B2C": (0.85, 1.00),
        "Tiered with add-ons": (1.00, 1.15),
    }
)


def stage_for_arr(arr: float) -> tuple[str, str]:
    """The stage an ARR falls in, and how it was chosen.

    >>> stage_for_arr(30e6)
    ('$25M–100M ARR', 'from ARR')
    >>> stage_for_arr(400_000)
    ('$1M–10M ARR', 'below $1M ARR, the smallest band of the tables')
    """
    banded = sorted(
        ((stage.arr_band, stage.name) for stage in STAGES.values() if stage.arr_band is not None),
    )
    for (low, high), name in banded:
        if low <= arr < high:
            return name, "from ARR"
    return banded[0][1], "below $1M ARR, the smallest band of the tables"
