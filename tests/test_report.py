"""The offline exports (ui/report.py): CSV, HTML report, PDF one-pager, chart PNGs; the export page.

The CSV is checked against the engine and the command line; the HTML and the
PDF are opened (the HTML parsed, the PDF read back with poppler's
``pdftotext``) and checked for the key figures as the pages format them.
Chromium and kaleido start once for the module. Chromium or pdftotext missing:
the tests that need them fail under CI (``$CI`` set; ``make test`` installs
both) and are skipped elsewhere with the command that installs them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from report import content, html, images, pdf
from report.format import money
from simulator import PROJECTION_COLUMNS, cli, project
from simulator.output import decimals_of
from simulator.scenario import Initiative, Scenario
from simulator.scenario_json import to_json
from tests.examples import WORKED_EXAMPLE as SCENARIO
from ui.state.controls import defaults

ROOT = Path(__file__).resolve().parent.parent
#: A shrinking base, a horizon of its own, an initiative whose name needs escaping.
LEAKY = Scenario(
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


def _need(available: bool, message: str) -> None:
    """Skip without a tool, except under CI, where a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# CSV.


def test_projection_csv_has_the_command_lines_columns_first_then_the_extras() -> None:
    table = project(SCENARIO).table
    read = pd.read_csv(io.BytesIO(content.projection_csv(SCENARIO)))
    assert list(read.columns[: len(PROJECTION_COLUMNS)]) == list(PROJECTION_COLUMNS)
    assert set(read.columns) == set(table.columns)
    # The rounding policy: money to the cent, counts to 2 decimals, rates to 6.
    for column in read.columns:
        digits = decimals_of(column)
        assert read[column].to_numpy() == pytest.approx(table[column].round(digits).to_numpy(), nan_ok=True)
    assert read["customers"].iat[2] == 56.9  # 50 × 0.97 + 5, then × 0.97 + 5: 56.895 held to 2 decimals


