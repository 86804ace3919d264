"""Sentences the pages say about the engine's numbers (pure, no Streamlit)."""

from __future__ import annotations

import math

import pandas as pd

from simulator.analysis import Plateau
from simulator.scenario import Scenario
from ui.format import money, pct

_ACTIONS = {
    "Churn": "cutting churn by {p} point",
    "Contraction": "cutting contraction by {p} point",
    "Expansion": "raising expansion by {p} point",
    "Acquisition": "winning {p}% more new customers every month",
    "Involuntary churn": "recovering failed payments worth {p} point of churn",
}
RATE_LEVERS = ("Churn", "Contraction", "Expansion")


def _action(lever: str, step_points: float) -> str:
    text = _ACTIONS[lever].format(p=f"{step_points:.1f}")
    return text if lever == "Acquisition" or step_points == 1 else text.replace(" point", " points")


def tied_levers(impacts: pd.DataFrame) -> list[str]:
    """The levers tied with the winner on MRR gained (same gain to a part in a million)."""
    top = float(impacts["mrr_gain"].iloc[0])
    return [
        str(lever)
        for lever, gain in zip(impacts["lever"], impacts["mrr_gain"], strict=True)
        if math.isclose(float(gain), top, rel_tol=1e-6, abs_tol=0.5)
    ]


def lever_verdict(
    impacts: pd.DataFrame,
    *,
    step_points: float,
    months: int,
    currency: str,
    customers_kept: float | None = None,
) -> str:
    """One sentence: which lever wins, by how much, and the tie rule when rates tie.

    ``impacts`` is :func:`simulator.analysis.lever_impacts`' ranked table.
    """
    top_gain = float(impacts["mrr_gain"].iloc[0])
    if top_gain <= 0.5:
        return (
            f"No lever moves MRR at month {months} in this scenario: there is no revenue yet to retain "
            "and no acquisition to grow. Add starting MRR or new customers."
        )
    tied = tied_levers(impacts)
    rest = impacts[~impacts["lever"].isin(tied)]
    if len(tied) > 1:
        names = ", ".join(t.lower() for t in tied[:-1]) + f" and {tied[-1].lower()}"
        text = (
            f"{names.capitalize()} tie: a change of {step_points:.1f} point"
            f"{'' if step_points == 1 else 's'} in any of them adds {money(top_gain, currency)} of MRR "
            f"by month {months}, because each moves monthly NRR by exactly that much."
        )
        if "Churn" in tied and customers_kept is not None and customers_kept >= 0.5:
            text += f" Cutting churn also keeps about {customers_kept:,.0f} more customers."
    else:
        winner = tied[0]
        text = (
            f"{winner} wins: {_action(winner, step_points)} adds {money(top_gain, currency)} "
            f"of MRR by month {months}"
        )
        if len(rest):
            runner, runner_gain = str(rest["lever"].iloc[0]), float(rest["mrr_gain"].iloc[0])
            if runner_gain > 0.5:
                text += (
                    f", {top_gain / runner_gain:.1f}× the {money(runner_gain, currency)} from "
                    f"{_action(runner, step_points)}."
                )
            else:
                text += f"; {_action(runner, step_points)} adds nothing."
            rest = rest.iloc[1:]
        else:
            text += "."
    if len(tied) > 1 and len(rest):
        runner, runner_gain = str(rest["lever"].iloc[0]), float(rest["mrr_gain"].iloc[0])
        text += f" Next: {_action(runner, step_points)} adds {money(runner_gain, currency)}."
    return text


def plateau_text(result: Plateau, currency: str, *, months: int) -> str:
    """What the plateau means, in one or two sentences."""
    if result.grows_by_itself:
        return "NRR ≥ 100%: the base grows by itself. Every new customer adds to a growing foundation."
    if result.mrr is None:
        return (
            "NRR is below 100%, so the base shrinks; with new-customer numbers that keep changing "
            "there is no fixed plateau. Set their growth to 0% to see where MRR would level off."
        )
    level = money(result.mrr, currency)
    if result.months_to_within_5pct is None:
        return f"NRR is below 100% and there is no acquisition: MRR drifts down towards {level}."
    when = result.months_to_within_5pct
    timing = (
        "MRR is already within 5% of it."
        if when == 0
        else f"MRR gets within 5% of it after {when} month{'s' if when != 1 else ''}"
        + (f", beyond the {months}-month horizon." if when > months else ".")
    )
    return (
        f"NRR is below 100%, so acquisition and losses meet at a plateau of {level} MRR "
        f"(new MRR ÷ (1 − monthly NRR)); past it, more of the same acquisition only refills the bucket. "
        f"{timing}"
    )


def comparison_text(table: pd.DataFrame, currency: str, *, months: int) -> str:
    """The "+10 points of NRR versus +30–40% acquisition" sentence.

    ``table`` is :func:`simulator.analysis.nrr_versus_acquisition`' table: the
    NRR change first, then the acquisition uplifts.
    """
    nrr_gain = float(table["mrr_gain"].iloc[0])
    acq = table.iloc[1:]
    parts = " and ".join(f"{row.change} add {money(row.mrr_gain, currency)}" for row in acq.itertuples())
    text = f"By month {months}, +10 points of annual NRR add {money(nrr_gain, currency)} of MRR; {parts}."
    best = acq.loc[acq["mrr_gain"].idxmax()]
    if float(best["mrr_gain"]) <= 0.5:
        return text + " Here NRR is the only one of these that moves MRR."
    if nrr_gain >= float(best["mrr_gain"]):
        return text + f" Here NRR wins: {nrr_gain / float(best['mrr_gain']):.1f}× what {best['change']} add."
    return (
        text + f" Here {best['change']} move MRR more: acquisition is large next to the base. "
        "Compare the cost of each."
    )


