"""Charts of an uploaded export's actual metrics: the monthly bridge, NRR and GRR, cohorts, segments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from report.charts import bridges
from report.charts.theme import (
    AMBER,
    BLUE,
    INK,
    MUTED,
    TIER_COLOURS,
    month_ticks,
    new_figure,
)
from report.format import compact_money, tick_prefix
from report.revenue import MRR, Revenue
from simulator.tiers import NRR_TIERS

#: Heatmap colours for retained revenue: red below 100% of the first month, green above.
_RETENTION_SCALE = (
    (0.0, "#b91c1c"),
    (0.25, "#f87171"),
    (0.5, "#f9fafb"),
    (0.75, "#34d399"),
    (1.0, "#047857"),
)


def actual_bridge(monthly: pd.DataFrame, currency: str, *, shown: Revenue = MRR) -> go.Figure:
    """The monthly MRR bridge of an export: ending MRR above, the month's movements below.

    The first month has no month before it (every payer counts as new), so it
    is left out of the movements.
    """
    rows = shown.columns(monthly.iloc[1:])
    unit = shown.name.lower()
    months = rows["month"].to_numpy()
    prefix = tick_prefix(currency)
    fig = bridges.two_rows(
        (f"Ending {shown.name}", "Won and lost each month"),
        heights=[0.38, 0.62],
        spacing=0.07,
    )
    fig.add_scatter(
        x=months,
        y=rows[f"ending_{unit}"].to_numpy(dtype=float),
        name=f"Ending {shown.name}",
        line={"color": INK, "width": 4},
        showlegend=False,
        hovertemplate=f"Ending {shown.name}: " + prefix + "%{y:,.0f}<extra></extra>",
        row=1,
        col=1,
    )
    bridges.add_flows(fig, months, rows, unit, prefix)
    bridges.money_rows(fig, prefix, height=580, top=70, legend_y=1.08, bargap=0.15)
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_xaxes(**month_ticks(len(months)), row=2, col=1)
    fig.update_xaxes(type="category", showticklabels=False, row=1, col=1)
    return fig.figure()


def actual_retention(monthly: pd.DataFrame, *, trailing: bool) -> go.Figure:
    """NRR and GRR of an export, month by month or trailing 12 months.

    Trailing-12 figures are annual, so the benchmark tiers (which are annual)
    are drawn behind them as bands; monthly figures get a 100% line instead.
    """
    suffix = "trailing_12" if trailing else "month"
    rows = monthly[["month", f"nrr_{suffix}", f"grr_{suffix}"]].dropna()
    nrr = rows[f"nrr_{suffix}"].to_numpy(dtype=float) * 100
    grr = rows[f"grr_{suffix}"].to_numpy(dtype=float) * 100
    fig = new_figure()
    values = np.concatenate([nrr, grr]) if len(rows) else np.array([100.0])
    low = math.floor(min(float(values.min()), 100.0 if not trailing else 80.0) / 5) * 5 - 2
    high = math.ceil(max(float(values.max()), 100.0 if not trailing else 120.0) / 5) * 5 + 2
    if trailing:
        for tier in NRR_TIERS:
            start, stop = max(tier.low * 100, low), min(tier.high * 100, high)
            if stop <= start:
                continue
            fig.add_hrect(
                y0=start,
                y1=stop,
                fillcolor=TIER_COLOURS[tier.name],
                opacity=0.13,
                line_width=0,
                layer="below",
            )
            fig.add_annotation(
                x=1.01,
                xref="paper",
                y=(start + stop) / 2,
                text=tier.name,
                showarrow=False,
                xanchor="left",
                font={"size": 13, "color": MUTED},
            )
    else:
        fig.add_hline(y=100, line={"color": "#9ca3af", "width": 1.5, "dash": "dot"})
    for name, series, colour in (("NRR", nrr, BLUE), ("GRR", grr, AMBER)):
        fig.add_scatter(
            x=rows["month"].to_numpy(),
            y=series,
            name=name,
            mode="lines+markers" if len(rows) < 3 else "lines",
            line={"color": colour, "width": 4 if trailing else 2.5},
            hovertemplate=f"{name}: " + "%{y:.1f}%<extra></extra>",
        )
    fig.update_layout(
        title={"text": "Trailing 12 months, with the tiers" if trailing else "Month by month"},
        xaxis=month_ticks(len(rows), most=7),
        yaxis={"ticksuffix": "%", "range": [low, high], "title": {"text": "NRR / GRR"}},
        hovermode="x unified",
        height=440,
        margin={"t": 100, "r": 110 if trailing else 20},
    )
    return fig.figure()


def cohort_heatmap(retention: pd.DataFrame, *, max_size: int = 36) -> go.Figure:
    """Revenue each cohort keeps, as % of its first month, by months since its first payment.

    At most the latest ``max_size`` cohorts and months 1 to ``max_size`` since
    are drawn (month 0 is 100% by definition), so the chart stays small
    whatever the export's length. The first row holds every customer already
    paying in the export's first month, so it is labelled "≤ month".
    """
    shown = retention.iloc[-max_size:, 1 : max_size + 1]
    z = shown.to_numpy(dtype=float) * 100
    labels = [str(label) for label in shown.index]
    if len(shown) == len(retention) and labels:
        labels[0] = f"≤ {labels[0]}"
    fig = new_figure()
    fig.add_trace(
        {
            "type": "heatmap",
            "z": np.round(z, 1),
            "x": [int(c) for c in shown.columns],
            "y": labels,
            "zmin": 0,
            "zmax": 200,
            "zmid": 100,
            "colorscale": [list(stop) for stop in _RETENTION_SCALE],
            "colorbar": {
                "title": {"text": "Kept (100% = first month)", "side": "right"},
                "ticksuffix": "%",
                "thickness": 14,
            },
            "xgap": 1,
            "ygap": 1,
            "hoverongaps": False,
            "hovertemplate": "First paid %{y}, month %{x}: %{z:.0f}% of first-month MRR<extra></extra>",
        }
    )
    fig.update_layout(
        title={"text": "Revenue kept, cohort by cohort"},
        xaxis={
            "title": {"text": "Months since first payment"},
            "tick0": 0,
            # Half the page wide beside its colour bar: every 12 months keeps the labels apart.
            "dtick": 12 if shown.shape[1] > 18 else 3,
            "tickangle": 0,
            "showgrid": False,
        },
        yaxis={
            "title": {"text": "First payment"},
            "autorange": "reversed",
            "type": "category",
            "nticks": 12,
            "tickfont": {"size": 14},
            "showgrid": False,
            "ticks": "",
        },
        height=max(360, 18 * len(shown) + 140),
        margin={"t": 70},
    )
    return fig.figure()


def segment_retention(summary: pd.DataFrame) -> go.Figure:
    """Trailing-12 NRR and GRR per segment, side by side, with the 100% line."""
    fig = new_figure()
    for column, name, colour in (("nrr", "NRR", BLUE), ("grr", "GRR", AMBER)):
        values = summary[column].to_numpy(dtype=float) * 100
        fig.add_bar(
            x=summary["segment"].astype(str).to_numpy(),
            y=values,
            name=name,
            marker={"color": colour},
            text=[f"{v:.0f}%" for v in values],
            textposition="inside",
            insidetextanchor="end",
            textfont={"color": "white", "size": 16},
            hovertemplate=f"{name}: " + "%{y:.1f}%<extra></extra>",
        )
    fig.add_hline(y=100, line={"color": INK, "width": 1.5, "dash": "dot"})
    top = float(np.nanmax(summary[["nrr", "grr"]].to_numpy(dtype=float))) * 100 if len(summary) else 100
    fig.update_layout(
        title={"text": "NRR and GRR by segment, trailing 12 months"},
        barmode="group",
        yaxis={"ticksuffix": "%", "range": [0, max(110.0, top * 1.15)]},
        height=380,
        margin={"t": 100},
    )
    return fig.figure()


def cohort_curves(curves: pd.DataFrame, currency: str) -> go.Figure:
    """Revenue each group of cohorts keeps by months since its first payment, one line per group.

    ``curves`` is :func:`simulator.actuals.cohort_curves`' table. The group of
    customers already paying in the export's first month is dashed grey
    (their ages are unknown); later groups go from light (oldest) to dark
    (newest). Hover says the group's size and first-month MRR.
    """
    fig = new_figure()
    groups = list(dict.fromkeys(curves["group"].astype(str)))
    later = [name for name in groups if not name.startswith("paying in")]
    shades = _shades(len(later))
    for name in groups:
        rows = curves[curves["group"] == name]
        customers = int(rows["customers"].to_numpy()[0])
        first = compact_money(float(rows["first_mrr"].to_numpy()[0]), currency)
        who = f"{customers:,} customer{'s' if customers != 1 else ''}, {first} in the first month"
        base = name.startswith("paying in")
        label = f"≤ {name.removeprefix('paying in ')}" if base else name
        described = f"Already {name}" if base else name
        fig.add_scatter(
            x=rows["months_since"].to_numpy(),
            y=rows["kept"].to_numpy(dtype=float) * 100,
            name=label,
            mode="lines",
            line={
                "color": MUTED if base else shades[later.index(name)],
                "width": 2.5,
                "dash": "dash" if base else "solid",
            },
            hovertemplate=(f"{described} ({who}), month " + "%{x}: %{y:.0f}% kept<extra></extra>"),
        )
    fig.add_hline(y=100, line={"color": "#9ca3af", "width": 1.5, "dash": "dot"})
    span = int(curves["months_since"].max()) if len(curves) else 0
    fig.update_layout(
        title={"text": f"Kept {_grouped_by(later)}"},
        xaxis={"title": {"text": "Months since first payment"}, "tick0": 0, "dtick": 12 if span > 48 else 6},
        yaxis={"ticksuffix": "%", "title": {"text": "Kept"}, "rangemode": "tozero"},
        # Below the plot, as the heatmap beside it has its colour bar on the right.
        legend={
            "orientation": "h",
            "x": 0,
            "y": -0.16,
            "xanchor": "left",
            "yanchor": "top",
            "font": {"size": 13},
            "entrywidth": 92,
        },
        # As tall as the heatmap beside it (one row per cohort), so the two line up.
        height=max(360, 18 * min(36, span + 1) + 140),
        margin={"t": 70, "r": 10},
    )
    return fig.figure()


def _grouped_by(labels: list[str]) -> str:
    """How the curves' cohorts are grouped, from their labels (``2024-03``, ``2024 Q1``, ``2024``)."""
    if not labels:
        return "by cohort"
    if " Q" in labels[0]:
        return "by quarter of first payment"
    return "by year of first payment" if len(labels[0]) == 4 else "by month of first payment"


def _shades(count: int) -> list[str]:
    """``count`` blues from light (oldest) to dark (newest)."""
    light, dark = np.array([147, 197, 253]), np.array([30, 58, 138])
    steps = np.linspace(0.0, 1.0, max(count, 2))[:count] if count > 1 else np.array([1.0])
    colours = []
    for step in steps:
        red, green, blue = (int(v) for v in light + (dark - light) * step)
        colours.append(f"#{red:02x}{green:02x}{blue:02x}")
    return colours
