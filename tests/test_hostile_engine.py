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

import json
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.actuals import cohort_retention, levers_from_metrics
from simulator.export import ExportError, read_export
from simulator.metrics import analyse
from simulator.projection import project
from simulator.scenario import Scenario, ScenarioError
from simulator.scenario_json import MAX_JSON_DEPTH, MAX_SCENARIO_BYTES, from_json, parse_json, read_scenario

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
        with pytest.raises(ScenarioError, match=r"nests arrays and objects [\d,]+ deep, over the 20 allowed"):
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


def test_a_plan_over_fifty_initiatives_is_refused_at_every_entrance(tmp_path: Path) -> None:
    """Ranking a plan runs one projection per initiative: 2,000 of them took 105 s of server CPU."""
    initiative = {"name": "x", "lever": "churn_rate", "change": -0.001, "start_month": 1, "ramp_months": 1}
    data = json.dumps({"starting_mrr": 1000, "initiatives": [initiative] * 2_000}).encode()
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match="initiatives has 2000 initiatives; at most 50 are allowed"):
        read_scenario(data)
    assert time.perf_counter() - started < 2
    path = tmp_path / "plan.json"
    path.write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "levers", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and "at most 50 are allowed" in result.stderr and result.stdout == ""


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


# Exports: refused with a clear message, through read_export (bytes, path) and the command line.

HEADER = b"customer_id,month,mrr\n"
WIDE_ROW = b",".join([b"x"] * 2_000_000)  # 2 million fields, 4 MB: 40 s and 2.9 GB before
QUOTED_LINE_BREAKS = b",".join([b'"\n"'] * 3_000_000)  # 3 million fields whose lines look short

REFUSED: dict[str, tuple[bytes, str]] = {
    "one customer in 1000-01 and 2999-12 (took 9.3 GB for 145 s)": (
        HEADER + b"a,1000-01,1\na,2999-12,1\n",
        r"the months run from 1000-01 to 2999-12 \(row 2 and row 3\), 23,999 months apart; an export covers "
        r"at most 600 months \(50 years\), so check the month column for typos",
    ),
    "0001-01 to 9999-12 (asked for 107 GiB)": (
        HEADER + b"a,0001-01,1\na,9999-12,1\n",
        r"the months run from 0001-01 to 9999-12 .* 119,987 months apart",
    ),
    "1,000 customers over two distant months (reached 5.4 GB)": (
        HEADER + b"".join(b"c%d,1000-01,1\nc%d,2999-12,1\n" % (i, i) for i in range(1_000)),
        r"the months run from 1000-01 to 2999-12",
    ),
    "a row of 2 million fields, 4 MB (40 s, 2.9 GB)": (
        HEADER + b"a,2024-01,1\n" + WIDE_ROW + b"\nb,2024-02,2\n",
        r"row 3 is 3,999,999 bytes long, over the 65,536 bytes a row may take",
    ),
    "a first row of 12 MB (261 s, 9.5 GB)": (
        HEADER + b",".join([b"xxxxx"] * 2_000_000) + b"\na,2024-01,1\n",
        r"row 2 is 11,999,999 bytes long",
    ),
    "a header of 100,000 columns (83 s)": (
        b"customer_id,month,mrr," + b",".join([b"x"] * 100_000) + b"\na,2024-01,1\nb,2024-02,2\n",
        r"row 1 is 200,021 bytes long",
    ),
    "3 million fields on quoted line breaks, mid-file": (
        HEADER + b"a,2024-01,1\n" * 1_000 + QUOTED_LINE_BREAKS + b"\nb,2024-02,2\n",
        r"header's 3 \(row 1002 has 3,000,000\); check for a stray delimiter",
    ),
    "3 million fields on quoted line breaks, first": (
        HEADER + QUOTED_LINE_BREAKS + b"\nb,2024-02,2\n",
        r"row 2 is over 65,536 bytes long, more than a row may take",
    ),
    "amounts near 1e308 (inf on the page, exit 0 printing inf)": (
        HEADER + b"a,2024-01,1e308\nb,2024-01,1.7e308\na,2024-02,1\n",
        r"amounts over 1e\+12 a month, the most MRR the simulator models "
        r"\(row 2: 1e\+308, row 3: 1.7e\+308\)",
    ),
    "two rows of 6e11: a month over the money cap": (
        HEADER + b"a,2024-01,6e11\nb,2024-01,6e11\na,2024-02,1\n",
        r"the MRR of 2024-01 \(from row 2\) adds up to 1.2e\+12, over 1e\+12, the most MRR a month the "
        r"simulator models; check for a misplaced decimal separator, or read the amounts as cents",
    ),
    "a stray carriage return with an unquoted 1,00 (crashed)": (
        HEADER + b"a,2024-01,1\rb,2024-02,1,00\n",
        r"rows have a different number of fields than the header's 3 \(row 3 has 4\)",
    ),
    "a duplicate mrr column (the second was ignored)": (
        b"customer_id,month,mrr,mrr\na,2024-01,1,500\na,2024-02,2,500\n",
        r"2 columns could be mrr: 'mrr' \(column 3\) and 'mrr' \(column 4\); rename or delete the extra one",
    ),
    "a time of 25:99:99 (accepted)": (
        HEADER + b"a,2024-01-31 25:99:99,1\na,2024-02,1\n",
        r"'month' has values that are not a month \(row 2: '2024-01-31 25:99:99'\)",
    ),
}


