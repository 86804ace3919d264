"""Drawing on a page: one way to put a chart there (the app's template, no mode bar, a stable key)."""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from report.charts.inert import inert
from report.charts.theme import PLOTLY_CONFIG, TEMPLATE

#: The room a plotly title takes at the top of a chart, given back when the page shows it.
TITLE_ROOM_PX = 40


def chart(figure: go.Figure, key: str, *, where: object = st) -> None:
    """Draw ``figure`` with the charts' own template (``theme=None``), in ``where`` (a column, say).

    The figure's title becomes page text above it: plotly never wraps a title,
    so on a phone a long one would run out of its chart. Its data text (names,
    categories, labels) is shown as text, never as plotly's markup (:mod:`report.charts.inert`).
    """
    inert(figure)
    title = figure.layout.title.text
    if title:
        where.html(f'<p class="chart-title">{html.escape(title)}</p>')  # type: ignore[attr-defined]
        top = figure.layout.margin.t if figure.layout.margin.t is not None else TEMPLATE.layout.margin.t
        figure.update_layout(title_text=None, margin_t=max(10, top - TITLE_ROOM_PX))
    where.plotly_chart(figure, theme=None, config=PLOTLY_CONFIG, key=key)  # type: ignore[attr-defined]


def card(where: object, label: str, value: str, **options: Any) -> None:
    """One figure in a bordered card as tall as the tallest in its row (options pass to ``st.metric``)."""
    where.metric(label, value, border=True, height="stretch", **options)  # type: ignore[attr-defined]
