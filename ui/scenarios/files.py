"""Scenario files: one scenario is exactly the JSON the command line reads; a set is
``{"scenarios": [{"name": "Base", "scenario": {...}}, ...]}``. Every file is read with the engine's one
reader of scenario JSON (bounded, a byte-order mark allowed, no key twice). A comparison's tables as
CSV, in the revenue view shown."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from report.revenue import Revenue
from simulator.comparison import Comparison
from simulator.output import csv_bytes
from simulator.scenario import Scenario, ScenarioError, from_dict, to_dict
from simulator.scenario_json import not_a_scenario, parse_json
from ui.scenarios.store import MAX_SCENARIOS, StoreError, clean_name

#: Uploaded files larger than this are refused (a set of 20 scenarios with segments is ~40 KB).
MAX_FILE_BYTES = 1_000_000


def set_file(store: Mapping[str, Scenario]) -> str:
    """The store as a JSON set: ``{"scenarios": [{"name": ..., "scenario": {...}}, ...]}``.

    Each ``"scenario"`` object is exactly a command-line scenario file's content.
    """
    items = [{"name": name, "scenario": to_dict(scenario)} for name, scenario in store.items()]
    return json.dumps({"scenarios": items}, indent=2, ensure_ascii=False) + "\n"


def differences_csv(result: Comparison, shown: Revenue) -> bytes:
    """The comparison's differences at its checkpoint months as CSV, revenue ``shown`` as MRR or ARR."""
    return csv_bytes(shown.columns(result.differences))


def series_csv(result: Comparison, shown: Revenue) -> bytes:
    """Every compared scenario month by month as CSV, revenue ``shown`` as MRR or ARR."""
    return csv_bytes(shown.columns(result.month_by_month()))


def read_file(data: bytes | str, *, file_name: str = "scenario.json") -> dict[str, Scenario]:
    """The scenarios in an uploaded file, each validated as the command line validates it.

    A single scenario object (a command-line file) is named after the file;
    a set is ``{"scenarios": [...]}`` or a bare JSON list, whose items are
    ``{"name": ..., "scenario": {...}}`` or plain scenario objects (named
    "Scenario 1", "Scenario 2"…).

    Raises
    ------
    StoreError
        Saying what is wrong and where (the engine's own message for a
        scenario it refuses); nothing is returned in part.
    """
    try:
        # The command line's own reader: bounded, a byte-order mark allowed, no key twice.
        parsed = parse_json(data, max_bytes=MAX_FILE_BYTES)
    except ScenarioError as error:
        raise StoreError(str(error)) from None
    if isinstance(parsed, dict) and "scenarios" in parsed:
        if set(parsed) != {"scenarios"}:
            extra = sorted(set(parsed) - {"scenarios"})[0]
            raise StoreError(f"a scenario set has only a \"scenarios\" list; unknown field '{extra}'")
        return _read_set(parsed["scenarios"])
    if isinstance(parsed, list):
        return _read_set(parsed)
    if not isinstance(parsed, dict):
        raise StoreError(str(not_a_scenario(parsed)))
    try:
        scenario = from_dict(parsed)
    except ScenarioError as error:
        raise StoreError(str(error)) from None
    stem = file_name.rsplit("/", 1)[-1].removesuffix(".json").removesuffix(".JSON")
    return {_name_or(stem, "Uploaded"): scenario}


def file_stem(name: str) -> str:
    """A file name for a scenario's name: letters, digits, dashes and underscores.

    >>> file_stem("Plan B / 2027")
    'Plan-B-2027'
    """
    stem = "-".join("".join(c if c.isalnum() or c in "-_" else " " for c in name).split())
    return stem or "scenario"


def _name_or(text: str, fallback: str) -> str:
    try:
        return clean_name(text)
    except StoreError:
        return fallback


def _read_set(items: Any) -> dict[str, Scenario]:
    if not isinstance(items, list) or not items:
        raise StoreError('"scenarios" must be a non-empty list of scenarios')
    if len(items) > MAX_SCENARIOS:
        raise StoreError(f"the set has {len(items)} scenarios; a session keeps at most {MAX_SCENARIOS}")
    scenarios: dict[str, Scenario] = {}
    for position, item in enumerate(items, start=1):
        named = isinstance(item, dict) and "scenario" in item
        where = f"scenario {position}"
        if named:
            unknown = sorted(set(item) - {"name", "scenario"})
            if unknown:
                raise StoreError(f"{where}: unknown field '{unknown[0]}'; an item has a name and a scenario")
            try:
                name = clean_name(item.get("name"))
            except StoreError as error:
                raise StoreError(f"{where}: {error}") from None
            where = f"{where} ('{name}')"
            fields = item["scenario"]
        else:
            name, fields = f"Scenario {position}", item
        if name in scenarios:
            raise StoreError(f"{where}: the name '{name}' is used twice in the file")
        try:
            scenarios[name] = from_dict(fields)
        except ScenarioError as error:
            raise StoreError(f"{where}: {error}") from None
    return scenarios
