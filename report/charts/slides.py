"""Presenter mode: the same charts, readable from the back of a meeting room."""

from __future__ import annotations

import plotly.graph_objects as go

from report.charts.theme import TEMPLATE

#: The presenter's variant of :data:`TEMPLATE`: the same look, larger type, thicker lines.
PRESENTER_TEMPLATE = go.layout.Template(TEMPLATE)
#: Type sizes the presenter forces over a builder's own smaller ones.
PRESENTER_FONT = 22


def presenter(fig: go.Figure, *, height: int = 400) -> go.Figure:
    """A chart from this module, restyled for presenter mode: large type, no title.

    The slide's headline says what the chart shows, so the figure's own title
    goes; sizes a builder set itself (tick labels, bar texts, subplot titles)
    are raised to :data:`PRESENTER_FONT` at least. The legend stands above the
    plot, where the title was: below it, at this size, it would fall on the
    axis's title (a page places it under the months for a taller chart).
    """
    fig.update_layout(
        template=PRESENTER_TEMPLATE,
        title={"text": ""},
        height=height,
        font={"size": PRESENTER_FONT},
        legend={
            "font": {"size": PRESENTER_FONT - 1},
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            # Above the plot area: a builder's legend may be placed in the figure's own frame instead.
            "yref": "paper",
            "y": 1.02,
            "yanchor": "bottom",
        },
        # Room at the top for the legend, if there is one; at the right for half the last month's
        # tick label, which plotly would otherwise hide.
        margin={"t": 60 if _has_legend(fig) else 20, "b": 10, "r": 30},
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


def _has_legend(fig: go.Figure) -> bool:
    """Whether plotly draws ``fig``'s legend: asked for, or by default with two traces or more to name."""
    if fig.layout.showlegend is not None:
        return bool(fig.layout.showlegend)
    return sum(trace.showlegend is not False for trace in fig.data) > 1
