"""The backtest: how the simulator's forecast would have done on an export's own past.

Fit on all but the last ``holdout`` months (:func:`simulator.calibration.calibrate`
with ``upto``: only their metrics and payments), project the calibrated
scenario over the held-out months from the last fitted month's MRR, and set
the forecast against what the export actually shows, beside the simplest
forecast there is: MRR stays flat at the last fitted month's.

Nothing is read twice: a month's metrics depend only on that month and the
ones before it, so the fitted months' table is the first rows of the whole
export's (the test suite checks it against a re-analysed, cut export).

**Error**: the mean absolute percentage error (MAPE) over the held-out
months, ``mean(|forecast − actual| ÷ actual)`` over months whose actual MRR
is above 0, for the forecast and for the flat line alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.calibration import Calibration, calibrate
from simulator.export import ExportError
from simulator.metrics import ExportMetrics
from simulator.projection import project

#: The columns the command line prints, in order; :attr:`Backtest.table` has these first.
BACKTEST_COLUMNS: tuple[str, ...] = ("month", "actual_mrr", "forecast_mrr")
#: Months a fit needs: one month, and one more to compare it with.
MIN_FIT_MONTHS = 2


class BacktestError(ExportError):
    """The export is too short for the months held out."""


def months_needed(holdout: int) -> int:
    """How many months an export needs for a backtest holding out ``holdout``.

    >>> months_needed(6)
    8
    """
    return holdout + MIN_FIT_MONTHS


@dataclass(frozen=True)
class Backtest:
    """A backtest's result.

    Attributes
    ----------
    holdout
        The months held out (forecast, not fitted on).
    fitted
        The first and last month fitted on.
    table
        One row per held-out month: :data:`BACKTEST_COLUMNS`, then
        ``flat_mrr`` (the last fitted month's MRR), ``forecast_error`` and
        ``flat_error`` ((forecast − actual) ÷ actual; NaN when actual MRR is 0).
    calibration
        The simulator as fitted on the fitted months.
    """

    holdout: int
    fitted: tuple[str, str]
    table: pd.DataFrame
    calibration: Calibration

    @property
    def forecast_mape(self) -> float:
        """Mean absolute percentage error of the forecast (NaN when every actual is 0)."""
        return _mape(self.table["forecast_error"])

    @property
    def flat_mape(self) -> float:
        """Mean absolute percentage error of the flat line."""
        return _mape(self.table["flat_error"])

    @property
    def last_month(self) -> str:
        """The last held-out month."""
        return str(self.table["month"].iat[-1])


def backtest(metrics: ExportMetrics, *, holdout: int, window: int = 12) -> Backtest:
    """Fit on all but the last ``holdout`` months of an export, forecast those months.

    Raises
    ------
    BacktestError
        When the export has fewer than :func:`months_needed` months, or
        ``holdout`` is under 1.

    Examples
    --------
    A customer paying 100, 90 and 81 (10% contraction a month) forecasts 81
    for the held-out month, where the flat line says 90:

    >>> from simulator.export import read_export
    >>> from simulator.metrics import analyse
    >>> rows = b"customer_id,month,mrr\\na,2024-01,100\\na,2024-02,90\\na,2024-03,81\\n"
    >>> result = backtest(analyse(read_export(rows)), holdout=1)
    >>> result.table[["month", "actual_mrr", "forecast_mrr", "flat_mrr"]].to_numpy().tolist()
    [['2024-03', 81.0, 81.0, 90.0]]
    """
    n_months = len(metrics.months)
    if holdout < 1:
        raise BacktestError(f"--holdout is {holdout}; hold out at least 1 month")
    if n_months < months_needed(holdout):
        raise BacktestError(
            f"the export covers {n_months} month{'s' if n_months != 1 else ''}; holding out {holdout} "
            f"needs at least {months_needed(holdout)} ({MIN_FIT_MONTHS} to fit on, {holdout} to forecast): "
            "hold out fewer months or export more of them"
        )
    fitted = n_months - holdout
    calibration = calibrate(metrics, months=holdout, window=window, upto=fitted)
    forecast = project(calibration.scenario).table["mrr"].to_numpy()[1:]
    actual = metrics.monthly["ending_mrr"].to_numpy(dtype=float)[fitted:]
    flat = np.full(holdout, metrics.monthly["ending_mrr"].to_numpy(dtype=float)[fitted - 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        forecast_error = np.where(actual > 0, (forecast - actual) / actual, np.nan)
        flat_error = np.where(actual > 0, (flat - actual) / actual, np.nan)
    table = pd.DataFrame(
        {
            "month": metrics.months[fitted:],
            "actual_mrr": actual,
            "forecast_mrr": forecast,
            "flat_mrr": flat,
            "forecast_error": forecast_error,
            "flat_error": flat_error,
        }
    )
    return Backtest(
        holdout=holdout,
        fitted=(metrics.months[0], metrics.months[fitted - 1]),
        table=table,
        calibration=calibration,
    )


def _mape(errors: pd.Series) -> float:
    values = np.abs(errors.to_numpy(dtype=float))
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else math.nan
