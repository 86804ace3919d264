"""Named scenarios: the session's store, base / plan / downside, comparison, files and links.

Pure functions, no Streamlit calls: ``pages/scenarios.py`` keeps the store in
``st.session_state`` and calls these.

- **The store** is an ordered mapping of name → :class:`~simulator.scenario.Scenario`.
  Every operation (:func:`save`, :func:`rename`, :func:`duplicate`,
  :func:`delete`, :func:`merge`) returns a new mapping and leaves its input
  alone, or raises :class:`StoreError` saying why.
- **Files.** One scenario is exactly the JSON the command line reads
  (``python -m simulator project FILE``): :func:`~simulator.scenario.to_json`.
  A set is ``{"scenarios": [{"name": "Base", "scenario": {...}}, ...]}``
  (:func:`set_file`); :func:`read_file` takes either, or a bare JSON list of
  such items (or of plain scenario objects), and validates every scenario with
  the command line's own :func:`~simulator.scenario.from_json` /
  :func:`~simulator.scenario.from_dict`.
- **The link.** The compared scenarios travel in one address parameter,
  :data:`COMPARE_PARAM`: base64url of zlib-compressed compact JSON
  ``[[name, fields], ...]``, where the first scenario's fields are those
  that differ from the engine's defaults and each later one's those that
  differ from the first (:func:`link_text`, :func:`scenarios_from_link`).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from simulator.scenario import Scenario, ScenarioError, from_dict, from_json, to_dict
from ui.format import MINUS, money, pct, points, signed_money
from ui.state import controls, tables

MAX_SCENARIOS = 20
MAX_NAME = 40
MIN_COMPARED = 2
MAX_COMPARED = 4
#: The address parameter that carries the compared scenarios.
COMPARE_PARAM = "compare"
#: Links longer than this are refused before decoding (4 scenarios with segments stay far below).
MAX_LINK_CHARS = 6_000
_MAX_LINK_JSON_BYTES = 200_000
#: Uploaded files larger than this are refused (a set of 20 scenarios with segments is ~40 KB).
MAX_FILE_BYTES = 1_000_000


class StoreError(ValueError):
    """A store operation, a file or a link that cannot be used, with a message saying why."""


# The store.


def clean_name(name: Any) -> str:
    """A scenario name with its spaces tidied; raises StoreError when empty or too long.

    >>> clean_name("  Plan   B ")
    'Plan B'
    """
    if not isinstance(name, str):
        raise StoreError(f"a scenario name is text, not {type(name).__name__}")
    tidy = " ".join(name.split())
    if not tidy:
        raise StoreError("give the scenario a name, e.g. 'Plan'")
    if len(tidy) > MAX_NAME:
        raise StoreError(f"'{tidy[:20]}…' is {len(tidy)} characters; a name has at most {MAX_NAME}")
    return tidy


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


# Base, plan and downside.

#: What each one-click variant does to the current levers, as the page says it.
VARIANTS: dict[str, str] = {
    "Base": "the current levers, as they are",
    "Plan": "churn −1 point, expansion +1 point",
    "Downside": "churn +1 point, expansion −1 point, new customers −30%",
}
_VARIANT_CHANGES: dict[str, tuple[float, float, float]] = {
    # churn (fraction points), expansion (fraction points), new customers (relative)
    "Base": (0.0, 0.0, 0.0),
    "Plan": (-0.01, 0.01, 0.0),
    "Downside": (0.01, -0.01, -0.30),
}


def variant(scenario: Scenario, kind: str) -> Scenario:
    """The scenario as "Base", "Plan" or "Downside" (see :data:`VARIANTS`).

    Rates stay in their ranges: churn never below 0 nor above what contraction
    leaves; expansion never below 0. With segments, each segment's rates move
    the same way. Initiatives and every other field are kept.

    >>> base = Scenario(starting_mrr=100_000, churn_rate=0.03, expansion_rate=0.06, new_customers_per_month=5)
    >>> plan = variant(base, "Plan")
    >>> plan.churn_rate, plan.expansion_rate, plan.new_customers_per_month
    (0.02, 0.07, 5)
    >>> variant(base, "Downside").new_customers_per_month
    3.5
    """
    if kind not in _VARIANT_CHANGES:
        raise StoreError(f"'{kind}' is not one of {', '.join(VARIANTS)}")
    churn, expansion, acquisition = _VARIANT_CHANGES[kind]
    if kind == "Base":
        return scenario
    data = _moved_rates(to_dict(scenario), churn, expansion)
    data["segments"] = [_moved_rates(segment, churn, expansion) for segment in data["segments"]]
    if acquisition:
        data["new_customers_per_month"] = _tidy(scenario.new_customers_per_month * (1 + acquisition))
    return from_dict(data)


def _moved_rates(fields: dict[str, Any], churn: float, expansion: float) -> dict[str, Any]:
    room = 1.0 - fields["contraction_rate"]
    return {
        **fields,
        "churn_rate": _tidy(min(max(fields["churn_rate"] + churn, 0.0), room)),
        "expansion_rate": _tidy(min(max(fields["expansion_rate"] + expansion, 0.0), 1.0)),
    }


def _tidy(value: float) -> float:
    """Drop floating-point dust (0.03 − 0.01 is 0.019999…98): 12 decimals are plenty for a rate."""
    return round(value, 12)


# Into the sidebar.


def sidebar_values(scenario: Scenario, current: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The sidebar's control values for a saved scenario, and what the sidebar cannot show.

    Rates become percents on the sliders' grid, counts whole numbers, each
    value within its control's range; controls without an engine field (the
    currency) keep their ``current`` value; the initiatives become the
    sidebar's plan. The notes name each field whose loaded value differs
    from the scenario's (rounded, clipped, or not in the sidebar at all);
    none means an exact load.
    """
    values = dict(current)
    for control in controls.CONTROLS:
        if control.field is None or control.kind not in (int, float):
            continue
        raw = getattr(scenario, control.field)
        if raw is None:  # no starting customer count: the sidebar keeps its own
            continue
        values[control.key] = controls.control_value(control, raw)
    if "ceiling_on" in controls.CONTROL_BY_KEY:
        values["ceiling_on"] = scenario.expansion_ceiling is not None
        if scenario.expansion_ceiling is not None:
            values["ceiling_x"] = round(scenario.expansion_ceiling, controls.PERCENT_DECIMALS)
    if "segments_on" in controls.CONTROL_BY_KEY:
        values["segments_on"] = bool(scenario.segments)
        if scenario.segments:
            values["segments"] = tuple(
                (
                    s.name,
                    *(
                        round(getattr(s, f) * 100, controls.PERCENT_DECIMALS)
                        for f in ("churn_rate", "contraction_rate", "expansion_rate")
                    ),
                    *(
                        round(getattr(s, f) * 100, controls.PERCENT_DECIMALS)
                        for f in ("mrr_share", "new_customer_share")
                    ),
                    round(s.new_customer_mrr),
                )
                for s in scenario.segments
            )
    if "plan" in controls.CONTROL_BY_KEY:
        values["plan"] = tables.plan_rows(scenario.initiatives)
    return values, _differences(scenario, values)


