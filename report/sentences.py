"""Sentences the pages say about the engine's numbers (pure, no Streamlit).

Each takes figures the engine computed (:class:`~simulator.summary.Summary`,
a ranking table…) and says them; none computes a figure of its own.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from report.format import literal, money, pct
from report.revenue import MRR, Revenue
from simulator.benchmarks import SOURCES
from simulator.levers import BY_FIELD
from simulator.monte_carlo import MonteCarlo
from simulator.presets import PRESETS
from simulator.rate_uncertainty import MeasuredUncertainty, RateUncertainty
from simulator.scenario import Scenario
from simulator.summary import Summary, retention
from simulator.tiers import Verdict, verdict


def verdict_text(annual_nrr: float, annual_grr: float, verdict: Verdict) -> str:
    """The one verdict on a scenario (or an export): both tiers side by side, then the GRR diagnosis.

    >>> from simulator.tiers import verdict
    >>> text = verdict_text(1.02 ** 12, 0.96 ** 12, verdict(1.02 ** 12, 0.96 ** 12))
    >>> text[:71]
    'Annual NRR 126.8%: **Best in class**, expansion clearly outruns losses.'
    >>> text[72:]
    'Annual GRR 61.3%: **Leaky**. GRR below 90%: fix churn first; expansion cannot outrun the leak.'
    """
    nrr_tier, grr_tier = verdict.nrr_tier, verdict.grr_tier
    return (
        f"Annual NRR {pct(annual_nrr)}: **{nrr_tier.name}**, {nrr_tier.meaning}. "
        f"Annual GRR {pct(annual_grr)}: **{grr_tier.name}**. {verdict.diagnosis}"
    )


def summary_verdict(summary: Summary) -> str:
    """:func:`verdict_text` of a scenario's summary."""
    return verdict_text(summary.annual_nrr, summary.annual_grr, summary.verdict)


def plateau_text(summary: Summary, currency: str, *, shown: Revenue = MRR) -> str:
    """What the plateau means, in one or two sentences."""
    result, months = summary.plateau, summary.months
    above = summary.monthly_nrr >= 1.0
    if result.grows_by_itself:
        if above:
            return "NRR ≥ 100%: the base grows by itself. Every new customer adds to a growing foundation."
        return (
            "Monthly NRR is below 100% today, but the best-retaining customers grow: in the long run "
            "the base grows by itself, so there is no plateau."
        )
    if result.mrr is None:
        return (
            "The base shrinks, and with new-customer numbers that keep changing there is no fixed "
            f"plateau. Set their growth to 0% to see where {shown.name} would level off."
        )
    level = shown.money(result.mrr, currency)
    if result.months_to_within_5pct is None:
        return f"The base shrinks and there is no acquisition: {shown.name} drifts down towards {level}."
    when = result.months_to_within_5pct
    why = (
        f"(new {shown.name} ÷ (1 − monthly NRR))"
        if summary.scenario.is_core
        else "(where the projection levels off in the long run)"
    )
    premise = (
        "NRR is above 100% today, but expansion stops at the ceiling, so"
        if above
        else "NRR is below 100%, so"
    )
    if not summary.plateau_in_horizon:
        # The horizon's figure is the headline; a plateau years away is a note.
        now = shown.money(summary.mrr_at(months), currency)
        return (
            f"By month {months} {shown.name} reaches {now}, still climbing. {premise} acquisition and "
            f"losses would only meet at a plateau of {level} {why}, {_far(when)} from today."
        )
    timing = (
        f"{shown.name} is already within 5% of it."
        if when == 0
        else f"{shown.name} gets within 5% of it after {when} month{'s' if when != 1 else ''}."
    )
    return (
        f"{premise} acquisition and losses meet at a plateau of {level} {shown.name} {why}; past it, more "
        f"of the same acquisition only refills the bucket. {timing}"
    )


def _far(months: int) -> str:
    """A long wait in words: ``"about 19 years"``, ``"40 months"``.

    >>> _far(232), _far(40), _far(13)
    ('about 19 years', '40 months', '13 months')
    """
    return f"about {round(months / 12)} years" if months >= 60 else f"{months} months"


def leak_text(summary: Summary, currency: str, *, month: int = 1, shown: Revenue = MRR) -> str:
    """What leaks in a month, what expansion brings back, and what acquisition must add to stay flat.

    Never says nothing leaks when something does: expansion covering the leak is said as such.
    """
    leaking = summary.leaking_at(month)
    back = summary.brought_back_at(month)
    if leaking <= 0.005:
        return f"Nothing leaks in month {month}: no customer cancels or downgrades."
    lost = shown.money(leaking, currency)
    text = f"In month {month} {lost} of {shown.name} leaks out (cancellations and downgrades)"
    if back >= leaking:
        return (
            text + f"; expansion brings back {shown.money(back, currency)}, more than covers it, so "
            "acquisition adds to a base that grows by itself."
        )
    return (
        text + f"; expansion brings back {shown.money(back, currency)}, so acquisition must add "
        f"{shown.money(summary.stay_flat_at(month), currency)} just to stay flat."
    )


