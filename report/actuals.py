"""What Know your number says about an export in words: the forecast, the backtest, logo and revenue churn.

Pure: each function takes the engine's results and says them; none computes a figure.
"""

from __future__ import annotations

import math

from report.format import pct
from report.revenue import MRR, Revenue
from simulator.actuals import ChurnRates
from simulator.backtest import Backtest, RollingBacktest
from simulator.calibration import Calibration, EarlyChurn
from simulator.forecast import Fit


def forecast_text(calibration: Calibration, *, months: int, currency: str = "$", shown: Revenue = MRR) -> str:
    """What the forecast line is: the simulator calibrated on the export, and what it learned there."""
    fit = calibration.forecast
    measured = calibration.measured
    first, last = fit.window
    rates = fit.rates
    text = (
        f"From {fit.origin} on, for {months} months, the forecast carries on what your months of {first} "
        f"to {last} did: churn {pct(rates['churn'], decimals=2)}, "
        f"contraction {pct(rates['contraction'], decimals=2)} and "
        f"expansion {pct(rates['expansion'], decimals=2)} a month (what they lost and gained, "
        f"each month counting by its MRR), which compound to {pct(measured.nrr)} NRR and "
        f"{pct(measured.grr)} GRR a year"
    )
    if calibration.segments:
        # Segment names come from the file: data, never markup, so the sentence only counts them.
        text += f", each of your {len(calibration.segments)} segments at its own"
    inflow = fit.inflow
    text += (
        f". A typical month brought {shown.money(inflow.new_mrr, currency)} from new customers and "
        f"{shown.money(inflow.reactivation_mrr, currency)} from customers coming back (the months' trimmed "
        "mean: the highest and lowest sixth set aside, so a one-off large customer is not carried on). "
    )
    text += weight_text(fit)
    if fit.has_band:
        text += (
            " The shaded band runs from P10 to P90: made from how far the forecast missed on your own "
            "past, it is meant to hold 8 months in 10."
        )
    return text


def weight_text(fit: Fit) -> str:
    """How far the forecast follows the trend its rates and inflow give, and why: the export's own past."""
    if fit.evidence == 0:
        return "With no earlier months to judge that trend by, the forecast follows it in full."
    weight = fit.weight
    if weight >= 0.995:
        text = "On your past, the change this trend predicted happened, so the forecast follows it in full."
    elif weight <= 0.005:
        text = (
            "On your past, this trend did no better than MRR staying where it was, so the forecast holds "
            "MRR level: new MRR replaces what leaks."
        )
    else:
        text = (
            f"On your past, about {pct(weight, decimals=0)} of the change this trend predicted happened, so "
            f"the forecast keeps {pct(weight, decimals=0)} of it: new customers' MRR is set that far from "
            "what holds MRR level towards a typical month's."
        )
    if fit.lowered_expansion:
        text += " Expansion is lowered to hold your base's own growth back as far."
    return text


def rolling_verdict(result: RollingBacktest) -> str:
    """One sentence: whether the forecast beat "MRR stays where it is" on the export's own past."""
    ratio = result.error_ratio
    if not math.isfinite(ratio):
        return "On your own past, MRR never moved, so nothing could beat assuming it stays where it is."
    if ratio < 0.995:
        return (
            "On your own past, this forecast beat assuming MRR stays where it is: its errors were "
            f"{pct(1 - ratio, decimals=0)} smaller."
        )
    if ratio <= 1.005:
        return "On your own past, this forecast did as well as assuming MRR stays where it is, and no better."
    return (
        "On your own past, this forecast did worse than assuming MRR stays where it is: its errors were "
        f"{pct(ratio - 1, decimals=0)} larger, so read it with care."
    )


def rolling_text(result: RollingBacktest, currency: str, *, shown: Revenue = MRR) -> str:
    """The rolling backtest in plain words: how often the forecast beat the flat line, its error beside
    the flat line's, and how often the band held the actual."""
    origins = result.origins
    held = result.holdout
    beaten, lost = result.beaten, result.beaten_by
    tied = origins - beaten - lost
    others = [f"lost {_times(lost)}"] * bool(lost) + [f"tied {_times(tied)}"] * bool(tied)
    if beaten:
        parts = [f"beat the flat line {_times(beaten)} out of {origins}", *others]
        outcome = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    else:
        outcome = "never beat the flat line" + (f" ({', '.join(others)})" if others else "")
    ahead = f"the next {held} months were" if held != 1 else "the next month was"
    text = (
        f"From each of the {origins} month{'s' if origins != 1 else ''} with a year of your data before it, "
        f"{ahead} forecast from that month and the ones before only: the forecast {outcome}. It was off by "
        f"{shown.money(result.forecast_mae, currency)} a month on average, against "
        f"{shown.money(result.flat_mae, currency)} for the flat line (MRR staying at each of those months')."
    )
    coverage = result.coverage
    if math.isfinite(coverage):
        held_in = pct(coverage, decimals=0)
        text += f" Its P10–P90 band, meant to hold 8 months in 10, held the actual in {held_in}."
    return text


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def early_churn_found_text(early: EarlyChurn) -> str:
    """``"new customers churning 3.7× the seasoned rate in their first month, fading over 2 months"``."""
    plural = "" if early.months == 1 else "s"
    return (
        f"new customers churning {early.multiple:.1f}× the seasoned rate in their first month, "
        f"fading to it over {early.months} month{plural} (as your cohorts show)"
    )


def backtest_text(result: Backtest, currency: str, *, shown: Revenue = MRR) -> str:
    """How the forecast did on the months held out, beside the flat line."""
    first, last = result.fitted
    held = result.holdout
    flat = shown.money(float(result.table["flat_mrr"].to_numpy()[0]), currency)
    text = (
        f"Fitted on {first} to {last} only, the forecast of the {held} month{'s' if held != 1 else ''} to "
        f"{result.last_month} was off by {pct(result.forecast_mape)} a month on average (mean absolute "
        f"percentage error); a flat line at {last}'s {flat} "
        f"was off by {pct(result.flat_mape)}."
    )
    if math.isfinite(result.forecast_mape) and math.isfinite(result.flat_mape):
        if result.forecast_mape < result.flat_mape:
            text += " The simulator beats standing still."
        elif result.forecast_mape > result.flat_mape:
            text += " Here standing still did better: read the forecast with care."
    return text


def export_churn_text(rates: ChurnRates) -> str:
    """Logo churn beside revenue churn over an export's latest months."""
    first, last = rates.months
    if not (math.isfinite(rates.logo) and math.isfinite(rates.revenue)):
        return "Logo and revenue churn need a month with customers paying before it."
    text = (
        f"From {first} to {last}, {pct(rates.logo, decimals=2)} of customers left each month, against "
        f"{pct(rates.revenue, decimals=2)} of MRR lost to churn and contraction."
    )
    if rates.logo > rates.revenue * 1.2:
        text += " Small accounts leave more often than large ones."
    elif rates.logo * 1.2 < rates.revenue:
        text += " The accounts that leave or downgrade are the larger ones."
    return text
