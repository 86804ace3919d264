"""Use my numbers: the sidebar's values that start the simulator from what an export measured, and where
each one came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from report.format import money
from simulator.calibration import Calibration
from simulator.levers import LEVERS
from simulator.names import fit_names
from simulator.scenario import MAX_SEGMENT_NAME, Segment
from ui.state import controls
from ui.state.tables import TABLE_DECIMALS

#: Controls an export does not measure and "use my numbers" leaves as they are: what acquiring a
#: customer costs and what serving one leaves are the founder's, not the billing data's.
KEPT_KEYS: frozenset[str] = frozenset({"cac", "gross_margin_pct"})

#: The rates rounded together, each with the sign it takes in a loss (churn and contraction
#: lose MRR, expansion gains it), so that the rounded rates keep GRR and NRR.
_RATE_FIELDS = tuple((lever.field, float(-lever.better)) for lever in LEVERS.values() if lever.segmented)


def _rounded_rates(percents: Sequence[float], signs: Sequence[float], decimals: int) -> list[float]:
    """Round rates so that every running signed sum is itself rounded once.

    Each rate then lies within one grid step of its true value, and every
    running sum (churn; churn + contraction; churn + contraction − expansion)
    within half a step: GRR and NRR move by at most half a grid step.

    >>> _rounded_rates([1.0187, 1.0680, 1.3210], [1, 1, -1], 2)
    [1.02, 1.07, 1.32]
    """
    values, before, total = [], 0.0, 0.0
    for percent, sign in zip(percents, signs, strict=True):
        total += sign * percent
        now = round(total, decimals)
        values.append(abs(round(sign * (now - before), decimals)))
        before = now
    return values


def lever_values(calibration: Calibration, current: Mapping[str, Any]) -> dict[str, Any]:
    """The sidebar values that start the simulator from the data: the forecast's scenario.

    Every control that maps onto a scenario field takes the forecast's value
    (:attr:`~simulator.calibration.Calibration.scenario`, so the simulator and the
    forecast are one thing); of the "Advanced model" refinements, the segments
    and the churned customers' size the export shows are set, the others go back to their defaults and the
    expansion ceiling goes off, so that the simulator's months are the
    forecast's; the horizon, the currency, CAC and gross margin stay as they
    are. Values are put on each control's grid and inside its range.
    """
    scenario = calibration.scenario
    values = dict(current)
    rates = [getattr(scenario, field) * 100 for field, _ in _RATE_FIELDS]
    rounded = dict(
        zip(
            (field for field, _ in _RATE_FIELDS),
            _rounded_rates(rates, [sign for _, sign in _RATE_FIELDS], controls.PERCENT_DECIMALS),
            strict=True,
        )
    )
    for control in controls.CONTROLS:
        if _advanced(control):
            if control.key not in KEPT_KEYS:
                values[control.key] = control.default
            continue
        if control.field is None or control.key == "months" or not hasattr(scenario, control.field):
            continue
        raw = getattr(scenario, control.field)
        if raw is None:
            continue
        if control.field in rounded:
            values[control.key] = controls.control_value(control, rounded[control.field] / control.divisor)
        else:
            values[control.key] = controls.control_value(control, raw)
    # The forecast caps no expansion: the sidebar's default ceiling would make the simulator another thing.
    values["ceiling_on"] = False
    if calibration.churned_size is not None:  # it moves customer counts only: the forecast is the same
        size = controls.CONTROL_BY_KEY["churned_size_x"]
        values[size.key] = controls.control_value(size, scenario.churned_size_multiple)
    if scenario.segments:
        values["segments_on"] = True
        values["segments"] = segment_rows(scenario.segments)
    return values


def segment_rows(segments: Sequence[Segment]) -> tuple[tuple[Any, ...], ...]:
    """The sidebar's segments table for calibrated segments, on its grid, keeping what they measure.

    Each segment's churn, contraction and expansion are rounded together
    (:func:`_rounded_rates`), so its GRR and NRR move by at most half a grid
    step; each share column is rounded so that it still adds up to exactly
    100% (largest remainders).
    """
    signs = [sign for _, sign in _RATE_FIELDS]
    rates = [
        _rounded_rates([getattr(s, field) * 100 for field, _ in _RATE_FIELDS], signs, TABLE_DECIMALS)
        for s in segments
    ]
    mrr_shares = _shares_to_100([s.mrr_share * 100 for s in segments])
    new_shares = _shares_to_100([s.new_customer_share * 100 for s in segments])
    names = _table_names([s.name for s in segments])
    return tuple(
        (name, *rate, mrr, new, round(s.new_customer_mrr))
        for name, s, rate, mrr, new in zip(names, segments, rates, mrr_shares, new_shares, strict=True)
    )


def _table_names(names: Sequence[str]) -> list[str]:
    """Segment names the sidebar's table (and so a shared link) takes: at most
    :data:`~simulator.scenario.MAX_SEGMENT_NAME` characters, still all different
    (:func:`simulator.names.fit_names`; the calibration's names already are).

    >>> _table_names(["x" * 50, "x" * 45, "SMB"])  # doctest: +NORMALIZE_WHITESPACE
    ['xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… 2', 'SMB']
    """
    return fit_names(list(names), most=MAX_SEGMENT_NAME, fallback="Segment")


def _shares_to_100(percents: Sequence[float]) -> list[float]:
    """Percents on the table's grid that add up to exactly 100 (the largest remainders go up).

    >>> _shares_to_100([33.33333, 33.33333, 33.33334])
    [33.3333, 33.3333, 33.3334]
    >>> sum(_shares_to_100([12.345678, 50.000001, 37.654321]))
    100.0
    """
    scale = 10**TABLE_DECIMALS
    exact = [p * scale for p in percents]
    floors = [int(value // 1) for value in exact]
    short = 100 * scale - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in by_remainder[: max(short, 0)]:
        floors[i] += 1
    return [value / scale for value in floors]


def _advanced(control: controls.Control) -> bool:
    return bool(getattr(control, "advanced", False))


def lever_rows(calibration: Calibration, values: Mapping[str, Any], currency: str) -> pd.DataFrame:
    """What "use my numbers" set: lever, value, and where the value came from."""
    fit = calibration.forecast
    first, last = fit.window
    window = f"{first} to {last}"
    inflow = fit.inflow
    weight = fit.weight
    if fit.evidence == 0 or weight >= 0.995:
        kept = "their typical MRR in full"
    elif weight <= 0.005:
        kept = (
            "the MRR that holds your MRR level (what leaks each month): on your past, the trend did no "
            "better than MRR staying where it was"
        )
    else:
        kept = (
            f"{weight * 100:.0f}% of the way from what holds MRR level to their typical MRR: about that "
            "much of the change the trend predicted happened on your past"
        )
    sources = {
        "starting_mrr": f"MRR in {fit.origin}",
        "starting_customers": f"customers paying in {fit.origin}",
        "churn_pct": f"churned MRR ÷ starting MRR, {window}, each month counting by its MRR",
        "contraction_pct": f"contraction MRR ÷ starting MRR, {window}",
        "expansion_pct": f"expansion MRR ÷ starting MRR, {window}"
        + (
            " (lowered to hold your base's growth back as the forecast does)" if fit.lowered_expansion else ""
        ),
        "new_customers": (
            f"a typical month of {window}: {inflow.new_customers:.2f} new and "
            f"{inflow.reactivated_customers:.2f} returning customers (the months' trimmed mean: the "
            "highest and lowest sixth set aside)"
        ),
        "new_customer_mrr": (
            f"the {money(inflow.mrr, currency)} a typical month brought ÷ those customers; {kept}"
        ),
        "acquisition_growth_pct": "held flat: change it to try growth",
    }
    rows = []
    for control in controls.CONTROLS:
        if control.key in ("months", "currency") or control.field is None or _advanced(control):
            continue
        value = values.get(control.key)
        if value is None:
            continue
        if control.key in ("starting_mrr", "new_customer_mrr"):
            shown = money(float(value), currency)
        elif control.divisor == 100.0:
            shown = f"{value:.2f}%"
        else:
            shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        source = sources.get(control.key, "not in an export: the engine's default")
        rows.append({"Lever": control.label_in(currency), "Set to": shown, "From the data": source})
    if calibration.segments:
        rows.append(
            {
                "Lever": "Segments",
                "Set to": ", ".join(calibration.segments),
                "From the data": (
                    f"each segment's own monthly rates and typical new and returning customers of {window}, "
                    f"and its share of MRR in {fit.origin}"
                ),
            }
        )
    early = calibration.early_churn
    if early is not None:
        rows.append(
            {
                "Lever": "Early-life churn",
                "Set to": "off",
                "From the data": (
                    f"your cohorts show it ({early.multiple:g}× in a customer's first month, against "
                    f"{early.seasoned * 100:.2f}% a month for customers older than 6 months); the monthly "
                    "rates already hold it, at your own mix of young and seasoned customers"
                ),
            }
        )
    size = calibration.churned_size
    if size is not None:
        rows.append(
            {
                "Lever": "Churned customers' size",
                "Set to": f"{values['churned_size_x']:g}× the average account",
                "From the data": (
                    f"{size.logo * 100:.2f}% of customers but {size.mrr * 100:.2f}% of MRR left a month "
                    f"in {window}"
                    + (
                        "; set within each segment, so that with their mix the simulator's month 1 "
                        "shows the same gap"
                        if calibration.segments
                        else ""
                    )
                ),
            }
        )
    rows.append(
        {
            "Lever": "Other refinements",
            "Set to": "off",
            "From the data": "failed payments, annual plans and an expansion ceiling are not in an export",
        }
    )
    return pd.DataFrame(rows)
