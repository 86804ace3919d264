"""Every file the app and the command line write, as MRR and as ARR: money 12 ×, everything else the same.

Each table file is made twice, revenue as MRR and as ARR: the command line's ``project``,
``metrics``, ``backtest`` (one origin and rolling) and ``levers`` (every mode, CSV and JSON) without
and with ``--revenue arr``, and the app's downloads (the projection CSV, the Scenarios page's
differences and month-by-month CSVs, Know your number's monthly metrics and forecast). Every column is
checked against what it IS, said here once per column name (:data:`KINDS`), independently of the
engine's own list: an amount of MRR is 12 × it in ARR, to the cent of the unrounded figure, and
renamed ``arr`` (the band's ``forecast_p10`` and ``forecast_p90`` keep their names); every other
column (months, counts, rates, shares, ratios, lever values, flags, names) is the same text in both
files. A column this test does not know fails it, and so does a new place in the code that writes a
table or offers a download, until it is walked here too.
"""

from __future__ import annotations

import ast
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from report import content
from report.revenue import ARR, MRR, Revenue
from simulator import cli, output
from simulator.actuals import months_after
from simulator.calibration import calibrate
from simulator.comparison import compare
from simulator.export import read_export
from simulator.metrics import analyse
from simulator.sample_data import generate_export
from simulator.scenario_json import to_json
from tests.examples import LEAKY
from ui.actuals import reading
from ui.scenarios import files

ROOT = Path(__file__).resolve().parent.parent

MONEY = "an amount of MRR"
#: What each column of a written table holds. Only amounts of MRR change with the view.
KINDS: dict[str, str] = {
    "month": "a month (a number, or YYYY-MM in an export)",
    "origin": "a month (YYYY-MM): the last one a rolling backtest's forecast was fitted on",
    "scenario": "a scenario's name",
    "lever": "a lever's name",
    "customers": "a count of customers",
    "new_customers": "a count of customers",
    "churned_customers": "a count of customers",
    "mrr": MONEY,
    "starting_mrr": MONEY,
    "new_mrr": MONEY,
    "reactivation_mrr": MONEY,
    "expansion_mrr": MONEY,
    "contraction_mrr": MONEY,
    "churned_mrr": MONEY,
    "ending_mrr": MONEY,
    "existing_base_mrr": MONEY,
    "new_mrr_to_stay_flat": MONEY,
    "mrr_vs_first": MONEY,
    "mrr_gain": MONEY,
    "actual_mrr": MONEY,
    "forecast_mrr": MONEY,
    "flat_mrr": MONEY,
    "forecast_p10": MONEY,
    "forecast_p90": MONEY,
    "share_of_new_mrr_replacing_losses": "a share of new revenue: the same share of MRR and of ARR",
    "nrr_month": "a rate",
    "grr_month": "a rate",
    "nrr_trailing_12": "a rate",
    "grr_trailing_12": "a rate",
    "nrr_vs_first": "a difference of rates",
    "grr_vs_first": "a difference of rates",
    "nrr_month_gain": "a difference of rates",
    "quick_ratio": "a ratio of amounts",
    "from": "a lever's value: a rate, or new customers a month",
    "to": "a lever's value: a rate, or new customers a month",
    "clamped": "a flag",
    "reaches": "a flag",
    "recommended": "a flag",
}


@dataclass(frozen=True)
class Written:
    """One file as written, and the tables it was written from, before rounding."""

    text: str
    tables: list[pd.DataFrame]


@dataclass(frozen=True)
class TableFile:
    """A file of a table, made in a revenue view; ``fmt`` is csv or json."""

    name: str
    make: Callable[[Revenue], str]
    fmt: str = "csv"


