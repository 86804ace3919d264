"""Chart builders: one lean plotly template, legible on a projector.

Every builder takes engine output (a table, a series, numbers) and the currency,
and returns a ``plotly.graph_objects.Figure`` that shows exactly that, nothing
more: labelled axes, currency ticks, hover values with separators, no mode bar
(see :data:`PLOTLY_CONFIG`). Pages pass the figure to ``st.plotly_chart`` with
``theme=None`` so this template, not Streamlit's, decides the look.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simulator.levers import BY_FIELD, LEVERS
from simulator.tiers import NRR_TIERS
from ui.figure import Spec
from ui.format import compact_money, pct, tick_prefix

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
BLUE = "#2563eb"
GREEN = "#059669"
RED = "#dc2626"
AMBER = "#d97706"
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


#: The template as a plain dict, for :class:`ui.figure.Spec`.
TEMPLATE_LAYOUT: dict[str, object] = {"template": TEMPLATE.to_plotly_json()}


def _figure() -> Spec:
    return Spec(TEMPLATE_LAYOUT)


def _money_axis(currency: str) -> dict[str, object]:
    return {"tickprefix": tick_prefix(currency), "tickformat": "~s", "rangemode": "tozero"}


def _months_axis(months: int) -> dict[str, object]:
    dtick = 12 if months > 48 else 6 if months > 18 else 3
    return {"title": {"text": "Month"}, "dtick": dtick, "range": [0, months]}


def _hover_money(currency: str) -> str:
    return tick_prefix(currency) + "%{y:,.0f}"


def revenue(table: pd.DataFrame, currency: str) -> go.Figure:
    """Total MRR over the horizon next to the starting base alone."""
    months = int(table["month"].iloc[-1])
    fig = _figure()
    fig.add_scatter(
        x=table["month"],
        y=table["mrr"],
        name="Total MRR",
        line={"color": BLUE, "width": 4},
        hovertemplate=_hover_money(currency),
    )
    fig.add_scatter(
        x=table["month"],
        y=table["existing_base_mrr"],
        name="Starting base alone (no new customers)",
        line={"color": AMBER, "width": 3, "dash": "dash"},
        hovertemplate=_hover_money(currency),
    )
    fig.update_layout(
        title={"text": "MRR over the horizon"},
        xaxis=_months_axis(months),
        yaxis={**_money_axis(currency), "title": {"text": "MRR"}},
        hovermode="x unified",
        legend={"y": 1.0},
        margin={"t": 100},
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
) -> None:
    """Stacked MRR areas over the months, one per series, in order from the bottom."""
    for i, (name, (x, y)) in enumerate(series.items()):
        colour = colours[i % len(colours)]
        fig.add_scatter(
            x=x,
            y=y,
            name=name,
            stackgroup="mrr",
            mode="lines",
            line={"width": 0.5, "color": colour},
            fillcolor=colour,
            hovertemplate=_hover_money(currency),
        )
    fig.update_layout(
        title={"text": title},
        xaxis=_months_axis(months),
        yaxis={**_money_axis(currency), "title": {"text": "MRR"}},
        hovermode="x unified",
        legend={"traceorder": "normal"},
        margin={"t": 100},
    )


def layer_cake(layers: pd.DataFrame, currency: str) -> go.Figure:
    """Stacked MRR by acquisition cohort, the starting base at the bottom."""
    months = int(layers.index[-1])
    fig = _figure()
    series = {name: (layers.index.to_numpy(), layers[name].to_numpy()) for name in layers.columns}
    _stacked_mrr(fig, series, LAYER_COLOURS, currency, months=months, title="MRR by acquisition cohort")
    fig.update_layout(legend={"font": {"size": 15}})
    return fig.figure()


_BRIDGE_LABELS = {
    "starting_mrr": "Start",
    "new_mrr": "New",
    "expansion_mrr": "Expansion",
    "contraction_mrr": "Contraction",
    "churned_mrr": "Churn",
    "ending_mrr": "End",
}


def waterfall(steps: pd.Series, currency: str, *, title: str) -> go.Figure:
    """An MRR bridge: start, the four flows (losses negative), end."""
    prefix = tick_prefix(currency)
    values = steps.to_numpy(dtype=float)
    labels = [_BRIDGE_LABELS[name] for name in steps.index]
    measure = ["absolute", "relative", "relative", "relative", "relative", "total"]
    text = [compact_money(v, currency, signed=0 < i < 5) for i, v in enumerate(values)]
    hover = [f"{'−' if v < 0 else ''}{prefix}{abs(v):,.0f}" for v in values]
    fig = _figure()
    fig.add_trace(
        {
            "type": "waterfall",
            "x": labels,
            "y": values,
            "measure": measure,
            "text": text,
            "textposition": "outside",
            "textfont": {"size": 16},
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
    low = min(values[0], values[-1], *(np.cumsum(values[:5])))
    high = max(values[0], values[-1], *(np.cumsum(values[:5])))
    span = max(high - low, abs(high) * 0.05, 1.0)
    fig.update_layout(
        title={"text": title},
        showlegend=False,
        xaxis={"tickangle": -30, "tickfont": {"size": 15}},
        yaxis={
            "tickprefix": prefix,
            "tickformat": "~s",
            "title": {"text": "MRR"},
            "range": [max(0.0, low - 0.6 * span), high + 0.25 * span],
        },
        height=420,
    )
    return fig.figure()


def stay_flat(table: pd.DataFrame, currency: str) -> go.Figure:
    """New MRR acquired each month against the new MRR needed just to stay flat."""
    rows = table.iloc[1:]
    months = int(table["month"].iloc[-1])
    needed = rows["new_mrr_to_stay_flat"].clip(lower=0.0)
    fig = _figure()
    fig.add_bar(
        x=rows["month"],
        y=rows["new_mrr"],
        name="New MRR acquired",
        marker={"color": "#93c5fd"},
        hovertemplate=_hover_money(currency),
    )
    fig.add_scatter(
        x=rows["month"],
        y=needed,
        name="New MRR needed just to stay flat",
        line={"color": RED, "width": 4},
        hovertemplate=_hover_money(currency),
    )
    fig.update_layout(
        title={"text": "The treadmill: acquisition against what leaks out"},
        xaxis={**_months_axis(months), "range": [0.5, months + 0.5]},
        yaxis={**_money_axis(currency), "title": {"text": "MRR per month"}},
        hovermode="x unified",
        bargap=0.15,
        margin={"t": 100},
    )
    return fig.figure()


def lever_label(lever: str, step_points: float) -> str:
    """``"Churn −1.0 pt"``: the lever (a registry key) and the change applied.

    >>> lever_label("churn", 1.0), lever_label("acquisition", 1.0), lever_label("recovery", 0.5)
    ('Churn −1.0 pt', 'New customers +1.0%', 'Failed payments −0.5 pt of churn')
    """
    chosen = LEVERS[lever]
    amount = f"{step_points:.1f}"
    if lever == "recovery":
        return f"Failed payments −{amount} pt of churn"
    if not chosen.is_rate:
        return f"{chosen.name} +{amount}%"
    return f"{chosen.name} {'−' if chosen.better < 0 else '+'}{amount} pt"


def tornado(impacts: pd.DataFrame, currency: str, *, step_points: float, months: int) -> go.Figure:
    """Ranked horizontal bars: each lever's gain in MRR at the horizon and in annual NRR."""
    labels = [lever_label(lever, step_points) for lever in impacts["lever"]]
    prefix = tick_prefix(currency)
    fig = Spec.subplots(
        TEMPLATE_LAYOUT,
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=(f"MRR gained by month {months}", "Annual NRR gained (points)"),
    )
    mrr_gain = impacts["mrr_gain"].to_numpy(dtype=float)
    nrr_gain = impacts["annual_nrr_gain"].to_numpy(dtype=float) * 100
    top = np.isclose(mrr_gain, mrr_gain[0], rtol=1e-6, atol=0.5)
    colours = [BLUE if winner else "#93c5fd" for winner in top]
    fig.add_bar(
        x=mrr_gain,
        y=labels,
        orientation="h",
        marker={"color": colours},
        text=[f"+{prefix}{v:,.0f}" if v >= 0 else f"−{prefix}{-v:,.0f}" for v in mrr_gain],
        textposition="auto",
        cliponaxis=False,
        hovertemplate="%{y}: " + prefix + "%{x:,.0f}<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_bar(
        x=nrr_gain,
        y=labels,
        orientation="h",
        marker={"color": [GREEN if winner else "#6ee7b7" for winner in top]},
        text=[f"{v:+.1f} pts" for v in nrr_gain],
        textposition="auto",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:+.2f} points<extra></extra>",
        row=1,
        col=2,
    )
    fig.update_layout(showlegend=False, height=380, margin={"t": 50})
    fig.update_yaxes(autorange="reversed", row=1, col=1)
    fig.update_xaxes(tickprefix=prefix, tickformat="~s", gridcolor=GRID, showgrid=True, row=1, col=1)
    fig.update_xaxes(ticksuffix=" pts", gridcolor=GRID, showgrid=True, row=1, col=2)
    fig.update_annotations(
        font={"size": 18}, x=0, xanchor="left", selector={"text": f"MRR gained by month {months}"}
    )
    return fig.figure()


