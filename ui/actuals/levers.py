"""Use my numbers: the sidebar's values that start the simulator from what an export measured, and where
each one came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from simulator.actuals import (
    Levers,
)
from simulator.levers import LEVERS
from ui.format import money
from ui.state import controls

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


def lever_values(levers: Levers, current: Mapping[str, Any]) -> dict[str, Any]:
    """The sidebar values that start the simulator from the data.

    Every control that maps onto a scenario field takes the data's value; the
    "Advanced model" refinements, which an export does not measure, go back
    to their defaults (off), so that the simulator's first months reproduce
    the data; the horizon and the currency stay as they are. Values are put on
    each control's grid and inside its range.
    """
    scenario = levers.scenario
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
    return values


def _advanced(control: controls.Control) -> bool:
    return bool(getattr(control, "advanced", False))


def lever_rows(levers: Levers, values: Mapping[str, Any], currency: str) -> pd.DataFrame:
    """What "use my numbers" set: lever, value, and where the value came from."""
    first, last = levers.window
    window = f"{first} to {last} ({levers.months_in_window} months)"
    measured, measured_nrr = (f"{value * 100:.1f}%" for value in (levers.measured.grr, levers.measured.nrr))
    sources = {
        "starting_mrr": f"MRR in {levers.last_month}",
        "starting_customers": f"customers paying in {levers.last_month}",
        "churn_pct": (
            f"annual GRR {measured} ^ (1/12), split as the churned and contraction MRR of {window} "
            f"(month by month churn was {levers.monthly['churn'] * 100:.2f}%)"
        ),
        "contraction_pct": (
            f"the rest of that monthly loss (month by month: {levers.monthly['contraction'] * 100:.2f}%)"
        ),
        "expansion_pct": (
            f"annual NRR {measured_nrr} ^ (1/12) minus the monthly GRR "
            f"(month by month: {levers.monthly['expansion'] * 100:.2f}%)"
        ),
        "new_customers": f"average of {window}",
        "new_customer_mrr": f"new MRR ÷ new customers, {window}",
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
    if any(_advanced(control) for control in controls.CONTROLS):
        rows.append(
            {
                "Lever": "Advanced model refinements",
                "Set to": "off",
                "From the data": "an export measures the core levers only",
            }
        )
    return pd.DataFrame(rows)
