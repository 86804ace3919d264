"""The command line, run as a user runs it: ``python -m simulator``."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simulator.backtest import BACKTEST_COLUMNS, ROLLING_COLUMNS
from simulator.metrics import METRICS_COLUMNS
from simulator.projection import PROJECTION_COLUMNS

SCENARIO = {
    "starting_mrr": 100_000,
    "churn_rate": 0.03,
    "contraction_rate": 0.01,
    "expansion_rate": 0.06,
    "months": 14,
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], capture_output=True, text=True, check=False
    )


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(SCENARIO))
    return path


def test_project_prints_one_csv_row_per_month_with_the_exact_columns(scenario_file: Path) -> None:
    result = run("project", str(scenario_file))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == PROJECTION_COLUMNS
    assert [int(r["month"]) for r in rows] == list(range(15))
    month_zero, month_one = rows[0], rows[1]
    assert [month_zero[c] for c in ("new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr")] == [
        "0.0"
    ] * 4
    assert month_zero["nrr_month"] == "" and month_zero["customers"] == ""
    assert float(month_one["mrr"]) == pytest.approx(102_000)
    assert float(month_one["nrr_month"]) == pytest.approx(1.02)
    assert month_one["nrr_trailing_12"] == ""
    assert float(rows[12]["nrr_trailing_12"]) == pytest.approx(1.02**12)


def test_projects_customers_follow_logo_churn_and_its_mrr_does_not(tmp_path: Path) -> None:
    """By hand: 3% of MRR churns in customers half the average account, so 6% of the 50 customers
    leave: 47, then 44.18; the MRR is the same as with average-sized churned customers."""
    path = tmp_path / "skewed.json"
    skewed = {"starting_mrr": 100_000, "starting_customers": 50, "churn_rate": 0.03, "months": 2}
    path.write_text(json.dumps({**skewed, "churned_size_multiple": 0.5}))
    even = tmp_path / "even.json"
    even.write_text(json.dumps(skewed))
    rows = list(csv.DictReader(io.StringIO(run("project", str(path)).stdout)))
    plain = list(csv.DictReader(io.StringIO(run("project", str(even)).stdout)))
    assert [row["customers"] for row in rows] == ["50.0", "47.0", "44.18"]
    assert [row["mrr"] for row in rows] == [row["mrr"] for row in plain] == ["100000.0", "97000.0", "94090.0"]


def test_project_json_uses_null_for_what_does_not_exist(scenario_file: Path) -> None:
    result = run("project", str(scenario_file), "--format", "json", "--months", "2")
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert rows[0]["nrr_month"] is None and rows[0]["customers"] is None
    assert rows[2]["grr_month"] == pytest.approx(0.96)


def test_metrics_prints_the_monthly_bridge(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("customer_id,month,mrr\na,2024-01,100\nb,2024-01,50\na,2024-02,120\n")
    result = run("metrics", str(path))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == METRICS_COLUMNS
    assert rows[1]["month"] == "2024-02"
    assert float(rows[1]["nrr_month"]) == pytest.approx(0.8)
    assert rows[0]["nrr_month"] == ""
    as_json = json.loads(run("metrics", str(path), "--format", "json").stdout)
    assert as_json[1]["churned_mrr"] == 50


DECAYING = "customer_id,month,mrr\na,2024-01,100\na,2024-02,90\na,2024-03,81\na,2024-04,72.9\n"


def test_backtest_prints_one_row_per_held_out_month_with_the_exact_columns(tmp_path: Path) -> None:
    """Fitted on 100 → 90 (10% contraction a month), the two held-out months forecast 81 and 72.90."""
    path = tmp_path / "export.csv"
    path.write_text(DECAYING)
    result = run("backtest", str(path), "--holdout", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        ",".join(BACKTEST_COLUMNS),
        "2024-03,81.0,81.0",
        "2024-04,72.9,72.9",
    ]
    as_json = json.loads(run("backtest", str(path), "--holdout", "1", "--format", "json").stdout)
    assert as_json == [{"month": "2024-04", "actual_mrr": 72.9, "forecast_mrr": 72.9}]


def test_a_backtest_on_an_export_too_short_exits_2_saying_how_many_months_it_needs(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(DECAYING)
    result = run("backtest", str(path), "--holdout", "3")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "the export covers 4 months; holding out 3 needs at least 5" in lines[0]


#: A customer paying 100 a month for a year and one month more, then 110 twice.
STEADY_THEN_UP = "customer_id,month,mrr\n" + "".join(f"a,2024-{m:02d},100\n" for m in range(1, 13))
STEADY_THEN_UP += "a,2025-01,100\na,2025-02,110\na,2025-03,110\n"


def test_a_rolling_backtest_prints_one_row_per_origin_and_month_with_the_exact_columns(
    tmp_path: Path,
) -> None:
    """15 months: origins December 2024 (a year fitted), January and February 2025, each forecasting up to
    2 months; December's and January's forecasts are 100, the flat line (the months up to them never
    changed: no change predicted). The band needs 9 past errors: the 11 months up to December 2024 hold
    55 (10 + 9 + … + 1 forecasts of leads up to 10), every one exact, so P10 = P90 = the forecast."""
    path = tmp_path / "export.csv"
    path.write_text(STEADY_THEN_UP)
    result = run("backtest", str(path), "--holdout", "2", "--rolling")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(ROLLING_COLUMNS)
    assert lines[1:4] == [
        "2024-12,2025-01,100.0,100.0,100.0,100.0,100.0",
        "2024-12,2025-02,110.0,100.0,100.0,100.0,100.0",
        "2025-01,2025-02,110.0,100.0,100.0,100.0,100.0",
    ]
    origins = [line.split(",")[0] for line in lines[1:]]
    assert origins == ["2024-12", "2024-12", "2025-01", "2025-01", "2025-02"]
    as_json = json.loads(run("backtest", str(path), "--holdout", "1", "--rolling", "--format", "json").stdout)
    assert [tuple(row) for row in as_json] == [ROLLING_COLUMNS] * 3
    assert as_json[0]["origin"] == "2024-12" and as_json[0]["forecast_mrr"] == 100.0
    # Without --rolling, the one-origin backtest as before.
    plain = run("backtest", str(path), "--holdout", "2").stdout.splitlines()
    assert plain[0] == ",".join(BACKTEST_COLUMNS) and len(plain) == 3


def test_a_rolling_backtest_on_an_export_under_13_months_exits_2_saying_what_it_needs(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(DECAYING)
    result = run("backtest", str(path), "--holdout", "1", "--rolling")
    assert result.returncode == 2 and result.stdout == ""
    assert "the export covers 4 months; a rolling backtest needs at least 13" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "required: --holdout"),
        (["--holdout", "0"], "--holdout is 0, outside the allowed range (1 to 600 months)"),
        (["--holdout", "six"], "--holdout must be a whole number of months, got 'six'"),
    ],
)
def test_a_bad_holdout_exits_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "export.csv"
    path.write_text(DECAYING)
    result = run("backtest", str(path), *args)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr


@pytest.mark.parametrize(
    ("command", "content", "message"),
    [
        ("project", None, "no such file"),
        ("project", "", "the file is empty"),
        ("project", "not json", "not valid JSON"),
        ("project", '{"starting_mrr": 1, "churn_rat": 0.1}', "did you mean 'churn_rate'"),
        ("project", '{"starting_mrr": 1, "churn_rate": 1.5}', "churn_rate is 1.5, outside the allowed range"),
        ("metrics", None, "no file at"),
        ("metrics", "", "the file is empty"),
        ("metrics", '{"starting_mrr": 1}', "looks like JSON, not a CSV"),
        ("metrics", "customer,month,mrr\na,2024-01,1\n", "no 'customer_id' column"),
        ("metrics", "customer_id,month,mrr\na,2024-01,1\na,2024-02,-3\n", "negative amounts (row 3: -3)"),
        ("metrics", "customer_id,month,mrr\na,2024-01,1\na,2024-02,x\n", "not numbers (row 3: 'x')"),
        ("metrics", "customer_id,month,mrr\na,2024-01,1\na,2024-13,1\n", "not a month (row 3: '2024-13')"),
        ("backtest", None, "no file at"),
        ("backtest", "", "the file is empty"),
        ("backtest", "customer_id,month,mrr\na,2024-01,1\na,2024-02,-3\n", "negative amounts (row 3: -3)"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(
    tmp_path: Path, command: str, content: str | None, message: str
) -> None:
    path = tmp_path / "input"
    if content is not None:
        path.write_text(content)
    result = run(command, str(path), *(("--holdout", "1") if command == "backtest" else ()))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["project"], ["project", "x.json", "--months", "0"], ["teleport", "x"]])
def test_usage_errors_exit_2_with_one_line(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


# The contract holds for hostile files and outputs too (issue 13).


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a refused run, after checking the rest of the contract."""
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_a_scenario_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(SCENARIO).encode())
    result = run("project", str(path), "--months", "1")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_an_endless_device_is_read_no_further_than_the_limit() -> None:
    assert "the file is over 1,000,000 bytes, more than a scenario file may take" in one_error_line(
        run("project", "/dev/zero")
    )
    assert "this is a binary file, not CSV text" in one_error_line(run("metrics", "/dev/zero"))