def _differences(scenario: Scenario, values: Mapping[str, Any]) -> list[str]:
    try:
        loaded = to_dict(controls.scenario_from_values(values))
    except ScenarioError as error:
        return [f"the sidebar cannot hold this scenario ({error})"]
    wanted = to_dict(scenario)
    notes = []
    for field, value in wanted.items():
        if field == "starting_customers" and value is None:
            notes.append("starting_customers: the file has none, so the sidebar keeps its own count")
        elif field == "initiatives" and not _same(value, loaded[field]):
            notes.append("initiatives: each change is rounded to 0.01 point or 0.01%")
        elif not _same(value, loaded[field]):
            notes.append(f"{field}: {_short(value)} becomes {_short(loaded[field])}")
    return notes


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[key], right[key]) for key in left)
    if isinstance(left, float | int) and isinstance(right, float | int):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-12)
    return bool(left == right)


def _short(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value)} segments" if value else "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


# Files.


def set_file(store: Mapping[str, Scenario]) -> str:
    """The store as a JSON set: ``{"scenarios": [{"name": ..., "scenario": {...}}, ...]}``.

    Each ``"scenario"`` object is exactly a command-line scenario file's content.
    """
    items = [{"name": name, "scenario": to_dict(scenario)} for name, scenario in store.items()]
    return json.dumps({"scenarios": items}, indent=2, ensure_ascii=False) + "\n"


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
    if len(data) > MAX_FILE_BYTES:
        raise StoreError(f"the file is {len(data):,} bytes; a scenario file is at most {MAX_FILE_BYTES:,}")
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise StoreError("the file is not UTF-8 text; save it as a .json text file") from None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        parsed = None  # from_json below gives the command line's own message
    if isinstance(parsed, dict) and "scenarios" in parsed:
        if set(parsed) != {"scenarios"}:
            extra = sorted(set(parsed) - {"scenarios"})[0]
            raise StoreError(f"a scenario set has only a \"scenarios\" list; unknown field '{extra}'")
        return _read_set(parsed["scenarios"])
    if isinstance(parsed, list):
        return _read_set(parsed)
    try:
        scenario = from_json(text)
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


# The link.


