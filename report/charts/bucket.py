"""Leaky-bucket charts: the MRR bridge as a waterfall, and acquisition against what leaks out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from report.charts.theme import (
    BLUE,
    GREEN,
    RED,
    hover_money,
    money_axis,
    months_axis,
    new_figure,
)
from report.format import compact_money, tick_prefix
from report.revenue import MRR, Revenue

_BRIDGE_LABELS = {
    "starting_mrr": "Start",
    "new_mrr": "New",
    "expansion_mrr": "Expansion",
    "contraction_mrr": "Contraction",
    "churned_mrr": "Churn",
    "ending_mrr": "End",
}


def waterfall(steps: pd.Series, currency: str, *, title: str, shown: Revenue = MRR) -> go.Figure:
    """An MRR bridge: start, the four flows (losses negative), end, on an axis from zero.

    The axis starts at zero so that a month's flows look as large as they are
    next to the MRR they move. A currency written in letters (CHF) goes on the
    axis title rather than on every bar, which keeps the labels short.
    """
    prefix = tick_prefix(currency)
    values = shown.of(steps.to_numpy(dtype=float))
    labels = [_BRIDGE_LABELS[name] for name in steps.index]
    measure = ["absolute", "relative", "relative", "relative", "relative", "total"]
    on_bars = currency if len(currency) == 1 else ""
    text = [compact_money(v, on_bars, signed=0 < i < 5) for i, v in enumerate(values)]
    hover = [f"{'−' if v < 0 else ''}{prefix}{abs(v):,.0f}" for v in values]
    fig = new_figure()
    fig.add_trace(
        {
            "type": "waterfall",
            "x": labels,
            "y": values,
            "measure": measure,
            "text": text,
            "textposition": "outside",
            "textfont": {"size": 13},
            "constraintext": "none",
            "customdata": hover,
            "cliponaxis": False,
            "increasing": {"marker": {"color": GREEN}},
            "decreasing": {"marker": {"color": RED}},
            "totals": {"marker": {"color": BLUE}},
            "connector": {"line": {"color": "#9ca3af", "width": 1}},
            "hovertemplate": "%{x}: %{customdata}<extra></extra>",
        }
    )
    high = max(values[0], values[-1], *(np.cumsum(values[:5])), 1.0)
    fig.update_layout(
        title={"text": title},
        showlegend=False,
        xaxis={"tickangle": -30, "tickfont": {"size": 15}},
        yaxis={
            "tickprefix": on_bars,
            "exponentformat": "B",
            "title": {"text": shown.name if on_bars else f"{shown.name} ({currency})"},
            "range": [0.0, high * 1.18],
        },
        height=420,
        margin={"t": 80},
    )
    return fig.figure()


def stay_flat(table: pd.DataFrame, currency: str, *, shown: Revenue = MRR) -> go.Figure:
    """New MRR (or ARR) acquired each month against the new MRR needed just to stay flat.

    When acquisition never has to refill anything (expansion brings back more than churn and
    contraction take), a line at zero over identical bars would say nothing: the chart then stacks
    what the customers you have add each month, net, on the new revenue acquired, the two sources
    of growth, and its title says that expansion covers the leak (never that nothing leaks).
    """
    rows = table.iloc[1:]
    months = int(table["month"].iloc[-1])
    needed = shown.of(rows["new_mrr_to_stay_flat"].clip(lower=0.0))
    leaks = bool((needed > 0).any())
    fig = new_figure()
    fig.add_bar(
        x=rows["month"],
        y=shown.of(rows["new_mrr"]),
        name=f"New {shown.name} acquired",
        marker={"color": "#93c5fd"},
        hovertemplate=hover_money(currency),
    )
    if leaks:
        fig.add_scatter(
            x=rows["month"],
            y=needed,
            name="Needed to stay flat",
            line={"color": RED, "width": 4},
            hovertemplate=hover_money(currency),
        )
    else:
        grown = rows["expansion_mrr"] - rows["churned_mrr"] - rows["contraction_mrr"]
        fig.add_bar(
            x=rows["month"],
            y=shown.of(grown),
            name="From your customers, net",
            marker={"color": GREEN},
            hovertemplate=hover_money(currency),
        )
    fig.update_layout(
        title={
            "text": "The treadmill: acquisition against what leaks out"
            if leaks
            else "No treadmill: expansion more than covers what leaks, so every new customer adds to growth"
        },
        xaxis={**months_axis(months), "range": [0.5, months + 0.5]},
        yaxis={**money_axis(currency), "title": {"text": f"{shown.name} added per month"}},
        hovermode="x unified",
        barmode="stack",
        legend={"traceorder": "normal"},  # new revenue first, as it is drawn at the bottom
        bargap=0.15,
        margin={"t": 100},
    )
    return fig.figure()
