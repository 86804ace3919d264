"""The simulator calibrated on an export (simulator/calibration.py) and the backtest (simulator/backtest.py).

Reference values: exports made by hand (a customer losing 10% a month; cohorts
of known churn by age), the seeded sample export, and the engine's own
re-analysis of an export cut at the fitted months (no look-ahead).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

import tests.test_metrics as metrics_tests
from simulator.actuals import churn_rates, monthly_rates, root12
from simulator.backtest import BacktestError, backtest, months_needed
from simulator.calibration import calibrate, early_churn_from
from simulator.economics import month_one_churn
from simulator.export import read_export
from simulator.metrics import ExportMetrics, analyse
from simulator.payments import Payments
from simulator.projection import project
from simulator.sample_data import generate_export
from simulator.scenario import to_dict
from simulator.summary import summarise
from tests.strategies import examples


def metrics_of(csv: str | bytes) -> ExportMetrics:
    return analyse(read_export(csv.encode() if isinstance(csv, str) else csv))


@pytest.fixture(scope="module")
def sample() -> ExportMetrics:
    return metrics_of(generate_export().to_csv(index=False).encode())


def test_the_calibrated_sample_reproduces_its_measured_annual_nrr_and_grr(sample: ExportMetrics) -> None:
    calibration = calibrate(sample)
    summary = summarise(calibration.scenario)
    assert calibration.segments == ("Enterprise", "Mid-market", "SMB")
    assert calibration.early_churn is not None
    assert summary.annual_nrr == pytest.approx(calibration.measured.nrr, rel=1e-9)
    assert summary.annual_grr == pytest.approx(calibration.measured.grr, rel=1e-9)
    # The segments start from today's MRR and the window's new customers.
    last = sample.by_segment.groupby("segment").tail(1).set_index("segment")  # type: ignore[union-attr]
    for segment in calibration.scenario.segments:
        assert segment.mrr_share == pytest.approx(
            last.loc[segment.name, "ending_mrr"] / last["ending_mrr"].sum()
        )
    assert calibration.scenario.starting_mrr == sample.monthly["ending_mrr"].iat[-1]


@settings(max_examples=examples(40), deadline=None)
@given(metrics_tests.messy_rows)
def test_any_calibration_reproduces_the_annual_figures_it_measured(
    rows: list[tuple[str, int, float, str]],
) -> None:
    frame = metrics_tests.messy_frame(rows)
    if frame is None:
        return
    calibration = calibrate(metrics_of(frame.to_csv(index=False)))
    measured = calibration.measured
    if not (math.isfinite(measured.nrr) and math.isfinite(measured.grr)):
        return
    if root12(measured.nrr) - root12(measured.grr) > 1:  # more than doubling a month: beyond any lever
        return
    summary = summarise(calibration.scenario)
    assert summary.annual_grr == pytest.approx(measured.grr, rel=1e-9, abs=1e-12)
    assert summary.annual_nrr == pytest.approx(measured.nrr, rel=1e-9, abs=1e-12)


def test_an_export_without_segments_calibrates_the_core_levers_from_its_months() -> None:
    """a pays 100 then 90 (10% contraction) as b starts at 10: the forecast's levers are that month's
    rates and b as a month's new customer, taken whole (no past to judge the model by: weight 1)."""
    calibration = calibrate(metrics_of(b"customer_id,month,mrr\na,2024-01,100\na,2024-02,90\nb,2024-02,10\n"))
    assert calibration.segments == () and calibration.early_churn is None
    scenario = calibration.scenario
    assert (scenario.churn_rate, scenario.contraction_rate, scenario.expansion_rate) == (0.0, 0.1, 0.0)
    assert (scenario.new_customers_per_month, scenario.new_customer_mrr) == (1.0, 10.0)
    assert (scenario.starting_mrr, scenario.starting_customers) == (100.0, 2.0)
    assert (calibration.forecast.weight, calibration.forecast.evidence) == (1.0, 0)


