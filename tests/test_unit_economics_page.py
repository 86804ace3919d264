"""The Unit economics page under AppTest: it shows the engine's figures, and its controls move them.

Reference values: domain.md's worked example 1 (the sidebar's defaults) with CAC $6,000 and a 75%
gross margin; revenue ÷ churn is then 2,000 × 75% ÷ 3% = $50,000 and payback 6,000 ÷ 1,500 = 4.0
months, and the engine's own :func:`simulator.economics.unit_economics` for the rest.
"""

from __future__ import annotations

import pytest

from report.economics import economics_cards, position_text
from simulator.economics import unit_economics
from simulator.peers import position
from simulator.summary import summarise
from tests.apptest_support import WORKED, app, metrics, shown_text
from ui.state.controls import WORKED_EXAMPLE, defaults, scenario_from_values

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

PAGE = "pages/unit-economics.py"
#: Domain example 1's business (a new customer pays $2,000 a month, 3% churn) with a CAC and a margin.
PRICED = {**WORKED, "cac": "6000", "gross_margin_pct": "75"}
EXAMPLE = {**defaults(), **WORKED_EXAMPLE}


def test_the_page_shows_the_engines_unit_economics_for_the_sidebars_scenario() -> None:
    at = app(PAGE, **PRICED)
    assert not at.exception
    scenario = scenario_from_values({**EXAMPLE, "cac": 6_000, "gross_margin_pct": 75.0})
    expected = {card.label: card.value for card in economics_cards(unit_economics(summarise(scenario)), "$")}
    assert metrics(at) == expected
    assert expected["Revenue ÷ churn"] == "$50,000"
    assert expected["CAC payback, months"] == "4.0"
    text = shown_text(at)
    assert "Revenue ÷ churn says $50,000: it undercounts by" in text
    assert "it pays back in 4.0 months" in text


def test_the_discount_rate_and_the_lifetime_move_the_lifetime_value() -> None:
    at = app(PAGE, **PRICED)
    before = metrics(at)["Lifetime value"]
    at.slider(key="ue_discount_pct").set_value(25).run()
    discounted = metrics(at)["Lifetime value"]
    at.selectbox(key="ue_lifetime_years").set_value(3).run()
    shorter = metrics(at)["Lifetime value"]
    scenario = scenario_from_values({**EXAMPLE, "cac": 6_000, "gross_margin_pct": 75.0})
    summary = summarise(scenario)
    assert discounted == economics_cards(unit_economics(summary, discount_rate=0.25), "$")[0].value
    assert (
        shorter
        == economics_cards(unit_economics(summary, discount_rate=0.25, lifetime_months=36), "$")[0].value
    )
    assert len({before, discounted, shorter}) == 3
    assert metrics(at)["Revenue ÷ churn"] == "$50,000"  # revenue ÷ churn knows no discount


def test_without_a_cac_the_page_says_how_to_see_ltv_to_cac_and_payback() -> None:
    at = app(PAGE)
    assert not at.exception
    shown = metrics(at)
    assert shown["LTV:CAC"] == "–" and shown["CAC payback, months"] == "–"
    assert "Set the cost to acquire a customer" in shown_text(at)


def test_the_stage_comes_from_arr_unless_one_is_chosen() -> None:
    at = app(PAGE, **WORKED)
    summary = summarise(scenario_from_values(EXAMPLE))
    from_arr = position(summary.annual_nrr, summary.annual_grr, arr=1_200_000)
    assert position_text(from_arr, "$") in shown_text(at)
    assert "(median 98%, top quartile 106%; the stage of an ARR of $1.2M)" in shown_text(at)
    at.selectbox(key="ue_stage").set_value("$100M+ ARR").run()
    at.selectbox(key="ue_pricing").set_value("Usage-based").run()
    chosen = position(
        summary.annual_nrr, summary.annual_grr, arr=1_200_000, stage="$100M+ ARR", pricing="Usage-based"
    )
    assert position_text(chosen, "$") in shown_text(at)
    assert "Usage-based pricing typically runs 120%–160%: within that range." in shown_text(at)


def test_the_page_draws_its_three_charts_and_the_arr_bridge_table() -> None:
    at = app(PAGE, **PRICED)
    assert len(at.get("plotly_chart")) == 3  # lifetime value, ARR bridge, peers
    table = at.dataframe[0].value
    assert list(table["Year"]) == ["Year 1", "Year 2", "Year 3"]
    assert table["Starting ARR"].iat[0] == "$1,200,000"


def test_the_page_shows_logo_churn_beside_revenue_churn_and_says_what_the_churned_size_means() -> None:
    """Worked example 1 with churned customers half the average account: 3% of MRR cancels, carried
    by 6% of the customers; revenue churn (churn and contraction) stays 4%, and revenue ÷ churn
    divides the first month's margin by logo churn: 2,000 × 75% ÷ 6% = $25,000."""
    at = app(PAGE, **PRICED, churned_size_x="0.5")
    assert not at.exception
    cards = metrics(at)
    assert cards["Logo churn, month 1"] == "6.00%"
    assert cards["Revenue churn, month 1"] == "4.00%"
    assert cards["Revenue ÷ churn"] == "$25,000"
    scenario = scenario_from_values(
        {**EXAMPLE, "cac": 6_000, "gross_margin_pct": 75.0, "churned_size_x": 0.5}
    )
    assert cards == {c.label: c.value for c in economics_cards(unit_economics(summarise(scenario)), "$")}
    said = "Churned customers are 0.5× the average account: 6.00% of customers but 3.00% of MRR leave"
    assert f"{said} in month 1." in shown_text(at)


def test_with_average_sized_churned_customers_logo_churn_is_revenue_churn_and_nothing_more_is_said() -> None:
    at = app(PAGE, **PRICED)
    assert metrics(at)["Logo churn, month 1"] == "3.00%"
    assert "Churned customers are" not in shown_text(at)