def comparison_text(table: pd.DataFrame, currency: str, *, months: int, shown: Revenue = MRR) -> str:
    """The "+10 points of NRR versus +30–40% acquisition" sentences, with what each returns per money
    spent when its cost is known.

    ``table`` is :func:`simulator.tradeoff.nrr_versus_acquisition`' table: the
    NRR change first, then the acquisition uplifts.
    """
    nrr_gain = float(table["mrr_gain"].iloc[0])
    acq = table.iloc[1:]
    gains = acq["mrr_gain"].to_numpy(dtype=float)
    parts = " and ".join(
        f"{change} add {shown.money(gain, currency)}"
        for change, gain in zip(acq["change"], gains, strict=True)
    )
    added = f"{shown.money(nrr_gain, currency)} of {shown.name}"
    text = f"By month {months}, +10 points of annual NRR add {added}; {parts}."
    best = acq.iloc[int(gains.argmax())]
    if float(best["mrr_gain"]) <= 0.5:
        text += f" Here NRR is the only one of these that moves {shown.name}."
    elif nrr_gain >= float(best["mrr_gain"]):
        text += f" Here NRR wins: {nrr_gain / float(best['mrr_gain']):.1f}× what {best['change']} add."
    else:
        text += (
            f" Here {best['change']} move {shown.name} more: acquisition is large next to the base. "
            "Compare the cost of each."
        )
    return text + _per_money_spent(table, currency, shown)


def _per_money_spent(table: pd.DataFrame, currency: str, shown: Revenue) -> str:
    """What each row returns per money spent, for the rows whose cost is known; else nothing."""
    priced = [row for row in table.to_dict("records") if math.isfinite(float(row["mrr_gain_per_cost"]))]
    if not priced:
        return ""
    unit = money(1, currency)
    said = [
        f"{row['change']} return {money(shown.of(float(row['mrr_gain_per_cost'])), currency, decimals=2)} "
        f"of {shown.name} per {unit} spent"
        + (
            f", paid back by month {row['payback_months']:.0f}"
            if math.isfinite(row["payback_months"])
            else ""
        )
        for row in priced
    ]
    return " Per money spent: " + "; ".join(said) + "."


def plateau_headline(summary: Summary, currency: str, *, shown: Revenue = MRR) -> str:
    """:func:`plateau_text` in one short sentence, for a slide: the plateau when MRR gets near it by
    the horizon, else the horizon's figure."""
    result, months = summary.plateau, summary.months
    if result.grows_by_itself:
        return "The base grows by itself, and every new customer adds to it."
    if result.mrr is None:
        return "The base shrinks: part of every new customer only refills the bucket."
    if not summary.plateau_in_horizon:
        return (
            f"{shown.name} reaches {shown.money(summary.mrr_at(months), currency)} by month {months}, "
            f"short of the {shown.money(result.mrr, currency)} where it would level off."
        )
    return (
        f"{shown.name} levels off at {shown.money(result.mrr, currency)}: past it, acquisition only refills "
        "the bucket."
    )


def comparison_headline(table: pd.DataFrame, currency: str, *, months: int, shown: Revenue = MRR) -> str:
    """:func:`comparison_text`'s verdict in one short sentence, for a slide.

    ``table`` is :func:`simulator.ranking.nrr_versus_acquisition`' table.
    """
    nrr_change, nrr_gain = str(table["change"].iloc[0]), float(table["mrr_gain"].iloc[0])
    acq = table.iloc[1:]
    best = acq.iloc[int(acq["mrr_gain"].to_numpy(dtype=float).argmax())]
    best_gain = float(best["mrr_gain"])
    if best_gain <= 0.5:
        return (
            f"By month {months}, {nrr_change} add {shown.money(nrr_gain, currency)} of {shown.name}; "
            "acquisition adds nothing."
        )
    if nrr_gain >= best_gain:
        return (
            f"By month {months}, {nrr_change} add {nrr_gain / best_gain:.1f}× the {shown.name} of "
            f"{best['change']}: retention wins."
        )
    return (
        f"By month {months}, {best['change']} add more {shown.name} than {nrr_change}: "
        "acquisition is large next to this base. Compare the cost of each."
    )


# The advanced model: refinements that make a year's retention differ from monthly NRR ^ 12.


