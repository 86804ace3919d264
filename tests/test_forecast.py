"""The forecast from an export (simulator/forecast.py) and the rolling backtest (simulator/backtest.py).

Reference values: businesses made by hand whose months can be worked out on paper (a steady
business with one large one-off customer; customers who pause and come back; a customer who
stopped contracting), seeded stationary businesses whose steady state is known in closed form
(new MRR ÷ churn), and the engine's own re-analysis of an export cut at an origin (no look-ahead).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

import tests.test_metrics as metrics_tests
from simulator.backtest import BacktestError, backtest, rolling_backtest
from simulator.calibration import calibrate
from simulator.export import month_labels, read_export
from simulator.forecast import fit_export
from simulator.metrics import ExportMetrics, analyse
from simulator.projection import project
from simulator.sample_data import generate_export
from simulator.scenario import to_dict
from tests.strategies import examples

JANUARY_2020 = (2020 - 1970) * 12


def metrics_of(frame: pd.DataFrame) -> ExportMetrics:
    return analyse(read_export(frame.to_csv(index=False).encode()))


def export_of(customer: np.ndarray, month: np.ndarray, mrr: np.ndarray | float) -> pd.DataFrame:
    """An export's frame from payments: customer numbers, month numbers from January 2020, MRR."""
    labels = np.array(month_labels(np.arange(JANUARY_2020, JANUARY_2020 + int(month.max()) + 1)))
    return pd.DataFrame({"customer_id": customer.astype(str), "month": labels[month], "mrr": mrr})


def stationary(seed: int, *, months: int = 72, customers: int = 1_000, churn: float = 0.04) -> pd.DataFrame:
    """``customers`` paying $100 each, a share ``churn`` leaving each month, Poisson(churn × customers)
    new ones at $100: in steady state at $100 × customers (new MRR ÷ churn), from the first month."""
    rng = np.random.default_rng(seed)
    paying, ids = np.arange(customers), customers
    who, when = [], []
    for month in range(months):
        who.append(paying)
        when.append(np.full(len(paying), month))
        arriving = int(rng.poisson(churn * customers))
        paying = np.concatenate((paying[rng.random(len(paying)) >= churn], np.arange(ids, ids + arriving)))
        ids += arriving
    return export_of(np.concatenate(who), np.concatenate(when), 100.0)


def test_a_stationary_business_is_forecast_within_2_percent_and_its_band_holds_about_80_percent() -> None:
    """Four seeded businesses in steady state at $100,000 (40 new customers × $100 ÷ 4% churn), six
    years each: every month forecast from every origin with a year before it, up to a year ahead."""
    rows = []
    for seed in range(4):
        rows.append(rolling_backtest(metrics_of(stationary(seed)), holdout=12).table)
    table = pd.concat(rows)
    error = ((table["forecast_mrr"] - table["actual_mrr"]).abs() / table["actual_mrr"]).mean()
    assert error <= 0.02
    inside = (table["actual_mrr"] >= table["forecast_p10"]) & (table["actual_mrr"] <= table["forecast_p90"])
    assert 0.7 <= inside.mean() <= 0.9


def steady_with_one_large_customer() -> pd.DataFrame:
    """100 customers at $1,000, each paying 25 months: 4 join and 4 leave every month (4% churn, $4,000
    new MRR a month, MRR $100,000); in month 40 of 48 a customer paying $20,000 joins and stays."""
    start = np.arange(-24, 48).repeat(4)  # four cohorts a month, the first already paying in month 0
    customer = np.arange(len(start)).repeat(25)
    month = (start[:, None] + np.arange(25)).ravel()
    kept = (month >= 0) & (month < 48)
    big = np.arange(40, 48)
    return export_of(
        np.concatenate((customer[kept], np.full(len(big), len(start)))),
        np.concatenate((month[kept], big)),
        np.concatenate((np.full(int(kept.sum()), 1_000.0), np.full(len(big), 20_000.0))),
    )


def test_one_large_one_off_new_customer_is_not_carried_on_every_month() -> None:
    """The last 12 months brought $4,000 eleven times and $24,000 once: their mean ($5,667) would carry
    the large customer on every month, the trimmed mean (the 2 highest and 2 lowest set aside) is $4,000.
    After it, every change the model predicted failed to happen (MRR stayed at $120,000), so the
    forecast is the flat line: $120,000 at every month, where the mean would climb towards $5,667 ÷
    (4,000 ÷ 120,000) = $170,000."""
    metrics = metrics_of(steady_with_one_large_customer())
    new = metrics.monthly["new_mrr"].to_numpy()[-12:]
    assert sorted(new.tolist()) == [4_000.0] * 11 + [24_000.0]
    calibration = calibrate(metrics, months=24)
    assert calibration.forecast.inflow.mrr == pytest.approx(4_000.0, rel=1e-12)
    assert calibration.forecast.weight == 0.0
    ahead = project(calibration.scenario).table["mrr"].to_numpy()
    assert ahead == pytest.approx(np.full(25, 120_000.0), rel=1e-12)


