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

_RAN_APP = "_nav_ran_app"
_WANTED = "_nav_wanted_page"
_REDIRECTS = "_nav_redirects"
#: A visitor is sent through app.py at most this many times in a row (never a loop).
MAX_REDIRECTS = 2


def mark_app_run() -> None:
    """First thing ``app.py`` does on every run: the page it runs will see this run went through it."""
    st.session_state[_RAN_APP] = True
    st.session_state.pop(_REDIRECTS, None)


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


def link(page: str, label: str, *, icon: str | None = None, **options: Any) -> None:
    """``st.page_link`` to another page; a page running on its own (a test) has none, so names it instead."""
    try:
        st.page_link(page, label=label, icon=icon, **options)
    except StreamlitAPIException:
        st.caption(label)
