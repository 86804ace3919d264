"""The PDF one-pager fits its page whole: read back as an investor would see it.

For every page size the one-pager is printed at (:data:`report.pdf.PAGE_SIZES`), revenue as MRR
and as ARR (the longer amounts), with and without unit economics (a CAC and a gross margin), on an
ordinary business and one of nine-figure MRR in francs, the PDF is printed by chromium and read
back with poppler's ``pdftotext -bbox-layout`` (each word with its box). It must be one page; no
word may stand outside the page's printable area (text a box or the page cuts off is still in the
PDF, past its edge) or over another word; every card's label and figure must be on one line,
whole (not wrapped, not "CAC payback, mo…"); and the disclaimer must be there in full.

The charts are images, so their legends are checked in plotly itself: each report chart laid out by
plotly.js in chromium, at every size the report draws it, with no legend over an axis title or a
tick label.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest

from report import content, images, pdf
from report.revenue import VIEWS
from simulator.scenario import Initiative, Scenario, Segment
from tests.examples import WORKED_EXAMPLE

#: A business below its stage's median (the longest peers card), with a long plateau sentence and an
#: initiative among its assumptions.
ORDINARY = Scenario(
    starting_mrr=250_000,
    starting_customers=400,
    churn_rate=0.045,
    contraction_rate=0.012,
    expansion_rate=0.02,
    new_customers_per_month=12,
    new_customer_mrr=900,
    months=48,
    initiatives=(Initiative("Dunning <v2>", "churn_rate", -0.008, start_month=3, ramp_months=4),),
)
#: Nine-figure MRR in francs (whose symbol is three letters wide), growing for ten years: the
#: longest amounts the sidebar can make, twelve times longer as ARR.
LONG_AMOUNTS = WORKED_EXAMPLE.replace(
    starting_mrr=250_000_000, starting_customers=5_000, new_customer_mrr=500_000, months=120
)
CASES = {
    f"{name}-{view}-{'economics' if economics else 'no-economics'}": (scenario, currency, view, economics)
    for (name, scenario, currency), view, economics in itertools.product(
        (("ordinary", ORDINARY, "$"), ("long-amounts", LONG_AMOUNTS, "CHF")), VIEWS, (False, True)
    )
}
#: Points two words' boxes may share (glyph boxes of neighbouring lines touch).
SLACK = 0.5
#: Points a word may pass the printable area by: chromium rounds the page to whole pixels, so text
#: set flush right ends up to 0.8 pt past the margin; text a box cuts off passes it by far more.
EDGE_SLACK = 1.5
MM = 72 / 25.4


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Word) -> bool:
        across = min(self.right, other.right) - max(self.left, other.left)
        down = min(self.bottom, other.bottom) - max(self.top, other.top)
        return across > SLACK and down > SLACK


@dataclass(frozen=True)
class Printed:
    """A PDF read back: its pages' sizes in points, its lines of words, and its text in reading order."""

    pages: list[tuple[float, float]]
    lines: list[list[Word]]
    text: str

    @property
    def words(self) -> list[Word]:
        return [word for line in self.lines for word in line]

    def line_texts(self) -> list[str]:
        return [" ".join(word.text for word in line) for line in self.lines]


def read_back(path: Path) -> Printed:
    """``pdftotext -bbox-layout``: every page, line and word, with its box in points."""
    result = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True)
    # The XHTML it writes has a namespace; strip it so that the tags read plainly.
    root = ET.fromstring(re.sub(rb'\sxmlns="[^"]+"', b"", result.stdout, count=1))
    pages = [(float(page.get("width", 0)), float(page.get("height", 0))) for page in root.iter("page")]
    lines = [
        [
            Word(
                word.text or "",
                float(word.get("xMin", 0)),
                float(word.get("yMin", 0)),
                float(word.get("xMax", 0)),
                float(word.get("yMax", 0)),
            )
            for word in line.iter("word")
        ]
        for line in root.iter("line")
    ]
    text = " ".join(word.text for line in lines for word in line)
    return Printed(pages=pages, lines=lines, text=text)


