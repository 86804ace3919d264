"""The backtest: how the simulator's forecast would have done on an export's own past.

Fit on all but the last ``holdout`` months (:func:`simulator.calibration.calibrate`
with ``upto``: only their metrics and payments), project the calibrated
scenario over the held-out months from the last fitted month's MRR, and set
the forecast against what the export actually shows, beside the simplest
forecast there is: MRR stays flat at the last fitted month's.

The **rolling** backtest (:func:`rolling_backtest`) does the same from every origin with at
least :data:`ROLLING_MIN_FIT` months fitted (the last month of a fit is its origin), each
forecasting the next ``holdout`` months (fewer near the end of the data), with the forecast's
P10 and P90: the way forecasters measure a forecast. The export is analysed once and every
origin's fit comes from :func:`simulator.forecast.fit_export`, which uses at each origin only
the months up to it.

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
from simulator.forecast import WINDOW, Fits, band, fit_export
from simulator.metrics import ExportMetrics
from simulator.projection import project

#: The columns the command line prints, in order; :attr:`Backtest.table` has these first.
BACKTEST_COLUMNS: tuple[str, ...] = ("month", "actual_mrr", "forecast_mrr")
#: The columns ``backtest --rolling`` prints, in order; :attr:`RollingBacktest.table` has these first.
ROLLING_COLUMNS: tuple[str, ...] = (
    "origin",
    "month",
    "actual_mrr",
    "forecast_mrr",
    "flat_mrr",
    "forecast_p10",
    "forecast_p90",
)
#: Months a fit needs: one month, and one more to compare it with.
MIN_FIT_MONTHS = 2
#: The months a rolling backtest's origins have fitted on, at least: a year.
ROLLING_MIN_FIT = 12


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
        ``flat_error`` ((forecast − actual) ÷ actual; NaN when actual MRR is 0),
        ``forecast_p10`` and ``forecast_p90`` (the forecast's band; NaN when the
        fitted months hold too few past errors for one).
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


def backtest(
    metrics: ExportMetrics, *, holdout: int, window: int = WINDOW, fits: Fits | None = None
) -> Backtest:
    """Fit on all but the last ``holdout`` months of an export, forecast those months.

    ``fits``, when given, is :func:`simulator.forecast.fit_export` of the same export and window.

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
    calibration = calibrate(metrics, months=holdout, window=window, upto=fitted, fits=fits)
    forecast = project(calibration.scenario).table["mrr"].to_numpy()[1:]
    low, high = band(calibration.forecast.band, forecast)
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
            "forecast_p10": low,
            "forecast_p90": high,
        }
    )
    return Backtest(
        holdout=holdout,
        fitted=(metrics.months[0], metrics.months[fitted - 1]),
        table=table,
        calibration=calibration,
    )


@dataclass(frozen=True)
class RollingBacktest:
    """A rolling backtest's result.

    Attributes
    ----------
    holdout
        The months each origin forecasts (fewer near the end of the data).
    table
        One row per origin and month forecast, origins in order: :data:`ROLLING_COLUMNS`
        (``origin`` the last month fitted on; ``flat_mrr`` its MRR; ``forecast_p10`` and
        ``forecast_p90`` the band, NaN where the past held too few errors for one), then
        ``lead`` (months after the origin), ``forecast_error`` and ``flat_error``
        ((forecast − actual) ÷ actual; NaN when actual MRR is 0).
    """

    holdout: int
    table: pd.DataFrame

    @property
    def origins(self) -> int:
        """How many origins forecast."""
        return int(self.table["origin"].nunique())

    def _by_origin(self) -> pd.DataFrame:
        table = self.table
        errors = pd.DataFrame(
            {
                "origin": table["origin"],
                "forecast": (table["forecast_mrr"] - table["actual_mrr"]).abs(),
                "flat": (table["flat_mrr"] - table["actual_mrr"]).abs(),
            }
        )
        return errors.groupby("origin", sort=False).sum()

    @property
    def beaten(self) -> int:
        """At how many origins the forecast's summed absolute error was below the flat line's."""
        sums = self._by_origin()
        return int((sums["forecast"] < sums["flat"] * (1 - 1e-9)).sum())

    @property
    def beaten_by(self) -> int:
        """At how many origins the flat line's summed absolute error was below the forecast's."""
        sums = self._by_origin()
        return int((sums["flat"] < sums["forecast"] * (1 - 1e-9)).sum())

    @property
    def forecast_mae(self) -> float:
        """The forecast's mean absolute error, in MRR, over every origin and month (NaN without rows)."""
        return _mean((self.table["forecast_mrr"] - self.table["actual_mrr"]).abs())

    @property
    def flat_mae(self) -> float:
        """The flat line's mean absolute error, in MRR."""
        return _mean((self.table["flat_mrr"] - self.table["actual_mrr"]).abs())

    @property
    def error_ratio(self) -> float:
        """The forecast's summed absolute error ÷ the flat line's (NaN when the flat line made none)."""
        flat = float((self.table["flat_mrr"] - self.table["actual_mrr"]).abs().sum())
        forecast = float((self.table["forecast_mrr"] - self.table["actual_mrr"]).abs().sum())
        return forecast / flat if flat > 0 else math.nan

    @property
    def coverage(self) -> float:
        """The share of months whose actual MRR fell within the band (of those with a band; NaN without)."""
        table = self.table
        banded = table["forecast_p90"].notna()
        if not banded.any():
            return math.nan
        rows = table[banded]
        inside = (rows["actual_mrr"] >= rows["forecast_p10"] * (1 - 1e-12)) & (
            rows["actual_mrr"] <= rows["forecast_p90"] * (1 + 1e-12)
        )
        return float(inside.mean())


