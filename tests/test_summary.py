"""The headline figures, computed once: worked examples, closed forms, and invariants under hypothesis.

Reference values: domain.md's worked example 1 (3% churn, 1% contraction, 6%
expansion: 102% a month, 1.02^12 = 126.8% a year, GRR 0.96^12 = 61.3%), and
a two-segment business whose figures are hand-computed per segment.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from simulator import Scenario, project
from simulator.scenario import Segment
from simulator.summary import headline_months, retention, summarise
from tests.examples import WORKED_EXAMPLE
from tests.strategies import examples, refined_scenarios, scenarios, within

SEGMENTS = WORKED_EXAMPLE.replace(
    segments=[
        Segment("SMB", 0.06, 0.02, 0.01, mrr_share=0.6, new_customer_share=0.6, new_customer_mrr=500),
        Segment("Enterprise", 0.02, 0.01, 0.02, mrr_share=0.4, new_customer_share=0.4, new_customer_mrr=5000),
    ]
)


def test_worked_example_one_has_one_verdict_with_both_tiers_and_the_diagnosis() -> None:
    summary = summarise(WORKED_EXAMPLE)
    assert summary.monthly_nrr == pytest.approx(1.02) and summary.monthly_grr == pytest.approx(0.96)
    assert summary.annual_nrr == pytest.approx(1.02**12) and summary.annual_grr == pytest.approx(0.96**12)
    assert summary.retention.annual_basis == "monthly ^ 12"
    assert (summary.nrr_tier.name, summary.grr_tier.name) == ("Best in class", "Leaky")
    assert summary.diagnosis.startswith("GRR below 90%: fix churn first")
    assert summary.plateau.grows_by_itself
    assert summary.stay_flat_at(1) == 0.0


def test_segments_replace_the_top_level_levers_in_every_figure() -> None:
    """Month 1: 0.6 × 0.93 + 0.4 × 0.99 = 95.4%; a year: 0.6 × 0.93^12 + 0.4 × 0.99^12 = 60.6%."""
    summary = summarise(SEGMENTS)
    assert summary.monthly_nrr == pytest.approx(0.6 * 0.93 + 0.4 * 0.99)
    assert summary.monthly_grr == pytest.approx(0.6 * 0.92 + 0.4 * 0.97)
    assert summary.annual_nrr == pytest.approx(0.6 * 0.93**12 + 0.4 * 0.99**12)
    assert summary.annual_grr == pytest.approx(0.6 * 0.92**12 + 0.4 * 0.97**12)
    assert summary.retention.annual_basis == "cohort"
    assert (summary.nrr_tier.name, summary.grr_tier.name) == ("Red flag", "Leaky")
    # Needed to stay flat in month 1: 4.6% of $100,000.
    assert summary.stay_flat_at(1) == pytest.approx(4_600)
    assert not summary.plateau.grows_by_itself
    assert summary.plateau.mrr == pytest.approx(5 * 0.6 * 500 / 0.07 + 5 * 0.4 * 5000 / 0.01, rel=1e-6)


def test_headline_revenue_is_read_a_year_out_and_at_the_horizon_never_past_it() -> None:
    assert [headline_months(months) for months in (6, 12, 24, 36, 60, 120)] == [
        (6,),
        (12,),
        (12, 24),
        (12, 36),
        (12, 60),
        (12, 120),
    ]
    summary = summarise(WORKED_EXAMPLE.replace(months=24))
    assert [summary.mrr_at(month) for month in headline_months(24)] == [
        project(WORKED_EXAMPLE).mrr_at(12),
        project(WORKED_EXAMPLE).mrr_at(24),
    ]


def test_a_horizon_under_a_year_still_has_its_annual_nrr() -> None:
    summary = summarise(WORKED_EXAMPLE.replace(months=6))
    assert len(summary.projection.table) == 7
    assert summary.annual_nrr == pytest.approx(1.02**12)


def test_a_business_without_mrr_today_still_has_the_rates_of_its_levers() -> None:
    summary = summarise(SEGMENTS.replace(starting_mrr=0.0))
    assert summary.annual_nrr == pytest.approx(summarise(SEGMENTS).annual_nrr)
    assert summary.monthly_nrr == pytest.approx(0.954)


@settings(max_examples=examples(80))
@given(refined_scenarios())
def test_annual_nrr_is_what_todays_customers_pay_a_year_later(scenario: Scenario) -> None:
    """Independent of the trailing-12 sums: the starting base's own MRR at month 12 over month 0."""
    figures = retention(scenario)
    base = project(scenario.replace(starting_mrr=max(scenario.starting_mrr, 1.0)), months=12).cohort_mrr[0]
    assert within(figures.annual_nrr, base[12] / base[0], scale=1.0, rel=1e-9)
    assert within(figures.monthly_nrr, base[1] / base[0], scale=1.0, rel=1e-9)


@settings(max_examples=examples(80))
@given(refined_scenarios())
def test_nrr_is_grr_plus_expansion_and_grr_never_exceeds_one_or_nrr(scenario: Scenario) -> None:
    """NRR read off the base's own MRR (month 1 over month 0) equals GRR and the expansion rate read
    off month 1's flows; on a base of 1,000 so that no share of it underflows."""
    summary = summarise(scenario)
    projection = project(scenario.replace(starting_mrr=1_000.0), months=12)
    month = projection.table.iloc[1]
    start = float(month["starting_mrr"])
    flows_grr = 1.0 - (float(month["churned_mrr"]) + float(month["contraction_mrr"])) / start
    flows_expansion = float(month["expansion_mrr"]) / start
    base = projection.cohort_mrr[0]
    assert within(base[1] / base[0], flows_grr + flows_expansion, scale=1.0 + flows_expansion)
    assert within(summary.monthly_grr, flows_grr, scale=1.0)
    assert summary.monthly_grr <= 1.0 + 1e-12 and summary.annual_grr <= 1.0 + 1e-12
    assert summary.annual_grr <= summary.annual_nrr + 1e-12
    assert all(math.isfinite(v) for v in (summary.monthly_nrr, summary.annual_nrr, summary.annual_grr))


@settings(max_examples=examples(40))
@given(scenarios(max_months=60))
def test_in_the_core_model_annual_nrr_is_monthly_nrr_to_the_twelfth(scenario: Scenario) -> None:
    summary = summarise(scenario)
    trailing = project(scenario.replace(starting_mrr=max(scenario.starting_mrr, 1.0)), months=12).table
    assert summary.annual_nrr == scenario.monthly_nrr**12
    assert within(summary.annual_nrr, trailing["nrr_trailing_12"].iat[12], scale=1.0)
    assert np.isfinite([summary.mrr_at(m) for m in (0, 12, 36)]).all()


@settings(max_examples=examples(15))
@given(refined_scenarios(max_months=12))
def test_the_long_projection_behind_the_plateau_stays_finite(scenario: Scenario) -> None:
    """The plateau reads a 240-month projection: fast expansion under a ceiling must not overflow."""
    summary = summarise(scenario)
    level = summary.plateau.mrr
    assert level is None or math.isfinite(level)
    assert np.isfinite(project(scenario, months=600).table["mrr"].to_numpy()).all()
