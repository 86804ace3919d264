"""The app in a real browser: what AppTest cannot see.

One Streamlit server (``app.py`` on 127.0.0.1 and a free port), one headless
Debian chromium and one browser profile serve the whole module; each test
opens its own tab, so its own Streamlit session. Waits are on Streamlit's run
state, on the address and on the charts, never on fixed sleeps. Screenshots of every page go
to ``artifacts/screenshots/<page>.png`` for review.

Chromium missing: the tests fail under CI (``$CI`` set; ``make test`` installs
it first) and are skipped elsewhere with the command that installs it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from report.format import pct
from tests.browser import (
    ERROR_ALERT,
    EXCEPTION,
    PLOTLY_CHART,
    ROOT,
    VIEWPORT,
    StreamlitServer,
    open_page,
    wait_for_idle,
)
from ui.presenter import SLIDES
from ui.scenarios.link import link_text
from ui.scenarios.variants import variant
from ui.state import controls
from ui.state.controls import defaults, scenario_from_values
from ui.state.session import widget_key

SHOWN_DECIMALS = 2  # the sliders show two decimals (controls.PERCENT_FORMAT)

pytestmark = pytest.mark.browser

# Every page: its URL path as st.navigation serves it (the default page, the
# calculator, lives at the root: Streamlit ignores a default page's url_path)
# and whether it draws charts.
PAGES = {
    "home": "",
    "calculator": "calculator",
    "compounding": "compounding",
    "leaky-bucket": "leaky-bucket",
    "biggest-lever": "biggest-lever",
    "unit-economics": "unit-economics",
}
# Pages whose charts follow the sidebar's sliders (the calculator's follow its own inputs).
SLIDER_PAGES = ["compounding", "leaky-bucket", "biggest-lever", "unit-economics"]
# Where each page may end up. A fresh server's first visitor to the root is
# taken to /calculator, and from then on the root leads there too.
PATHS = {name: {f"/{path}"} for name, path in PAGES.items()}
#: Pages that draw no chart.
CHARTLESS = {"home"}
DEFAULTS = defaults()
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
WARNING_NOTICE = '[data-testid="stAlertContentWarning"], [data-testid="stToast"]'
METRIC_VALUE = '[data-testid="stMetricValue"]'

# Every keyed slider's widget key (Streamlit's ``st-key-<key>`` class) and value.
SLIDER_VALUES_JS = """
() => Object.fromEntries(Array.from(document.querySelectorAll('[class*="st-key-"] input[type="range"]'),
 (input) => {
  const key = Array.from(input.closest('[class*="st-key-"]').classList).find((c) => c.startsWith('st-key-'));
  return [key.slice('st-key-'.length), input.getAttribute('aria-valuetext')];
}))
"""
# Every plotly chart's traces, shapes and annotations as comparable strings
# (plotly keeps the figure it drew on the element as ``gd.data`` and
# ``gd.layout``; typed arrays serialise by value).
CHARTS_DATA_JS = """
() => Array.from(document.querySelectorAll('.js-plotly-plot'), (gd) => JSON.stringify([
  (gd.data || []).map((t) => [t.x, t.y, t.base, t.text, t.measure]),
  (gd.layout || {}).shapes,
  (gd.layout || {}).annotations,
]))
"""
CHARTS_CHANGED_JS = f"""
(before) => {{
  const now = ({CHARTS_DATA_JS})();
  return now.length !== before.length || now.some((trace, i) => trace !== before[i]);
}}
"""


@pytest.fixture(scope="module")
def requested_urls() -> list[str]:
    """Every URL the shared browser context requests, from the warm-up visit on."""
    return []


@pytest.fixture(scope="module")
def context(browser: Browser, requested_urls: list[str]) -> Iterator[BrowserContext]:
    """One profile at 1440x900 for the module, so the app's scripts load from its cache.

    Each test opens its own tab, and a new tab is a new Streamlit session.
    """
    shared = browser.new_context(viewport=VIEWPORT)
    shared.set_default_timeout(15_000)
    shared.on("request", lambda request: requested_urls.append(request.url))
    yield shared
    shared.close()


@pytest.fixture(scope="module")
def tabs(context: BrowserContext) -> dict[str, Page]:
    """Each page of the app, opened once in its own tab and kept for the module.

    Loading a page with charts costs seconds (plotly.js starts in every tab),
    so the tests of one page share its tab and session, in file order: the
    load test sees it untouched, later tests move its sliders further.
    """
    return {}


@pytest.fixture(scope="module")
def server(context: BrowserContext, tabs: dict[str, Page]) -> Iterator[StreamlitServer]:
    """The app served on 127.0.0.1 for the whole module, past its first visitor.

    A fresh server's first run differs (a test of its own covers it); opening
    the root (the calculator) first makes every test see the server in its
    steady state, whatever order the tests run in.
    """
    with StreamlitServer(ROOT / "app.py") as running:
        tabs["home"] = context.new_page()
        open_page(tabs["home"], f"{running.url}/", charts=False)
        yield running


@pytest.fixture
def app_page(
    server: StreamlitServer, context: BrowserContext, tabs: dict[str, Page]
) -> Callable[[str], Page]:
    """The shared tab of a page of the app (by name in ``PAGES``), opened on first use."""

    def opened(name: str) -> Page:
        if name not in tabs:
            tabs[name] = context.new_page()
            open_page(tabs[name], f"{server.url}/{PAGES[name]}", charts=name not in CHARTLESS)
        return tabs[name]

    return opened


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A new tab in the shared context: a new Streamlit session."""
    tab = context.new_page()
    yield tab
    tab.close()


