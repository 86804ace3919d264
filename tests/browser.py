"""Serve a Streamlit script on 127.0.0.1 and drive it with Debian's chromium.

Shared by ``tests/test_browser.py`` and ``benchmarks/app_bench.py``.
Playwright cannot download its own browsers here, so it launches the system
chromium (``/usr/bin/chromium``, or ``$CHROMIUM``). Each server runs as its own
process group and is stopped by that id, never by name.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from playwright.sync_api import Browser, Page, Playwright, expect

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM_MISSING = (
    f"the browser tests need Chromium at {CHROMIUM}: install it with "
    "`sudo apt-get install -y chromium` (or set CHROMIUM=/path/to/chromium)"
)
VIEWPORT = {"width": 1440, "height": 900}

# Streamlit's front end loads each kind of element's code on first use and shows a
# grey placeholder until it arrives: a new browser context fetches them again, and on
# a loaded machine (load average 9 on 2 cores) a slider took more than expect()'s
# default 5 s to appear. The pages' own waits allow 20 s; assertions get the same.
expect.set_options(timeout=20_000)

# Streamlit marks its root element with the script's run state; "notRunning"
# means the last rerun has finished and every element has been sent.
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
ERROR_ALERT = '[data-testid="stAlertContentError"]'
PLOTLY_CHART = ".js-plotly-plot"
PAGE_TITLE = '[data-testid="stMain"] h1'


def chromium_available() -> bool:
    """Whether the system chromium that Playwright drives is installed."""
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch the system chromium headless, with no background network traffic."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """``streamlit run SCRIPT`` on 127.0.0.1 and a free port, as a context manager.

    Parameters
    ----------
    script : Path
        The Streamlit script to serve; the working directory is its folder's
        project root (``ROOT``) so ``.streamlit/config.toml`` applies.
    timeout : float
        Seconds to wait for ``/_stcore/health`` to answer.
    """

    def __init__(self, script: Path, *, timeout: float = 30.0) -> None:
        self.script = script
        self.timeout = timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        # A file, not a pipe: nobody reads a pipe while tests run, and a full
        # pipe would block the server on its next log line. Closed by close().
        self.log = tempfile.TemporaryFile()  # noqa: SIM115

    def start(self) -> StreamlitServer:
        """Start the server and wait until its health endpoint answers."""
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
            # The file watcher only costs CPU during a test run.
            "--server.fileWatcherType",
            "none",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                message = f"streamlit exited with {self.process.returncode}:\n{self.output()}"
                self.close()
                raise RuntimeError(message)
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        message = f"streamlit did not answer on {self.url} within {self.timeout:.0f} s:\n{self.output()}"
        self.close()
        raise RuntimeError(message)

    def stop(self) -> None:
        """Stop the server's process group (SIGTERM, then SIGKILL after 5 s)."""
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def output(self) -> str:
        """What the server has logged so far (stdout and stderr)."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def close(self) -> None:
        """Stop the server and drop its log."""
        self.stop()
        self.log.close()

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def wait_for_idle(page: Page, *, timeout: float = 15_000) -> None:
    """Wait until Streamlit has finished the current run of the script."""
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)


def open_page(page: Page, url: str, *, charts: bool = True, timeout: float = 20_000) -> None:
    """Go to ``url`` and wait until the script has run and, if asked, a chart is drawn."""
    page.goto(url, wait_until="domcontentloaded")
    # A deep link runs twice (the page, then through app.py), idle for a moment in between:
    # the page is there once its title is, and the run that drew it has finished.
    page.wait_for_selector(PAGE_TITLE, state="attached", timeout=timeout)
    wait_for_idle(page, timeout=timeout)
    if charts:
        page.wait_for_selector(f"{PLOTLY_CHART} .main-svg", state="attached", timeout=timeout)


# The last plotly chart's traces, as a comparable string: plotly keeps the
# figure it drew on the element (``gd.data``), numpy arrays included once
# decoded, so a changed value means the chart was redrawn with new data.
LAST_CHART_DATA_JS = """
() => {
  const charts = document.querySelectorAll('.js-plotly-plot');
  if (charts.length === 0) return null;
  const gd = charts[charts.length - 1];
  if (!gd.data) return null;
  return JSON.stringify(gd.data.map(t => [t.x, t.y, t.base, t.measure, t.text]));
}
"""
