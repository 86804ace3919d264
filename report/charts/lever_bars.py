"""Lever charts: each lever's gain ranked (the tornado), how far each must move to reach a target, and
each initiative of the plan ranked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from report.charts.theme import (
    BLUE,
    GREEN,
    GRID,
    MUTED,
    RED,
    named_rows,
    new_figure,
    nice_ticks,
)
from report.format import MINUS, compact_money, tick_prefix
from report.revenue import MRR, Revenue
from simulator.levers import BY_FIELD, LEVERS


def tornado(
    table: pd.DataFrame, labels: list[str], currency: str, *, months: int, shown: Revenue = MRR
) -> go.Figure:
    """Ranked bars across the whole width: each row's MRR gained at the horizon, with its annual NRR
    gain beside the figure.

    ``table`` is :attr:`simulator.ranking.Ranking.table`; ``labels`` name its
    rows (:func:`report.ranking.row_label`) and stand above their bars, so that a
    phone gives the bars its whole width. Rows tied with the first are drawn
    as winners.
    """
    prefix = tick_prefix(currency)
    gains = shown.of(table["mrr_gain"].to_numpy(dtype=float))
    nrr_gain = table["annual_nrr_gain"].to_numpy(dtype=float) * 100
    top = np.isclose(gains, gains[0], rtol=1e-6, atol=0.5)
    rows = np.arange(len(labels), dtype=float)
    # A long bar carries its figure inside (shrunk to fit on a phone); a short one beside it, where
    # the axis leaves room. Left to plotly, a long bar's figure can go outside and off the chart.
    longest = float(np.abs(gains).max(initial=0.0))
    inside = (np.abs(gains) >= 0.5 * longest) & (longest > 0)
    fig = new_figure()
    fig.add_bar(
        x=gains,
        y=rows,
        width=0.5,
        orientation="h",
        marker={"color": [BLUE if winner else "#93c5fd" for winner in top]},
        text=[
            f"{compact_money(gain, currency, signed=True)} · {nrr:+.1f} pts".replace("-", MINUS)
            for gain, nrr in zip(gains, nrr_gain, strict=True)
        ],
        textposition=np.where(inside, "inside", "outside").tolist(),
        insidetextanchor="end",
        textfont={"size": 15},
        cliponaxis=False,
        customdata=labels,
        hovertemplate="%{customdata}: " + prefix + "%{x:,.0f}<extra></extra>",
    )
    fig.update_layout(
        title={"text": f"{shown.name} gained by month {months}, and annual NRR gained"},
        showlegend=False,
        height=110 + 78 * len(labels),
        margin={"t": 60, "l": 10, "r": 50},
        xaxis={**_gain_axis(gains, currency, room=0.45), "zeroline": True, "zerolinecolor": MUTED},
        yaxis=named_rows(fig, labels),
    )
    return fig.figure()


def needed_bars(table: pd.DataFrame, texts: list[str], *, target: str) -> go.Figure:
    """Target mode: how far each lever alone must move (its relative change), easiest first.

    A lever that cannot get there alone is a grey stub; acquisition, which
    reaches the target's MRR rather than its NRR, is drawn apart in muted blue.
    """
    change = table["change"].abs().to_numpy(dtype=float) * 100
    reaches = table["reaches"].to_numpy(dtype=bool)
    finite = np.where(np.isfinite(change), change, 0.0)
    top = float(finite.max()) if finite.size and finite.max() > 0 else 100.0
    lengths = np.where(reaches & np.isfinite(change), finite, top * 0.02)
    colours = [
        MUTED if not ok else "#93c5fd" if lever == "acquisition" else BLUE
        for ok, lever in zip(reaches, table["lever"], strict=True)
    ]
    fig = new_figure()
    fig.add_bar(
        x=lengths,
        y=[LEVERS[lever].name for lever in table["lever"]],
        orientation="h",
        marker={"color": colours},
        text=texts,
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    ticks = nice_ticks(0.0, top * 1.6)
    fig.update_layout(
        title={"text": f"How far each lever alone must move to reach {target}"},
        showlegend=False,
        height=150 + 60 * len(texts),
        margin={"t": 70},
        bargap=0.35,
        xaxis={
            "range": [0.0, top * 1.6],
            "tickvals": ticks,
            "ticktext": [f"{t:,.0f}%" for t in ticks],
            "title": {"text": "change from today's value"},
            "gridcolor": GRID,
            "showgrid": True,
            "zeroline": False,
        },
        yaxis={"autorange": "reversed", "gridcolor": "rgba(0,0,0,0)"},
    )
    return fig.figure()


def initiative_bars(impacts: pd.DataFrame, currency: str, *, months: int, shown: Revenue = MRR) -> go.Figure:
    """Each initiative's effect on MRR at the horizon, ranked: gains in green, shocks in red.

    ``impacts`` is :func:`simulator.plan.initiative_impacts`' table.
    """
    prefix = tick_prefix(currency)
    gains = shown.of(impacts["mrr_gain"].to_numpy(dtype=float))
    names = [
        _initiative_label(name, BY_FIELD[lever].name)
        for name, lever in zip(impacts["initiative"], impacts["lever"], strict=True)
    ]
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
        title={"text": f"Each initiative's effect on {shown.name} at month {months}"},
        showlegend=False,
        height=150 + 56 * len(names),
        margin={"t": 70},
        bargap=0.35,
        xaxis={**_gain_axis(gains, currency, room=0.28), "zeroline": False},
        yaxis={"autorange": "reversed", "gridcolor": "rgba(0,0,0,0)"},
    )
    return fig.figure()


def _initiative_label(name: str, lever: str) -> str:
    """``"Dunning · Churn"``; the lever is left out when the name already says it."""
    return name if lever.split()[0].lower() in name.lower() else f"{name} · {lever}"


def _gain_axis(gains: np.ndarray, currency: str, *, room: float) -> dict[str, object]:
    """A money axis from zero (or the largest loss) to the largest gain, with ``room`` (a share of the
    span) beyond each end for a figure written past its bar, and round ticks in compact money."""
    low, high = min(0.0, float(gains.min())), max(0.0, float(gains.max()))
    span = max(high - low, 1.0)
    lo = low - room * span if low < 0 else 0.0
    hi = high + room * span if high > 0 or low >= 0 else 0.0
    ticks = nice_ticks(lo, hi)
    return {
        "range": [lo, hi],
        "tickvals": ticks,
        "ticktext": [compact_money(t, currency) for t in ticks],
        "gridcolor": GRID,
        "showgrid": True,
    }
