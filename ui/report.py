"""Offline exports of the current scenario: CSV, HTML report, PDF one-pager, chart PNGs.

Pure functions, no Streamlit: each takes a :class:`~simulator.scenario.Scenario`
and the currency symbol and returns bytes, so tests call them without a server.
Nothing here fetches anything: the HTML report carries plotly.js inline, and
the images and the PDF come from Debian's chromium on this machine (kaleido
draws the charts; chromium prints the one-pager).

Chromium missing: :func:`find_chromium` returns ``None`` and the image and PDF
functions raise :class:`ChromiumMissingError`, whose message says how to
install it; the CSV and the HTML report need no browser.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import html
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from simulator import breakdown, ranking
from simulator.levers import BY_FIELD
from simulator.output import csv_bytes
from simulator.projection import PROJECTION_COLUMNS
from simulator.scenario import Initiative, Scenario
from simulator.summary import BASIS_TEXT, HEADLINE_MONTHS, Summary, summarise
from ui import charts, sentences
from ui.format import money, pct

T = TypeVar("T")

#: How a missing browser is reported, with the command that fixes it.
CHROMIUM_MISSING = (
    "PDF and PNG exports need Chromium, which draws the images on this machine. "
    "Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM to its path. "
    "The CSV and the HTML report work without it."
)
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: The flags every headless chromium here runs with: no sandbox (root in containers),
#: no background traffic to Google's servers.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)
RENDER_TIMEOUT = 90.0

#: The step, in points, of the "biggest lever" sentence (the lever page's default).
LEVER_STEP_POINTS = 1.0

#: Chart names, in report order, with their titles for file names and buttons.
CHART_TITLES: dict[str, str] = {
    "tiers": "Where annual NRR sits",
    "revenue": "MRR over the horizon",
    "cohorts": "MRR by acquisition cohort",
    "bridge": "MRR bridge over the horizon",
    "treadmill": "The treadmill",
    "levers": "Biggest lever",
}


class ChromiumMissingError(RuntimeError):
    """Chromium is not installed, so no image or PDF can be drawn."""


def find_chromium() -> str | None:
    """The chromium to draw with: ``$CHROMIUM``, ``$BROWSER_PATH``, else the first on the PATH."""
    for variable in ("CHROMIUM", "BROWSER_PATH"):
        path = os.environ.get(variable)
        if path:
            return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _require_chromium() -> str:
    path = find_chromium()
    if path is None:
        raise ChromiumMissingError(CHROMIUM_MISSING)
    return path


# What the report says.


@dataclass(frozen=True)
class Report:
    """Everything a report shows, as text formatted as on screen, and its figures.

    Attributes
    ----------
    figures
        ``(label, value)`` pairs: monthly and annual NRR, annual GRR, both
        tiers, MRR at months 12 and 36 and at the horizon.
    tier_sentence
        The verdict: ``"Annual NRR 126.8%: **Best in class**, … Annual GRR
        61.3%: **Leaky**. GRR below 90%: …"`` (markdown bold).
    plateau_sentence, lever_sentence
        Where the leaky bucket levels off (or that the base grows by itself);
        which lever moves MRR most for a one-point change.
    assumptions
        ``(lever, value)`` pairs, every lever in people's units.
    charts
        The report's plotly figures by name (see :data:`CHART_TITLES`).
    basis
        What annual NRR and GRR are (monthly ^ 12, or the cohort way).
    """

    scenario: Scenario
    currency: str
    date: dt.date
    figures: tuple[tuple[str, str], ...]
    tier_sentence: str
    plateau_sentence: str
    lever_sentence: str
    assumptions: tuple[tuple[str, str], ...]
    charts: Mapping[str, go.Figure]
    basis: str


def format_date(day: dt.date) -> str:
    """``"23 November 2025"``: the report's date, the same in every locale."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _rate(fraction: float, unit: str = "of MRR a month") -> str:
    return f"{fraction * 100:.2f}% {unit}"


def _count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def initiative_text(initiative: Initiative) -> str:
    """``"churn −0.80 pts from month 3, in full by month 6"``: an initiative in words."""
    lever = BY_FIELD[initiative.lever].noun
    if BY_FIELD[initiative.lever].is_rate:
        change = f"{initiative.change * 100:+.2f} pts"
    else:
        change = f"{initiative.change * 100:+.0f}%"
    text = f"{lever} {change.replace('-', '−')} from month {initiative.start_month}"
    if initiative.ramp_months > 1:
        text += f", in full by month {initiative.start_month + initiative.ramp_months - 1}"
    if initiative.end_month is not None:
        text += f", until month {initiative.end_month}"
    return text


