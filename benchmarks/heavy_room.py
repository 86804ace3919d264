"""Twenty heavy sessions at once on one server: its memory before, during and 60 s after, and a light
visitor's wait among them.

``make room-heavy`` (or ``python -m benchmarks.heavy_room``) starts the app on 127.0.0.1 and a free
port as its own process, and opens ``SESSIONS`` headless chromium sessions at once (one browser, a
context each, so a Streamlit session each). ``UPLOADS`` of them upload, on Know your number, an
export of ``UPLOAD_CUSTOMERS`` customers paying in two months two years apart (43 MB); every other
one opens a comparison link of its own on Scenarios: four scenarios of 600 months with
``SEGMENTS`` segments (six: the heaviest a link can carry; two: the heaviest the app still opens),
fifty initiatives and every refinement (one field differs per session, so no cache helps).

While they open, a light visitor opens the compounding page on the defaults every
:data:`LIGHT_EVERY_SECONDS` (the first :data:`LIGHT_AFTER_SECONDS` after them), and its waits for
the first chart are set beside the same visit on the idle server. The first visits share the two
cores with twenty tabs loading Streamlit's frontend in the same chromium; the later ones, with the
server's work alone. Then every session closes, and the server's memory is read again
``AFTER_SECONDS`` later.

It prints one table: each session's time to its page (median, slowest), links refused, errors
(exception boxes, uncaught page errors, requests off the loopback), the light visitor's waits, and
the server's resident memory (``VmRSS``, with its child processes) before, at its peak during, once
every session has its page, and ``AFTER_SECONDS`` after they all closed.
"""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from benchmarks.room import ROOM_ARGS, _watch, resident_kb
from simulator.levers import PLAN_FIELDS
from simulator.scenario import Initiative, Scenario, Segment
from tests.browser import (
    APP_IDLE,
    CHROMIUM,
    CHROMIUM_MISSING,
    ERROR_ALERT,
    EXCEPTION,
    PLOTLY_CHART,
    ROOT,
    StreamlitServer,
    chromium_available,
)
from ui.actuals.uploads import UPLOAD_KEY
from ui.scenarios.link import COMPARE_PARAM, link_text
from ui.state.address import query_from_values
from ui.state.controls import defaults

APP = ROOT / "app.py"
SESSIONS = int(os.environ.get("ROOM_SESSIONS", "20"))
UPLOADS = int(os.environ.get("ROOM_UPLOADS", "4"))
UPLOAD_CUSTOMERS = int(os.environ.get("ROOM_UPLOAD_CUSTOMERS", "1200000"))
AFTER_SECONDS = float(os.environ.get("ROOM_AFTER_SECONDS", "60"))
#: Segments of each linked scenario: 6, the most, makes links the app refuses to open (too much work);
#: 2 makes the heaviest links it opens.
SEGMENTS = int(os.environ.get("ROOM_SEGMENTS", "6"))
OPEN_TIMEOUT_MS = 600_000
WARNING_ALERT = '[data-testid="stAlertContentWarning"]'
VIEWPORT = {"width": 1280, "height": 800}
#: When the first light visitor comes, after the heavy sessions started opening, and how often another
#: comes until every heavy session has its page.
LIGHT_AFTER_SECONDS = 5.0
LIGHT_EVERY_SECONDS = 20.0


@dataclass
class Tab:
    """What one session saw."""

    number: int
    seconds: float = float("nan")
    refused: bool = False
    errors: list[str] = field(default_factory=list)
    probes: int = 0


