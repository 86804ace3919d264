"""Unit economics of a scenario (simulator/economics.py).

Reference values: closed forms of the core model (a new customer paying
``m`` keeps ``m × r^a`` in its ``a``-th month, ``r`` the monthly NRR, so its
discounted lifetime value is a geometric sum) and hand-computed figures on
domain.md's worked example 1 (3% churn, 1% contraction, 6% expansion).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.economics import logo_churn, unit_economics
from simulator.scenario import Scenario, ScenarioError, Segment
from simulator.summary import summarise
from tests.examples import WORKED_EXAMPLE
from tests.strategies import examples, refined_scenarios, within

#: The worked example with unit economics: CAC $6,000, 75% gross margin.
PRICED = WORKED_EXAMPLE.replace(cac=6_000, gross_margin=0.75)


def economics(scenario: Scenario, **options: float | int) -> object:
    return unit_economics(summarise(scenario), **options)  # type: ignore[arg-type]


def geometric_ltv(*, mrr: float, nrr: float, discount: float, months: int, margin: float) -> float:
    """Closed form: margin × m × (1 − q^L) ÷ (1 − q), q = r × (1 + d)^(−1/12)."""
    q = nrr * (1 + discount) ** (-1 / 12)
    return margin * mrr * (1 - q**months) / (1 - q)


def test_ltv_of_three_months_at_102_percent_is_added_up_by_hand() -> None:
    """$1,000, then $1,020, then $1,040.40: $3,060.40 undiscounted, all of it margin."""
    scenario = Scenario(
        starting_mrr=0, churn_rate=0.03, contraction_rate=0.01, expansion_rate=0.06, new_customer_mrr=1_000
    )
    result = unit_economics(summarise(scenario), discount_rate=0.0, lifetime_months=3)
    assert result.revenue.tolist() == pytest.approx([1_000, 1_020, 1_040.4], rel=1e-12)
    assert result.ltv == pytest.approx(3_060.4, rel=1e-12)


def test_ltv_counting_expansion_is_the_closed_form_geometric_sum() -> None:
    result = unit_economics(summarise(PRICED), discount_rate=0.10, lifetime_months=60)
    expected = geometric_ltv(mrr=2_000, nrr=1.02, discount=0.10, months=60, margin=0.75)
    assert result.ltv == pytest.approx(expected, rel=1e-12)
    # The same cohort without expansion keeps 96% a month.
    assert result.ltv_without_expansion == pytest.approx(
        geometric_ltv(mrr=2_000, nrr=0.96, discount=0.10, months=60, margin=0.75), rel=1e-12
    )
    assert result.expansion_value == pytest.approx(result.ltv - result.ltv_without_expansion)


def test_revenue_over_churn_undercounts_an_expanding_customer() -> None:
    """Revenue ÷ churn: 2,000 × 75% ÷ 3% = $50,000, whatever expansion does."""
    result = unit_economics(summarise(PRICED))
    assert result.traditional_ltv == pytest.approx(50_000, rel=1e-12)
    assert result.ltv > result.traditional_ltv
    assert result.undercount == pytest.approx(result.ltv - 50_000, rel=1e-12)


def test_without_expansion_or_discount_a_long_life_comes_back_to_revenue_over_churn() -> None:
    """5% churn, nothing else: Σ 1,000 × 0.95^a over 240 months = 20,000 × (1 − 0.95^240)."""
    scenario = Scenario(starting_mrr=0, churn_rate=0.05, new_customer_mrr=1_000)
    result = unit_economics(summarise(scenario), discount_rate=0.0, lifetime_months=240)
    assert result.traditional_ltv == pytest.approx(20_000, rel=1e-12)
    assert result.ltv == pytest.approx(20_000 * (1 - 0.95**240), rel=1e-12)
    assert result.ltv == pytest.approx(result.traditional_ltv, rel=1e-5)


def test_ltv_to_cac_divides_each_ltv_by_the_cac() -> None:
    result = unit_economics(summarise(PRICED))
    assert result.ltv_to_cac == pytest.approx(result.ltv / 6_000, rel=1e-12)
    assert result.traditional_ltv_to_cac == pytest.approx(50_000 / 6_000, rel=1e-12)


def test_cac_payback_is_cac_over_the_first_months_margin() -> None:
    """6,000 ÷ (2,000 × 75%) = 4 months; on the cohort, growing 2% a month, it is sooner:
    1,500 + 1,530 + 1,560.60 = 4,590.60 after three months, and the fourth month's 1,591.81
    covers the remaining 1,409.40 in 0.8854 of it."""
    result = unit_economics(summarise(PRICED))
    assert result.payback_months == pytest.approx(4.0, rel=1e-12)
    assert result.cohort_payback_months == pytest.approx(3 + 1_409.4 / 1_591.812, rel=1e-9)


def test_without_a_gross_margin_lifetime_value_is_revenue() -> None:
    result = unit_economics(summarise(PRICED.replace(gross_margin=None)))
    assert result.margin == 1.0 and result.gross_margin is None
    assert result.traditional_ltv == pytest.approx(2_000 / 0.03, rel=1e-12)
    assert result.payback_months == pytest.approx(3.0, rel=1e-12)


def test_figures_that_need_a_cac_do_not_exist_without_one() -> None:
    result = unit_economics(summarise(WORKED_EXAMPLE))
    assert math.isnan(result.ltv_to_cac) and math.isnan(result.payback_months)
    assert math.isnan(result.cohort_payback_months)
    assert result.ltv > 0


def test_a_payback_the_lifetime_never_reaches_is_infinite() -> None:
    leaky = Scenario(starting_mrr=0, churn_rate=0.5, new_customer_mrr=100, cac=1_000)
    result = unit_economics(summarise(leaky), lifetime_months=60)
    assert result.payback_months == pytest.approx(10.0)
    assert math.isinf(result.cohort_payback_months)  # 100 + 50 + 25 + … never reaches 1,000


def test_no_churn_has_no_finite_revenue_over_churn() -> None:
    result = unit_economics(summarise(Scenario(starting_mrr=0, new_customer_mrr=100)))
    assert math.isinf(result.traditional_ltv)
    assert result.ltv == pytest.approx(geometric_ltv(mrr=100, nrr=1.0, discount=0.1, months=60, margin=1.0))


def test_the_first_years_quick_ratio_is_won_over_lost_by_hand() -> None:
    """Worked example 1 with 5 new customers at $2,000 a month: MRR at month t is
    600,000 × 1.02^t − 500,000, so the year's starting MRRs add up to S = 600,000 ×
    (1.02^12 − 1) ÷ 0.02 − 6,000,000; the year wins 120,000 new and 6% × S, loses 4% × S."""
    result = unit_economics(summarise(WORKED_EXAMPLE))
    base = 600_000 * (1.02**12 - 1) / 0.02 - 6_000_000
    assert result.quick_ratio == pytest.approx((120_000 + 0.06 * base) / (0.04 * base), rel=1e-12)
    assert result.quick_ratio_period == "months 1–12"


def test_logo_churn_sits_beside_revenue_churn() -> None:
    result = unit_economics(summarise(WORKED_EXAMPLE))
    assert result.logo_churn == pytest.approx(0.03, rel=1e-12)
    assert result.revenue_churn == pytest.approx(0.04, rel=1e-12)
    assert result.net_revenue_churn == pytest.approx(-0.02, rel=1e-9)


def test_logo_churn_with_segments_is_weighted_by_customers_not_mrr() -> None:
    """Customers split by new-customer share: 80% of them churn 5%, 20% churn 1% (by MRR 50/50)."""
    segments = (
        Segment("SMB", churn_rate=0.05, mrr_share=0.5, new_customer_share=0.8, new_customer_mrr=100),
        Segment("Enterprise", churn_rate=0.01, mrr_share=0.5, new_customer_share=0.2, new_customer_mrr=2_000),
    )
    scenario = Scenario(starting_mrr=100_000, segments=segments)
    assert logo_churn(scenario) == pytest.approx(0.8 * 0.05 + 0.2 * 0.01, rel=1e-12)
    assert unit_economics(summarise(scenario)).revenue_churn == pytest.approx(0.03, rel=1e-12)
    # A new customer is the blend of new customers: 80% at $100, 20% at $2,000.
    assert unit_economics(summarise(scenario)).first_mrr == pytest.approx(480.0, rel=1e-12)


def test_churned_customers_half_the_average_size_double_logo_churn_and_halve_revenue_over_churn() -> None:
    """By hand on the priced worked example: 3% of MRR cancels in accounts half the average, so 6%
    of customers leave; revenue churn (churn and contraction) stays 4%. Revenue ÷ churn divides the
    first month's margin by logo churn: 2,000 × 0.75 ÷ 6% = $25,000, half of the $50,000 at 1×;
    lifetime value counting expansion follows the MRR, which does not move."""
    even, skewed = (
        unit_economics(summarise(PRICED)),
        unit_economics(summarise(PRICED.replace(churned_size_multiple=0.5))),
    )
    assert skewed.logo_churn == pytest.approx(0.06, rel=1e-12)
    assert skewed.cancelled_mrr_churn == even.cancelled_mrr_churn == pytest.approx(0.03, rel=1e-12)
    assert skewed.revenue_churn == even.revenue_churn == pytest.approx(0.04, rel=1e-12)
    assert skewed.traditional_ltv == pytest.approx(25_000, rel=1e-12)
    assert even.traditional_ltv == pytest.approx(50_000, rel=1e-12)
    assert skewed.ltv == even.ltv
    assert skewed.churned_size_multiple == 0.5 and even.churned_size_multiple == 1.0


def test_with_segments_the_churned_size_divides_each_segments_logo_churn() -> None:
    """One multiple for every segment, within each: customers split 80/20 churn 5% and 1% of their
    MRR in accounts twice their segment's average, so (0.8 × 5% + 0.2 × 1%) ÷ 2 of the customers
    leave; the MRR lost to cancellations is the MRR-weighted 3% whatever the size."""
    segments = (
        Segment("SMB", churn_rate=0.05, mrr_share=0.5, new_customer_share=0.8, new_customer_mrr=100),
        Segment("Enterprise", churn_rate=0.01, mrr_share=0.5, new_customer_share=0.2, new_customer_mrr=2_000),
    )
    scenario = Scenario(starting_mrr=100_000, segments=segments, churned_size_multiple=2.0)
    result = unit_economics(summarise(scenario))
    assert result.logo_churn == pytest.approx((0.8 * 0.05 + 0.2 * 0.01) / 2, rel=1e-12)
    assert result.cancelled_mrr_churn == pytest.approx(0.03, rel=1e-12)


def test_failed_payments_recovered_lower_logo_churn() -> None:
    scenario = WORKED_EXAMPLE.replace(involuntary_churn_share=0.4, involuntary_recovery_rate=0.5)
    assert logo_churn(scenario) == pytest.approx(0.03 * (1 - 0.2), rel=1e-12)


def test_early_life_churn_and_an_expansion_ceiling_lower_lifetime_value() -> None:
    plain = unit_economics(summarise(PRICED))
    early = unit_economics(summarise(PRICED.replace(early_churn_multiple=3.0, early_churn_months=3)))
    capped = unit_economics(summarise(PRICED.replace(expansion_ceiling=1.5)))
    assert early.ltv < plain.ltv
    assert capped.ltv < plain.ltv
    # Revenue ÷ churn sees neither.
    assert early.traditional_ltv == capped.traditional_ltv == plain.traditional_ltv


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"discount_rate": -0.1}, "discount_rate is -0.1, outside the allowed range"),
        ({"discount_rate": 1.5}, "discount_rate is 1.5"),
        ({"lifetime_months": 0}, r"lifetime_months is 0, outside the allowed range \(1 to 240\)"),
        ({"lifetime_months": 241}, "lifetime_months is 241"),
    ],
)
def test_a_discount_or_lifetime_out_of_range_is_refused_by_name(
    options: dict[str, float], message: str
) -> None:
    with pytest.raises(ScenarioError, match=message):
        unit_economics(summarise(PRICED), **options)  # type: ignore[arg-type]


@settings(max_examples=examples(40))
@given(refined_scenarios(max_months=36), st.floats(0.0, 1.0), st.integers(1, 120))
def test_expansion_never_lowers_lifetime_value_and_discounting_never_raises_it(
    scenario: Scenario, discount: float, months: int
) -> None:
    summary = summarise(scenario)
    result = unit_economics(summary, discount_rate=discount, lifetime_months=months)
    undiscounted = unit_economics(summary, discount_rate=0.0, lifetime_months=months)
    scale = float(np.abs(undiscounted.revenue).sum()) + 1.0
    assert result.ltv >= result.ltv_without_expansion - 1e-9 * scale
    assert result.ltv <= undiscounted.ltv + 1e-9 * scale
    assert result.ltv >= 0 and len(result.revenue) == months
    assert within(
        result.ltv,
        result.margin * float(result.revenue @ (1 + discount) ** (-np.arange(months) / 12)),
        scale=scale,
    )
    assert 0 <= result.logo_churn <= 1 + 1e-12
    assert 0 <= result.cancelled_mrr_churn <= 1 + 1e-12


@settings(max_examples=examples(40))
@given(
    st.floats(0.0, 0.2),
    st.floats(0.0, 0.1),
    st.floats(0.0, 0.1),
    st.floats(0.0, 0.5),
    st.integers(1, 240),
    st.floats(1.0, 1e5),
)
def test_the_core_models_lifetime_value_is_always_the_closed_form(
    churn: float, contraction: float, expansion: float, discount: float, months: int, mrr: float
) -> None:
    scenario = Scenario(
        starting_mrr=0,
        churn_rate=churn,
        contraction_rate=contraction,
        expansion_rate=expansion,
        new_customer_mrr=mrr,
        gross_margin=0.8,
    )
    result = unit_economics(summarise(scenario), discount_rate=discount, lifetime_months=months)
    nrr = 1 - churn - contraction + expansion
    q = nrr * (1 + discount) ** (-1 / 12)
    # Near q = 1 the closed form cancels catastrophically: there, the terms are added one by one.
    terms = (1 - q**months) / (1 - q) if abs(1 - q) > 1e-6 else float(np.sum(q ** np.arange(months)))
    expected = 0.8 * mrr * terms
    assert result.ltv == pytest.approx(expected, rel=1e-8)
