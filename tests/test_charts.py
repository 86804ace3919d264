"""Chart builders skip plotly's validation at run time (report.charts.spec.Spec); here each is validated."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from report import ranking as ranking_words
from report.charts import actual, bands, bucket, economics, forecast, growth, lever_bars, overlays, tier_bar
from report.charts.spec import Spec
from simulator import project
from simulator.actuals import cohort_curves, cohort_retention, months_after
from simulator.arr import export_bridge, scenario_bridge
from simulator.backtest import backtest
from simulator.breakdown import bridge, cohort_layers
from simulator.economics import unit_economics
from simulator.export import read_export
from simulator.forecast import band
from simulator.metrics import analyse
from simulator.monte_carlo import simulate
from simulator.peers import position
from simulator.ranking import rank
from simulator.sample_data import generate_export
from simulator.scenario import Scenario
from simulator.summary import summarise
from tests.examples import WORKED_EXAMPLE

#: The worked example with part of its MRR on annual plans (every chart family drawn).
SCENARIO = WORKED_EXAMPLE.replace(annual_plan_share=0.3)
PROJECTION = project(SCENARIO)
SEGMENTED = SCENARIO.replace(
    segments=[
        {
            "name": "A",
            "churn_rate": 0.03,
            "mrr_share": 0.5,
            "new_customer_share": 0.5,
            "new_customer_mrr": 100,
        },
        {
            "name": "B",
            "churn_rate": 0.01,
            "mrr_share": 0.5,
            "new_customer_share": 0.5,
            "new_customer_mrr": 100,
        },
    ]
)
ACTUALS = analyse(read_export(generate_export(120).to_csv(index=False).encode()))
BANDS = simulate(SCENARIO.replace(annual_plan_share=0), paths=20).bands
PRICED = unit_economics(summarise(SCENARIO.replace(cac=6_000, gross_margin=0.75)))
#: No churn (revenue ÷ churn has no finite value), no CAC.
UNCHURNED = unit_economics(summarise(Scenario(starting_mrr=1_000, new_customer_mrr=100)))
BACKTEST = backtest(ACTUALS, holdout=6)

BUILDERS: dict[str, Callable[[], go.Figure]] = {
    "revenue": lambda: growth.revenue(PROJECTION.table, "$"),
    "layer_cake": lambda: growth.layer_cake(cohort_layers(PROJECTION), "$"),
    "waterfall": lambda: bucket.waterfall(
        bridge(PROJECTION, first_month=1, last_month=12), "$", title="Year 1"
    ),
    "stay_flat": lambda: bucket.stay_flat(PROJECTION.table, "€"),
    "stay_flat_leaking": lambda: bucket.stay_flat(
        project(WORKED_EXAMPLE.replace(expansion_rate=0.01)).table, "€"
    ),
    "tornado": lambda: lever_bars.tornado(
        (ranked := rank(SCENARIO)).table, ranking_words.row_labels(ranked), "$", months=36
    ),
    "needed": lambda: lever_bars.needed_bars(
        (ranked := rank(SCENARIO.replace(churn_rate=0.06), mode="target", target_nrr=1.06)).table,
        ranking_words.bar_texts(ranked),
        target="the top quartile of $1M–10M ARR",
    ),
    "variant_bars": lambda: overlays.variant_bars(["Today", "+10 NRR"], [1.0, 2.0], "$", months=36),
    "tiers": lambda: tier_bar.tiers(1.27),
    "actual_bridge": lambda: actual.actual_bridge(ACTUALS.monthly, "$"),
    "actual_retention": lambda: actual.actual_retention(ACTUALS.monthly, trailing=True),
    "cohort_heatmap": lambda: actual.cohort_heatmap(cohort_retention(ACTUALS)),
    "segment_retention": lambda: actual.segment_retention(
        pd.DataFrame({"segment": ["A", "B"], "nrr": [1.02, 0.95], "grr": [0.9, 0.85]})
    ),
    "nrr_over_time": lambda: growth.nrr_over_time(PROJECTION.table, title="NRR"),
    "segment_revenue": lambda: growth.segment_revenue(project(SEGMENTED).segments, "$", months=36),
    "band": lambda: bands.band(BANDS, "mrr", title="MRR", currency="$"),
    "scenario_lines": lambda: overlays.scenario_lines({"a": PROJECTION.table}, "nrr_month", title="NRR"),
    "lifetime_value": lambda: economics.lifetime_value(PRICED, "$"),
    "lifetime_value_unchurned": lambda: economics.lifetime_value(UNCHURNED, "€"),
    "arr_bridge": lambda: economics.arr_bridge(scenario_bridge(PROJECTION), "$", title="ARR"),
    "export_arr_bridge": lambda: economics.arr_bridge(export_bridge(ACTUALS.monthly), "CHF", title="ARR"),
    "position": lambda: economics.position_chart(position(1.27, 0.61, arr=1.2e6)),
    "position_priced": lambda: economics.position_chart(position(0.92, 0.97, arr=4e8, pricing="Usage-based")),
    "cohort_curves": lambda: actual.cohort_curves(cohort_curves(ACTUALS), "$"),
    "forecast": lambda: forecast.ahead(
        ACTUALS.monthly,
        project(BACKTEST.calibration.scenario.replace(months=12)).table["mrr"].to_numpy(),
        months_after(ACTUALS.months[-1], 12),
        "$",
    ),
    "forecast_band": lambda: forecast.ahead(
        ACTUALS.monthly,
        (ahead := project(BACKTEST.calibration.scenario.replace(months=12)).table["mrr"].to_numpy()),
        months_after(ACTUALS.months[-1], 12),
        "$",
        band=band(BACKTEST.calibration.forecast.band, ahead[1:]),
    ),
    "backtest": lambda: forecast.backtest(ACTUALS.monthly, BACKTEST.table, "$"),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_chart_is_a_valid_plotly_figure(name: str) -> None:
    figure = BUILDERS[name]()
    go.Figure(figure.to_dict())  # validates every property; raises on a typo
    assert len(pio.to_json(figure, validate=False)) < 150_000


def test_magic_underscores_expand_as_plotly_does() -> None:
    spec = (
        Spec().add_hrect(0, 1, line_width=0, fillcolor="red").add_scatter(x=[1], y=[2], marker_color="blue")
    )
    figure = spec.figure()
    assert figure.layout.shapes[0].line.width == 0
    assert figure.data[0].marker.color == "blue"


def test_subplot_traces_and_axes_land_where_make_subplots_puts_them() -> None:
    spec = Spec.subplots(rows=2, cols=1, shared_xaxes=True)
    spec.add_scatter(x=[1], y=[1], row=2, col=1).update_yaxes(title={"text": "Low"}, row=2, col=1)
    figure = spec.figure()
    assert (figure.data[0].xaxis, figure.data[0].yaxis) == ("x2", "y2")
    assert figure.layout.yaxis2.title.text == "Low"


def test_the_treadmill_draws_the_leak_or_when_nothing_leaks_the_growth_from_customers() -> None:
    leaking = project(WORKED_EXAMPLE.replace(expansion_rate=0.01)).table  # 96% NRR: 3% + 1% lost, 1% won
    fig = go.Figure(bucket.stay_flat(leaking, "$"))
    needed = next(trace for trace in fig.data if trace.name == "Needed to stay flat")
    assert list(needed.y) == pytest.approx(list(leaking["new_mrr_to_stay_flat"].iloc[1:]))
    assert needed.y[0] == pytest.approx(0.03 * 100_000)  # (1 − 0.97) × $100,000 in month 1
    growing = project(WORKED_EXAMPLE).table  # 102% NRR: nothing leaks
    fig = go.Figure(bucket.stay_flat(growing, "$"))
    assert "Needed to stay flat" not in [trace.name for trace in fig.data]
    grown = next(trace for trace in fig.data if trace.name == "From your customers, net")
    assert grown.y[0] == pytest.approx(0.02 * 100_000)  # (6% − 3% − 1%) of $100,000 in month 1
    assert fig.layout.title.text.startswith("No treadmill")