def pausing_customers() -> pd.DataFrame:
    """124 customers at $100, each paying 25 months of every 31 and pausing 6, four at each offset: from
    month 7 on, 4 customers stop and 4 come back every month (no new customer), 100 paying ($10,000)."""
    offset = np.arange(31).repeat(4)
    month = np.arange(36)
    customer, when = np.nonzero((month[None, :] + offset[:, None]) % 31 < 25)
    return export_of(customer, when, 100.0)


def test_customers_coming_back_count_as_an_inflow() -> None:
    """Each month of the last year: $400 churned (4%), $400 reactivated, nothing new. Counted as an
    inflow, the $400 a month replaces what churns: $10,000 at every month ahead. Without it the
    forecast would lose 4% a month: $10,000 × 0.96^12 = $6,127 a year on."""
    metrics = metrics_of(pausing_customers())
    recent = metrics.monthly.iloc[-12:]
    assert set(recent["reactivation_mrr"]) == {400.0} and set(recent["churned_mrr"]) == {400.0}
    assert set(recent["new_mrr"]) == {0.0} and set(recent["reactivated_customers"]) == {4}
    calibration = calibrate(metrics, months=12)
    inflow = calibration.forecast.inflow
    assert (inflow.new_mrr, inflow.reactivation_mrr) == (0.0, 400.0)
    assert (inflow.new_customers, inflow.reactivated_customers) == (0.0, 4.0)
    assert calibration.scenario.churn_rate == pytest.approx(0.04, rel=1e-12)
    assert calibration.scenario.month_one_new_mrr == pytest.approx(400.0, rel=1e-12)
    assert project(calibration.scenario).table["mrr"].to_numpy() == pytest.approx(np.full(13, 10_000.0))


def test_a_trend_the_past_did_not_bear_out_falls_back_to_the_flat_line() -> None:
    """100, then 90, 90, 90: fitted on 100 → 90 the model predicted 81 and 72.90; fitted on 100, 90, 90,
    85.26. None of those changes happened (the share that did: 0), so from the fourth month the
    forecast holds MRR at 90; from the second, with nothing to judge the model by, it follows it."""
    metrics = metrics_of(export_of(np.zeros(4, dtype=int), np.arange(4), np.array([100.0, 90, 90, 90])))
    fits = fit_export(metrics)
    assert fits.weight.tolist() == [1.0, 1.0, 0.0, 0.0]
    assert fits.evidence.tolist() == [0, 0, 1, 3]
    assert fits.paths(2)[1].tolist() == pytest.approx([81.0, 72.9])
    assert fits.paths(2)[3].tolist() == [90.0, 90.0]
    assert to_dict(fits.scenario(3, months=2))["churn_rate"] == 0.0


def test_the_forecast_is_the_weight_times_the_model_plus_the_rest_times_the_flat_line() -> None:
    """At every origin of the sample export, month by month a year ahead."""
    fits = fit_export(metrics_of(generate_export(300, months=30).drop(columns="segment")))
    assert not fits.lowered.any()
    nrr = 1.0 - fits.churn - fits.contraction + fits.expansion
    lead = np.arange(1, 13)
    model = fits.start[0][:, None] * nrr[0][:, None] ** lead + fits.typical[0][:, None] * np.array(
        [[sum(r**i for i in range(h)) for h in lead] for r in nrr[0]]
    )
    flat = fits.mrr[:, None]
    assert fits.paths(12) == pytest.approx(fits.weight[:, None] * model + (1 - fits.weight[:, None]) * flat)


def test_a_base_growing_by_itself_whose_growth_did_not_last_has_its_expansion_lowered() -> None:
    """A customer growing 5% a month for a year, then flat for a year: the model (the last 12 months'
    expansion, no inflow) kept predicting growth that had stopped, so the weight falls below 1;
    holding MRR level would need an inflow below 0, so the inflow is 0 and expansion is lowered until
    a year ahead ends where weight × model + (1 − weight) × flat does."""
    mrr = np.concatenate((100 * 1.05 ** np.arange(13), np.full(11, 100 * 1.05**12))).round(2)
    metrics = metrics_of(export_of(np.zeros(24, dtype=int), np.arange(24), mrr))
    fits = fit_export(metrics)
    last = 23
    weight = fits.weight[last]
    assert 0 < weight < 1 and fits.lowered[0, last]
    scenario = fits.scenario(last, months=12)
    assert scenario.month_one_new_mrr == 0.0 and scenario.churn_rate == scenario.contraction_rate == 0.0
    window = metrics.monthly.iloc[-12:]
    growth = 1.0 + window["expansion_mrr"].sum() / window["starting_mrr"].sum()  # one month of 5%, 11 flat
    assert scenario.expansion_rate < growth - 1.0
    model = fits.mrr[last] * growth**12
    year = project(scenario).table["mrr"].iat[12]
    assert year == pytest.approx(weight * model + (1 - weight) * fits.mrr[last], rel=1e-9)