@pytest.fixture(params=list(REFUSED))
def refused(request: pytest.FixtureRequest) -> tuple[bytes, str]:
    return REFUSED[request.param]


def test_each_hostile_export_is_refused_clearly_and_quickly_as_bytes(refused: tuple[bytes, str]) -> None:
    data, message = refused
    with pytest.raises(ExportError, match=message):
        within_bound(lambda: analyse(read_export(data)))


def test_each_hostile_export_is_refused_clearly_and_quickly_from_a_path(
    refused: tuple[bytes, str], tmp_path: Path
) -> None:
    data, message = refused
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    with pytest.raises(ExportError, match=message):
        within_bound(lambda: analyse(read_export(path)))


def test_each_hostile_export_is_one_line_and_status_2_on_the_command_line(
    refused: tuple[bytes, str], tmp_path: Path
) -> None:
    data, message = refused
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "metrics", str(path)], capture_output=True, text=True, timeout=10
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert re.search(message, result.stderr)
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_a_few_kilobytes_of_distant_months_allocate_little() -> None:
    """The 34 KB file reached 5.4 GB; the refusal now comes before any allocation sized by the months."""
    data = REFUSED["1,000 customers over two distant months (reached 5.4 GB)"][0]
    tracemalloc.start()
    try:
        with pytest.raises(ExportError):
            analyse(read_export(data))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50e6


# Exports: read as a user means them.


def test_a_european_export_reads_its_decimal_commas_and_gets_its_nrr_right(tmp_path: Path) -> None:
    data = b"customer_id;month;mrr\na;2024-01;1.200,50\nb;2024-01;100,50\na;2024-02;1.200,50\n"
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    for source in (data, path):
        export = read_export(source)
        assert export["mrr"].tolist() == [1200.5, 100.5, 1200.5]
        assert analyse(export).monthly["nrr_month"].iat[1] == pytest.approx(1200.5 / 1301.0)
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "metrics", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert json.loads(result.stdout)[1]["ending_mrr"] == 1200.5


def test_ids_that_differ_only_by_surrounding_spaces_keep_their_customer() -> None:
    monthly = analyse(read_export(HEADER + b'a,2024-01,100\n" a",2024-02,100\n')).monthly
    assert monthly["nrr_month"].iat[1] == 1.0
    assert monthly["customers"].tolist() == [1, 1]


amount = st.sampled_from([0.0, 1e-300, 0.004, 0.01, 1.0, 999.99, 1.2e11, 6e11, 1e12, 1.7e308])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 14), amount), min_size=2, max_size=10))
def test_any_export_is_refused_or_gives_finite_figures_and_a_valid_scenario(
    rows: list[tuple[int, int, float]],
) -> None:
    """Whatever the amounts: an ExportError, or finite figures (NaN where undefined) and valid levers."""
    text = "".join(f"c{c},{2023 + m // 12}-{m % 12 + 1:02d},{a!r}\n" for c, m, a in rows)
    try:
        metrics = analyse(read_export(HEADER + text.encode()))
    except ExportError:
        return
    figures = metrics.monthly.drop(columns="month").to_numpy(dtype=float)
    assert not np.isinf(figures).any()
    assert not np.isinf(cohort_retention(metrics).to_numpy()).any()
    levers = levers_from_metrics(metrics)  # a Scenario: validated on creation
    assert project(levers.scenario).table.drop(columns="month").abs().max().max() < np.inf