def heavy_scenario(variant: int) -> Scenario:
    """The heaviest scenario a link carries: 600 months, :data:`SEGMENTS` segments (six at most),
    fifty initiatives, every refinement; ``variant`` moves its churn so that no two sessions share a
    cached result."""
    share = [1 / SEGMENTS] * (SEGMENTS - 1)
    share.append(1 - sum(share))
    segments = tuple(
        Segment(f"S{i}", 0.02 + 0.001 * i, 0.005, 0.03, share[i], share[i], 500.0 * (i + 1))
        for i in range(SEGMENTS)
    )
    plan = tuple(
        Initiative(f"I{i}", PLAN_FIELDS[i % len(PLAN_FIELDS)], 0.001 if i % 2 else -0.001, start_month=1 + i)
        for i in range(50)
    )
    return Scenario(
        starting_mrr=1_000_000.0,
        starting_customers=1_000.0,
        churn_rate=0.02 + 0.0001 * variant,
        contraction_rate=0.01,
        expansion_rate=0.03,
        new_customers_per_month=100.0,
        acquisition_growth_rate=0.01,
        new_customer_mrr=500.0,
        months=600,
        segments=segments,
        early_churn_multiple=3.0,
        early_churn_months=12,
        involuntary_churn_share=0.3,
        involuntary_recovery_rate=0.5,
        annual_plan_share=0.3,
        expansion_ceiling=3.0,
        initiatives=plan,
    )


def heavy_link(server: StreamlitServer, variant: int) -> str:
    base = heavy_scenario(variant)
    compared = {f"Plan {n}": base.replace(churn_rate=base.churn_rate + 0.002 * n) for n in range(4)}
    return f"{server.url}/scenarios?{urlencode({COMPARE_PARAM: link_text(compared)})}"


def write_export(path: Path, customers: int) -> None:
    """Each customer pays in January 2022 and in January 2024: two months, two years apart."""
    with path.open("w") as out:
        out.write("customer_id,month,mrr\n")
        block = 100_000
        for start in range(0, customers, block):
            rows = range(start, min(start + block, customers))
            out.write("".join(f"c{i},2022-01,1\nc{i},2024-01,1\n" for i in rows))


async def _idle(page: Page, *, charts: bool) -> None:
    await page.wait_for_selector(APP_IDLE, state="attached", timeout=OPEN_TIMEOUT_MS)
    if charts:
        await page.wait_for_selector(f"{PLOTLY_CHART} .main-svg", state="attached", timeout=OPEN_TIMEOUT_MS)


async def _errors(page: Page, tab: Tab) -> None:
    boxes = await page.locator(f"{EXCEPTION}, {ERROR_ALERT}").count()
    if boxes:
        texts = await page.locator(f"{EXCEPTION}, {ERROR_ALERT}").all_inner_texts()
        tab.errors.append(f"{boxes} exception or error box(es): {' | '.join(texts)[:200]}")


async def _heavy(browser: Browser, link: str, export: Path | None, tab: Tab, closing: asyncio.Event) -> None:
    """Open the heavy link, or Know your number and upload the export; record the time to the page
    (its first chart, or an error); close on ``closing``."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    _watch(page, tab)  # type: ignore[arg-type]
    started = time.monotonic()
    # The page drawn: its first chart, or a message (an error, or the notice of a link refused).
    drawn = f"{PLOTLY_CHART} .main-svg, {ERROR_ALERT}, {EXCEPTION}, {WARNING_ALERT}"
    try:
        await page.goto(link, wait_until="domcontentloaded", timeout=OPEN_TIMEOUT_MS)
        await _idle(page, charts=False)
        if export is not None:
            await page.locator(f".st-key-{UPLOAD_KEY} input[type='file']").set_input_files(
                str(export), timeout=OPEN_TIMEOUT_MS
            )
        await page.wait_for_selector(drawn, state="attached", timeout=OPEN_TIMEOUT_MS)
        await _idle(page, charts=False)
        tab.seconds = time.monotonic() - started
        tab.refused = await page.locator(WARNING_ALERT).filter(has_text="could not be opened").count() > 0
        await _errors(page, tab)
    except PlaywrightError as error:
        tab.errors.append(f"did not open: {str(error).splitlines()[0]}")
    await closing.wait()
    await context.close()


async def _light(browser: Browser, link: str) -> float:
    """A light visitor: the compounding page on the defaults, seconds to its first chart."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    started = time.monotonic()
    await page.goto(link, wait_until="domcontentloaded", timeout=OPEN_TIMEOUT_MS)
    await _idle(page, charts=True)
    seconds = time.monotonic() - started
    await context.close()
    return seconds


async def _sample(pid: int, peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], resident_kb(pid))
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
        except TimeoutError:
            continue


