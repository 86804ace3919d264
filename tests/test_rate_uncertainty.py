"""How well the rates are known: the range a future draws its rates from, and what an export measures.

Reference values: the standard error of a mean computed by hand, and the seeded sample export of
simulator.sample_data (500 customers, 36 months, seed 7) through the engine's own metrics.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulator.export import read_export
from simulator.metrics import analyse
from simulator.rate_uncertainty import DEFAULT, MIN_MONTHS, RateUncertainty, from_metrics
from simulator.sample_data import generate_export


def table(churned: list[float], *, base: float = 1_000.0) -> pd.DataFrame:
    """A metrics table: a first month without a base, then one month per churned amount."""
    count = len(churned)
    return pd.DataFrame(
        {
            "month": [f"20{24 + m // 12}-{m % 12 + 1:02d}" for m in range(count + 1)],
            "starting_mrr": [0.0] + [base] * count,
            "churned_mrr": [0.0, *churned],
            "contraction_mrr": [0.0] * (count + 1),
            "expansion_mrr": [0.0] + [base * 0.02 * (1 + m % 2) for m in range(count)],
        }
    )


def test_an_exports_rate_uncertainty_is_the_relative_standard_error_of_its_mean_monthly_rate() -> None:
    """Churn of 1% and 3% in turn over 12 months: mean 2%, sample standard deviation
    0.01 × √(12 / 11) = 1.0445%, standard error ÷ √12 = 0.3015%, relative 15.08%. Expansion of 2% and 4%
    in turn: the same spread around 3%, relative 10.05%. No contraction: nothing to measure, 0."""
    measured = from_metrics(table([10.0, 30.0] * 6))
    assert measured is not None
    assert measured.uncertainty.churn == pytest.approx(0.01 * math.sqrt(12 / 11) / math.sqrt(12) / 0.02)
    assert measured.uncertainty.expansion == pytest.approx(0.01 * math.sqrt(12 / 11) / math.sqrt(12) / 0.03)
    assert measured.uncertainty.contraction == 0.0
    assert measured.mean_rates["churn"] == pytest.approx(0.02)
    assert (measured.months, measured.count) == (("2024-02", "2025-01"), 12)


def test_only_the_latest_year_is_measured() -> None:
    """Two wild years, then a steady one: the latest 12 months alone say churn is known exactly."""
    measured = from_metrics(table([0.0, 90.0] * 12 + [20.0] * 12))
    assert measured is not None and measured.count == 12
    assert measured.uncertainty.churn == pytest.approx(0.0, abs=1e-12)


def test_too_few_months_measure_nothing() -> None:
    assert from_metrics(table([10.0] * (MIN_MONTHS - 1))) is None
    assert from_metrics(table([10.0] * MIN_MONTHS)) is not None


def test_a_rate_that_swings_wildly_is_capped_at_plus_or_minus_100_percent() -> None:
    """Six months, churn in one of them only: the standard error is 0.41 × the churned amount, ÷ its mean
    (a sixth of it): 2.45, capped at 1."""
    measured = from_metrics(table([600.0, 0.0, 0.0, 0.0, 0.0, 0.0]))
    assert measured is not None and measured.uncertainty.churn == 1.0


def test_the_sample_exports_rates_are_known_to_between_14_and_32_percent() -> None:
    """The figures the module's docstring quotes to justify the ±20% default."""
    monthly = analyse(read_export(generate_export().to_csv(index=False).encode())).monthly
    measured = from_metrics(monthly)
    assert measured is not None and measured.months == ("2025-01", "2025-12")
    spread = measured.uncertainty
    assert (round(spread.churn, 3), round(spread.contraction, 3), round(spread.expansion, 3)) == (
        0.175,
        0.316,
        0.142,
    )
    assert min(spread.churn, spread.contraction, spread.expansion) < DEFAULT.churn
    assert DEFAULT.churn < max(spread.churn, spread.contraction, spread.expansion)


def test_multipliers_are_exactly_1_where_a_rate_is_known_exactly() -> None:
    drawn = RateUncertainty(churn=0.3).multipliers(np.random.default_rng(1), 100)
    assert drawn.shape == (3, 100)
    assert (drawn[1:] == 1.0).all() and (drawn[0] != 1.0).all() and (drawn[0] > 0).all()


@pytest.mark.parametrize("bad", [-0.1, 1.5, math.nan, math.inf, True, "0.2"])
def test_a_rate_uncertainty_outside_0_to_1_is_refused_by_name(bad: object) -> None:
    with pytest.raises(ValueError, match=r"expansion is .*, outside the allowed range \(0 to 1\)"):
        RateUncertainty(expansion=bad)  # type: ignore[arg-type]
