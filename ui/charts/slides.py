"""Presenter mode: the same charts, readable from the back of a meeting room."""

from __future__ import annotations

import plotly.graph_objects as go

from ui.charts.theme import TEMPLATE

#: The presenter's variant of :data:`TEMPLATE`: the same look, larger type, thicker lines.
PRESENTER_TEMPLATE = go.layout.Template(TEMPLATE)
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
