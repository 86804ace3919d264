"""A scenario survives every trip through the app, in a real browser.

Streamlit forgets a widget's value after a run that does not draw it, and the
presenter draws no sidebar; AppTest keeps the values where the browser does
not, so these trips run in Debian's chromium against a live server. Each trip
opens a scenario link in a new session, goes somewhere (sidebar links, the
presenter and its way out, the browser's Back and Forward, a reload, a deep
link), and after every step the address holds the scenario exactly and the
sidebar's controls show it. Every trip ends with one more click to another
page, since a sidebar shown at the wrong values writes them on the next click.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser import PAGE_TITLE, ROOT, VIEWPORT, StreamlitServer, open_page, wait_for_idle
from ui.state.address import VIEW_PARAMS, query_from_values, values_from_query
from ui.state.session import widget_key

pytestmark = pytest.mark.browser

#: The scenario every trip starts from: the issue's rates, and controls away from their defaults
#: (a start, a horizon, a currency, the ARR view, an expansion ceiling, a CAC).
START = {
    "churn_pct": "2.5",
    "contraction_pct": "1",
    "expansion_pct": "3",
    "starting_mrr": "250000",
    "months": "48",
    "currency": "€",
    "revenue": "ARR",
    "ceiling_on": "1",
    "ceiling_x": "4",
    "cac": "6000",
}
#: Page titles as the sidebar links them, by address.
TITLES = {
    "home": "Start here",
    "calculator": "NRR calculator",
    "compounding": "NRR compounding",
    "leaky-bucket": "Leaky bucket",
    "biggest-lever": "Biggest lever",
    "uncertainty": "Uncertainty",
    "unit-economics": "Unit economics",
    "know-your-number": "Know your number",
    "scenarios": "Scenarios",
    "present": "Present",
    "downloads": "Downloads",
}
#: The address's scenario without a page's own view parameters, in a comparable form.
SCENARIO_IN_ADDRESS_JS = f"""
() => {{
  const params = new URLSearchParams(window.location.search);
  for (const view of {json.dumps(list(VIEW_PARAMS))}) {{ params.delete(view); }}
  return JSON.stringify(Array.from(params.entries()).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}}
"""


def canonical(query: dict[str, str]) -> str:
    """What :data:`SCENARIO_IN_ADDRESS_JS` returns for ``query``."""
    return json.dumps(sorted(query.items()), separators=(",", ":"), ensure_ascii=False)


@dataclass
class Trip:
    """A browser tab on a trip: where it is, and what the sidebar and address must show."""

    page: Page
    url: str
    values: dict[str, object]
    steps: list[str] = field(default_factory=list)

    def expected_query(self) -> dict[str, str]:
        return query_from_values(self.values)

    def where(self) -> str:
        return f"after {' → '.join(self.steps)} (at {urlsplit(self.page.url).path})"

    def settle(self, before: str | None, *, path: str | None = None) -> None:
        """Wait for the step to land: the address changed (unless a reload), the page drawn, the run over."""
        if before is not None:
            self.page.wait_for_function("(before) => window.location.href !== before", arg=before)
        if path is not None:
            self.page.wait_for_function("(path) => window.location.pathname === path", arg=path)
        marker = ".st-key-present_next" if urlsplit(self.page.url).path == "/present" else PAGE_TITLE
        self.page.wait_for_selector(marker, state="attached")
        wait_for_idle(self.page)

    def check(self) -> None:
        """The address holds the scenario exactly; the sidebar's controls (when drawn) show it."""
        wanted = canonical(self.expected_query())
        try:
            self.page.wait_for_function(f"(wanted) => ({SCENARIO_IN_ADDRESS_JS})() === wanted", arg=wanted)
        except PlaywrightTimeoutError:
            shown = dict(json.loads(self.page.evaluate(SCENARIO_IN_ADDRESS_JS)))
            wrong = {
                key: (shown.get(key), value)
                for key, value in {**self.expected_query(), **shown}.items()
                if shown.get(key) != self.expected_query().get(key)
            }
            pytest.fail(f"the address lost the scenario {self.where()}: (shown, wanted) {wrong}")
        if urlsplit(self.page.url).path == "/present":
            return
        shown_as = {
            "churn_pct": f"{self.values['churn_pct']:.2f}",
            "contraction_pct": f"{self.values['contraction_pct']:.2f}",
            "expansion_pct": f"{self.values['expansion_pct']:.2f}",
            "months": str(self.values["months"]),
        }
        for key, text in shown_as.items():
            slider = self.page.locator(f".st-key-{widget_key(key)}").get_by_role("slider")
            expect(slider, f"the sidebar's {key} {self.where()}").to_have_attribute("aria-valuetext", text)
        starting = self.page.locator(f".st-key-{widget_key('starting_mrr')} input")
        expect(starting, f"the sidebar's starting MRR {self.where()}").to_have_value(
            str(self.values["starting_mrr"])
        )

    def step(self, name: str, action: Callable[[], None], *, path: str | None = None) -> None:
        before = self.page.url
        action()
        self.steps.append(name)
        self.settle(None if name == "reload" else before, path=path)
        self.check()

    # The steps a person takes.
    def link(self, address: str) -> None:
        self.step(
            f"link to {address}",
            lambda: self.page.get_by_role("link", name=TITLES[address], exact=True).click(),
            path="/" if address == "home" else f"/{address}",
        )

    def present(self) -> None:
        self.link("present")

    def next_slide(self) -> None:
        self.step("Next", lambda: self.page.get_by_role("button", name="Next →").click())

    def exit_presenter(self, *, to: str) -> None:
        self.step(
            "Exit presenter",
            lambda: self.page.get_by_role("link", name="Exit presenter").click(),
            path=f"/{to}",
        )

    def back(self, *, to: str) -> None:
        self.step("Back", self.page.go_back, path=f"/{to}")

    def forward(self, *, to: str) -> None:
        self.step("Forward", self.page.go_forward, path=f"/{to}")

    def reload(self) -> None:
        self.step("reload", self.page.reload)

    def move_churn(self) -> None:
        """One press of → on the churn slider: 0.05 point more."""
        slider = self.page.locator(f".st-key-{widget_key('churn_pct')}").get_by_role("slider")
        self.values["churn_pct"] = round(float(self.values["churn_pct"]) + 0.05, 4)  # type: ignore[arg-type]

        def press() -> None:
            slider.focus()
            self.page.keyboard.press("ArrowRight")

        self.step("churn +0.05", press)

    def one_more_click(self) -> None:
        """Another page, by its sidebar link (from the presenter, by its way out first)."""
        if urlsplit(self.page.url).path == "/present":
            self.exit_presenter(to=self.last_page())
        here = urlsplit(self.page.url).path.strip("/")
        self.link("downloads" if here != "downloads" else "leaky-bucket")

    def last_page(self) -> str:
        pages = [s.removeprefix("link to ") for s in self.steps if s.startswith("link to ")]
        before = [p for p in pages if p != "present"]
        return before[-1] if before else "compounding"


@pytest.fixture(scope="module")
def server(browser: Browser) -> Iterator[StreamlitServer]:
    """The app, past a first visitor (a fresh server's first run has a test of its own)."""
    with StreamlitServer(ROOT / "app.py") as running:
        first = browser.new_page()
        open_page(first, f"{running.url}/", charts=False)
        first.close()
        yield running


@pytest.fixture
def start(server: StreamlitServer, browser: Browser) -> Iterator[Callable[[str], Trip]]:
    """A new session on a page (by address) of the scenario link, checked once it is drawn."""
    contexts = []

    def opened(address: str) -> Trip:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        url = f"{server.url}/{address}?{urlencode(START)}"
        values, notice = values_from_query(dict(parse_qsl(urlencode(START))))
        assert notice is None, notice
        open_page(page, url, charts=False)
        trip = Trip(page, server.url, values, [f"open /{address}"])
        trip.settle(None)
        trip.check()
        return trip

    yield opened
    for context in contexts:
        context.close()


def test_every_page_by_its_sidebar_link_keeps_the_scenario(start: Callable[[str], Trip]) -> None:
    trip = start("compounding")
    for address in TITLES:
        if address not in ("compounding", "present"):
            trip.link(address)
    trip.link("compounding")


def test_present_then_exit_presenter_keeps_the_scenario(start: Callable[[str], Trip]) -> None:
    trip = start("compounding")
    trip.present()
    trip.exit_presenter(to="compounding")
    trip.one_more_click()


def test_every_slide_then_exit_presenter_returns_to_the_page_it_left(start: Callable[[str], Trip]) -> None:
    trip = start("leaky-bucket")
    trip.present()
    for _ in range(3):
        trip.next_slide()
    trip.exit_presenter(to="leaky-bucket")
    trip.one_more_click()


def test_present_then_back_keeps_the_scenario(start: Callable[[str], Trip]) -> None:
    trip = start("compounding")
    trip.present()
    trip.back(to="compounding")
    trip.one_more_click()


def test_back_and_forward_through_the_presenter_keep_the_scenario(start: Callable[[str], Trip]) -> None:
    trip = start("compounding")
    trip.link("leaky-bucket")
    trip.present()
    trip.next_slide()
    trip.back(to="leaky-bucket")
    trip.back(to="compounding")
    trip.forward(to="leaky-bucket")
    trip.forward(to="present")
    trip.exit_presenter(to="leaky-bucket")
    trip.one_more_click()


def test_a_reload_in_the_presenter_and_on_a_page_keeps_the_scenario(start: Callable[[str], Trip]) -> None:
    trip = start("biggest-lever")
    trip.reload()
    trip.present()
    trip.reload()  # a new session, which has not seen where the presentation came from
    trip.exit_presenter(to="compounding")
    trip.one_more_click()


def test_a_deep_link_into_the_presenter_keeps_the_scenario_on_the_way_out(
    start: Callable[[str], Trip],
) -> None:
    trip = start("present")
    trip.next_slide()
    trip.exit_presenter(to="compounding")
    trip.one_more_click()


def test_a_move_on_one_page_is_still_there_after_back_and_forward(start: Callable[[str], Trip]) -> None:
    trip = start("compounding")
    trip.link("unit-economics")
    trip.move_churn()
    trip.back(to="compounding")
    trip.forward(to="unit-economics")
    trip.present()
    trip.back(to="unit-economics")
    trip.one_more_click()
