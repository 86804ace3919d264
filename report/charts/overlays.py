"""Scenarios side by side: one measure overlaid over time, and MRR at one month as bars."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from report.charts.theme import (
    BLUE,
    GREEN,
    MUTED,
    SCENARIO_STYLES,
    hover_money,
    money_axis,
    months_axis,
    named_rows,
    new_figure,
    percent_axis,
)
from report.format import compact_money
from report.revenue import MRR, Revenue


def scenario_lines(
    tables: dict[str, pd.DataFrame],
    column: str,
    *,
    title: str,
    currency: str | None = None,
    axis_title: str = "",
    revenue: Revenue = MRR,
) -> go.Figure:
    """``column`` of each scenario's projection table over time, overlaid, the first (the reference) boldest.

    Money with a ``currency`` (shown as ``revenue``), else a rate drawn as a percentage (NRR with the
    100% line).
    """
    months = max(int(table["month"].iloc[-1]) for table in tables.values())
    start = 0 if column == "mrr" else 12 if column.endswith("trailing_12") else 1
    fig = new_figure()
    if column.startswith("nrr"):
        fig.add_hline(y=1.0, line={"color": MUTED, "width": 1.5, "dash": "dot"})
    hover = hover_money(currency) if currency is not None else "%{y:.1%}"
    scale = revenue.factor if currency is not None else 1.0
    for i, (name, table) in enumerate(tables.items()):
        colour, dash = SCENARIO_STYLES[i % len(SCENARIO_STYLES)]
        rows = table[table["month"] >= start]
        fig.add_scatter(
            x=rows["month"].to_numpy(),
            y=rows[column].to_numpy(dtype=float) * scale,
            name=name,
            line={"color": colour, "width": 4.5 if i == 0 else 3.5, "dash": dash},
            hovertemplate=hover,
        )
    yaxis: dict[str, object] = (
        {**money_axis(currency), "title": {"text": axis_title or revenue.name}}
        if currency is not None
        else percent_axis(
            axis_title,
            *(table.loc[table["month"] >= start, column] for table in tables.values()),
            marks=(1.0,) if column.startswith("nrr") else (),
        )
    )
    fig.update_layout(
        title={"text": title},
        xaxis={**months_axis(months), "range": [start - (0.5 if start else 0), months + 0.5]},
        yaxis=yaxis,
        hovermode="x unified",
        margin={"t": 100},
        height=400,
    )
    return fig.figure()


def variant_bars(
    labels: list[str],
    mrr: list[float],
    currency: str,
    *,
    months: int,
    colours: list[str] | None = None,
    shown: Revenue = MRR,
) -> go.Figure:
    """MRR (or ARR) at one month of a few scenarios, one bar each: ``colours`` (saved scenarios in the
    colours the Scenarios page draws them in), else variants of today's scenario, today's in grey."""
    mrr = [shown.of(value) for value in mrr]
    colours = colours or [MUTED, *(GREEN if "NRR" in label else BLUE for label in labels[1:])]
    fig = new_figure()
    fig.add_bar(
        x=mrr,
        y=list(range(len(labels))),
        width=0.5,
        orientation="h",
        marker={"color": colours},
        text=[compact_money(value, currency) for value in mrr],
        # Inside a long bar, past a short one: the figure always stays within the chart.
        textposition="auto",
        insidetextanchor="end",
        cliponaxis=False,
        customdata=labels,
        hovertemplate="%{customdata}: " + hover_money(currency).replace("%{y", "%{x") + "<extra></extra>",
    )
    fig.update_layout(
        title={"text": f"{shown.name} at month {months}"},
        showlegend=False,
        # Each bar carries its value, so the money axis only takes room.
        xaxis={**money_axis(currency), "range": [0, max(max(mrr) * 1.45, 1.0)], "visible": False},
        yaxis=named_rows(fig, labels),
        margin={"b": 0, "l": 10},
    )
    return fig.figure()
