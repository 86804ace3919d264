"""A fast way to build plotly figures: plain dicts, one unvalidated ``go.Figure`` at the end.

``plotly.graph_objects`` validates every property as it is set; a three-trace
figure then costs about 10 ms to build, which on a slider move is most of a
page's rerun. :class:`Spec` offers the few ``Figure`` methods our builders
use, with the same arguments, but only records dicts; :meth:`Spec.figure`
wraps them in ``go.Figure(..., _validate=False)`` (about 0.3 ms). What is
sent to the browser is the same JSON.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

#: The few plotly property names that contain an underscore; any other is "magic
#: underscore" shorthand (``line_width`` for ``line={"width": ...}``), expanded as plotly does.
_UNDERSCORED = frozenset({"error_x", "error_y", "error_z"})


def _plain(value: Any) -> Any:
    """Dicts all the way down, magic underscores expanded; pandas data as numpy arrays."""
    if isinstance(value, (pd.Series, pd.Index)):
        return value.to_numpy()
    if isinstance(value, dict):
        plain: dict[str, Any] = {}
        for key, item in value.items():
            if "_" in key and key not in _UNDERSCORED and not key.startswith("_"):
                head, rest = key.split("_", 1)
                _merge(plain, {head: {rest: item}})
            else:
                _merge(plain, {key: item})
        return plain
    if isinstance(value, tuple):
        return list(value)
    return value


def _merge(target: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``changes`` into ``target`` (as ``update_layout`` does) and return it."""
    for key, value in changes.items():
        value = _plain(value)
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value) if isinstance(value, (dict, list)) else value
    return target


@lru_cache(maxsize=16)
def _subplot_layout(rows: int, cols: int, options: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """The layout ``make_subplots`` builds (axis domains, anchors, titles), computed once per shape."""
    layout: dict[str, Any] = make_subplots(rows=rows, cols=cols, **_thaw_options(options)).to_plotly_json()[
        "layout"
    ]
    layout.pop("template", None)
    return layout


class Spec:
    """Records a figure as dicts; see the module docstring.

    >>> spec = Spec({"height": 300})
    >>> _ = spec.add_scatter(x=[0, 1], y=[2, 3], name="MRR").update_layout(title={"text": "MRR"})
    >>> spec.figure().layout.title.text
    'MRR'
    """

    def __init__(self, layout: dict[str, Any] | None = None, *, rows: int = 1, cols: int = 1) -> None:
        self.data: list[dict[str, Any]] = []
        self.layout: dict[str, Any] = copy.deepcopy(layout) if layout else {}
        self.rows, self.cols = rows, cols

    @classmethod
    def subplots(cls, layout: dict[str, Any] | None = None, *, rows: int, cols: int, **options: Any) -> Spec:
        """A grid of subplots, with ``make_subplots``' own arguments (lists given as lists)."""
        frozen = tuple(sorted((key, _freeze(value)) for key, value in options.items()))
        spec = cls(layout, rows=rows, cols=cols)
        _merge(spec.layout, copy.deepcopy(_subplot_layout(rows, cols, frozen)))
        return spec

    # Traces.

    def add_trace(
        self, trace: dict[str, Any] | Any, *, row: int | None = None, col: int | None = None
    ) -> Spec:
        """Add a trace given as a dict with a ``type`` (or as a plotly trace object)."""
        plain = _plain(dict(trace)) if isinstance(trace, dict) else trace.to_plotly_json()
        if row is not None and col is not None:
            index = self._axis_index(row, col)
            suffix = "" if index == 1 else str(index)
            plain.setdefault("xaxis", f"x{suffix}")
            plain.setdefault("yaxis", f"y{suffix}")
        self.data.append(plain)
        return self

    def add_scatter(self, *, row: int | None = None, col: int | None = None, **trace: Any) -> Spec:
        return self.add_trace({"type": "scatter", **trace}, row=row, col=col)

    def add_bar(self, *, row: int | None = None, col: int | None = None, **trace: Any) -> Spec:
        return self.add_trace({"type": "bar", **trace}, row=row, col=col)

    # Layout.

    def update_layout(self, changes: dict[str, Any] | None = None, **more: Any) -> Spec:
        _merge(self.layout, {**(changes or {}), **more})
        return self

    def add_annotation(self, **annotation: Any) -> Spec:
        self.layout.setdefault("annotations", []).append(_plain(annotation))
        return self

    def add_shape(self, **shape: Any) -> Spec:
        self.layout.setdefault("shapes", []).append(_plain(shape))
        return self

    def add_hline(self, y: float, **shape: Any) -> Spec:
        """A horizontal line across the plot, as ``Figure.add_hline`` draws it."""
        return self.add_shape(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=y, y1=y, **shape)

    def add_hrect(self, y0: float, y1: float, **shape: Any) -> Spec:
        """A horizontal band across the plot, as ``Figure.add_hrect`` draws it."""
        return self.add_shape(type="rect", xref="x domain", x0=0, x1=1, yref="y", y0=y0, y1=y1, **shape)

    def update_annotations(self, selector: dict[str, Any] | None = None, **changes: Any) -> Spec:
        for annotation in self.layout.get("annotations", []):
            if not selector or all(annotation.get(key) == value for key, value in selector.items()):
                _merge(annotation, changes)
        return self

    def update_xaxes(self, *, row: int | None = None, col: int | None = None, **changes: Any) -> Spec:
        return self._update_axes("xaxis", row, col, changes)

    def update_yaxes(self, *, row: int | None = None, col: int | None = None, **changes: Any) -> Spec:
        return self._update_axes("yaxis", row, col, changes)

    def figure(self) -> go.Figure:
        """The recorded figure, wrapped without validation."""
        return go.Figure({"data": self.data, "layout": self.layout}, _validate=False)

    def _axis_index(self, row: int, col: int) -> int:
        return (row - 1) * self.cols + col

    def _update_axes(self, kind: str, row: int | None, col: int | None, changes: dict[str, Any]) -> Spec:
        if row is None or col is None:
            count = self.rows * self.cols
            names = [kind if i == 1 else f"{kind}{i}" for i in range(1, count + 1)]
        else:
            index = self._axis_index(row, col)
            names = [kind if index == 1 else f"{kind}{index}"]
        for name in names:
            _merge(self.layout.setdefault(name, {}), changes)
        return self


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _freeze(item)) for key, item in value.items()))
    return value


def _thaw_options(frozen: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """Undo :func:`_freeze` for ``make_subplots`` (which wants lists, not tuples)."""
    return {key: _thaw(value) for key, value in frozen}


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value