# Presenter mode: the same charts, readable from the back of a meeting room.

#: The presenter's variant of :data:`TEMPLATE`: the same look, larger type, thicker lines.
PRESENTER_TEMPLATE = go.layout.Template(TEMPLATE)
PRESENTER_TEMPLATE.layout.update(
    font={"size": 22},
    legend={"font": {"size": 21}},
    hoverlabel={"font": {"size": 20}},
    xaxis={"tickfont": {"size": 21}, "title": {"font": {"size": 22}}},
    yaxis={"tickfont": {"size": 21}, "title": {"font": {"size": 22}}},
    margin={"l": 10, "r": 30, "t": 60, "b": 10},
)
#: Type sizes the presenter forces over a builder's own smaller ones.
PRESENTER_FONT = 22


def presenter(fig: go.Figure, *, height: int = 400) -> go.Figure:
    """A chart from this module, restyled for presenter mode: large type, no title.

    The slide's headline says what the chart shows, so the figure's own title
    goes; sizes a builder set itself (tick labels, bar texts, subplot titles)
    are raised to :data:`PRESENTER_FONT` at least.
    """
    fig.update_layout(
        template=PRESENTER_TEMPLATE,
        title={"text": ""},
        height=height,
        font={"size": PRESENTER_FONT},
        legend={"font": {"size": PRESENTER_FONT - 1}},
        margin={"t": 60},
    )
    fig.update_xaxes(tickfont={"size": PRESENTER_FONT - 1}, title={"font": {"size": PRESENTER_FONT}})
    fig.update_yaxes(tickfont={"size": PRESENTER_FONT - 1}, title={"font": {"size": PRESENTER_FONT}})
    fig.update_annotations(font={"size": PRESENTER_FONT})
    for trace in fig.data:
        if "textfont" in trace:
            trace.textfont.size = PRESENTER_FONT
        if trace.type == "scatter" and trace.line.width:
            trace.line.width = max(trace.line.width, 5)
    return fig


