"""The report as a one-page PDF: the figures and sentences, four charts as images, the assumptions.

The page fits whole whatever it holds (long amounts in francs, ARR, unit economics, a long plan).
The texts are set first and the charts take the height that is left, shrinking from the size they were
drawn at but never cut; rather than shrink below :data:`MIN_CHART_SCALE`, the plan's last initiatives
and then the last segments make way, and a last line says how many are in the HTML report. A card's
label or figure too long for its card on one line is set smaller. The last two are done by
:data:`_FIT_JS`, which chromium runs before it prints; the disclaimer sits whole at the foot.
"""

from __future__ import annotations

import base64
import html
import os
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from report.content import CHART_TITLES, Report, assumptions, format_date, segment_table
from report.html import WIDE, summary_html, tiles
from report.images import CHROMIUM_FLAGS, ChartRenderer, require_chromium

#: A folder in memory for chromium's files while it prints (None: the system's temporary folder).
MEMORY_FOLDER = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


@dataclass(frozen=True)
class PageSize:
    """A sheet the one-pager is printed on: its name in CSS ``@page``, and its size in millimetres."""

    name: str
    width_mm: float
    height_mm: float


#: The sheets the one-pager can be printed on, by name; the Downloads page and ``report`` print A4.
PAGE_SIZES: dict[str, PageSize] = {"A4": PageSize("A4", 210.0, 297.0)}
MARGIN_TOP_BOTTOM_MM = 11.0
MARGIN_SIDES_MM = 12.0
#: Millimetres the page's box stays short of the printable height: chromium rounds the sheet to whole
#: pixels, and a box exactly as tall as the sheet can spill a sliver onto a second page.
_SPARE_MM = 1.0
#: Space between the charts, across and down (millimetres).
_CHART_GAP_ACROSS_MM = 4.0
_CHART_GAP_DOWN_MM = 2.0

#: CSS pixels in a millimetre.
_PX_PER_MM = 96 / 25.4

#: The one-pager's charts, row by row (one across the page, or two side by side), each with the size it
#: is drawn at (CSS pixels). On the page they take their row's width at that shape, or less height
#: when the text leaves less room.
_PDF_ROWS: tuple[tuple[tuple[str, tuple[int, int]], ...], ...] = (
    # A band and a mark: drawn flat, it leaves the height to the charts below.
    (("tiers", (1300, 150)),),
    (("revenue", (680, 385)), ("cohorts", (680, 385))),
    # Two panels side by side: drawn wider, so that its labels fit the half page.
    (("bridge", (680, 385)), ("levers", (840, 476))),
)
#: Each chart's size, by name (CSS pixels).
PDF_CHARTS: dict[str, tuple[int, int]] = {name: size for row in _PDF_ROWS for name, size in row}


_PDF_STYLE = """
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { color: #1f2937; font-size: 8.6pt; line-height: 1.35;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
.page { overflow: hidden; display: flex; flex-direction: column; gap: 3mm; }
.page > * { flex: none; }
header { display: flex; justify-content: space-between; align-items: baseline;
  border-bottom: 2px solid #1f2937; padding-bottom: 2mm; }
h1 { font-size: 17pt; margin: 0; }
.date { color: #6b7280; font-size: 9pt; }
h2 { font-size: 10pt; margin: 0 0 1.2mm; text-transform: uppercase; letter-spacing: 0.04em; color: #4b5563; }
.figures { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 2mm; }
.figure { border: 1px solid #d1d5db; border-radius: 2mm; padding: 1.6mm 2.4mm; min-width: 0; }
.figure .label, .figure .value { white-space: nowrap; }
.figure .label { color: #6b7280; font-size: 7.6pt; }
.figure .value { font-size: 13pt; font-weight: 600; }
.sentences p { margin: 0 0 1mm; }
.figures.economics { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) minmax(0, 1.3fr); gap: 1.5mm 2mm; }
.figures.economics .figure { display: flex; justify-content: space-between; align-items: baseline;
  gap: 2mm; padding: 1.1mm 2.4mm; }
.figures.economics .label { flex: 1 1 auto; min-width: 0; }
.figures.economics .value { font-size: 10.5pt; }
/* The charts are the one part that gives: rows shrink alike, each image keeps its shape inside. */
.page > .charts { flex: 0 1 auto; min-height: 0; display: flex; flex-direction: column; gap: CHART_GAP_DOWN; }
.charts .row { flex: 0 1 auto; min-height: 0; display: flex; justify-content: center; gap: CHART_GAP_ACROSS; }
.charts img { flex: none; height: 100%; width: auto; min-width: 0; display: block; }
.assumptions { columns: 2; column-gap: 6mm; }
.assumptions .line { break-inside: avoid; display: flex; justify-content: space-between; gap: 3mm;
  border-bottom: 0.5px solid #e5e7eb; padding: 0.6mm 0; }
.assumptions .line[hidden], table.segments[hidden], table.segments tr[hidden] { display: none; }
.assumptions span:first-child { color: #4b5563; flex: none; max-width: 50%; }
.assumptions span:last-child { text-align: right; }
table.segments { border-collapse: collapse; width: 100%; margin-top: 1.5mm; }
table.segments th, table.segments td { padding: 0.5mm 1.5mm; border-bottom: 0.5px solid #e5e7eb;
  text-align: right; vertical-align: bottom; }
table.segments th, table.segments td { white-space: nowrap; }
table.segments th { font-weight: 500; color: #4b5563; }
table.segments th:first-child, table.segments td:first-child { text-align: left; padding-left: 0; }
footer { margin-top: auto; color: #6b7280; font-size: 7.2pt; }
"""