async def _room(server: StreamlitServer, export: Path) -> dict[str, object]:
    pid = server.process.pid  # type: ignore[union-attr]
    light_link = f"{server.url}/compounding?{urlencode(query_from_values(defaults()))}"
    upload_link = f"{server.url}/know-your-number"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ROOM_ARGS)
        try:
            await _light(browser, light_link)  # warms the server's first run
            light_alone = await _light(browser, light_link)
            before = resident_kb(pid)
            tabs = [Tab(n) for n in range(SESSIONS)]
            closing, stop = asyncio.Event(), asyncio.Event()
            peak = [before]
            sampler = asyncio.create_task(_sample(pid, peak, stop))
            began = time.monotonic()
            runners = [
                asyncio.create_task(
                    _heavy(
                        browser,
                        upload_link if tab.number < UPLOADS else heavy_link(server, tab.number),
                        export if tab.number < UPLOADS else None,
                        tab,
                        closing,
                    )
                )
                for tab in tabs
            ]
            await asyncio.sleep(LIGHT_AFTER_SECONDS)
            light_in_room = []
            while any(math.isnan(tab.seconds) and not tab.errors for tab in tabs):
                visited = time.monotonic()
                light_in_room.append(await _light(browser, light_link))
                await asyncio.sleep(max(0.0, LIGHT_EVERY_SECONDS - (time.monotonic() - visited)))
            all_open = time.monotonic() - began
            opened = resident_kb(pid)
            closing.set()
            await asyncio.gather(*runners)
        finally:
            await browser.close()
        closed = time.monotonic()
        await asyncio.sleep(AFTER_SECONDS)
        after = resident_kb(pid)
        stop.set()
        await sampler
    return {
        "tabs": tabs,
        "before": before,
        "peak": peak[0],
        "opened": opened,
        "after": after,
        "all_open": all_open,
        "light_alone": light_alone,
        "light_in_room": light_in_room,
        "waited_after": time.monotonic() - closed,
    }


def main() -> int:
    """Print the figures; exit status 1 on errors."""
    if not chromium_available():
        print(f"room-heavy: skipped, {CHROMIUM_MISSING}")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.csv"
        write_export(export, UPLOAD_CUSTOMERS)
        size = export.stat().st_size
        with StreamlitServer(APP, timeout=60) as server:
            result = asyncio.run(_room(server, export))
    tabs: list[Tab] = result["tabs"]  # type: ignore[assignment]
    light: list[float] = result["light_in_room"]  # type: ignore[assignment]
    times = [tab.seconds for tab in tabs if not math.isnan(tab.seconds)]
    errors = [error for tab in tabs for error in tab.errors]
    mb = {key: int(result[key]) / 1024 for key in ("before", "peak", "opened", "after")}  # type: ignore[call-overload]
    print(
        f"Heavy sessions at once on one server ({os.cpu_count()} cores): {SESSIONS - UPLOADS} comparison "
        f"links of 4 scenarios x 600 months, {SEGMENTS} segments, 50 initiatives, and {UPLOADS} uploads of a "
        f"{size / 1e6:.0f} MB export ({UPLOAD_CUSTOMERS:,} customers)"
    )
    rows = [
        ("sessions with their page", f"{len(times)} of {SESSIONS}, all in {result['all_open']:.0f} s"),
        ("links refused as too much work", f"{sum(tab.refused for tab in tabs)}"),
        ("time to the page, median", f"{statistics.median(times):.1f} s" if times else "-"),
        ("time to the page, slowest", f"{max(times):.1f} s" if times else "-"),
        ("errors", f"{len(errors)}"),
        ("light visitor alone", f"{result['light_alone']:.1f} s to the first chart"),
        (
            "light visitors among them",
            f"median {statistics.median(light):.1f} s, slowest {max(light):.1f} s to the first chart "
            f"({len(light)} visits, one every {LIGHT_EVERY_SECONDS:.0f} s while heavy sessions open)",
        ),
        ("server memory before", f"{mb['before']:.0f} MB (VmRSS, with child processes)"),
        ("server memory, peak during", f"{mb['peak']:.0f} MB"),
        ("server memory, every page open", f"{mb['opened']:.0f} MB"),
        (f"server memory, {AFTER_SECONDS:.0f} s after closing", f"{mb['after']:.0f} MB"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
