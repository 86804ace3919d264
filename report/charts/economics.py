"""Unit economics charts: what a new customer earns over its life, the yearly ARR bridge, and where NRR
and GRR sit among peers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from report.charts import bridges
from report.charts.theme import (
    AMBER,
    BLUE,
    GRID,
    INK,
    LEGEND_AT_FOOT,
    MUTED,
    RED,
    hover_money,
    money_axis,
    new_figure,
)
from report.format import compact_money, tick_prefix
from simulator.economics import UnitEconomics
from simulator.peers import Position


def lifetime_value(economics: UnitEconomics, currency: str) -> go.Figure:
    """A new customer's margin added up month by month, with and without expansion, against what
    acquiring it cost and what revenue ÷ churn says it is worth."""
    months = np.arange(1, economics.lifetime_months + 1)
    worth = "margin" if economics.gross_margin is not None else "revenue"
    fig = new_figure()
    fig.add_scatter(
        x=months,
        y=economics.cumulative_margin(expansion=True),
        name=f"{worth.capitalize()} with expansion",
        line={"color": BLUE, "width": 4},
        hovertemplate=hover_money(currency),
    )
    fig.add_scatter(
        x=months,
        y=economics.cumulative_margin(expansion=False),
        name="Without expansion",
        line={"color": AMBER, "width": 3, "dash": "dash"},
        hovertemplate=hover_money(currency),
    )
    if math.isfinite(economics.traditional_ltv):
        fig.add_hline(y=economics.traditional_ltv, line={"color": MUTED, "width": 2, "dash": "dot"})
        fig.add_annotation(
            x=0.01,
            xref="paper",
            y=economics.traditional_ltv,
            yanchor="bottom",
            xanchor="left",
            showarrow=False,
            text=f"Revenue ÷ churn: {compact_money(economics.traditional_ltv, currency)}",
            font={"size": 15, "color": MUTED},
        )
    if economics.cac is not None:
        fig.add_hline(y=economics.cac, line={"color": RED, "width": 2})
        fig.add_annotation(
            x=0.99,
            xref="paper",
            y=economics.cac,
            yanchor="top",
            xanchor="right",
            showarrow=False,
            text=f"Cost to acquire: {compact_money(economics.cac, currency)}",
            font={"size": 15, "color": RED},
        )
        if math.isfinite(economics.cohort_payback_months) and economics.cohort_payback_months > 0:
            fig.add_scatter(
                x=[economics.cohort_payback_months],
                y=[economics.cac],
                name="Paid back",
                mode="markers",
                marker={"color": RED, "size": 13, "symbol": "diamond"},
                hovertemplate="Paid back after %{x:.1f} months<extra></extra>",
            )
    fig.update_layout(
        title={"text": f"What a new customer earns, added up over {economics.lifetime_months} months"},
        xaxis={"title": {"text": "Months since it joined"}, "range": [1, economics.lifetime_months]},
        # The legend names the lines; a y title would be cut on a narrow screen. At the foot: above
        # the plot, on a phone its second row fell on the top tick label.
        yaxis=money_axis(currency),
        hovermode="x unified",
        legend=LEGEND_AT_FOOT,
        margin={"t": 70, "b": 10},
    )
    return fig.figure()


def arr_bridge(bridge: pd.DataFrame, currency: str, *, title: str = "") -> go.Figure:
    """A yearly ARR bridge: each year's ending ARR above, what it won and lost below.

    Untitled by default: the pages and the report head it themselves.
    """
    years = bridge["year"].astype(str).to_numpy()
    prefix = tick_prefix(currency)
    fig = bridges.two_rows(("Ending ARR", "Won and lost each year"), heights=[0.42, 0.58], spacing=0.1)
    ending = bridge["ending_arr"].to_numpy(dtype=float)
    fig.add_bar(
        x=years,
        y=ending,
        name="Ending ARR",
        marker={"color": INK},
        text=[compact_money(value, currency) for value in ending],
        textposition="outside",
        cliponaxis=False,
        showlegend=False,
        hovertemplate="Ending ARR: " + prefix + "%{y:,.0f}<extra></extra>",
        row=1,
        col=1,
    )
    bridges.add_flows(fig, years, bridge, "arr", prefix)
    top = float(ending.max()) if len(ending) else 1.0
    fig.update_layout(title={"text": title})
    bridges.money_rows(fig, prefix, height=560, top=120, legend_y=1.12, bargap=0.35)
    fig.update_yaxes(range=[0, max(top, 1.0) * 1.25], row=1, col=1)
    fig.update_xaxes(type="category", row=1, col=1)
    fig.update_xaxes(type="category", tickfont={"size": 15}, row=2, col=1)
    return fig.figure()


def _inwards(value: float, low: float, high: float) -> str:
    """Where a marker's figure goes: above it, leaning inwards near either end of the axis."""
    share = (value - low) / (high - low) if high > low else 0.5
    return "top left" if share > 0.85 else "top right" if share < 0.15 else "top center"


