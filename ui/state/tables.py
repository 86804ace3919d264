"""The sidebar's two tables, segments and the plan: their columns, their address form, and the engine's
objects they describe.

Both are tuples of rows in people's units (percent for rates, points or % for
an initiative's change); in the address each is one compact JSON list of rows.
Only the shape is checked here; the engine checks every value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from simulator.levers import BY_FIELD
from simulator.presets import recession
from simulator.scenario import (
    INITIATIVE_LEVERS,
    MAX_INITIATIVE_NAME,
    MAX_INITIATIVES,
    MAX_SEGMENT_NAME,
    MAX_SEGMENTS,
    Initiative,
    ScenarioError,
    Segment,
)
from simulator.scenario_json import parse_json

#: Values in tables are kept to this many decimals (a rate's percent, a change's points).
TABLE_DECIMALS = 4
#: The longest table an address parameter may hold (50 initiatives with long names stay far below).
MAX_TABLE_CHARS = 20_000
#: The segments table's columns, in people's units: a name, five percents, new-customer MRR.
SEGMENT_COLUMNS: tuple[str, ...] = (
    "Segment",
    "Churn %",
    "Contraction %",
    "Expansion %",
    "Share of MRR %",
    "Share of new customers %",
    "New-customer MRR",
)


#: The segments a user starts from when turning segments on: a typical SMB /
#: mid-market / enterprise split (domain.md: SMB churns most, enterprise expands most).
DEFAULT_SEGMENTS: tuple[tuple[Any, ...], ...] = (
    ("SMB", 4.5, 1.5, 3.0, 30.0, 70.0, 800),
    ("Mid-market", 2.5, 1.0, 5.0, 40.0, 25.0, 3_000),
    ("Enterprise", 1.0, 0.5, 6.0, 30.0, 5.0, 12_000),
)


#: The plan's columns: initiatives and shocks, each moving one lever from a start
#: month, ramping in; the change is in points for a rate and in % for acquisition
#: and new-customer MRR (both are hundredths of the engine's change). No end month: for good.
PLAN_COLUMNS: tuple[str, ...] = ("Initiative", "Lever", "Change", "Start month", "Ramp months", "End month")
#: The plan's levers in people's words, with the unit of their change (from the lever registry).
LEVER_NAMES: dict[str, str] = {field: BY_FIELD[field].name for field in INITIATIVE_LEVERS}
LEVER_UNITS: dict[str, str] = {
    field: "pts" if BY_FIELD[field].is_rate else "%" for field in INITIATIVE_LEVERS
}


def _number_or_none(value: Any) -> Any:
    """A table cell as a number, ``None`` for an empty one; text that is not a number stays text
    (for the engine to refuse with its own message)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def segments_to_text(rows: Any) -> str:
    """The segments table as one compact address parameter: a JSON list of rows.

    >>> segments_to_text((("SMB", 4.5, 1.5, 3.0, 100.0, 100.0, 800),))
    '[["SMB",4.5,1.5,3,100,100,800]]'
    """
    compact = [
        [
            cell if isinstance(cell, str) or cell is None else round(float(cell), TABLE_DECIMALS)
            for cell in row
        ]
        for row in rows
    ]
    compact = [[int(c) if isinstance(c, float) and c.is_integer() else c for c in row] for row in compact]
    return json.dumps(compact, separators=(",", ":"), ensure_ascii=False)


def _json_rows(text: str, param: str, item: str, most: int, width: int) -> list[tuple[int, list[Any]]]:
    """The rows of a table parameter (``segments``, ``plan``): 1 to ``most`` JSON lists of ``width`` values.

    Returns ``(position, row)`` pairs from 1; raises ``ValueError`` naming the parameter or row.
    """
    if len(text) > MAX_TABLE_CHARS:
        raise ValueError(
            f"the {param} in this link is {len(text):,} characters long, over the {MAX_TABLE_CHARS:,} it may "
            f"hold; a link carries at most {most} {item}s, each named in a few words"
        )
    try:
        rows = parse_json(text, max_bytes=MAX_TABLE_CHARS, what=param)
    except ScenarioError as error:
        raise ValueError(f"{param} is not a list of {item}s: {error}") from None
    if not isinstance(rows, list) or not 1 <= len(rows) <= most:
        raise ValueError(f"{param} must be a list of 1 to {most} {item}s")
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != width:
            raise ValueError(f"{item} {position} must have {width} values")
    return list(enumerate(rows, start=1))


