"""What Know your number says about an export in words: the forecast, the backtest, logo and revenue churn.

Pure: each function takes the engine's results and says them; none computes a figure.
"""

from __future__ import annotations

import math

from report.format import pct
from report.revenue import MRR, Revenue
from simulator.actuals import ChurnRates
from simulator.backtest import Backtest
from simulator.calibration import Calibration, EarlyChurn


def forecast_text(calibration: Calibration, *, months: int) -> str:
    """What the forecast line is: the simulator calibrated on the export, and what it learned there."""
    measured = calibration.measured
    text = (
        f"From {calibration.levers.last_month} on, the simulator carries on for {months} months, calibrated "
        f"on your export so that its annual NRR and GRR are the {pct(measured.nrr)} and {pct(measured.grr)} "
        "measured"
    )
    parts = []
    if calibration.segments:
        # Segment names come from the file: data, never markup, so the sentence only counts them.
        parts.append(f"with your {len(calibration.segments)} segments each at its own rates")
    early = calibration.early_churn
    if early is not None:
        parts.append(early_churn_found_text(early))
    if parts:
        text += ", " + " and ".join(parts)
    return text + ". New customers arrive at your last 12 months' average, flat."


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
