"""The session's scenario: control values in ``st.session_state``, the address kept in step, the callbacks.

The scenario lives under the controls' own keys (:data:`~ui.state.controls.KEYS`,
and :data:`PRESET_KEY`), which no widget owns. Streamlit drops a widget's
value after any run that does not draw it (the presenter draws no sidebar),
so each sidebar widget has a key of its own (:func:`widget_key`), is given
its control's value before it is drawn (:func:`show_controls`), and copies a
change back (:func:`on_widget_change`). Whatever page runs, or does not draw
the sidebar, the scenario is where it was.

Pages read the scenario through :func:`current_scenario`, which falls back
to the defaults when a page runs alone. Widget callbacks (``on_*``) run
before the script; each clears the link notice and rewrites the address.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from report.revenue import MRR, VIEWS, Revenue
from simulator.scenario import Scenario, ScenarioError
from ui.state.address import (
    MAX_ADDRESS_CHARS,
    VIEW_PARAMS,
    address_length,
    fits,
    query_from_values,
    values_from_query,
)
from ui.state.controls import (
    CONTROL_BY_KEY,
    CONTROLS,
    CUSTOM,
    PRESET_KEYS,
    WORKED_EXAMPLE,
    control_value,
    defaults,
    preset_values,
    scenario_from_values,
)
from ui.state.loading import sidebar_values
from ui.state.tables import DEFAULT_SEGMENTS, PLAN_COLUMNS, edited_segments, with_recession

#: Session-state keys that are not widgets of the sidebar's controls.
PRESET_KEY = "preset"
NOTICE_KEY = "url_notice"
ADDRESS_NOTICE_KEY = "_address_notice"
_GOOD_QUERY_KEY = "_last_query_that_fits"
_LOADED_KEY = "_scenario_loaded_from_url"
_VALID_KEY = "_last_valid_values"
#: The editors' widget keys (their values are the edits, applied to ``segments`` and ``plan``).
SEGMENTS_EDITOR_KEY = "segments_editor"
PLAN_EDITOR_KEY = "plan_editor"


def current_values() -> dict[str, Any]:
    """The control values in session state, each missing one at its default."""
    return {c.key: st.session_state.get(c.key, c.default) for c in CONTROLS}


def checked_scenario() -> tuple[Scenario, str | None]:
    """The scenario the sidebar describes, and the engine's message when it refuses it.

    A refused combination (a segments table whose shares do not add up to
    100%, a rate out of range) leaves the simulator on the last valid
    scenario of the session (the defaults if there was none), while the
    sidebar keeps what the user typed.
    """
    values = current_values()
    try:
        scenario = scenario_from_values(values)
    except ScenarioError as error:
        last = st.session_state.get(_VALID_KEY) or defaults()
        return scenario_from_values(last), str(error)
    st.session_state[_VALID_KEY] = values
    return scenario, None


def valid_values() -> dict[str, Any]:
    """The control values of the scenario in use: the current ones, or the last valid ones."""
    _, problem = checked_scenario()
    return dict(st.session_state.get(_VALID_KEY) or defaults()) if problem else current_values()


def current_scenario() -> Scenario:
    """The scenario the sidebar describes, or the default one when a page runs alone."""
    return checked_scenario()[0]


def currency() -> str:
    """The currency symbol the user picked."""
    return str(st.session_state.get("currency", CONTROL_BY_KEY["currency"].default))


def revenue() -> Revenue:
    """How the user wants revenue shown: MRR, or ARR (12 × MRR)."""
    return VIEWS.get(str(st.session_state.get("revenue")), MRR)


def load_from_url() -> None:
    """On a session's first run, fill session state from the page address.

    Later runs leave session state alone: from then on the widgets own it.
    """
    if st.session_state.get(_LOADED_KEY):
        return
    values, notice = values_from_query(st.query_params.to_dict())
    for key, value in values.items():
        st.session_state[key] = value
    st.session_state.setdefault(PRESET_KEY, CUSTOM)
    st.session_state[NOTICE_KEY] = notice
    st.session_state[_LOADED_KEY] = True


#: Set by :func:`start_over`: why the session started over, shown once; and that the last run did.
_STARTED_OVER_KEY = "_started_over"
_JUST_STARTED_OVER_KEY = "_just_started_over"


def start_over(error: BaseException) -> None:
    """A page failed to draw: forget everything the session holds (the scenario, saved scenarios,
    uploads), put the defaults in the sidebar and the address, and draw again, saying why.

    Whatever the session held that broke the page is gone, so the session never stays broken. A
    failure right after starting over (the defaults themselves) is left to Streamlit, not repeated.
    """
    if st.session_state.get(_JUST_STARTED_OVER_KEY):
        raise error
    st.session_state.clear()
    st.session_state.update(defaults())
    st.session_state[PRESET_KEY] = CUSTOM
    st.session_state[_LOADED_KEY] = True  # the address held the scenario that broke it: not read again
    st.session_state[_JUST_STARTED_OVER_KEY] = True
    st.session_state[_STARTED_OVER_KEY] = (
        f"This page could not be drawn ({type(error).__name__}), so this session started over: the "
        "sidebar, the address, saved scenarios and any uploaded file are back to the defaults. If it "
        "happens again, please report it with the link you opened."
    )
    st.query_params.from_dict(query_from_values(defaults()))
    st.rerun()


def started_over() -> str | None:
    """Why the session started over, once (the run after :func:`start_over`); later runs say nothing."""
    notice = st.session_state.pop(_STARTED_OVER_KEY, None)
    return str(notice) if notice else None


def drawn() -> None:
    """A page was drawn: a later failure may start the session over again."""
    st.session_state.pop(_JUST_STARTED_OVER_KEY, None)


def link_notice() -> str | None:
    """What was wrong with the link this session opened, while the visitor has not moved a control since."""
    notice = st.session_state.get(NOTICE_KEY)
    return str(notice) if notice else None


def scenario_query() -> dict[str, str]:
    """The scenario in use as address parameters (without a page's own view parameters); when it
    does not fit in an address, the last one of the session that did (the sidebar's links carry it)."""
    query = query_from_values(valid_values())
    if fits(query):
        st.session_state[_GOOD_QUERY_KEY] = query
        return query
    return dict(st.session_state.get(_GOOD_QUERY_KEY) or query_from_values(defaults()))


def sync_url() -> None:
    """Write the current scenario to the address, when it differs from what is there.

    A scenario that does not fit in an address (:data:`~ui.state.address.MAX_ADDRESS_CHARS`) is never
    written into one: the address keeps the last scenario that fitted, and :func:`address_notice`
    says so.
    """
    wanted = query_from_values(valid_values())
    present = st.query_params.to_dict()
    wanted.update({key: present[key] for key in VIEW_PARAMS if key in present})
    if not fits(wanted):
        st.session_state[ADDRESS_NOTICE_KEY] = (
            f"This scenario does not fit in the page address ({address_length(wanted):,} characters; a "
            f"link holds at most {MAX_ADDRESS_CHARS:,}, most of it the plan's and segments' names), so the "
            "address still holds the last scenario that fitted. To share this one, save it on Scenarios and "
            "download its file; shorter names make it fit again."
        )
        return
    st.session_state[ADDRESS_NOTICE_KEY] = None
    if present != wanted:
        st.query_params.from_dict(wanted)


def address_notice() -> str | None:
    """Why the address no longer follows the scenario, while it does not fit in one."""
    notice = st.session_state.get(ADDRESS_NOTICE_KEY)
    return str(notice) if notice else None


def load_scenario(scenario: Scenario) -> list[str]:
    """Put ``scenario`` into the sidebar (the address and every page follow); returns what the
    sidebar could not hold exactly (:func:`ui.state.loading.sidebar_values`' notes)."""
    values, notes = sidebar_values(scenario, current_values())
    st.session_state.update(values)
    st.session_state[PRESET_KEY] = CUSTOM
    on_control_change()
    return notes


#: The scenario's keys a sidebar widget shows (the tables have editors of their own), and the preset.
SHOWN_KEYS: tuple[str, ...] = (*(c.key for c in CONTROLS if c.kind is not tuple), PRESET_KEY)


def widget_key(key: str) -> str:
    """The key of the sidebar widget that shows the scenario's value ``key``."""
    return f"sidebar_{key}"


def show_controls() -> None:
    """Before the sidebar is drawn: each widget is given its control's value.

    Written on every run, not only when missing: a value set in this run is
    one the browser is told to show, while a widget that was not drawn in
    the last run (the presenter's) would otherwise come back at its
    minimum in the browser and send that back on the next click.
    """
    for key in SHOWN_KEYS:
        default = CUSTOM if key == PRESET_KEY else CONTROL_BY_KEY[key].default
        st.session_state[widget_key(key)] = st.session_state.get(key, default)


def on_widget_change(key: str) -> None:
    """Callback for a sidebar widget: the scenario takes its value, the address follows."""
    st.session_state[key] = st.session_state[widget_key(key)]
    on_control_change(key)


def on_control_change(key: str | None = None) -> None:
    """After any change to the scenario's values: clear the link notice, update the address."""
    st.session_state[NOTICE_KEY] = None
    if key in PRESET_KEYS:
        st.session_state[PRESET_KEY] = CUSTOM
    sync_url()


def typed_key(key: str) -> str:
    """The widget key of a control's typed twin (a number input beside its slider)."""
    return f"typed_{key}"


def show_typed(keys: tuple[str, ...]) -> None:
    """Before the typed twins are drawn: each shows its control's value (a slider, a preset or a
    loaded scenario may have moved it since)."""
    for key in keys:
        st.session_state[typed_key(key)] = float(st.session_state.get(key, CONTROL_BY_KEY[key].default))


def on_typed_change(key: str) -> None:
    """Callback of a typed twin: the control takes the typed value, the address follows."""
    st.session_state[key] = float(st.session_state[typed_key(key)])
    on_control_change(key)


#: The calculator's four amounts: month 1 of the scenario, in money.
CALCULATOR_KEYS: tuple[str, ...] = ("calc_start_mrr", "calc_churned", "calc_contraction", "calc_expansion")
#: Set while the amounts typed into the calculator describe no possible month (they wait for a fix).
CALCULATOR_OWN_KEY = "_calculator_own_amounts"


def calculator_has_own_amounts() -> bool:
    """Whether the calculator shows amounts typed that describe no possible month (waiting for a fix)."""
    return bool(st.session_state.get(CALCULATOR_OWN_KEY))


def show_month_one(amounts: Sequence[float]) -> None:
    """Before the calculator is drawn: its amounts are the scenario's month 1, unless the visitor's
    own amounts are still waiting for a fix."""
    if calculator_has_own_amounts():
        return
    for key, amount in zip(CALCULATOR_KEYS, amounts, strict=True):
        st.session_state[key] = int(round(amount))


def on_calculator_change() -> None:
    """Callback of the calculator's amounts: a possible month becomes the scenario's starting MRR and
    rates (the sidebar and the address follow); an impossible one stays, for the page to explain."""
    start, churned, contraction, expansion = (float(st.session_state[key]) for key in CALCULATOR_KEYS)
    rates = {"churn_pct": churned, "contraction_pct": contraction, "expansion_pct": expansion}
    fits = start > 0 and all(
        CONTROL_BY_KEY[key].low <= amount / start * 100 <= CONTROL_BY_KEY[key].high  # type: ignore[operator]
        for key, amount in rates.items()
    )
    st.session_state[CALCULATOR_OWN_KEY] = not fits
    if not fits:
        return
    st.session_state["starting_mrr"] = control_value(CONTROL_BY_KEY["starting_mrr"], start)
    for key, amount in rates.items():
        st.session_state[key] = control_value(CONTROL_BY_KEY[key], amount / start)
    on_control_change("churn_pct")


def on_segments_edit() -> None:
    """Callback for the segments editor: fold its edits into the ``segments`` table."""
    edits = st.session_state.get(SEGMENTS_EDITOR_KEY) or {}
    st.session_state["segments"] = edited_segments(st.session_state.get("segments", DEFAULT_SEGMENTS), edits)
    on_control_change("segments")


def on_plan_edit() -> None:
    """Callback for the plan editor: fold its edits into the ``plan`` table."""
    edits = st.session_state.get(PLAN_EDITOR_KEY) or {}
    st.session_state["plan"] = edited_segments(st.session_state.get("plan", ()), edits, columns=PLAN_COLUMNS)
    on_control_change("plan")


def on_add_recession() -> None:
    """Callback for "Add the recession preset"."""
    st.session_state["plan"] = with_recession(st.session_state.get("plan", ()))
    on_control_change("plan")


def on_clear_plan() -> None:
    """Callback for "Clear the plan"."""
    st.session_state["plan"] = ()
    on_control_change("plan")


def on_preset_change() -> None:
    """Callback for the preset select: set its levers."""
    name = st.session_state[widget_key(PRESET_KEY)]
    st.session_state[PRESET_KEY] = name
    if name != CUSTOM:
        st.session_state.update(preset_values(name))
    on_control_change()


def try_worked_example() -> None:
    """Callback for "Try the worked example": domain example 1 as the scenario (the currency and the
    revenue view kept), so the calculator shows it exactly."""
    kept = {key: st.session_state[key] for key in ("currency", "revenue") if key in st.session_state}
    st.session_state.update({**defaults(), **WORKED_EXAMPLE, **kept})
    st.session_state[PRESET_KEY] = CUSTOM
    st.session_state[CALCULATOR_OWN_KEY] = False
    on_control_change()


def reset() -> None:
    """Callback for the reset button: every control back to its default."""
    st.session_state.update(defaults())
    st.session_state[PRESET_KEY] = CUSTOM
    on_control_change()
