"""Drawing on a page: one way to put a chart there (the app's template, no mode bar, a stable key)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui.charts.theme import PLOTLY_CONFIG


def chart(figure: go.Figure, key: str, *, where: object = st) -> None:
    """Draw ``figure`` with the charts' own template (``theme=None``), in ``where`` (a column, say)."""
    where.plotly_chart(figure, theme=None, config=PLOTLY_CONFIG, key=key)  # type: ignore[attr-defined]
