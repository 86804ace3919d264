"""Bounded work: heavy projections wait their turn at one gate shared by the whole process, and a
view (a page drawn for one visitor) may spend at most :data:`VIEW_UNITS` of work.

Work is counted in units of about a tenth of a microsecond here: a projection of ``M`` months with
``S`` segments builds ``(M + 1)² × max(S, 1)`` cohort-month cells, each ten units in the refined
model (segments, early-life churn, annual plans, a ceiling, a plan) and one in the core model. A
600-month scenario with six segments, fifty initiatives and every refinement is 21.7 million units
(1.8 s and 150 MB at its peak); the default scenario's 36 months, 1,400.

- **The gate.** A projection of :data:`HEAVY_UNITS` or more (or an upload of as many bytes) waits
  until the heavy work running in the process, all visitors together, leaves room for it within
  :data:`GATE_UNITS` and :data:`GATE_SLOTS`; in a page's run, its view then holds that place to its
  end (:func:`heavy_view`: its charts and tables are heavy too). Twenty visitors opening heavy
  links queue instead of all running at once; each waits for the ones before it, memory holds one
  heavy view's work at a time, and visitors whose work is light never wait at the gate.
- **Links.** Opening a comparison link may ask for at most :data:`LINK_UNITS` (:func:`check_link`,
  before any projection): four scenarios of the heaviest kind ask for 87 million and are refused,
  with a message; at most the heaviest link left then costs a few seconds of one core.
- **The allowance.** The app opens an :func:`allowance` of :data:`VIEW_UNITS` for each run of a
  page; every projection charges it, and one that would pass it is refused with
  :class:`BudgetError`, saying what to shorten (a four-scenario comparison of the heaviest kind
  fits; ranking fifty initiatives of it one by one does not). The command line opens none: its
  user spends their own machine's time.

The engine stays pure: this is a lock and a counter, no Streamlit.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

#: A projection at least this heavy waits its turn at the gate (about 20 ms here: a refined 120-month
#: scenario with segments, a core one of 450 months).
HEAVY_UNITS = 200_000
#: The heavy work that may run at once in the process: one projection of the heaviest kind a scenario
#: allows (600 months, six segments, refined: 21.7 million units), in at most :data:`GATE_SLOTS` heavy
#: views (one: two would take both cores here, and every light visitor would wait for them).
GATE_UNITS = 25_000_000
GATE_SLOTS = 1
#: The most work a comparison link may ask for when opened (about 5 s here): two to four scenarios
#: projected over the first one's horizon. Four of the heaviest kind (87 million) pass it.
LINK_UNITS = 60_000_000
#: The most work one view may spend (about 20 s here): four projections of the heaviest kind, compared,
#: with room to spare.
VIEW_UNITS = 250_000_000
#: How much more a cell of the refined model costs than one of the core model (measured: 183 ms against
#: 16 ms for 600 months).
REFINED_FACTOR = 10


class BudgetError(ValueError):
    """A view would do more work than one view may; the message says what to shorten."""


def comparison_units(scenarios: list[tuple[int, int, bool]], months: int) -> int:
    """The work of comparing scenarios, each given as ``(months, segments, refined)``, over ``months``."""
    return sum(projection_units(months, segments, refined=refined) for _, segments, refined in scenarios)


def check_link(units: int) -> None:
    """Refuse a link that asks for more work than :data:`LINK_UNITS` when opened.

    Raises
    ------
    BudgetError
        Saying how much it asks for, and what to shorten.
    """
    if units > LINK_UNITS:
        raise BudgetError(
            f"it asks for {units / 1e6:,.0f} million cohort-month steps of work to open, over the "
            f"{LINK_UNITS / 1e6:,.0f} million a link may; compare over a shorter horizon (the first "
            "scenario's months), or with fewer segments or scenarios"
        )


def projection_units(months: int, segments: int, *, refined: bool) -> int:
    """The work of one projection, in units (see the module's docstring).

    >>> projection_units(36, 0, refined=False)
    1369
    >>> projection_units(600, 6, refined=True)
    21672060
    """
    return (months + 1) ** 2 * max(segments, 1) * (REFINED_FACTOR if refined else 1)


@dataclass
class _Allowance:
    left: int
    stack: contextlib.ExitStack[bool | None]
    spent: int = 0
    heavy: bool = False


_ALLOWANCE: ContextVar[_Allowance | None] = ContextVar("view_allowance", default=None)


@contextlib.contextmanager
def allowance(units: int = VIEW_UNITS) -> Iterator[None]:
    """Within the block (a page's run, in its thread), projections may spend ``units`` in all; and
    once the view turns out heavy (:func:`heavy_view`), it holds its place at the gate to its end."""
    with contextlib.ExitStack() as stack:
        token = _ALLOWANCE.set(_Allowance(left=units, stack=stack))
        try:
            yield
        finally:
            _ALLOWANCE.reset(token)


def heavy_view(units: int) -> None:
    """Work of ``units`` is about to happen in this view: a heavy one makes the rest of the view (its
    charts and tables too, not only the projection) wait for, then hold, a place at the gate, so that
    at most :data:`GATE_SLOTS` heavy views run at once and light ones share the machine with no more.
    Outside a view (the command line, a test) it does nothing: use :func:`heavy` there."""
    view = _ALLOWANCE.get()
    if view is None or view.heavy or units < HEAVY_UNITS:
        return
    view.stack.enter_context(GATE.hold(units))
    view.heavy = True


class _Gate:
    """Units of heavy work running at once, at most ``capacity`` in at most ``slots`` pieces of work;
    the others wait (whichever fits first when one ends)."""

    def __init__(self, capacity: int, slots: int = GATE_SLOTS) -> None:
        self.capacity = capacity
        self.slots = slots
        self.running = 0
        self.holders = 0
        self.waiting = 0
        self._inside: set[int] = set()
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def hold(self, units: int) -> Iterator[None]:
        if threading.get_ident() in self._inside:
            yield  # work within work (an upload's analysis projecting its calibration): already counted
            return
        units = min(units, self.capacity)
        with self._changed:
            self.waiting += 1
            self._changed.notify_all()  # whoever watches the queue sees it grow
            try:
                self._changed.wait_for(
                    lambda: self.running + units <= self.capacity and self.holders < self.slots
                )
            finally:
                self.waiting -= 1
            self.running += units
            self.holders += 1
            self._inside.add(threading.get_ident())
        try:
            yield
        finally:
            with self._changed:
                self._inside.discard(threading.get_ident())
                self.running -= units
                self.holders -= 1
                self._changed.notify_all()


GATE = _Gate(GATE_UNITS)


@contextlib.contextmanager
def heavy(units: int) -> Iterator[None]:
    """Around work of ``units`` that is not a projection (an uploaded export's analysis, about a unit
    a byte): it waits at the gate when heavy, and charges no allowance."""
    if units < HEAVY_UNITS:
        yield
        return
    with GATE.hold(units):
        yield


@contextlib.contextmanager
def work(months: int, segments: int, *, refined: bool) -> Iterator[None]:
    """Around one projection: charge the view's allowance (refusing what would pass it), and wait
    at the gate when it is heavy.

    Raises
    ------
    BudgetError
        The projection would take the view past its allowance.
    """
    units = projection_units(months, segments, refined=refined)
    view = _ALLOWANCE.get()
    if view is not None:
        if units > view.left:
            shape = f"{months} months" + (f" × {segments} segments" if segments else "")
            raise BudgetError(
                f"this view needs more work than one view may take: it has already projected "
                f"{view.spent / 1e6:,.0f} million cohort-month steps, and each more projection of "
                f"{shape} takes {units / 1e6:,.1f} million, past the {VIEW_UNITS / 1e6:,.0f} million a view "
                "may spend; shorten the horizon, or use fewer segments, initiatives or compared scenarios"
            )
        view.left -= units
        view.spent += units
        heavy_view(units)
    with heavy(units):  # within a view holding the gate already, this passes straight through
        yield