def assumptions(scenario: Scenario, currency: str) -> tuple[tuple[str, str], ...]:
    """Every lever of the scenario in people's units, refinements only when they are set."""
    rows: list[tuple[str, str]] = [
        ("Starting MRR", money(scenario.starting_mrr, currency)),
        (
            "Starting customers",
            "not set" if scenario.starting_customers is None else _count(scenario.starting_customers),
        ),
        # With segments, their own rates and new-customer MRR replace these (listed below).
        *(
            ()
            if scenario.segments
            else (
                ("Churn", _rate(scenario.churn_rate)),
                ("Contraction", _rate(scenario.contraction_rate)),
                ("Expansion", _rate(scenario.expansion_rate)),
            )
        ),
        ("New customers a month", _count(scenario.new_customers_per_month)),
        ("Growth of new customers", _rate(scenario.acquisition_growth_rate, "a month")),
        *(
            ()
            if scenario.segments
            else (("MRR per new customer", money(scenario.new_customer_mrr, currency)),)
        ),
        ("Horizon", f"{scenario.months} months"),
    ]
    if scenario.involuntary_churn_share > 0:
        rows.append(("Involuntary share of churn", pct(scenario.involuntary_churn_share)))
        rows.append(("Failed payments recovered", pct(scenario.involuntary_recovery_rate)))
    if scenario.early_churn_months > 0 and scenario.early_churn_multiple != 1.0:
        rows.append(
            (
                "Early-life churn",
                f"{scenario.early_churn_multiple:g}× for a customer's first "
                f"{scenario.early_churn_months} months",
            )
        )
    if scenario.annual_plan_share > 0:
        rows.append(("Customers on annual plans", pct(scenario.annual_plan_share)))
    if scenario.expansion_ceiling is not None:
        rows.append(("Expansion ceiling", f"{scenario.expansion_ceiling:g}× a customer's first MRR"))
    for segment in scenario.segments:
        rows.append(
            (
                f"Segment {segment.name}",
                f"{pct(segment.mrr_share)} of MRR, {pct(segment.new_customer_share)} of new customers at "
                f"{money(segment.new_customer_mrr, currency)}; churn {segment.churn_rate * 100:.2f}%, "
                f"contraction {segment.contraction_rate * 100:.2f}%, "
                f"expansion {segment.expansion_rate * 100:.2f}% a month",
            )
        )
    for initiative in scenario.initiatives:
        rows.append((initiative.name, initiative_text(initiative)))
    return tuple(rows)


def _last_figure(summary: Summary, currency: str) -> tuple[str, str]:
    """MRR at the horizon, or, when the horizon is month 12 or 36 (already shown), the customers then."""
    months = summary.months
    if months not in HEADLINE_MONTHS:
        return f"MRR at {months} months (horizon)", money(summary.mrr_at(months), currency)
    customers = summary.customers_at(months)
    if math.isfinite(customers):
        return f"Customers at {months} months", f"{customers:,.0f}"
    return "Monthly GRR", pct(summary.monthly_grr)


def build_report(scenario: Scenario, currency: str = "$", *, today: dt.date | None = None) -> Report:
    """The numbers, sentences and charts of a report on ``scenario``, as the pages show them."""
    summary = summarise(scenario)
    months = summary.months
    figures = (
        ("Blended monthly NRR" if scenario.segments else "Monthly NRR", pct(summary.monthly_nrr)),
        ("Annual NRR", pct(summary.annual_nrr)),
        ("Annual GRR", pct(summary.annual_grr)),
        ("NRR tier", summary.nrr_tier.name),
        ("GRR tier", summary.grr_tier.name),
        *((f"MRR at {month} months", money(summary.mrr_at(month), currency)) for month in HEADLINE_MONTHS),
        _last_figure(summary, currency),
    )
    step = LEVER_STEP_POINTS / 100
    impacts = ranking.lever_impacts(scenario, step=step)
    lever_sentence = sentences.lever_verdict(
        impacts,
        step_points=LEVER_STEP_POINTS,
        months=months,
        currency=currency,
        customers_kept=ranking.customers_kept(scenario, step=step),
    )
    return Report(
        scenario=scenario,
        currency=currency,
        date=today or dt.date.today(),
        figures=figures,
        tier_sentence=sentences.summary_verdict(summary),
        plateau_sentence=sentences.plateau_text(summary, currency),
        lever_sentence=lever_sentence,
        assumptions=assumptions(scenario, currency),
        charts=report_charts(summary, currency, impacts=impacts),
        basis=BASIS_TEXT[summary.retention.annual_basis],
    )


