"""The shared sidebar: presets, the scenario's levers, reset.

Drawn by ``app.py`` on every run, whatever the page, so the widgets (and their
values in session state) live as long as the session.
"""

from __future__ import annotations

import streamlit as st

from simulator.presets import PRESETS
from ui.format import CURRENCIES
from ui.sidebar.advanced import draw_advanced
from ui.sidebar.plan import draw_plan
from ui.state import controls, session


def _pct_slider(key: str, label: str, help_text: str) -> None:
    control = controls.CONTROL_BY_KEY[key]
    st.slider(
        label,
        min_value=control.low,
        max_value=control.high,
        step=controls.PERCENT_STEP,
        format=controls.PERCENT_FORMAT,
        key=key,
        help=help_text,
        on_change=session.on_control_change,
        args=(key,),
    )


def _count_input(key: str, label: str, help_text: str, *, step: int) -> None:
    control = controls.CONTROL_BY_KEY[key]
    kind = control.kind
    st.number_input(
        label,
        min_value=kind(control.low),
        max_value=kind(control.high),
        step=kind(step),
        format="%g" if kind is float else "%d",
        key=key,
        help=help_text,
        on_change=session.on_control_change,
        args=(key,),
    )


def draw_sidebar() -> None:
    """Draw every shared control; their values land in ``st.session_state``."""
    money = session.currency()
    with st.sidebar:
        st.subheader("Your scenario")
        st.selectbox(
            "Start from a benchmark",
            controls.PRESET_OPTIONS,
            key=session.PRESET_KEY,
            format_func=controls.preset_label,
            help="Typical churn, contraction and expansion by company stage (ARR) or pricing model.",
            on_change=session.on_preset_change,
        )
        chosen = st.session_state.get(session.PRESET_KEY, controls.CUSTOM)
        if chosen != controls.CUSTOM:
            st.caption(f"{PRESETS[chosen].name}: {PRESETS[chosen].note}.")

        st.markdown("**Existing customers, per month**")
        _pct_slider("churn_pct", "Churn (% of MRR a month)", "MRR lost to customers who cancel, each month.")
        _pct_slider(
            "contraction_pct",
            "Contraction (% of MRR a month)",
            "MRR lost to customers who stay but pay less (downgrades, fewer seats).",
        )
        _pct_slider(
            "expansion_pct",
            "Expansion (% of MRR a month)",
            "MRR gained from customers who stay and pay more (upsells, seats, usage).",
        )

        st.markdown("**New customers**")
        _count_input("new_customers", "New customers a month", "Customers won in month 1.", step=1)
        _pct_slider(
            "acquisition_growth_pct",
            "Growth of new customers (% a month)",
            "How fast the number of new customers a month grows (negative: shrinks).",
        )
        _count_input(
            "new_customer_mrr",
            f"MRR per new customer ({money})",
            "What each new customer pays a month when they join.",
            step=100,
        )

        st.markdown("**Starting point**")
        _count_input(
            "starting_mrr", f"Starting MRR ({money})", "MRR of today's customers, at month 0.", step=1000
        )
        _count_input("starting_customers", "Starting customers", "How many customers pay today.", step=1)
        st.slider(
            "Horizon (months)",
            min_value=int(controls.CONTROL_BY_KEY["months"].low),  # type: ignore[arg-type]
            max_value=int(controls.CONTROL_BY_KEY["months"].high),  # type: ignore[arg-type]
            step=1,
            key="months",
            help="How far ahead the projection runs.",
            on_change=session.on_control_change,
            args=("months",),
        )
        st.selectbox(
            "Currency",
            CURRENCIES,
            key="currency",
            help="Only changes how money is written; no conversion.",
            on_change=session.on_control_change,
            args=("currency",),
        )
        draw_advanced(money)
        draw_plan()
        st.button(
            "Reset to the worked example",
            key="reset",
            on_click=session.reset,
            help="Back to the default scenario.",
            width="stretch",
        )
        st.caption("The address bar holds this scenario: copy the link to share it.")
