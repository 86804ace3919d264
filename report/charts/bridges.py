"""What the two bridge charts share (an export's months, a scenario's years): ending revenue in the
top row, what was won and lost in the bottom one, each flow in its colour, losses below zero."""

from __future__ import annotations

import numpy as np
import pandas as pd

from report.charts.spec import Spec
from report.charts.theme import AMBER, BLUE, GREEN, GRID, PURPLE, RED, TEMPLATE_LAYOUT

#: The flows, in stacking order: column stem (``new`` → ``new_mrr`` or ``new_arr``), name, colour, sign.
FLOWS = (
    ("new", "New", BLUE, 1.0),
    ("reactivation", "Reactivation", PURPLE, 1.0),
    ("expansion", "Expansion", GREEN, 1.0),
    ("contraction", "Contraction", AMBER, -1.0),
    ("churned", "Churned", RED, -1.0),
)


def two_rows(titles: tuple[str, str], *, heights: list[float], spacing: float) -> Spec:
    """An empty bridge: two rows sharing their x axis, titled."""
    return Spec.subplots(
        TEMPLATE_LAYOUT,
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=heights,
        vertical_spacing=spacing,
        subplot_titles=titles,
    )


def add_flows(fig: Spec, x: np.ndarray, table: pd.DataFrame, unit: str, prefix: str) -> None:
    """Each flow of ``table`` (columns ``<stem>_<unit>``) as bars in the bottom row; reactivation only
    when there was some."""
    for stem, label, colour, sign in FLOWS:
        values = table[f"{stem}_{unit}"].to_numpy(dtype=float)
        if stem == "reactivation" and not (values > 0).any():
            continue
        fig.add_bar(
            x=x,
            y=sign * values,
            name=label,
            marker={"color": colour},
            hovertemplate=f"{label}: " + prefix + "%{y:,.0f}<extra></extra>",
            row=2,
            col=1,
        )


def money_rows(fig: Spec, prefix: str, *, height: int, top: int, legend_y: float, bargap: float) -> None:
    """The bars stacked up and down, one hover for all, the legend above; both rows' money axes, the row
    titles at the left, and the bottom row's zero line."""
    fig.update_layout(
        barmode="relative",
        bargap=bargap,
        hovermode="x unified",
        height=height,
        margin={"t": top},
        legend={"y": legend_y},
    )
    fig.update_annotations(font={"size": 18}, x=0, xanchor="left")
    fig.update_yaxes(tickprefix=prefix, exponentformat="B", gridcolor=GRID, zeroline=False)
    fig.update_yaxes(zeroline=True, zerolinecolor="#9ca3af", row=2, col=1)
