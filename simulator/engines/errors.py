"""What goes wrong choosing an engine."""

from __future__ import annotations

from simulator.export import ExportError


class EngineMissing(ExportError):
    """An optional engine (or its driver) is not installed; the message says what to pip install."""
