"""The command line: ``python -m simulator project|metrics|report FILE``.

Bad input exits with status 2 and one line on standard error saying what is
wrong and where; never a traceback. Tables are written by
:mod:`simulator.output` (one rounding policy for every file).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from simulator.export import ExportError, read_export
from simulator.metrics import METRICS_COLUMNS, analyse
from simulator.output import CURRENCIES, write_table
from simulator.projection import PROJECTION_COLUMNS, project
from simulator.scenario import MAX_MONTHS, Scenario, ScenarioError, from_json

EXIT_BAD_INPUT = 2


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit status."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        if args.command == "report":
            return _report(_scenario(args.file), args, out, err)
        if args.command == "project":
            table = project(_scenario(args.file), months=args.months).table[list(PROJECTION_COLUMNS)]
        else:
            table = analyse(read_export(args.file)).monthly[list(METRICS_COLUMNS)]
    except (ScenarioError, ExportError) as error:
        print(f"error: {args.file}: {error}", file=err)
        return EXIT_BAD_INPUT
    try:
        write_table(table, out, fmt=args.format)
    except BrokenPipeError:
        # The reader stopped early (`| head`). Point stdout at devnull so that
        # Python's flush at exit does not complain (the recipe of the signal docs).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


def _scenario(path: str) -> Scenario:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("no such file; check the path") from None
    except IsADirectoryError:
        raise ScenarioError("this is a folder, not a scenario file") from None
    except UnicodeDecodeError:
        raise ScenarioError("not a JSON text file (it is not UTF-8); save the scenario as JSON") from None
    except OSError as error:
        raise ScenarioError(f"cannot read the file: {error.strerror}") from None
    if not text.strip():
        raise ScenarioError('the file is empty; a scenario is JSON such as {"starting_mrr": 100000}')
    return from_json(text)


def _report(scenario: Scenario, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the Export page's HTML report (to ``--output`` or standard output) or PDF one-pager."""
    # The report draws plotly charts: it lives with the app's other surfaces, outside the engine.
    from ui import report

    built = report.build_report(scenario, args.currency)
    if args.format == "html":
        data = report.html_report(built)
    elif args.output is None:
        print("error: a PDF is binary: give it a file with --output FILE", file=err)
        return EXIT_BAD_INPUT
    else:
        try:
            data = report.pdf_report(built)
        except (report.ChromiumMissingError, RuntimeError, TimeoutError) as error:
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


class _Parser(argparse.ArgumentParser):
    """argparse, but its usage errors are one line too."""

    def error(self, message: str) -> Any:
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see python -m simulator --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m simulator",
        description="NRR simulator: project a scenario, measure an export, or write a scenario's report.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    projection = commands.add_parser("project", help="project a scenario JSON file month by month")
    projection.add_argument("file", help='scenario JSON, e.g. {"starting_mrr": 100000, "churn_rate": 0.03}')
    projection.add_argument("--months", type=_months, help="horizon in months (overrides the file's)")
    projection.add_argument("--format", choices=("csv", "json"), default="csv")
    metrics = commands.add_parser("metrics", help="monthly MRR bridge, NRR and GRR of an MRR export CSV")
    metrics.add_argument("file", help="CSV with customer_id, month, mrr (and optionally segment)")
    metrics.add_argument("--format", choices=("csv", "json"), default="csv")
    report = commands.add_parser("report", help="the Export page's report on a scenario, as HTML or PDF")
    report.add_argument("file", help="scenario JSON")
    report.add_argument("--format", choices=("html", "pdf"), default="html")
    report.add_argument("--output", help="the file to write (HTML goes to standard output without it)")
    report.add_argument("--currency", choices=CURRENCIES, default="$", help="how money is written")
    return parser