def churn_slider(page: Page) -> Locator:
    """The sidebar's monthly churn slider thumb (widget key ``churn_pct``)."""
    return page.locator(".st-key-sidebar_churn_pct").get_by_role("slider")


def slider_values(page: Page) -> dict[str, str]:
    """Every sidebar slider's control key and shown value (``aria-valuetext``).

    The "Advanced model" sliders live in a collapsed expander whose content a
    new page does not draw until it opens, so they are left out.
    """
    shown: dict[str, str] = page.evaluate(SLIDER_VALUES_JS)
    values = {
        key: value
        for widget, value in shown.items()
        if (key := widget.removeprefix("sidebar_")) in controls.CONTROL_BY_KEY
        and not controls.CONTROL_BY_KEY[key].advanced
    }
    assert values, "no keyed slider on the page"
    return values


def expect_sliders(page: Page, values: dict[str, str]) -> None:
    """Wait for, then assert, each sidebar slider (by control key) showing its value."""
    for key, value in values.items():
        expect(page.locator(f".st-key-{widget_key(key)}").get_by_role("slider")).to_have_attribute(
            "aria-valuetext", value
        )


def metric_values(page: Page) -> list[str]:
    """The text of every metric card's value."""
    return page.locator(METRIC_VALUE).all_inner_texts()


def press_and_wait(page: Page, slider: Locator, key: str = "ArrowRight") -> None:
    """Press ``key`` on ``slider`` and wait for the rerun it causes to finish.

    The app writes the scenario into the address when a slider moves, and it
    does so while the rerun is under way; so a changed address followed by
    an idle app means this press's rerun is complete.
    """
    before = page.url
    slider.focus()
    page.keyboard.press(key)
    page.wait_for_function("(before) => window.location.href !== before", arg=before)
    wait_for_idle(page)


def assert_no_error_box(page: Page) -> None:
    """No exception, no st.error box and no modal (such as Streamlit's "Page not found")."""
    for box in (page.locator(EXCEPTION), page.locator(ERROR_ALERT), page.get_by_role("dialog")):
        assert box.count() == 0, box.first.inner_text()


def test_a_link_to_a_page_of_a_freshly_started_server_opens_it_with_the_sidebar(page: Page) -> None:
    # Until some run calls st.navigation, Streamlit serves a pages/ folder in
    # its legacy mode, without app.py; a shared link is often a server's first
    # request, so this needs a server of its own.
    with StreamlitServer(ROOT / "app.py") as fresh:
        page.goto(f"{fresh.url}/leaky-bucket?churn_pct=4.5", wait_until="commit")
        # From the first paint: never Streamlit's own list of file names, never "Page not found".
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0, "the raw page list showed"
            assert page.get_by_role("dialog").count() == 0, page.get_by_role("dialog").first.inner_text()
            if page.locator(f"{PLOTLY_CHART} .main-svg").count():
                break
            page.wait_for_timeout(250)
        wait_for_idle(page)
        page.wait_for_selector(f"{PLOTLY_CHART} .main-svg", state="attached")

        assert urlsplit(page.url).path == "/leaky-bucket"
        expect(churn_slider(page)).to_have_attribute("aria-valuetext", f"{4.5:.{SHOWN_DECIMALS}f}")
        links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').all_inner_texts()
        assert any("Leaky bucket" in text for text in links)
        assert any("Biggest lever" in text for text in links)
        assert not any("leaky-bucket" in text or "biggest_lever" in text for text in links)
        assert_no_error_box(page)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_loads_offline_without_an_error_box(
    app_page: Callable[[str], Page], requested_urls: list[str], name: str
) -> None:
    page = app_page(name)

    assert_no_error_box(page)
    assert urlsplit(page.url).path in PATHS[name]
    outside = [url for url in requested_urls if urlsplit(url).hostname not in ("127.0.0.1", None, "")]
    assert outside == [], "the app must work offline"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


