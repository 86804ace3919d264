"""A room at once: ten people open the same link and move sliders together, on one server.

``make room`` (or ``python -m benchmarks.room``) starts the app on 127.0.0.1
and a free port as its own process, opens ``SESSIONS`` tabs of one headless
Debian chromium (each in its own browser context, so its own Streamlit
session) on the same shared link, and has every tab move the sidebar's
sliders for ``DURATION`` seconds: a key press on a slider, wait until the
page's charts are redrawn, a pause of ``PAUSE`` seconds as a person would
take, and again. The loop stops by itself at the deadline; every wait has a
timeout. The server is stopped by its process id at the end.

Before the room, on the same server, one person alone does the same
(``SINGLE_SECONDS``, tab 0's moves and pauses): the room's 95th percentile
is printed as a ratio to that one person's (target: at most 2 times).

It prints one table:

errors
    Exception boxes and error alerts on the pages, uncaught page errors,
    failed requests, HTTP responses of 400 and more, requests to anything but
    127.0.0.1, and moves whose redraw never came (target: none).
slider move → chart redrawn
    Median and 95th percentile over every move of every tab, measured inside
    the page as ``benchmarks/app_bench.py`` does (``_REDRAW_PROBE``: from the
    key press to the last chart change before the script goes idle); the
    same for the one person alone, and the ratio of the two 95th percentiles.
server memory
    Resident memory (``VmRSS``) of the server process and its children, read
    from ``/proc`` before the tabs open and after the minute (tabs still open).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import numpy as np
from playwright.async_api import Browser, Page, Response, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from benchmarks.app_bench import _REDRAW_PROBE, SETTLE_MS
from tests.browser import (
    APP_IDLE,
    CHROMIUM,
    CHROMIUM_ARGS,
    CHROMIUM_MISSING,
    ERROR_ALERT,
    EXCEPTION,
    PLOTLY_CHART,
    ROOT,
    StreamlitServer,
    chromium_available,
)
from ui.state.address import query_from_values
from ui.state.controls import defaults

APP = ROOT / "app.py"
SESSIONS = int(os.environ.get("ROOM_SESSIONS", "10"))
DURATION = float(os.environ.get("ROOM_SECONDS", "60"))
#: How long one person alone moves sliders first, on the same server.
SINGLE_SECONDS = float(os.environ.get("ROOM_SINGLE_SECONDS", "20"))
#: The room's 95th percentile, at most this many times one person's.
P95_TARGET = 2.0
#: A person's pause between two slider moves, in seconds (uniform).
PAUSE = (0.3, 1.2)
OPEN_TIMEOUT_MS = 90_000
REDRAW_TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1280, "height": 800}
#: The shared link: the compounding page (three charts) on a scenario of its own.
PAGE = "compounding"
LINK_VALUES = {**defaults(), "churn_pct": 2.5, "expansion_pct": 4.0, "new_customers": 8}
#: The sliders the room moves, with the direction that keeps each inside its range.
SLIDERS = ("sidebar_churn_pct", "sidebar_contraction_pct", "sidebar_expansion_pct")
SEED = 20
#: Streamlit's frontend, opened on a page's address, first looks for its
#: endpoints under that path (``/compounding/_stcore/health``), gets 404 and
#: falls back to the root: part of its base-path discovery, counted apart.
_BASE_PATH_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")
#: Ten tabs share one browser, and only one can be in front: without these,
#: chromium throttles the timers and animation frames of the others.
ROOM_ARGS = [
    *CHROMIUM_ARGS,
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
]


@dataclass
class Tab:
    """What one tab saw."""

    number: int
    redraw_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    probes: int = 0


def resident_kb(pid: int) -> int:
    """VmRSS of a process and all its descendants, in kB (0 for a process that is gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pending.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return total


def _watch(page: Page, tab: Tab) -> None:
    """Record page errors, failed requests, error responses and any request off the loopback."""
    page.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
    page.on(
        "requestfailed",
        lambda request: tab.errors.append(f"request failed: {request.url[:80]} ({request.failure})"),
    )

    def check_response(response: Response) -> None:
        if response.status < 400:
            return
        if response.status == 404 and _BASE_PATH_PROBE.search(urlsplit(response.url).path):
            tab.probes += 1
            return
        tab.errors.append(f"HTTP {response.status}: {response.url[:80]}")

    page.on("response", check_response)

    def check_host(request: object) -> None:
        url = str(getattr(request, "url", ""))
        host = urlsplit(url).hostname
        if url.startswith(("http:", "https:", "ws:", "wss:")) and host != "127.0.0.1":
            tab.errors.append(f"outside request: {url[:80]}")

    page.on("request", check_host)


async def _error_boxes(page: Page) -> int:
    return await page.locator(f"{EXCEPTION}, {ERROR_ALERT}").count()


async def _open(page: Page, link: str) -> None:
    await page.goto(link, wait_until="domcontentloaded", timeout=OPEN_TIMEOUT_MS)
    await page.wait_for_selector(APP_IDLE, state="attached", timeout=OPEN_TIMEOUT_MS)
    await page.wait_for_selector(f"{PLOTLY_CHART} .main-svg", state="attached", timeout=OPEN_TIMEOUT_MS)


async def _has_sidebar(page: Page) -> bool:
    return await page.locator(f".st-key-{SLIDERS[0]}").count() > 0


async def _run_tab(
    browser: Browser, link: str, tab: Tab, start: asyncio.Event, clock: dict[str, float]
) -> None:
    """Open the link, say so, wait for the room's start, then move sliders until ``clock["deadline"]``."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    _watch(page, tab)
    rng = random.Random(SEED + tab.number)
    try:
        await _open(page, link)
        if not await _has_sidebar(page):
            # Seen on a fresh server: the first visitors but one get the page
            # script alone (Streamlit's legacy pages-folder mode), without the
            # sidebar or the link's scenario. An error; then reload, as a person would.
            tab.errors.append("opened without the app's sidebar (legacy pages mode); reloaded")
            await _open(page, link)
            if not await _has_sidebar(page):
                raise PlaywrightError("still no sidebar after a reload")
        await page.evaluate(_REDRAW_PROBE, SETTLE_MS)
    except PlaywrightError as error:
        tab.errors.append(f"the link did not open: {str(error).splitlines()[0]}")
        tab.ready.set()
        await context.close()
        return
    tab.ready.set()
    await start.wait()  # every tab starts moving at the same moment
    deadline = clock["deadline"]
    moves = 0
    while time.monotonic() < deadline:
        key = SLIDERS[moves // 6 % len(SLIDERS)]
        # Three steps up, three back: every press changes the value, the scenario stays near the link's.
        arrow = "ArrowRight" if moves % 6 < 3 else "ArrowLeft"
        slider = page.locator(f".st-key-{key}").get_by_role("slider")
        try:
            await slider.focus(timeout=REDRAW_TIMEOUT_MS)
            await page.keyboard.press(arrow)
            await page.wait_for_function(
                "() => window.__redrawProbe.done !== null", timeout=REDRAW_TIMEOUT_MS, polling=50
            )
            tab.redraw_ms.append(float(await page.evaluate("() => window.__redrawProbe.done")))
        except PlaywrightTimeoutError:
            tab.errors.append(f"no redraw within {REDRAW_TIMEOUT_MS / 1000:.0f} s after moving {key}")
        boxes = await _error_boxes(page)
        if boxes:
            tab.errors.append(f"{boxes} exception or error box(es) after moving {key}")
        moves += 1
        await asyncio.sleep(rng.uniform(*PAUSE))
    await context.close()


async def _room(server: StreamlitServer, sessions: int, duration: float) -> tuple[list[Tab], int, float]:
    """``sessions`` tabs open the link, then move sliders together for ``duration`` seconds."""
    link = f"{server.url}/{PAGE}?{urlencode(query_from_values(LINK_VALUES))}"
    tabs = [Tab(number) for number in range(sessions)]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ROOM_ARGS)
        try:
            start = asyncio.Event()
            clock = {"deadline": 0.0}
            runners = [asyncio.create_task(_run_tab(browser, link, tab, start, clock)) for tab in tabs]
            # Each tab waits at most OPEN_TIMEOUT_MS per step, so every one gets ready.
            await asyncio.gather(*(tab.ready.wait() for tab in tabs))
            began = time.monotonic()
            clock["deadline"] = began + duration
            start.set()
            await asyncio.gather(*runners)
            elapsed = time.monotonic() - began
            after = resident_kb(_pid(server))
        finally:
            await browser.close()
    return tabs, after, elapsed


def _pid(server: StreamlitServer) -> int:
    assert server.process is not None
    return server.process.pid


def _print(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


def _median_p95(times: list[float]) -> tuple[float, float]:
    if not times:
        return float("nan"), float("nan")
    return statistics.median(times), float(np.percentile(times, 95))


def main() -> int:
    """One person alone, then the room for a minute; print the figures; exit status 1 on errors."""
    if not chromium_available():
        print(f"room: skipped, {CHROMIUM_MISSING}")
        return 1
    with StreamlitServer(APP, timeout=60) as server:
        before = resident_kb(_pid(server))
        alone, _, alone_elapsed = asyncio.run(_room(server, 1, SINGLE_SECONDS))
        tabs, after, elapsed = asyncio.run(_room(server, SESSIONS, DURATION))
    alone_times = alone[0].redraw_ms
    times = [ms for tab in tabs for ms in tab.redraw_ms]
    errors = [error for tab in (*alone, *tabs) for error in tab.errors]
    (median, p95), (alone_median, alone_p95) = _median_p95(times), _median_p95(alone_times)
    ratio = p95 / alone_p95
    print(
        f"A room at once: {SESSIONS} chromium sessions on one server, moving sliders on /{PAGE} "
        f"for {elapsed:.0f} s ({os.cpu_count()} cores)"
    )
    _print(
        [
            ("slider moves", f"{len(times)} ({len(times) / max(elapsed, 1e-9):.1f} a second)"),
            ("errors", f"{len(errors)} (target: none; the person alone's included)"),
            ("base-path probes (404, expected)", str(sum(tab.probes for tab in (*alone, *tabs)))),
            ("move → chart redrawn, median", f"{median:.0f} ms"),
            ("move → chart redrawn, 95th pct", f"{p95:.0f} ms"),
            ("move → chart redrawn, slowest", f"{max(times):.0f} ms" if times else "-"),
            (
                "one person alone, same moves",
                f"{len(alone_times)} moves in {alone_elapsed:.0f} s, median {alone_median:.0f} ms, "
                f"95th pct {alone_p95:.0f} ms",
            ),
            (
                "95th pct, room / alone",
                f"{ratio:.1f}x (target <= {P95_TARGET:g}x: {'ok' if ratio <= P95_TARGET else 'MISS'})",
            ),
            ("server memory before", f"{before / 1024:.0f} MB (VmRSS, with child processes)"),
            ("server memory after", f"{after / 1024:.0f} MB ({SESSIONS} sessions still open)"),
        ]
    )
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error}")
    return 1 if errors or not times else 0


if __name__ == "__main__":
    raise SystemExit(main())
