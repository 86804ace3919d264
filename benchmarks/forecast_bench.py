"""The forecast against the flat line on real exports, the way forecasters measure it (issue 20).

For each export in the folder (``../shared/data/forecast`` beside the checkout, or ``$FORECAST_DATA``),
analysed once: the rolling backtest (:func:`simulator.backtest.rolling_backtest`) forecasts from
every origin with at least 12 months fitted, each fit on the months up to its origin only. At each
horizon h (3, 6 and 12 months, wherever the export has the months), over every origin whose month
h ahead is in the data:

- the forecast's summed absolute error, the flat line's ("MRR stays at the origin's"), and the
  ratio of the two;
- the share of those months whose actual MRR fell within the forecast's P10–P90 band;
- the same ratio for a seasonal exponential-smoothing reference (:mod:`benchmarks.ets`, numpy
  only), fitted at the same origins.

Pooled over the exports: the summed absolute errors added up as they are (in money, so the largest
export weighs most) and scaled (each export's errors ÷ its mean MRR, so each weighs alike), and
the band's share over every export's months. The verdicts are issue 20's: pooled at most the flat
line's, each export and horizon with at least 10 origins at most 1.05×, the band 70–90%.

``python -m benchmarks.forecast_bench`` prints the table; ``--markdown`` prints it as docs/forecast.md
holds it. Without the folder, it says so and measures nothing (a fresh clone does not have it).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import ets
from simulator.backtest import rolling_backtest
from simulator.export import read_export
from simulator.metrics import analyse

HORIZONS = (3, 6, 12)
#: An export and horizon with at least this many origins is judged on its own (issue 20).
JUDGED_ORIGINS = 10
ROOT = Path(__file__).resolve().parent.parent


def data_folder() -> Path | None:
    """The folder of real exports: ``$FORECAST_DATA``, else ``shared/data/forecast`` one or two levels up."""
    named = os.environ.get("FORECAST_DATA")
    candidates = (
        [Path(named)]
        if named
        else [ROOT.parent / "shared/data/forecast", ROOT.parent.parent / "shared/data/forecast"]
    )
    return next((path for path in candidates if path.is_dir() and any(path.glob("*.csv"))), None)


@dataclass(frozen=True)
class Row:
    """One export at one horizon."""

    export: str
    horizon: int
    origins: int
    forecast_error: float
    flat_error: float
    ets_error: float
    covered: int
    scale: float

    @property
    def ratio(self) -> float:
        return self.forecast_error / self.flat_error if self.flat_error > 0 else float("nan")

    @property
    def ets_ratio(self) -> float:
        return self.ets_error / self.flat_error if self.flat_error > 0 else float("nan")


def measure(path: Path) -> list[Row]:
    """The rows of one export: one rolling backtest (12 months from every origin), read at each horizon."""
    metrics = analyse(read_export(path))
    table = rolling_backtest(metrics, holdout=max(HORIZONS)).table
    y = metrics.monthly["ending_mrr"].to_numpy(dtype=float)
    scale = float(y.mean()) if y.mean() > 0 else 1.0
    position = {month: i for i, month in enumerate(metrics.months)}
    reference = {
        origin: ets.forecast(y[: position[origin] + 1], max(HORIZONS)) for origin in table["origin"].unique()
    }
    rows = []
    for horizon in HORIZONS:
        at = table[table["lead"] == horizon]
        if at.empty:
            continue
        smoothed = np.array([reference[origin][horizon - 1] for origin in at["origin"]])
        inside = (at["actual_mrr"] >= at["forecast_p10"]) & (at["actual_mrr"] <= at["forecast_p90"])
        rows.append(
            Row(
                export=path.stem.removeprefix("real_"),
                horizon=horizon,
                origins=len(at),
                forecast_error=float((at["forecast_mrr"] - at["actual_mrr"]).abs().sum()),
                flat_error=float((at["flat_mrr"] - at["actual_mrr"]).abs().sum()),
                ets_error=float(np.abs(smoothed - at["actual_mrr"].to_numpy()).sum()),
                covered=int(inside.sum()),
                scale=scale,
            )
        )
    return rows


def table_of(rows: list[Row]) -> pd.DataFrame:
    """Each export and horizon, then the pooled figures at each horizon and over all of them."""
    lines = [
        {
            "export": row.export,
            "h": row.horizon,
            "origins": row.origins,
            "forecast error": row.forecast_error,
            "flat error": row.flat_error,
            "forecast / flat": row.ratio,
            "ETS / flat": row.ets_ratio,
            "band held": row.covered / row.origins,
        }
        for row in rows
    ]
    for horizon in (*HORIZONS, None):
        chosen = [row for row in rows if horizon is None or row.horizon == horizon]
        if not chosen:
            continue
        forecast = sum(row.forecast_error for row in chosen)
        flat = sum(row.flat_error for row in chosen)
        scaled = sum(row.forecast_error / row.scale for row in chosen) / sum(
            row.flat_error / row.scale for row in chosen
        )
        ets_scaled = sum(row.ets_error / row.scale for row in chosen) / sum(
            row.flat_error / row.scale for row in chosen
        )
        origins = sum(row.origins for row in chosen)
        label = "all" if horizon is None else horizon
        lines.append(
            {
                "export": "pooled, as money",
                "h": label,
                "origins": origins,
                "forecast error": forecast,
                "flat error": flat,
                "forecast / flat": forecast / flat,
                "ETS / flat": sum(row.ets_error for row in chosen) / flat,
                "band held": sum(row.covered for row in chosen) / origins,
            }
        )
        lines.append(
            {
                "export": "pooled, each export ÷ its mean MRR",
                "h": label,
                "origins": origins,
                "forecast error": float("nan"),
                "flat error": float("nan"),
                "forecast / flat": scaled,
                "ETS / flat": ets_scaled,
                "band held": sum(row.covered for row in chosen) / origins,
            }
        )
    return pd.DataFrame(lines)


def verdicts(rows: list[Row]) -> list[str]:
    """Issue 20's three figures, each with its verdict."""
    found = []
    for horizon in HORIZONS:
        chosen = [row for row in rows if row.horizon == horizon]
        if not chosen:
            continue
        ratio = sum(row.forecast_error for row in chosen) / sum(row.flat_error for row in chosen)
        scaled = sum(row.forecast_error / row.scale for row in chosen) / sum(
            row.flat_error / row.scale for row in chosen
        )
        ok = "ok" if ratio <= 1.0 and scaled <= 1.0 else "MISS"
        found.append(
            f"h={horizon}: pooled error {ratio:.3f}x the flat line's as money, {scaled:.3f}x scaled "
            f"(target <= 1: {ok})"
        )
    judged = [row for row in rows if row.origins >= JUDGED_ORIGINS]
    worst = max(judged, key=lambda row: row.ratio) if judged else None
    if worst is not None:
        ok = "ok" if worst.ratio <= 1.05 else "MISS"
        found.append(
            f"each export and horizon with {JUDGED_ORIGINS}+ origins ({len(judged)}): worst "
            f"{worst.ratio:.3f}x ({worst.export}, h={worst.horizon}) (target <= 1.05x: {ok})"
        )
    covered = sum(row.covered for row in rows) / sum(row.origins for row in rows)
    ok = "ok" if 0.7 <= covered <= 0.9 else "MISS"
    found.append(f"P10-P90 band held {covered:.1%} of actuals, pooled (target 70-90%: {ok})")
    return found


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    folder = data_folder()
    print("Forecast against the flat line on real exports (rolling origins, 12+ months fitted)")
    if folder is None:
        print(
            "  no folder of real exports (set FORECAST_DATA, or put them in ../shared/data/forecast): skipped"
        )
        return
    rows = [row for path in sorted(folder.glob("*.csv")) for row in measure(path)]
    table = table_of(rows)
    if "--markdown" in args:
        shown = table.copy()
        for column in ("forecast error", "flat error"):
            shown[column] = shown[column].map(lambda v: "" if np.isnan(v) else f"{v:,.0f}")
        for column in ("forecast / flat", "ETS / flat"):
            shown[column] = shown[column].map(lambda v: f"{v:.3f}")
        shown["band held"] = shown["band held"].map(lambda v: f"{v:.0%}")
        print(shown.to_markdown(index=False) if _has_tabulate() else _markdown(shown))
    else:
        with pd.option_context(
            "display.width", 200, "display.max_columns", 20, "display.float_format", "{:,.3f}".format
        ):
            print(table.to_string(index=False))
    for line in verdicts(rows):
        print(f"  {line}")


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


def _markdown(table: pd.DataFrame) -> str:
    """A markdown table without tabulate (not a dependency)."""
    header = "| " + " | ".join(str(c) for c in table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *body])


if __name__ == "__main__":
    main()