def report_charts(summary: Summary, currency: str, *, impacts: Any | None = None) -> dict[str, go.Figure]:
    """The report's charts by name, in the order of :data:`CHART_TITLES`."""
    projection = summary.projection
    months = summary.months
    if impacts is None:
        impacts = ranking.lever_impacts(summary.scenario, step=LEVER_STEP_POINTS / 100)
    steps = breakdown.bridge(projection, first_month=1, last_month=months)
    return {
        "tiers": charts.tiers(summary.annual_nrr),
        "revenue": charts.revenue(projection.table, currency),
        "cohorts": charts.layer_cake(breakdown.cohort_layers(projection), currency),
        "bridge": charts.waterfall(steps, currency, title=f"MRR bridge, months 1–{months}"),
        "treadmill": charts.stay_flat(projection.table, currency),
        "levers": charts.tornado(impacts, currency, step_points=LEVER_STEP_POINTS, months=months),
    }


# CSV.


def projection_csv(scenario: Scenario) -> bytes:
    """The projection as CSV: the command line's columns first, then the table's others.

    The first columns read exactly as ``python -m simulator project`` writes them (one writer,
    :func:`simulator.output.csv_bytes`, so one rounding policy).
    """
    table = summarise(scenario).projection.table
    columns = [*PROJECTION_COLUMNS, *(c for c in table.columns if c not in PROJECTION_COLUMNS)]
    return csv_bytes(table[columns])


# HTML.

_STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: #1f2937;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 32px 28px 48px; background: white; }
h1 { font-size: 30px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 10px; }
h3 { font-size: 21px; font-weight: 400; margin: 8px 0 0; }
.date { color: #6b7280; margin: 0 0 24px; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.figure { border: 1px solid #e5e7eb; border-radius: 10px; padding: 12px 14px; }
.figure .label { color: #6b7280; font-size: 14px; }
.figure .value { font-size: 26px; font-weight: 600; margin-top: 2px; white-space: nowrap; }
.sentences p { font-size: 17px; line-height: 1.5; margin: 10px 0; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px 24px; }
.charts .wide { grid-column: 1 / -1; }
table.assumptions { border-collapse: collapse; width: 100%; font-size: 16px; }
table.assumptions th, table.assumptions td { text-align: left; padding: 7px 10px;
  border-bottom: 1px solid #e5e7eb; vertical-align: top; }
table.assumptions th { font-weight: 500; color: #4b5563; width: 34%; }
footer { color: #6b7280; font-size: 13px; margin-top: 32px; }
@media (max-width: 800px) {
  .figures { grid-template-columns: 1fr 1fr; } .charts { grid-template-columns: 1fr; } }
"""

#: Charts drawn across the whole width of the HTML report (the others in pairs),
#: with a heading since their figures have no title of their own.
_WIDE = {
    "tiers": "Where annual NRR sits among the benchmark tiers",
    "levers": f"Biggest lever: each lever improved by {LEVER_STEP_POINTS:.0f} point",
}


def _bold(markdown: str) -> str:
    """Escape text, then turn markdown ``**bold**`` into ``<strong>``."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(markdown))


def _summary(report: Report) -> str:
    """The key figures and the three sentences, as both the HTML report and the PDF show them."""
    sentences = "\n".join(
        f"<p>{_bold(sentence)}</p>"
        for sentence in (report.tier_sentence, report.plateau_sentence, report.lever_sentence)
    )
    return (
        f'<section class="figures">\n{_figure_tiles(report)}\n</section>\n'
        f'<section class="sentences">\n{sentences}\n</section>'
    )


def _figure_tiles(report: Report) -> str:
    return "\n".join(
        f'<div class="figure"><div class="label">{html.escape(label)}</div>'
        f'<div class="value">{html.escape(value)}</div></div>'
        for label, value in report.figures
    )


def _assumption_rows(report: Report) -> str:
    return "\n".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>"
        for name, value in report.assumptions
    )


def html_report(report: Report) -> bytes:
    """A self-contained HTML report: opens without the app or the internet.

    plotly.js is embedded once in the head; every chart stays interactive.
    """
    date = format_date(report.date)
    chart_divs = []
    for name, fig in report.charts.items():
        div = pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            config=charts.PLOTLY_CONFIG,
            div_id=f"chart-{name}",
            default_height=f"{fig.layout.height or 440}px",
            default_width="100%",
        )
        if name in _WIDE:
            chart_divs.append(f'<div class="chart wide"><h3>{html.escape(_WIDE[name])}</h3>{div}</div>')
        else:
            chart_divs.append(f'<div class="chart">{div}</div>')
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>NRR scenario report, {date}</title>
<style>{_STYLE}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<main>
<h1>NRR scenario report</h1>
<p class="date">Prepared on {date} with the NRR what-if simulator</p>
{_summary(report)}
<h2>Charts</h2>
<section class="charts">
{"".join(chart_divs)}
</section>
<h2>Assumptions</h2>
<table class="assumptions">
{_assumption_rows(report)}
</table>
<footer>A what-if projection from the assumptions above, not a forecast. Rates are monthly
unless they say annual; annual NRR and GRR are {html.escape(report.basis)}.</footer>
</main>
</body>
</html>
"""
    return page.encode("utf-8")


# Images: kaleido draws plotly figures with chromium.


class ChartRenderer:
    """One kaleido browser drawing many images; a context manager.

    Starting chromium costs 2–3 s; later images about 0.3 s. The browser runs
    on an event loop in a thread of its own, so this works from any thread
    (a Streamlit script, a test) and several images can be asked for in turn.

    Raises
    ------
    ChromiumMissingError
        When no chromium is installed.
    """

    def __init__(self, *, chromium: str | None = None, timeout: float = RENDER_TIMEOUT) -> None:
        self.chromium = chromium or _require_chromium()
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None, "use ChartRenderer as a context manager"
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(self.timeout)

    def start(self) -> ChartRenderer:
        """Start the browser (once)."""
        if self._loop is not None:
            return self
        import kaleido

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
        self._thread.start()

        async def open_kaleido() -> Any:
            # mathjax=False: kaleido would otherwise load MathJax from a CDN.
            renderer = kaleido.Kaleido(n=1, mathjax=False, path=self.chromium, timeout=self.timeout)
            await renderer.open()
            return renderer

        try:
            self._kaleido = self._run(open_kaleido())
        except Exception:
            self.close()
            raise
        return self

    def png(self, fig: go.Figure, *, width: int, height: int, scale: float = 2.0) -> bytes:
        """The figure as a PNG of ``width`` × ``height`` CSS pixels, times ``scale``."""
        if self._kaleido is None:
            self.start()
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        return bytes(self._run(self._kaleido.calc_fig(fig, opts=opts)))

    def close(self) -> None:
        """Stop the browser and the loop's thread."""
        loop, thread, renderer = self._loop, self._thread, self._kaleido
        self._loop = self._thread = self._kaleido = None
        if loop is None:
            return
        if renderer is not None:
            # Closing goes on whatever the browser did.
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(renderer.close(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=10)
        loop.close()

    def __enter__(self) -> ChartRenderer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


#: PNG sizes of the charts on their own (CSS pixels; drawn at twice that).
PNG_WIDTH = 1200


def chart_pngs(report: Report, *, renderer: ChartRenderer | None = None) -> dict[str, bytes]:
    """Every chart of the report as a PNG, by name."""
    if renderer is None:
        with ChartRenderer() as own:
            return chart_pngs(report, renderer=own)
    return {
        name: renderer.png(fig, width=PNG_WIDTH, height=int(fig.layout.height or 440))
        for name, fig in report.charts.items()
    }


def png_file_name(name: str, day: dt.date) -> str:
    """``"nrr-revenue-2025-11-23.png"``."""
    return f"nrr-{name}-{day.isoformat()}.png"


# PDF: a one-page HTML layout with the charts as images, printed by chromium.

#: Sizes the charts are drawn at for the one-pager (CSS pixels) and the width they take on the page.
_PDF_CHARTS = {
    "tiers": (1300, 175),
    "revenue": (680, 450),
    "cohorts": (680, 450),
    "bridge": (680, 450),
    # Two panels side by side: drawn wider, so that its labels fit the half page.
    "levers": (840, 556),
}
_PDF_STYLE = """
@page { size: A4; margin: 11mm 12mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { color: #1f2937; font-size: 8.6pt; line-height: 1.35;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
.page { height: 274mm; overflow: hidden; display: flex; flex-direction: column; gap: 3mm; }
header { display: flex; justify-content: space-between; align-items: baseline;
  border-bottom: 2px solid #1f2937; padding-bottom: 2mm; }
h1 { font-size: 17pt; margin: 0; }
.date { color: #6b7280; font-size: 9pt; }
h2 { font-size: 10pt; margin: 0 0 1.2mm; text-transform: uppercase; letter-spacing: 0.04em; color: #4b5563; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; }
.figure { border: 1px solid #d1d5db; border-radius: 2mm; padding: 1.6mm 2.4mm; }
.figure .label { color: #6b7280; font-size: 7.6pt; }
.figure .value { font-size: 13pt; font-weight: 600; white-space: nowrap; }
.sentences p { margin: 0 0 1mm; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 2mm 4mm; }
.charts img { width: 100%; display: block; }
.charts .wide { grid-column: 1 / -1; }
table { border-collapse: collapse; width: 100%; }
.assumptions { columns: 2; column-gap: 6mm; }
.assumptions div { break-inside: avoid; display: flex; justify-content: space-between; gap: 3mm;
  border-bottom: 0.5px solid #e5e7eb; padding: 0.6mm 0; }
.assumptions span:first-child { color: #4b5563; }
.assumptions span:last-child { text-align: right; }
footer { margin-top: auto; color: #6b7280; font-size: 7.2pt; }
"""
#: At most this many assumption lines on the one-pager (long initiative lists are cut short).
_PDF_MAX_ASSUMPTIONS = 18


def pdf_html(report: Report, images: Mapping[str, bytes]) -> str:
    """The one-pager's HTML, with ``images`` (PNG bytes by chart name) embedded."""
    date = format_date(report.date)
    cells = []
    for name in _PDF_CHARTS:
        data = base64.b64encode(images[name]).decode("ascii")
        css = ' class="wide"' if name == "tiers" else ""
        cells.append(f'<img{css} alt="{html.escape(CHART_TITLES[name])}" src="data:image/png;base64,{data}">')
    rows = list(report.assumptions)
    if len(rows) > _PDF_MAX_ASSUMPTIONS:
        hidden = len(rows) - _PDF_MAX_ASSUMPTIONS + 1
        rows = [*rows[: _PDF_MAX_ASSUMPTIONS - 1], ("…", f"{hidden} more in the HTML report")]
    assumption_lines = "\n".join(
        f"<div><span>{html.escape(name)}</span><span>{html.escape(value)}</span></div>"
        for name, value in rows
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>NRR scenario report, {date}</title>
<style>{_PDF_STYLE}</style></head>
<body><div class="page">
<header><h1>NRR scenario report</h1><span class="date">{date}</span></header>
{_summary(report)}
<section class="charts">
{"".join(cells)}
</section>
<section><h2>Assumptions</h2><div class="assumptions">
{assumption_lines}
</div></section>
<footer>A what-if projection from these assumptions, not a forecast. Rates are monthly unless they
say annual; annual NRR and GRR are {html.escape(report.basis)}.
Made with the NRR what-if simulator.</footer>
</div></body></html>
"""


def print_pdf(page: str, *, chromium: str | None = None, timeout: float = 60.0) -> bytes:
    """Print an HTML page to PDF with headless chromium (no header or footer lines)."""
    browser = chromium or _require_chromium()
    with tempfile.TemporaryDirectory(prefix="nrr-pdf-") as folder:
        source = Path(folder) / "report.html"
        target = Path(folder) / "report.pdf"
        source.write_text(page, encoding="utf-8")
        command = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        if not target.is_file() or target.stat().st_size == 0:
            tail = result.stderr.decode(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(
                f"chromium did not print the PDF (exit {result.returncode}): {' | '.join(tail)}"
            )
        return target.read_bytes()


def _pdf_figure(report: Report, name: str) -> go.Figure:
    """A chart as the one-pager draws it: the lever chart gets the title its page gives it."""
    fig = report.charts[name]
    if name != "levers":
        return fig
    titled = go.Figure(fig)
    # More room between the two panels, so that their end ticks do not touch.
    titled.update_layout(
        title={"text": _WIDE["levers"]},
        margin={"t": 120},
        xaxis={"domain": [0.0, 0.45]},
        xaxis2={"domain": [0.56, 1.0]},
    )
    titled.update_annotations(yshift=4)
    return titled


def pdf_report(
    report: Report, *, renderer: ChartRenderer | None = None, images: Mapping[str, bytes] | None = None
) -> bytes:
    """The report as a one-page A4 PDF: key figures, sentences, four charts, the assumptions."""
    if images is None:
        if renderer is None:
            with ChartRenderer() as own:
                return pdf_report(report, renderer=own)
        images = {
            name: renderer.png(_pdf_figure(report, name), width=width, height=height)
            for name, (width, height) in _PDF_CHARTS.items()
        }
    return print_pdf(pdf_html(report, images), chromium=getattr(renderer, "chromium", None))


def report_file_name(day: dt.date, extension: str) -> str:
    """``"nrr-report-2025-11-23.pdf"``."""
    return f"nrr-report-{day.isoformat()}.{extension}"
