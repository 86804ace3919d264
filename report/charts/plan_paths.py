"""The plan's levers month by month, as its initiatives ramp in and end."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from report.charts.spec import Spec
from report.charts.theme import (
    AMBER,
    BLUE,
    GREEN,
    GRID,
    RED,
    TEMPLATE_LAYOUT,
    months_axis,
    new_figure,
    percent_axis,
)
from simulator.levers import BY_FIELD

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
        else new_figure()
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
    dtick = months_axis(months)["dtick"]
    fig.update_xaxes(dtick=dtick, range=[0.5, months + 0.5])
    rate_axis = percent_axis("Monthly rate", *(paths[lever][1:] for lever in rates))
    relative_axis = percent_axis("vs today", *(paths[lever][1:] / paths[lever][0] for lever in others))
    if len(panels) == 2:
        fig.update_xaxes(title={"text": "Month"}, row=2, col=1)
        fig.update_yaxes(gridcolor=GRID, **rate_axis, row=1, col=1)
        fig.update_yaxes(gridcolor=GRID, **relative_axis, row=2, col=1)
    else:
        fig.update_xaxes(title={"text": "Month"})
        fig.update_yaxes(gridcolor=GRID, **(rate_axis if rates else relative_axis))
    return fig.figure()
