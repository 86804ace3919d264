"""The report as a one-page A4 PDF: the figures and sentences, four charts as images, the assumptions."""

from __future__ import annotations

import base64
import html
import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import plotly.graph_objects as go

from ui.report.content import CHART_TITLES, Report, format_date
from ui.report.html import WIDE, summary_html, tiles
from ui.report.images import CHROMIUM_FLAGS, ChartRenderer, require_chromium

#: A folder in memory for chromium's files while it prints (None: the system's temporary folder).
MEMORY_FOLDER = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
#: Sizes the charts are drawn at for the one-pager (CSS pixels) and the width they take on the page.
_PDF_CHARTS = {
    "tiers": (1300, 175),
    # A little flatter than on screen, so that the unit economics row fits the page too.
    "revenue": (680, 385),
    "cohorts": (680, 385),
    "bridge": (680, 385),
    # Two panels side by side: drawn wider, so that its labels fit the half page.
    "levers": (840, 476),
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
.figures.economics { grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 2mm; }
.figures.economics .figure { padding: 1.2mm 1.8mm; }
.figures.economics .label { font-size: 7pt; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.figures.economics .value { font-size: 10.5pt; }
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
{summary_html(report)}
{_economics(report)}
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


#: The unit economics tiles the one-pager has room for (then where NRR sits among its peers).
_PDF_ECONOMICS = (
    "Lifetime value",
    "Revenue ÷ churn",
    "LTV:CAC",
    "CAC payback, months",
    "Quick ratio, year 1",
)


def _economics(report: Report) -> str:
    """The one-pager's unit economics: one row of tiles, the last where NRR sits among its stage's peers."""
    if not report.economics:
        return ""
    peers = (report.peers,) if report.peers is not None else ()
    shown = (*(pair for pair in report.economics if pair[0] in _PDF_ECONOMICS), *peers)
    return f'<section><h2>Unit economics</h2><div class="figures economics">{tiles(shown)}</div></section>'


def print_pdf(page: str, *, chromium: str | None = None, timeout: float = 60.0) -> bytes:
    """Print an HTML page to PDF with headless chromium (no header or footer lines)."""
    browser = chromium or require_chromium()
    # Chromium prints from a file to a file: both live in a folder in memory (/dev/shm, where the
    # system has it), deleted as soon as the PDF is read back, so the user's names never reach a disk.
    with tempfile.TemporaryDirectory(prefix="nrr-pdf-", dir=MEMORY_FOLDER) as folder:
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
    titled.update_layout(title={"text": WIDE["levers"]}, margin={"t": 90})
    return titled


def pdf_report(
    report: Report, *, renderer: ChartRenderer | None = None, images: Mapping[str, bytes] | None = None
) -> bytes:
    """The report as a one-page A4 PDF: key figures, sentences, four charts, the assumptions."""
    if images is None:
        if renderer is None:
            with ChartRenderer() as own:
                return pdf_report(report, renderer=own)
        images = pdf_images(report, renderer)
    return print_pdf(pdf_html(report, images), chromium=getattr(renderer, "chromium", None))


def pdf_images(report: Report, renderer: ChartRenderer) -> dict[str, bytes]:
    """The one-pager's charts as PNGs, each at the size the page gives it."""
    return {
        name: renderer.png(_pdf_figure(report, name), width=width, height=height)
        for name, (width, height) in _PDF_CHARTS.items()
    }
