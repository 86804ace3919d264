"""How fast and how heavy each page of the app is, next to bare reference pages.

Every page whose charts follow the sidebar's levers is measured: calculator,
compounding, leaky-bucket, biggest-lever, uncertainty, unit-economics and
scenarios. Scenarios draws charts only for saved scenarios, so it is opened
by a comparison link (``compare=``, :func:`comparison_link`: base, plan and
downside of the default scenario), as a shared link opens it. Know your
number is left out (one ``-`` row says so): its charts follow an uploaded
export, not a slider.

Three figures per page, measured in one run and printed as one table:

rerun
    The page's AppTest rerun time after a slider change, next to
    ``benchmarks/bare_slider.py`` (one slider). Each rerun sets the churn
    slider to a value not seen before, so the engine's ``st.cache_data``
    misses as it does when someone drags a slider; the cache is cleared
    before each page. AppTest runs ``app.py`` and then the page, as the
    server does (see ``_keep_navigation_on_reruns``). Median of
    ``RERUNS`` reruns. Target: at most 10 times the bare page.
payload
    The bytes of plotly figure JSON the page sends: the sum of the
    ``spec`` of every ``plotly_chart`` element after the first run.
    Target: at most 150 KB per page.
browser
    In Debian's chromium against a live server: the time from a key press on
    the focused churn slider until the page's last chart is redrawn, next to
    ``benchmarks/bare_chart.py`` (one slider, one chart) served by its own
    Streamlit process. Median of ``PRESSES`` presses after one warm-up press.
    Target: at most 1.5 times the bare page. On scenarios the compared
    scenarios are saved ones, so the churn slider changes none of its charts;
    there the key press is Enter on the focused "NRR and GRR" view
    (``Monthly`` and ``Trailing 12 months`` in turn), which redraws its NRR and
    GRR charts (``_KEY_TARGETS``).

How "redrawn" is detected (``_REDRAW_PROBE``): a capturing ``keydown``
listener notes ``performance.now()`` and starts a ``requestAnimationFrame``
loop. Plotly keeps the figure it drew on its element (``gd.data``, ``gd.layout``);
every redraw with a new figure from Streamlit replaces those objects, and a
chart that Streamlit remounts is a new element. Each frame the loop compares
every ``.js-plotly-plot`` element and its ``gd.data`` and ``gd.layout`` with
what it saw in the frame before and notes the time of the last change. The measurement ends once
Streamlit reports the script idle (``data-test-script-state="notRunning"``) and
no chart has changed for ``SETTLE_MS``; the figure is the time of the last
change minus the time of the key press, measured inside the page so that
Playwright's round trips are not counted. Both the app and the bare page are
measured the same way in the same browser.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from tests.browser import (
    CHROMIUM_MISSING,
    ROOT,
    VIEWPORT,
    StreamlitServer,
    chromium_available,
    launch_chromium,
    open_page,
)
from ui.scenarios.link import COMPARE_PARAM, link_text
from ui.scenarios.variants import VARIANTS, variant
from ui.state.controls import defaults, scenario_from_values

APP = ROOT / "app.py"
BARE_SLIDER = ROOT / "benchmarks" / "bare_slider.py"
BARE_CHART = ROOT / "benchmarks" / "bare_chart.py"

# Page script (for AppTest) of every page, by name; the name is its URL path too.
PAGES = {
    "calculator": "pages/calculator.py",
    "compounding": "pages/compounding.py",
    "leaky-bucket": "pages/leaky-bucket.py",
    "biggest-lever": "pages/biggest-lever.py",
    "uncertainty": "pages/uncertainty.py",
    "unit-economics": "pages/unit-economics.py",
    "scenarios": "pages/scenarios.py",
}
#: Pages left out, and why (one "-" row each in the table).
SKIPPED = {"know-your-number": "upload-driven, no slider"}
SLIDER_KEY = "sidebar_churn_pct"
#: What the browser presses Enter on, per page, instead of the churn slider: each
#: pair of CSS selectors is focused in turn, so that every press changes the view.
_KEY_TARGETS = {
    "scenarios": (
        '.st-key-scenario_nrr_view button:has-text("Monthly")',
        '.st-key-scenario_nrr_view button:has-text("Trailing 12 months")',
    ),
}
RERUNS = 15
PRESSES = 10
SETTLE_MS = 300
APPTEST_TIMEOUT = 30.0

RERUN_TARGET = 10.0
PAYLOAD_TARGET_KB = 150.0
BROWSER_TARGET = 1.5

_REDRAW_PROBE = """
(settleMs) => {
  const probe = {start: null, last: null, done: null, seen: null};
  window.__redrawProbe = probe;
  const snapshot = () => Array.from(
    document.querySelectorAll('.js-plotly-plot'), (gd) => [gd, gd.data, gd.layout]);
  const changed = (before, after) => before.length !== after.length
    || after.some((now, i) => now.some((part, j) => part !== before[i][j]));
  const app = () => document.querySelector('[data-testid="stApp"]');
  const idle = () => app()?.dataset.testScriptState === 'notRunning';
  const tick = () => {
    const now = performance.now();
    const seen = snapshot();
    if (changed(probe.seen, seen)) { probe.last = now; probe.seen = seen; }
    if (probe.last !== null && idle() && now - probe.last >= settleMs) {
      probe.done = probe.last - probe.start;
      return;
    }
    requestAnimationFrame(tick);
  };
  document.addEventListener('keydown', () => {
    probe.start = performance.now();
    probe.last = null;
    probe.done = null;
    probe.seen = snapshot();
    requestAnimationFrame(tick);
  }, {capture: true});
}
"""


@dataclass(frozen=True)
class Row:
    """One line of the printed table."""

    page: str
    measure: str
    figure: str
    reference: str
    ratio: float | None
    target: str
    passed: bool | None


def comparison_link() -> str:
    """The ``compare`` text of base, plan and downside of the default scenario (as the page saves them)."""
    base = scenario_from_values(defaults())
    return link_text({kind: variant(base, kind) for kind in VARIANTS})


def _params(name: str) -> dict[str, str]:
    """The address parameters a page is opened with: the comparison link for scenarios."""
    return {COMPARE_PARAM: comparison_link()} if name == "scenarios" else {}


def _address(name: str) -> str:
    """The page's path and query string, as a shared link carries them."""
    params = _params(name)
    return name + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


