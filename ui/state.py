"""The current scenario: sidebar values in session state, mirrored in the page address.

The sidebar widgets keep their values in ``st.session_state`` under the keys of
:data:`CONTROLS`; the same keys, in the same people's units (percent, whole
customers, whole currency units), are the URL's query parameters. The pure
functions here (``values_from_query``, ``query_from_values``,
``scenario_from_values``) do the work; the few that touch Streamlit only move
values between session state and the address.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from simulator.levers import BY_FIELD
from simulator.presets import PRESETS, recession
from simulator.scenario import (
    INITIATIVE_LEVERS,
    MAX_SEGMENTS,
    Initiative,
    Scenario,
    ScenarioError,
    Segment,
)
from ui.format import CURRENCIES


@dataclass(frozen=True)
class Control:
    """One sidebar control: its key (also its URL parameter), range and engine field.

    ``divisor`` turns the widget's value into the engine's: 100 for a percent.
    ``advanced`` marks the "Advanced model" refinements: the address carries
    them only when they differ from their default, so a core scenario's link
    stays as it was. ``kind`` ``bool`` is a toggle ("1"/"0" in the address);
    ``tuple`` is a table: the segments (see :func:`segments_from_text`) or
    the plan's initiatives (see :func:`plan_from_text`).
    """

    key: str
    field: str | None
    kind: type
    default: Any
    low: float | None = None
    high: float | None = None
    divisor: float = 1.0
    options: tuple[str, ...] = ()
    advanced: bool = False


#: The segments table's columns, in people's units: a name, five percents, new-customer MRR.
SEGMENT_COLUMNS: tuple[str, ...] = (
    "Segment",
    "Churn %",
    "Contraction %",
    "Expansion %",
    "Share of MRR %",
    "Share of new customers %",
    "New-customer MRR",
)
#: The segments a user starts from when turning segments on: a typical SMB /
#: mid-market / enterprise split (domain.md: SMB churns most, enterprise expands most).
DEFAULT_SEGMENTS: tuple[tuple[Any, ...], ...] = (
    ("SMB", 4.5, 1.5, 3.0, 30.0, 70.0, 800),
    ("Mid-market", 2.5, 1.0, 5.0, 40.0, 25.0, 3_000),
    ("Enterprise", 1.0, 0.5, 6.0, 30.0, 5.0, 12_000),
)
MAX_SEGMENT_NAME = 40

#: The plan's columns: initiatives and shocks, each moving one lever from a start
#: month, ramping in; the change is in points for a rate and in % for acquisition
#: and new-customer MRR (both are hundredths of the engine's change). No end month: for good.
PLAN_COLUMNS: tuple[str, ...] = ("Initiative", "Lever", "Change", "Start month", "Ramp months", "End month")
#: The plan's levers in people's words, with the unit of their change (from the lever registry).
LEVER_NAMES: dict[str, str] = {field: BY_FIELD[field].name for field in INITIATIVE_LEVERS}
LEVER_UNITS: dict[str, str] = {
    field: "pts" if BY_FIELD[field].is_rate else "%" for field in INITIATIVE_LEVERS
}
#: What an address may hold (a saved scenario's plan loads whole into the sidebar, links included).
MAX_INITIATIVES = 50
MAX_INITIATIVE_NAME = 200

#: The sidebar's controls, in the order they are drawn and written to the address.
#: Defaults: domain.md's worked example 1 (start $100,000; 3% churn, 1%
#: contraction, 6% expansion: 102% monthly NRR), from 50 customers paying
#: $2,000 each, with 5 new customers a month at that same $2,000.
CONTROLS: tuple[Control, ...] = (
    Control("churn_pct", "churn_rate", float, 3.0, 0.0, 20.0, 100.0),
    Control("contraction_pct", "contraction_rate", float, 1.0, 0.0, 10.0, 100.0),
    Control("expansion_pct", "expansion_rate", float, 6.0, 0.0, 20.0, 100.0),
    Control("new_customers", "new_customers_per_month", float, 5.0, 0, 100_000),
    Control("acquisition_growth_pct", "acquisition_growth_rate", float, 0.0, -10.0, 20.0, 100.0),
    Control("new_customer_mrr", "new_customer_mrr", int, 2_000, 0, 10_000_000),
    Control("starting_mrr", "starting_mrr", int, 100_000, 0, 10_000_000_000),
    Control("starting_customers", "starting_customers", int, 50, 0, 100_000_000),
    Control("months", "months", int, 36, 12, 120),
    Control("currency", None, str, "$", options=CURRENCIES),
    # The "Advanced model" refinements; at these defaults the engine is exactly the core model.
    Control("early_churn_x", "early_churn_multiple", float, 1.0, 1.0, 10.0, advanced=True),
    Control("early_churn_months", "early_churn_months", int, 0, 0, 36, advanced=True),
    Control("involuntary_pct", "involuntary_churn_share", float, 0.0, 0.0, 100.0, 100.0, advanced=True),
    Control("recovery_pct", "involuntary_recovery_rate", float, 0.0, 0.0, 100.0, 100.0, advanced=True),
    Control("annual_plans_pct", "annual_plan_share", float, 0.0, 0.0, 100.0, 100.0, advanced=True),
    Control("ceiling_on", None, bool, False, advanced=True),
    Control("ceiling_x", None, float, 3.0, 1.0, 100.0, advanced=True),
    Control("segments_on", None, bool, False, advanced=True),
    Control("segments", None, tuple, DEFAULT_SEGMENTS, advanced=True),
    # The plan: initiatives and shocks (none by default; in the address only when there are some).
    Control("plan", None, tuple, (), advanced=True),
)
CONTROL_BY_KEY: dict[str, Control] = {c.key: c for c in CONTROLS}
KEYS: tuple[str, ...] = tuple(CONTROL_BY_KEY)

#: The levers a preset sets; moving one by hand makes the preset "Custom".
PRESET_KEYS: tuple[str, ...] = ("churn_pct", "contraction_pct", "expansion_pct")
CUSTOM = "Custom"
PRESET_KEY = "preset"
NOTICE_KEY = "url_notice"
_LOADED_KEY = "_scenario_loaded_from_url"
_VALID_KEY = "_last_valid_values"
#: The segments editor's widget key (its value is the edits, applied to ``segments``).
SEGMENTS_EDITOR_KEY = "segments_editor"
#: The plan editor's widget key (its value is the edits, applied to ``plan``).
PLAN_EDITOR_KEY = "plan_editor"

#: Rates are kept to 4 decimals of a percent (a millionth of MRR): fine enough that
#: levers measured from data reproduce their annual NRR and GRR to the decimal shown.
#: Sliders move in steps of 0.01 point and show two decimals.
PERCENT_DECIMALS = 4
PERCENT_STEP = 0.01
PERCENT_FORMAT = "%.2f"
#: New customers a month may be fractional (an average: 3.5 a month), to two decimals.
COUNT_DECIMALS = 2

#: Address parameters that pick a view of one page, not part of the scenario
#: (the presenter's ``slide``, the scenarios page's ``compare``): a link may carry
#: them beside the scenario, and :func:`sync_url` keeps them while the scenario changes.
VIEW_PARAMS: tuple[str, ...] = ("slide", "compare")


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


def on_grid(control: Control, number: float) -> Any:
    """A number in the control's units on its grid: whole, or to its decimals (not clipped).

    >>> on_grid(CONTROL_BY_KEY["churn_pct"], 3.018749), on_grid(CONTROL_BY_KEY["new_customers"], 3.5)
    (3.0187, 3.5)
    """
    if control.kind is int:
        return int(round(number))
    decimals = PERCENT_DECIMALS if control.divisor == 100.0 else COUNT_DECIMALS
    return float(round(number, decimals))


def control_value(control: Control, field_value: float) -> Any:
    """The control's value for an engine field's value: in people's units, on the grid, in range.

    >>> control_value(CONTROL_BY_KEY["churn_pct"], 0.0301874), control_value(CONTROL_BY_KEY["months"], 600)
    (3.0187, 120)
    """
    value = on_grid(control, field_value * control.divisor)
    return control.kind(min(max(value, control.low), control.high))  # type: ignore[type-var]


def _parse(control: Control, text: str) -> Any:
    """One URL value, checked against the control's range; raises ValueError with a message."""
    if control.kind is bool:
        if text not in ("0", "1"):
            raise ValueError(f"{control.key} is '{text}', not 0 or 1")
        return text == "1"
    if control.kind is tuple:
        return plan_from_text(text) if control.key == "plan" else segments_from_text(text)
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
    value = on_grid(control, number)
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
        if "segments" in params:  # a table kept while segments are off must be valid too
            scenario_from_values({**values, "segments_on": True})
    except ValueError as error:  # ScenarioError is a ValueError
        return defaults(), (
            f"This link's scenario could not be read ({error}), so the default scenario is shown."
        )
    return values, None