def variant_bars(labels: list[str], mrr: list[float], currency: str, *, months: int) -> go.Figure:
    """MRR at the horizon of a few variants of one scenario, the first one (today's) in grey."""
    colours = [MUTED, *(GREEN if "NRR" in label else BLUE for label in labels[1:])]
    fig = _figure()
    fig.add_bar(
        x=mrr,
        y=labels,
        orientation="h",
        marker={"color": colours},
        text=[compact_money(value, currency) for value in mrr],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: " + _hover_money(currency).replace("%{y", "%{x") + "<extra></extra>",
    )
    fig.update_layout(
        title={"text": f"MRR at month {months}"},
        showlegend=False,
        # Each bar carries its value, so the money axis only takes room.
        xaxis={**_money_axis(currency), "range": [0, max(max(mrr) * 1.15, 1.0)], "visible": False},
        yaxis={"autorange": "reversed"},
        bargap=0.25,
        margin={"b": 0},
    )
    return fig.figure()


def tiers(annual_nrr: float) -> go.Figure:
    """Where an annual NRR sits among the tiers, red flag to elite."""
    low_end, high_end = 0.8, max(1.45, min(annual_nrr + 0.08, 2.0))
    fig = _figure()
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
            textfont={"color": "white" if tier.name not in ("Good", "Okay") else INK, "size": 16},
            hovertemplate=f"{tier.name}: {_tier_range(tier.low, tier.high)}, {tier.meaning}<extra></extra>",
            showlegend=False,
        )
    shown = min(max(annual_nrr, low_end), high_end) * 100
    fig.add_shape(
        type="line", x0=shown, x1=shown, y0=-0.7, y1=0.7, line={"color": INK, "width": 4}, layer="above"
    )
    position = (shown - low_end * 100) / ((high_end - low_end) * 100)
    fig.add_annotation(
        x=shown,
        y=0.72,
        yanchor="bottom",
        xanchor="left" if position < 0.15 else "right" if position > 0.85 else "center",
        text=f"<b>Annual NRR {pct(annual_nrr)}</b>",
        showarrow=False,
        font={"size": 18},
    )
    fig.update_layout(
        barmode="overlay",
        height=190,
        margin={"t": 45, "b": 10, "l": 10, "r": 10},
        xaxis={"range": [low_end * 100, high_end * 100], "ticksuffix": "%", "showgrid": False, "dtick": 10},
        yaxis={"visible": False, "range": [-0.6, 1.3]},
    )
    return fig.figure()


def _tier_range(low: float, high: float) -> str:
    if math.isinf(high):
        return f"{low * 100:.0f}% and above"
    if low <= 0:
        return f"below {high * 100:.0f}%"
    return f"{low * 100:.0f}–{high * 100:.0f}%"


# "Know your number": charts of an uploaded export's actual metrics.

#: The flows of the actual MRR bridge, in stacking order, with their colours; losses go down.
_FLOW_BARS = (
    ("new_mrr", "New", BLUE, 1.0),
    ("reactivation_mrr", "Reactivation", "#7c3aed", 1.0),
    ("expansion_mrr", "Expansion", GREEN, 1.0),
    ("contraction_mrr", "Contraction", AMBER, -1.0),
    ("churned_mrr", "Churned", RED, -1.0),
)
#: Heatmap colours for retained revenue: red below 100% of the first month, green above.
_RETENTION_SCALE = (
    (0.0, "#b91c1c"),
    (0.25, "#f87171"),
    (0.5, "#f9fafb"),
    (0.75, "#34d399"),
    (1.0, "#047857"),
)


def _month_ticks(count: int, *, most: int = 12) -> dict[str, object]:
    """Category month labels (``YYYY-MM``), thinned to ``most`` so a projector can read them."""
    return {"type": "category", "nticks": min(count, most), "tickangle": -45, "tickfont": {"size": 14}}


def actual_bridge(monthly: pd.DataFrame, currency: str) -> go.Figure:
    """The monthly MRR bridge of an export: ending MRR above, the month's movements below.

    The first month has no month before it (every payer counts as new), so it
    is left out of the movements.
    """
    rows = monthly.iloc[1:]
    months = rows["month"].to_numpy()
    prefix = tick_prefix(currency)
    fig = Spec.subplots(
        TEMPLATE_LAYOUT,
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.38, 0.62],
        vertical_spacing=0.07,
        subplot_titles=("Ending MRR", "Movements each month (losses below zero)"),
    )
    fig.add_scatter(
        x=months,
        y=rows["ending_mrr"].to_numpy(dtype=float),
        name="Ending MRR",
        line={"color": INK, "width": 4},
        showlegend=False,
        hovertemplate="Ending MRR: " + prefix + "%{y:,.0f}<extra></extra>",
        row=1,
        col=1,
    )
    for column, label, colour, sign in _FLOW_BARS:
        fig.add_bar(
            x=months,
            y=sign * rows[column].to_numpy(dtype=float),
            name=label,
            marker={"color": colour},
            hovertemplate=f"{label}: " + prefix + "%{y:,.0f}<extra></extra>",
            row=2,
            col=1,
        )
    fig.update_layout(
        barmode="relative",
        bargap=0.15,
        hovermode="x unified",
        height=580,
        margin={"t": 70},
        legend={"y": 1.08},
    )
    fig.update_annotations(font={"size": 18}, x=0, xanchor="left")
    fig.update_yaxes(tickprefix=prefix, tickformat="~s", gridcolor=GRID, zeroline=False)
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(zeroline=True, zerolinecolor="#9ca3af", row=2, col=1)
    fig.update_xaxes(**_month_ticks(len(months)), row=2, col=1)
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
    fig = _figure()
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
        xaxis=_month_ticks(len(rows), most=7),
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
    fig = _figure()
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
            "colorbar": {"title": {"text": "Kept"}, "ticksuffix": "%", "thickness": 14},
            "xgap": 1,
            "ygap": 1,
            "hoverongaps": False,
            "hovertemplate": "First paid %{y}, month %{x}: %{z:.0f}% of first-month MRR<extra></extra>",
        }
    )
    fig.update_layout(
        title={"text": "Revenue kept by each cohort (100% = its first month's MRR)"},
        xaxis={"title": {"text": "Months since first payment"}, "tick0": 0, "dtick": 3, "showgrid": False},
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
    fig = _figure()
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


# The advanced model: NRR over time, segments, and Monte Carlo bands.

SEGMENT_COLOURS = ("#1d4ed8", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626")


def _percent_axis(title: str) -> dict[str, object]:
    return {"tickformat": ".0%", "title": {"text": title}}


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
    fig.update_xaxes(dtick=_months_axis(months)["dtick"], range=[0.5, months + 0.5])
    fig.update_xaxes(title={"text": "Month"}, row=2, col=1)
    fig.update_yaxes(tickformat=".1%", gridcolor=GRID, title={"text": "Monthly"}, row=1, col=1)
    fig.update_yaxes(tickformat=".0%", gridcolor=GRID, title={"text": "Trailing 12"}, row=2, col=1)
    return fig.figure()


def segment_revenue(segments: dict[str, pd.DataFrame], currency: str, *, months: int) -> go.Figure:
    """MRR stacked by segment over the horizon."""
    fig = _figure()
    series = {
        name: (table["month"].to_numpy()[: months + 1], table["mrr"].to_numpy()[: months + 1])
        for name, table in segments.items()
    }
    _stacked_mrr(fig, series, SEGMENT_COLOURS, currency, months=months, title="MRR by segment")
    return fig.figure()


def band(
    bands: pd.DataFrame,
    column: str,
    *,
    title: str,
    currency: str | None = None,
    expected: pd.Series | None = None,
) -> go.Figure:
    """The P10–P90 band of a Monte Carlo column, its median, and the deterministic line if given.

    ``column`` is ``"mrr"``, ``"nrr_month"`` or ``"nrr_trailing_12"``; money
    when ``currency`` is given, else a percentage with the 100% line.
    """
    rows = bands.dropna(subset=[f"{column}_p50"])
    rows = rows[rows["month"] > 0] if column != "mrr" else rows
    months = int(bands["month"].iloc[-1])
    hover = _hover_money(currency) if currency is not None else "%{y:.1%}"
    fig = _figure()
    if currency is None:
        fig.add_hline(y=1.0, line={"color": MUTED, "width": 1.5, "dash": "dot"})
    x = rows["month"].to_numpy()
    fig.add_scatter(
        x=x,
        y=rows[f"{column}_p90"].to_numpy(),
        name="P90",
        line={"width": 0, "color": BLUE},
        hovertemplate=hover,
        showlegend=False,
    )
    fig.add_scatter(
        x=x,
        y=rows[f"{column}_p10"].to_numpy(),
        name="P10–P90 (8 futures in 10)",
        fill="tonexty",
        fillcolor="rgba(37, 99, 235, 0.18)",
        line={"width": 0, "color": BLUE},
        hovertemplate=hover,
    )
    fig.add_scatter(
        x=x,
        y=rows[f"{column}_p50"].to_numpy(),
        name="Median (P50)",
        line={"color": BLUE, "width": 4},
        hovertemplate=hover,
    )
    if expected is not None:
        fig.add_scatter(
            x=expected.index.to_numpy(),
            y=expected.to_numpy(),
            name="The model's average path",
            line={"color": AMBER, "width": 3, "dash": "dash"},
            hovertemplate=hover,
        )
    yaxis = (
        {**_money_axis(currency), "title": {"text": "MRR"}} if currency is not None else _percent_axis("NRR")
    )
    fig.update_layout(
        title={"text": title},
        xaxis={**_months_axis(months), "range": [0 if column == "mrr" else 0.5, months + 0.5]},
        yaxis=yaxis,
        hovermode="x unified",
        margin={"t": 100},
        height=400,
    )
    return fig.figure()


# Scenario comparison: one measure of two to four scenarios, overlaid.

#: Each compared scenario's colour and dash, the reference first (dashes tell them apart in grey too).
SCENARIO_STYLES: tuple[tuple[str, str], ...] = (
    (BLUE, "solid"),
    (GREEN, "dash"),
    (AMBER, "dot"),
    ("#7c3aed", "dashdot"),
)


def scenario_lines(
    tables: dict[str, pd.DataFrame],
    column: str,
    *,
    title: str,
    currency: str | None = None,
    axis_title: str = "",
) -> go.Figure:
    """``column`` of each scenario's projection table over time, overlaid, the first (the reference) boldest.

    Money with a ``currency``, else a rate drawn as a percentage (NRR with the 100% line).
    """
    months = max(int(table["month"].iloc[-1]) for table in tables.values())
    start = 0 if column == "mrr" else 12 if column.endswith("trailing_12") else 1
    fig = _figure()
    if column.startswith("nrr"):
        fig.add_hline(y=1.0, line={"color": MUTED, "width": 1.5, "dash": "dot"})
    hover = _hover_money(currency) if currency is not None else "%{y:.1%}"
    for i, (name, table) in enumerate(tables.items()):
        colour, dash = SCENARIO_STYLES[i % len(SCENARIO_STYLES)]
        rows = table[table["month"] >= start]
        fig.add_scatter(
            x=rows["month"].to_numpy(),
            y=rows[column].to_numpy(dtype=float),
            name=name,
            line={"color": colour, "width": 4.5 if i == 0 else 3.5, "dash": dash},
            hovertemplate=hover,
        )
    yaxis: dict[str, object] = (
        {**_money_axis(currency), "title": {"text": axis_title or "MRR"}}
        if currency is not None
        # Three significant digits, trailing zeros dropped: 96.5% and 97% never print alike.
        else {"tickformat": ".3~%", "title": {"text": axis_title}}
    )
    fig.update_layout(
        title={"text": title},
        xaxis={**_months_axis(months), "range": [start - (0.5 if start else 0), months + 0.5]},
        yaxis=yaxis,
        hovermode="x unified",
        margin={"t": 100},
        height=400,
    )
    return fig.figure()


# The plan: initiatives and shocks.


def initiative_bars(impacts: pd.DataFrame, currency: str, *, months: int) -> go.Figure:
    """Each initiative's effect on MRR at the horizon, ranked: gains in green, shocks in red.

    ``impacts`` is :func:`simulator.ranking.initiative_impacts`' table.
    """
    prefix = tick_prefix(currency)
    gains = impacts["mrr_gain"].to_numpy(dtype=float)
    names = [
        _initiative_label(name, BY_FIELD[lever].name)
        for name, lever in zip(impacts["initiative"], impacts["lever"], strict=True)
    ]
    low, high = min(0.0, float(gains.min())), max(0.0, float(gains.max()))
    span = max(high - low, 1.0)
    # Room beyond the longest bars for labels drawn outside them, clear of the names.
    lo, hi = (low - 0.28 * span if low < 0 else 0.0), (high + 0.28 * span if high > 0 else 0.0)
    ticks = _nice_ticks(lo, hi)
    fig = _figure()
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
        title={"text": f"Each initiative's effect on MRR at month {months}"},
        showlegend=False,
        height=150 + 56 * len(names),
        margin={"t": 70},
        bargap=0.35,
        xaxis={
            "range": [lo, hi],
            "tickvals": ticks,
            "ticktext": [compact_money(t, currency) for t in ticks],
            "gridcolor": GRID,
            "showgrid": True,
            "zeroline": False,
        },
        yaxis={"autorange": "reversed", "gridcolor": "rgba(0,0,0,0)"},
    )
    return fig.figure()


def _initiative_label(name: str, lever: str) -> str:
    """``"Dunning · Churn"``; the lever is left out when the name already says it."""
    return name if lever.split()[0].lower() in name.lower() else f"{name} · {lever}"


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values from ``low`` to ``high`` (1, 2 or 5 times a power of ten)."""
    raw = max((high - low) / count, 1e-9)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [float(v) for v in np.arange(math.ceil(low / step) * step, high + step / 2, step)]


#: Lever colours on the plan's paths chart, in the lever registry's order.
PATH_COLOURS = (RED, AMBER, GREEN, BLUE, "#7c3aed", "#0891b2")


def _path_colour(field: str) -> str:
    return PATH_COLOURS[list(BY_FIELD).index(field) % len(PATH_COLOURS)]


def lever_paths(paths: dict[str, np.ndarray], moved: tuple[str, ...], *, height: int = 480) -> go.Figure:
    """The levers a plan moves, month by month: rates in % a month, acquisition as % of today's.

    ``paths`` is :func:`simulator.refined.lever_paths`' output (months 0..horizon);
    ``moved`` the levers the plan's initiatives move. Rates and the acquisition
    levers sit on two panels when both are moved.
    """
    rates = [lever for lever in moved if BY_FIELD[lever].is_rate]
    others = [lever for lever in moved if not BY_FIELD[lever].is_rate and paths[lever][0] > 0]
    panels = [panel for panel in (rates, others) if panel]
    months = len(next(iter(paths.values()))) - 1
    fig = (
        Spec.subplots(TEMPLATE_LAYOUT, rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.16)
        if len(panels) == 2
        else _figure()
    )
    x = np.arange(1, months + 1)
    for row, panel in enumerate(panels, start=1):
        for lever in panel:
            path = paths[lever][1:]
            relative = not BY_FIELD[lever].is_rate
            fig.add_scatter(
                x=x,
                y=path / paths[lever][0] if relative else path,
                name=BY_FIELD[lever].name + (" (vs today)" if relative else ""),
                mode="lines",
                line={"color": _path_colour(lever), "width": 3.5, "shape": "linear"},
                hovertemplate="%{y:.0%}" if relative else "%{y:.2%}",
                **({"row": row, "col": 1} if len(panels) == 2 else {}),
            )
    fig.update_layout(
        title={"text": "The plan's levers, month by month"},
        hovermode="x unified",
        height=height if len(panels) == 2 else max(320, height - 100),
        margin={"t": 100},
    )
    dtick = _months_axis(months)["dtick"]
    fig.update_xaxes(dtick=dtick, range=[0.5, months + 0.5])
    if len(panels) == 2:
        fig.update_xaxes(title={"text": "Month"}, row=2, col=1)
        fig.update_yaxes(tickformat=".1%", gridcolor=GRID, title={"text": "Monthly rate"}, row=1, col=1)
        fig.update_yaxes(tickformat=".0%", gridcolor=GRID, title={"text": "vs today"}, row=2, col=1)
    else:
        fig.update_xaxes(title={"text": "Month"})
        title = "Monthly rate" if rates else "vs today"
        fig.update_yaxes(tickformat=".1%" if rates else ".0%", gridcolor=GRID, title={"text": title})
    return fig.figure()
