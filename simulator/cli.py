"""The command line: ``python -m simulator project|metrics|backtest|levers|report FILE``.

Bad input exits with status 2 and one line on standard error saying what is
wrong and where; never a traceback. A command that reads an export says on
standard error, in ``note:`` lines, the layout it read (a billing export as it
comes: :mod:`simulator.export.layouts`) and how it read the amounts. Tables are written by
:mod:`simulator.output` (one rounding policy for every file). Input is read
with a limit (a scenario file up to
:data:`~simulator.scenario.MAX_SCENARIO_BYTES`, an export up to
:data:`MAX_EXPORT_BYTES`), a pipe nobody writes to reads as empty, and a
closed or full standard output is an error, not a silent success.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from simulator.arr import as_arr
from simulator.backtest import BACKTEST_COLUMNS, ROLLING_COLUMNS, backtest, rolling_backtest
from simulator.definitions import (
    NRR_WINDOWS,
    DefinitionError,
    Definitions,
    parse_window,
    vendor_table,
    with_window,
)
from simulator.engines import ENGINES, choose_engine, measure
from simulator.export import (
    MAX_MONTHS_SPAN,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SAME_MONTH_RULES,
    ExportError,
    export_notes,
    parse_rates,
    read_export,
)
from simulator.metrics import analyse
from simulator.output import CURRENCIES, write_table
from simulator.peers import top_quartile
from simulator.progress import progress_bar
from simulator.projection import PROJECTION_COLUMNS, project
from simulator.ranking import lever_table, rank
from simulator.reactivation import Reactivation, ReactivationError, parse_reactivation
from simulator.recommendation import recommend
from simulator.scenario import MAX_MONTHS, Scenario, ScenarioError
from simulator.scenario_json import MAX_SCENARIO_BYTES, read_scenario

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
#: The largest export the command line reads (a pipe or a device too), in bytes.
MAX_EXPORT_BYTES = 200_000_000
#: The largest rates file read.
MAX_RATES_BYTES = 100_000


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit status.

    Whatever the input, the outcome is a table on standard output and status
    0, or one line on standard error and status 2 (1 for a bug): never a
    traceback, never an empty success, never ``inf`` or ``nan`` in the output.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = _parser().parse_args(argv)
    if out is None and getattr(args, "output", None) is None:  # standard output closed (`>&-`)
        _say(err, "error: standard output is closed; send it to a file (> table.csv) or a pipe")
        return EXIT_BAD_INPUT
    notes: list[str] = []
    try:
        if args.command == "report":
            return _report(_scenario(args.file), args, out, err)
        table: pd.DataFrame
        if args.command == "project":
            table = project(_scenario(args.file), months=args.months).table[list(PROJECTION_COLUMNS)]
        elif args.command == "levers":
            table = _levers(_scenario(args.file), args)
        elif args.command == "backtest":
            metrics = analyse(_export(args, notes))
            if args.rolling:
                table = rolling_backtest(metrics, holdout=args.holdout).table[list(ROLLING_COLUMNS)]
            else:
                table = backtest(metrics, holdout=args.holdout).table[list(BACKTEST_COLUMNS)]
        else:
            table = _metrics(args, notes, err)
        _refuse_infinite(table)
        if args.revenue == "arr":
            table = as_arr(table)
    except (ScenarioError, ExportError) as error:
        _say(err, f"error: {_name(args)}: {error}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _say(err, "error: interrupted")
        return 130
    except Exception as error:  # a bug: still one line, never a traceback
        _say(err, f"error: {_name(args)}: internal error ({type(error).__name__}: {error}); please report it")
        return EXIT_INTERNAL
    for note in notes:
        _say(err, f"note: {_name(args)}: {note}")
    try:
        write_table(table, out, fmt=args.format)
        out.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`). Point stdout at devnull so that
        # Python's flush at exit does not complain (the recipe of the signal docs).
        _silence(out)
    except OSError as error:  # a full disk (`> /dev/full`), a closed descriptor
        _silence(out)
        _say(err, f"error: cannot write the output: {error.strerror or error}")
        return EXIT_BAD_INPUT
    return 0


def _name(args: argparse.Namespace) -> str:
    """What the input is called in messages: the file, or the table."""
    return str(args.file if args.file is not None else getattr(args, "table", None))


def _metrics(args: argparse.Namespace, notes: list[str], err: TextIO | None) -> pd.DataFrame:
    """``metrics``: the monthly table under the definitions given (the trailing-12 pair as the window
    says), or with ``--vendors`` the latest NRR and GRR under them and each vendor's definitions; of
    the file or the table, on the engine asked for (``auto``: see :mod:`simulator.engines`)."""
    if (args.connection is None) != (args.table is None) and not (args.engine == "spark" and args.table):
        raise ExportError("give --connection and --table together (a table read where it lives)")
    if (args.file is None) == (args.table is None):
        raise ExportError("give a file, or a table with --connection and --table, not both")
    engine = choose_engine(args.engine, args.file if args.table is None else None, max_bytes=MAX_EXPORT_BYTES)
    if engine == "pandas" and args.table is None:
        metrics = analyse(_export(args, notes), reactivation=args.reactivation)
        if args.vendors:
            return vendor_table(metrics, own=Definitions(args.reactivation, args.nrr_window))
        return with_window(metrics.monthly, args.nrr_window)
    # The SQL engines count returns the default way and read one currency, one row a customer and month.
    pandas_only = {
        "--reactivation": not args.reactivation.is_default,
        "--vendors": args.vendors,
        "--rates": bool(args.rates),
        "--same-month": args.same_month != SAME_MONTH_RULES[0],
    }
    asked = [option for option, given in pandas_only.items() if given]
    if asked:
        raise ExportError(f"{', '.join(asked)} run on --engine pandas only, not on --engine {engine}")
    measured = measure(
        args.file,
        engine=engine,
        connection_url=args.connection,
        table=args.table,
        columns=args.columns,
        max_bytes=MAX_EXPORT_BYTES,
        progress=progress_bar(err),
    )
    notes.extend(measured.notes)
    return with_window(measured.result.monthly, args.nrr_window)


def _say(err: TextIO | None, message: str) -> None:
    """One line on standard error, whatever the message holds (a name may hold a line break)."""
    if err is None:
        return
    line = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)
    with contextlib.suppress(OSError):  # standard error is gone too: the status says it
        print(line, file=err, flush=True)


def _silence(out: TextIO) -> None:
    """Point standard output at devnull, so that what is left in its buffer goes nowhere at exit."""
    if out is not sys.stdout:
        return
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _refuse_infinite(table: pd.DataFrame) -> None:
    """Never print inf: the engine's bounds keep every figure finite, and this keeps the promise."""
    numbers = table.select_dtypes("number").to_numpy(dtype=float)
    if np.isinf(numbers).any():
        column = table.select_dtypes("number").columns[np.isinf(numbers).any(axis=0)][0]
        raise ExportError(f"the result has an infinite value in column '{column}'; please report it")


