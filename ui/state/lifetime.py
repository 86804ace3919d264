"""A session's memory goes back when its visitor leaves.

Streamlit keeps a closed tab's session for ``server.disconnectedSessionTTL`` seconds, in case the
tab reconnects, then forgets it without shutting it down: its uploaded files stay in the server's
memory, and its session state (an export's analysis, a gigabyte for a large one) until something
else happens to clean up. Here every session a run sees is remembered; a reaper thread closes, with
Streamlit's own shutdown (session state and uploaded files gone), each one whose tab has been gone
for :data:`RELEASE_AFTER` seconds, then hands the freed memory back to the system (glibc keeps
freed memory in its arenas otherwise). A tab that reconnects sooner keeps everything.

``make room-heavy`` (:mod:`benchmarks.heavy_room`) measures it: the server's memory a minute after
twenty heavy sessions closed.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

#: Seconds a session's tab may be gone before the session is closed and its memory released.
RELEASE_AFTER = 20.0
#: How often the reaper looks, in seconds.
TICK = 5.0


class Sessions(Protocol):
    """What the reaper needs of Streamlit's runtime: whether a session's tab is connected, and a way
    to close a session (on the runtime's own event loop)."""

    def is_active_session(self, session_id: str) -> bool: ...

    def close_session(self, session_id: str) -> None: ...


_seen: dict[str, float | None] = {}  # session id → when its tab was first seen gone (None: connected)
_lock = threading.Lock()
_reaper: threading.Thread | None = None


def remember_session() -> None:
    """Called on every run: this run's session is one to release once its tab is gone."""
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not runtime.exists():  # AppTest, bare mode: no server, nothing to release
        return
    with _lock:
        _seen[context.session_id] = None
    _start_reaper()


def reap(sessions: Sessions, now: float, close: Callable[[str], None]) -> list[str]:
    """One look: the sessions whose tab has been gone :data:`RELEASE_AFTER` seconds by ``now`` are
    closed (``close``) and forgotten; returns their ids. A tab seen connected again starts over."""
    closed = []
    with _lock:
        for session_id, gone_since in list(_seen.items()):
            if sessions.is_active_session(session_id):
                _seen[session_id] = None
            elif gone_since is None:
                _seen[session_id] = now
            elif now - gone_since >= RELEASE_AFTER:
                del _seen[session_id]
                closed.append(session_id)
    for session_id in closed:
        close(session_id)
    return closed


def release_freed_memory() -> None:
    """Collect what a closed session left in reference cycles, then give the memory freed in glibc's
    arenas back to the system (the trim is a no-op where glibc is not)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _start_reaper() -> None:
    global _reaper
    with _lock:
        if _reaper is not None:
            return
        _reaper = threading.Thread(target=_reap_forever, name="session-reaper", daemon=True)
    _reaper.start()


def _reap_forever() -> None:
    from streamlit import runtime

    while True:
        time.sleep(TICK)
        if not runtime.exists():
            continue
        server = runtime.get_instance()
        reap(server, time.monotonic(), functools.partial(_close_on_loop, server))


def _close_on_loop(server: Any, session_id: str) -> None:
    """Close a session on the runtime's event loop (where Streamlit requires it), unless its tab has
    come back in the meantime; then release what it freed."""

    def close() -> None:
        if not server.is_active_session(session_id):
            server.close_session(session_id)
        release_freed_memory()

    # Streamlit closes a logged-out session the same way (Runtime._close_inactive_session_on_event_loop).
    with contextlib.suppress(AttributeError, RuntimeError):
        server._get_async_objs().eventloop.call_soon_threadsafe(close)
