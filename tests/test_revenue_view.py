"""Revenue shown as MRR or as ARR (12 × MRR): the conversion, the files, and every page under AppTest.

The figures themselves are held to each other across surfaces in tests/test_cross_surface.py, in
both views, and every file the app and the command line write in tests/test_arr_files.py; here: the
conversion by hand and as a property, and each page in ARR naming no MRR where it shows revenue.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from report.charts import growth
from report.revenue import ARR, MRR, VIEWS
from simulator.arr import MRR_AMOUNTS, NOT_MRR_AMOUNTS, arr_name, as_arr
from simulator.projection import project
from tests.apptest_support import app, charts, full_figures, shown_text
from tests.examples import WORKED_EXAMPLE

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
def test_as_arr_multiplies_each_amount_of_mrr_by_12_and_touches_nothing_else(
    values: list[float], rates: list[float]
) -> None:
    size = min(len(values), len(rates))
    table = pd.DataFrame(
        {
            "month": np.arange(size),
            "mrr": values[:size],
            "new_mrr_to_stay_flat": values[:size],
            "share_of_new_mrr_replacing_losses": rates[:size],
            "mrr_gain_per_cost": rates[:size],
            "cost": values[:size],
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
        "share_of_new_mrr_replacing_losses",
        "mrr_gain_per_cost",
        "cost",
        "customers",
        "nrr_month",
        "quick_ratio",
    ]
    for before, after in (("mrr", "arr"), ("new_mrr_to_stay_flat", "new_arr_to_stay_flat")):
        assert shown[after].tolist() == [12 * value for value in table[before]]
    # A share of MRR, MRR gained per unit of money spent, a cost: none of them an amount of MRR.
    for same in ("month", "share_of_new_mrr_replacing_losses", "mrr_gain_per_cost", "cost", "customers"):
        assert shown[same].tolist() == table[same].tolist()
    assert shown[["nrr_month", "quick_ratio"]].equals(table[["nrr_month", "quick_ratio"]])
    assert table.columns[1] == "mrr"  # the table given is left as it was


def test_as_arr_refuses_a_column_named_after_mrr_that_no_list_classifies() -> None:
    with pytest.raises(ValueError, match="column 'mrr_per_seat' is named after MRR but listed in neither"):
        as_arr(pd.DataFrame({"month": [1], "mrr_per_seat": [10.0]}))


def test_every_amount_of_mrr_is_named_after_mrr_and_becomes_an_arr_name() -> None:
    # The lists are disjoint, and an amount's ARR name no longer says MRR.
    assert not MRR_AMOUNTS & set(NOT_MRR_AMOUNTS)
    # The rolling backtest's band keeps the names issue 20 gave it (forecast_p10, forecast_p90) in
    # both views; its values are money all the same.
    for name in MRR_AMOUNTS - {"forecast_p10", "forecast_p90"}:
        assert "mrr" in name.split("_") and "mrr" not in arr_name(name).split("_"), name


def test_a_revenue_chart_in_arr_draws_twelve_times_the_mrr_and_says_arr() -> None:
    table = project(WORKED_EXAMPLE).table
    monthly = go.Figure(growth.revenue(table, "$"))
    yearly = go.Figure(growth.revenue(table, "$", shown=ARR))
    assert np.allclose(np.asarray(yearly.data[0].y), 12 * np.asarray(monthly.data[0].y))
    assert yearly.layout.yaxis.title.text == "ARR" and "ARR" in yearly.layout.title.text


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
