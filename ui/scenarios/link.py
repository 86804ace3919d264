"""The comparison in one address parameter, :data:`COMPARE_PARAM`: base64url of zlib-compressed
compact JSON ``[[name, fields], ...]``, where the first scenario's fields are those that differ from the
engine's defaults and each later one's those that differ from the first."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping
from typing import Any

from simulator.budget import BudgetError, check_link, comparison_units
from simulator.scenario import Scenario, ScenarioError, from_dict, to_dict
from simulator.scenario_json import parse_json
from ui.scenarios.store import MAX_COMPARED, MIN_COMPARED, StoreError, clean_name

#: The address parameter that carries the compared scenarios.
COMPARE_PARAM = "compare"
#: Links longer than this are refused before decoding (4 scenarios with segments stay far below).
MAX_LINK_CHARS = 6_000
_MAX_LINK_JSON_BYTES = 200_000


def link_text(scenarios: Mapping[str, Scenario]) -> str:
    """The compared scenarios as one compact, address-safe text (see the module's docstring).

    >>> base = Scenario(starting_mrr=100_000, churn_rate=0.03)
    >>> from ui.scenarios.variants import variant
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
        if not raw.strip():
            raise ValueError("nothing inside")
        items = parse_json(raw.decode("utf-8"), max_bytes=_MAX_LINK_JSON_BYTES, what="the link")
    except ScenarioError as error:
        raise StoreError(str(error).removeprefix("the link ")) from None
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError) as error:
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
    horizon = next(iter(scenarios.values())).months
    shapes = [(s.months, len(s.segments), not s.is_core) for s in scenarios.values()]
    try:  # bounded work per link opened, before any projection (simulator.budget)
        check_link(comparison_units(shapes, horizon))
    except BudgetError as error:
        raise StoreError(str(error)) from None
    return scenarios
