"""How well the rates are known: the range each simulated future draws its rates from.

The customer-level Monte Carlo (:mod:`simulator.monte_carlo`) plays out luck:
which accounts churn, contract or expand, at the scenario's rates. Those rates
are themselves estimates. A :class:`RateUncertainty` says how far off each may
be, as one standard deviation relative to the rate: 0.2 puts a 3% churn between
2.4% and 3.6% in about two futures of three.

Each future draws its own churn, contraction and expansion once, for the whole
horizon (a rate not known exactly, not one that moves from month to month),
independently of each other, as the scenario's rate times a lognormal
multiplier of mean 1 and that standard deviation: never negative, and right on
average.

Where the range comes from:

- an export, :func:`from_metrics`: the standard error of the mean of its latest
  12 monthly rates (each month's churned, contraction or expansion MRR ÷ its
  starting MRR), relative to that mean. It is how far the past year's average
  rate may be from the rate the business really runs at, given how much the
  rate moved from month to month;
- else :data:`DEFAULT`, ±20% on each rate. The seeded sample export (500
  customers over three years, a typical early-stage book) measures churn
  ±18%, contraction ±32% and expansion ±14% this way; 20% sits among them, and
  a founder who sets rates by hand rarely knows them better than a year of
  such data would.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

#: The largest relative standard deviation of a rate (±100%).
MAX_RELATIVE_SD = 1.0
#: The fewest months with a starting MRR an export needs to measure how much its rates vary.
MIN_MONTHS = 6
#: The months an export's rates are measured over: its latest year.
WINDOW_MONTHS = 12
#: Each rate's flow in an export's monthly metrics (:data:`simulator.metrics.METRICS_COLUMNS`).
_FLOWS = {"churn": "churned_mrr", "contraction": "contraction_mrr", "expansion": "expansion_mrr"}


@dataclass(frozen=True)
class RateUncertainty:
    """How far off each monthly rate may be: one standard deviation, relative to the rate.

    Attributes
    ----------
    churn, contraction, expansion
        0 to :data:`MAX_RELATIVE_SD`; 0 holds that rate exactly as set.

    Raises
    ------
    ValueError
        A value that is not a number from 0 to 1.

    Examples
    --------
    >>> RateUncertainty.each(0.2)
    RateUncertainty(churn=0.2, contraction=0.2, expansion=0.2)
    >>> RateUncertainty().fixed
    True
    """

    churn: float = 0.0
    contraction: float = 0.0
    expansion: float = 0.0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            real = isinstance(value, numbers.Real) and not isinstance(value, bool)
            if not (real and math.isfinite(value) and 0 <= value <= MAX_RELATIVE_SD):
                raise ValueError(
                    f"{field.name} is {value!r}, outside the allowed range (0 to {MAX_RELATIVE_SD:g}): "
                    "one standard deviation relative to the rate, 0.2 for ±20%"
                )

    @classmethod
    def each(cls, relative_sd: float) -> RateUncertainty:
        """The same relative standard deviation on every rate."""
        return cls(churn=relative_sd, contraction=relative_sd, expansion=relative_sd)

    @property
    def fixed(self) -> bool:
        """Whether every rate is held exactly (the simulation is then luck alone)."""
        return self.churn == self.contraction == self.expansion == 0.0

    def multipliers(self, rng: np.random.Generator, paths: int) -> np.ndarray:
        """Each future's multiplier of churn, contraction and expansion: ``(3, paths)``, mean 1.

        Lognormal with mean 1 and standard deviation the rate's: ``exp(s z - s² / 2)`` with
        ``s² = ln(1 + sd²)`` and ``z`` standard normal. One row of three draws per future, so
        the first futures keep their rates when more are drawn. Exactly 1 where the sd is 0.
        """
        sd = np.array([self.churn, self.contraction, self.expansion])
        s = np.sqrt(np.log1p(sd**2))
        z = rng.standard_normal((paths, 3))
        drawn: np.ndarray = np.exp(s * z - s**2 / 2.0).T
        return drawn


#: No uncertainty in the rates: luck alone.
FIXED = RateUncertainty()
#: The range used without an export: each rate known to ±20% (one standard deviation).
DEFAULT = RateUncertainty.each(0.2)


@dataclass(frozen=True)
class MeasuredUncertainty:
    """What an export says of how well its rates are known (:func:`from_metrics`).

    Attributes
    ----------
    uncertainty
        Each rate's standard error of the mean monthly rate, relative to the mean.
    months
        The first and last month measured (``YYYY-MM``).
    count
        How many months were measured.
    mean_rates
        Each rate's mean over those months (monthly fractions): ``churn``,
        ``contraction``, ``expansion``.
    """

    uncertainty: RateUncertainty
    months: tuple[str, str]
    count: int
    mean_rates: dict[str, float]


def from_metrics(monthly: pd.DataFrame, *, window: int = WINDOW_MONTHS) -> MeasuredUncertainty | None:
    """How well an export knows its rates: the standard error of each mean monthly rate, relative.

    Over the latest ``window`` months with a starting MRR (an export's first month
    has none), each month's rate is its flow ÷ its starting MRR. A rate's relative
    uncertainty is the standard error of their mean (sample standard deviation,
    n − 1, ÷ √n) ÷ the mean, at most :data:`MAX_RELATIVE_SD`; 0 for a rate the
    window never saw (mean 0), which the months cannot measure.

    Parameters
    ----------
    monthly
        :attr:`simulator.metrics.ExportMetrics.monthly`.
    window
        The latest months measured.

    Returns
    -------
    MeasuredUncertainty or None
        None when fewer than :data:`MIN_MONTHS` months have a starting MRR.

    Examples
    --------
    Churn of 1%, 3%, 1%, 3%, 1%, 3% of a 1,000 base: mean 2%, standard deviation
    1.095%, standard error 1.095% ÷ √6 = 0.447%, relative 22.4%.

    >>> table = pd.DataFrame({"month": [f"2025-{m:02d}" for m in range(1, 8)],
    ...     "starting_mrr": [0.0] + [1_000.0] * 6, "churned_mrr": [0.0, 10, 30, 10, 30, 10, 30],
    ...     "contraction_mrr": [0.0] * 7, "expansion_mrr": [0.0] + [20.0] * 6})
    >>> measured = from_metrics(table)
    >>> round(measured.uncertainty.churn, 4), measured.uncertainty.contraction, measured.uncertainty.expansion
    (0.2236, 0.0, 0.0)
    >>> measured.months, measured.count
    (('2025-02', '2025-07'), 6)
    """
    based = monthly[monthly["starting_mrr"].to_numpy(dtype=float) > 0]
    recent = based.tail(window)
    if len(recent) < MIN_MONTHS:
        return None
    base = recent["starting_mrr"].to_numpy(dtype=float)
    spread: dict[str, float] = {}
    means: dict[str, float] = {}
    for name, column in _FLOWS.items():
        rates = recent[column].to_numpy(dtype=float) / base
        mean = float(rates.mean())
        error = float(rates.std(ddof=1)) / math.sqrt(len(rates))
        means[name] = mean
        spread[name] = min(error / mean, MAX_RELATIVE_SD) if mean > 0 else 0.0
    return MeasuredUncertainty(
        uncertainty=RateUncertainty(**spread),
        months=(str(recent["month"].iat[0]), str(recent["month"].iat[-1])),
        count=len(recent),
        mean_rates=means,
    )
