"""What goes wrong choosing an engine."""

from __future__ import annotations

from simulator.export import ExportError


class EngineMissing(ExportError):
    """An optional engine (or its driver) is not installed; the message says what to pip install."""


def first_line(error: Exception) -> str:
    """An engine's error in one line: its message's first line, or its type when it says nothing."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