#: The smallest share of their drawn size the charts are shown at while assumptions can make way.
MIN_CHART_SCALE = 0.8

#: Run by chromium as the page loads, before it prints (fixed code, no user text):
#:
#: - a card's label or figure that does not fit its card on one line is set smaller, by one factor for
#:   all the labels of a row of cards and one for all its figures, so that the row reads evenly; never
#:   below 60% of the size (a figure that long would overflow, and the tests read the page back);
#: - while the charts would be shown at less than :data:`MIN_CHART_SCALE` of their size, the last
#:   initiative of the plan, then the last segment, makes way, and a last line says how many are left
#:   for the HTML report.
_FIT_JS = """
(function () {
  for (const row of document.querySelectorAll('.figures')) {
    for (const part of ['.label', '.value']) {
      const texts = Array.from(row.querySelectorAll(part));
      const fits = () => texts.every((text) => text.scrollWidth <= text.clientWidth);
      const size = texts.length ? parseFloat(getComputedStyle(texts[0]).fontSize) : 0;
      for (let scale = 0.97; !fits() && scale >= 0.6; scale -= 0.03) {
        for (const text of texts) { text.style.fontSize = (size * scale) + 'px'; }
      }
    }
  }
  const rows = Array.from(document.querySelectorAll('.charts .row'));
  const scale = () => Math.min(
    ...rows.map((row) => row.getBoundingClientRect().height / Number(row.dataset.height)));
  // The lines that may make way, in the order they do: the plan's last initiative first, then the
  // last segment (the table's head goes with its last row). As few as keep the charts large enough.
  const lines = [...document.querySelectorAll('.assumptions .plan')].reverse()
    .concat([...document.querySelectorAll('table.segments tr.segment')].reverse());
  const table = document.querySelector('table.segments');
  const more = document.querySelector('.assumptions .more');
  let hidden = 0;
  const hide = (count) => {
    hidden = count;
    lines.forEach((line, index) => { line.hidden = index < count; });
    if (table) { table.hidden = Array.from(table.querySelectorAll('tr.segment')).every((row) => row.hidden); }
    more.hidden = count === 0;
    more.lastElementChild.textContent = count + ' more in the HTML report';
  };
  while (hidden < lines.length && scale() < MIN_CHART_SCALE) { hide(hidden + 1); }
})();
""".replace("MIN_CHART_SCALE", repr(MIN_CHART_SCALE))


def _page_css(page: PageSize) -> str:
    """The sheet, its margins and the size of the page's box, for ``page``.

    The box is given its width too, not left to the sheet: :data:`_FIT_JS` measures the cards as the
    page loads, in chromium's window, and only a box of the printed width is laid out there as on paper.
    """
    width_mm = page.width_mm - 2 * MARGIN_SIDES_MM
    height_mm = page.height_mm - 2 * MARGIN_TOP_BOTTOM_MM - _SPARE_MM
    return (
        f"@page {{ size: {page.name}; margin: {MARGIN_TOP_BOTTOM_MM:g}mm {MARGIN_SIDES_MM:g}mm; }}\n"
        f".page {{ width: {width_mm:g}mm; height: {height_mm:g}mm; }}\n"
    )


def _chart_rows(page: PageSize, images: Mapping[str, bytes]) -> str:
    """The charts, row by row, each row as tall as its tallest chart at the page's width."""
    width_mm = page.width_mm - 2 * MARGIN_SIDES_MM
    rows = []
    for row in _PDF_ROWS:
        cell_mm = (width_mm - _CHART_GAP_ACROSS_MM * (len(row) - 1)) / len(row)
        height_mm = max(cell_mm * height / width for _, (width, height) in row)
        cells = "".join(
            f'<img alt="{html.escape(CHART_TITLES[name])}" '
            f'src="data:image/png;base64,{base64.b64encode(images[name]).decode("ascii")}">'
            for name, _ in row
        )
        # data-height: the same height in CSS pixels, against which the page's script measures the row.
        rows.append(
            f'<div class="row" style="height: {height_mm:.2f}mm" data-height="{height_mm * _PX_PER_MM:.2f}">'
            f"{cells}</div>"
        )
    return "\n".join(rows)