def early_churn_gap_text(scenario: Scenario, *, annual: float, later: float, month: int) -> str:
    """Why the trailing-12 NRR at a later month differs from today's customers' annual NRR."""
    gap = (later - annual) * 100
    direction = "below" if gap < 0 else "above"
    plural = "" if scenario.early_churn_months == 1 else "s"
    return (
        f"The trailing-12 NRR at month {month} is {abs(gap):.1f} points {direction} today's customers' "
        f"annual NRR. New customers churn {scenario.early_churn_multiple:.1f}× the base rate in their first "
        f"month, fading to it over {scenario.early_churn_months} month{plural}: the customers paying a year "
        "before month "
        f"{month} include recent sign-ups still in that risky stretch, while today's customers are seasoned."
    )


def segment_drift_text(table: pd.DataFrame, *, months: int) -> str:
    """How the MRR-weighted blended NRR drifts as the segment mix shifts."""
    first = float(table["nrr_month"].iloc[1])
    last = float(table["nrr_month"].iloc[months])
    return (
        f"Blended NRR is MRR-weighted: each segment counts by its share of MRR, so as the mix shifts "
        f"it moves from {pct(first)} a month in month 1 to {pct(last)} in month {months}."
    )


def reduced_text(result: MonteCarlo) -> str:
    """What the work bound changed in a large simulation, and what it means for the bands."""
    said = []
    if result.paths < result.paths_asked:
        said.append(f"{result.paths:,} futures of the {result.paths_asked:,} asked")
    if result.customers_per_account > 1:
        said.append(f"each simulated account standing for {result.customers_per_account:,} customers")
    return (
        "To stay quick, this run simulates " + " and ".join(said) + ". The average path is unchanged; "
        "the bands are somewhat wider than the real spread of that many customers."
    )


def rate_range_text(
    rates: RateUncertainty,
    scenario: Scenario,
    *,
    measured: MeasuredUncertainty | None = None,
    export_name: str = "",
) -> str:
    """Where each future's rates come from: held as set, a range of the user's, or an export's (pure).

    ``measured`` and ``export_name`` say that ``rates`` is what that export measured.

    >>> from simulator.rate_uncertainty import DEFAULT
    >>> text = rate_range_text(DEFAULT, Scenario(starting_mrr=1_000, churn_rate=0.03))
    >>> text[text.index("±"):]
    '±20%, so a churn of 3.00% a month runs between 2.40% and 3.60% in about two futures of three.'
    """
    if rates.fixed:
        return (
            "Every future runs at your rates exactly, so the band is luck alone: which customers happen to "
            "leave, shrink or grow. Your rates are estimates too: give them a range to see how much wider "
            "that makes it."
        )
    if measured is not None:
        first, last = measured.months
        head = (
            f"Each future draws its own rates around yours, as closely as **{literal(export_name)}**'s "
            f"{measured.count} months from {first} to {last} pin them down: churn ±{rates.churn:.0%}, "
            f"contraction ±{rates.contraction:.0%}, expansion ±{rates.expansion:.0%}"
        )
    else:
        head = (
            "Each future draws its own churn, contraction and expansion around yours, each known to "
            f"±{rates.churn:.0%}"
        )
    churn = scenario.effective_churn_rate
    if churn > 0 and rates.churn > 0:
        low, high = churn * (1 - rates.churn), churn * (1 + rates.churn)
        return (
            f"{head}, so a churn of {pct(churn, decimals=2)} a month runs between {pct(low, decimals=2)} and "
            f"{pct(high, decimals=2)} in about two futures of three."
        )
    return head + "."


def band_sources_text(result: MonteCarlo, currency: str, *, months: int, shown: Revenue = MRR) -> str:
    """How wide the band is at the horizon, and how much of it the rates and luck each make (pure).

    The shares are of the variance across futures (:attr:`MonteCarlo.widths`); empty when the rates
    were held fixed (the band is then luck alone, as :func:`rate_range_text` says).
    """
    if result.rates.fixed:
        return ""
    last = result.widths.iloc[-1]
    share = float(last["rates_share"])
    if not math.isfinite(share):
        return f"At month {months} no future differs from another: there is no band to explain."
    width, luck_alone = float(last["mrr_width"]), float(last["mrr_width_luck_alone"])
    text = (
        f"At month {months} the band is {shown.compact(width, currency)} wide, and "
        f"{pct(share, decimals=0)} of its spread comes from not knowing your rates exactly, "
        f"{pct(1 - share, decimals=0)} from luck (which customers happen to leave or grow): with your "
        f"rates known exactly it would be about {shown.compact(luck_alone, currency)} wide."
    )
    if share >= 0.5:
        return text + " A longer or larger track record, which pins your rates down, would narrow it most."
    return text + " Luck is the larger part: better estimates of your rates would narrow it little."


