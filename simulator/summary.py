"""The headline figures of a scenario, computed once: every page, report, file and command reads these.

A figure a founder sees (monthly and annual NRR and GRR, their tiers, the
GRR diagnosis, the plateau, the new MRR needed to stay flat, MRR and
customers at a month) comes from :func:`summarise`; no surface derives one
on its own.

**Monthly NRR and GRR** are month 1's, from the projection: with segments
they are the MRR-weighted blend of the segments' rates (not the top-level
levers, which segments replace).

**Annual NRR and GRR** are what today's customers pay at month 12 over what
they pay today (capped per customer for GRR): the cohort way of domain.md.
When every customer retains at one rate every month this is exactly monthly
NRR ^ 12, and it is computed so; with refinements (segments, early-life
churn, annual plans, an expansion ceiling, initiatives) monthly ^ 12 is
wrong and the projection's trailing-12 figure at month 12 is used.
:attr:`Summary.annual_basis` says which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from simulator.plateau import Plateau, plateau
from simulator.projection import Projection, project
from simulator.scenario import Scenario
from simulator.tiers import Tier, Verdict, verdict

#: Months in a year: annual NRR and GRR are read at month 12, so a summary projects at least that far.
YEAR_MONTHS = 12


def headline_months(horizon: int) -> tuple[int, ...]:
    """The months the headline revenue figures are read at: a year out, and the horizon (the month the
    charts end at, whatever a founder chose: 24, 36, 60, 120); the horizon alone when it is a year or
    less, so that no figure lies past the charts and none is shown twice.

    >>> headline_months(36), headline_months(60), headline_months(120)
    ((12, 36), (12, 60), (12, 120))
    >>> headline_months(12), headline_months(6)
    ((12,), (6,))
    """
    return tuple(sorted({min(YEAR_MONTHS, horizon), horizon}))


Basis = Literal["monthly ^ 12", "cohort"]

#: How each basis is said on a page.
BASIS_TEXT: dict[str, str] = {
    "monthly ^ 12": "monthly NRR ^ 12",
    "cohort": "what today's customers pay at month 12 ÷ what they pay today",
}


@dataclass(frozen=True)
class Retention:
    """Monthly and annual NRR and GRR of a scenario's customers of today (fractions: 1.02 is 102%)."""

    monthly_nrr: float
    monthly_grr: float
    annual_nrr: float
    annual_grr: float
    annual_basis: Basis

    @property
    def monthly_expansion(self) -> float:
        """Month 1's expansion rate: NRR − GRR."""
        return self.monthly_nrr - self.monthly_grr


def retention(scenario: Scenario, projection: Projection | None = None) -> Retention:
    """Monthly and annual NRR and GRR (see the module docstring).

    ``projection`` (of at least 12 months, with starting MRR above 0) saves a
    projection when the caller has one.

    Examples
    --------
    domain.md, worked example 1:

    >>> r = retention(Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01,
    ...                        expansion_rate=0.06))
    >>> round(r.monthly_nrr, 4), round(r.annual_nrr, 3), r.annual_basis
    (1.02, 1.268, 'monthly ^ 12')
    """
    if scenario.compounds_monthly:
        return Retention(
            monthly_nrr=scenario.monthly_nrr,
            monthly_grr=scenario.monthly_grr,
            annual_nrr=scenario.monthly_nrr**12,
            annual_grr=scenario.monthly_grr**12,
            annual_basis="monthly ^ 12",
        )
    usable = (
        projection is not None and projection.scenario.months >= 12 and projection.scenario.starting_mrr > 0
    )
    if not usable:
        # Rates do not depend on the size of the base: a unit base over a year tells them.
        projection = project(scenario.replace(starting_mrr=max(scenario.starting_mrr, 1.0), months=12))
    assert projection is not None
    table = projection.table
    return Retention(
        monthly_nrr=_at(table, "nrr_month", 1),
        monthly_grr=_at(table, "grr_month", 1),
        annual_nrr=_at(table, "nrr_trailing_12", 12),
        annual_grr=_at(table, "grr_trailing_12", 12),
        annual_basis="cohort",
    )


