"""Where an annual NRR sits among the benchmark tiers, red flag to elite."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from report.charts.theme import (
    INK,
    TIER_COLOURS,
    new_figure,
)
from report.format import pct
from simulator.tiers import NRR_TIERS

#: The most ticks the scale shows: five labels such as "100%" stay apart on a phone.
MOST_TICKS = 5
#: The steps a tick may take, in points of NRR.
TICK_STEPS = (10, 20, 25, 50, 100, 200, 250, 500, 1000)


def tiers(annual_nrr: float) -> go.Figure:
    """Where an annual NRR sits among the tiers, red flag to elite: the scale reaches the value,
    whatever it is (a 61% NRR widens it to 50%), and every tick carries its label.

    The value's label stands on two short lines above its mark, centred on it, or starting or ending
    at it near either end of the scale, so it stays inside the chart on a phone wherever it sits.
    """
    value = annual_nrr if math.isfinite(annual_nrr) else 1.0
    low_end = max(0.0, min(0.8, math.floor((value - 0.05) * 10) / 10))
    high_end = max(1.45, math.ceil((value + 0.08) * 10) / 10)
    fig = new_figure()
    for tier in reversed(NRR_TIERS):
        start, stop = max(tier.low, low_end), min(tier.high, high_end)
        if stop <= start:
            continue
        fig.add_bar(
            x=[(stop - start) * 100],
            base=[start * 100],
            y=["NRR"],
            orientation="h",
            name=tier.name,
            marker={"color": TIER_COLOURS[tier.name], "line": {"color": "white", "width": 2}},
            text=[tier.name],
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,  # a narrow tier's name shrinks rather than turning on its side
            textfont={"color": "white" if tier.name not in ("Good", "Okay") else INK, "size": 16},
            hovertemplate=f"{tier.name}: {_tier_range(tier.low, tier.high)}, {tier.meaning}<extra></extra>",
            showlegend=False,
        )
    shown = min(max(value, low_end), high_end) * 100
    fig.add_shape(
        type="line", x0=shown, x1=shown, y0=-0.7, y1=0.7, line={"color": INK, "width": 4}, layer="above"
    )
    position = (shown - low_end * 100) / ((high_end - low_end) * 100)
    anchor = "left" if position < 0.2 else "right" if position > 0.8 else "center"
    fig.add_annotation(
        x=shown,
        y=0.72,
        yanchor="bottom",
        xanchor=anchor,
        align=anchor,
        text=f"<b>Annual NRR<br>{pct(annual_nrr)}</b>",
        showarrow=False,
        font={"size": 18},
    )
    ticks = tick_values(low_end, high_end)
    fig.update_layout(
        barmode="overlay",
        height=190,
        # Room for half a tick label at either end: plotly hides one that would reach past the chart.
        margin={"t": 45, "b": 10, "l": 26, "r": 26},
        # A tier's name too long for its bar at 10 px (Concerning on a phone) is left to the hover;
        # the others share one size.
        uniformtext={"minsize": 10, "mode": "hide"},
        xaxis={
            "range": [low_end * 100 - 1.5, high_end * 100 + 1.5],
            "tickvals": ticks,
            "ticktext": [f"{tick:.0f}%" for tick in ticks],
            "showgrid": False,
            "zeroline": False,
            "tickangle": 0,
        },
        yaxis={"visible": False, "range": [-0.6, 1.3]},
    )
    return fig.figure()


def tick_values(low_end: float, high_end: float) -> list[int]:
    """The scale's ticks, in points: multiples of the smallest step of :data:`TICK_STEPS` that
    leaves at most :data:`MOST_TICKS` between the two ends.

    >>> tick_values(0.8, 1.45), tick_values(0.4, 1.45), tick_values(0.0, 3.2)
    ([80, 100, 120, 140], [50, 75, 100, 125], [0, 100, 200, 300])
    """
    low, high = round(low_end * 100), round(high_end * 100)
    step = next((s for s in TICK_STEPS if high // s - (low - 1) // s <= MOST_TICKS), TICK_STEPS[-1])
    return list(range(-(-low // step) * step, high + 1, step))


def _tier_range(low: float, high: float) -> str:
    if math.isinf(high):
        return f"{low * 100:.0f}% and above"
    if low <= 0:
        return f"below {high * 100:.0f}%"
    return f"{low * 100:.0f}–{high * 100:.0f}%"
