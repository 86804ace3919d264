"""The Biggest lever page's controls: how to compare the levers, what they cost, and "apply".

:func:`ranking_ui` draws the widgets and returns a :class:`Choice`; the
ranking itself is :func:`ui.cache.ranking`. :func:`apply_buttons` puts any
row's scenario into the sidebar (the address and every page follow).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import streamlit as st

from report import ranking as words
from report.format import money, tick_prefix
from report.sentences import benchmark_sources
from simulator.levers import BY_FIELD
from simulator.peers import PRICING_MODELS, STAGES, Target, stage_for_arr, top_quartile
from simulator.ranking import DEFAULT_MODE, DEFAULT_STEPS, MODES, Mode, Ranking
from simulator.scenario import Scenario
from simulator.tactics import ASSUMPTIONS
from simulator.upside import Costs
from ui.state import session

MODE_KEY = "lever_mode"
RELATIVE_KEY = "lever_step_pct"
POINTS_KEY = "lever_step_points"
TARGET_KEY = "lever_target"
RETENTION_COST_KEY = "lever_retention_cost"
EXPANSION_COST_KEY = "lever_expansion_cost"
_APPLIED_KEY = "_lever_applied"
FROM_ARR = "Top quartile of my stage (from ARR)"

#: What each mode compares, in a founder's words.
MODE_HELP: dict[str, str] = {
    "headroom": "Churn, contraction and expansion each moved to what the top quartile of your stage achieves "
    "(or left where they are, when already there): the room each lever has against peers. {source}",
    "relative": "Each lever improved by the same share of its own value: {step} less churn and contraction, "
    "{step} more expansion and new customers a month. Equal effort in proportion.",
    "points": "Churn, contraction and expansion moved by the same percentage points, new customers by the "
    "same percent. A point of any rate moves monthly NRR by exactly a point, so the three rates tie.",
    "target": "How far each lever alone must move, as a change from today's value, for annual NRR to reach "
    "the target. The shortest bar is the easiest route.",
    "tactic": "Concrete tactics, each a change to one lever. " + ASSUMPTIONS,
}


@dataclass(frozen=True)
class Choice:
    """How the levers are compared: a mode, its step or target, and the costs given."""

    mode: Mode
    step: float
    target: Target | None
    costs: Costs

    @property
    def target_nrr(self) -> float:
        return self.target.nrr if self.target is not None else math.nan


def ranking_ui(scenario: Scenario, currency: str) -> Choice:
    """Draw the mode, its step or target, and the optional costs; return what they say."""
    # Five views need the page's width; the one's own setting goes under it.
    chosen = st.segmented_control(
        "Compare the levers by",
        MODES,
        default=DEFAULT_MODE,
        format_func=lambda mode: words.MODE_NAMES[mode],
        key=MODE_KEY,
        width="stretch",
    )
    mode = cast(Mode, chosen if chosen in MODES else DEFAULT_MODE)
    detail_cell = st.columns([1, 1.3])[0]
    step, target = math.nan, None
    if mode == "headroom":
        stage, basis = stage_for_arr(12.0 * scenario.starting_mrr)
        detail_cell.caption(f"Peers: the top quartile of **{stage}** ({basis}).")
    elif mode == "relative":
        step = (
            detail_cell.slider(
                "Improvement (% of each lever's value)",
                min_value=1,
                max_value=50,
                value=round(DEFAULT_STEPS["relative"] * 100),
                step=1,
                format="%d%%",
                key=RELATIVE_KEY,
            )
            / 100
        )
    elif mode == "points":
        step = (
            detail_cell.slider(
                "Step (percentage points; % more new customers)",
                min_value=0.1,
                max_value=5.0,
                value=DEFAULT_STEPS["points"] * 100,
                step=0.1,
                format="%.1f",
                key=POINTS_KEY,
            )
            / 100
        )
    elif mode == "target":
        picked = detail_cell.selectbox(
            "Target annual NRR",
            (FROM_ARR, *STAGES, *PRICING_MODELS),
            key=TARGET_KEY,
            format_func=_target_name,
            help="The top quartile of a company stage, or the top of a pricing model's typical range "
            "(the benchmark tables).",
        )
        arr = 12.0 * scenario.starting_mrr
        if picked in PRICING_MODELS:
            target = top_quartile(arr=arr, pricing=picked)
        else:
            target = top_quartile(arr=arr, stage=None if picked == FROM_ARR else picked)
    st.caption(
        MODE_HELP[mode].format(
            step=words.share(step) if math.isfinite(step) else "",
            source=benchmark_sources("nrr_by_stage", "grr"),
        )
    )
    return Choice(mode=mode, step=step, target=target, costs=_costs_ui(scenario, currency))


def _target_name(option: str) -> str:
    if option in PRICING_MODELS:
        return f"Top of {option}'s typical range"
    return option if option == FROM_ARR else f"Top quartile of {option}"


def _costs_ui(scenario: Scenario, currency: str) -> Costs:
    """The optional costs: the sidebar's CAC, and a monthly programme for retention and for expansion."""
    with st.expander("Costs (optional): revenue gained per money spent, and months to pay back"):
        cac_cell, retention_cell, expansion_cell = st.columns(3, gap="medium")
        prefix = tick_prefix(currency).strip()
        cac_cell.caption(
            f"Cost to acquire a customer: **{money(scenario.cac, currency)}**, "
            "from the sidebar's unit economics."
            if scenario.cac
            else "Cost to acquire a customer: not set. Set it in the sidebar's unit economics."
        )
        retention = retention_cell.number_input(
            f"Retention programme a month ({prefix})",
            min_value=0,
            max_value=100_000_000,
            value=0,
            step=500,
            key=RETENTION_COST_KEY,
            help="What cutting churn or contraction costs each month (a success team, dunning tools…). "
            "0: not set.",
        )
        expansion = expansion_cell.number_input(
            f"Expansion programme a month ({prefix})",
            min_value=0,
            max_value=100_000_000,
            value=0,
            step=500,
            key=EXPANSION_COST_KEY,
            help="What raising expansion costs each month (account managers, upgrade campaigns…). "
            "0: not set.",
        )
        st.caption(
            "Each lever's cost runs from month 1 to the horizon; new customers cost their CAC. "
            "Payback is the first month the extra revenue"
            + (" (times the gross margin)" if scenario.gross_margin else "")
            + " covers what was spent."
        )
    return Costs(
        cac=scenario.cac,
        retention_per_month=float(retention) or None,
        expansion_per_month=float(expansion) or None,
    )


