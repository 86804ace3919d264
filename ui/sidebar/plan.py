"""The sidebar's "Plan: initiatives & shocks" section: changes that take time.

Each initiative (or shock) moves one lever by an amount from a start month,
ramping in over some months, and may end. The table lives in session state
under the ``plan`` control of :data:`controls.CONTROLS`, in people's units
(points for a rate, % for acquisition and new-customer MRR), rides in the
address as compact JSON rows when there is one, and the engine checks it
(:func:`tables.initiatives_of`). The section is a collapsed expander below
the "Advanced model" one; the table opens in a wide popover.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from report.format import literal
from simulator.levers import BY_FIELD
from ui.state import session, tables


def _whole(value: Any) -> int | None:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if math.isfinite(value) and float(value).is_integer() else None


def describe(row: tuple[Any, ...]) -> str:
    """One initiative in a few words (pure).

    >>> describe(("Dunning", "churn_rate", -0.8, 3, 4, None))
    'Dunning: churn −0.8 pt from month 3, 4-month ramp'
    >>> describe(("Recession", "new_customers_per_month", -30.0, 1, 3, 12))
    'Recession: new customers −30%, months 1–12, 3-month ramp'
    """
    name, lever, change, start, ramp, end = row
    label = BY_FIELD[lever].noun if lever in tables.LEVER_NAMES else "no lever"
    text = f"{name}: {label}"
    if isinstance(change, (int, float)) and not isinstance(change, bool) and math.isfinite(change):
        number = f"{abs(change):.2f}".rstrip("0").rstrip(".")
        unit = " pt" if tables.LEVER_UNITS.get(lever) == "pts" else "%"
        text += f" {'−' if change < 0 else '+'}{number}{unit}"
    start_month, ramp_months, end_month = _whole(start), _whole(ramp), _whole(end)
    if start_month is not None and end_month is not None:
        text += f", months {start_month}–{end_month}"
    elif start_month is not None:
        text += f" from month {start_month}"
    if ramp_months is not None and ramp_months > 1:
        text += f", {ramp_months}-month ramp"
    return text


def lever_option(lever: str | float | bool) -> str:
    """A lever as the editor lists it, with the unit of its change: ``"Churn (pts)"``."""
    name = str(lever)
    return f"{tables.LEVER_NAMES.get(name, name)} ({tables.LEVER_UNITS.get(name, '?')})"


def _plan_editor() -> None:
    rows = st.session_state.get("plan", ())
    # Pixel widths: all seven columns fit the popover without a horizontal scroll.
    whole: dict[str, Any] = {"format": "%d", "step": 1, "width": 60}
    panel = st.popover("Edit the plan", icon=":material/edit:", width="stretch")
    panel.data_editor(
        tables.editor_frame(rows, tables.PLAN_COLUMNS, numbers_from=2),
        key=session.PLAN_EDITOR_KEY,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        placeholder="—",
        on_change=session.on_plan_edit,
        column_config={
            "Initiative": st.column_config.TextColumn(
                "Initiative", help="A name, e.g. Dunning emails.", max_chars=60, width=175
            ),
            "Lever": st.column_config.SelectboxColumn(
                "Lever",
                options=tables.LEVER_NAMES,
                format_func=lever_option,
                help="The lever this initiative moves, and the unit of its change.",
                width=165,
            ),
            "Change": st.column_config.NumberColumn(
                "Change",
                help="Points a month for churn, contraction and expansion (−0.8: 0.8 point less churn); "
                "% for new customers and new-customer MRR (−30: 30% fewer).",
                format="%.2f",
                step=0.01,
                width=70,
            ),
            "Start month": st.column_config.NumberColumn(
                "Start", help="First month it has any effect.", default=1, **whole
            ),
            "Ramp months": st.column_config.NumberColumn(
                "Ramp", help="Months to reach its full effect (1: at once).", default=1, **whole
            ),
            "End month": st.column_config.NumberColumn(
                "End", help="Last month in force; empty: to the horizon.", **whole
            ),
        },
    )
    panel.caption(
        "Change: points a month for churn, contraction and expansion; % for new customers and "
        "new-customer MRR. A shock is an initiative that hurts (churn up, new customers down). "
        "Each ramps in evenly from its start month; with no end month it lasts to the horizon."
    )


def draw_plan() -> None:
    """The "Plan" expander and, below it, the engine's message when it refuses the plan."""
    rows = st.session_state.get("plan", ())
    problem = tables.plan_problem({"plan": rows})
    with st.expander("Plan: initiatives & shocks", icon=":material/event_note:"):
        st.caption(
            "Changes that take time: each moves one lever from a start month, ramping in. "
            "Shocks too, for stress tests."
        )
        if rows:
            st.caption("\n".join(f"- {literal(describe(row))}" for row in rows))
        else:
            st.caption("No initiatives yet: the scenario is the levers above.")
        _plan_editor()
        st.button(
            "Add the recession preset",
            key="plan_recession",
            icon=":material/thunderstorm:",
            on_click=session.on_add_recession,
            help="A year of recession from month 1: churn +1 point, contraction +0.5 point, 30% fewer new "
            "customers, ramping in over 3 months. Edit it in the table.",
            width="stretch",
        )
        if rows:
            st.button(
                "Clear the plan",
                key="plan_clear",
                icon=":material/delete_sweep:",
                on_click=session.on_clear_plan,
                help="Remove every initiative.",
                width="stretch",
            )
    if rows and not problem:
        st.caption(f"Plan on: {len(rows)} initiative{'s' if len(rows) != 1 else ''}.")
    if problem:
        st.error(
            f"The plan cannot be used as it is: {problem}. (A change is checked as a fraction: "
            "1 point or 1% is 0.01.) The simulator keeps the last valid scenario until it is fixed.",
            icon=":material/block:",
        )
