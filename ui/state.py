"""The current scenario: sidebar values in session state, mirrored in the page address.

The sidebar widgets keep their values in ``st.session_state`` under the keys of
:data:`CONTROLS`; the same keys, in the same people's units (percent, whole
customers, whole currency units), are the URL's query parameters. The pure
functions here (``values_from_query``, ``query_from_values``,
``scenario_from_values``) do the work; the few that touch Streamlit only move
values between session state and the address.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from simulator.benchmarks import PRESETS
from simulator.scenario import Scenario, ScenarioError
from ui.format import CURRENCIES


@dataclass(frozen=True)
class Control:
    """One sidebar control: its key (also its URL parameter), range and engine field.

    ``divisor`` turns the widget's value into the engine's: 100 for a percent.
    """

    key: str
    field: str | None
    kind: type
    default: Any
    low: float | None = None
    high: float | None = None
    divisor: float = 1.0
    options: tuple[str, ...] = ()


#: The sidebar's controls, in the order they are drawn and written to the address.
#: Defaults: domain.md's worked example 1 (start $100,000; 3% churn, 1%
#: contraction, 6% expansion: 102% monthly NRR), from 50 customers paying
#: $2,000 each, with 5 new customers a month at that same $2,000.
CONTROLS: tuple[Control, ...] = (
    Control("churn_pct", "churn_rate", float, 3.0, 0.0, 20.0, 100.0),
    Control("contraction_pct", "contraction_rate", float, 1.0, 0.0, 10.0, 100.0),
    Control("expansion_pct", "expansion_rate", float, 6.0, 0.0, 20.0, 100.0),
    Control("new_customers", "new_customers_per_month", int, 5, 0, 100_000),
    Control("acquisition_growth_pct", "acquisition_growth_rate", float, 0.0, -10.0, 20.0, 100.0),
    Control("new_customer_mrr", "new_customer_mrr", int, 2_000, 0, 10_000_000),
    Control("starting_mrr", "starting_mrr", int, 100_000, 0, 10_000_000_000),
    Control("starting_customers", "starting_customers", int, 50, 0, 100_000_000),
    Control("months", "months", int, 36, 12, 120),
    Control("currency", None, str, "$", options=CURRENCIES),
)
CONTROL_BY_KEY: dict[str, Control] = {c.key: c for c in CONTROLS}
KEYS: tuple[str, ...] = tuple(CONTROL_BY_KEY)

#: The levers a preset sets; moving one by hand makes the preset "Custom".
PRESET_KEYS: tuple[str, ...] = ("churn_pct", "contraction_pct", "expansion_pct")
CUSTOM = "Custom"
PRESET_KEY = "preset"
NOTICE_KEY = "url_notice"
_LOADED_KEY = "_scenario_loaded_from_url"

#: Percent sliders move in steps of 0.01 point (fine enough for rates measured
#: from data, such as 1.23%); values from a link or a preset are rounded to that
#: grid so the slider can show them.
PERCENT_DECIMALS = 2
PERCENT_STEP = 10.0**-PERCENT_DECIMALS

#: Address parameters that pick a view of one page, not part of the scenario
#: (the presenter's ``slide``): a link may carry them beside the scenario, and
#: :func:`sync_url` keeps them while the scenario changes.
VIEW_PARAMS: tuple[str, ...] = ("slide",)


def defaults() -> dict[str, Any]:
    """The default value of every control."""
    return {c.key: c.default for c in CONTROLS}


def preset_label(name: str) -> str:
    """How a preset is listed: its group, then its name."""
    if name == CUSTOM:
        return "Custom (your own levers)"
    group = "Stage" if PRESETS[name].group == "Company stage" else "Pricing"
    return f"{group} · {name}"


PRESET_OPTIONS: tuple[str, ...] = (CUSTOM, *PRESETS)


def preset_values(name: str) -> dict[str, float]:
    """The slider values a preset sets, in percent on the sliders' grid."""
    levers = PRESETS[name].levers()
    return {
        key: round(levers[CONTROL_BY_KEY[key].field] * 100, PERCENT_DECIMALS)  # type: ignore[index]
        for key in PRESET_KEYS
    }


def _parse(control: Control, text: str) -> Any:
    """One URL value, checked against the control's range; raises ValueError with a message."""
    if control.kind is str:
        if text not in control.options:
            raise ValueError(f"{control.key} is '{text}', not one of {' '.join(control.options)}")
        return text
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{control.key} is '{text}', not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{control.key} is '{text}', not a finite number")
    value: Any = round(number) if control.kind is int else round(number, PERCENT_DECIMALS)
    value = control.kind(value)
    if not control.low <= value <= control.high:  # type: ignore[operator]
        raise ValueError(
            f"{control.key} is {text}, outside the allowed range {control.low:g} to {control.high:g}"
        )
    return value


