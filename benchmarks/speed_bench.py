"""The speed table's figures that are not per-page slider moves, measured in one run, one table.

shared link (compounding)
    A new browser context (its own Streamlit session, an empty HTTP cache) on
    a warm server opens a shared link, ``/compounding?`` with a scenario
    (:data:`SHARED_LINK`): the time from the navigation's start until its
    first plotly chart is drawn, next to a new context opening
    ``benchmarks/bare_chart.py`` (its chart drawn), served by its own
    Streamlit process. Target: at most 1.2 times. Beside it, when the
    sidebar's first slider is drawn against the page's title (the sidebar
    should come with the page, not after it).
link opened (scenarios)
    A comparison link (``/scenarios?compare=`` with base, plan and downside,
    :func:`benchmarks.app_bench.comparison_link`) opened in a new context: the
    time until its three charts (MRR, NRR, GRR) are drawn, next to the
    compounding page's first paint above. Target: at most 2 times.
prepare the PDF (downloads)
    What "Prepare the PDF and the chart images" does, without keeping the
    files in the session: ``ui.prepared.make`` (``content.build_report``,
    the one-pager's four charts drawn by the server's warm kaleido chromium,
    and chromium printing the page), then one chart's PNG as its button draws
    it. Timed on the second run (imports warm, the kaleido chromium started
    by the first, as on a server someone printed from before), next to one
    ``pdf.print_pdf`` of a one-line HTML page (also its second). Target: at
    most 3 s once warm.
monte carlo (uncertainty)
    ``simulator.monte_carlo.simulate`` as ``pages/uncertainty.py`` calls it
    through ``ui.cache.monte_carlo`` on the default scenario: 1,000 futures,
    skew 1.0, draw 0, each rate known to ±20% (the page's defaults without an
    export; the band's breakdown comes from the same run) at the default 36
    months; then at the longest horizon (120 months), and at 120 months with the
    slider's most futures (5,000), each next to the default. Median of
    ``MC_REPEAT``. Target: at most 1 s at the default size.

How "drawn" is detected (``_PAINT_PROBE``): an init script, run in every
document before Streamlit's own, checks the page on every animation frame
and notes ``performance.now()`` (milliseconds since the navigation started)
the first time a metric card (``[data-testid="stMetric"]``) is there and the
first time 1, 2, 3… plotly charts have their ``.main-svg`` drawn. Each visit
opens once on each server first (not timed), so the server is warm; the
timed visits alternate between the pages, median of ``VISITS``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable

from playwright.sync_api import Browser, sync_playwright

from benchmarks.app_bench import APP, BARE_CHART, Row, _print_table, comparison_link
from report import images, pdf
from report.revenue import MRR
from simulator.monte_carlo import simulate
from simulator.rate_uncertainty import DEFAULT as MC_RATES
from tests.browser import CHROMIUM_MISSING, VIEWPORT, StreamlitServer, chromium_available, launch_chromium
from ui import prepared
from ui.scenarios.link import COMPARE_PARAM
from ui.state.controls import defaults, scenario_from_values

VISITS = 5
VISIT_TIMEOUT_MS = 60_000
MC_REPEAT = 3
#: ``pages/uncertainty.py``'s slider defaults, and the futures slider's maximum.
MC_PATHS, MC_SKEW, MC_SEED, MC_MOST_PATHS = 1_000, 1.0, 0, 5_000
MC_LONGEST = 120  # months: the horizon control's maximum

FIRST_PAINT_TARGET = 1.2
#: The scenario of issue 18's shared link.
SHARED_LINK = "churn_pct=2.5&contraction_pct=1&expansion_pct=3"
LINK_TARGET = 2.0
PDF_TARGET_S = 3.0
MC_TARGET_S = 1.0

_PAINT_PROBE = """
(() => {
  const marks = {};
  window.__paint = marks;
  const tick = () => {
    const now = performance.now();
    if (marks.metric === undefined && document.querySelector('[data-testid="stMetric"]')) {
      marks.metric = now;
    }
    if (marks.title === undefined && document.querySelector('[data-testid="stMain"] h1')) {
      marks.title = now;
    }
    const slider = '[data-testid="stSidebar"] input[type="range"]';
    if (marks.sidebar === undefined && document.querySelector(slider)) {
      marks.sidebar = now;
    }
    const drawn = Array.from(document.querySelectorAll('.js-plotly-plot'))
      .filter((gd) => gd.querySelector('.main-svg')).length;
    for (let n = 1; n <= drawn; n++) {
      if (marks[`charts${n}`] === undefined) marks[`charts${n}`] = now;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


def _visit_ms(
    browser: Browser, url: str, marks: list[str], seen: dict[str, list[float]] | None = None
) -> float:
    """Open ``url`` in a new context; milliseconds from navigation start until every mark is seen
    (and, into ``seen``, when each mark of the page was seen)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(_PAINT_PROBE)
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded", timeout=VISIT_TIMEOUT_MS)
        page.wait_for_function(
            "(marks) => marks.every((mark) => window.__paint[mark] !== undefined)",
            arg=marks,
            timeout=VISIT_TIMEOUT_MS,
        )
        if seen is not None:
            page.wait_for_function("() => window.__paint.sidebar !== undefined", timeout=VISIT_TIMEOUT_MS)
            for mark, at in page.evaluate("() => window.__paint").items():
                seen.setdefault(mark, []).append(float(at))
        return float(page.evaluate("(marks) => Math.max(...marks.map((m) => window.__paint[m]))", marks))
    finally:
        context.close()


def _session_rows() -> list[Row]:
    """A new session's first paint next to the bare chart page's, and a comparison link next to it."""
    if not chromium_available():
        return [Row("compounding", "new session", "skipped", CHROMIUM_MISSING, None, "", None)]
    with (
        StreamlitServer(BARE_CHART) as bare_server,
        StreamlitServer(APP) as app_server,
        sync_playwright() as playwright,
    ):
        visits = {
            "bare": (bare_server.url, ["charts1"]),
            "compounding": (f"{app_server.url}/compounding?{SHARED_LINK}", ["charts1"]),
            "link": (f"{app_server.url}/scenarios?{COMPARE_PARAM}={comparison_link()}", ["charts3"]),
        }
        browser = launch_chromium(playwright)
        try:
            for url, marks in visits.values():  # warm each server and page, not timed
                _visit_ms(browser, url, marks)
            times: dict[str, list[float]] = {name: [] for name in visits}
            seen: dict[str, list[float]] = {}
            for _ in range(VISITS):
                for name, (url, marks) in visits.items():
                    times[name].append(
                        _visit_ms(browser, url, marks, seen if name == "compounding" else None)
                    )
        finally:
            browser.close()
    bare, app, link = (statistics.median(times[name]) for name in ("bare", "compounding", "link"))
    title, sidebar = (statistics.median(seen[mark]) for mark in ("title", "sidebar"))
    return [
        Row(
            "compounding",
            "shared link: first chart",
            f"{app:.0f} ms",
            f"bare chart {bare:.0f} ms",
            app / bare,
            f"<= {FIRST_PAINT_TARGET:g}x",
            app / bare <= FIRST_PAINT_TARGET,
        ),
        Row(
            "compounding",
            "shared link: sidebar's first slider",
            f"{sidebar:.0f} ms",
            f"page title {title:.0f} ms",
            sidebar / title,
            "",
            None,
        ),
        Row(
            "scenarios",
            "link opened: 3 charts",
            f"{link:.0f} ms",
            f"shared link {app:.0f} ms",
            link / app,
            f"<= {LINK_TARGET:g}x",
            link / app <= LINK_TARGET,
        ),
    ]


def _second_run_s(action: Callable[[], object]) -> float:
    """Seconds of the second of two calls (the first warms imports and caches)."""
    action()
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def _prepare_files() -> None:
    """What "Prepare the PDF and the chart images" does for the default scenario, without the session, and
    one PNG download."""
    made = prepared.make(scenario_from_values(defaults()), "$", MRR, dt.date.today(), lambda done, text: None)
    made.png("revenue")


def _pdf_rows() -> list[Row]:
    """Preparing the PDF and the PNGs, next to printing a one-line page."""
    if images.find_chromium() is None:
        return [Row("downloads", "prepare the PDF", "skipped", images.CHROMIUM_MISSING, None, "", None)]
    bare = _second_run_s(lambda: pdf.print_pdf("<!doctype html><title>x</title><p>Bare page</p>"))
    prepared = _second_run_s(_prepare_files)
    return [
        Row(
            "downloads",
            "prepare the PDF, one PNG",
            f"{prepared:.2f} s",
            f"bare print_pdf {bare:.2f} s",
            prepared / bare,
            f"<= {PDF_TARGET_S:g} s",
            prepared <= PDF_TARGET_S,
        )
    ]


def _monte_carlo_rows() -> list[Row]:
    """The uncertainty page's simulation at its default size, and at its largest."""
    scenario = scenario_from_values(defaults())

    def seconds(months: int, paths: int) -> float:
        case = scenario.replace(months=months)
        times = []
        for _ in range(MC_REPEAT):
            began = time.perf_counter()
            simulate(case, paths=paths, skew=MC_SKEW, seed=MC_SEED, rates=MC_RATES)
            times.append(time.perf_counter() - began)
        return statistics.median(times)

    default = seconds(scenario.months, MC_PATHS)
    rows = [
        Row(
            "uncertainty",
            f"monte carlo {MC_PATHS:,} x {scenario.months} months",
            f"{default:.2f} s",
            "",
            None,
            f"<= {MC_TARGET_S:g} s",
            default <= MC_TARGET_S,
        )
    ]
    for paths in (MC_PATHS, MC_MOST_PATHS):
        larger = seconds(MC_LONGEST, paths)
        rows.append(
            Row(
                "uncertainty",
                f"monte carlo {paths:,} x {MC_LONGEST} months",
                f"{larger:.2f} s",
                f"default {default:.2f} s",
                larger / default,
                "",
                None,
            )
        )
    return rows


def main() -> None:
    """Measure and print one table of figures, references and ratios."""
    began = time.perf_counter()
    rows = [*_session_rows(), *_pdf_rows(), *_monte_carlo_rows()]
    print(
        f"Sessions, links, PDF, Monte Carlo (browser: median of {VISITS} new contexts; "
        f"PDF: second run; Monte Carlo: median of {MC_REPEAT})"
    )
    _print_table(rows)
    print(f"measured in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