@pytest.mark.parametrize("cut", [13, 20, 27])
def test_the_forecast_at_an_origin_uses_only_the_months_up_to_it(cut: int) -> None:
    """Fitting at an origin of the whole export is fitting at the last month of the export cut there:
    the same scenario, weight and band, and the rolling backtest's forecast from that origin."""
    export = generate_export(300, months=30).drop(columns="segment")
    whole = metrics_of(export)
    alone = metrics_of(export[export["month"] <= whole.months[cut - 1]])
    fits, fits_alone = fit_export(whole), fit_export(alone)
    origin = cut - 1
    scenario, scenario_alone = (
        to_dict(fits.scenario(origin, months=6)),
        to_dict(fits_alone.scenario(origin, months=6)),
    )
    for field, value in scenario.items():
        expected = scenario_alone[field]
        assert value == (pytest.approx(expected, rel=1e-12) if isinstance(value, float) else expected), field
    assert fits.fit(origin) == fits_alone.fit(origin)
    rolling = rolling_backtest(whole, holdout=3).table
    from_origin = rolling[rolling["origin"] == whole.months[origin]]
    expected = project(calibrate(alone, months=3).scenario).table["mrr"].to_numpy()[1 : 1 + len(from_origin)]
    assert from_origin["forecast_mrr"].to_numpy() == pytest.approx(expected, rel=1e-12)


@settings(max_examples=examples(40), deadline=None)
@given(metrics_tests.messy_rows)
def test_every_origins_scenario_projects_its_forecast_and_its_band_is_in_order(
    rows: list[tuple[str, int, float, str]],
) -> None:
    frame = metrics_tests.messy_frame(rows)
    if frame is None:
        return
    fits = fit_export(metrics_of(frame))
    paths = fits.paths(12)
    assert ((fits.weight >= 0) & (fits.weight <= 1)).all()
    assert (fits.inflow >= 0).all() and (fits.expansion >= 0).all()
    for origin in range(len(fits.months)):
        projected = project(fits.scenario(origin, months=12)).table["mrr"].to_numpy()[1:]
        assert projected == pytest.approx(paths[origin], rel=1e-9, abs=1e-6)
        low, high = fits.band(origin, paths[origin])
        if math.isfinite(fits.band_high[origin]):
            assert (low >= 0).all() and (low <= high).all()


def test_a_rolling_backtest_forecasts_from_every_month_with_a_year_before_it() -> None:
    """30 months: origins are months 12 to 29 (a year fitted at least), each forecasting up to 4
    months, fewer near the end (18 origins, 4 × 15 + 3 + 2 + 1 rows); the flat line is the origin's
    MRR; the one-origin backtest holding out 4 months is the rolling one's origin 26."""
    metrics = metrics_of(generate_export(300, months=30).drop(columns="segment"))
    result = rolling_backtest(metrics, holdout=4)
    table = result.table
    assert result.origins == 18 and len(table) == 4 * 15 + 3 + 2 + 1
    assert table["origin"].iat[0] == metrics.months[11] and table["month"].iat[-1] == metrics.months[-1]
    ending = metrics.monthly.set_index("month")["ending_mrr"]
    assert table["flat_mrr"].tolist() == ending[table["origin"]].tolist()
    assert table["actual_mrr"].tolist() == ending[table["month"]].tolist()
    one = backtest(metrics, holdout=4).table
    last = table[table["origin"] == metrics.months[-5]]
    for column in ("forecast_mrr", "forecast_p10", "forecast_p90"):
        assert last[column].to_numpy() == pytest.approx(one[column].to_numpy(), rel=1e-12)
    assert result.beaten + result.beaten_by <= result.origins
    assert 0 <= result.coverage <= 1


def test_a_rolling_backtest_needs_a_year_to_fit_on_and_a_month_to_forecast() -> None:
    metrics = metrics_of(generate_export(50, months=12).drop(columns="segment"))
    with pytest.raises(
        BacktestError, match=r"needs at least 13 \(12 to fit on at each origin, 1 to forecast\)"
    ):
        rolling_backtest(metrics, holdout=3)


def test_a_band_needs_9_past_errors_of_forecasts_fitted_on_6_months_or_more() -> None:
    """Forecasts fitted on 6 to 9 months of a 10-month export, of the months since: 4 + 3 + 2 + 1 = 10
    errors, a band; of a 9-month export, 3 + 2 + 1 = 6, none (the page says so)."""
    mrr = np.array([100.0, 90, 95, 90, 92, 91, 93, 90, 94, 92])
    ten = calibrate(metrics_of(export_of(np.zeros(10, dtype=int), np.arange(10), mrr))).forecast
    nine = calibrate(metrics_of(export_of(np.zeros(9, dtype=int), np.arange(9), mrr[:9]))).forecast
    assert (ten.errors, ten.has_band) == (10, True)
    assert (nine.errors, nine.has_band) == (6, False)