def test_small_customers_leaving_calibrate_churned_customers_half_the_average_size() -> None:
    """By hand: 8 customers pay 100 and 2 pay 600 (2,000 from 10, 200 on average); then a
    100-paying customer leaves: 10% of the customers, 5% of the MRR: churned customers are 0.5×
    the average account. The MRR levers are those of the core calibration."""
    rows = "customer_id,month,mrr\n" + "".join(
        f"{name},{month},{mrr}\n"
        for name, mrr in [*((c, 100) for c in "abcdefgh"), ("i", 600), ("j", 600)]
        for month in ("2024-01", "2024-02")
        if not (name == "a" and month == "2024-02")
    )
    calibration = calibrate(metrics_of(rows))
    assert calibration.churned_size is not None
    assert (calibration.churned_size.logo, calibration.churned_size.mrr) == pytest.approx((0.1, 0.05))
    assert calibration.churned_size.multiple == 0.5
    assert calibration.scenario.churned_size_multiple == 0.5
    assert calibration.scenario.churn_rate == pytest.approx(0.05)  # the month's MRR churn, pooled
    assert summarise(calibration.scenario).annual_grr == pytest.approx(calibration.measured.grr, rel=1e-9)


def test_an_export_where_nobody_leaves_keeps_churned_customers_average_sized() -> None:
    calibration = calibrate(metrics_of(b"customer_id,month,mrr\na,2024-01,100\na,2024-02,90\n"))
    assert calibration.churned_size is None
    assert calibration.scenario.churned_size_multiple == 1.0


def test_the_calibrated_sample_has_the_exports_logo_churn_against_its_mrr_churn(
    sample: ExportMetrics,
) -> None:
    """The sample's three segments already make its logo churn 2.2× its MRR churn, as the export's
    (2.25% of customers, 1.02% of MRR a month): no size on top is needed, and none is set."""
    calibration = calibrate(sample)
    logo, mrr = month_one_churn(calibration.scenario)
    measured = churn_rates(sample.monthly, window=12).logo / monthly_rates(sample.monthly, window=12)["churn"]
    assert calibration.churned_size is None and calibration.scenario.churned_size_multiple == 1.0
    assert logo / mrr == pytest.approx(measured, rel=0.01)


def test_the_customers_leaving_never_move_the_forecasts_mrr() -> None:
    """The small customers' export of above: its size set, its MRR the same as without it."""
    rows = "customer_id,month,mrr\n" + "".join(
        f"{name},{month},{mrr}\n"
        for name, mrr in [*((c, 100) for c in "abcdefgh"), ("i", 600), ("j", 600)]
        for month in ("2024-01", "2024-02")
        if not (name == "a" and month == "2024-02")
    )
    calibration = calibrate(metrics_of(rows))
    plain = calibration.scenario.replace(churned_size_multiple=1.0)
    assert calibration.scenario.churned_size_multiple == 0.5
    assert project(calibration.scenario).table["mrr"].equals(project(plain).table["mrr"])


def cohort_payments(hazards: list[float], *, customers: int = 20_000, months: int = 21) -> Payments:
    """``customers`` who first pay in month 1; of those paying at age a − 1, ``hazards[a − 1]``
    (the last one for every later age) pay nothing from age a on."""
    alive, lifetimes = customers, []
    for age in range(1, months - 1):
        leaving = round(alive * hazards[min(age, len(hazards)) - 1])
        lifetimes += [age] * leaving
        alive -= leaving
    lifetimes += [months - 1] * alive  # still paying at the end
    length = np.array(lifetimes)
    customer = np.repeat(np.arange(len(length)), length)
    month = np.concatenate([np.arange(1, 1 + n) for n in length])
    return Payments(customer=customer, month=month, mrr=np.full(len(month), 50.0))


def test_early_life_churn_three_times_then_twice_the_seasoned_rate_is_found() -> None:
    """9% leave at age 1, 6% at age 2, 3% a month after: ratios 3, 2, 1, 1…, which is exactly the
    simulator's fade of a 3× multiple over 2 months (3× at age 1, 2× at age 2)."""
    found = early_churn_from(cohort_payments([0.09, 0.06, 0.03]), 21)
    assert found is not None
    assert found.months == 2
    assert found.multiple == pytest.approx(3.0, abs=0.015)
    assert found.by_age[:3] == pytest.approx((3.0, 2.0, 1.0), abs=0.02)
    assert found.seasoned == pytest.approx(0.03, rel=0.01)
    assert found.customers == 20_000


def test_churn_that_does_not_depend_on_age_is_no_early_life_churn() -> None:
    assert early_churn_from(cohort_payments([0.03]), 21) is None


def test_early_life_churn_needs_enough_new_customers_to_show() -> None:
    assert early_churn_from(cohort_payments([0.30, 0.20, 0.03], customers=40), 21) is None


