"""Revenue shown as MRR or as ARR (12 × MRR): the conversion, the files, and every page under AppTest.

The figures themselves are held to each other across surfaces in tests/test_cross_surface.py, in
both views; here: the conversion by hand and as a property, the command line's ``--revenue arr``
on every table it writes, and each page in ARR naming no MRR where it shows revenue.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator import cli
from simulator.arr import as_arr
from simulator.projection import project
from simulator.sample_data import generate_export
from tests.apptest_support import app, charts, full_figures, shown_text
from tests.examples import WORKED_EXAMPLE
from ui.charts import growth
from ui.revenue import ARR, MRR, VIEWS

PAGES = (
    "compounding",
    "leaky-bucket",
    "biggest-lever",
    "uncertainty",
    "unit-economics",
    "scenarios",
    "present",
    "downloads",
)


def test_arr_is_twelve_times_mrr_by_hand() -> None:
    assert ARR.money(10_000, "$") == "$120,000"
    assert ARR.compact(1_000_000, "€") == "€12M"
    assert ARR.signed(-2_500, "$") == "−$30,000"
    assert MRR.money(10_000, "$") == "$10,000"
    assert set(VIEWS) == {"MRR", "ARR"}


@given(
    values=st.lists(st.floats(-1e9, 1e9), min_size=1, max_size=5),
    rates=st.lists(st.floats(0, 2), min_size=1, max_size=5),
)
def test_as_arr_multiplies_every_mrr_column_by_12_and_touches_nothing_else(
    values: list[float], rates: list[float]
) -> None:
    size = min(len(values), len(rates))
    table = pd.DataFrame(
        {
            "month": np.arange(size),
            "mrr": values[:size],
            "new_mrr_to_stay_flat": values[:size],
            "mrr_gain_per_cost": values[:size],
            "customers": values[:size],
            "nrr_month": rates[:size],
            "quick_ratio": rates[:size],
        }
    )
    shown = as_arr(table)
    assert list(shown.columns) == [
        "month",
        "arr",
        "new_arr_to_stay_flat",
        "arr_gain_per_cost",
        "customers",
        "nrr_month",
        "quick_ratio",
    ]
    for before, after in (("mrr", "arr"), ("new_mrr_to_stay_flat", "new_arr_to_stay_flat")):
        assert shown[after].tolist() == [12 * value for value in table[before]]
    for same in ("month", "customers", "nrr_month", "quick_ratio"):
        assert shown[same].tolist() == table[same].tolist()
    assert table.columns[1] == "mrr"  # the table given is left as it was


def test_a_revenue_chart_in_arr_draws_twelve_times_the_mrr_and_says_arr() -> None:
    table = project(WORKED_EXAMPLE).table
    monthly = go.Figure(growth.revenue(table, "$"))
    yearly = go.Figure(growth.revenue(table, "$", shown=ARR))
    assert np.allclose(np.asarray(yearly.data[0].y), 12 * np.asarray(monthly.data[0].y))
    assert yearly.layout.yaxis.title.text == "ARR" and "ARR" in yearly.layout.title.text


@pytest.mark.parametrize("command", ["project", "metrics", "backtest", "levers"])
def test_the_command_line_writes_arr_columns_of_twelve_times_the_mrr(command: str, tmp_path: Path) -> None:
    if command in ("project", "levers"):
        path = tmp_path / "scenario.json"
        path.write_text(
            json.dumps({"starting_mrr": 100_000, "churn_rate": 0.03, "new_customers_per_month": 5})
        )
    else:
        path = tmp_path / "export.csv"
        generate_export(60, months=18, seed=3).to_csv(path, index=False)
    extra = ["--holdout", "3"] if command == "backtest" else []
    tables = {}
    for view in ("mrr", "arr"):
        out = io.StringIO()
        assert cli.main([command, str(path), *extra, "--revenue", view], stdout=out) == 0
        tables[view] = pd.read_csv(io.StringIO(out.getvalue()))
    monthly, yearly = tables["mrr"], tables["arr"]
    moved = [column for column in monthly.columns if "mrr" in column.split("_")]
    assert moved, "no MRR column to convert"
    for column in monthly.columns:
        if column in moved:
            renamed = column.replace("mrr", "arr")
            assert column not in yearly.columns
            # Each file rounds to the cent: 12 × a rounded MRR is off by 6 cents at most.
            assert yearly[renamed].to_numpy() == pytest.approx(
                12 * monthly[column].to_numpy(), abs=0.0601, nan_ok=True
            )
        else:
            assert yearly[column].equals(monthly[column]), column


@pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")
@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_arr_names_arr_wherever_it_shows_revenue(page: str) -> None:
    at = app(f"pages/{page}.py", revenue="ARR", slide="2")
    assert not at.exception
    assert at.sidebar.radio(key="sidebar_revenue").value == "ARR" if page != "present" else True
    labels = [metric.label for metric in at.metric]
    assert not [label for label in labels if "MRR" in label], labels
    for chart in charts(at):
        spec = json.loads(chart.spec)
        texts = [spec["layout"].get("title", {}).get("text", ""), *(t.get("name", "") for t in spec["data"])]
        assert not [text for text in texts if "MRR" in str(text)], (page, texts)


@pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")
def test_the_switch_turns_the_compounding_cards_to_arr_and_back() -> None:
    at = app("pages/compounding.py")
    monthly = full_figures(at)["MRR at 36 months"]
    at.sidebar.radio(key="sidebar_revenue").set_value("ARR").run()
    assert at.query_params["revenue"] == ["ARR"] or at.query_params["revenue"] == "ARR"
    yearly = full_figures(at)["ARR at 36 months"]
    assert float(yearly.strip("$").replace(",", "")) == pytest.approx(
        12 * float(monthly.strip("$").replace(",", "")), abs=12
    )
    assert "ARR" in shown_text(at)
    at.sidebar.radio(key="sidebar_revenue").set_value("MRR").run()
    assert full_figures(at)["MRR at 36 months"] == monthly
    assert "revenue" not in at.query_params