def position_chart(placed: Position) -> go.Figure:
    """NRR against the stage's median and top quartile (and the pricing model's range), GRR against
    the diagnosis bands: one row each, the figure as a diamond above its band.

    Bands carry no text (narrow ones would squeeze it): each boundary is named below its row.
    """
    rows: list[tuple[str, float, list[tuple[float, float, str]], list[tuple[float, str]]]] = [
        (
            f"NRR vs {placed.stage}",
            placed.nrr,
            [
                (0.0, placed.median, "#fde68a"),
                (placed.median, placed.top_quartile, "#a7f3d0"),
                (placed.top_quartile, math.inf, "#34d399"),
            ],
            [
                (placed.median, f"median {placed.median * 100:.0f}%"),
                (placed.top_quartile, f"top quartile {placed.top_quartile * 100:.0f}%"),
            ],
        )
    ]
    if placed.pricing is not None and placed.pricing_range is not None:
        low, high = placed.pricing_range
        rows.append(
            (
                f"NRR vs {placed.pricing}",
                placed.nrr,
                [(low, high, "#bfdbfe")],
                [(low, f"typical {low * 100:.0f}%"), (high, f"{high * 100:.0f}%")],
            )
        )
    rows.append(
        (
            "GRR",
            placed.grr,
            [(0.0, 0.90, "#fecaca"), (0.90, 0.95, "#fde68a"), (0.95, 1.0, "#a7f3d0")],
            [(0.90, "leaky below 90%"), (0.95, "strong from 95%")],
        )
    )
    values = [placed.nrr, placed.grr, placed.median, placed.top_quartile, *(placed.pricing_range or ())]
    finite = [v for v in values if math.isfinite(v)]
    low_axis = math.floor(min(min(finite), 0.85) * 20) / 20 - 0.05
    high_axis = math.ceil(max(max(finite), 1.2) * 20) / 20 + 0.05
    fig = new_figure()
    for position_in_list, (name, value, bands, marks) in enumerate(rows):
        for start, stop, colour in bands:
            left, right = max(start, low_axis), min(stop, high_axis)
            if right <= left:
                continue
            fig.add_bar(
                y=[position_in_list],
                x=[(right - left) * 100],
                base=[left * 100],
                orientation="h",
                width=0.5,
                marker={"color": colour},
                showlegend=False,
                hovertemplate=f"{name}: {left * 100:.0f}%–{min(right, 10) * 100:.0f}%<extra></extra>",
            )
        for index, (at, text) in enumerate(marks):
            fig.add_annotation(
                x=at * 100,
                y=position_in_list,
                # Each boundary's name on a line of its own below the row, reading leftwards from
                # it (rightwards near the axis's left end): on a phone neither runs out of the
                # chart nor into the other.
                yshift=-44 - 20 * index,
                text=text,
                showarrow=False,
                xanchor="left" if (at - low_axis) / (high_axis - low_axis) < 0.4 else "right",
                font={"size": 14, "color": MUTED},
            )
            fig.add_shape(
                type="line",
                x0=at * 100,
                x1=at * 100,
                y0=position_in_list - 0.25,
                y1=position_in_list + 0.25,
                line={"color": "#6b7280", "width": 1.5},
            )
        # The row's name above its band, so that on a phone the bands get the whole width.
        fig.add_annotation(
            x=0,
            xref="paper",
            y=position_in_list - 0.3,
            yref="y",
            yanchor="bottom",
            xanchor="left",
            text=name,
            showarrow=False,
            font={"size": 15},
        )
        fig.add_scatter(
            y=[position_in_list],
            x=[value * 100],
            mode="markers+text",
            marker={"color": INK, "size": 18, "symbol": "diamond", "line": {"color": "white", "width": 2}},
            text=[f"{value * 100:.1f}%"],
            # Near an end of the axis the figure reads inwards, so that it stays in the chart.
            textposition=_inwards(value, low_axis, high_axis),
            textfont={"size": 17, "color": INK},
            showlegend=False,
            hovertemplate=f"{name}: " + "%{x:.1f}%<extra></extra>",
        )
    fig.update_layout(
        title={"text": "Where annual NRR and GRR sit among peers"},
        barmode="overlay",
        xaxis={
            "ticksuffix": "%",
            "range": [low_axis * 100, high_axis * 100],
            "showgrid": True,
            "gridcolor": GRID,
            "tickangle": 0,
            "nticks": 6,
        },
        yaxis={
            "range": [len(rows) - 0.35, -0.75],
            "showticklabels": False,
            "showgrid": False,
            "zeroline": False,
        },
        height=150 + 125 * len(rows),
        margin={"t": 70, "l": 10},
    )
    return fig.figure()
