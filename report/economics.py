"""Unit economics, the ARR bridge and the benchmark position as the pages and the report write them:
cards, tables and sentences.

Pure: each function takes engine results (:class:`~simulator.economics.UnitEconomics`,
an ARR bridge table, a :class:`~simulator.peers.Position`) and returns text,
so the Unit economics page, Know your number and the report show the same
strings for the same figures (tests/test_cross_surface.py holds them to it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from report.format import compact_money, money, pct, signed_money
from simulator.economics import UnitEconomics
from simulator.peers import Position


@dataclass(frozen=True)
class Card:
    """One figure as a card or a report tile: its label, its value as shown, what it means."""

    label: str
    value: str
    help: str


def ratio(value: float, *, decimals: int = 1) -> str:
    """A multiple: ``"4.2×"``; ``"∞"`` without a finite value, ``"–"`` when it does not exist.

    >>> ratio(4.234), ratio(float("inf")), ratio(float("nan"))
    ('4.2×', '∞', '–')
    """
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞"
    return f"{value:.{decimals}f}×"


def quick(value: float) -> str:
    """A quick ratio, two decimals: ``"2.97"``; ``"–"`` when nothing was lost (no finite value).

    >>> quick(2.9654), quick(float("nan"))
    ('2.97', '–')
    """
    return "–" if not math.isfinite(value) else f"{value:.2f}"


def months_number(value: float) -> str:
    """A payback as a card shows it, under a label that says months: ``"4.0"``, ``"never"``, ``"–"``.

    >>> months_number(4.04), months_number(float("inf"))
    ('4.0', 'never')
    """
    if math.isnan(value):
        return "–"
    return "never" if math.isinf(value) else f"{value:.1f}"


def months_text(value: float) -> str:
    """A payback in months: ``"4.0 months"``; ``"never"`` when never reached, ``"–"`` when it does not exist.

    >>> months_text(4.0), months_text(1.0), months_text(float("inf")), months_text(float("nan"))
    ('4.0 months', '1.0 month', 'never', '–')
    """
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "never"
    return f"{value:.1f} month{'' if round(value, 1) == 1 else 's'}"


def value_money(value: float, currency: str) -> str:
    """Money as a card in a row of five has room for, in any currency (``CHF`` too): to the unit
    below 100,000, ``"$130k"`` from there on; ``"∞"`` for a lifetime value with no finite value.

    >>> value_money(30_411.4, "$"), value_money(130_411.4, "$"), value_money(float("inf"), "$")
    ('$30,411', '$130k', '∞')
    """
    if math.isinf(value):
        return "∞"
    return money(value, currency) if abs(value) < 99_999.5 else compact_money(value, currency)


def gap_money(value: float, currency: str) -> str:
    """A signed difference of money as a card has room for (see :func:`value_money`).

    >>> gap_money(80_411, "$"), gap_money(-2_500_000, "$")
    ('+$80,411', '−$2.5M')
    """
    if abs(value) < 99_999.5:
        return signed_money(value, currency)
    return compact_money(value, currency, signed=True)


def lifetime_years(economics: UnitEconomics) -> str:
    """``"5 years"`` (or ``"30 months"``): the lifetime the LTV follows."""
    months = economics.lifetime_months
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} months"


def economics_cards(economics: UnitEconomics, currency: str) -> tuple[Card, ...]:
    """The unit economics cards: lifetime value and revenue ÷ churn, the gap, LTV:CAC, payback;
    then the quick ratio, logo and revenue churn."""
    margin = "gross margin" if economics.gross_margin is not None else "revenue (no gross margin set)"
    cac_note = "" if economics.cac is not None else " Set the cost to acquire a customer to see it."
    return (
        Card(
            "Lifetime value",
            value_money(economics.ltv, currency),
            f"The {margin} of a new customer over {lifetime_years(economics)}, counting expansion, "
            f"discounted at {pct(economics.discount_rate, decimals=0)} a year.",
        ),
        Card(
            "Revenue ÷ churn",
            value_money(economics.traditional_ltv, currency),
            "The traditional LTV: first month's "
            + ("margin" if economics.gross_margin is not None else "revenue")
            + " ÷ monthly logo churn, as if a customer paid the same until they leave.",
        ),
        Card(
            "LTV − revenue ÷ churn",
            "−∞" if math.isinf(economics.traditional_ltv) else gap_money(economics.undercount, currency),
            "What revenue ÷ churn misses (above 0) or overstates (below 0).",
        ),
        Card(
            "LTV:CAC",
            ratio(economics.ltv_to_cac),
            f"Lifetime value ÷ the cost to acquire a customer.{cac_note}",
        ),
        Card(
            "CAC payback, months",
            months_number(economics.payback_months),
            f"Cost to acquire a customer ÷ its first month's {margin.split(' (')[0]}.{cac_note}",
        ),
        Card(
            "Quick ratio, year 1",
            quick(economics.quick_ratio),
            f"MRR won (new, reactivated, expansion) ÷ MRR lost (churn, contraction), "
            f"{economics.quick_ratio_period}.",
        ),
        Card(
            "Logo churn, month 1",
            pct(economics.logo_churn, decimals=2),
            "Share of today's customers who leave in month 1: the MRR lost to cancellations ÷ the "
            "churned customers' size against the average account.",
        ),
        Card(
            "Revenue churn, month 1",
            pct(economics.revenue_churn, decimals=2),
            "Share of MRR lost to churn and contraction in month 1 (1 − monthly GRR).",
        ),
        Card(
            "Net revenue churn, month 1",
            pct(economics.net_revenue_churn, decimals=2),
            "1 − monthly NRR: below 0, expansion more than makes up for what is lost.",
        ),
    )


def size_multiple(multiple: float) -> str:
    """A churned customer's size against the average account: ``"0.5×"``, ``"2×"``, ``"0.45×"``.

    >>> size_multiple(0.5), size_multiple(2.0), size_multiple(0.45)
    ('0.5×', '2×', '0.45×')
    """
    return f"{multiple:g}×"


def churned_size_text(economics: UnitEconomics, *, segments: bool = False) -> str:
    """What the churned customers' size means for who leaves, or ``""`` when they are average-sized.

    ``segments``: the scenario has segments, and the size is against each segment's own average.

    >>> from simulator.economics import unit_economics
    >>> from simulator.scenario import Scenario
    >>> from simulator.summary import summarise
    >>> skewed = Scenario(starting_mrr=100_000, churn_rate=0.01, churned_size_multiple=0.5)
    >>> churned_size_text(unit_economics(summarise(skewed)))
    'Churned customers are 0.5× the average account: 2.00% of customers but 1.00% of MRR leave in month 1.'
    """
    multiple = economics.churned_size_multiple
    if multiple == 1.0:
        return ""
    average = "the average account of their segment" if segments else "the average account"
    if not economics.cancelled_mrr_churn > 0:
        return f"Churned customers are {size_multiple(multiple)} {average}, but none leave in month 1."
    text = (
        f"Churned customers are {size_multiple(multiple)} {average}: "
        f"{pct(economics.logo_churn, decimals=2)} of customers but "
        f"{pct(economics.cancelled_mrr_churn, decimals=2)} of MRR leave in month 1."
    )
    if economics.logo_churn >= 1.0 - 1e-9:
        text += " The count stops at every customer: accounts that small cannot carry that much of the MRR."
    return text


#: The ARR bridge's columns as a table shows them.
BRIDGE_HEADINGS: dict[str, str] = {
    "year": "Year",
    "starting_arr": "Starting ARR",
    "new_arr": "New",
    "reactivation_arr": "Reactivation",
    "expansion_arr": "Expansion",
    "contraction_arr": "Contraction",
    "churned_arr": "Churned",
    "ending_arr": "Ending ARR",
    "quick_ratio": "Quick ratio",
}


def bridge_rows(bridge: pd.DataFrame, currency: str) -> pd.DataFrame:
    """An ARR bridge as text, losses with a minus sign; reactivation only when there is some."""
    shown = pd.DataFrame({"Year": bridge["year"].astype(str)})
    if "months" in bridge and (bridge["months"] < 12).any():
        shown["Year"] = [
            f"{year} ({months} months)" if months < 12 else str(year)
            for year, months in zip(bridge["year"], bridge["months"], strict=True)
        ]
    flows = ("new_arr", "reactivation_arr", "expansion_arr", "contraction_arr", "churned_arr")
    for column in ("starting_arr", *flows):
        if column == "reactivation_arr" and not (bridge[column] > 0).any():
            continue
        sign = -1.0 if column in ("contraction_arr", "churned_arr") else 1.0
        shown[BRIDGE_HEADINGS[column]] = [money(sign * float(value), currency) for value in bridge[column]]
    shown["Ending ARR"] = [money(float(value), currency) for value in bridge["ending_arr"]]
    shown["Quick ratio"] = [quick(float(value)) for value in bridge["quick_ratio"]]
    return shown


def lifetime_value_text(economics: UnitEconomics, currency: str) -> str:
    """What a new customer is worth, beside revenue ÷ churn, and what expansion adds."""
    worth = "gross margin" if economics.gross_margin is not None else "revenue"
    text = (
        f"A new customer paying {money(economics.first_mrr, currency)} a month brings "
        f"{money(economics.ltv, currency)} of {worth} over {lifetime_years(economics)} "
        f"(discounted at {pct(economics.discount_rate, decimals=0)} a year), counting expansion."
    )
    if math.isinf(economics.traditional_ltv):
        text += " Revenue ÷ churn has no finite value here: no customer leaves."
    elif economics.undercount >= 0.5:
        text += (
            f" Revenue ÷ churn says {money(economics.traditional_ltv, currency)}: it undercounts by "
            f"{money(economics.undercount, currency)}, because it takes a customer to pay the same until "
            "they leave."
        )
    elif economics.undercount <= -0.5:
        text += (
            f" Revenue ÷ churn says more, {money(economics.traditional_ltv, currency)}: it follows a "
            "customer for ever, undiscounted, and misses contraction and early-life churn."
        )
    if economics.expansion_value >= 0.5:
        text += (
            f" Expansion alone adds {money(economics.expansion_value, currency)} over the same "
            f"{lifetime_years(economics)}."
        )
    return text


def payback_text(economics: UnitEconomics, currency: str) -> str:
    """How fast acquiring a customer pays back, and LTV:CAC; or how to see them."""
    if economics.cac is None:
        return (
            "Set the cost to acquire a customer (the sidebar's Unit economics) to see LTV:CAC and how "
            "many months a new customer takes to repay it."
        )
    worth = "margin" if economics.gross_margin is not None else "revenue"
    first = economics.first_margin
    text = (
        f"Acquiring a customer costs {money(economics.cac, currency)}: at {money(first, currency)} "
        f"of {worth} a month it pays back in {months_text(economics.payback_months)}"
    )
    if math.isinf(economics.cohort_payback_months):
        text += f"; counting churn and expansion, the cohort never does within {lifetime_years(economics)}."
    else:
        text += (
            f"; counting churn and expansion, the cohort repays it in "
            f"{months_text(economics.cohort_payback_months)}."
        )
    text += (
        f" LTV:CAC is {ratio(economics.ltv_to_cac)} (revenue ÷ churn would say "
        f"{ratio(economics.traditional_ltv_to_cac)})."
    )
    if economics.gross_margin is None:
        text += " Set a gross margin to count only what a customer leaves after serving it."
    return text


def position_text(placed: Position, currency: str) -> str:
    """Where annual NRR and GRR sit among peers: stage, pricing model, GRR band."""
    arr = compact_money(placed.arr, currency)
    basis = (
        f"the stage of an ARR of {arr}"
        if placed.stage_basis == "from ARR"
        else f"the smallest band of the tables, for an ARR of {arr}"
        if placed.stage_basis.startswith("below")
        else "the stage chosen"
    )
    points = placed.points_from_median * 100
    text = (
        f"Annual NRR {pct(placed.nrr)} is {_standing(placed.stage_standing)} of {placed.stage} companies "
        f"(median {pct(placed.median, decimals=0)}, top quartile {pct(placed.top_quartile, decimals=0)}; "
        f"{basis}): {abs(points):.1f} points {'above' if points >= 0 else 'below'} the median."
    )
    if placed.pricing is not None and placed.pricing_range is not None:
        low, high = placed.pricing_range
        text += (
            f" {placed.pricing} pricing typically runs {pct(low, decimals=0)}–{pct(high, decimals=0)}: "
            f"{placed.pricing_standing} that range."
        )
    tier = placed.grr_tier
    band = (
        f"below {pct(tier.high, decimals=0)}"
        if tier.low == 0
        else f"{pct(tier.low, decimals=0)}+"
        if math.isinf(tier.high)
        else f"{pct(tier.low, decimals=0)}–{pct(tier.high, decimals=0)}"
    )
    grr_standing = (
        "in the top quartile"
        if placed.grr >= placed.grr_top_quartile
        else "above the median"
        if placed.grr >= placed.grr_median
        else "below the median"
    )
    text += (
        f" Annual GRR {pct(placed.grr)} is in the diagnosis rule's {tier.name} band ({band}), and "
        f"{grr_standing} of {placed.stage} companies (median {pct(placed.grr_median, decimals=0)}, top "
        f"quartile {pct(placed.grr_top_quartile, decimals=0)}, assumed)."
    )
    return text


def _standing(standing: str) -> str:
    return "in the top quartile" if standing == "top quartile" else standing
