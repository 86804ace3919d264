"""Engine benchmarks: the projection, and export metrics next to pandas.read_csv.

Figures are medians of repeated runs, and the metrics target is a ratio
measured in the same run (so a slower or busier machine moves both sides):

- projection of 120 and 600 months;
- a generated 1,000,000-row export: ``read_export`` + ``analyse`` against a
  bare ``pandas.read_csv`` of the same file (target: at most 2×).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from simulator import Scenario, project
from simulator.export import read_export
from simulator.metrics import analyse
from simulator.sample_data import generate_export

ROWS_TARGET = 1_000_000
CUSTOMERS_FOR_1M_ROWS = 70_000  # the sample's customers pay for about 14 of 36 months


def median_seconds(action: Callable[[], object], *, repeat: int) -> float:
    """Median wall time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    scenario = Scenario(
        starting_mrr=100_000,
        starting_customers=50,
        churn_rate=0.03,
        contraction_rate=0.01,
        expansion_rate=0.02,
        new_customers_per_month=10,
        acquisition_growth_rate=0.01,
        new_customer_mrr=500,
    )
    print("Engine")
    for months in (120, 600):
        seconds = median_seconds(lambda m=months: project(scenario, months=m), repeat=50)
        print(f"  projection, {months} months: {seconds * 1e3:.2f} ms (median of 50)")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        export = generate_export(CUSTOMERS_FOR_1M_ROWS)
        export.to_csv(path, index=False)
        rows = len(export)
        del export
        # Alternate the two so that both see the same machine state.
        parse, analysed = [], []
        for _ in range(5):
            parse.append(median_seconds(lambda: pd.read_csv(path), repeat=1))
            analysed.append(median_seconds(lambda: analyse(read_export(path)), repeat=1))
    parse_s, analyse_s = statistics.median(parse), statistics.median(analysed)
    ratio = analyse_s / parse_s
    verdict = "ok" if ratio <= 2.0 else "OVER TARGET"
    print(
        f"  export metrics, {rows:,} rows: read_export + analyse {analyse_s:.3f} s, "
        f"pandas.read_csv {parse_s:.3f} s, ratio {ratio:.2f}x (target <= 2x: {verdict})"
    )


if __name__ == "__main__":
    main()
