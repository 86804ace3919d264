"""The shared sidebar: presets, the scenario's levers, reset.

Drawn by ``app.py`` on every run but the presenter's. The widgets show the
scenario kept in session state (:mod:`ui.state.session`) and write their
changes back to it, so the scenario outlives any run that does not draw them.
"""

from __future__ import annotations

import streamlit as st

from report import sentences
from ui.sidebar.advanced import draw_advanced
from ui.sidebar.plan import draw_plan
from ui.state import controls, session


def _pct_slider(key: str) -> None:
    control = controls.CONTROL_BY_KEY[key]
    st.slider(
        control.label,
        min_value=control.low,
        max_value=control.high,
        step=controls.PERCENT_STEP,
        format=controls.PERCENT_FORMAT,
        key=session.widget_key(key),
        help=control.help,
        on_change=session.on_widget_change,
        args=(key,),
    )


def _count_input(key: str, currency: str, *, step: int) -> None:
    control = controls.CONTROL_BY_KEY[key]
    kind = control.kind
    st.number_input(
        control.label_in(currency),
        min_value=kind(control.low),
        max_value=kind(control.high),
        step=kind(step),
        format="%g" if kind is float else "%d",
        key=session.widget_key(key),
        help=control.help,
        on_change=session.on_widget_change,
        args=(key,),
    )


#: The rates a slider moves; each can also be typed (:func:`_typed_rates`).
RATE_KEYS: tuple[str, ...] = ("churn_pct", "contraction_pct", "expansion_pct", "acquisition_growth_pct")


def _typed_rates() -> None:
    """Every rate as a number to type, in a popover: a slider's pixel is a twentieth of a point."""
    session.show_typed(RATE_KEYS)
    with st.popover("Type exact rates", icon=":material/keyboard:", width="stretch"):
        for key in RATE_KEYS:
            control = controls.CONTROL_BY_KEY[key]
            st.number_input(
                control.label,
                min_value=float(control.low or 0.0),
                max_value=float(control.high or 0.0),
                step=0.1,
                format=controls.PERCENT_FORMAT,
                key=session.typed_key(key),
                on_change=session.on_typed_change,
                args=(key,),
            )


def draw_sidebar() -> None:
    """Draw every shared control from the session's scenario; a change goes back to it."""
    money = session.currency()
    session.show_controls()
    with st.sidebar:
        st.subheader("Your scenario")
        st.selectbox(
            "Start from a benchmark",
            controls.PRESET_OPTIONS,
            key=session.widget_key(session.PRESET_KEY),
            format_func=controls.preset_label,
            help="Typical churn, contraction and expansion by company stage (ARR) or pricing model.",
            on_change=session.on_preset_change,
        )
        chosen = st.session_state.get(session.PRESET_KEY, controls.CUSTOM)
        if chosen != controls.CUSTOM:
            st.caption(sentences.preset_caption(chosen, money))

        st.markdown("**Existing customers, per month**")
        for key in RATE_KEYS[:3]:
            _pct_slider(key)
        _typed_rates()

        st.markdown("**New customers**")
        _count_input("new_customers", money, step=1)
        _pct_slider("acquisition_growth_pct")
        _count_input("new_customer_mrr", money, step=100)

        st.markdown("**Starting point**")
        _count_input("starting_mrr", money, step=1000)
        _count_input("starting_customers", money, step=1)
        horizon, currency = controls.CONTROL_BY_KEY["months"], controls.CONTROL_BY_KEY["currency"]
        st.slider(
            horizon.label,
            min_value=int(horizon.low or 0),
            max_value=int(horizon.high or 0),
            step=1,
            key=session.widget_key("months"),
            help=horizon.help,
            on_change=session.on_widget_change,
            args=("months",),
        )
        st.selectbox(
            currency.label,
            currency.options,
            key=session.widget_key("currency"),
            help=currency.help,
            on_change=session.on_widget_change,
            args=("currency",),
        )
        shown_as = controls.CONTROL_BY_KEY["revenue"]
        st.radio(
            shown_as.label,
            shown_as.options,
            key=session.widget_key("revenue"),
            horizontal=True,
            help=shown_as.help,
            on_change=session.on_widget_change,
            args=("revenue",),
        )
        draw_advanced(money)
        draw_plan()
        with st.expander("Unit economics (optional)"):
            st.caption("What growth costs and earns. They change no projection; 0 leaves one unset.")
            _count_input("cac", money, step=100)
            margin = controls.CONTROL_BY_KEY["gross_margin_pct"]
            st.number_input(
                margin.label,
                min_value=float(margin.low or 0),
                max_value=float(margin.high or 100),
                step=1.0,
                format="%.1f",
                key=session.widget_key("gross_margin_pct"),
                help=margin.help,
                on_change=session.on_widget_change,
                args=("gross_margin_pct",),
            )
        st.button(
            "Reset to a typical company",
            key="reset",
            on_click=session.reset,
            help="Back to the default scenario: a $4M ARR company at its stage's median (annual NRR 98.2%, "
            "GRR 85.5%), expansion capped at 3× an account's starting MRR.",
            width="stretch",
        )
        st.caption("The address bar holds this scenario: copy the link to share it.")