def _apply(label: str, scenario: Scenario) -> None:
    """Callback of an "Apply" button: the row's scenario into the sidebar."""
    notes = session.load_scenario(scenario)
    said = f"Applied {label[0].lower()}{label[1:]}: the sidebar, the address and every page now use it."
    if notes:
        said += f" The sidebar rounds: {'; '.join(notes)}."
    st.session_state[_APPLIED_KEY] = said


def show_applied() -> None:
    """Say once what the last "Apply" did."""
    said = st.session_state.pop(_APPLIED_KEY, None)
    if said:
        st.success(said, icon=":material/check_circle:")


def apply_buttons(ranking: Ranking) -> None:
    """One "Apply" button per row of the ranking, and one for all of them together."""
    rows = words.rows_of(ranking)
    labels = [words.apply_label(ranking, row) for row in rows]
    keys = [str(row["key"]) for row in rows]
    moved = [row["after"] != row["before"] for row in rows]
    if ranking.together is not None:
        labels.append("All together")
        keys.append("together")
        moved.append(any(moved))
    st.caption("Apply a change to your scenario: the sidebar and the address follow, and so does every page.")
    # A row of buttons as wide as their labels, wrapping onto a second line on a projector or a
    # phone: in equal columns a long label ("New customers +10%") would be cut.
    row = st.container(horizontal=True, wrap=True, gap="small")
    for key, label, changes in zip(keys, labels, moved, strict=True):
        row.button(
            label,
            key=f"lever_apply_{key}",
            icon=":material/done:",
            disabled=not changes,
            on_click=_apply,
            args=(label, ranking.scenarios[key]),
            help=f"Set the sidebar to today's scenario with {label.lower()}.",
        )


def apply_goal_button(scenario: Scenario, field: str, value: float | None, *, worse: bool) -> None:
    """Goal seek's "Apply": the lever at the value found; when that makes the scenario worse, the
    button says so."""
    lever = BY_FIELD[field]
    st.button(
        f"Apply anyway: {'less' if lever.better > 0 else 'more'} {lever.noun}"
        if worse
        else "Apply to my scenario",
        key="goal_apply",
        icon=":material/done:",
        disabled=value is None,
        on_click=_apply,
        args=(f"{lever.noun} at the value found", lever.set_to(scenario, value or 0.0)),
    )
