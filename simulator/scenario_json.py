"""Scenario files: the one reader of a scenario's JSON for the command line and the app, and the writer.

A file a visitor supplies is read with bounded work: its size, its nesting
depth and its numbers' digits are limited before or while Python's parser
runs, a key given twice is refused (JSON would let the last one win
silently), and every message is one line.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

from simulator.scenario import Scenario, ScenarioError, from_dict, json_kind, to_dict

#: The largest scenario file read, in bytes (the app's upload limit too).
MAX_SCENARIO_BYTES = 1_000_000
#: How deeply arrays and objects may nest in a scenario file (a scenario needs 3, a set of them 5).
MAX_JSON_DEPTH = 20
#: The most digits of a whole number in a scenario file (no field takes more than 13).
MAX_INT_DIGITS = 20


# A JSON string, escapes and all (unrolled, so that matching stays linear).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def read_scenario(data: bytes | str, *, max_bytes: int = MAX_SCENARIO_BYTES) -> Scenario:
    """The validated scenario in a scenario file's bytes or text: the one reader of the CLI and the app.

    Parameters
    ----------
    data
        The file's bytes (UTF-8, with or without a byte-order mark, or
        UTF-16 with one) or its text.
    max_bytes
        Refuse a larger file.

    Raises
    ------
    ScenarioError
        One line saying what is wrong: the file (too large, empty, not text,
        not JSON, nested too deeply, a key twice in one object, a number with
        too many digits) or a field (see :func:`from_dict`).

    Examples
    --------
    >>> read_scenario(b'\\xef\\xbb\\xbf{"starting_mrr": 1000, "churn_rate": 0.02}').monthly_nrr
    0.98
    """
    parsed = parse_json(data, max_bytes=max_bytes)
    if not isinstance(parsed, dict):
        raise not_a_scenario(parsed)
    try:
        return from_dict(parsed)
    except ScenarioError as error:
        raise ScenarioError(_one_line(str(error))) from None


def parse_json(data: bytes | str, *, max_bytes: int = MAX_SCENARIO_BYTES, what: str = "the file") -> Any:
    """JSON from a file a visitor supplied, with bounded work: what :func:`read_scenario` parses.

    Refuses, before Python's parser sees them, files over ``max_bytes``
    and arrays or objects nested deeper than :data:`MAX_JSON_DEPTH` (Python's
    parser recurses); while parsing, a key repeated in one object (JSON lets
    the last one win silently) and whole numbers over :data:`MAX_INT_DIGITS`
    digits (Python refuses to convert those past 4,300 digits).

    ``what`` names the text in messages ("the file", or a link's parameter).

    Raises
    ------
    ScenarioError
        One line saying what is wrong and how to fix it.
    """
    text = _json_text(data, max_bytes=max_bytes)
    if not text.strip():
        raise ScenarioError(f'{what} is empty; a scenario is JSON such as {{"starting_mrr": 100000}}')
    depth = _nesting(text)
    if depth > MAX_JSON_DEPTH:
        raise ScenarioError(
            f"{what} nests arrays and objects {depth:,} deep, over the {MAX_JSON_DEPTH} allowed; "
            'a scenario is one object such as {"starting_mrr": 100000}'
        )

    def whole_number(digits: str) -> int:
        return _whole_number(digits, what)

    try:
        return json.loads(text, object_pairs_hook=_object, parse_int=whole_number)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None


def not_a_scenario(parsed: Any) -> ScenarioError:
    """The error for a file whose JSON is not an object: what it holds, in a person's words."""
    kind = "null (nothing)" if parsed is None else json_kind(parsed)
    return ScenarioError(
        f"the file holds {kind}, not a scenario; a scenario is a JSON object of fields such as "
        '{"starting_mrr": 100000}'
    )


def from_json(text: str | bytes) -> Scenario:
    """Parse and validate a scenario from JSON text (or bytes): :func:`read_scenario`."""
    return read_scenario(text)


def _json_text(data: bytes | str, *, max_bytes: int) -> str:
    """The file's text, once its size is checked; a byte-order mark dropped."""
    if isinstance(data, bytes):
        size = len(data)
    else:
        # A character is at least a byte: encode only when the count of characters cannot decide.
        size = len(data) if len(data) > max_bytes else len(data.encode("utf-8", "replace"))
    if size > max_bytes:
        raise ScenarioError(
            f"the file is {size:,} bytes, over the {max_bytes:,} a scenario file may take; "
            'a scenario is a short JSON object such as {"starting_mrr": 100000}'
        )
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
            return data.decode("utf-32")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError("not a JSON text file (it is not UTF-8); save the scenario as JSON") from None
    if "\x00" in text[:64]:
        raise ScenarioError(
            "the file looks like UTF-32 or UTF-16 text without a byte-order mark; save it as UTF-8"
        )
    return text


def _nesting(text: str) -> int:
    """How deeply arrays and objects nest, brackets inside strings left out (one pass, no recursion)."""
    bare = _JSON_STRING.sub('""', text).encode("utf-8", "replace")
    codes = np.frombuffer(bare, dtype=np.uint8)
    steps = np.isin(codes, (ord("["), ord("{"))).astype(np.int64) - np.isin(codes, (ord("]"), ord("}")))
    return int(np.cumsum(steps).max(initial=0))


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different."""
    built: dict[str, Any] = {}
    for key, value in pairs:
        if key in built:
            raise ScenarioError(
                f"the field {_one_line(repr(key))} appears twice in one object; keep one of them "
                "(JSON readers disagree on which one counts)"
            )
        built[key] = value
    return built


def _whole_number(text: str, what: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise ScenarioError(
            f"{what} has a {digits:,}-digit number ({text[:12]}…); no scenario value takes more than "
            f"{MAX_INT_DIGITS} digits: check for a pasted run of digits"
        )
    return int(text)


def _one_line(message: str) -> str:
    """A message on one line: control characters (a key or name may hold a line break) escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)


def to_json(scenario: Scenario) -> str:
    """The scenario as indented JSON text, readable back by :func:`from_json`."""
    return json.dumps(to_dict(scenario), indent=2) + "\n"
