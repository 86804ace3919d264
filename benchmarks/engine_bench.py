"""Engine benchmarks: the projection, and export metrics next to pandas.read_csv.

Figures are medians of repeated runs, and the metrics target is a ratio
measured in the same run (so a slower or busier machine moves both sides):

- projection of 120 and 600 months, core and refined model;
- a generated 1,000,000-row export: ``read_export`` + ``analyse`` against a
  bare ``pandas.read_csv`` of the same file (target: at most 2×);
- the Monte Carlo: 1,000 paths of a 2,000-customer business over 60 months,
  against drawing the same number (120 million) of plain numpy binomials
  (target: at most 3×, and well under a second);
- the backtest on the same 1,000,000-row export, as ``python -m simulator
  backtest --holdout 12`` runs it (``read_export`` + ``analyse`` + ``backtest``),
  against ``metrics`` on it (``read_export`` + ``analyse``) (target: at most 1.5×);
- the rolling backtest over every origin of it, as ``backtest --holdout 12 --rolling`` runs it
  (``read_export`` + ``analyse`` + ``rolling_backtest``, the export analysed once), against
  ``metrics`` on it (target: at most 3×, issue 20).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from simulator import Scenario, project
from simulator.backtest import backtest, rolling_backtest
from simulator.definitions import vendor_table
from simulator.export import read_export
from simulator.metrics import analyse
from simulator.monte_carlo import simulate
from simulator.ranking import rank
from simulator.sample_data import generate_export
from simulator.summary import retention

ROWS_TARGET = 1_000_000
BACKTEST_HOLDOUT = 12
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
    refined = scenario.replace(
        early_churn_multiple=2.0, early_churn_months=3, annual_plan_share=0.3, expansion_ceiling=3.0
    )
    print("Engine")
    for label, case in (("core", scenario), ("refined", refined)):
        for months in (120, 600):
            seconds = median_seconds(lambda m=months, c=case: project(c, months=m), repeat=20)
            print(f"  projection, {label} model, {months} months: {seconds * 1e3:.2f} ms (median of 20)")
    monte_carlo(scenario)
    lever_ranking(scenario, refined)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        export = generate_export(CUSTOMERS_FOR_1M_ROWS)
        export.to_csv(path, index=False)
        rows = len(export)
        del export
        # Alternate the five so that all see the same machine state.
        parse, analysed, tested, rolled, vendors = [], [], [], [], []
        for _ in range(5):
            parse.append(median_seconds(lambda: pd.read_csv(path), repeat=1))
            analysed.append(median_seconds(lambda: analyse(read_export(path)), repeat=1))
            tested.append(
                median_seconds(
                    lambda: backtest(analyse(read_export(path)), holdout=BACKTEST_HOLDOUT), repeat=1
                )
            )
            rolled.append(
                median_seconds(
                    lambda: rolling_backtest(analyse(read_export(path)), holdout=BACKTEST_HOLDOUT), repeat=1
                )
            )
            vendors.append(median_seconds(lambda: vendor_table(analyse(read_export(path))), repeat=1))
    parse_s, analyse_s, backtest_s, rolling_s, vendors_s = (
        statistics.median(parse),
        statistics.median(analysed),
        statistics.median(tested),
        statistics.median(rolled),
        statistics.median(vendors),
    )
    ratio = analyse_s / parse_s
    verdict = "ok" if ratio <= 2.0 else "OVER TARGET"
    print(
        f"  export metrics, {rows:,} rows: read_export + analyse {analyse_s:.3f} s, "
        f"pandas.read_csv {parse_s:.3f} s, ratio {ratio:.2f}x (target <= 2x: {verdict})"
    )
    ratio = backtest_s / analyse_s
    verdict = "ok" if ratio <= 1.5 else "OVER TARGET"
    print(
        f"  backtest, {rows:,} rows, {BACKTEST_HOLDOUT} months held out: read_export + analyse + backtest "
        f"{backtest_s:.3f} s, metrics (read_export + analyse) {analyse_s:.3f} s, ratio {ratio:.2f}x "
        f"(target <= 1.5x: {verdict})"
    )
    ratio = rolling_s / analyse_s
    verdict = "ok" if ratio <= 3.0 else "OVER TARGET"
    print(
        f"  rolling backtest, {rows:,} rows, every origin, {BACKTEST_HOLDOUT} months each: read_export + "
        f"analyse + rolling_backtest {rolling_s:.3f} s, metrics (read_export + analyse) {analyse_s:.3f} s, "
        f"ratio {ratio:.2f}x (target <= 3x: {verdict})"
    )
    ratio = vendors_s / analyse_s
    verdict = "ok" if ratio <= 2.0 else "OVER TARGET"
    print(
        f"  NRR as each vendor counts it, {rows:,} rows: read_export + analyse + vendor_table "
        f"{vendors_s:.3f} s, metrics (read_export + analyse) {analyse_s:.3f} s, ratio {ratio:.2f}x "
        f"(target <= 2x: {verdict})"
    )


def lever_ranking(core: Scenario, refined: Scenario) -> None:
    """The Biggest lever page's ranking in each mode, as a number of projections of the same scenario.

    Relative, points and tactic mode project each row, then all rows together (about ten
    projections); target mode goal-seeks each lever (a grid and the Illinois method, a few dozen).
    The page caches every mode, so each costs once per scenario and step.
    """
    for label, case in (("core", core), ("refined", refined)):
        one = median_seconds(lambda c=case: project(c), repeat=20)
        target = retention(case).annual_nrr + 0.05
        for mode in ("relative", "tactic", "target"):
            seconds = median_seconds(
                lambda c=case, m=mode, t=target: rank(c, mode=m, target_nrr=t if m == "target" else None),
                repeat=5,
            )
            print(
                f"  lever ranking, {mode} mode, {label} model: {seconds * 1e3:.1f} ms = "
                f"{seconds / one:.0f} projections of {one * 1e3:.2f} ms"
            )


def monte_carlo(scenario: Scenario) -> None:
    """Monte Carlo next to the same number of plain binomial draws, alternated, medians of 3."""
    business = scenario.replace(starting_customers=2_000, new_customers_per_month=0, months=60)
    paths, customers, months = 1_000, 2_000, 60
    rng = np.random.default_rng(0)

    def binomials() -> None:
        for _ in range(months):
            rng.binomial(1, business.churn_rate, size=(paths, customers))

    simulated, drawn = [], []
    for _ in range(3):
        simulated.append(median_seconds(lambda: simulate(business, paths=paths, seed=1), repeat=1))
        drawn.append(median_seconds(binomials, repeat=1))
    simulate_s, draws_s = statistics.median(simulated), statistics.median(drawn)
    ratio = simulate_s / draws_s
    verdict = "ok" if ratio <= 3.0 else "OVER TARGET"
    print(
        f"  Monte Carlo, {paths:,} paths x {customers:,} customers x {months} months: {simulate_s:.2f} s, "
        f"{paths * customers * months / 1e6:.0f}M numpy binomials {draws_s:.2f} s, "
        f"ratio {ratio:.2f}x (target <= 3x: {verdict})"
    )


if __name__ == "__main__":
    main()
