"""Progress of long runs on the command line: a bar on standard error.

On a terminal, a bar that redraws itself on one line and is wiped at the end;
elsewhere (standard error sent to a file or a pipe), nothing for a run that
ends within :data:`LONG_RUN_SECONDS`, then one line per step, so that a log
of a long run says how far it got and a short run's standard error stays as
it was (empty, or its one error line).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

#: After this long, a run whose standard error is not a terminal reports its steps.
LONG_RUN_SECONDS = 10.0
_WIDTH = 30


def progress_bar(
    err: TextIO | None, *, clock: Callable[[], float] = time.monotonic
) -> Callable[[float, str], None]:
    """A progress callback (share done from 0 to 1, the step) drawing on ``err``."""
    start = clock()
    terminal = err is not None and err.isatty()
    last = {"step": ""}

    def show(done: float, step: str) -> None:
        if err is None:
            return
        if terminal:
            filled = "#" * int(done * _WIDTH)
            line = f"\r[{filled:<{_WIDTH}}] {done:4.0%} {step}"
            err.write(line.ljust(_WIDTH + 50) if done < 1 else "\r" + " " * (_WIDTH + 50) + "\r")
            err.flush()
            return
        elapsed = clock() - start
        if elapsed >= LONG_RUN_SECONDS and done < 1 and step != last["step"]:
            last["step"] = step
            err.write(f"progress: {done:.0%}, {step} ({elapsed:.0f} s)\n")
            err.flush()

    return show
