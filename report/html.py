"""The report as one self-contained HTML file: plotly.js inline, every chart interactive, nothing fetched."""

from __future__ import annotations

import html
import re

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from report.charts import theme
from report.content import ECONOMICS_CHARTS, Report, format_date
from simulator.economics import DEFAULT_DISCOUNT_RATE, DEFAULT_LIFETIME_MONTHS

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
table.bridge { border-collapse: collapse; width: 100%; font-size: 15px; margin-top: 8px; }
table.bridge th, table.bridge td { text-align: right; padding: 6px 10px; border-bottom: 1px solid #e5e7eb;
  white-space: nowrap; }
table.bridge th:first-child, table.bridge td:first-child { text-align: left; }
table.bridge th { font-weight: 500; color: #4b5563; }
footer { color: #6b7280; font-size: 13px; margin-top: 32px; }
@media (max-width: 800px) {
  .figures { grid-template-columns: 1fr 1fr; } .charts { grid-template-columns: 1fr; } }
"""


#: Charts drawn across the whole width of the HTML report (the others in pairs),
#: with a heading since their figures have no title of their own.
WIDE = {
    "tiers": "Where annual NRR sits among the benchmark tiers",
    "levers": "Biggest lever: each lever moved to the top quartile of its stage",
}


#: How the report's unit economics were made (the Unit economics page's defaults).
_ECONOMICS_NOTE = (
    f"Lifetime value follows a new customer for {DEFAULT_LIFETIME_MONTHS // 12} years, discounted at "
    f"{DEFAULT_DISCOUNT_RATE:.0%} a year; peers are chosen by stage from ARR today (12 × starting MRR)."
)


def _bold(markdown: str) -> str:
    """Escape text, then turn markdown ``**bold**`` into ``<strong>``."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(markdown))


def summary_html(report: Report) -> str:
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
    return tiles(report.figures)


def tiles(pairs: tuple[tuple[str, str], ...]) -> str:
    """``(label, value)`` pairs as the report's figure tiles."""
    return "\n".join(
        f'<div class="figure"><div class="label">{html.escape(label)}</div>'
        f'<div class="value">{html.escape(value)}</div></div>'
        for label, value in pairs
    )


def _chart_div(report: Report, name: str) -> str:
    fig = report.charts[name]
    return str(
        pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            config=theme.PLOTLY_CONFIG,
            div_id=f"chart-{name}",
            default_height=f"{fig.layout.height or 440}px",
            default_width="100%",
        )
    )


def economics_html(report: Report) -> str:
    """The unit economics section: the Unit economics page's cards and sentences, its charts, the ARR
    bridge; empty for a report made without it."""
    if not report.economics:
        return ""
    sentences = "\n".join(
        f"<p>{_bold(sentence)}</p>" for sentence in (*report.economics_sentences, report.position_sentence)
    )
    # Each across the page: the bridge's bars and the peers' labels need its width.
    charts = "".join(
        f'<div class="chart wide">{_chart_div(report, name)}</div>'
        for name in ECONOMICS_CHARTS
        if name in report.charts
    )
    bridge = "" if report.arr_bridge is None else table_html(report.arr_bridge)
    return (
        f'<h2>Unit economics</h2>\n<section class="figures">\n{tiles(report.economics)}\n</section>\n'
        f'<section class="sentences">\n{sentences}\n</section>\n'
        f"<h3>ARR bridge, year by year</h3>\n{bridge}\n"
        f'<section class="charts">\n{charts}\n</section>'
    )


def table_html(table: pd.DataFrame) -> str:
    """A table of text (the ARR bridge, the lever ranking) with a header row, every cell escaped."""
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in table.columns)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    return f'<table class="bridge"><tr>{head}</tr>\n{body}\n</table>'


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
    for name in report.charts:
        if name in ECONOMICS_CHARTS:
            continue
        div = _chart_div(report, name)
        if name in WIDE:
            table = table_html(report.levers) if name == "levers" and report.levers is not None else ""
            chart_divs.append(f'<div class="chart wide"><h3>{html.escape(WIDE[name])}</h3>{div}{table}</div>')
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
{summary_html(report)}
<h2>Charts</h2>
<section class="charts">
{"".join(chart_divs)}
</section>
{economics_html(report)}
<h2>Assumptions</h2>
<table class="assumptions">
{_assumption_rows(report)}
</table>
<footer>A what-if projection from the assumptions above, not a forecast. Rates are monthly
unless they say annual; annual NRR and GRR are {html.escape(report.basis)}. {_ECONOMICS_NOTE}</footer>
</main>
</body>
</html>
"""
    return page.encode("utf-8")
