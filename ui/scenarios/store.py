"""The session's saved scenarios: an ordered mapping of name to scenario, and the operations on it.

Every operation returns a new mapping and leaves its input alone, or raises
:class:`StoreError` saying why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simulator.names import BadNameError, check_name
from simulator.scenario import Scenario

MAX_SCENARIOS = 20
MAX_NAME = 40
MIN_COMPARED = 2


MAX_COMPARED = 4


class StoreError(ValueError):
    """A store operation, a file or a link that cannot be used, with a message saying why."""


def clean_name(name: Any) -> str:
    """A scenario name with its spaces tidied (:func:`simulator.names.check_name`); raises StoreError
    when empty, invisible, broken or too long.

    >>> clean_name("  Plan   B ")
    'Plan B'
    """
    if isinstance(name, str) and not name.strip():
        raise StoreError("give the scenario a name, e.g. 'Plan'")
    try:
        return check_name(name, what="a scenario name", most=MAX_NAME)
    except BadNameError as error:
        raise StoreError(str(error)) from None


def save(
    store: Mapping[str, Scenario], name: str, scenario: Scenario, *, replace: bool = False
) -> dict[str, Scenario]:
    """The store with ``scenario`` saved under ``name`` (at the end, or in place when replacing).

    Raises
    ------
    StoreError
        The name is empty or taken (and ``replace`` is false), or the store is full.
    """
    name = clean_name(name)
    if name in store and not replace:
        raise StoreError(f"a scenario named '{name}' exists already; choose another name or delete it first")
    if name not in store and len(store) >= MAX_SCENARIOS:
        raise StoreError(f"{MAX_SCENARIOS} scenarios are saved, the most a session keeps; delete one first")
    return {**store, name: scenario}


def rename(store: Mapping[str, Scenario], old: str, new: str) -> dict[str, Scenario]:
    """The store with ``old`` renamed ``new``, in the same place."""
    _require(store, old)
    new = clean_name(new)
    if new != old and new in store:
        raise StoreError(f"a scenario named '{new}' exists already; choose another name")
    return {new if name == old else name: scenario for name, scenario in store.items()}


def unique_name(store: Mapping[str, Scenario], name: str) -> str:
    """``name``, or ``name (2)``, ``name (3)``… the first one the store does not use.

    >>> unique_name({"Plan": None, "Plan (2)": None}, "Plan")
    'Plan (3)'
    """
    if name not in store:
        return name
    number = 2
    while f"{name} ({number})"[:MAX_NAME] in store:
        number += 1
    suffix = f" ({number})"
    return name[: MAX_NAME - len(suffix)] + suffix


def duplicate(store: Mapping[str, Scenario], name: str) -> tuple[dict[str, Scenario], str]:
    """The store with a copy of ``name`` saved as ``name (2)`` (or the next free number), and that name."""
    _require(store, name)
    copy = unique_name(store, name)
    return save(store, copy, store[name]), copy


def delete(store: Mapping[str, Scenario], name: str) -> dict[str, Scenario]:
    """The store without ``name``."""
    _require(store, name)
    return {other: scenario for other, scenario in store.items() if other != name}


def merge(store: Mapping[str, Scenario], incoming: Mapping[str, Scenario]) -> dict[str, Scenario]:
    """The store with ``incoming`` added; a scenario of the same name is replaced in place.

    Raises
    ------
    StoreError
        The result would hold more than :data:`MAX_SCENARIOS`; the store is unchanged.
    """
    added = [name for name in incoming if name not in store]
    if len(store) + len(added) > MAX_SCENARIOS:
        raise StoreError(
            f"that would make {len(store) + len(added)} scenarios; a session keeps at most {MAX_SCENARIOS}, "
            "so delete some first"
        )
    return {**store, **incoming}


def _require(store: Mapping[str, Scenario], name: str) -> None:
    if name not in store:
        raise StoreError(f"there is no scenario named '{name}'")


def compared(store: Mapping[str, Scenario], names: Sequence[str]) -> dict[str, Scenario]:
    """The named scenarios of the store, in the order given, skipping names it no longer has."""
    return {name: store[name] for name in names if name in store}
