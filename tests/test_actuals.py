"""Cohorts, expansion concentration and levers measured from an export."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import project
from simulator.actuals import (
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


def test_levers_reproduce_the_datas_weighted_monthly_rates(sample: ExportMetrics) -> None:
    levers = levers_from_metrics(sample)
    recent = sample.monthly.iloc[-12:]
    weights = recent["starting_mrr"]
    weighted_nrr = float((recent["nrr_month"] * weights).sum() / weights.sum())
    weighted_grr = float((recent["grr_month"] * weights).sum() / weights.sum())
    table = project(levers.scenario).table
    assert table["nrr_month"].iloc[1:13].to_numpy() == pytest.approx(weighted_nrr)
    assert table["grr_month"].iloc[1:13].to_numpy() == pytest.approx(weighted_grr)
    assert table["mrr"].iat[0] == sample.monthly["ending_mrr"].iat[-1]
    assert table["customers"].iat[0] == sample.monthly["customers"].iat[-1]
    assert levers.window == (recent["month"].iat[0], recent["month"].iat[-1])


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
    assert warning is not None and "NRR of 110% hides a GRR of 70%" in warning


def test_a_steady_base_gets_no_warning_unless_expansion_is_concentrated() -> None:
    rows = "".join(f"c{i},2024-0{m},100\n" for i in range(10) for m in (1, 2))
    steady = metrics_of("customer_id,month,mrr\n" + rows)
    assert concentration_warning(steady, top_share=0.1) is None
    assert "top 10% of accounts" in (concentration_warning(steady, top_share=0.9) or "")


def test_the_cohort_heatmap_has_a_column_per_month_and_sane_values(sample: ExportMetrics) -> None:
    table = cohort_retention(sample)
    assert table.shape[1] == len(sample.months)
    assert np.nanmax(table.to_numpy()) < 10
