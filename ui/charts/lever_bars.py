"""Lever charts: each lever's gain ranked (the tornado), and each initiative of the plan ranked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simulator.levers import BY_FIELD, LEVERS
from ui.charts.spec import Spec
from ui.charts.theme import (
    BLUE,
    GREEN,
    GRID,
    MUTED,
    RED,
    TEMPLATE_LAYOUT,
    new_figure,
    nice_ticks,
)
from ui.format import compact_money, tick_prefix


def lever_label(lever: str, step_points: float) -> str:
    """``"Churn −1.0 pt"``: the lever (a registry key) and the change applied.

    >>> lever_label("churn", 1.0), lever_label("acquisition", 1.0), lever_label("recovery", 0.5)
    ('Churn −1.0 pt', 'New customers +1.0%', 'Failed payments −0.5 pt of churn')
    """
    chosen = LEVERS[lever]
    amount = f"{step_points:.1f}"
    if lever == "recovery":
        return f"Failed payments −{amount} pt of churn"
    if not chosen.is_rate:
        return f"{chosen.name} +{amount}%"
    return f"{chosen.name} {'−' if chosen.better < 0 else '+'}{amount} pt"


def tornado(impacts: pd.DataFrame, currency: str, *, step_points: float, months: int) -> go.Figure:
    """Ranked horizontal bars: each lever's gain in MRR at the horizon and in annual NRR."""
    labels = [lever_label(lever, step_points) for lever in impacts["lever"]]
    prefix = tick_prefix(currency)
    fig = Spec.subplots(
        TEMPLATE_LAYOUT,
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=(f"MRR gained by month {months}", "Annual NRR gained (points)"),
    )
    mrr_gain = impacts["mrr_gain"].to_numpy(dtype=float)
    nrr_gain = impacts["annual_nrr_gain"].to_numpy(dtype=float) * 100
    top = np.isclose(mrr_gain, mrr_gain[0], rtol=1e-6, atol=0.5)
    colours = [BLUE if winner else "#93c5fd" for winner in top]
    fig.add_bar(
        x=mrr_gain,
        y=labels,
        orientation="h",
        marker={"color": colours},
        text=[f"+{prefix}{v:,.0f}" if v >= 0 else f"−{prefix}{-v:,.0f}" for v in mrr_gain],
        textposition="auto",
        cliponaxis=False,
        hovertemplate="%{y}: " + prefix + "%{x:,.0f}<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_bar(
        x=nrr_gain,
        y=labels,
        orientation="h",
        marker={"color": [GREEN if winner else "#6ee7b7" for winner in top]},
        text=[f"{v:+.1f} pts" for v in nrr_gain],
        textposition="auto",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:+.2f} points<extra></extra>",
        row=1,
        col=2,
    )
    fig.update_layout(showlegend=False, height=380, margin={"t": 50})
    fig.update_yaxes(autorange="reversed", row=1, col=1)
    fig.update_xaxes(tickprefix=prefix, tickformat="~s", gridcolor=GRID, showgrid=True, row=1, col=1)
    fig.update_xaxes(ticksuffix=" pts", gridcolor=GRID, showgrid=True, row=1, col=2)
    fig.update_annotations(
        font={"size": 18}, x=0, xanchor="left", selector={"text": f"MRR gained by month {months}"}
    )
    return fig.figure()


def initiative_bars(impacts: pd.DataFrame, currency: str, *, months: int) -> go.Figure:
    """Each initiative's effect on MRR at the horizon, ranked: gains in green, shocks in red.

    ``impacts`` is :func:`simulator.ranking.initiative_impacts`' table.
    """
    prefix = tick_prefix(currency)
    gains = impacts["mrr_gain"].to_numpy(dtype=float)
    names = [
        _initiative_label(name, BY_FIELD[lever].name)
        for name, lever in zip(impacts["initiative"], impacts["lever"], strict=True)
    ]
    low, high = min(0.0, float(gains.min())), max(0.0, float(gains.max()))
    span = max(high - low, 1.0)
    # Room beyond the longest bars for labels drawn outside them, clear of the names.
    lo, hi = (low - 0.28 * span if low < 0 else 0.0), (high + 0.28 * span if high > 0 else 0.0)
    ticks = nice_ticks(lo, hi)
    fig = new_figure()
    fig.add_bar(
        x=gains,
        y=names,
        orientation="h",
        marker={"color": [GREEN if gain >= 0 else RED for gain in gains]},
        text=[f"+{prefix}{v:,.0f}" if v >= 0 else f"−{prefix}{-v:,.0f}" for v in gains],
        textposition="auto",
        insidetextanchor="middle",
        cliponaxis=False,
        hovertemplate="%{y}: " + prefix + "%{x:,.0f}<extra></extra>",
    )
    fig.add_shape(
        type="line", x0=0, x1=0, xref="x", y0=0, y1=1, yref="y domain", line={"color": MUTED, "width": 1.5}
    )
    fig.update_layout(
        title={"text": f"Each initiative's effect on MRR at month {months}"},
        showlegend=False,
        height=150 + 56 * len(names),
        margin={"t": 70},
        bargap=0.35,
        xaxis={
            "range": [lo, hi],
            "tickvals": ticks,
            "ticktext": [compact_money(t, currency) for t in ticks],
            "gridcolor": GRID,
            "showgrid": True,
            "zeroline": False,
        },
        yaxis={"autorange": "reversed", "gridcolor": "rgba(0,0,0,0)"},
    )
    return fig.figure()


def _initiative_label(name: str, lever: str) -> str:
    """``"Dunning · Churn"``; the lever is left out when the name already says it."""
    return name if lever.split()[0].lower() in name.lower() else f"{name} · {lever}"