# Memory, in a fresh process: the bound the export module states.

_MEASURE = """
import re, sys, time
from pathlib import Path
from simulator.actuals import cohort_retention, levers_from_metrics, top_expansion_share
from simulator.export import read_export
from simulator.metrics import analyse

def status(field):
    text = Path("/proc/self/status").read_text()
    return int(re.search(field + r":\\s+(\\d+) kB", text).group(1)) * 1024

path = Path(sys.argv[1])
Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to what is resident now
before = status("VmRSS")
start = time.perf_counter()
try:
    metrics = analyse(read_export(path))
    cohort_retention(metrics), top_expansion_share(metrics), levers_from_metrics(metrics)
except ValueError:
    pass
print(time.perf_counter() - start, status("VmHWM") - before)
"""

SHAPES: dict[str, Callable[[int], str]] = {
    # Each customer twice, fifty years apart: a dense matrix took 8 bytes × 601 months a customer.
    "customers fifty years apart": lambda n: (
        "customer_id,month,mrr\n" + "".join(f"c{i},{1990 + i % 2 * 50}-01,1\n" for i in range(n))
    ),
    "a distinct customer a row": lambda n: (
        "customer_id,month,mrr\n" + "".join(f"c{i},2024-0{1 + i % 2},1\n" for i in range(n))
    ),
    "a distinct timestamp a row": lambda n: (
        "customer_id,month,mrr\n"
        + "".join(
            f"c{i % 1000},2020-{1 + i % 12:02d}-{1 + i // 12 % 28:02d}T"
            f"{i // 336 // 3600 % 24:02d}:{i // 336 // 60 % 60:02d}:{i // 336 % 60:02d},1\n"
            for i in range(n)
        )
    ),
    "decimal commas as text": lambda n: (
        "customer_id;month;mrr\n"
        + "".join(f"c{i % 5000};2024-0{1 + i % 9};{i % 1000}.{i % 997:03d},50\n" for i in range(n))
    ),
    "a ragged row at the very end": lambda n: (
        "customer_id,month,mrr\n" + "a,2024-01,1\n" * n + "a,2024-02,1,2\n"
    ),
    # Issue 21: layouts that spread a row over months. Subscriptions fifty years long are refused before
    # spreading; thirteen months each stay under the allowance and spread into 2.6 million rows.
    "subscriptions fifty years long": lambda n: (
        "customer_oid,plan_amount,plan_interval,subscription_started_at\n"
        + "".join(f"c{i},100,month,1975-01-05\n" for i in range(n))
        + "z,100,month,2024-12-05\n"
    ),
    "subscriptions spread to the allowance": lambda n: (
        "customer_oid,plan_amount,plan_interval,subscription_started_at\n"
        + "".join(f"c{i},100,month,2023-01-05\n" for i in range(n))
        + "z,100,month,2024-01-05\n"
    ),
    "movements held for fifty years": lambda n: (
        "DATE,CUSTOMER_UUID,MRR_MOVEMENT\n"
        + "".join(f"1975-01-05,c{i},100\n" for i in range(n))
        + "2024-12-05,z,100\n"
    ),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_memory_stays_under_forty_times_the_file_plus_300_mb(shape: str, tmp_path: Path) -> None:
    """A few MB of each of the worst shapes found (at 50 MB the worst, unique timestamps, took 1.1 GB)."""
    path = tmp_path / "export.csv"
    path.write_text(SHAPES[shape](200_000))
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seconds, grown = (float(v) for v in result.stdout.split())
    size = path.stat().st_size
    assert 2e6 < size < 8e6
    assert grown < 40 * size + 300e6
    assert seconds < 5 * SECONDS  # linear in the file (about 1 s here), not minutes


# Issue 23, finding 1: amounts are read one way per file, decided from all of its values and its
# delimiter, said on standard error, and refused when nothing decides or the file mixes the two.

SEMICOLONS = b"customer_id;month;mrr\na;2024-01;1.010\nb;2024-01;2.500\na;2024-02;1.010\n"


def test_a_semicolon_export_in_whole_thousands_is_read_in_thousands_and_says_so(tmp_path: Path) -> None:
    """1.010 in a file whose fields are separated by semicolons is a thousand and ten (read as 1.01
    before: every MRR a thousand times too small, with no word)."""
    assert read_export(SEMICOLONS)["mrr"].tolist() == [1010.0, 2500.0, 1010.0]
    path = tmp_path / "export.csv"
    path.write_bytes(SEMICOLONS)
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "metrics", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[1]["ending_mrr"] == 1010.0
    assert re.search(r"amounts read with decimal commas and points between thousands", result.stderr)
    assert "row 2: '1.010' is 1010" in result.stderr and "semicolons" in result.stderr


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"customer_id;month;mrr\na;2024-01;1.200\nb;2024-01;1,500\na;2024-02;1.200\n",
            r"'mrr' writes some amounts with a point before three digits \(row 2: '1.200' and 1 more\) and "
            r"others with a comma before three digits \(row 3: '1,500'\)",
        ),
        (
            b"customer_id,month,mrr\na,2024-01,1.010\nb,2024-01,2.500\na,2024-02,1.010\n",
            r"'mrr' has amounts that read two ways \(row 2: '1.010' is 1010 with a point between "
            r"thousands, or 1.01 with a decimal point\)",
        ),
        (
            b'customer_id\tmonth\tmrr\na\t2024-01\t"1,500"\na\t2024-02\t7\n',
            r"\(row 2: '1,500' is 1500 with a comma between thousands, or 1.5 with a decimal comma\)",
        ),
    ],
)
def test_amounts_that_read_two_ways_are_refused_naming_rows(data: bytes, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        read_export(data)


def test_decimals_elsewhere_in_the_file_decide_an_amount_that_reads_two_ways() -> None:
    assert read_export(b"customer_id,month,mrr\na,2024-01,1.010\na,2024-02,1016.19\n")["mrr"].tolist() == [
        1.01,
        1016.19,
    ]
    assert read_export(b"customer_id;month;mrr\na;2024-01;1.010\na;2024-02;99,50\n")["mrr"].tolist() == [
        1010.0,
        99.5,
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 10**9), min_size=2, max_size=8),
    st.sampled_from([",", "."]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([",", ";", "\t"]),
)
def test_no_amount_is_ever_read_a_thousand_times_off_without_a_word(
    cents: list[int], decimal: str, grouped: bool, whole: bool, delimiter: str
) -> None:
    """However amounts are written (a decimal point or comma, thousands grouped or not, with cents
    or whole), each reads back as written, or the file is refused; the one guess, a semicolon
    file of whole amounts grouped by a separator before three digits, is read as the semicolon's
    habit (decimal commas) and says so."""
    thousands = "." if decimal == "," else ","

    def written(amount: int) -> str:
        units, fraction = divmod(amount, 100)
        text = f"{units:,}".replace(",", thousands) if grouped else str(units)
        return f'"{text}"' if whole else f'"{text}{decimal}{fraction:02d}"'

    meant = [(a // 100 if whole else a / 100) for a in cents]
    rows = "".join(f"c{i}{delimiter}2024-0{1 + i % 2}{delimiter}{written(a)}\n" for i, a in enumerate(cents))
    data = f"customer_id{delimiter}month{delimiter}mrr\n{rows}".encode()
    try:
        export = read_export(data)
    except ExportError:
        return
    read = export["mrr"].tolist()
    if read != pytest.approx(meant):
        assert delimiter == ";" and decimal == "." and whole and grouped
        from simulator.export import export_notes

        assert any("decimal commas" in note for note in export_notes(export))


# Issue 23, finding 8: messages in the user's terms.


def test_a_scenario_file_that_is_null_says_it_holds_nothing() -> None:
    with pytest.raises(
        ScenarioError, match=r"^the file holds null \(nothing\), not a scenario; a scenario is"
    ) as e:
        read_scenario(b"null")
    assert "NoneType" not in str(e.value)
    with pytest.raises(ScenarioError, match=r"the file holds a list, not a scenario"):
        read_scenario(b"[1, 2]")
    with pytest.raises(ScenarioError, match=r"segments must be a list of segment objects, not null"):
        read_scenario(b'{"starting_mrr": 5, "segments": null}')


def test_a_utf32_scenario_file_is_read_and_one_without_its_mark_is_named() -> None:
    text = '{"starting_mrr": 1000, "churn_rate": 0.02}'
    assert read_scenario(text.encode("utf-32")) == Scenario(1000, churn_rate=0.02)
    with pytest.raises(
        ScenarioError, match=r"UTF-32 or UTF-16 text without a byte-order mark; save it as UTF-8"
    ):
        read_scenario(text.encode("utf-32-le"))


def test_a_utf32_export_is_read_as_text() -> None:
    data = "customer_id,month,mrr\na,2024-01,100\na,2024-02,120\n".encode("utf-32")
    assert read_export(data)["mrr"].tolist() == [100.0, 120.0]


def test_a_plan_too_long_for_a_link_is_said_in_characters_of_the_link() -> None:
    from ui.state.address import values_from_query

    plan = '[["' + "€" * 20_000 + '","churn_rate",-0.5,1,1,null]]'
    _, notice = values_from_query({"plan": plan})
    assert notice is not None and "file" not in notice and "bytes" not in notice
    assert "the plan in this link is 20,033 characters long, over the 20,000 it may hold" in notice


def test_an_export_pasted_twice_gets_a_warning_naming_a_repeated_row(tmp_path: Path) -> None:
    """Rows for one customer and month add up, so an export pasted twice counts every MRR twice."""
    rows = b"a,2024-01,100\nb,2024-01,50\na,2024-02,120\n"
    twice, once = tmp_path / "twice.csv", tmp_path / "once.csv"
    twice.write_bytes(HEADER + rows + rows)
    once.write_bytes(HEADER + rows)
    said = "3 rows repeat an earlier row exactly (row 5 repeats row 2: the same customer, month and amount)"
    for path, warned in ((twice, True), (once, False)):
        result = subprocess.run(
            [sys.executable, "-m", "simulator", "metrics", str(path)],
            capture_output=True,
            text=True,
            timeout=10,
        )
        assert result.returncode == 0
        assert (said in result.stderr) == warned
        assert len(result.stderr.splitlines()) == int(warned)


# Issue 23, findings 5 and 7 and the names of finding 2: every name is valid Unicode, visible, free of
# direction overrides and within its length, checked by the engine at every entrance.

SURROGATE_SEGMENT = (
    '{"starting_mrr": 5, "segments": [{"name": "\\ud800", "churn_rate": 0.02, "mrr_share": 1, '
    '"new_customer_share": 1}]}'
)
SURROGATE_PLAN = (
    '{"starting_mrr": 5, "initiatives": [{"name": "A\\ud800", "lever": "churn_rate", "change": -0.01}]}'
)


@pytest.mark.parametrize("data", [SURROGATE_SEGMENT, SURROGATE_PLAN])
def test_a_lone_surrogate_in_a_name_is_refused_where_the_file_is_read(data: str, tmp_path: Path) -> None:
    """Streamlit cannot send a lone surrogate (the page crashed and stayed broken), nor can a file
    hold one: ``report`` exited 1 with "internal error"."""
    with pytest.raises(ScenarioError, match=r"holds a broken character \(a lone surrogate, \\ud800\)"):
        read_scenario(data.encode())
    path = tmp_path / "scenario.json"
    path.write_text(data)
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "report", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert "broken character" in result.stderr and "internal error" not in result.stderr


def test_a_lone_surrogate_in_a_link_is_refused_by_the_address_and_the_comparison_link() -> None:
    import base64
    import zlib

    from ui.scenarios.link import scenarios_from_link
    from ui.scenarios.store import StoreError
    from ui.state.address import values_from_query

    _, notice = values_from_query({"plan": '[["\\ud800","churn_rate",-0.5,1,1,null]]'})
    assert notice is not None and "broken character" in notice
    items = json.dumps([["\ud800", {"starting_mrr": 5}], ["B", {}]]).encode()
    packed = base64.urlsafe_b64encode(zlib.compress(items)).decode().rstrip("=")
    with pytest.raises(StoreError, match="broken character"):
        scenarios_from_link(packed)


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u200d", "\u2060 \ufeff", "\u202e", " \u3164 "])
def test_a_name_of_invisible_characters_only_is_refused(name: str) -> None:
    from simulator.scenario import Initiative, Segment
    from ui.scenarios.store import StoreError, clean_name

    with pytest.raises(ScenarioError, match=r"segment name needs a visible character"):
        Segment(name, mrr_share=1, new_customer_share=1)
    with pytest.raises(ScenarioError, match=r"initiative name needs a visible character"):
        Initiative(name, "churn_rate", -0.01)
    with pytest.raises(StoreError, match=r"a scenario name needs a visible character"):
        clean_name(name)


def test_direction_overrides_and_zero_width_spaces_are_removed_from_names() -> None:
    """A right-to-left override makes "Base\u202egnp.exe" read as "Baseexe.png"; a zero-width
    space makes "Plan" and "Pl\u200ban" two names that look alike."""
    from report.format import literal
    from simulator.scenario import Segment
    from ui.scenarios.store import clean_name

    assert Segment("SMB\u202e \u2066x\u2069", mrr_share=1, new_customer_share=1).name == "SMB x"
    assert clean_name("Pl\u200ban\u202e B") == "Plan B"
    assert "\u202e" not in literal("a\u202eb") and "\u2067" not in literal("a\u2067b")
    family = "Family \U0001f468\u200d\U0001f469"  # joiners stay: emoji sequences need them
    assert clean_name(family) == family


def test_name_lengths_are_the_engines_at_every_entrance(tmp_path: Path) -> None:
    """A scenario file or comparison link carried a 41-character segment name or a 201-character
    initiative name into the sidebar, and so into an address that then could not be reopened."""
    segment = {"name": "S" * 41, "churn_rate": 0.02, "mrr_share": 1, "new_customer_share": 1}
    with pytest.raises(ScenarioError, match=r"segment name is 41 characters; a name has at most 40"):
        read_scenario(json.dumps({"starting_mrr": 5, "segments": [segment]}).encode())
    initiative = {"name": "I" * 201, "lever": "churn_rate", "change": -0.01}
    data = json.dumps({"starting_mrr": 5, "initiatives": [initiative]})
    with pytest.raises(ScenarioError, match=r"initiative name is 201 characters; a name has at most 200"):
        read_scenario(data.encode())
    path = tmp_path / "plan.json"
    path.write_text(data)
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "levers", str(path)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "at most 200" in result.stderr


# Issue 23, finding 6: bounded work, shared by every visitor.


def test_heavy_work_waits_its_turn_at_the_gate_shared_by_every_visitor() -> None:
    """Two visitors' heavy projections that do not fit side by side run one after the other; the
    second waits while the first holds the gate (events, not sleeps, order the threads)."""
    import threading

    from simulator.budget import _Gate

    gate = _Gate(10)
    inside, release = threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        with gate.hold(8):
            order.append("first in")
            inside.set()
            release.wait(10)
            order.append("first out")

    def second() -> None:
        inside.wait(10)
        with gate.hold(8):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    with gate._changed:
        assert gate._changed.wait_for(lambda: gate.waiting == 1, timeout=10)
    assert order == ["first in"] and gate.running == 8
    release.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first in", "first out", "second in"] and gate.running == 0


def test_a_heavy_view_holds_its_place_at_the_gate_to_its_end() -> None:
    """Its charts and tables are heavy too: the place is kept from its first heavy work to its end."""
    from simulator import budget

    with budget.allowance():
        budget.heavy_view(budget.HEAVY_UNITS - 1)
        assert budget.GATE.holders == 0  # light so far
        project(Scenario(1e6, churn_rate=0.02, annual_plan_share=0.3, months=300))  # 0.9 million units
        assert budget.GATE.holders == 1
        project(Scenario(1e6, churn_rate=0.02, annual_plan_share=0.3, months=300))  # its place, again
        assert budget.GATE.holders == 1
    assert budget.GATE.holders == 0


def test_work_within_work_does_not_wait_for_itself() -> None:
    """An upload's analysis holds the gate and projects its calibration: that projection goes on."""
    from simulator import budget

    with budget.heavy(budget.GATE_UNITS), budget.heavy(budget.GATE_UNITS):
        assert budget.GATE.holders == 1


def test_light_work_never_waits_at_the_gate() -> None:
    from simulator import budget

    with budget.GATE.hold(budget.GATE_UNITS):  # the gate full of someone's heavy work
        assert project(Scenario(100_000, churn_rate=0.03, months=120)).mrr_at(120) > 0


def test_a_view_that_would_pass_its_allowance_is_refused_saying_what_to_shorten() -> None:
    from simulator import budget
    from simulator.ranking import rank

    heavy = Scenario(1e6, churn_rate=0.02, expansion_rate=0.03, new_customers_per_month=10, months=600)
    refined = heavy.replace(annual_plan_share=0.3)
    with budget.allowance(15_000_000):
        project(refined)  # 3.6 million units; ranking takes six more
        with pytest.raises(budget.BudgetError, match=r"shorten the horizon, or use fewer segments"):
            rank(refined)
    # Outside a view (the command line) there is no limit.
    assert len(rank(heavy.replace(months=36), mode="relative").table) >= 4
