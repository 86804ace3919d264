"""Navigation: the app's own pages from the first paint, even on a freshly started server.

Streamlit runs a folder named ``pages/`` beside the main script as a legacy
multipage folder until some run on the server calls ``st.navigation``: the
first visits after a start run the page file the address names *alone*,
without ``app.py`` (no sidebar, no shared controls). So:

- ``.streamlit/config.toml`` hides that legacy page list
  (``client.showSidebarNavigation = false``), and each page file is named
  by its address (``pages/leaky-bucket.py`` serves ``/leaky-bucket``), so the
  legacy run finds it instead of saying "Page not found";
- ``app.py`` marks each of its runs (:func:`mark_app_run`) and opens the page
  a redirected visitor asked for (:func:`follow_wanted`);
- each page file starts with :func:`require_app`: a run that did not pass
  through ``app.py`` remembers its page and switches to ``app.py``, whose
  ``st.navigation`` then shows that page with the app's navigation.

Only public Streamlit calls are used (session state, ``st.switch_page``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

#: The browser's Back leaves a page, not a slider's last move. Streamlit adds a history entry each
#: time the server changes the address, and the address follows every move of the scenario, so
#: Back would step through the moves (each put straight back, since the session's scenario is
#: what the address shows) before it left the page. A change of address that keeps the page
#: replaces the entry instead; a new page still adds one. The presenter's slides are one page:
#: Back leaves it. Fixed code, no user text.
HISTORY_JS = """
<script>
(function () {
  if (window.__nrrHistory) { return; }
  window.__nrrHistory = true;
  const push = window.history.pushState.bind(window.history);
  window.history.pushState = function (state, unused, url) {
    if (url !== undefined && url !== null &&
        new URL(url, window.location.href).pathname === window.location.pathname) {
      return window.history.replaceState(state, unused, url);
    }
    return push(state, unused, url);
  };
})();
</script>
"""
_RAN_APP = "_nav_ran_app"
_LAST_PAGE = "_nav_last_page"
#: Where "Exit presenter" leads when the presentation was not opened from another page.
PRESENTER_EXIT = "compounding"
_WANTED = "_nav_wanted_page"
_REDIRECTS = "_nav_redirects"
#: A visitor is sent through app.py at most this many times in a row (never a loop).
MAX_REDIRECTS = 2


def mark_app_run() -> None:
    """First thing ``app.py`` does on every run: the page it runs will see this run went through it."""
    st.session_state[_RAN_APP] = True
    st.session_state.pop(_REDIRECTS, None)


def one_history_entry_per_page() -> None:
    """Make the browser's Back and Forward move between pages (:data:`HISTORY_JS`)."""
    st.html(HISTORY_JS, unsafe_allow_javascript=True)


def require_app(url_path: str) -> None:
    """First thing a page file does: make sure this run went through ``app.py``.

    A run that did not (a fresh server's legacy run) stores the page's
    address and switches to ``app.py``. A page run on its own, as tests do,
    has no ``app.py`` to switch to and simply goes on.
    """
    if st.session_state.pop(_RAN_APP, False):
        return
    redirects = st.session_state.get(_REDIRECTS, 0)
    if redirects >= MAX_REDIRECTS:
        return
    st.session_state[_REDIRECTS] = redirects + 1
    st.session_state[_WANTED] = url_path
    try:
        # The address's scenario and view ride along: switch_page would otherwise drop them.
        st.switch_page("app.py", query_params=st.query_params.to_dict())
    except StreamlitAPIException:  # no app.py in this run's pages: the page runs alone
        st.session_state.pop(_WANTED, None)
        st.session_state.pop(_REDIRECTS, None)


def follow_wanted(pages: Sequence[Any], current: Any) -> None:
    """After ``st.navigation`` in ``app.py``: open the page a redirected visitor's address named."""
    wanted = st.session_state.pop(_WANTED, None)
    if not wanted or wanted == current.url_path:
        return
    for page in pages:
        if page.url_path == wanted:
            st.switch_page(page, query_params=st.query_params.to_dict())


def remember(url_path: str) -> None:
    """After ``st.navigation`` in ``app.py``: the page now shown, for the presenter's way out."""
    if url_path != "present":
        st.session_state[_LAST_PAGE] = url_path


def page_before_presenting() -> str:
    """The file of the page the presenter was opened from (its way out), or the compounding page."""
    return f"pages/{st.session_state.get(_LAST_PAGE) or PRESENTER_EXIT}.py"


def link(page: str, label: str, *, icon: str | None = None, **options: Any) -> None:
    """``st.page_link`` to another page; a page running on its own (a test) has none, so names it instead."""
    try:
        st.page_link(page, label=label, icon=icon, **options)
    except StreamlitAPIException:
        st.caption(label)
