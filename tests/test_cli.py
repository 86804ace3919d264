"""The command line, run as a user runs it: ``python -m simulator``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

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
    ],
)
def test_bad_input_exits_2_with_one_clear_line(
    tmp_path: Path, command: str, content: str | None, message: str
) -> None:
    path = tmp_path / "input"
    if content is not None:
        path.write_text(content)
    result = run(command, str(path))
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