def tier_text(annual_nrr: float, tier_name: str, meaning: str) -> str:
    """``"Annual NRR 126.8%: best in class, expansion clearly outruns losses."``"""
    return f"Annual NRR {pct(annual_nrr)}: **{tier_name}**, {meaning}."


def plateau_headline(result: Plateau, currency: str) -> str:
    """:func:`plateau_text` in one short sentence, for a slide.

    >>> plateau_headline(Plateau(grows_by_itself=False, mrr=250_000.0, months_to_within_5pct=61), "$")
    'Below 100% NRR, MRR levels off at $250,000: past it, acquisition only refills the bucket.'
    """
    if result.grows_by_itself:
        return "NRR ≥ 100%: the base grows by itself, and every new customer adds to it."
    if result.mrr is None:
        return "Below 100% NRR the base shrinks: part of every new customer only refills the bucket."
    return (
        f"Below 100% NRR, MRR levels off at {money(result.mrr, currency)}: "
        "past it, acquisition only refills the bucket."
    )


def comparison_headline(table: pd.DataFrame, currency: str, *, months: int) -> str:
    """:func:`comparison_text`'s verdict in one short sentence, for a slide.

    ``table`` is :func:`simulator.analysis.nrr_versus_acquisition`' table.
    """
    nrr_change, nrr_gain = str(table["change"].iloc[0]), float(table["mrr_gain"].iloc[0])
    acq = table.iloc[1:]
    best = acq.loc[acq["mrr_gain"].idxmax()]
    best_gain = float(best["mrr_gain"])
    if best_gain <= 0.5:
        return (
            f"By month {months}, {nrr_change} add {money(nrr_gain, currency)} of MRR; "
            "acquisition adds nothing."
        )
    if nrr_gain >= best_gain:
        return (
            f"By month {months}, {nrr_change} add {nrr_gain / best_gain:.1f}× the MRR of "
            f"{best['change']}: retention wins."
        )
    return (
        f"By month {months}, {best['change']} add more MRR than {nrr_change}: "
        "acquisition is large next to this base. Compare the cost of each."
    )


# The advanced model: refinements that make NRR differ from monthly NRR ^ 12.


def blended_monthly(scenario: Scenario) -> tuple[float, float]:
    """Monthly NRR and GRR from the levers, after recovered failed payments.

    With segments, each segment's rates weighted by its share of the starting
    MRR (the month-1 blend; the mix, and so the blend, drifts afterwards).
    In the core model these are exactly ``scenario.monthly_nrr`` and ``monthly_grr``.
    """
    recovered = 1.0 - scenario.involuntary_churn_share * scenario.involuntary_recovery_rate
    if not scenario.segments:
        if recovered == 1.0:
            return scenario.monthly_nrr, scenario.monthly_grr
        grr = 1.0 - scenario.effective_churn_rate - scenario.contraction_rate
        return grr + scenario.expansion_rate, grr
    grr = sum(s.mrr_share * (1.0 - s.churn_rate * recovered - s.contraction_rate) for s in scenario.segments)
    expansion = sum(s.mrr_share * s.expansion_rate for s in scenario.segments)
    return grr + expansion, grr


def early_churn_gap_text(scenario: Scenario, *, shortcut: float, real: float, month: int) -> str:
    """Why the real trailing-12 cohort NRR differs from monthly NRR ^ 12, in a sentence or two."""
    gap = (real - shortcut) * 100
    direction = "below" if gap < 0 else "above"
    plural = "" if scenario.early_churn_months == 1 else "s"
    text = (
        f"The real trailing-12 NRR at month {month} is {abs(gap):.1f} points {direction} monthly NRR^12. "
        f"New customers churn {scenario.early_churn_multiple:.1f}× the base rate in their first month, "
        f"fading to it over {scenario.early_churn_months} month{plural}; "
        "the customers paying a year earlier include recent sign-ups still in that risky stretch, "
        "while the power-of-12 shortcut treats every customer as a seasoned one."
    )
    others = [
        name
        for name, on in (
            ("annual plans", scenario.annual_plan_share > 0),
            ("the expansion ceiling", scenario.expansion_ceiling is not None),
            ("the segment mix", bool(scenario.segments)),
        )
        if on
    ]
    if others:
        names = ", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1 else others[0]
        text += f" Part of the gap comes from {names}."
    return text


def segment_drift_text(table: pd.DataFrame, *, months: int) -> str:
    """How the MRR-weighted blended NRR drifts as the segment mix shifts."""
    first = float(table["nrr_month"].iloc[1])
    last = float(table["nrr_month"].iloc[months])
    return (
        f"Blended NRR is MRR-weighted: each segment counts by its share of MRR, so as the mix shifts "
        f"it moves from {pct(first)} a month in month 1 to {pct(last)} in month {months}."
    )


def dip_text(dip_share: float, paths: int) -> str:
    """How often one month's NRR dips under 100% while the average month is above it."""
    if not math.isfinite(dip_share):
        return "No month here has an average NRR of 100% or more, so there are no misleading dips to count."
    return (
        f"In months whose average NRR across the {paths:,} futures is 100% or more, a single future's "
        f"month still dips under 100% {pct(dip_share, decimals=0)} of the time: one bad month is noise, "
        "read the trailing 12 months for the trend."
    )


def cards_note(scenario: Scenario, *, year_end: int, shortcut: float) -> str:
    """What the compounding cards mean once the model is refined."""
    text = (
        f"Trailing 12: the customers paying at month {year_end - 12}, what they pay at month {year_end} "
        f"over what they paid then (monthly NRR^12 would say {pct(shortcut)})."
    )
    if scenario.segments:
        text = "Blended: MRR-weighted, each segment's NRR counted by its share of starting MRR. " + text
    return text
