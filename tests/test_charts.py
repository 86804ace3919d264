"""Chart builders skip plotly's validation at run time (ui.charts.spec.Spec); here every one is validated."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from simulator import project
from simulator.actuals import cohort_retention
from simulator.breakdown import bridge, cohort_layers
from simulator.export import read_export
from simulator.metrics import analyse
from simulator.monte_carlo import simulate
from simulator.ranking import lever_impacts
from simulator.sample_data import generate_export
from tests.examples import WORKED_EXAMPLE
from ui.charts import actual, bands, bucket, growth, lever_bars, overlays, tier_bar
from ui.charts.spec import Spec

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

BUILDERS: dict[str, Callable[[], go.Figure]] = {
    "revenue": lambda: growth.revenue(PROJECTION.table, "$"),
    "layer_cake": lambda: growth.layer_cake(cohort_layers(PROJECTION), "$"),
    "waterfall": lambda: bucket.waterfall(
        bridge(PROJECTION, first_month=1, last_month=12), "$", title="Year 1"
    ),
    "stay_flat": lambda: bucket.stay_flat(PROJECTION.table, "€"),
    "tornado": lambda: lever_bars.tornado(lever_impacts(SCENARIO), "$", step_points=1.0, months=36),
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
