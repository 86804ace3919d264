"""A scenario put back into the sidebar: its control values, and what the sidebar cannot hold exactly.

Pure, like :mod:`ui.state.controls`: a scenario and the current values in, values and notes out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from simulator.scenario import Scenario, ScenarioError, to_dict
from ui.state.controls import CONTROL_BY_KEY, CONTROLS, COUNT_DECIMALS, control_value, scenario_from_values
from ui.state.tables import plan_rows, segment_rows


def sidebar_values(scenario: Scenario, current: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The sidebar's control values for a saved scenario, and what the sidebar cannot show.

    Rates become percents on the sliders' grid, counts whole numbers, each
    value within its control's range; controls without an engine field (the
    currency) keep their ``current`` value; the initiatives become the
    sidebar's plan. The notes name each field whose loaded value differs
    from the scenario's (rounded, clipped, or not in the sidebar at all);
    none means an exact load.
    """
    values = dict(current)
    for control in CONTROLS:
        if control.field is None or control.kind not in (int, float):
            continue
        raw = getattr(scenario, control.field)
        if raw is None:  # no starting customer count: the sidebar keeps its own
            continue
        values[control.key] = control_value(control, raw)
    values["ceiling_on"] = scenario.expansion_ceiling is not None
    if scenario.expansion_ceiling is not None:
        values["ceiling_x"] = round(scenario.expansion_ceiling, COUNT_DECIMALS)
    values["cac"] = control_value(CONTROL_BY_KEY["cac"], scenario.cac or 0.0)
    values["gross_margin_pct"] = control_value(
        CONTROL_BY_KEY["gross_margin_pct"], scenario.gross_margin or 0.0
    )
    values["segments_on"] = bool(scenario.segments)
    if scenario.segments:
        values["segments"] = segment_rows(scenario.segments)
    values["plan"] = plan_rows(scenario.initiatives)
    return values, _differences(scenario, values)


def _differences(scenario: Scenario, values: Mapping[str, Any]) -> list[str]:
    try:
        loaded = to_dict(scenario_from_values(values))
    except ScenarioError as error:
        return [f"the sidebar cannot hold this scenario ({error})"]
    wanted = to_dict(scenario)
    notes = []
    for field, value in wanted.items():
        if field == "starting_customers" and value is None:
            notes.append("starting_customers: the file has none, so the sidebar keeps its own count")
        elif field == "initiatives" and not _same(value, loaded[field]):
            notes.append("initiatives: each change is rounded to 0.0001 point or 0.0001%")
        elif not _same(value, loaded[field]):
            notes.append(f"{field}: {_short(value)} becomes {_short(loaded[field])}")
    return notes


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[key], right[key]) for key in left)
    if isinstance(left, float | int) and isinstance(right, float | int):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-12)
    return bool(left == right)


def _short(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value)} segments" if value else "none"
    return f"{value:g}" if isinstance(value, float) else str(value)
