"""Images of the report's charts: kaleido drawing plotly figures with Debian's chromium, on this machine.

Chromium missing: :func:`find_chromium` returns ``None`` and the image and PDF
functions raise :class:`ChromiumMissingError`, whose message says how to
install it; the CSV and the HTML report need no browser."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import threading
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, TypeVar

import plotly.graph_objects as go

from report.content import Report

T = TypeVar("T")
#: How a missing browser is reported, with the command that fixes it.
CHROMIUM_MISSING = (
    "PDF and PNG exports need Chromium, which draws the images on this machine. "
    "Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM to its path. "
    "The CSV and the HTML report work without it."
)


_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Flags that stop every request chromium makes by itself: background services (component and
#: extension updates, safe browsing, sign-in, the optimisation guide, translation, time and
#: certificate lists), DNS prefetch and DNS over HTTPS, and the search engine's preconnect. The
#: host resolver rule is the backstop: no name resolves, so nothing new can reach out either; the
#: pages drawn and printed are local files and data. tests/test_hostile_markup.py traces both.
QUIET_FLAGS = (
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-search-engine-choice-screen",
    "--no-pings",
    "--dns-prefetch-disable",
    "--disable-features=DnsOverHttps,OptimizationHints,OptimizationGuideModelDownloading,"
    "OptimizationHintsFetching,OptimizationTargetPrediction,MediaRouter,Translate,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
#: The flags every headless chromium here runs with: no sandbox (root in containers), no extensions,
#: no request of its own (:data:`QUIET_FLAGS`).
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions", *QUIET_FLAGS)


RENDER_TIMEOUT = 90.0


def _quiet_chromium() -> type:
    """choreographer's chromium (which kaleido starts) with :data:`QUIET_FLAGS` added to its command line."""
    from choreographer.browsers.chromium import Chromium

    class QuietChromium(Chromium):
        def get_cli(self) -> list[str]:
            return [*super().get_cli(), *QUIET_FLAGS]

    return QuietChromium


class ChromiumMissingError(RuntimeError):
    """Chromium is not installed, so no image or PDF can be drawn."""


def find_chromium() -> str | None:
    """The chromium to draw with: ``$CHROMIUM``, ``$BROWSER_PATH``, else the first on the PATH."""
    for variable in ("CHROMIUM", "BROWSER_PATH"):
        path = os.environ.get(variable)
        if path:
            return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    path = find_chromium()
    if path is None:
        raise ChromiumMissingError(CHROMIUM_MISSING)
    return path


class ChartRenderer:
    """One kaleido browser drawing many images; a context manager.

    Starting chromium costs 2–3 s; later images about 0.3 s. The browser runs
    on an event loop in a thread of its own, so this works from any thread
    (a Streamlit script, a test) and several images can be asked for in turn.

    Raises
    ------
    ChromiumMissingError
        When no chromium is installed.
    """

    def __init__(self, *, chromium: str | None = None, timeout: float = RENDER_TIMEOUT) -> None:
        self.chromium = chromium or require_chromium()
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None, "use ChartRenderer as a context manager"
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(self.timeout)

    def start(self) -> ChartRenderer:
        """Start the browser (once)."""
        if self._loop is not None:
            return self
        import kaleido

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
        self._thread.start()

        async def open_kaleido() -> Any:
            # mathjax=False: kaleido would otherwise load MathJax from a CDN. Its chromium gets the
            # quiet flags too (kaleido passes none of its own): no extensions, no request of its own.
            renderer = kaleido.Kaleido(
                n=1,
                mathjax=False,
                path=self.chromium,
                timeout=self.timeout,
                browser_cls=_quiet_chromium(),
                enable_extensions=False,
            )
            await renderer.open()
            return renderer

        try:
            self._kaleido = self._run(open_kaleido())
        except Exception:
            self.close()
            raise
        return self

    def png(self, fig: go.Figure, *, width: int, height: int, scale: float = 2.0) -> bytes:
        """The figure as a PNG of ``width`` × ``height`` CSS pixels, times ``scale``."""
        if self._kaleido is None:
            self.start()
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        return bytes(self._run(self._kaleido.calc_fig(fig, opts=opts)))

    def close(self) -> None:
        """Stop the browser and the loop's thread."""
        loop, thread, renderer = self._loop, self._thread, self._kaleido
        self._loop = self._thread = self._kaleido = None
        if loop is None:
            return
        if renderer is not None:
            # Closing goes on whatever the browser did.
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(renderer.close(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=10)
        loop.close()

    def __enter__(self) -> ChartRenderer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


#: PNG sizes of the charts on their own (CSS pixels; drawn at twice that).
PNG_WIDTH = 1200


def chart_pngs(report: Report, *, renderer: ChartRenderer | None = None) -> dict[str, bytes]:
    """Every chart of the report as a PNG, by name."""
    if renderer is None:
        with ChartRenderer() as own:
            return chart_pngs(report, renderer=own)
    return {name: chart_png(fig, renderer) for name, fig in report.charts.items()}


def chart_png(fig: go.Figure, renderer: ChartRenderer) -> bytes:
    """One chart of the report as a PNG of its own (:data:`PNG_WIDTH` wide, its own height)."""
    return renderer.png(fig, width=PNG_WIDTH, height=int(fig.layout.height or 440))
