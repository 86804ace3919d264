"""The calculator's one period: four amounts in, NRR, GRR, expansion rate out.

The figures come from the engine's :class:`~simulator.scenario.Scenario`
(a one-period scenario whose rates are the amounts over the starting MRR);
this module only turns amounts into rates and bad amounts into plain messages.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from report.format import compact_money, money
from simulator.scenario import Scenario, ScenarioError
from simulator.summary import retention
from simulator.tiers import Verdict, verdict
from ui.state.controls import CONTROL_BY_KEY


class PeriodInputError(ValueError):
    """The four amounts do not describe a possible period."""


@dataclass(frozen=True)
class PeriodResult:
    """NRR and friends for one period, as fractions (1.02 is 102%), and the verdict on them annualised."""

    nrr: float
    grr: float
    expansion_rate: float
    annual_nrr: float
    annual_grr: float
    verdict: Verdict


def month_one_follows_rates(scenario: Scenario, month_one: pd.Series) -> bool:
    """Whether month 1's flows are the starting MRR times the scenario's three rates, to the cent.

    Then an amount typed into the calculator sets a rate exactly. Refinements that shape month 1
    (segments, failed payments recovered, annual plans, a plan that starts at once, a ceiling
    that binds at once) make it not so; an expansion ceiling that binds later does not.
    """
    if scenario.segments:
        return False
    rates = {
        "churned_mrr": scenario.churn_rate,
        "contraction_mrr": scenario.contraction_rate,
        "expansion_mrr": scenario.expansion_rate,
    }
    return all(
        abs(float(month_one[column]) - scenario.starting_mrr * rate) < 0.005 for column, rate in rates.items()
    )


def period_metrics(
    start: float, churned: float, contraction: float, expansion: float, *, currency: str = "$"
) -> PeriodResult:
    """NRR, GRR, expansion rate and annualised NRR of one monthly period.

    domain.md, worked example 1:

    >>> r = period_metrics(100_000, 3_000, 1_000, 6_000)
    >>> round(r.nrr, 4), round(r.grr, 4), round(r.expansion_rate, 4), round(r.annual_nrr, 3)
    (1.02, 0.96, 0.06, 1.268)

    Raises
    ------
    PeriodInputError
        With a message saying which amount is impossible and what to change.
    """
    amounts = {"Churned MRR": churned, "Contraction": contraction, "Expansion": expansion}
    if start <= 0:
        raise PeriodInputError(
            "Starting MRR must be above zero: NRR compares the period's MRR with it. Enter the MRR "
            "your existing customers paid at the start of the period."
        )
    for name, value in amounts.items():
        if value < 0:
            raise PeriodInputError(f"{name} cannot be negative; enter it as a positive amount.")
    if churned + contraction > start:
        raise PeriodInputError(
            f"Churned plus contraction ({money(churned + contraction, currency)}) is more than the "
            f"starting MRR ({money(start, currency)}): customers cannot lose more than they paid. "
            "Lower one of them."
        )
    if expansion > start:
        raise PeriodInputError(
            f"Expansion ({money(expansion, currency)}) is more than the starting MRR "
            f"({money(start, currency)}): the simulator covers at most a doubling in one period. "
            "Check the amount, or use a shorter period."
        )
    try:
        scenario = Scenario(
            starting_mrr=start,
            churn_rate=churned / start,
            contraction_rate=contraction / start,
            expansion_rate=expansion / start,
            months=1,
        )
    except ScenarioError as error:
        raise PeriodInputError(f"These amounts are outside the simulator's range: {error}.") from None
    figures = retention(scenario)
    return PeriodResult(
        nrr=figures.monthly_nrr,
        grr=figures.monthly_grr,
        expansion_rate=figures.monthly_expansion,
        annual_nrr=figures.annual_nrr,
        annual_grr=figures.annual_grr,
        verdict=verdict(figures.annual_nrr, figures.annual_grr),
    )


def formula_amount(amount: float) -> str:
    """An amount as the formula writes it (LaTeX): in full below a million, compact from there on, so
    that the formula fits a laptop's page with nine-figure MRR.

    >>> formula_amount(100_000), formula_amount(200_000_000), formula_amount(12_500_000)
    ('100{,}000', '200\\\\text{M}', '12.5\\\\text{M}')
    """
    if abs(amount) < 1e6:
        return f"{amount:,.0f}".replace(",", "{,}")
    compact = compact_money(amount, "$").removeprefix("$")
    return compact[:-1] + rf"\text{{{compact[-1]}}}"


def rate_ranges() -> str:
    """The sidebar's rate ranges in words: ``"churn up to 15%, contraction up to 5%, …"``."""
    keys = {"churn_pct": "churn", "contraction_pct": "contraction", "expansion_pct": "expansion"}
    return ", ".join(f"{word} up to {CONTROL_BY_KEY[key].high:g}%" for key, word in keys.items()) + " a month"