@pytest.mark.parametrize(
    ("command", "message"), [("project", "the file is empty"), ("metrics", "the file is empty")]
)
def test_a_pipe_nobody_writes_to_is_empty_not_a_wait(tmp_path: Path, command: str, message: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "simulator", command, str(fifo)], capture_output=True, text=True, timeout=20
    )
    assert message in one_error_line(result)


def test_a_pipe_with_a_writer_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    child = subprocess.Popen(
        [sys.executable, "-m", "simulator", "project", str(fifo), "--months", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with fifo.open("w") as writer:  # opens once the command has the pipe open
        writer.write(json.dumps(SCENARIO))
    out, err = child.communicate(timeout=20)
    assert child.returncode == 0, err
    assert len(out.splitlines()) == 3


def test_a_closed_standard_output_is_an_error_not_a_silent_success(scenario_file: Path) -> None:
    result = subprocess.run(
        ["sh", "-c", 'exec "$0" -m simulator project "$1" >&-', sys.executable, str(scenario_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: standard output is closed; send it to a file (> table.csv) or a pipe"
    ]


@pytest.mark.parametrize("command", ["project", "metrics"])
def test_a_full_disk_is_an_error_on_one_line(tmp_path: Path, scenario_file: Path, command: str) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "customer_id,month,mrr\n" + "".join(f"c{i},2024-0{1 + i % 2},100\n" for i in range(5000))
    )
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "simulator",
                command,
                str(scenario_file if command == "project" else export),
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["error: cannot write the output: No space left on device"]


def test_an_export_over_the_money_cap_exits_2_instead_of_printing_inf(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("customer_id,month,mrr\na,2024-01,6e11\nb,2024-01,6e11\na,2024-02,1\n")
    assert "adds up to 1.2e+12, over 1e+12" in one_error_line(run("metrics", str(path)))
    path.write_text("customer_id,month,mrr\na,2024-01,1e308\nb,2024-01,1e308\na,2024-02,1\n")
    assert "amounts over 1e+12 a month" in one_error_line(run("metrics", str(path)))


def test_a_file_name_with_a_line_break_stays_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.json"
    path.write_text("not json")
    assert "two\\nlines.json: not valid JSON" in one_error_line(run("project", str(path)))


def test_the_output_never_says_inf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The engine's bounds keep figures finite; were one infinite, the command would refuse, not print it."""
    import pandas as pd

    import simulator.cli
    from simulator.cli import main

    path = tmp_path / "export.csv"
    path.write_text("customer_id,month,mrr\na,2024-01,1\na,2024-02,2\n")
    real = simulator.cli.analyse

    def infinite(export: pd.DataFrame, **options: Any) -> object:
        result = real(export, **options)
        result.monthly.loc[1, "nrr_month"] = float("inf")
        return result

    monkeypatch.setattr(simulator.cli, "analyse", infinite)
    out, err = io.StringIO(), io.StringIO()
    assert main(["metrics", str(path)], stdout=out, stderr=err) == 2
    assert out.getvalue() == ""
    assert (
        err.getvalue()
        == f"error: {path}: the result has an infinite value in column 'nrr_month'; please report it\n"
    )


def test_a_bug_is_one_line_too_with_its_own_status(
    monkeypatch: pytest.MonkeyPatch, scenario_file: Path
) -> None:
    import simulator.cli
    from simulator.cli import main

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(simulator.cli, "project", broken)
    err = io.StringIO()
    assert main(["project", str(scenario_file)], stdout=io.StringIO(), stderr=err) == 1
    assert (
        err.getvalue() == f"error: {scenario_file}: internal error (RuntimeError: boom); please report it\n"
    )


# levers: the Biggest lever page's ranking, one row per lever in rank order.


def test_levers_prints_the_headroom_ranking_by_default_with_the_recommended_lever(
    scenario_file: Path,
) -> None:
    """domain.md's worked example 1 over 14 months, no new customers, at $1.2M ARR: the top quartile
    of $1M–10M loses 1 − 0.92^(1/12) = 0.6924% a month, three quarters churn (0.5193%) and a quarter
    contraction (0.1731%); expansion (6%) is already past its 1.18%. MRR = 100,000 × NRR^14. GRR is
    0.96^12 = 61%, below 90%: churn is the lever to pull first."""
    result = run("levers", str(scenario_file))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == (
        "lever",
        "from",
        "to",
        "nrr_month_gain",
        "mrr_gain",
        "clamped",
        "reaches",
        "recommended",
    )
    assert [(r["lever"], r["recommended"]) for r in rows] == [
        ("churn", "1"),
        ("contraction", "0"),
        ("expansion", "0"),
    ]
    churn = 0.75 * (1 - 0.92 ** (1 / 12))
    assert float(rows[0]["to"]) == round(churn, 6)
    assert float(rows[0]["mrr_gain"]) == round(100_000 * ((1 - churn - 0.01 + 0.06) ** 14 - 1.02**14), 2)
    assert float(rows[2]["mrr_gain"]) == 0.0


def test_levers_prints_the_relative_ranking_with_the_exact_columns(scenario_file: Path) -> None:
    """domain.md's worked example 1 over 14 months, no new customers: 10% of each lever moves
    monthly NRR to 1.026 (expansion), 1.023 (churn), 1.021 (contraction); MRR = 100,000 × NRR^14."""
    result = run("levers", str(scenario_file), "--mode", "relative")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0])[:5] == ("lever", "from", "to", "nrr_month_gain", "mrr_gain")
    assert [r["recommended"] for r in rows] == ["0", "1", "0", "0"]  # churn, whatever the view
    assert [r["lever"] for r in rows] == ["expansion", "churn", "contraction", "acquisition"]
    first = rows[0]
    assert (float(first["from"]), float(first["to"]), float(first["nrr_month_gain"])) == pytest.approx(
        (0.06, 0.066, 0.006)
    )
    assert float(first["mrr_gain"]) == round(100_000 * (1.026**14 - 1.02**14), 2)
    assert float(rows[1]["mrr_gain"]) == round(100_000 * (1.023**14 - 1.02**14), 2)


def test_levers_step_and_points_mode(scenario_file: Path) -> None:
    relative = list(csv.DictReader(io.StringIO(run("levers", str(scenario_file), "--step", "0.2").stdout)))
    assert float(next(r for r in relative if r["lever"] == "churn")["to"]) == pytest.approx(0.024)
    result = run("levers", str(scenario_file), "--mode", "points", "--step", "0.01", "--format", "json")
    rows = json.loads(result.stdout)
    by_lever = {row["lever"]: row for row in rows}
    # A point of any rate moves monthly NRR by a point: the three tie.
    assert {by_lever[k]["mrr_gain"] for k in ("churn", "contraction", "expansion")} == {
        round(100_000 * (1.03**14 - 1.02**14), 2)
    }
    assert by_lever["contraction"]["to"] == 0.0


def test_levers_target_mode_reaches_the_target_or_says_it_cannot(tmp_path: Path) -> None:
    path = tmp_path / "leaky.json"
    path.write_text(json.dumps({**SCENARIO, "churn_rate": 0.06, "expansion_rate": 0.02}))
    rows = list(csv.DictReader(io.StringIO(run("levers", str(path), "--mode", "target").stdout)))
    # $1.2M ARR: the top quartile of $1M–10M ARR is 106%; churn alone needs 1 − 0.01 + 0.02 − 1.06^(1/12).
    churn = next(r for r in rows if r["lever"] == "churn")
    assert float(churn["to"]) == pytest.approx(1 - 0.01 + 0.02 - 1.06 ** (1 / 12), abs=1e-6)
    contraction = next(r for r in rows if r["lever"] == "contraction")
    assert contraction["reaches"] == "False" and float(contraction["to"]) == 0
    higher = list(
        csv.DictReader(io.StringIO(run("levers", str(path), "--mode", "target", "--target", "1.1").stdout))
    )
    assert float(next(r for r in higher if r["lever"] == "churn")["to"]) < float(churn["to"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--step", "2"), "--step is 2, outside the allowed range"),
        (("--step", "x"), "--step must be a number"),
        (("--mode", "best"), "invalid choice: 'best'"),
        (("--mode", "target", "--step", "0.1"), "--step sets the relative and points modes, not target mode"),
        (("--mode", "headroom", "--step", "0.1"), "not headroom mode"),
        (("--target", "1.1"), "add --mode target"),
    ],
)
def test_levers_bad_input_exits_2_with_one_line(
    scenario_file: Path, args: tuple[str, ...], message: str
) -> None:
    result = run("levers", str(scenario_file), *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr
