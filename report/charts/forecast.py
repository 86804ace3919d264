"""Charts of a forecast from an export: the simulator carrying on from its last month, and the backtest."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from report.charts.spec import Spec
from report.charts.theme import AMBER, BLUE, INK, MUTED, month_ticks, new_figure
from report.format import tick_prefix
from report.revenue import MRR, Revenue


def ahead(
    monthly: pd.DataFrame,
    projected: np.ndarray,
    future: list[str],
    currency: str,
    *,
    shown: Revenue = MRR,
    band: tuple[np.ndarray, np.ndarray] | None = None,
) -> go.Figure:
    """The export's actual MRR, and the simulator's projection carrying on from its last month.

    ``projected`` is the projection's MRR from month 0 (the export's last month) on; ``future``
    the labels of the months after it; ``band`` the forecast's P10 and P90 over those months
    (drawn when given and known).
    """
    months = monthly["month"].astype(str).tolist()
    prefix = tick_prefix(currency)
    fig = new_figure()
    # The actual line first: its months set the order of the axis's categories.
    _actual(fig, monthly, prefix, shown)
    if band is not None:
        _band(fig, [months[-1], *future], float(projected[0]), band, prefix, shown)
    _line(
        fig, [months[-1], *future], shown.of(projected), "The simulator, calibrated on it", "Forecast", prefix
    )
    _marked(fig, months[-1], "last month of data")
    _layout(
        fig, f"Your {shown.name}, and where the simulator takes it", len(months) + len(future), prefix, shown
    )
    return fig.figure()


def backtest(monthly: pd.DataFrame, table: pd.DataFrame, currency: str, *, shown: Revenue = MRR) -> go.Figure:
    """A backtest: what happened, against the forecast and the flat line from the last fitted month.

    ``table`` is :attr:`simulator.backtest.Backtest.table`; the held-out months are shaded.
    """
    months = monthly["month"].astype(str).tolist()
    held = table["month"].astype(str).tolist()
    start = months[len(months) - len(held) - 1]
    fitted_mrr_raw = float(monthly["ending_mrr"].to_numpy(dtype=float)[len(months) - len(held) - 1])
    fitted_mrr = shown.of(fitted_mrr_raw)
    prefix = tick_prefix(currency)
    fig = new_figure()
    fig.add_shape(
        type="rect",
        xref="x",
        yref="paper",
        x0=start,
        x1=held[-1],
        y0=0,
        y1=1,
        fillcolor="#eff6ff",
        line_width=0,
        layer="below",
    )
    _label(fig, held[-1], "held out")
    # The actual line first: its months set the order of the axis's categories.
    _actual(fig, monthly, prefix, shown)
    if "forecast_p10" in table:
        band = (table["forecast_p10"].to_numpy(dtype=float), table["forecast_p90"].to_numpy(dtype=float))
        _band(fig, [start, *held], fitted_mrr_raw, band, prefix, shown)
    for column, name, short in (
        ("forecast_mrr", "Forecast, fitted before the shading", "Forecast"),
        ("flat_mrr", "Flat line", "Flat"),
    ):
        _line(
            fig,
            [start, *held],
            [fitted_mrr, *shown.of(table[column].to_numpy(dtype=float))],
            name,
            short,
            prefix,
        )
    _layout(fig, "Backtest: the forecast against what happened", len(months), prefix, shown)
    return fig.figure()


def _band(
    fig: Spec, x: list[str], start: float, band: tuple[np.ndarray, np.ndarray], prefix: str, shown: Revenue
) -> None:
    """The forecast's P10–P90 band, a light blue area from the month it starts at (none when unknown)."""
    low, high = (np.asarray(values, dtype=float) for values in band)
    if not (np.isfinite(low).all() and np.isfinite(high).all()):
        return
    fig.add_scatter(
        x=x,
        y=shown.of(np.concatenate(([start], high))),
        name="P90",
        mode="lines",
        line={"width": 0, "color": BLUE},
        hovertemplate="P90: " + prefix + "%{y:,.0f}<extra></extra>",
        showlegend=False,
    )
    fig.add_scatter(
        x=x,
        y=shown.of(np.concatenate(([start], low))),
        name="P10–P90 band",
        mode="lines",
        fill="tonexty",
        fillcolor="rgba(37, 99, 235, 0.15)",
        line={"width": 0, "color": BLUE},
        hovertemplate="P10: " + prefix + "%{y:,.0f}<extra></extra>",
    )


def _actual(fig: Spec, monthly: pd.DataFrame, prefix: str, shown: Revenue) -> None:
    """The export's actual MRR (or ARR), a solid dark line."""
    fig.add_scatter(
        x=monthly["month"].astype(str).tolist(),
        y=shown.of(monthly["ending_mrr"].to_numpy(dtype=float)),
        name=f"Actual {shown.name}",
        line={"color": INK, "width": 4},
        hovertemplate="Actual: " + prefix + "%{y:,.0f}<extra></extra>",
    )


#: How each kind of line looks: (colour, width, dash).
_LOOKS = {"Forecast": (BLUE, 4, "dash"), "Flat": (AMBER, 3, "dot")}


def _line(fig: Spec, x: list[str], y: Any, name: str, short: str, prefix: str) -> None:
    """A forecast (blue dashes) or the flat line (amber dots) from the month it starts at."""
    colour, width, dash = _LOOKS[short]
    fig.add_scatter(
        x=x,
        y=y,
        name=name,
        mode="lines",
        line={"color": colour, "width": width, "dash": dash},
        hovertemplate=short + ": " + prefix + "%{y:,.0f}<extra></extra>",
    )


def _layout(fig: Spec, title: str, months: int, prefix: str, shown: Revenue) -> None:
    fig.update_layout(
        title={"text": title},
        xaxis=month_ticks(months),
        yaxis={
            "tickprefix": prefix,
            "exponentformat": "B",
            "rangemode": "tozero",
            "title": {"text": shown.name},
        },
        hovermode="x unified",
        height=460,
        margin={"t": 100},
    )


def _marked(fig: Spec, month: str, text: str) -> None:
    """A dotted line at ``month``, labelled at the top."""
    fig.add_shape(
        type="line",
        xref="x",
        yref="paper",
        x0=month,
        x1=month,
        y0=0,
        y1=1,
        line={"color": "#9ca3af", "width": 1.5, "dash": "dot"},
    )
    _label(fig, month, text)


def _label(fig: Spec, month: str, text: str) -> None:
    fig.add_annotation(
        x=month,
        xref="x",
        y=1.0,
        yref="paper",
        text=text,
        showarrow=False,
        xanchor="right",
        yanchor="top",
        font={"size": 14, "color": MUTED},
    )