def _write(make: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> Written:
    """Make a file, keeping every table handed to the one writer (:mod:`simulator.output`) unrounded."""
    seen: list[pd.DataFrame] = []
    real = output.rounded

    def keep(table: pd.DataFrame) -> pd.DataFrame:
        seen.append(table.copy())
        return real(table)

    with monkeypatch.context() as patch:
        patch.setattr(output, "rounded", keep)
        text = make()
    return Written(text, seen)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A scenario whose base leaks (so that some new MRR only replaces losses) and a seeded export."""
    folder = tmp_path_factory.mktemp("inputs")
    scenario = folder / "scenario.json"
    scenario.write_text(to_json(LEAKY.replace(months=30)), encoding="utf-8")
    export = folder / "export.csv"
    generate_export(80, months=20, seed=5).to_csv(export, index=False)
    return {"scenario": scenario, "export": export}


def _cli(*argv: str) -> Callable[[Revenue], str]:
    def run(shown: Revenue) -> str:
        out = io.StringIO()
        view = ["--revenue", "arr"] if shown is ARR else []  # MRR is the default: no flag
        assert cli.main([*argv, *view], stdout=out) == 0
        return out.getvalue()

    return run


def table_files(paths: dict[str, Path]) -> Iterator[TableFile]:
    """Every table file: the command line's, in both formats, then the app's downloads."""
    scenario, export = str(paths["scenario"]), str(paths["export"])
    commands = {
        "project": ["project", scenario],
        "metrics": ["metrics", export],
        "backtest": ["backtest", export, "--holdout", "4"],
        "backtest rolling": ["backtest", export, "--holdout", "4", "--rolling"],
        "levers": ["levers", scenario],
        "levers points": ["levers", scenario, "--mode", "points"],
        "levers target": ["levers", scenario, "--mode", "target", "--target", "1.0"],
    }
    for name, argv in commands.items():
        for fmt in ("csv", "json"):
            yield TableFile(f"{name} ({fmt})", _cli(*argv, "--format", fmt), fmt)
    leaky = LEAKY.replace(months=30)
    comparison = compare({"Base": leaky, "Less churn": leaky.replace(churn_rate=0.02, months=48)})
    metrics = analyse(read_export(paths["export"].read_bytes()))
    monthly = metrics.monthly
    calibration = calibrate(metrics)
    future = months_after(metrics.months[-1], 6)
    app: dict[str, Callable[[Revenue], bytes]] = {
        "projection CSV": lambda shown: content.projection_csv(leaky, shown),
        "scenario differences CSV": lambda shown: files.differences_csv(comparison, shown),
        "scenario month-by-month CSV": lambda shown: files.series_csv(comparison, shown),
        "monthly metrics CSV": lambda shown: reading.metrics_csv(monthly, shown),
        "forecast CSV": lambda shown: reading.forecast_csv(calibration, future, shown),
    }
    for name, make in app.items():
        yield TableFile(name, lambda shown, make=make: make(shown).decode("utf-8"))


#: The command line's commands: those that write a table are walked above; ``report`` writes the
#: report, whose ARR view tests/test_cross_surface.py and tests/test_one_pager.py read.
CLI_COMMANDS = {"project", "metrics", "backtest", "levers", "report"}


def _read(text: str, fmt: str) -> pd.DataFrame:
    """A written table as text cells, exactly as written (an empty CSV field or JSON null as '')."""
    if fmt == "csv":
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    rows = json.loads(text)
    return pd.DataFrame(rows).map(lambda value: "" if value is None else json.dumps(value)).astype(str)


def _number(cell: str) -> float:
    return float("nan") if cell == "" else float(cell)


def test_every_file_converts_money_and_only_money(
    inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    walked = 0
    for table_file in table_files(inputs):
        monthly = _write(lambda f=table_file: f.make(MRR), monkeypatch)
        yearly = _write(lambda f=table_file: f.make(ARR), monkeypatch)
        assert len(monthly.tables) == len(yearly.tables) == 1, table_file.name
        before, after = _read(monthly.text, table_file.fmt), _read(yearly.text, table_file.fmt)
        raw = monthly.tables[0]
        unknown = [column for column in before.columns if column not in KINDS]
        assert unknown == [], f"{table_file.name}: say in KINDS what {unknown} holds"
        expected_names = [
            column.replace("mrr", "arr") if KINDS[column] == MONEY else column for column in before.columns
        ]
        assert list(after.columns) == expected_names, table_file.name
        assert len(after) == len(before), table_file.name
        for column in before.columns:
            if KINDS[column] == MONEY:
                # 12 × the unrounded MRR, then to the cent: what the ARR file says, exactly.
                twelve = (12 * raw[column].astype(float)).round(2) + 0.0
                written = after[column.replace("mrr", "arr")].map(_number)
                assert written.tolist() == pytest.approx(twelve.tolist(), abs=0, nan_ok=True), (
                    f"{table_file.name}: {column}"
                )
            else:
                assert after[column].tolist() == before[column].tolist(), f"{table_file.name}: {column}"
        walked += 1
    assert walked == 19


def test_the_leaks_share_is_a_share_in_arr_too(inputs: dict[str, Path]) -> None:
    # LEAKY loses 2% of its $100,000 base in month 1 against 10 new customers at $500: 40% of the
    # new revenue only replaces what leaked, as MRR and as ARR.
    for shown in (MRR, ARR):
        table = pd.read_csv(io.BytesIO(content.projection_csv(LEAKY, shown)))
        assert table["share_of_new_mrr_replacing_losses"].iat[1] == pytest.approx(0.4)
        assert "share_of_new_arr_replacing_losses" not in table


def test_the_command_line_writes_a_table_in_each_command_but_report() -> None:
    parser = cli._parser()
    commands = next(action for action in parser._actions if action.dest == "command")
    assert set(commands.choices) == CLI_COMMANDS  # a new command's table joins table_files


def _calls(names: set[str]) -> dict[str, int]:
    """Where the code calls one of ``names``: ``path:function`` (``<module>`` at the top), how often."""
    found: dict[str, int] = {}
    layers = ("simulator/**/*.py", "report/**/*.py", "ui/**/*.py", "pages/*.py")
    for path in sorted(path for layer in layers for path in ROOT.glob(layer)):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        scopes: list[tuple[ast.AST, str]] = [(tree, "<module>")]
        while scopes:
            node, scope = scopes.pop()
            for child in ast.iter_child_nodes(node):
                inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else scope
                if isinstance(child, ast.Call):
                    func = child.func
                    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if called in names:
                        key = f"{path.relative_to(ROOT)}:{inner}"
                        found[key] = found.get(key, 0) + 1
                scopes.append((child, inner))
    return found


def test_every_place_that_writes_a_table_or_offers_a_download_is_walked() -> None:
    # The table writers: each is one of table_files' above (or the writer itself).
    assert _calls({"csv_bytes", "write_table", "to_csv"}) == {
        "simulator/output.py:csv_bytes": 1,  # the one writer
        "simulator/output.py:write_table": 1,
        "simulator/cli.py:main": 1,  # project, metrics, backtest, levers
        "report/content.py:projection_csv": 1,
        "ui/scenarios/files.py:differences_csv": 1,
        "ui/scenarios/files.py:series_csv": 1,
        "ui/actuals/reading.py:metrics_csv": 1,
        "ui/actuals/reading.py:forecast_csv": 1,
        # An export of customers' payments (the seeded sample), read back as an upload: data, no view.
        "simulator/sample_data.py:main": 1,
        "ui/actuals/uploads.py:sample_bytes": 1,
        # A Parquet file (or a table) written out as the CSV it would be, to be read: input, no view.
        "simulator/export/parquet.py:batches_as_csv": 1,
    }
    # The downloads: the tables above, the reports (read in ARR by the report tests), scenario files
    # (levers, which the view does not touch).
    assert _calls({"download_button"}) == {
        "pages/downloads.py:<module>": 4,  # projection CSV, HTML report, PDF, each chart's PNG
        "pages/scenarios.py:<module>": 4,  # differences CSV, month-by-month CSV, a scenario, all scenarios
        "pages/know-your-number.py:<module>": 2,  # monthly metrics CSV, the forecast's CSV
    }