def query_from_values(values: Mapping[str, Any]) -> dict[str, str]:
    """The address parameters for some control values: every control, in order.

    An advanced control is left out while it is at its default.

    >>> query_from_values(defaults())["churn_pct"]
    '3'
    >>> query_from_values({**defaults(), "ceiling_on": True})["ceiling_on"]
    '1'
    """
    return {
        c.key: _text(c, values[c.key]) for c in CONTROLS if not (c.advanced and values[c.key] == c.default)
    }


def _text(control: Control, value: Any) -> str:
    if control.kind is bool:
        return "1" if value else "0"
    if control.kind is tuple:
        return segments_to_text(value)  # the same compact JSON rows for the plan
    if control.kind is str:
        return str(value)
    if control.kind is int:
        return str(int(value))  # `:g` would write 25000000 as 2.5e+07 and lose digits past six
    return f"{value:.12g}"


def _number_or_none(value: Any) -> float | None:
    """A table cell as a number, ``None`` for an empty one; text that is not a number stays text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def segments_to_text(rows: Any) -> str:
    """The segments table as one compact address parameter: a JSON list of rows.

    >>> segments_to_text((("SMB", 4.5, 1.5, 3.0, 100.0, 100.0, 800),))
    '[["SMB",4.5,1.5,3,100,100,800]]'
    """
    compact = [
        [
            cell if isinstance(cell, str) or cell is None else round(float(cell), PERCENT_DECIMALS)
            for cell in row
        ]
        for row in rows
    ]
    compact = [[int(c) if isinstance(c, float) and c.is_integer() else c for c in row] for row in compact]
    return json.dumps(compact, separators=(",", ":"), ensure_ascii=False)


def _json_rows(text: str, param: str, item: str, most: int, width: int) -> list[tuple[int, list[Any]]]:
    """The rows of a table parameter (``segments``, ``plan``): 1 to ``most`` JSON lists of ``width`` values.

    Returns ``(position, row)`` pairs from 1; raises ``ValueError`` naming the parameter or row.
    """
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{param} is not a list of {item}s: {error.msg}") from None
    if not isinstance(rows, list) or not 1 <= len(rows) <= most:
        raise ValueError(f"{param} must be a list of 1 to {most} {item}s")
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != width:
            raise ValueError(f"{item} {position} must have {width} values")
    return list(enumerate(rows, start=1))


def segments_from_text(text: str) -> tuple[tuple[Any, ...], ...]:
    """The segments table from its address form; raises ValueError saying what is wrong.

    The ranges and the shares adding to 100% are the engine's to check (see
    :func:`scenario_from_values`); this only checks the shape.

    >>> segments_from_text('[["SMB",4.5,1.5,3,100,100,800]]')
    (('SMB', 4.5, 1.5, 3.0, 100.0, 100.0, 800.0),)
    >>> segments_from_text('oops')
    Traceback (most recent call last):
    ...
    ValueError: segments is not a list of segments: ...
    """
    table = []
    for position, row in _json_rows(text, "segments", "segment", MAX_SEGMENTS, len(SEGMENT_COLUMNS)):
        name, *numbers = row
        if not isinstance(name, str) or len(name) > MAX_SEGMENT_NAME:
            raise ValueError(f"segment {position} needs a name of at most {MAX_SEGMENT_NAME} characters")
        for number in numbers:
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
                raise ValueError(f"segment {position} has '{number}', not a finite number")
        table.append((name, *(round(float(n), PERCENT_DECIMALS) for n in numbers)))
    return tuple(table)


def segments_of(rows: Any) -> tuple[Segment, ...]:
    """The engine's segments for a table in people's units; the engine checks every value.

    Raises
    ------
    ScenarioError
        The engine's message (a rate out of range, shares not adding to 100%…).
    """
    segments = []
    for row in rows:
        name, churn, contraction, expansion, mrr_share, new_share, new_mrr = (
            _number_or_none(cell) if i else cell for i, cell in enumerate(row)
        )
        percents = {
            "churn_rate": churn,
            "contraction_rate": contraction,
            "expansion_rate": expansion,
            "mrr_share": mrr_share,
            "new_customer_share": new_share,
        }
        segments.append(
            Segment(
                name=name.strip() if isinstance(name, str) else name,
                **{
                    field: value / 100 if isinstance(value, float) else value
                    for field, value in percents.items()
                },
                new_customer_mrr=new_mrr,  # type: ignore[arg-type]
            )
        )
    return tuple(segments)


def plan_from_text(text: str) -> tuple[tuple[Any, ...], ...]:
    """The plan from its address form; raises ValueError saying what is wrong.

    Only the shape is checked here; the engine checks the values (see
    :func:`initiatives_of`).

    >>> plan_from_text('[["Dunning","churn_rate",-0.8,3,4,null]]')
    (('Dunning', 'churn_rate', -0.8, 3, 4, None),)
    >>> plan_from_text('[["Dunning"]]')
    Traceback (most recent call last):
    ...
    ValueError: initiative 1 must have 6 values
    """
    table = []
    for position, row in _json_rows(text, "plan", "initiative", MAX_INITIATIVES, len(PLAN_COLUMNS)):
        name, lever, *numbers = row
        if not isinstance(name, str) or len(name) > MAX_INITIATIVE_NAME:
            raise ValueError(
                f"initiative {position} needs a name of at most {MAX_INITIATIVE_NAME} characters"
            )
        if lever not in INITIATIVE_LEVERS:
            raise ValueError(
                f"initiative {position} has the lever '{lever}', not one of {' '.join(LEVER_NAMES)}"
            )
        for index, number in enumerate(numbers):
            optional = index == len(numbers) - 1  # no end month: in force to the horizon
            if number is None and optional:
                continue
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
                raise ValueError(f"initiative {position} has '{number}', not a finite number")
        change, *months = numbers
        table.append(
            (
                name,
                lever,
                round(float(change), PERCENT_DECIMALS),
                *(int(m) if isinstance(m, (int, float)) and float(m).is_integer() else m for m in months),
            )
        )
    return tuple(table)


def initiatives_of(rows: Any) -> tuple[Initiative, ...]:
    """The engine's initiatives for the plan in people's units; the engine checks every value.

    A change in points or % is a hundredth of the engine's (fraction points, relative change).

    Raises
    ------
    ScenarioError
        The engine's message (a name missing, a start month of 0, an end before the start…).
    """
    initiatives = []
    for position, row in enumerate(rows, start=1):
        name, lever, change, start, ramp, end = (
            _number_or_none(cell) if i > 1 else cell for i, cell in enumerate(row)
        )
        if lever is None:
            label = name.strip() if isinstance(name, str) and name.strip() else str(position)
            raise ScenarioError(
                f"initiative '{label}' needs a lever: churn, contraction, expansion, new customers "
                "or new-customer MRR"
            )
        initiatives.append(
            Initiative(
                name=name.strip() if isinstance(name, str) else name,
                lever=lever,
                change=change / 100 if isinstance(change, float) else change,  # type: ignore[arg-type]
                start_month=start,  # type: ignore[arg-type]
                ramp_months=ramp,  # type: ignore[arg-type]
                end_month=end,  # type: ignore[arg-type]
            )
        )
    return tuple(initiatives)


def plan_rows(initiatives: Any) -> tuple[tuple[Any, ...], ...]:
    """The plan table (people's units) for some engine initiatives.

    >>> plan_rows((Initiative("Dunning", "churn_rate", -0.008, start_month=3, ramp_months=4),))
    (('Dunning', 'churn_rate', -0.8, 3, 4, None),)
    """
    return tuple(
        (i.name, i.lever, round(i.change * 100, PERCENT_DECIMALS), i.start_month, i.ramp_months, i.end_month)
        for i in initiatives
    )


def plan_problem(values: Mapping[str, Any]) -> str | None:
    """The engine's message when it refuses the plan, else ``None``."""
    try:
        initiatives_of(values.get("plan") or ())
    except ScenarioError as error:
        return str(error)
    return None


def scenario_from_values(values: Mapping[str, Any]) -> Scenario:
    """The engine's scenario for some control values (percent → fraction).

    Raises
    ------
    ScenarioError
        When the engine refuses the combination.
    """
    fields: dict[str, Any] = {c.field: values[c.key] / c.divisor for c in CONTROLS if c.field is not None}
    fields["months"] = int(values["months"])
    fields["early_churn_months"] = int(values["early_churn_months"])
    fields["expansion_ceiling"] = float(values["ceiling_x"]) if values["ceiling_on"] else None
    if values["segments_on"]:
        fields["segments"] = segments_of(values["segments"])
    if values.get("plan"):
        fields["initiatives"] = initiatives_of(values["plan"])
    return Scenario(**fields)


# Streamlit side: session state and the address.

_REQUESTED_PAGE_KEY = "_requested_page_path"
_NAV_RERUNS_KEY = "_navigation_reruns"
_APP_RUN_ATTR = "_nrr_app_ran_this_run"


def ensure_app_navigation(*, entry: bool = False) -> None:
    """Make sure ``app.py`` and its ``st.navigation`` run, even for a server's first visitors.

    Streamlit decides per server process whether the app uses the legacy
    ``pages/`` folder: it does when a ``pages/`` folder sits beside the main
    script, until some run calls ``st.navigation``. So the first sessions of a
    fresh server (several, when a room opens one link at once) may run a page
    script alone, without ``app.py``'s sidebar. ``app.py`` calls this first
    with ``entry=True``, which marks the run; a page calls it first too and,
    when the run did not pass through ``app.py`` although ``app.py`` is the
    app, switches the legacy mode off and reruns, remembering the page the
    address asked for so that :func:`follow_requested_page` opens it. The
    check is per run, not the shared flag: another session may have cleared
    the flag after this run began.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if entry:
        if ctx is not None:
            setattr(ctx, _APP_RUN_ATTR, ctx.cursors)  # a new dict every run: marks this run
        if not PagesManager.uses_pages_directory:
            st.session_state.pop(_NAV_RERUNS_KEY, None)
            return
    else:
        ran_app = ctx is not None and getattr(ctx, _APP_RUN_ATTR, None) is ctx.cursors
        app_is_main = ctx is not None and Path(ctx.main_script_path).name == "app.py"
        if ran_app or not (app_is_main or PagesManager.uses_pages_directory):
            return
    # Never loop: two reruns in a row are enough for any visitor.
    reruns = st.session_state.get(_NAV_RERUNS_KEY, 0)
    if reruns >= 2:
        return
    st.session_state[_NAV_RERUNS_KEY] = reruns + 1
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
    wanted = query_from_values(valid_values())
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


def edited_segments(
    rows: Any, edits: Mapping[str, Any], *, columns: tuple[str, ...] = SEGMENT_COLUMNS
) -> tuple[tuple[Any, ...], ...]:
    """The segments table (or the plan, with its ``columns``) after ``st.data_editor``'s edits.

    Edited, deleted and added rows are applied; other columns of the editor are ignored.

    Cells keep what the user typed, even when the engine will refuse it.

    >>> edited_segments((("A", 1.0, 0.0, 0.0, 100.0, 100.0, 500.0),),
    ...                 {"edited_rows": {0: {"Churn %": 2.5}}, "added_rows": [{"Segment": "B"}]})
    (('A', 2.5, 0.0, 0.0, 100.0, 100.0, 500.0), ('B', None, None, None, None, None, None))
    """
    table = [list(row) for row in rows]
    for index, changes in (edits.get("edited_rows") or {}).items():
        row = int(index)
        if 0 <= row < len(table):
            for column, value in changes.items():
                if column in columns:
                    table[row][columns.index(column)] = value
    deleted = {int(index) for index in edits.get("deleted_rows") or ()}
    table = [row for index, row in enumerate(table) if index not in deleted]
    for added in edits.get("added_rows") or ():
        table.append([added.get(column) for column in columns])
    return tuple(tuple(row) for row in table)


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


def with_recession(rows: Any, start_month: int = 1) -> tuple[tuple[Any, ...], ...]:
    """The plan with the recession preset's rows added (those not already in it, by name).

    >>> [row[0] for row in with_recession(())]
    ['Recession: churn', 'Recession: downgrades', 'Recession: fewer new customers']
    >>> len(with_recession(with_recession(())))
    3
    """
    names = {row[0] for row in rows}
    return tuple(rows) + tuple(row for row in plan_rows(recession(start_month)) if row[0] not in names)


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
    name = st.session_state.get(PRESET_KEY, CUSTOM)
    if name != CUSTOM:
        st.session_state.update(preset_values(name))
    on_control_change()


def reset() -> None:
    """Callback for the reset button: every control back to its default."""
    st.session_state.update(defaults())
    st.session_state[PRESET_KEY] = CUSTOM
    on_control_change()