def segments_from_text(text: str) -> tuple[tuple[Any, ...], ...]:
    """The segments table from its address form; raises ValueError saying what is wrong.

    The ranges and the shares adding to 100% are the engine's to check (see
    :func:`scenario_from_values`); this only checks the shape.

    >>> segments_from_text('[["SMB",4.5,1.5,3,100,100,800]]')
    (('SMB', 4.5, 1.5, 3.0, 100.0, 100.0, 800.0),)
    >>> segments_from_text('oops')
    Traceback (most recent call last):
    ...
    ValueError: segments is not a list of segments: ...
    """
    table = []
    for position, row in _json_rows(text, "segments", "segment", MAX_SEGMENTS, len(SEGMENT_COLUMNS)):
        name, *numbers = row
        if not isinstance(name, str) or len(name) > MAX_SEGMENT_NAME:
            raise ValueError(f"segment {position} needs a name of at most {MAX_SEGMENT_NAME} characters")
        for number in numbers:
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
                raise ValueError(f"segment {position} has '{number}', not a finite number")
        table.append((name, *(round(float(n), TABLE_DECIMALS) for n in numbers)))
    return tuple(table)


def segments_of(rows: Any) -> tuple[Segment, ...]:
    """The engine's segments for a table in people's units; the engine checks every value.

    Raises
    ------
    ScenarioError
        The engine's message (a rate out of range, shares not adding to 100%…).
    """
    segments = []
    for row in rows:
        name, churn, contraction, expansion, mrr_share, new_share, new_mrr = (
            _number_or_none(cell) if i else cell for i, cell in enumerate(row)
        )
        percents = {
            "churn_rate": churn,
            "contraction_rate": contraction,
            "expansion_rate": expansion,
            "mrr_share": mrr_share,
            "new_customer_share": new_share,
        }
        segments.append(
            Segment(
                name=name.strip() if isinstance(name, str) else name,
                **{
                    field: value / 100 if isinstance(value, float) else value
                    for field, value in percents.items()
                },
                new_customer_mrr=new_mrr,
            )
        )
    return tuple(segments)


def editor_frame(rows: Any, columns: tuple[str, ...], *, numbers_from: int) -> pd.DataFrame:
    """A table as ``st.data_editor`` shows it: the first column as text, the columns from
    ``numbers_from`` on as numbers (a cell that is not one shows empty), the others as they are."""
    frame = pd.DataFrame([list(row) for row in rows], columns=list(columns))
    numbers = list(columns[numbers_from:])
    frame[numbers] = frame[numbers].apply(pd.to_numeric, errors="coerce").astype("float64")
    frame[columns[0]] = frame[columns[0]].astype("string")
    for column in columns[1:numbers_from]:
        frame[column] = frame[column].astype("object")
    return frame


def segment_rows(segments: Any) -> tuple[tuple[Any, ...], ...]:
    """The segments table (people's units) for some engine segments.

    >>> segment_rows((Segment("SMB", 0.045, 0.015, 0.03, 1.0, 1.0, 800.0),))
    (('SMB', 4.5, 1.5, 3.0, 100.0, 100.0, 800),)
    """
    percents = ("churn_rate", "contraction_rate", "expansion_rate", "mrr_share", "new_customer_share")
    return tuple(
        (
            s.name,
            *(round(getattr(s, name) * 100, TABLE_DECIMALS) for name in percents),
            round(s.new_customer_mrr),
        )
        for s in segments
    )


def plan_from_text(text: str) -> tuple[tuple[Any, ...], ...]:
    """The plan from its address form; raises ValueError saying what is wrong.

    Only the shape is checked here; the engine checks the values (see
    :func:`initiatives_of`).

    >>> plan_from_text('[["Dunning","churn_rate",-0.8,3,4,null]]')
    (('Dunning', 'churn_rate', -0.8, 3, 4, None),)
    >>> plan_from_text('[["Dunning"]]')
    Traceback (most recent call last):
    ...
    ValueError: initiative 1 must have 6 values
    """
    table = []
    for position, row in _json_rows(text, "plan", "initiative", MAX_INITIATIVES, len(PLAN_COLUMNS)):
        name, lever, *numbers = row
        if isinstance(lever, str):  # a lever in any case (Churn_Rate), as every word of a link
            lever = next((known for known in INITIATIVE_LEVERS if known == lever.casefold()), lever)
        if not isinstance(name, str) or len(name) > MAX_INITIATIVE_NAME:
            raise ValueError(
                f"initiative {position} needs a name of at most {MAX_INITIATIVE_NAME} characters"
            )
        if lever not in INITIATIVE_LEVERS:
            raise ValueError(
                f"initiative {position} has the lever '{lever}', not one of {' '.join(LEVER_NAMES)}"
            )
        for index, number in enumerate(numbers):
            optional = index == len(numbers) - 1  # no end month: in force to the horizon
            if number is None and optional:
                continue
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
                raise ValueError(f"initiative {position} has '{number}', not a finite number")
        change, *months = numbers
        table.append(
            (
                name,
                lever,
                round(float(change), TABLE_DECIMALS),
                *(int(m) if isinstance(m, (int, float)) and float(m).is_integer() else m for m in months),
            )
        )
    return tuple(table)