def values_from_query(params: Mapping[str, str]) -> tuple[dict[str, Any], str | None]:
    """The control values a page address asks for, or the defaults and a notice why not.

    Missing parameters take their defaults; an unknown parameter, a value that
    is not a number or is out of range, or a combination the engine refuses
    makes the whole address fall back to the defaults, with a message.

    >>> values_from_query({"churn_pct": "5"})[0]["churn_pct"]
    5.0
    >>> print(values_from_query({"churn_pct": "lots"})[1])
    This link's scenario could not be read (churn_pct is 'lots', not a number), so the default ...
    """
    values = defaults()
    try:
        for key, text in params.items():
            if key in VIEW_PARAMS:
                continue
            if key not in CONTROL_BY_KEY:
                raise ValueError(f"'{key}' is not a setting of this app")
            values[key] = _parse(CONTROL_BY_KEY[key], text)
        scenario_from_values(values)
    except ValueError as error:  # ScenarioError is a ValueError
        return defaults(), (
            f"This link's scenario could not be read ({error}), so the default scenario is shown."
        )
    return values, None


def query_from_values(values: Mapping[str, Any]) -> dict[str, str]:
    """The address parameters for some control values: every control, in order.

    >>> query_from_values(defaults())["churn_pct"]
    '3'
    """
    return {c.key: f"{values[c.key]:g}" if c.kind is not str else str(values[c.key]) for c in CONTROLS}


def scenario_from_values(values: Mapping[str, Any]) -> Scenario:
    """The engine's scenario for some control values (percent → fraction).

    Raises
    ------
    ScenarioError
        When the engine refuses the combination.
    """
    fields = {c.field: values[c.key] / c.divisor for c in CONTROLS if c.field is not None}
    fields["months"] = int(values["months"])
    return Scenario(**fields)


# Streamlit side: session state and the address.

_REQUESTED_PAGE_KEY = "_requested_page_path"


def ensure_app_navigation() -> None:
    """Make sure ``app.py`` and its ``st.navigation`` run, even for a server's first visitor.

    Streamlit decides once per server process whether the app uses the legacy
    ``pages/`` folder: it does when a ``pages/`` folder sits beside the main
    script, until some run calls ``st.navigation``. So the first session of a
    fresh server runs in the legacy mode (a page script alone, without
    ``app.py``'s sidebar, or ``app.py`` as a plain page). Called first thing in
    ``app.py`` and in every page: when the run is in that mode, it switches the
    mode off and reruns, remembering which page the address asked for so that
    :func:`follow_requested_page` can open it.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    url = st.context.url or ""
    st.session_state[_REQUESTED_PAGE_KEY] = url.rstrip("/").rsplit("/", 1)[-1] if "/" in url else ""
    st.rerun()


def follow_requested_page(pages: list[Any], current: Any) -> None:
    """After ``st.navigation``: open the page a first visitor's address asked for."""
    requested = st.session_state.pop(_REQUESTED_PAGE_KEY, None)
    if not requested or requested == current.url_path:
        return
    for page in pages:
        if page.url_path == requested:
            st.switch_page(page)


def current_values() -> dict[str, Any]:
    """The control values in session state, each missing one at its default."""
    return {c.key: st.session_state.get(c.key, c.default) for c in CONTROLS}


def current_scenario() -> Scenario:
    """The scenario the sidebar describes, or the default one when a page runs alone."""
    try:
        return scenario_from_values(current_values())
    except ScenarioError:
        return scenario_from_values(defaults())


def currency() -> str:
    """The currency symbol the user picked."""
    return str(st.session_state.get("currency", CONTROL_BY_KEY["currency"].default))


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


def sync_url() -> None:
    """Write the current scenario to the address, when it differs from what is there."""
    wanted = query_from_values(current_values())
    present = st.query_params.to_dict()
    wanted.update({key: present[key] for key in VIEW_PARAMS if key in present})
    if present != wanted:
        st.query_params.from_dict(wanted)


def on_control_change(key: str | None = None) -> None:
    """Callback for every sidebar control: clear the link notice, update the address."""
    st.session_state[NOTICE_KEY] = None
    if key in PRESET_KEYS:
        st.session_state[PRESET_KEY] = CUSTOM
    sync_url()


def on_preset_change() -> None:
    """Callback for the preset select: set its levers."""
    name = st.session_state.get(PRESET_KEY, CUSTOM)
    if name != CUSTOM:
        st.session_state.update(preset_values(name))
    on_control_change()


def reset() -> None:
    """Callback for the reset button: every control back to its default."""
    st.session_state.update(defaults())
    st.session_state[PRESET_KEY] = CUSTOM
    on_control_change()