@contextmanager
def _keep_navigation_on_reruns() -> Iterator[None]:
    """Make AppTest rerun ``app.py`` and its page, as the live server does.

    AppTest resets ``PagesManager.uses_pages_directory`` before every run; with
    a ``pages/`` folder beside ``app.py``, later runs would then execute the
    page alone (see ``/work/shared/streamlit-notes.md``). ``st.navigation``
    sets the flag to False for good on the server; this does the same after
    each ``PagesManager.__init__``, like the fixture in ``tests/conftest.py``.
    """
    original = PagesManager.__init__

    def patched(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = patched  # type: ignore[method-assign]
    try:
        yield
    finally:
        PagesManager.__init__ = original  # type: ignore[method-assign]


def _median_rerun_ms(at: AppTest, *, reruns: int) -> float:
    """Median time of ``reruns`` reruns, each after a new churn slider value."""
    slider = at.slider(key=SLIDER_KEY)
    start_value = float(slider.value)
    upper = float(slider.max)
    step = float(slider.step) if slider.step else 0.1
    direction = -1.0 if start_value + reruns * step > upper else 1.0
    times = []
    for i in range(1, reruns + 1):
        value = round(start_value + direction * i * step, 6)
        at.slider(key=SLIDER_KEY).set_value(value)
        began = time.perf_counter()
        at.run(timeout=APPTEST_TIMEOUT)
        times.append((time.perf_counter() - began) * 1000)
        if at.exception:
            raise RuntimeError(f"{at.exception[0].message} after setting {SLIDER_KEY}={value}")
    return statistics.median(times)


def _apptest_rows() -> list[Row]:
    """Rerun time next to the bare slider page, and the plotly payload, per page."""
    rows = []
    with _keep_navigation_on_reruns():
        st.cache_data.clear()
        bare = AppTest.from_file(str(BARE_SLIDER), default_timeout=APPTEST_TIMEOUT)
        bare.run()
        # The bare page reruns in a few ms, so its median needs more samples to be steady.
        bare_ms = _median_rerun_ms(bare, reruns=3 * RERUNS)
        for name, script in PAGES.items():
            st.cache_data.clear()
            at = AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT)
            for key, value in _params(name).items():
                at.query_params[key] = value
            at.switch_page(script).run()
            if at.exception:
                raise RuntimeError(f"{name}: {at.exception[0].message}")
            payload_kb = sum(len(chart.proto.spec.encode()) for chart in at.get("plotly_chart")) / 1000
            page_ms = _median_rerun_ms(at, reruns=RERUNS)
            ratio = page_ms / bare_ms
            rows.append(
                Row(
                    name,
                    "rerun",
                    f"{page_ms:.1f} ms",
                    f"bare slider {bare_ms:.1f} ms",
                    ratio,
                    f"<= {RERUN_TARGET:g}x",
                    ratio <= RERUN_TARGET,
                )
            )
            rows.append(
                Row(
                    name,
                    "payload",
                    f"{payload_kb:.1f} KB",
                    "",
                    None,
                    f"<= {PAYLOAD_TARGET_KB:g} KB",
                    payload_kb <= PAYLOAD_TARGET_KB,
                )
            )
    return rows