def footer_text(report: Report) -> str:
    """The disclaimer at the foot of the page."""
    return (
        "A what-if projection from these assumptions, not a forecast. Rates are monthly unless they say "
        f"annual; annual NRR and GRR are {report.basis}. Made with the NRR what-if simulator."
    )


def pdf_html(report: Report, images: Mapping[str, bytes], *, page: str = "A4") -> str:
    """The one-pager's HTML for the sheet named ``page``, with ``images`` (PNG bytes by chart name)
    embedded."""
    sheet = PAGE_SIZES[page]
    date = format_date(report.date)
    # Every assumption, the plan's initiatives last (they make way first when the page is full), then a
    # line saying how many made way, shown only when some did; the segments in a table of their own.
    rows = assumptions(report.scenario, report.currency, segments=False)
    plan = len(report.scenario.initiatives)
    assumption_lines = "\n".join(
        f'<div class="{"line plan" if index >= len(rows) - plan else "line"}">'
        f"<span>{html.escape(name)}</span><span>{html.escape(value)}</span></div>"
        for index, (name, value) in enumerate(rows)
    )
    assumption_lines += '\n<div class="line more" hidden><span>…</span><span></span></div>'
    style = _PDF_STYLE.replace("CHART_GAP_DOWN", f"{_CHART_GAP_DOWN_MM:g}mm").replace(
        "CHART_GAP_ACROSS", f"{_CHART_GAP_ACROSS_MM:g}mm"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>NRR scenario report, {date}</title>
<style>{_page_css(sheet)}{style}</style></head>
<body><div class="page">
<header><h1>NRR scenario report</h1><span class="date">{date}</span></header>
{summary_html(report)}
{_economics(report)}
<section class="charts">
{_chart_rows(sheet, images)}
</section>
<section><h2>Assumptions</h2><div class="assumptions">
{assumption_lines}
</div>{_segments(report)}</section>
<footer>{html.escape(footer_text(report))}</footer>
</div>
<script>{_FIT_JS}</script>
</body></html>
"""


def _segments(report: Report) -> str:
    """The scenario's segments as a table, one line each; nothing without segments."""
    table = segment_table(report.scenario, report.currency)
    if table is None:
        return ""
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in table.columns)
    body = "\n".join(
        '<tr class="segment">' + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    return f'<table class="segments"><tr>{head}</tr>\n{body}\n</table>'


#: The unit economics tiles the one-pager has room for (then where NRR sits among its peers).
_PDF_ECONOMICS = (
    "Lifetime value",
    "Revenue ÷ churn",
    "LTV:CAC",
    "CAC payback, months",
    "Quick ratio, year 1",
)


def economics_tiles(report: Report) -> tuple[tuple[str, str], ...]:
    """The unit economics cards the one-pager shows, ``(label, value)``: five of the page's, then where
    NRR sits among its stage's peers; none for a report made without unit economics."""
    if not report.economics:
        return ()
    peers = (report.peers,) if report.peers is not None else ()
    return (*(pair for pair in report.economics if pair[0] in _PDF_ECONOMICS), *peers)


def _economics(report: Report) -> str:
    """The one-pager's unit economics: two rows of three cards, each label beside its figure."""
    shown = economics_tiles(report)
    if not shown:
        return ""
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


def pdf_figure(report: Report, name: str) -> go.Figure:
    """A chart as the one-pager draws it: the lever chart gets the title its page gives it."""
    fig = report.charts[name]
    if name != "levers":
        return fig
    titled = go.Figure(fig)
    titled.update_layout(title={"text": WIDE["levers"]}, margin={"t": 90})
    return titled


def pdf_report(
    report: Report,
    *,
    renderer: ChartRenderer | None = None,
    images: Mapping[str, bytes] | None = None,
    page: str = "A4",
) -> bytes:
    """The report as a one-page PDF on the sheet named ``page`` (:data:`PAGE_SIZES`): key figures,
    sentences, four charts, the assumptions."""
    if images is None:
        if renderer is None:
            with ChartRenderer() as own:
                return pdf_report(report, renderer=own, page=page)
        images = pdf_images(report, renderer)
    return print_pdf(pdf_html(report, images, page=page), chromium=getattr(renderer, "chromium", None))


def pdf_images(report: Report, renderer: ChartRenderer) -> dict[str, bytes]:
    """The one-pager's charts as PNGs, each at the size it is drawn at (:data:`PDF_CHARTS`)."""
    return {
        name: renderer.png(pdf_figure(report, name), width=width, height=height)
        for name, (width, height) in PDF_CHARTS.items()
    }