def shown_cards(report: content.Report) -> list[tuple[str, str]]:
    """The cards the one-pager shows: the key figures, then the unit economics row."""
    return [*report.figures, *pdf.economics_tiles(report)]


def disclaimer(report: content.Report) -> str:
    """The footer's words, as one line of text."""
    return re.sub(r"\s+", " ", pdf.footer_text(report)).strip()


@pytest.fixture(scope="module")
def renderer() -> Iterator[images.ChartRenderer]:
    if images.find_chromium() is None:
        pytest.skip(images.CHROMIUM_MISSING)
    if shutil.which("pdftotext") is None:
        pytest.skip("reading the PDF back needs pdftotext: `sudo apt-get install -y poppler-utils`")
    with images.ChartRenderer() as started:
        yield started


def printed(
    report: content.Report, renderer: images.ChartRenderer, folder: Path, page: str = "A4"
) -> Printed:
    path = folder / "report.pdf"
    path.write_bytes(pdf.pdf_report(report, renderer=renderer, page=page))
    return read_back(path)


def assert_whole(report: content.Report, pdf_read: Printed, page: str) -> None:
    """One page; every word inside the printable area and clear of every other; each card's label and
    figure whole on one line; the disclaimer in full."""
    assert len(pdf_read.pages) == 1
    size = pdf.PAGE_SIZES[page]
    width, height = pdf_read.pages[0]
    assert (width, height) == pytest.approx((size.width_mm * MM, size.height_mm * MM), abs=1)
    left, top = pdf.MARGIN_SIDES_MM * MM - EDGE_SLACK, pdf.MARGIN_TOP_BOTTOM_MM * MM - EDGE_SLACK
    outside = [
        word.text
        for word in pdf_read.words
        if word.left < left or word.right > width - left or word.top < top or word.bottom > height - top
    ]
    assert outside == [], "cut off at the page's edge"
    words = pdf_read.words
    over = [(a.text, b.text) for i, a in enumerate(words) for b in words[i + 1 :] if a.overlaps(b)]
    assert over == [], "words drawn over one another"

    lines = pdf_read.line_texts()
    for label, value in shown_cards(report):
        for text in (label, value):
            assert any(text in line for line in lines), f"{text!r} is not whole on one line"
    assert disclaimer(report) in pdf_read.text
    assert "A what-if projection from these assumptions, not a forecast." in pdf_read.text


@pytest.mark.parametrize("page", pdf.PAGE_SIZES)
@pytest.mark.parametrize("case", CASES)
def test_the_one_pager_fits_its_page_whole(
    case: str, page: str, renderer: images.ChartRenderer, tmp_path: Path
) -> None:
    scenario, currency, view, economics = CASES[case]
    if economics:
        scenario = scenario.replace(cac=6_000, gross_margin=0.75)
    report = content.build_report(scenario, currency, shown=VIEWS[view])
    assert_whole(report, printed(report, renderer, tmp_path, page), page)


def test_a_long_plan_makes_way_for_the_charts_and_says_how_much_of_it(
    renderer: images.ChartRenderer, tmp_path: Path
) -> None:
    # Six segments and six initiatives, every refinement: more than the page holds beside its charts.
    segments = tuple(
        Segment(
            f"Segment number {index}",
            churn_rate=0.01 + 0.005 * index,
            contraction_rate=0.004,
            expansion_rate=0.02 + 0.004 * index,
            mrr_share=1 / 6,
            new_customer_share=1 / 6,
            new_customer_mrr=123_456.0 * (index + 1),
        )
        for index in range(6)
    )
    plan = tuple(
        Initiative(f"Initiative number {index}", "churn_rate", -0.001, start_month=index + 1, ramp_months=6)
        for index in range(6)
    )
    scenario = LONG_AMOUNTS.replace(
        segments=segments,
        initiatives=plan,
        early_churn_multiple=3.0,
        early_churn_months=6,
        involuntary_churn_share=0.3,
        involuntary_recovery_rate=0.2,
        annual_plan_share=0.4,
        expansion_ceiling=3.0,
        churned_size_multiple=0.45,
        cac=60_000,
        gross_margin=0.75,
    )
    report = content.build_report(scenario, "CHF", shown=VIEWS["ARR"])
    pdf_read = printed(report, renderer, tmp_path)
    assert_whole(report, pdf_read, "A4")
    said = re.search(r"(\d+) more in the HTML report", pdf_read.text)
    assert said is not None
    # The plan's last initiatives make way first, then the last segments; the others are all there.
    order = [*(i.name for i in reversed(plan)), *(s.name for s in reversed(segments))]
    left = int(said.group(1))
    assert [name in pdf_read.text for name in order] == [False] * left + [True] * (len(order) - left)
    for name, _ in content.assumptions(scenario, "CHF", segments=False)[: -len(plan)]:
        assert name in pdf_read.text, name