def initiatives_of(rows: Any) -> tuple[Initiative, ...]:
    """The engine's initiatives for the plan in people's units; the engine checks every value.

    A change in points or % is a hundredth of the engine's (fraction points, relative change).

    Raises
    ------
    ScenarioError
        The engine's message (a name missing, a start month of 0, an end before the start…).
    """
    initiatives = []
    for position, row in enumerate(rows, start=1):
        name, lever, change, start, ramp, end = (
            _number_or_none(cell) if i > 1 else cell for i, cell in enumerate(row)
        )
        if lever is None:
            label = name.strip() if isinstance(name, str) and name.strip() else str(position)
            raise ScenarioError(
                f"initiative '{label}' needs a lever: churn, contraction, expansion, new customers "
                "or new-customer MRR"
            )
        initiatives.append(
            Initiative(
                name=name.strip() if isinstance(name, str) else name,
                lever=lever,
                change=change / 100 if isinstance(change, float) else change,
                start_month=start,
                ramp_months=ramp,
                end_month=end,
            )
        )
    return tuple(initiatives)


def plan_rows(initiatives: Any) -> tuple[tuple[Any, ...], ...]:
    """The plan table (people's units) for some engine initiatives.

    >>> plan_rows((Initiative("Dunning", "churn_rate", -0.008, start_month=3, ramp_months=4),))
    (('Dunning', 'churn_rate', -0.8, 3, 4, None),)
    """
    return tuple(
        (i.name, i.lever, round(i.change * 100, TABLE_DECIMALS), i.start_month, i.ramp_months, i.end_month)
        for i in initiatives
    )


def plan_problem(values: Mapping[str, Any]) -> str | None:
    """The engine's message when it refuses the plan, else ``None``."""
    try:
        initiatives_of(values.get("plan") or ())
    except ScenarioError as error:
        return str(error)
    return None


def edited_segments(
    rows: Any, edits: Mapping[str, Any], *, columns: tuple[str, ...] = SEGMENT_COLUMNS
) -> tuple[tuple[Any, ...], ...]:
    """The segments table (or the plan, with its ``columns``) after ``st.data_editor``'s edits.

    Edited, deleted and added rows are applied; other columns of the editor are ignored.

    Cells keep what the user typed, even when the engine will refuse it.

    >>> edited_segments((("A", 1.0, 0.0, 0.0, 100.0, 100.0, 500.0),),
    ...                 {"edited_rows": {0: {"Churn %": 2.5}}, "added_rows": [{"Segment": "B"}]})
    (('A', 2.5, 0.0, 0.0, 100.0, 100.0, 500.0), ('B', None, None, None, None, None, None))
    """
    table = [list(row) for row in rows]
    for index, changes in (edits.get("edited_rows") or {}).items():
        row = int(index)
        if 0 <= row < len(table):
            for column, value in changes.items():
                if column in columns:
                    table[row][columns.index(column)] = value
    deleted = {int(index) for index in edits.get("deleted_rows") or ()}
    table = [row for index, row in enumerate(table) if index not in deleted]
    for added in edits.get("added_rows") or ():
        table.append([added.get(column) for column in columns])
    return tuple(tuple(row) for row in table)


def with_recession(rows: Any, start_month: int = 1) -> tuple[tuple[Any, ...], ...]:
    """The plan with the recession preset's rows added (those not already in it, by name).

    >>> [row[0] for row in with_recession(())]
    ['Recession: churn', 'Recession: downgrades', 'Recession: fewer new customers']
    >>> len(with_recession(with_recession(())))
    3
    """
    names = {row[0] for row in rows}
    return tuple(rows) + tuple(row for row in plan_rows(recession(start_month)) if row[0] not in names)