@dataclass(frozen=True)
class Summary:
    """Every headline figure of a scenario.

    Attributes
    ----------
    scenario
        The scenario summarised.
    projection
        Its projection over the horizon (what the charts draw).
    retention
        Monthly and annual NRR and GRR (:class:`Retention`).
    verdict
        Where annual NRR and annual GRR sit in the benchmark tables, and
        which lever to pull first by annual GRR (the domain notes' rule).
    plateau
        Where the leaky bucket levels off, if it does.
    """

    scenario: Scenario
    projection: Projection
    retention: Retention
    verdict: Verdict
    plateau: Plateau
    _long: Projection

    @property
    def nrr_tier(self) -> Tier:
        return self.verdict.nrr_tier

    @property
    def grr_tier(self) -> Tier:
        return self.verdict.grr_tier

    @property
    def diagnosis(self) -> str:
        return self.verdict.diagnosis

    # Shortcuts to the retention figures, as pages name them.
    @property
    def monthly_nrr(self) -> float:
        return self.retention.monthly_nrr

    @property
    def monthly_grr(self) -> float:
        return self.retention.monthly_grr

    @property
    def annual_nrr(self) -> float:
        return self.retention.annual_nrr

    @property
    def annual_grr(self) -> float:
        return self.retention.annual_grr

    @property
    def months(self) -> int:
        """The horizon."""
        return self.scenario.months

    def mrr_at(self, month: int) -> float:
        """MRR at the end of ``month`` (months 0 to the horizon, or to month 12 if that is later)."""
        return self._long.mrr_at(month)

    def customers_at(self, month: int) -> float:
        """Customers paying at the end of ``month``; NaN without a starting count."""
        month = min(max(month, 0), self._long.scenario.months)
        return _at(self._long.table, "customers", month)

    def stay_flat_at(self, month: int) -> float:
        """New MRR needed in ``month`` (from 1) just to replace what the base loses; 0 when it grows."""
        return _at(self.projection.table, "new_mrr_to_stay_flat", month)

    def leaking_at(self, month: int) -> float:
        """MRR the base loses in ``month`` (from 1): churned plus contraction, before expansion."""
        table = self.projection.table
        return _at(table, "churned_mrr", month) + _at(table, "contraction_mrr", month)

    def brought_back_at(self, month: int) -> float:
        """MRR expansion brings back in ``month`` (from 1)."""
        return _at(self.projection.table, "expansion_mrr", month)

    @property
    def nrr_moves(self) -> bool:
        """Whether monthly NRR changes over the horizon (by more than 0.01 point): a refinement that
        shapes it (a ceiling reached, renewals, a plan) shows; one that never acts does not."""
        nrr = self.projection.table["nrr_month"].iloc[1:].dropna()
        return bool(len(nrr) > 1 and float(nrr.max() - nrr.min()) > 1e-4)

    @property
    def plateau_in_horizon(self) -> bool:
        """Whether MRR gets within 5% of its plateau by the horizon (so a headline may name it)."""
        months = self.plateau.months_to_within_5pct
        return self.plateau.mrr is not None and months is not None and months <= self.months

    def refilling_at(self, month: int) -> float:
        """The share of ``month``'s new MRR that only replaces losses (0 to 1; NaN without new MRR)."""
        return _at(self.projection.table, "share_of_new_mrr_replacing_losses", month)

    def trailing_at(self, month: int) -> tuple[float, float]:
        """The trailing-12 NRR and GRR at ``month`` (12 to the horizon): customers paying at
        ``month`` − 12, what they pay at ``month`` over what they paid then."""
        table = self._long.table
        return _at(table, "nrr_trailing_12", month), _at(table, "grr_trailing_12", month)


def summarise(scenario: Scenario) -> Summary:
    """The headline figures of ``scenario`` (see :class:`Summary`).

    Examples
    --------
    >>> s = summarise(Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01,
    ...                        expansion_rate=0.06))
    >>> s.nrr_tier.name, s.grr_tier.name
    ('Best in class', 'Leaky')
    >>> s.diagnosis
    'GRR below 90%: fix churn first; expansion cannot outrun the leak.'
    """
    long = project(scenario, months=max(scenario.months, YEAR_MONTHS))
    figures = retention(scenario, long)
    return Summary(
        scenario=scenario,
        projection=long.until(scenario.months),
        retention=figures,
        verdict=verdict(figures.annual_nrr, figures.annual_grr),
        plateau=plateau(scenario),
        _long=long,
    )


def _at(table: pd.DataFrame, column: str, month: int) -> float:
    """One figure of a projection table, by month."""
    return float(table[column].to_numpy()[month])


def finite_or_none(value: float) -> float | None:
    """``None`` for a figure that does not exist (NaN), for JSON and text."""
    return value if math.isfinite(value) else None