def _export(args: argparse.Namespace, notes: list[str]) -> pd.DataFrame:
    """The export in a file; what reading it decided (the layout it was read as, how its amounts were
    read) joins ``notes``, for standard error once the table is made: a table never hides a reading
    its owner did not mean."""
    export = read_export(
        args.file,
        columns=getattr(args, "columns", None),
        max_bytes=MAX_EXPORT_BYTES,
        same_month=args.same_month,
        rates=_rates(args.rates) if args.rates else None,
    )
    notes.extend(export_notes(export))
    return export


def _rates(text: str) -> dict[str, float]:
    """``--rates``: ``EUR=1.08,GBP=1.27``, or a file of such pairs (one a line)."""
    path = Path(text)
    if "=" in text or not path.is_file():
        return parse_rates(text)
    if path.stat().st_size > MAX_RATES_BYTES:
        raise ExportError(f"the rates file {text} is over {MAX_RATES_BYTES:,} bytes; rates are a few lines")
    try:
        return parse_rates(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise ExportError(f"cannot read the rates file {text}: {error}") from None


def _scenario(path: str) -> Scenario:
    """The scenario in a file, through the one reader the app uses too."""
    return read_scenario(_read_input(path, limit=MAX_SCENARIO_BYTES))


def _read_input(path: str, *, limit: int) -> bytes:
    """At most ``limit`` bytes of a scenario file (a pipe or device too), never waiting on an idle pipe."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ScenarioError("no such file; check the path") from None
    except IsADirectoryError:
        raise ScenarioError("this is a folder, not a scenario file") from None
    except OSError as error:
        raise ScenarioError(f"cannot read the file: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "rb") as file:
            os.set_blocking(descriptor, True)  # a pipe with a writer: wait for its data
            data = file.read(limit + 1)
    except IsADirectoryError:
        raise ScenarioError("this is a folder, not a scenario file") from None
    except OSError as error:
        raise ScenarioError(f"cannot read the file: {error.strerror}") from None
    if len(data) > limit:
        raise ScenarioError(
            f"the file is over {limit:,} bytes, more than a scenario file may take; "
            'a scenario is a short JSON object such as {"starting_mrr": 100000}'
        )
    return data


def _report(scenario: Scenario, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the Downloads page's HTML report (to ``--output`` or standard output) or PDF one-pager."""
    # The report draws plotly charts: it lives with the app's other surfaces, outside the engine.
    from report import content, html, images, pdf
    from report.revenue import VIEWS

    built = content.build_report(scenario, args.currency, shown=VIEWS[args.revenue.upper()])
    if args.format == "html":
        data = html.html_report(built)
    elif args.output is None:
        print("error: a PDF is binary: give it a file with --output FILE", file=err)
        return EXIT_BAD_INPUT
    else:
        try:
            data = pdf.pdf_report(built)
        except (images.ChromiumMissingError, RuntimeError, TimeoutError) as error:
            print(f"error: the PDF could not be made: {error}", file=err)
            return EXIT_BAD_INPUT
    if args.output is None:
        out.write(data.decode("utf-8"))
        return 0
    try:
        Path(args.output).write_bytes(data)
    except OSError as error:
        print(f"error: {args.output}: cannot write the report: {error.strerror}", file=err)
        return EXIT_BAD_INPUT
    return 0


def _levers(scenario: Scenario, args: argparse.Namespace) -> pd.DataFrame:
    """The lever ranking, one row per lever in rank order: :data:`simulator.ranking.LEVER_COLUMNS`, then
    whether the lever was held at a limit (``clamped``), in target mode ``reaches``, and the lever to
    pull first (``recommended``)."""
    # A step without a mode is the same-effort view it always was.
    args.mode = args.mode or ("relative" if args.step is not None else "headroom")
    if args.mode not in ("relative", "points") and args.step is not None:
        raise ScenarioError(f"--step sets the relative and points modes, not {args.mode} mode")
    if args.mode != "target" and args.target is not None:
        raise ScenarioError("--target sets target mode's annual NRR; add --mode target")
    target = args.target
    if args.mode == "target" and target is None:
        target = top_quartile(arr=12.0 * scenario.starting_mrr).nrr
    ranking = rank(scenario, mode=args.mode, step=args.step, target_nrr=target)
    return lever_table(ranking, recommended=recommend(scenario).lever)


def _share(name: str, low: float, high: float) -> Any:
    """An argument type: a number between ``low`` (excluded) and ``high``, or a one-line error."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not low < value <= high:
            raise argparse.ArgumentTypeError(
                f"{name} is {text}, outside the allowed range (above {low:g}, at most {high:g})"
            )
        return value

    return parse


def _reactivation(text: str) -> Reactivation:
    try:
        return parse_reactivation(text)
    except ReactivationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _window(text: str) -> str:
    try:
        return parse_window(text)
    except DefinitionError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _months(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--months must be a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_MONTHS:
        raise argparse.ArgumentTypeError(
            f"--months is {value}, outside the allowed range (1 to {MAX_MONTHS})"
        )
    return value


def _holdout(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        message = f"--holdout must be a whole number of months, got {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not 1 <= value <= MAX_MONTHS_SPAN:
        raise argparse.ArgumentTypeError(
            f"--holdout is {value}, outside the allowed range (1 to {MAX_MONTHS_SPAN} months)"
        )
    return value


def _columns(text: str) -> dict[str, str]:
    """``customer_id=Customer ID,month=Date`` as a mapping, or a one-line error."""
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    mapping: dict[str, str] = {}
    for part in text.split(","):
        name, equals, column = part.partition("=")
        if not equals or name.strip() not in known or not column.strip():
            raise argparse.ArgumentTypeError(
                f"--columns takes name=column pairs with names among {', '.join(known)}, got {part!r}"
            )
        mapping[name.strip()] = column.strip()
    return mapping


class _Parser(argparse.ArgumentParser):
    """argparse, but its usage errors are one line too."""

    def error(self, message: str) -> Any:
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see python -m simulator --help)\n")


_EXPORT_HELP = (
    "CSV with customer_id, month, mrr (and optionally segment), or a billing export as it comes: Stripe, "
    "ChartMogul, Baremetrics, dbt_stripe, Chargebee, or a sheet of customers by months"
)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m simulator",
        description=(
            "NRR simulator: project a scenario, measure an export, backtest the forecast on it, "
            "rank a scenario's levers, or write a scenario's report."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    projection = commands.add_parser("project", help="project a scenario JSON file month by month")
    projection.add_argument("file", help='scenario JSON, e.g. {"starting_mrr": 100000, "churn_rate": 0.03}')
    projection.add_argument("--months", type=_months, help="horizon in months (overrides the file's)")
    projection.add_argument("--format", choices=("csv", "json"), default="csv")
    metrics = commands.add_parser(
        "metrics", help="monthly MRR bridge, NRR and GRR of an MRR export (CSV or Parquet)"
    )
    metrics.add_argument("file", nargs="?", help=_EXPORT_HELP)
    metrics.add_argument(
        "--reactivation",
        type=_reactivation,
        default=Reactivation(),
        help="how a customer paying again after months at 0 counts: any (default: a reactivation), "
        "within:90d or within:3m (a longer gap is new), after:3m (a shorter gap is expansion), expansion; "
        "days become whole months at 30.44 days a month",
    )
    metrics.add_argument(
        "--nrr-window",
        type=_window,
        default="trailing-12",
        help=f"the NRR and GRR columns after the month's: {', '.join(NRR_WINDOWS)} (default trailing-12: "
        "the cohort paying 12 months before; year-over-year: the year's ARR bridge; month: none)",
    )
    metrics.add_argument(
        "--vendors",
        action="store_true",
        help="instead of the months, the latest NRR and GRR under these definitions and each vendor's "
        "(ChartMogul, Baremetrics, Stripe Billing, ProfitWell, Maxio, Recurly, dbt_stripe, Chargebee)",
    )
    metrics.add_argument("--format", choices=("csv", "json"), default="csv")
    metrics.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="pandas: in memory; duckdb: out of core, under a memory limit (pip install duckdb); spark: on "
        "Spark's usual session (pip install pyspark); auto (default): pandas, or duckdb for a file too "
        "large for memory",
    )
    metrics.add_argument(
        "--connection",
        help="where the table lives: duckdb:///path.db (tested), postgresql://…, mysql://…, "
        "bigquery://project (DuckDB), jdbc:… (--engine spark); see docs/command-line.md",
    )
    metrics.add_argument("--table", help="the table to read instead of a file, e.g. analytics.mrr_by_month")
    metrics.add_argument(
        "--columns",
        type=_columns,
        help="which column holds what when the names differ: customer_id=…,month=…,mrr=…[,segment=…]",
    )
    testing = commands.add_parser(
        "backtest",
        help="fit on all but the last N months of an MRR export, forecast those months against what happened",
    )
    testing.add_argument("file", help=_EXPORT_HELP)
    testing.add_argument(
        "--holdout", type=_holdout, required=True, help="months held out: forecast, not fitted on"
    )
    testing.add_argument(
        "--rolling",
        action="store_true",
        help="from every month with a year of data before it, forecast the next N months (fit on the months "
        "up to it only): one row per origin and month, with the forecast's P10 and P90",
    )
    testing.add_argument("--format", choices=("csv", "json"), default="csv")
    levers = commands.add_parser(
        "levers", help="rank the levers: each improved alone, by the MRR it adds at the horizon"
    )
    levers.add_argument("file", help="scenario JSON")
    levers.add_argument(
        "--mode",
        choices=("headroom", "relative", "points", "target"),
        help="headroom: churn, contraction and expansion each moved to the top quartile of the stage "
        "the scenario's ARR falls in (default; relative with --step); relative: each lever by a share "
        "of itself; points: "
        "rates by fraction points; target: what each lever alone needs for the top-quartile annual NRR",
    )
    levers.add_argument(
        "--step",
        type=_share("--step", 0.0, 1.0),
        help="relative: 0.1 is churn x0.9, expansion and new customers x1.1 (default 0.1); "
        "points: 0.01 is one point (default 0.01)",
    )
    levers.add_argument(
        "--target",
        type=_share("--target", 0.0, 10.0),
        help="target mode's annual NRR as a fraction, e.g. 1.06 (default: the top quartile of the "
        "stage the scenario's ARR falls in)",
    )
    levers.add_argument("--format", choices=("csv", "json"), default="csv")
    reporting = commands.add_parser(
        "report", help="the Downloads page's report on a scenario, as HTML or PDF"
    )
    reporting.add_argument("file", help="scenario JSON")
    reporting.add_argument("--format", choices=("html", "pdf"), default="html")
    reporting.add_argument("--output", help="the file to write (HTML goes to standard output without it)")
    reporting.add_argument("--currency", choices=CURRENCIES, default="$", help="how money is written")
    for command in (metrics, testing):
        command.add_argument(
            "--rates",
            help="exchange rates for an export in several currencies, e.g. EUR=1.08,GBP=1.27 (one unit of "
            "each in the reporting currency), or a file of such pairs",
        )
        command.add_argument(
            "--same-month",
            choices=SAME_MONTH_RULES,
            default=SAME_MONTH_RULES[0],
            help="a subscriptions export's subscription that starts and ends within one month: ignore "
            "(active at no month's end, the default) or count (in that month's new MRR, churned the next)",
        )
    for command in (projection, metrics, testing, levers, reporting):
        command.add_argument(
            "--revenue",
            choices=("mrr", "arr"),
            default="mrr",
            help="mrr: monthly (default); arr: annual run rate, 12 x MRR, in columns named arr, new_arr…",
        )
    return parser