def rolling_needed() -> int:
    """How many months an export needs for a rolling backtest: a year to fit on, one to forecast.

    >>> rolling_needed()
    13
    """
    return ROLLING_MIN_FIT + 1


def rolling_backtest(
    metrics: ExportMetrics, *, holdout: int, window: int = WINDOW, fits: Fits | None = None
) -> RollingBacktest:
    """Forecast the next ``holdout`` months from every origin with a year fitted, each fit on the
    months up to its origin only.

    ``fits``, when given, is :func:`simulator.forecast.fit_export` of the same export and window:
    the export is then not analysed again (nor its rows read again) for any origin.

    Raises
    ------
    BacktestError
        When the export has fewer than :func:`rolling_needed` months, or ``holdout`` is under 1.

    Examples
    --------
    Thirteen months of one customer paying 100: from its one origin the forecast says 100, as
    the flat line does, and happened.

    >>> from simulator.export import read_export
    >>> from simulator.metrics import analyse
    >>> rows = "customer_id,month,mrr\\n" + "".join(f"a,2024-{m:02d},100\\n" for m in range(1, 13))
    >>> rows += "a,2025-01,100\\n"
    >>> result = rolling_backtest(analyse(read_export(rows.encode())), holdout=3)
    >>> result.table[["origin", "month", "forecast_mrr", "flat_mrr"]].to_numpy().tolist()
    [['2024-12', '2025-01', 100.0, 100.0]]
    """
    n_months = len(metrics.months)
    if holdout < 1:
        raise BacktestError(f"--holdout is {holdout}; hold out at least 1 month")
    if n_months < rolling_needed():
        raise BacktestError(
            f"the export covers {n_months} month{'s' if n_months != 1 else ''}; a rolling backtest "
            f"needs at least {rolling_needed()} ({ROLLING_MIN_FIT} to fit on at each origin, 1 to "
            "forecast): export more months, or leave out --rolling"
        )
    fits = fit_export(metrics, window=window) if fits is None else fits
    paths = fits.paths(holdout)
    grid = np.meshgrid(np.arange(ROLLING_MIN_FIT - 1, n_months - 1), np.arange(1, holdout + 1), indexing="ij")
    origin, lead = grid[0].ravel(), grid[1].ravel()
    inside = origin + lead < n_months
    origin, lead = origin[inside], lead[inside]
    month = origin + lead
    y = fits.mrr
    forecast = paths[origin, lead - 1]
    root = np.sqrt(lead)
    with np.errstate(over="ignore"):
        low = forecast * np.exp(root * fits.band_low[origin])
        high = forecast * np.exp(root * fits.band_high[origin])
    actual, flat = y[month], y[origin]
    with np.errstate(divide="ignore", invalid="ignore"):
        forecast_error = np.where(actual > 0, (forecast - actual) / actual, np.nan)
        flat_error = np.where(actual > 0, (flat - actual) / actual, np.nan)
    labels = np.asarray(metrics.months)
    table = pd.DataFrame(
        {
            "origin": labels[origin],
            "month": labels[month],
            "actual_mrr": actual,
            "forecast_mrr": forecast,
            "flat_mrr": flat,
            "forecast_p10": low,
            "forecast_p90": high,
            "lead": lead,
            "forecast_error": forecast_error,
            "flat_error": flat_error,
        }
    )
    return RollingBacktest(holdout=holdout, table=table)


def _mean(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else math.nan


def _mape(errors: pd.Series) -> float:
    values = np.abs(errors.to_numpy(dtype=float))
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else math.nan