def _median_redraw_ms(page: Page, url: str, *, presses: int, targets: tuple[str, ...] = ()) -> float | None:
    """Median time from a churn slider key press (or Enter on ``targets`` in turn) to the last chart
    redrawn, or None when no chart follows."""
    open_page(page, url)
    page.evaluate(_REDRAW_PROBE, SETTLE_MS)
    key = "Enter"
    if not targets:
        slider = page.locator(f".st-key-{SLIDER_KEY}").get_by_role("slider")
        slider.focus()
        # Move away from the upper end, so that every press changes the value.
        key = "ArrowLeft" if _near_upper_end(slider.get_attribute("aria-valuetext")) else "ArrowRight"
    times = []
    for press in range(presses + 1):
        if targets:
            page.locator(targets[press % len(targets)]).focus()
        page.keyboard.press(key)
        try:
            # The warm-up press also tells whether any chart follows the slider.
            page.wait_for_function(
                "() => window.__redrawProbe.done !== null", timeout=5_000 if press == 0 else 30_000
            )
        except PlaywrightTimeoutError:
            if press == 0:
                return None
            raise
        times.append(float(page.evaluate("() => window.__redrawProbe.done")))
    return statistics.median(times[1:])


def _near_upper_end(valuetext: str | None) -> bool:
    """Whether a churn value leaves too little room for the presses (above 15 %)."""
    try:
        return float((valuetext or "0").rstrip("%").strip()) > 15.0
    except ValueError:
        return False


def _browser_rows() -> list[Row]:
    """Key press to last chart redrawn, per page, next to the bare chart page."""
    if not chromium_available():
        return [Row("all", "browser", "skipped", CHROMIUM_MISSING, None, "", None)]
    rows = []
    with (
        StreamlitServer(BARE_CHART) as bare_server,
        StreamlitServer(APP) as app_server,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            bare_ms = _median_redraw_ms(page, bare_server.url, presses=PRESSES)
            if bare_ms is None:
                raise RuntimeError("the bare chart page did not redraw its chart")
            for name in PAGES:
                page_ms = _median_redraw_ms(
                    page,
                    f"{app_server.url}/{_address(name)}",
                    presses=PRESSES,
                    targets=_KEY_TARGETS.get(name, ()),
                )
                if page_ms is None:
                    rows.append(Row(name, "browser", "no chart follows the slider", "", None, "", None))
                    continue
                ratio = page_ms / bare_ms
                rows.append(
                    Row(
                        name,
                        "browser",
                        f"{page_ms:.0f} ms",
                        f"bare chart {bare_ms:.0f} ms",
                        ratio,
                        f"<= {BROWSER_TARGET:g}x",
                        ratio <= BROWSER_TARGET,
                    )
                )
        finally:
            browser.close()
    return rows


def _print_table(rows: list[Row]) -> None:
    header = ("page", "measure", "figure", "reference", "ratio", "target", "verdict")
    lines = [
        (
            row.page,
            row.measure,
            row.figure,
            row.reference,
            "" if row.ratio is None else f"{row.ratio:.1f}x",
            row.target,
            {True: "ok", False: "MISS", None: "-"}[row.passed],
        )
        for row in rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    for line in (header, tuple("-" * width for width in widths), *lines):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


def main() -> None:
    """Measure every page and print one table of figures, references and ratios."""
    # Clearing st.cache_data outside a server logs "No runtime found" warnings
    # on Streamlit's own loggers, each of which has its level set.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
    sections: list[Callable[[], list[Row]]] = [_apptest_rows, _browser_rows]
    began = time.perf_counter()
    rows = [row for section in sections for row in section()]
    rows += [Row(name, "all", "skipped", why, None, "", None) for name, why in SKIPPED.items()]
    order = [*PAGES, *SKIPPED]
    rows.sort(key=lambda row: order.index(row.page) if row.page in order else -1)
    print(f"App benchmarks (rerun: median of {RERUNS}; browser: median of {PRESSES} key presses)")
    _print_table(rows)
    print(f"measured in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