def dip_text(dip_share: float, paths: int) -> str:
    """How often one month's NRR dips under 100% while the average month is above it."""
    if not math.isfinite(dip_share):
        return "No month here has an average NRR of 100% or more, so there are no misleading dips to count."
    return (
        f"In months whose average NRR across the {paths:,} futures is 100% or more, a single future's "
        f"month still dips under 100% {pct(dip_share, decimals=0)} of the time: one bad month is noise, "
        "read the trailing 12 months for the trend."
    )


def cards_note(summary: Summary) -> str:
    """What the compounding cards mean once the model is refined."""
    text = (
        "Annual NRR and GRR the cohort way: what today's customers pay at month 12 over what they pay "
        f"today (monthly NRR ^ 12 would say {pct(summary.monthly_nrr**12)})."
    )
    if summary.scenario.segments:
        text = "Blended: MRR-weighted, each segment counted by its share of MRR. " + text
    return text


# The plan: initiatives and shocks.


def impacts_text(impacts: pd.DataFrame, currency: str, *, months: int, shown: Revenue = MRR) -> str:
    """One sentence naming the plan's biggest initiative, and its heaviest shock if any (pure).

    >>> table = pd.DataFrame({"initiative": ["Dunning", "Recession"], "lever": ["churn_rate", "churn_rate"],
    ...                       "mrr_gain": [12_000.0, -30_000.0]})
    >>> text = impacts_text(table, "$", months=36)
    >>> text.startswith("Biggest gain: **Dunning** (churn), +$12,000 of MRR at month 36.")
    True
    >>> text.endswith("Heaviest shock: **Recession** (churn), −$30,000.")
    True
    """
    gains = impacts[impacts["mrr_gain"] > 0]
    shocks = impacts[impacts["mrr_gain"] < 0].sort_values("mrr_gain", kind="stable")

    def named(row: dict[Any, Any]) -> str:
        return f"**{literal(row['initiative'])}** ({BY_FIELD[row['lever']].noun})"

    parts = []
    if not gains.empty:
        top = gains.to_dict("records")[0]
        parts.append(
            f"Biggest gain: {named(top)}, {shown.signed(top['mrr_gain'], currency)} of {shown.name} at month "
            f"{months}."
        )
    if not shocks.empty:
        worst = shocks.to_dict("records")[0]
        where = "" if parts else f" of {shown.name} at month {months}"
        parts.append(f"Heaviest shock: {named(worst)}, {shown.money(worst['mrr_gain'], currency)}{where}.")
    if not parts:
        return f"No initiative of the plan changes {shown.name} at month {months}."
    return " ".join(parts)


def paths_caption(summary: Summary) -> str:
    """What the levers chart shows, in words (pure)."""
    return (
        "Each initiative ramps in evenly from its start month and, if it has an end month, stops after it. "
        f"Every figure includes the plan: monthly NRR is month 1's ({pct(summary.monthly_nrr)}), annual "
        "NRR what today's customers keep over the first year."
    )


def benchmark_sources(*keys: str) -> str:
    """Where the benchmarks shown come from, in one line (:data:`simulator.benchmarks.SOURCES`).

    >>> benchmark_sources("nrr_by_stage")
    "Source: the product's benchmark notes (docs/benchmarks.md), 2026: annual NRR of subscription \
software companies by ARR band, median and top quartile."
    """
    return " ".join(SOURCES[key].cite() for key in keys)


def preset_caption(name: str, currency: str = "$") -> str:
    """What a preset is, and what its levers give, with the tier that NRR falls in.

    >>> preset_caption("$100M+ ARR")
    'Companies at $100M+ ARR: median NRR 115%, top quartile 125%; median GRR 92% (assumed). These levers \
give annual NRR 115.0% (best in class, which starts at 115%) and GRR 92.0%, from $12,500,000 of MRR.'
    >>> preset_caption("Usage-based")[:52]
    'Usage-based pricing: typical NRR 120–160%. These lev'
    """
    preset = PRESETS[name]
    levers = preset.levers()
    figures = retention(Scenario(starting_mrr=1.0).replace(**levers))
    tier = verdict(figures.annual_nrr, figures.annual_grr).nrr_tier
    who = f"Companies at {name}" if preset.group == "Company stage" else f"{name} pricing"
    size = f", from {money(levers['starting_mrr'], currency)} of MRR" if "starting_mrr" in levers else ""
    grr = f" and GRR {pct(figures.annual_grr)}" if preset.group == "Company stage" else ""
    return (
        f"{who}: {preset.note}. These levers give annual NRR {pct(figures.annual_nrr)} "
        f"({tier.name.lower()}, which starts at {tier.low * 100:.0f}%){grr}{size}."
    )