# The charts' legends, laid out by plotly.js.

#: Every legend entry's box against every axis title and tick label of the same chart (CSS pixels).
LEGEND_CLASHES_JS = """
async ([figure, width, height]) => {
  const gd = document.createElement('div');
  document.body.appendChild(gd);
  await Plotly.newPlot(gd, figure.data, {...figure.layout, width, height}, {staticPlot: true});
  const boxes = (selector) => Array.from(gd.querySelectorAll(selector))
    .filter((node) => node.textContent.trim() !== '' && node.getBoundingClientRect().width > 0)
    .map((node) => [node.textContent.trim(), node.getBoundingClientRect()]);
  const legend = boxes('.legend .traces');
  const axes = boxes(['.g-xtitle text', '.g-ytitle text', '.g-x2title text', '.g-y2title text', '.xtick text',
    '.ytick text'].join(', '));
  const clashes = [];
  const page = gd.getBoundingClientRect();
  for (const [entry, box] of legend) {
    if (box.bottom > page.bottom + 1 || box.right > page.right + 1) clashes.push(`${entry} off the chart`);
    for (const [text, other] of axes) {
      const across = Math.min(box.right, other.right) - Math.max(box.left, other.left);
      const down = Math.min(box.bottom, other.bottom) - Math.max(box.top, other.top);
      if (across > 0.5 && down > 0.5) clashes.push(`${entry} over ${text}`);
    }
  }
  gd.remove();
  return clashes;
}
"""
#: The widths the HTML report gives a chart: two to a row on a laptop, across the page, on a phone.
HTML_WIDTHS = (550, 1124, 334)


def report_sizes(report: content.Report) -> Iterator[tuple[str, go.Figure, int, int]]:
    """Each chart of the report at each size it is drawn: in the PDF, as a PNG, in the HTML report."""
    for name, figure in report.charts.items():
        height = int(figure.layout.height or 440)
        for width in (images.PNG_WIDTH, *HTML_WIDTHS):
            yield name, figure, width, height
        if name in pdf.PDF_CHARTS:
            yield name, pdf.pdf_figure(report, name), *pdf.PDF_CHARTS[name]


@pytest.mark.browser
def test_no_chart_of_the_report_has_its_legend_over_an_axis_title(browser: Any) -> None:
    from plotly.offline import get_plotlyjs

    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><body style='margin: 0'></body></html>")
    page.add_script_tag(content=get_plotlyjs())
    clashes = {}
    # ARR's legends and ticks are the longest; unit economics add the cost line and the payback; a
    # horizon of a year names cohorts by quarter, ten years by two-year spans.
    for (scenario, currency), economics in itertools.product(
        ((ORDINARY, "$"), (LONG_AMOUNTS, "CHF")), (False, True)
    ):
        for months in (12, scenario.months):
            shown = scenario.replace(months=months)
            if economics:
                shown = shown.replace(cac=6_000, gross_margin=0.75)
            report = content.build_report(shown, currency, shown=VIEWS["ARR"])
            for name, figure, width, height in report_sizes(report):
                found = page.evaluate(LEGEND_CLASHES_JS, [json.loads(figure.to_json()), width, height])
                if found:
                    clashes[f"{currency} {months} months, CAC {shown.cac}: {name}, {width}×{height}"] = found
    page.close()
    assert clashes == {}