@pytest.mark.parametrize("name", SLIDER_PAGES)
def test_moving_the_churn_slider_updates_a_card_and_a_chart(
    app_page: Callable[[str], Page], name: str
) -> None:
    page = app_page(name)
    cards_before = metric_values(page)
    charts_before = page.evaluate(CHARTS_DATA_JS)
    value_before = churn_slider(page).get_attribute("aria-valuetext")

    # PageUp: a move big enough to show in cards rounded to 0.1 point.
    press_and_wait(page, churn_slider(page), "PageUp")

    expect(churn_slider(page)).not_to_have_attribute("aria-valuetext", str(value_before))
    expect(page.locator(METRIC_VALUE)).not_to_have_text(cards_before)
    page.wait_for_function(CHARTS_CHANGED_JS, arg=charts_before)
    assert page.evaluate(CHARTS_DATA_JS) != charts_before
    assert_no_error_box(page)


def test_a_new_amount_in_the_calculator_updates_its_cards_and_chart(
    app_page: Callable[[str], Page],
) -> None:
    page = app_page("calculator")
    cards_before = metric_values(page)
    charts_before = page.evaluate(CHARTS_DATA_JS)
    churned = page.locator(".st-key-calc_churned input")

    churned.fill("5000")
    churned.press("Enter")

    expect(page.locator(METRIC_VALUE)).not_to_have_text(cards_before)
    page.wait_for_function(CHARTS_CHANGED_JS, arg=charts_before)
    wait_for_idle(page)
    assert_no_error_box(page)


def test_a_copied_link_reopens_the_same_scenario_on_the_same_page(
    app_page: Callable[[str], Page], browser: Browser
) -> None:
    page = app_page("leaky-bucket")
    for _ in range(2):
        press_and_wait(page, churn_slider(page))
    press_and_wait(page, page.locator(".st-key-sidebar_expansion_pct").get_by_role("slider"), "ArrowLeft")
    link, sliders, cards = page.url, slider_values(page), metric_values(page)

    with browser.new_context(viewport=VIEWPORT) as elsewhere:
        reopened = elsewhere.new_page()
        open_page(reopened, link)

        assert urlsplit(reopened.url).path == "/leaky-bucket"
        expect_sliders(reopened, sliders)
        expect(reopened.locator(METRIC_VALUE)).to_have_text(cards)
        assert_no_error_box(reopened)


def test_a_tampered_link_shows_a_notice_and_falls_back_to_defaults(
    server: StreamlitServer, page: Page
) -> None:
    open_page(page, f"{server.url}/compounding?churn_pct=abc&expansion_pct=9")

    expect(page.locator(WARNING_NOTICE).first).to_be_visible()
    expect_sliders(
        page, {key: f"{DEFAULTS[key]:.{SHOWN_DECIMALS}f}" for key in ("churn_pct", "expansion_pct")}
    )
    assert_no_error_box(page)


def test_the_sample_data_draws_the_cohort_heatmap_without_an_error_box(
    server: StreamlitServer, page: Page
) -> None:
    open_page(page, f"{server.url}/know-your-number", charts=False)

    page.get_by_role("button", name="Load the sample data").click()

    page.wait_for_selector(f"{PLOTLY_CHART} .heatmaplayer", state="attached")
    wait_for_idle(page)
    assert_no_error_box(page)
    page.mouse.move(0, 0)  # no tooltip in the screenshot, from hover or from the clicked button's focus
    page.evaluate("document.activeElement && document.activeElement.blur()")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "know-your-number.png")


def test_presenter_mode_steps_through_every_slide_at_1280_by_720_without_the_sidebar(
    server: StreamlitServer, browser: Browser
) -> None:
    # A projector's screen: each slide must fit 1280x720; the screenshots are for review.
    with browser.new_context(viewport={"width": 1280, "height": 720}) as room:
        page = room.new_page()
        open_page(page, f"{server.url}/present?slide=1&churn_pct=2.5")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

        for number, slide in enumerate(SLIDES, start=1):
            expect(page.get_by_role("heading", level=1)).to_have_text(slide.title)
            page.wait_for_selector(f"{PLOTLY_CHART} .main-svg", state="attached")
            wait_for_idle(page)
            assert parse_qs(urlsplit(page.url).query)["slide"] == [str(number)]
            assert parse_qs(urlsplit(page.url).query)["churn_pct"] == ["2.5"]
            expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
            assert_no_error_box(page)
            page.mouse.move(0, 0)  # no tooltip in the screenshot
            page.screenshot(path=SCREENSHOTS / f"present-{number}.png")
            if number < len(SLIDES):
                page.get_by_role("button", name="Next →").click()
                page.wait_for_function("(n) => location.search.includes(`slide=${n}`)", arg=number + 1)

        page.get_by_role("button", name="← Back").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(SLIDES[-2].title)
        assert_no_error_box(page)


#: Where the presenter stood when a key did not move it: the address, the slide, the run, the focus.
STATE_FOR_A_FAILURE_JS = """
() => ({url: location.search.slice(-40), title: (document.querySelector('h1') || {}).textContent,
  script: document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state'),
  next: !!document.querySelector('.st-key-present_next button'),
  disabled: (document.querySelector('.st-key-present_next button') || {}).disabled,
  presses: window.__nrrPresenterPresses, clicks: window.__nrrPresenterClicks, hasFocus: document.hasFocus(),
  focus: document.activeElement && document.activeElement.tagName})
"""


def test_a_clickers_keys_step_the_presenter_back_and_forth(server: StreamlitServer, browser: Browser) -> None:
    """A presentation clicker sends →/PageDown/Space forward and ←/PageUp back."""
    with browser.new_context(viewport={"width": 1280, "height": 720}) as room:
        page = room.new_page()
        open_page(page, f"{server.url}/present?slide=1", charts=False)
        page.wait_for_function("() => window.__nrrPresenterKeys === true")  # the keys are listened to
        # The page itself has focus, as when a presenter has clicked on the slide: no button, no chart
        # (a click on a chart still being drawn can land anywhere).
        page.bring_to_front()  # the tab a presenter looks at: key presses go to it
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        for key, slide in (("ArrowRight", 2), ("PageDown", 3), (" ", 4), ("ArrowLeft", 3), ("PageUp", 2)):
            wait_for_idle(page)
            page.keyboard.press(key)
            try:
                page.wait_for_function("(n) => location.search.includes(`slide=${n}`)", arg=slide)
            except PlaywrightTimeoutError:  # say where it stood, for whoever reads the failure
                state = page.evaluate(STATE_FOR_A_FAILURE_JS)
                raise AssertionError(f"{key!r} did not open slide {slide}: {state}") from None
            expect(page.get_by_role("heading", level=1)).to_have_text(SLIDES[slide - 1].title)
            wait_for_idle(page)
        assert_no_error_box(page)


def test_a_comparison_link_opens_the_overlaid_charts_in_a_new_session(
    server: StreamlitServer, page: Page
) -> None:
    # Made here as the page makes it: base, plan and downside of the default scenario.
    base = scenario_from_values(DEFAULTS)
    compared = {kind: variant(base, kind) for kind in ("Base", "Plan", "Downside")}
    open_page(page, f"{server.url}/scenarios?compare={link_text(compared)}")

    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'), (gd) => gd.data)"
        ".filter(Boolean).length === 3"
    )
    wait_for_idle(page)
    traces = page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot'), (gd) => gd.data.map((t) => t.name))"
    )
    assert traces == [list(compared)] * 3  # MRR, NRR and GRR, each with the three scenarios overlaid
    assert parse_qs(urlsplit(page.url).query)["compare"] == [link_text(compared)]
    assert_no_error_box(page)
    page.mouse.move(0, 0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "scenarios.png")


def test_the_html_report_downloads_with_the_scenarios_figures_and_opens_offline(
    server: StreamlitServer, page: Page, browser: Browser, tmp_path: Path
) -> None:
    open_page(
        page,
        f"{server.url}/downloads?churn_pct=2.5&contraction_pct=1&expansion_pct=6&ceiling_on=0",
        charts=False,
    )
    assert_no_error_box(page)
    with page.expect_download() as download:
        page.locator(".st-key-export_html").get_by_role("button").click()
    saved = tmp_path / "report.html"
    download.value.save_as(saved)
    report = saved.read_text(encoding="utf-8")
    assert pct(1.025**12) in report  # 2.5% churn, 1% contraction, 6% expansion: 102.5% a month
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "export.png")
    # The report stands alone: opened from a file, it asks nothing of any server.
    with browser.new_context(viewport=VIEWPORT) as offline:
        reader = offline.new_page()
        outside: list[str] = []
        reader.on("request", lambda request: request.url.startswith("http") and outside.append(request.url))
        reader.goto(saved.as_uri(), wait_until="load")
        assert reader.evaluate("document.querySelectorAll('.js-plotly-plot').length") > 0
        assert outside == []
