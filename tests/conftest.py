"""Shared fixtures, and the hypothesis profiles.

AppTest parts: ``apptest_like_server`` and ``clear_streamlit_cache``, used by
tests/test_pages.py. Streamlit is imported inside the fixtures so that engine
tests never pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

# No deadline: a busy 2-core machine must not turn a slow example into a failure.
# In CI the examples are derandomized, so a run is reproducible from its commit and
# cannot pass by luck; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) explores many random ones.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("fuzz", deadline=None, max_examples=2_000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI a skipped test is a failed run: browser and PDF tests must not go quietly missing."""
    if os.environ.get("CI") and _skipped and exitstatus == 0:
        print(f"\nCI: {len(_skipped)} tests were skipped, which CI does not allow: {', '.join(_skipped[:5])}")
        session.exitstatus = 1


@pytest.fixture
def apptest_like_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make AppTest rerun ``app.py`` under ``st.navigation``, as the live server does.

    AppTest resets ``PagesManager.uses_pages_directory`` before every run; with a
    ``pages/`` folder beside ``app.py`` the second and later runs of one AppTest
    would otherwise execute the page script alone (legacy pages-folder mode),
    without the shared sidebar. See /work/shared/streamlit-notes.md.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original_init = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def clear_streamlit_cache() -> Iterator[None]:
    """Empty ``st.cache_data`` before and after a test: AppTest instances share it."""
    import streamlit as st

    st.cache_data.clear()
    yield
    st.cache_data.clear()


# Browser parts, for tests/test_browser.py and tests/test_layout.py (Playwright imported on use).


@pytest.fixture(scope="module")
def chromium() -> None:
    """Fail under CI, skip elsewhere, when Debian's chromium is not installed."""
    from tests.browser import CHROMIUM_MISSING, chromium_available

    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail(CHROMIUM_MISSING)
        pytest.skip(CHROMIUM_MISSING)


@pytest.fixture(scope="module")
def browser(chromium: None) -> Iterator[Any]:
    """One headless chromium for the whole module."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()