def test_only_the_months_before_the_cut_are_used() -> None:
    payments = cohort_payments([0.09, 0.06, 0.03])
    # Cut at month 4: no customer is seasoned yet (older than 6 months), so nothing to compare with.
    assert early_churn_from(payments, 5) is None


# The backtest.

DECAYING = b"customer_id,month,mrr\na,2024-01,100\na,2024-02,90\na,2024-03,81\na,2024-04,72.9\n"


def test_a_backtest_of_a_customer_losing_10_percent_a_month_by_hand() -> None:
    """Fitted on 100 → 90 (10% contraction), the forecast says 81 and 72.90, exactly what happened;
    the flat line says 90 twice: 9 ÷ 81 = 11.1% and 17.10 ÷ 72.90 = 23.5% off, 17.3% on average."""
    result = backtest(metrics_of(DECAYING), holdout=2)
    table = result.table
    assert result.fitted == ("2024-01", "2024-02")
    assert table["month"].tolist() == ["2024-03", "2024-04"]
    assert table["actual_mrr"].tolist() == [81.0, 72.9]
    assert table["forecast_mrr"].tolist() == pytest.approx([81.0, 72.9], rel=1e-12)
    assert table["flat_mrr"].tolist() == [90.0, 90.0]
    assert result.forecast_mape == pytest.approx(0.0, abs=1e-12)
    assert result.flat_mape == pytest.approx((9 / 81 + 17.1 / 72.9) / 2, rel=1e-12)
    assert table["flat_error"].tolist() == pytest.approx([9 / 81, 17.1 / 72.9], rel=1e-12)


@pytest.mark.parametrize(
    ("holdout", "message"), [(3, r"needs at least 5 \(2 to fit on, 3 to forecast\)"), (0, "at least 1")]
)
def test_an_export_too_short_for_the_holdout_says_how_many_months_it_needs(
    holdout: int, message: str
) -> None:
    with pytest.raises(BacktestError, match=message):
        backtest(metrics_of(DECAYING), holdout=holdout)
    assert months_needed(3) == 5


def test_the_backtest_fits_only_on_what_was_known_then() -> None:
    """Fitting on the first months of the whole export is fitting on the export cut there."""
    export = generate_export(400, months=30).drop(columns="segment")
    whole = metrics_of(export.to_csv(index=False))
    result = backtest(whole, holdout=7)
    cut = export[export["month"] <= "2024-11"]
    assert result.fitted == ("2023-01", "2024-11")
    alone = calibrate(metrics_of(cut.to_csv(index=False)), months=7)
    fitted, cut_alone = to_dict(result.calibration.scenario), to_dict(alone.scenario)
    assert fitted.keys() == cut_alone.keys()
    for field, value in fitted.items():
        assert value == (
            pytest.approx(cut_alone[field], rel=1e-12) if isinstance(value, float) else cut_alone[field]
        )
    assert result.calibration.early_churn == alone.early_churn
    assert result.calibration.measured == alone.measured


def test_the_forecast_is_the_calibrated_projection_from_the_last_fitted_month(sample: ExportMetrics) -> None:
    result = backtest(sample, holdout=12)
    projected = project(result.calibration.scenario).table["mrr"].to_numpy()
    assert projected[0] == sample.monthly["ending_mrr"].iat[-13]
    assert result.table["forecast_mrr"].to_numpy() == pytest.approx(projected[1:], rel=1e-15)
    assert result.table["actual_mrr"].tolist() == sample.monthly["ending_mrr"].iloc[-12:].tolist()
    assert set(result.table["flat_mrr"]) == {sample.monthly["ending_mrr"].iat[-13]}
    assert result.calibration.scenario.months == 12


def test_the_docs_backtest_figures_are_the_engines(sample: ExportMetrics) -> None:
    """docs/definitions.md quotes the backtest on the sample export: each line is what the engine says."""
    from pathlib import Path

    from report.format import pct

    readme = (Path(__file__).resolve().parent.parent / "docs" / "definitions.md").read_text(encoding="utf-8")
    for holdout in (3, 6, 12):
        result = backtest(sample, holdout=holdout)
        first, last = result.fitted
        line = f"{holdout:<8} {first} to {last}   {pct(result.forecast_mape):<22} {pct(result.flat_mape)}"
        assert line in readme, line