def test_projection_csv_reads_exactly_as_the_command_line_writes(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(to_json(SCENARIO), encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["project", str(path)], stdout=out) == 0
    ours = content.projection_csv(SCENARIO).decode().splitlines()
    theirs = out.getvalue().splitlines()
    width = len(PROJECTION_COLUMNS)
    # The same text, cell for cell, in the command line's columns.
    assert [line.split(",")[:width] for line in ours] == [line.split(",") for line in theirs]


# HTML.


class _Sources(HTMLParser):
    """Every script, link, img, iframe and source address; inline scripts' text."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if tag in ("script", "link", "img", "iframe", "source", "embed") and name in ("src", "href"):
                self.addresses.append(value or "")
        self._in_script = tag == "script" and not dict(attrs).get("src")
        if self._in_script:
            self.inline_scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_scripts[-1] += data


@pytest.fixture(scope="module")
def default_report() -> content.Report:
    return content.build_report(SCENARIO, "$")


@pytest.fixture(scope="module")
def default_html(default_report: content.Report) -> str:
    return html.html_report(default_report).decode("utf-8")


def test_html_report_shows_the_key_figures_as_the_pages_do(default_html: str) -> None:
    table = project(SCENARIO).table
    for text in (
        "102.0%",  # monthly NRR
        "126.8%",  # 1.02^12
        "61.3%",  # 0.96^12
        money(table["mrr"].iloc[12], "$"),
        money(table["mrr"].iloc[36], "$"),
        "Best in class",
        "Leaky",
        "GRR below 90%: fix churn first",
        "the base grows by itself",
        "Fix churn first: annual GRR is 61.3%, below 90%",  # the one recommendation
        "<td>Churn to 0.52%</td>",  # the ranking against peers (the Biggest lever page's default)
    ):
        assert text in default_html, text
    assert "102.0%" in default_html and "126.8%" in default_html  # worked example 1


def test_html_report_lists_every_assumption_and_the_date(default_html: str) -> None:
    for label, value in (
        ("Starting MRR", "$100,000"),
        ("Starting customers", "50"),
        ("Churn", "3.00% of MRR a month"),
        ("Contraction", "1.00% of MRR a month"),
        ("Expansion", "6.00% of MRR a month"),
        ("New customers a month", "5"),
        ("Growth of new customers", "0.00% a month"),
        ("MRR per new customer", "$2,000"),
        ("Horizon", "36 months"),
    ):
        assert f"<tr><th>{label}</th><td>{value}</td></tr>" in default_html
    today = dt.date.today()
    assert (
        content.format_date(today) in default_html
        or content.format_date(today - dt.timedelta(days=1)) in default_html
    )


def test_html_report_carries_plotly_inline_once_and_asks_nothing_from_outside(default_html: str) -> None:
    sources = _Sources()
    sources.feed(default_html)
    outside = [a for a in sources.addresses if re.match(r"^\s*(https?:)?//", a)]
    assert outside == []
    bundles = [s for s in sources.inline_scripts if "plotly.js v" in s[:200]]
    assert len(bundles) == 1
    assert default_html.count(get_plotlyjs()[:300]) == 1
    # Every chart is drawn, from the inline bundle.
    assert default_html.count("Plotly.newPlot(") == len(content.CHART_TITLES)


def test_html_report_escapes_names_and_lists_initiatives_and_the_horizon() -> None:
    page = html.html_report(content.build_report(LEAKY, "€")).decode()
    assert "Dunning &lt;v2&gt;" in page and "Dunning <v2>" not in page
    assert "churn −0.80 pts from month 3, in full by month 6" in page
    assert money(project(LEAKY).table["mrr"].iloc[-1], "€") in page
    assert "MRR at 48 months" in page and "MRR at 36 months" not in page  # a year out and the horizon


def test_html_report_shows_logo_beside_revenue_churn_and_the_churned_customers_size() -> None:
    """Worked example 1 with churned customers half the average account: 6% of customers, 3% of MRR."""
    report = content.build_report(SCENARIO.replace(churned_size_multiple=0.5))
    figures = dict(report.economics)
    assert (figures["Logo churn, month 1"], figures["Revenue churn, month 1"]) == ("6.00%", "4.00%")
    said = (
        "Churned customers are 0.5× the average account: 6.00% of customers but 3.00% of MRR leave in "
        "month 1."
    )
    assert said in report.economics_sentences
    assert ("Churned customers' size", "0.5× the average account") in report.assumptions
    page = html.html_report(report).decode()
    assert f"<p>{said}</p>" in page and "Churned customers&#x27; size" in page
    plain = content.build_report(SCENARIO)
    assert dict(plain.economics)["Logo churn, month 1"] == "3.00%"
    assert not any("Churned customers" in text for text in plain.economics_sentences)
    assert not any(label == "Churned customers' size" for label, _ in plain.assumptions)


def test_the_reports_figures_never_read_past_the_horizon() -> None:
    # A year's horizon: its revenue once, then the customers and monthly GRR fill the tiles.
    labels = [label for label, _ in content.build_report(SCENARIO.replace(months=12)).figures]
    assert labels[5:] == ["MRR at 12 months", "Customers at 12 months", "Monthly GRR"]
    labels = [label for label, _ in content.build_report(SCENARIO.replace(months=60)).figures]
    assert labels[5:] == ["MRR at 12 months", "MRR at 60 months", "Customers at 60 months"]
    uncounted = SCENARIO.replace(months=12, starting_customers=None)
    labels = [label for label, _ in content.build_report(uncounted).figures]
    assert labels[5:] == ["MRR at 12 months", "Monthly GRR", "Monthly expansion"]


# Images and PDF (chromium).


@pytest.fixture(scope="module")
def renderer() -> Iterator[images.ChartRenderer]:
    _need(images.find_chromium() is not None, images.CHROMIUM_MISSING)
    with images.ChartRenderer() as started:
        yield started


@pytest.fixture(scope="module")
def pdf_text(
    default_report: content.Report, renderer: images.ChartRenderer, tmp_path_factory: pytest.TempPathFactory
) -> str:
    _need(
        shutil.which("pdftotext") is not None,
        "reading the PDF back needs pdftotext: install it with `sudo apt-get install -y poppler-utils`",
    )
    printed = pdf.pdf_report(default_report, renderer=renderer)
    assert printed.startswith(b"%PDF-")
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(printed)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def test_pdf_is_one_page(pdf_text: str) -> None:
    # pdftotext ends every page with a form feed.
    assert pdf_text.count("\f") == 1


def test_pdf_shows_the_key_figures_and_the_assumptions(pdf_text: str) -> None:
    table = project(SCENARIO).table
    for text in (
        "102.0%",
        "126.8%",
        "61.3%",
        "GRR below 90%",
        money(table["mrr"].iloc[12], "$"),
        money(table["mrr"].iloc[36], "$"),
        "Best in class",
        "3.00% of MRR a month",
        "NRR scenario report",
    ):
        assert text in pdf_text, text


def test_chart_pngs_are_png_images(default_report: content.Report, renderer: images.ChartRenderer) -> None:
    pngs = images.chart_pngs(default_report, renderer=renderer)
    assert list(pngs) == list(content.CHART_TITLES)
    for image in pngs.values():
        assert image.startswith(b"\x89PNG\r\n\x1a\n")


def test_without_chromium_images_say_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    assert images.find_chromium() is None
    with pytest.raises(images.ChromiumMissingError, match="apt-get install -y chromium"):
        images.ChartRenderer()


# The page.


@pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")
def test_downloads_page_runs_in_the_app_and_offers_csv_and_html() -> None:
    from tests.apptest_support import app

    at = app("pages/downloads.py")
    assert not at.exception
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Download the projection (CSV)" in labels
    assert "Download the report (HTML)" in labels
    assert at.sidebar.slider(key="sidebar_churn_pct").value == defaults()["churn_pct"]


@pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")
def test_downloads_page_without_chromium_explains_and_keeps_csv_and_html(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    at = AppTest.from_file(str(ROOT / "pages" / "downloads.py"), default_timeout=30).run()
    assert not at.exception
    assert any("apt-get install -y chromium" in warning.value for warning in at.warning)
    assert len(at.get("download_button")) == 2


@pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")
def test_preparing_on_the_downloads_page_offers_the_pdf_and_each_charts_png() -> None:
    if images.find_chromium() is None:
        pytest.skip(images.CHROMIUM_MISSING)
    from tests.apptest_support import app

    at = app("pages/downloads.py", revenue="ARR")
    at.button(key="export_prepare").click().run(timeout=120)
    assert not at.exception and not at.error
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Download the one-pager (PDF)" in labels
    assert sorted(label for label in labels if label.endswith("(PNG)")) == sorted(
        f"{title} (PNG)" for title in content.CHART_TITLES.values()
    )
    kept = at.session_state["_prepared_files"]
    assert kept.pdf.startswith(b"%PDF") and kept.png("revenue").startswith(b"\x89PNG")
    at.sidebar.radio(key="sidebar_revenue").set_value("MRR").run()  # another view: another file
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Download the one-pager (PDF)" not in labels
    assert at.button(key="export_prepare")
