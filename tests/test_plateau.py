"""Where the leaky bucket levels off: the closed form, and the level read off a refined projection."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import project
from simulator.plateau import plateau
from simulator.scenario import Segment
from tests.examples import LEAKY


def test_the_plateau_is_new_mrr_over_the_monthly_leak() -> None:
    result = plateau(LEAKY)
    assert result.mrr == pytest.approx(5_000 / 0.02)
    assert not result.grows_by_itself


def test_months_to_the_plateau_is_the_first_month_within_5_percent() -> None:
    result = plateau(LEAKY)
    assert result.months_to_within_5pct is not None and result.mrr is not None
    mrr = project(LEAKY, months=result.months_to_within_5pct).table["mrr"].to_numpy()
    gap = np.abs(mrr - result.mrr) / result.mrr
    assert gap[-1] <= 0.05 + 1e-12
    assert gap[-2] > 0.05


def test_a_business_already_at_its_plateau_needs_zero_months() -> None:
    assert plateau(LEAKY.replace(starting_mrr=250_000)).months_to_within_5pct == 0


def test_nrr_of_100_percent_or_more_has_no_plateau() -> None:
    result = plateau(LEAKY.replace(expansion_rate=0.05))
    assert result.grows_by_itself and result.mrr is None and result.months_to_within_5pct is None


def test_growing_acquisition_has_no_fixed_plateau() -> None:
    result = plateau(LEAKY.replace(acquisition_growth_rate=0.02))
    assert not result.grows_by_itself and result.mrr is None


def test_no_acquisition_shrinks_toward_zero_without_reaching_it() -> None:
    result = plateau(LEAKY.replace(new_customers_per_month=0))
    assert result.mrr == 0 and result.months_to_within_5pct is None


def test_total_loss_reaches_the_plateau_after_one_month() -> None:
    result = plateau(LEAKY.replace(churn_rate=1.0, contraction_rate=0.0, expansion_rate=0.0))
    assert result.mrr == pytest.approx(5_000) and result.months_to_within_5pct == 1


SMB_ENTERPRISE = LEAKY.replace(
    starting_customers=50,
    new_customers_per_month=5,
    segments=[
        Segment("SMB", 0.06, 0.02, 0.01, mrr_share=0.6, new_customer_share=0.6, new_customer_mrr=500),
        Segment("Enterprise", 0.02, 0.01, 0.02, mrr_share=0.4, new_customer_share=0.4, new_customer_mrr=5000),
    ],
)


def test_with_segments_the_plateau_is_each_segments_own_added_up() -> None:
    """SMB: 5 × 0.6 × $500 a month ÷ (1 − 0.93); Enterprise: 5 × 0.4 × $5,000 ÷ (1 − 0.99)."""
    result = plateau(SMB_ENTERPRISE)
    assert not result.grows_by_itself
    assert result.mrr == pytest.approx(1_500 / 0.07 + 10_000 / 0.01, rel=1e-6)
    # Enterprise dominates: 960,000 of its gap × 0.99^t falls within 5% of the plateau at month 292.
    assert result.months_to_within_5pct == pytest.approx(292, abs=12)


def test_a_segment_that_grows_by_itself_leaves_no_plateau_even_when_the_blend_shrinks() -> None:
    growing = SMB_ENTERPRISE.replace(
        segments=[
            Segment("SMB", 0.06, 0.02, 0.0, mrr_share=0.9, new_customer_share=0.5, new_customer_mrr=500),
            Segment(
                "Enterprise", 0.0, 0.0, 0.01, mrr_share=0.1, new_customer_share=0.5, new_customer_mrr=500
            ),
        ]
    )
    assert plateau(growing).grows_by_itself


def test_an_expansion_ceiling_levels_off_a_base_that_expands_today() -> None:
    capped = LEAKY.replace(expansion_rate=0.06, expansion_ceiling=1.5)
    assert capped.monthly_nrr > 1
    result = plateau(capped)
    assert not result.grows_by_itself and result.mrr is not None
    months = result.months_to_within_5pct
    assert months is not None
    mrr = project(capped, months=months + 24).table["mrr"].to_numpy()
    gap = np.abs(mrr - result.mrr) / result.mrr
    assert (gap[months:] <= 0.05 + 1e-9).all() and gap[months - 1] > 0.05
