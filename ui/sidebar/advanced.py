"""The sidebar's "Advanced model" section: the engine's optional refinements.

Early-life churn, involuntary churn, who churns (the churned customers' size),
annual plans, an expansion ceiling and segments. Their values live in session
state under :data:`controls.CONTROLS`' advanced keys, like the basic levers, and
ride in the address when they differ from their defaults. The section is a
collapsed expander below the basic levers.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from report.format import literal
from simulator.scenario import MAX_SEGMENTS
from ui.state import controls, session, tables


def _slider(key: str, *, step: float, fmt: str, disabled: bool = False) -> None:
    control = controls.CONTROL_BY_KEY[key]
    kind = control.kind
    st.slider(
        control.label,
        min_value=kind(control.low),
        max_value=kind(control.high),
        step=kind(step),
        format=fmt,
        key=session.widget_key(key),
        help=control.help,
        disabled=disabled,
        on_change=session.on_widget_change,
        args=(key,),
    )


def active_refinements(values: dict[str, object]) -> list[str]:
    """The refinements switched on, as the summary names them (pure).

    >>> active_refinements({**controls.defaults(), "annual_plans_pct": 40.0, "segments_on": True})
    ['annual plans', 'expansion ceiling', 'segments']
    """
    names = []
    if values["early_churn_x"] != 1.0 and values["early_churn_months"] != 0:
        names.append("early-life churn")
    if values["involuntary_pct"] != 0.0:
        names.append("involuntary churn")
    if values["churned_size_x"] != 1.0:
        names.append("churned customers' size")
    if values["annual_plans_pct"] != 0.0:
        names.append("annual plans")
    if values["ceiling_on"]:
        names.append("expansion ceiling")
    if values["segments_on"]:
        names.append("segments")
    return names


def _segments_editor(currency: str) -> None:
    rows = st.session_state.get("segments", tables.DEFAULT_SEGMENTS)
    names = ", ".join(str(row[0]) for row in rows if isinstance(row[0], str) and row[0].strip())
    st.caption(f"{len(rows)} segment{'s' if len(rows) != 1 else ''}: {literal(names) or 'unnamed'}.")
    percent: dict[str, Any] = {"format": "%.2f%%", "step": 0.01, "width": "small"}
    # The sidebar is too narrow for seven columns: the table opens in a wide popover.
    panel = st.popover("Edit segments", icon=":material/edit:", width="stretch")
    panel.data_editor(
        tables.editor_frame(rows, tables.SEGMENT_COLUMNS, numbers_from=1),
        key=session.SEGMENTS_EDITOR_KEY,
        num_rows="dynamic",
        hide_index=True,
        width=820,
        on_change=session.on_segments_edit,
        column_config={
            "Segment": st.column_config.TextColumn(
                "Segment", help="A name, e.g. SMB.", max_chars=40, width="small"
            ),
            "Churn %": st.column_config.NumberColumn("Churn", help="% of MRR a month.", **percent),
            "Contraction %": st.column_config.NumberColumn(
                "Contraction", help="% of MRR a month.", **percent
            ),
            "Expansion %": st.column_config.NumberColumn("Expansion", help="% of MRR a month.", **percent),
            "Share of MRR %": st.column_config.NumberColumn(
                "MRR share", help="Share of today's MRR; the column adds up to 100.", **percent
            ),
            "Share of new customers %": st.column_config.NumberColumn(
                "New share",
                help="Share of new (and of today's) customers; the column adds up to 100.",
                **percent,
            ),
            "New-customer MRR": st.column_config.NumberColumn(
                f"New MRR ({currency})",
                help="What a new customer of this segment pays a month.",
                format="%.0f",
                width="small",
            ),
        },
    )
    panel.caption(
        f"Up to {MAX_SEGMENTS} segments. Their rates replace the churn, contraction, expansion and "
        "new-customer MRR above; starting MRR, customers and new customers a month are split by the shares. "
        "Totals and NRR are MRR-weighted."
    )


def draw_advanced(currency: str) -> None:
    """The "Advanced model" expander and, below it, the engine's message when it refuses the settings."""
    values = session.current_values()
    active = active_refinements(values)
    with st.expander("Advanced model", icon=":material/science:"):
        st.caption("Optional refinements. At their defaults the numbers are exactly the basic model's.")

        st.markdown("**Early-life churn**")
        _slider(
            "early_churn_x",
            step=0.1,
            fmt="%.1f×",
        )
        _slider(
            "early_churn_months",
            step=1,
            fmt="%d",
        )
        if (values["early_churn_x"] == 1.0) != (values["early_churn_months"] == 0):
            st.caption("Set both a multiple above 1× and some months for early-life churn to apply.")

        st.markdown("**Involuntary churn**")
        _slider(
            "involuntary_pct",
            step=1.0,
            fmt="%.0f%%",
        )
        _slider(
            "recovery_pct",
            step=1.0,
            fmt="%.0f%%",
        )

        st.markdown("**Who churns**")
        _slider(
            "churned_size_x",
            step=0.05,
            fmt="%.2f×",
        )

        st.markdown("**Annual plans**")
        _slider(
            "annual_plans_pct",
            step=1.0,
            fmt="%.0f%%",
        )

        st.markdown("**Expansion ceiling**")
        st.toggle(
            controls.CONTROL_BY_KEY["ceiling_on"].label,
            key=session.widget_key("ceiling_on"),
            help=controls.CONTROL_BY_KEY["ceiling_on"].help,
            on_change=session.on_widget_change,
            args=("ceiling_on",),
        )
        _slider(
            "ceiling_x",
            step=0.5,
            fmt="%.1f×",
            disabled=not values["ceiling_on"],
        )

        st.markdown("**Segments**")
        st.toggle(
            controls.CONTROL_BY_KEY["segments_on"].label,
            key=session.widget_key("segments_on"),
            help=controls.CONTROL_BY_KEY["segments_on"].help,
            on_change=session.on_widget_change,
            args=("segments_on",),
        )
        if values["segments_on"]:
            _segments_editor(currency)

    if active:
        st.caption("Advanced model on: " + ", ".join(active) + ".")
    _, problem = session.checked_scenario()
    if problem and problem != tables.plan_problem(
        values
    ):  # the plan's own section says what is wrong with it
        st.error(
            f"The advanced settings cannot be used as they are: {problem}. "
            "The simulator keeps the last valid scenario until they are fixed.",
            icon=":material/block:",
        )
