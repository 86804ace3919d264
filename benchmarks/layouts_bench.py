"""Reading a billing export as it comes, against reading the same business as the plain CSV (issue 21).

The business is the sample generator's 1,000,000-row export (its amounts rounded to cents),
written by the tests' own writers (tests/layout_files.py) into every layout the reader knows;
each file is read by ``read_export`` from its path, the layouts and the plain CSV alternating,
and each layout's best time of five is printed as a ratio to the plain CSV's (target: at most
1.5×). The best, not the median: on a machine shared with other work, a run's time is its own
cost plus whatever else ran then, and the best of five is the closest to its own cost.
The files differ in size (a movements file holds only the changes, a dbt report one row per
item and month with sixteen columns), so each line says its size, and its time per MB against
the plain CSV's: a file four times the bytes cannot be parsed in 1.5× the time. A spreadsheet whose
amounts are written as money (``$1,234.50``) is compared with the plain CSV written alike
(both read their amounts as text).

Usage: ``python -m benchmarks.layouts_bench [CUSTOMERS]`` (70,000 by default: about a million rows).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.export import read_export
from simulator.sample_data import generate_export
from tests import layout_files

CUSTOMERS_FOR_1M_ROWS = 70_000
REPEAT = 5
TARGET = 1.5
LAYOUTS = {
    "Stripe MRR per subscriber": layout_files.stripe_mrr,
    "spreadsheet (customers by months)": lambda shape: layout_files.spreadsheet_fast(shape, money=False),
    "ChartMogul MRR movements": layout_files.chartmogul,
    "Stripe subscriptions": layout_files.stripe_subscriptions,
    "Baremetrics subscriptions": layout_files.baremetrics,
    "dbt_stripe item MRR report": layout_files.dbt_stripe,
    "Chargebee monthly summary": layout_files.chargebee,
}


def business(customers: int) -> layout_files.Business:
    """The sample export as a business of monthly runs, in whole cents."""
    export = generate_export(customers)
    codes, ids = pd.factorize(export["customer_id"])
    months = pd.PeriodIndex(export["month"], freq="M").asi8
    first = int(months.min())
    cents = np.zeros((len(ids), int(months.max()) - first + 1), dtype=np.int64)
    cents[codes, months - first] = np.round(export["mrr"].to_numpy() * 100).astype(np.int64)
    return layout_files.from_dense(cents, np.asarray(ids, dtype=object), first)


def _seconds(path: Path) -> float:
    start = time.perf_counter()
    read_export(path)
    return time.perf_counter() - start


def main(argv: Sequence[str] = ()) -> None:
    customers = int(argv[0]) if argv else CUSTOMERS_FOR_1M_ROWS
    print("Billing exports as they come (issue 21)")
    shape = business(customers)
    with tempfile.TemporaryDirectory() as folder:
        paths = {"plain CSV": Path(folder) / "plain.csv", "plain CSV, $": Path(folder) / "dollars.csv"}
        paths["plain CSV"].write_bytes(layout_files.plain(shape))
        paths["plain CSV, $"].write_bytes(layout_files.plain(shape, money=True))
        paths["spreadsheet, $"] = Path(folder) / "sheet.csv"
        paths["spreadsheet, $"].write_bytes(layout_files.spreadsheet_fast(shape))
        for name, writer in LAYOUTS.items():
            paths[name] = Path(folder) / f"{len(paths)}.csv"
            paths[name].write_bytes(writer(shape))
        rows = len(read_export(paths["plain CSV"]))
        times: dict[str, list[float]] = {name: [] for name in paths}
        for _ in range(REPEAT):  # alternate, so that every file sees the same machine state
            for name, path in paths.items():
                times[name].append(_seconds(path))
        plain_s = min(times["plain CSV"])
        plain_mb = paths["plain CSV"].stat().st_size / 1e6
        print(
            f"  plain CSV, {rows:,} rows, {plain_mb:.1f} MB: read_export {plain_s:.3f} s (best of {REPEAT})"
        )
        for name in LAYOUTS:
            seconds = min(times[name])
            ratio = seconds / plain_s
            size = paths[name].stat().st_size / 1e6
            verdict = "within" if ratio <= TARGET else "OVER"
            per_mb = (seconds / size) / (plain_s / plain_mb)
            print(
                f"  {name}, {size:.1f} MB: {seconds:.3f} s, ratio {ratio:.2f}x the plain CSV "
                f"({verdict} the {TARGET}x target; {per_mb:.2f}x its time per MB)"
            )
        # Amounts written as money ($1,234.50) are read as text by either layout: compared like for like.
        dollars_s, sheet_s = min(times["plain CSV, $"]), min(times["spreadsheet, $"])
        ratio = sheet_s / dollars_s
        verdict = "within" if ratio <= TARGET else "OVER"
        print(
            f"  spreadsheet with amounts as $1,234.50: {sheet_s:.3f} s, ratio {ratio:.2f}x the plain CSV "
            f"with its amounts written so ({dollars_s:.3f} s; {verdict} the {TARGET}x target)"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
