"""One rule for plotly: text that comes from data (a name, a category, a label) is shown as text.

Plotly reads a little HTML in every text it draws (labels, legends, hover, annotations): ``<a href>``
becomes a link that opens another page, ``<b>`` bold, ``<br>`` a line break. Text a user typed or
uploaded goes through :func:`plain`, which writes ``<``, ``>`` and ``&`` as the entities plotly turns
back into those characters, and drops direction controls: it shows as typed, never as markup.

Every figure reaches a page through :func:`ui.show.chart`, and the report through
:func:`report.content.build_report`; both pass it through :func:`inert`, which does that to every
trace's data text (names, categories, text, hover text, custom data). Annotations quote names only
through :func:`report.charts.theme.named_rows`, which uses :func:`plain`. The app's own markup (a bold
figure in an annotation, hover templates) is left alone. tests/test_hostile_markup.py holds it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from simulator.names import BIDI_CONTROLS

#: A trace's fields whose text comes from data, and that plotly draws (or hovers) as its pseudo-HTML.
DATA_TEXT = (
    "name",
    "legendgroup",
    "x",
    "y",
    "z",
    "text",
    "hovertext",
    "labels",
    "ids",
    "customdata",
    "parents",
)
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **dict.fromkeys(BIDI_CONTROLS)})


def plain(text: str) -> str:
    """``text`` as plotly shows it literally: ``<a href='x'>`` is drawn as those characters.

    >>> plain("<a href='x'>R&D</a>")
    "&lt;a href='x'&gt;R&amp;D&lt;/a&gt;"
    """
    return text.translate(_ENTITIES)


def inert(figure: go.Figure) -> go.Figure:
    """``figure`` with every trace's data text made :func:`plain` (in place; returned for chaining)."""
    for trace in figure.data:
        for field in DATA_TEXT:
            if field not in trace:
                continue
            value = trace[field]
            made = _plain_values(value)
            if made is not value:
                trace[field] = made
    return figure


def _plain_values(value: Any) -> Any:
    """``value`` with its strings made plain; the same object when it holds none that need it."""
    if isinstance(value, str):
        made = plain(value)
        return value if made == value else made
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "OUS":
            return value  # numbers: nothing to draw as markup
        items = value.tolist()
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return value
    made_items = [_plain_values(item) for item in items]
    if all(a is b for a, b in zip(made_items, items, strict=True)):
        return value
    return np.array(made_items, dtype=object) if isinstance(value, np.ndarray) else made_items
