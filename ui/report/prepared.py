"""The PDF one-pager and the chart PNGs of one scenario: made when asked (a few seconds of chromium),
saying how far along they are, and kept for the session until the scenario, the currency or how revenue
is shown changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from simulator.scenario import Scenario
from ui.report import content, images, pdf
from ui.revenue import Revenue

#: Where the files wait in the session (memory only, like uploads).
_KEY = "_prepared_files"

#: Told how far along the files are: a fraction from 0 to 1, and what is being done.
Progress = Callable[[float, str], object]


@dataclass(frozen=True)
class Prepared:
    """The files of one scenario in one currency on one day."""

    made_for: tuple[Scenario, str, str, dt.date]
    pdf: bytes
    pngs: dict[str, bytes]


def kept(scenario: Scenario, currency: str, shown: Revenue, today: dt.date) -> Prepared | None:
    """The files prepared earlier in this session for this very scenario, or None (stale ones dropped)."""
    files = st.session_state.get(_KEY)
    if isinstance(files, Prepared) and files.made_for == (scenario, currency, shown.name, today):
        return files
    st.session_state.pop(_KEY, None)
    return None


def prepare(
    scenario: Scenario, currency: str, shown: Revenue, today: dt.date, progress: Progress
) -> Prepared:
    """:func:`make` the files, and keep them for the session."""
    files = make(scenario, currency, shown, today, progress)
    st.session_state[_KEY] = files
    return files


def make(scenario: Scenario, currency: str, shown: Revenue, today: dt.date, progress: Progress) -> Prepared:
    """Draw every chart as a PNG, then print the one-pager, telling ``progress`` after each step.

    Raises
    ------
    ui.report.images.ChromiumMissingError, RuntimeError, TimeoutError, OSError
        When chromium is missing or fails.
    """
    progress(0.0, "Putting the report together…")
    built = content.build_report(scenario, currency, today=today, shown=shown)
    progress(0.1, "Starting chromium…")
    with images.ChartRenderer() as renderer:
        pngs: dict[str, bytes] = {}
        for done, (name, fig) in enumerate(built.charts.items()):
            progress(0.2 + 0.6 * done / len(built.charts), f"Drawing “{content.CHART_TITLES[name]}”…")
            pngs[name] = images.chart_png(fig, renderer)
        progress(0.8, "Printing the PDF…")
        printed = pdf.pdf_report(built, renderer=renderer)
    progress(1.0, "Ready.")
    return Prepared(made_for=(scenario, currency, shown.name, today), pdf=printed, pngs=pngs)
