"""The look every chart shares: one lean plotly template, legible on a projector, and axis helpers.

Every builder in :mod:`report.charts` takes engine output (a table, a series,
numbers) and the currency, and returns a ``plotly.graph_objects.Figure`` that
shows exactly that, nothing more: labelled axes, currency ticks, hover values
with separators, no mode bar (see :data:`PLOTLY_CONFIG`). Builders are pure:
no Streamlit, so the report draws the same figures offline.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import plotly.graph_objects as go

from report.charts.inert import plain
from report.charts.spec import Spec
from report.format import tick_prefix

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
BLUE = "#2563eb"
GREEN = "#059669"
RED = "#dc2626"
AMBER = "#d97706"
PURPLE = "#7c3aed"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: The one template every chart uses (kept small: it travels with each figure).
TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT, "size": 17, "color": INK},
        "title": {"font": {"size": 21}, "x": 0, "xanchor": "left", "y": 0.97, "yanchor": "top"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": [BLUE, GREEN, AMBER, RED, "#7c3aed", "#0891b2"],
        "xaxis": {
            "showgrid": False,
            "linecolor": "#9ca3af",
            "ticks": "outside",
            "tickcolor": "#9ca3af",
            "automargin": True,
            "title": {"standoff": 10},
        },
        "yaxis": {
            "gridcolor": GRID,
            "zeroline": False,
            "automargin": True,
            "title": {"standoff": 10},
        },
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        "hoverlabel": {"font": {"size": 16, "family": FONT}},
        "margin": {"l": 10, "r": 20, "t": 80, "b": 10},
        "height": 440,
    }
)


#: A legend at the foot of the whole figure, rows as many as its entries need. Placed in the figure's
#: own frame (``yref="container"``), plotly keeps room for it under everything else and sets the axis
#: title and tick labels above it, at any size; a legend placed a fraction of the plot's height away
#: lands on them once the chart is drawn flatter or narrower than it was tuned for.
LEGEND_AT_FOOT: dict[str, object] = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
}


#: ``st.plotly_chart(..., config=PLOTLY_CONFIG)``: no mode bar, no plotly logo.
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}
#: Layer colours, starting base first (dark), then newer cohorts lighter.
LAYER_COLOURS = (
    "#1e3a8a",
    "#1d4ed8",
    "#3b82f6",
    "#0e7490",
    "#0891b2",
    "#06b6d4",
    "#059669",
    "#10b981",
    "#6ee7b7",
)


TIER_COLOURS = {
    "Elite": "#065f46",
    "Best in class": "#059669",
    "Good": "#34d399",
    "Okay": "#fbbf24",
    "Concerning": "#f97316",
    "Red flag": "#dc2626",
}


SEGMENT_COLOURS = ("#1d4ed8", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626")
#: Each compared scenario's colour and dash, the reference first (dashes tell them apart in grey too).
SCENARIO_STYLES: tuple[tuple[str, str], ...] = (
    (BLUE, "solid"),
    (GREEN, "dash"),
    (AMBER, "dot"),
    ("#7c3aed", "dashdot"),
)


def scenario_colours(count: int) -> list[str]:
    """The colours of ``count`` compared scenarios, the reference first, as every comparison draws them."""
    return [SCENARIO_STYLES[i % len(SCENARIO_STYLES)][0] for i in range(count)]


#: The template as a plain dict, for :class:`report.charts.spec.Spec`.
TEMPLATE_LAYOUT: dict[str, object] = {"template": TEMPLATE.to_plotly_json()}


def new_figure() -> Spec:
    return Spec(TEMPLATE_LAYOUT)


def named_rows(fig: Spec, labels: list[str], *, font_size: int = 16) -> dict[str, object]:
    """Horizontal bars at rows 0, 1, 2…, each named above its bar (not beside it), so that on a
    phone the bars keep the chart's whole width; returns the y axis that goes with them."""
    for row, label in enumerate(labels):
        fig.add_annotation(
            x=0,
            xref="paper",
            y=row - 0.3,
            yref="y",
            text=plain(label),  # a name a user gave: text, never plotly's markup
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": font_size},
        )
    return {
        "range": [len(labels) - 0.55, -0.85],
        "showticklabels": False,
        "showgrid": False,
        "zeroline": False,
    }


def money_axis(currency: str) -> dict[str, object]:
    return {"tickprefix": tick_prefix(currency), "exponentformat": "B", "rangemode": "tozero"}


def months_axis(months: int) -> dict[str, object]:
    # At most seven ticks: side by side on a projector, more would turn on their side.
    dtick = 24 if months > 72 else 12 if months > 36 else 6 if months > 18 else 3
    return {"title": {"text": "Month"}, "dtick": dtick, "range": [0, months]}


def hover_money(currency: str) -> str:
    return tick_prefix(currency) + "%{y:,.0f}"


def percent_axis(title: str, *series: object, marks: tuple[float, ...] = ()) -> dict[str, Any]:
    """A percent axis whose ticks never repeat: round steps chosen from the data's span, with as many
    decimals as the step needs (a 0.5-point step prints 101.5%, not 101% twice).

    ``series`` are the values the axis shows (fractions; NaN ignored); ``marks`` values it must
    also reach, such as the 100% line.

    >>> percent_axis("NRR", [0.992, 1.018], marks=(1.0,))["tickformat"]
    '.0%'
    >>> percent_axis("NRR", [0.999, 1.004])["tickformat"]
    '.1%'
    """
    values = np.concatenate(
        [np.asarray(s, dtype=float).ravel() for s in series] + [np.asarray(marks, dtype=float)]
    )
    values = values[np.isfinite(values)]
    axis: dict[str, Any] = {"title": {"text": title}}
    if values.size == 0:
        return {**axis, "tickformat": ".0%"}
    low, high = float(values.min()), float(values.max())
    step = nice_step(low, high) if high > low else max(abs(low) * 0.01, 1e-4)
    decimals = max(0, -math.floor(math.log10(step * 100) + 1e-9))
    return {**axis, "tickformat": f".{decimals}%", "tick0": 0, "dtick": step}


def nice_step(low: float, high: float, count: int = 5) -> float:
    """The round step (1, 2 or 5 times a power of ten) that cuts ``low`` to ``high`` in about ``count``."""
    raw = max((high - low) / count, 1e-9)
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values from ``low`` to ``high`` (1, 2 or 5 times a power of ten)."""
    step = nice_step(low, high, count)
    return [float(v) for v in np.arange(math.ceil(low / step) * step, high + step / 2, step)]


def month_ticks(count: int, *, most: int = 8) -> dict[str, object]:
    """Category month labels (``YYYY-MM``), thinned to ``most`` so a projector can read them, and a
    phone too: turned on their side, more than eight would touch on a phone."""
    return {"type": "category", "nticks": min(count, most), "tickangle": -45, "tickfont": {"size": 14}}
