"""Cohorts, expansion concentration and levers measured from an export."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import project
from simulator.actuals import (
    annual_retention,
    cohort_retention,
    concentration_warning,
    levers_from_metrics,
    top_expansion_share,
)
from simulator.export import read_export
from simulator.metrics import ExportMetrics, analyse
from simulator.sample_data import generate_export


def metrics_of(csv: str) -> ExportMetrics:
    return analyse(read_export(csv.encode()))


@pytest.fixture(scope="module")
def sample() -> ExportMetrics:
    return analyse(read_export(generate_export().to_csv(index=False).encode()))


def test_cohort_retention_is_each_cohorts_mrr_over_its_first_month() -> None:
    metrics = metrics_of(
        "customer_id,month,mrr\n"
        "a,2024-01,100\na,2024-02,150\na,2024-03,0\n"
        "b,2024-02,200\nb,2024-03,100\n"
        "c,2024-02,50\n"
    )
    table = cohort_retention(metrics)
    assert table.index.tolist() == ["2024-01", "2024-02"]
    assert table.loc["2024-01"].tolist()[:3] == [1.0, 1.5, 0.0]
    assert table.loc["2024-02", 0] == 1.0
    assert table.loc["2024-02", 1] == pytest.approx(100 / 250)
    assert math.isnan(table.loc["2024-02", 2])  # past the end of the data


def test_top_expansion_share_of_one_big_expander_is_everything() -> None:
    rows = "".join(f"c{i},2024-01,100\nc{i},2024-02,100\n" for i in range(19))
    metrics = metrics_of("customer_id,month,mrr\n" + rows + "big,2024-01,100\nbig,2024-02,900\n")
    assert top_expansion_share(metrics) == 1.0


def test_top_expansion_share_is_nan_without_expansion() -> None:
    assert math.isnan(top_expansion_share(metrics_of("customer_id,month,mrr\na,2024-01,1\na,2024-02,1\n")))


def test_the_simulator_starts_from_the_annual_nrr_and_grr_the_data_measured(sample: ExportMetrics) -> None:
    levers = levers_from_metrics(sample)
    last = sample.monthly.iloc[-1]
    table = project(levers.scenario).table
    # A year of the simulator keeps what the latest trailing year of the data kept.
    assert table["nrr_trailing_12"].iat[12] == pytest.approx(last["nrr_trailing_12"], rel=1e-12)
    assert table["grr_trailing_12"].iat[12] == pytest.approx(last["grr_trailing_12"], rel=1e-12)
    assert levers.measured.basis == "trailing 12" and levers.measured.months == ("2024-12", "2025-12")
    # Churn and contraction split the monthly loss as the window's own flows do.
    recent = sample.monthly.iloc[-12:]
    assert levers.scenario.churn_rate / levers.scenario.contraction_rate == pytest.approx(
        recent["churned_mrr"].sum() / recent["contraction_mrr"].sum()
    )
    assert table["mrr"].iat[0] == last["ending_mrr"]
    assert table["customers"].iat[0] == last["customers"]
    assert levers.window == (recent["month"].iat[0], recent["month"].iat[-1])


def test_the_months_own_rates_are_kept_beside_the_calibrated_levers(sample: ExportMetrics) -> None:
    recent = sample.monthly.iloc[-12:]
    rates = levers_from_metrics(sample).monthly
    assert rates["churn"] == pytest.approx(recent["churned_mrr"].sum() / recent["starting_mrr"].sum())
    assert rates["expansion"] == pytest.approx(recent["expansion_mrr"].sum() / recent["starting_mrr"].sum())


def test_a_short_exports_annual_figures_are_its_mrr_weighted_monthly_rates_compounded() -> None:
    """Two months: 100 + 50 paying, then 120 and 0 (b churned): NRR 120/150, GRR 100/150 a month."""
    measured = annual_retention(
        metrics_of("customer_id,month,mrr\na,2024-01,100\nb,2024-01,50\na,2024-02,120\n").monthly
    )
    assert measured.basis == "monthly rates"
    assert measured.nrr == pytest.approx((120 / 150) ** 12)
    assert measured.grr == pytest.approx((100 / 150) ** 12)


def test_new_customers_and_their_mrr_are_the_windows_averages(sample: ExportMetrics) -> None:
    recent = sample.monthly.iloc[-12:]
    scenario = levers_from_metrics(sample).scenario
    assert scenario.new_customers_per_month == pytest.approx(recent["new_customers"].mean())
    assert scenario.month_one_new_mrr == pytest.approx(recent["new_mrr"].mean())


def test_a_short_export_uses_the_months_it_has() -> None:
    levers = levers_from_metrics(
        metrics_of("customer_id,month,mrr\na,2024-01,100\na,2024-02,90\nb,2024-02,10\n")
    )
    assert levers.months_in_window == 1
    assert levers.scenario.contraction_rate == pytest.approx(0.10)
    assert levers.scenario.new_customer_mrr == 10


def test_high_nrr_with_low_grr_is_called_out() -> None:
    year = [f"2023-{m:02d}" for m in range(1, 13)]
    leavers = "".join(f"small{i},{month},100\n" for i in range(3) for month in year)
    big = "".join(f"big,{month},700\n" for month in year) + "big,2024-01,1100\n"
    leaky = metrics_of("customer_id,month,mrr\n" + leavers + big)
    warning = concentration_warning(leaky, top_share=0.3)
    # 2,800 a year earlier; 1,100 now; the big account capped at 700.
    assert warning is not None and "NRR of 110.0% hides a GRR of 70.0%" in warning


def test_a_steady_base_gets_no_warning_unless_expansion_is_concentrated() -> None:
    rows = "".join(f"c{i},2024-0{m},100\n" for i in range(10) for m in (1, 2))
    steady = metrics_of("customer_id,month,mrr\n" + rows)
    assert concentration_warning(steady, top_share=0.1) is None
    assert "top 10% of accounts" in (concentration_warning(steady, top_share=0.9) or "")


def test_the_cohort_heatmap_has_a_column_per_month_and_sane_values(sample: ExportMetrics) -> None:
    table = cohort_retention(sample)
    assert table.shape[1] == len(sample.months)
    assert np.nanmax(table.to_numpy()) < 10


def test_the_windows_own_rates_compound_as_the_page_says_beside_what_was_measured() -> None:
    """One month: 100 → 90 is 10% contraction and nothing else, so 0.9 ^ 12 both ways."""
    levers = levers_from_metrics(
        metrics_of("customer_id,month,mrr\na,2024-01,100\na,2024-02,90\nb,2024-02,10\n")
    )
    assert levers.compounded == pytest.approx((0.9**12, 0.9**12), rel=1e-12)
    sample_levers = levers_from_metrics(analyse(read_export(generate_export().to_csv(index=False).encode())))
    rates = sample_levers.monthly
    nrr, grr = sample_levers.compounded
    assert nrr == pytest.approx((1 - rates["churn"] - rates["contraction"] + rates["expansion"]) ** 12)
    assert grr == pytest.approx((1 - rates["churn"] - rates["contraction"]) ** 12)
