"""Monte Carlo bands: the P10 to P90 range of futures, the median, and the model's average path."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from report.charts.theme import (
    AMBER,
    BLUE,
    MUTED,
    PURPLE,
    hover_money,
    money_axis,
    months_axis,
    new_figure,
    percent_axis,
)
from report.revenue import MRR, Revenue


def band(
    bands: pd.DataFrame,
    column: str,
    *,
    title: str,
    currency: str | None = None,
    expected: pd.Series | None = None,
    revenue: Revenue = MRR,
) -> go.Figure:
    """The P10–P90 band of a Monte Carlo column, its median, and the deterministic line if given.

    ``column`` is ``"mrr"``, ``"nrr_month"`` or ``"nrr_trailing_12"``; money
    when ``currency`` is given (shown as ``revenue``), else a percentage with the 100% line.
    """
    rows = bands.dropna(subset=[f"{column}_p50"])
    rows = rows[rows["month"] > 0] if column != "mrr" else rows
    months = int(bands["month"].iloc[-1])
    hover = hover_money(currency) if currency is not None else "%{y:.1%}"
    scale = revenue.factor if currency is not None else 1.0
    fig = new_figure()
    if currency is None:
        fig.add_hline(y=1.0, line={"color": MUTED, "width": 1.5, "dash": "dot"})
    x = rows["month"].to_numpy()
    fig.add_scatter(
        x=x,
        y=rows[f"{column}_p90"].to_numpy() * scale,
        name="P90",
        line={"width": 0, "color": BLUE},
        hovertemplate=hover,
        showlegend=False,
    )
    fig.add_scatter(
        x=x,
        y=rows[f"{column}_p10"].to_numpy() * scale,
        name="P10–P90 (8 futures in 10)",
        fill="tonexty",
        fillcolor="rgba(37, 99, 235, 0.18)",
        line={"width": 0, "color": BLUE},
        hovertemplate=hover,
    )
    fig.add_scatter(
        x=x,
        y=rows[f"{column}_p50"].to_numpy() * scale,
        name="Median (P50)",
        line={"color": BLUE, "width": 4},
        hovertemplate=hover,
    )
    if expected is not None:
        fig.add_scatter(
            x=expected.index.to_numpy(),
            y=expected.to_numpy() * scale,
            name="The model's average path",
            line={"color": AMBER, "width": 3, "dash": "dash"},
            hovertemplate=hover,
        )
    shown = [rows[f"{column}_p{q}"].to_numpy(dtype=float) for q in (10, 50, 90)]
    yaxis = (
        {**money_axis(currency), "title": {"text": revenue.name}}
        if currency is not None
        else percent_axis("NRR", *shown, marks=(1.0,))
    )
    fig.update_layout(
        title={"text": title},
        xaxis={**months_axis(months), "range": [0 if column == "mrr" else 0.5, months + 0.5]},
        yaxis=yaxis,
        hovermode="x unified",
        margin={"t": 100},
        height=400,
    )
    return fig.figure()


def widths(widths: pd.DataFrame, *, currency: str, revenue: Revenue = MRR) -> go.Figure:
    """What makes the band wide: its P10-to-P90 width by month with both, the rates alone and luck alone.

    ``widths`` is :attr:`simulator.monte_carlo.MonteCarlo.widths`, shown as ``revenue``.
    """
    months = int(widths["month"].iloc[-1])
    x = widths["month"].to_numpy()
    fig = new_figure()
    for column, name, line in (
        ("mrr_width", "Rates and luck: the band above", {"color": BLUE, "width": 4}),
        (
            "mrr_width_rates_alone",
            "Rates alone (luck removed)",
            {"color": PURPLE, "width": 3, "dash": "dash"},
        ),
        (
            "mrr_width_luck_alone",
            "Luck alone (rates known exactly)",
            {"color": AMBER, "width": 3, "dash": "dot"},
        ),
    ):
        fig.add_scatter(
            x=x,
            y=widths[column].to_numpy() * revenue.factor,
            name=name,
            line=line,
            hovertemplate=hover_money(currency),
        )
    fig.update_layout(
        title={"text": f"What makes the band wide: its width (P10 to P90) in {revenue.name}"},
        xaxis={**months_axis(months), "range": [0, months + 0.5]},
        yaxis={**money_axis(currency), "title": {"text": f"Width, {revenue.name}"}},
        hovermode="x unified",
        margin={"t": 100},
        height=360,
    )
    return fig.figure()
