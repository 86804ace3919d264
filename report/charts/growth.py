"""Growth charts: MRR over the horizon, by acquisition cohort or segment, and NRR month by month."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from report.charts.spec import Spec
from report.charts.theme import (
    AMBER,
    BLUE,
    GRID,
    LAYER_COLOURS,
    LEGEND_AT_FOOT,
    SEGMENT_COLOURS,
    TEMPLATE_LAYOUT,
    hover_money,
    money_axis,
    months_axis,
    new_figure,
    percent_axis,
)
from report.revenue import MRR, Revenue

#: The revenue charts a page draws side by side (MRR, cohorts, segments): one height, the legend at
#: the foot (however many layers it lists), clear of the title and of the "Month" axis title.
SIDE_BY_SIDE: dict[str, Any] = {
    "height": 500,
    "margin": {"t": 60, "b": 120},
    "legend": {**LEGEND_AT_FOOT, "traceorder": "normal"},
}


def revenue(table: pd.DataFrame, currency: str, *, shown: Revenue = MRR) -> go.Figure:
    """Total MRR (or ARR) over the horizon next to the starting base alone."""
    months = int(table["month"].iloc[-1])
    fig = new_figure()
    fig.add_scatter(
        x=table["month"],
        y=shown.of(table["mrr"]),
        name=f"Total {shown.name}",
        line={"color": BLUE, "width": 4},
        hovertemplate=hover_money(currency),
    )
    fig.add_scatter(
        x=table["month"],
        y=shown.of(table["existing_base_mrr"]),
        name="Today's customers only",
        line={"color": AMBER, "width": 3, "dash": "dash"},
        hovertemplate=hover_money(currency),
    )
    fig.update_layout(
        title={"text": f"{shown.name} over the horizon"},
        xaxis=months_axis(months),
        yaxis={**money_axis(currency), "title": {"text": shown.name}},
        hovermode="x unified",
        **SIDE_BY_SIDE,
    )
    return fig.figure()


def _stacked_mrr(
    fig: Spec,
    series: dict[str, tuple[np.ndarray, np.ndarray]],
    colours: tuple[str, ...],
    currency: str,
    *,
    months: int,
    title: str,
    shown: Revenue,
) -> None:
    """Stacked MRR (or ARR) areas over the months, one per series, in order from the bottom."""
    for i, (name, (x, y)) in enumerate(series.items()):
        colour = colours[i % len(colours)]
        fig.add_scatter(
            x=x,
            y=shown.of(y),
            name=name,
            stackgroup="mrr",
            mode="lines",
            line={"width": 0.5, "color": colour},
            fillcolor=colour,
            hovertemplate=hover_money(currency),
        )
    fig.update_layout(
        title={"text": title},
        xaxis=months_axis(months),
        yaxis={**money_axis(currency), "title": {"text": shown.name}},
        hovermode="x unified",
        **SIDE_BY_SIDE,
    )


def layer_cake(layers: pd.DataFrame, currency: str, *, shown: Revenue = MRR) -> go.Figure:
    """Stacked MRR by acquisition cohort, the starting base at the bottom."""
    months = int(layers.index[-1])
    fig = new_figure()
    series = {name: (layers.index.to_numpy(), layers[name].to_numpy()) for name in layers.columns}
    _stacked_mrr(
        fig,
        series,
        LAYER_COLOURS,
        currency,
        months=months,
        title=f"{shown.name} by acquisition cohort",
        shown=shown,
    )
    fig.update_layout(legend={"font": {"size": 15}})
    return fig.figure()


def segment_revenue(
    segments: dict[str, pd.DataFrame], currency: str, *, months: int, shown: Revenue = MRR
) -> go.Figure:
    """MRR stacked by segment over the horizon."""
    fig = new_figure()
    series = {
        name: (table["month"].to_numpy()[: months + 1], table["mrr"].to_numpy()[: months + 1])
        for name, table in segments.items()
    }
    _stacked_mrr(
        fig, series, SEGMENT_COLOURS, currency, months=months, title=f"{shown.name} by segment", shown=shown
    )
    return fig.figure()


def nrr_over_time(table: pd.DataFrame, *, title: str) -> go.Figure:
    """Monthly NRR on its own scale above trailing-12 NRR and GRR, each with the 100% line.

    The monthly figure moves by fractions of a point (annual renewals) while the
    trailing figures move by tens of points: two panels sharing the months keep
    both visible.
    """
    rows = table.iloc[1:]
    months = int(table["month"].iloc[-1])
    fig = Spec.subplots(
        TEMPLATE_LAYOUT,
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        row_heights=[0.42, 0.58],
    )
    fig.add_scatter(
        x=rows["month"],
        y=rows["nrr_month"],
        name="Monthly NRR",
        line={"color": "#60a5fa", "width": 3},
        hovertemplate="%{y:.2%}",
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=rows["month"],
        y=rows["nrr_trailing_12"],
        name="Trailing-12 NRR",
        line={"color": BLUE, "width": 4},
        hovertemplate="%{y:.1%}",
        row=2,
        col=1,
    )
    fig.add_scatter(
        x=rows["month"],
        y=rows["grr_trailing_12"],
        name="Trailing-12 GRR",
        line={"color": AMBER, "width": 3, "dash": "dash"},
        hovertemplate="%{y:.1%}",
        row=2,
        col=1,
    )
    fig.update_layout(title={"text": title}, hovermode="x unified", height=560, margin={"t": 110})
    fig.update_xaxes(dtick=months_axis(months)["dtick"], range=[0.5, months + 0.5])
    fig.update_xaxes(title={"text": "Month"}, row=2, col=1)
    monthly = percent_axis("Monthly", rows["nrr_month"])
    trailing = percent_axis("Trailing 12", rows["nrr_trailing_12"], rows["grr_trailing_12"])
    fig.update_yaxes(gridcolor=GRID, **monthly, row=1, col=1)
    fig.update_yaxes(gridcolor=GRID, **trailing, row=2, col=1)
    return fig.figure()