def link_text(scenarios: Mapping[str, Scenario]) -> str:
    """The compared scenarios as one compact, address-safe text (see the module's docstring).

    >>> base = Scenario(starting_mrr=100_000, churn_rate=0.03)
    >>> scenarios_from_link(link_text({"Base": base, "Plan": variant(base, "Plan")}))["Plan"].churn_rate
    0.02
    """
    blank = to_dict(Scenario(starting_mrr=0.0))
    items: list[list[Any]] = []
    reference: dict[str, Any] | None = None
    for name, scenario in scenarios.items():
        fields = to_dict(scenario)
        against = blank if reference is None else reference
        # starting_mrr is required, so the first scenario always carries it.
        kept = {
            k: v for k, v in fields.items() if v != against[k] or (reference is None and k == "starting_mrr")
        }
        items.append([name, kept])
        reference = fields if reference is None else reference
    compact = json.dumps(items, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(compact, 9)).decode("ascii").rstrip("=")


def scenarios_from_link(text: str) -> dict[str, Scenario]:
    """The scenarios a comparison link carries, each validated; raises StoreError saying why not."""
    if not isinstance(text, str) or not text:
        raise StoreError("it holds no scenarios")
    if len(text) > MAX_LINK_CHARS:
        raise StoreError(f"it is {len(text):,} characters, more than a link carries")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, _MAX_LINK_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise StoreError("it is larger than a link carries")
        items = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
        if isinstance(error, StoreError):
            raise
        raise StoreError("it is damaged; was the link cut short when copied?") from None
    if not isinstance(items, list) or not MIN_COMPARED <= len(items) <= MAX_COMPARED:
        raise StoreError(f"a comparison link holds {MIN_COMPARED} to {MAX_COMPARED} scenarios")
    scenarios: dict[str, Scenario] = {}
    reference: dict[str, Any] = {}
    for position, item in enumerate(items, start=1):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], dict)):
            raise StoreError(f"scenario {position} of the link is damaged")
        try:
            name = clean_name(item[0])
        except StoreError as error:
            raise StoreError(f"scenario {position} of the link: {error}") from None
        if name in scenarios:
            raise StoreError(f"the name '{name}' is in the link twice")
        fields = item[1] if position == 1 else {**reference, **item[1]}
        try:
            scenarios[name] = from_dict(fields)
        except ScenarioError as error:
            raise StoreError(f"scenario {position} ('{name}') of the link: {error}") from None
        if position == 1:
            reference = to_dict(scenarios[name])
    return scenarios


def compared(store: Mapping[str, Scenario], names: Sequence[str]) -> dict[str, Scenario]:
    """The named scenarios of the store, in the order given, skipping names it no longer has."""
    return {name: store[name] for name in names if name in store}


# On screen.


def differences_display(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The differences table as the page shows it: formatted text, "reference" in the first's gaps.

    The gap columns are named after the first scenario ("MRR vs Base").
    """
    first = frame["scenario"].iloc[0]

    def gap(value: float, name: str, text: str) -> str:
        return "reference" if name == first else "–" if not math.isfinite(value) else text

    return pd.DataFrame(
        {
            "Month": frame["month"].astype(int),
            "Scenario": frame["scenario"],
            "MRR": [money(v, currency) for v in frame["mrr"]],
            f"MRR vs {first}": [
                gap(v, n, signed_money(v, currency))
                for v, n in zip(frame["mrr_vs_first"], frame["scenario"], strict=True)
            ],
            "NRR, trailing 12": [pct(v) for v in frame["nrr_trailing_12"]],
            f"NRR vs {first}": [
                gap(v, n, points(v)) for v, n in zip(frame["nrr_vs_first"], frame["scenario"], strict=True)
            ],
            "GRR, trailing 12": [pct(v) for v in frame["grr_trailing_12"]],
            f"GRR vs {first}": [
                gap(v, n, points(v)) for v, n in zip(frame["grr_vs_first"], frame["scenario"], strict=True)
            ],
        }
    )


def delta_text(gap: float, first: str, currency: str) -> str | None:
    """A card's change against the first scenario, e.g. ``"+$49,416 vs Base"``; ``None`` when unknown.

    A loss starts with an ASCII hyphen, the sign ``st.metric`` reads to point its arrow down.

    >>> delta_text(-76945, "Base", "$"), delta_text(float("nan"), "Base", "$")
    ('-$76,945 vs Base', None)
    """
    if not math.isfinite(gap):
        return None
    return f"{signed_money(gap, currency).replace(MINUS, '-')} vs {first}"


def levers_table(store: Mapping[str, Scenario]) -> pd.DataFrame:
    """The saved scenarios' main levers, one row each, in people's units (percent a month)."""
    return pd.DataFrame(
        {
            "Scenario": list(store),
            "Churn %": [s.churn_rate * 100 for s in store.values()],
            "Contraction %": [s.contraction_rate * 100 for s in store.values()],
            "Expansion %": [s.expansion_rate * 100 for s in store.values()],
            "New customers a month": [s.new_customers_per_month for s in store.values()],
            "Starting MRR": [s.starting_mrr for s in store.values()],
            "Months": [s.months for s in store.values()],
            "Segments": [len(s.segments) for s in store.values()],
            "Initiatives": [len(s.initiatives) for s in store.values()],
        }
    )
