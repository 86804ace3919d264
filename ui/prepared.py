"""The PDF one-pager and the chart PNGs of one scenario, drawn on this machine by one warm chromium.

Starting kaleido's chromium costs 2–3 s, so the server keeps one
(:func:`_shared`, started by the first visitor who asks, used by one visitor
at a time) instead of starting one per click. "Prepare" makes the report and
prints the PDF, saying how far along it is; each chart's PNG is drawn only
when its button is clicked. The files are kept for the session until the
scenario, the currency or how revenue is shown changes (memory only, like
uploads).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from report import content, images, pdf
from report.revenue import Revenue
from simulator.scenario import Scenario

#: Where the files wait in the session.
_KEY = "_prepared_files"

#: Told how far along the files are: a fraction from 0 to 1, and what is being done.
Progress = Callable[[float, str], object]


@dataclass(frozen=True)
class Prepared:
    """The report of one scenario in one currency and revenue view on one day, and its PDF."""

    made_for: tuple[Scenario, str, str, dt.date]
    report: content.Report
    pdf: bytes

    def png(self, name: str) -> bytes:
        """Chart ``name`` of the report as a PNG (drawn now: a download button's data)."""
        with renderer() as drawing:
            return images.chart_png(self.report.charts[name], drawing)


@dataclass(frozen=True)
class _Shared:
    renderer: images.ChartRenderer
    lock: threading.Lock


@st.cache_resource(show_spinner=False)
def _shared() -> _Shared:
    """The server's one kaleido renderer, started on first use."""
    return _Shared(images.ChartRenderer(), threading.Lock())


@contextmanager
def renderer() -> Iterator[images.ChartRenderer]:
    """The warm renderer, for one visitor at a time; a renderer that failed is closed, so that the next
    use starts a fresh chromium."""
    shared = _shared()
    with shared.lock:
        try:
            yield shared.renderer.start()
        except Exception:
            shared.renderer.close()
            raise


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
    """The report and its PDF, telling ``progress`` after each step.

    Raises
    ------
    report.images.ChromiumMissingError, RuntimeError, TimeoutError, OSError
        When chromium is missing or fails.
    """
    progress(0.0, "Putting the report together…")
    built = content.build_report(scenario, currency, today=today, shown=shown)
    progress(0.2, "Drawing the charts…")
    with renderer() as drawing:
        pictures = pdf.pdf_images(built, drawing)
    progress(0.7, "Printing the PDF…")
    printed = pdf.print_pdf(pdf.pdf_html(built, pictures), chromium=drawing.chromium)
    progress(1.0, "Ready.")
    return Prepared(made_for=(scenario, currency, shown.name, today), report=built, pdf=printed)
