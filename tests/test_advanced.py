"""The "Advanced model" under AppTest: its controls, the address, bad tables, the new views.

Reference: with every refinement at its default the engine is exactly the core
model (simulator tests), so the pages must show exactly the numbers they show
without the section; the goal-seek sentence and the Monte Carlo bands are the
engine's own.
"""

from __future__ import annotations

import json
import math

import pytest

from report.format import compact_money, money, pct
from report.ranking import goal_text
from report.revenue import ARR
from simulator import goal_seek
from simulator.monte_carlo import simulate, simulated_scenario
from simulator.projection import project
from simulator.ranking import rank
from simulator.rate_uncertainty import RateUncertainty
from tests.apptest_support import (
    WORKED,
    app,
    charts,
    full_figures,
    metrics,
    plain,
    shown_text,
    specs,
    values_of,
)
from ui.actuals.uploads import SAMPLE_KEY
from ui.state import controls
from ui.state.address import query_from_values
from ui.state.controls import defaults, scenario_from_values
from ui.state.tables import DEFAULT_SEGMENTS, edited_segments

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

EXISTING_PAGES = (
    "pages/calculator.py",
    "pages/compounding.py",
    "pages/leaky-bucket.py",
    "pages/biggest-lever.py",
)
#: Two segments whose shares add up to 100%.
TWO_SEGMENTS = (
    ("SMB", 5.0, 1.0, 2.0, 40.0, 80.0, 1_000.0),
    ("Enterprise", 1.0, 0.5, 5.0, 60.0, 20.0, 9_000.0),
)


def test_early_life_churn_shows_the_real_trailing_12_next_to_the_shortcut() -> None:
    at = app("pages/compounding.py", **WORKED)
    before = metrics(at)
    at.sidebar.slider(key="sidebar_early_churn_x").set_value(3.0).run()
    at.sidebar.slider(key="sidebar_early_churn_months").set_value(6).run()
    scenario = scenario_from_values(values_of(at))
    assert (scenario.early_churn_multiple, scenario.early_churn_months) == (3.0, 6)
    later = project(scenario).table["nrr_trailing_12"].iloc[36]
    cards = metrics(at)
    assert not at.exception
    # Today's customers are seasoned: their year keeps 1.02^12, as before.
    assert cards["Annual NRR, today's customers"] == "126.8%" == before["Annual NRR"] == cards["Annual NRR"]
    # A year to month 36 includes sign-ups in their risky first months.
    assert cards["Trailing-12 NRR, month 36"] == pct(later)
    assert later < 1.02**12
    assert any("points below today's customers' annual NRR" in m.value for m in at.markdown)


def test_involuntary_churn_recovery_lowers_churn_and_lifts_the_cards() -> None:
    at = app("pages/compounding.py", **WORKED)
    at.sidebar.slider(key="sidebar_involuntary_pct").set_value(30.0).run()
    assert metrics(at)["Monthly NRR"] == "102.0%"  # a share alone recovers nothing
    at.sidebar.slider(key="sidebar_recovery_pct").set_value(50.0).run()
    scenario = scenario_from_values(values_of(at))
    # 3% churn, 30% of it failed payments, half of those recovered: 2.55% churn, NRR 102.45%.
    assert scenario.effective_churn_rate == pytest.approx(0.0255)
    assert metrics(at)["Monthly NRR"] == "102.5%"
    assert full_figures(at)["MRR at 36 months"] == money(project(scenario).table["mrr"].iloc[36])


def test_annual_plans_add_the_lumpy_and_smooth_nrr_chart() -> None:
    at = app("pages/compounding.py")
    assert not any("renewals" in spec for spec in specs(at))
    at.sidebar.slider(key="sidebar_annual_plans_pct").set_value(40.0).run()
    assert scenario_from_values(values_of(at)).annual_plan_share == 0.4
    assert any(
        "monthly NRR moves with the renewals" in spec and "Trailing-12 NRR" in spec for spec in specs(at)
    )
    assert metrics(at)["Annual NRR"] == pct(
        project(scenario_from_values(values_of(at))).table["nrr_trailing_12"].iat[12]
    )
    assert any("the cohort way" in c.value for c in at.caption)


def test_the_expansion_ceiling_toggle_caps_growth() -> None:
    at = app("pages/compounding.py", **WORKED)
    before = full_figures(at)["MRR at 36 months"]
    at.sidebar.toggle(key="sidebar_ceiling_on").set_value(True).run()
    at.sidebar.slider(key="sidebar_ceiling_x").set_value(1.5).run()
    scenario = scenario_from_values(values_of(at))
    assert scenario.expansion_ceiling == 1.5
    after = full_figures(at)["MRR at 36 months"]
    assert after == money(project(scenario).table["mrr"].iloc[36]) != before
    assert any("falls back toward GRR" in spec for spec in specs(at))


def test_segments_split_the_revenue_chart_and_say_nrr_is_mrr_weighted() -> None:
    at = app("pages/compounding.py")
    at.sidebar.toggle(key="sidebar_segments_on").set_value(True).run()
    scenario = scenario_from_values(values_of(at))
    assert [s.name for s in scenario.segments] == [row[0] for row in DEFAULT_SEGMENTS]
    assert not at.exception
    assert "Blended monthly NRR" in metrics(at)
    assert any("MRR by segment" in spec and '"Enterprise"' in spec for spec in specs(at))
    assert any("MRR-weighted" in c.value for c in at.caption)
    at.toggle(key="revenue_by_segment").set_value(False).run()
    assert not any("MRR by segment" in spec for spec in specs(at))


def test_advanced_settings_and_segments_round_trip_through_the_address() -> None:
    at = app(**WORKED)
    at.session_state["segments"] = TWO_SEGMENTS
    at.sidebar.toggle(key="sidebar_segments_on").set_value(True).run()
    at.sidebar.slider(key="sidebar_early_churn_x").set_value(2.5).run()
    at.sidebar.slider(key="sidebar_early_churn_months").set_value(4).run()
    at.sidebar.slider(key="sidebar_involuntary_pct").set_value(35.0).run()
    at.sidebar.slider(key="sidebar_recovery_pct").set_value(60.0).run()
    at.sidebar.slider(key="sidebar_annual_plans_pct").set_value(25.0).run()
    at.sidebar.toggle(key="sidebar_ceiling_on").set_value(True).run()
    at.sidebar.slider(key="sidebar_ceiling_x").set_value(4.5).run()
    at.sidebar.slider(key="sidebar_churned_size_x").set_value(0.45).run()
    params = dict(at.query_params)
    assert params["segments"] == '[["SMB",5,1,2,40,80,1000],["Enterprise",1,0.5,5,60,20,9000]]'
    assert "ceiling_on" not in params and params["ceiling_x"] == "4.5"  # on: the default, left out
    assert params["early_churn_x"] == "2.5" and params["annual_plans_pct"] == "25"
    assert params["churned_size_x"] == "0.45"

    reopened = app(**params)
    assert not reopened.exception
    assert not reopened.warning
    assert values_of(reopened) == values_of(at)
    assert scenario_from_values(values_of(reopened)) == scenario_from_values(values_of(at))


def test_churned_customers_half_the_average_size_move_the_customers_not_the_mrr() -> None:
    """Worked example 1 (50 customers, 3% churn): with churned customers half the average account,
    6% of the customers leave, so the count falls faster while every revenue card stays."""
    at = app("pages/compounding.py", **WORKED)
    before = metrics(at)
    at.sidebar.slider(key="sidebar_churned_size_x").set_value(0.5).run()
    assert not at.exception
    scenario = scenario_from_values(values_of(at))
    assert scenario.churned_size_multiple == 0.5
    assert at.query_params["churned_size_x"] == "0.5"
    assert metrics(at) == before
    assert project(scenario).table["customers"].iat[1] == pytest.approx(47 + 5)  # 50 × 0.94, then 5 new
    assert any("Advanced model on: churned customers' size" in c.value for c in at.sidebar.caption)
    at.sidebar.slider(key="sidebar_churned_size_x").set_value(1.0).run()
    assert "churned_size_x" not in at.query_params  # back at its default: out of the address


def test_the_default_scenarios_address_carries_no_advanced_setting() -> None:
    at = app()
    assert dict(at.query_params) == query_from_values(defaults())
    assert not any(c.advanced for c in controls.CONTROLS if c.key in at.query_params)


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"segments": "[[1,2]]"}, "segment 1 must have 7 values"),
        ({"segments": "not json"}, "not a list of segments"),
        ({"segments": '[["A",1,0,0,60,100,100]]'}, "add up to 0.6"),
        ({"ceiling_on": "yes"}, "not 0 or 1"),
        ({"early_churn_x": "11"}, "outside the allowed range"),
        ({"churned_size_x": "0.1"}, "churned_size_x is 0.1, outside the allowed range 0.2 to 5"),
    ],
)
def test_a_tampered_advanced_address_falls_back_with_the_notice(params: dict[str, str], says: str) -> None:
    at = app(**params)
    assert not at.exception
    assert says in plain(at.warning[0].value)
    assert values_of(at) == defaults()


@pytest.mark.parametrize(
    ("bad_row", "says"),
    [
        (("Enterprise", 1.0, 0.5, 5.0, 50.0, 20.0, 9_000.0), "mrr_share values add up to 0.9"),
        (
            ("Enterprise", 150.0, 0.5, 5.0, 60.0, 20.0, 9_000.0),
            "churn_rate is 1.5, outside the allowed range",
        ),
        (("Enterprise", None, 0.5, 5.0, 60.0, 20.0, 9_000.0), "churn_rate must be a number"),
        (("", 1.0, 0.5, 5.0, 60.0, 20.0, 9_000.0), "every segment needs a name"),
    ],
)
def test_a_bad_segment_table_shows_the_engines_message_and_keeps_the_last_valid_scenario(
    bad_row: tuple[object, ...], says: str
) -> None:
    at = app("pages/compounding.py")
    at.session_state["segments"] = TWO_SEGMENTS
    at.sidebar.toggle(key="sidebar_segments_on").set_value(True).run()
    good_cards, good_address = metrics(at), dict(at.query_params)

    bad = (TWO_SEGMENTS[0], bad_row)
    at.session_state["segments"] = bad
    at.run()
    assert not at.exception
    assert says in at.sidebar.error[0].value
    assert "keeps the last valid scenario" in at.sidebar.error[0].value
    assert metrics(at) == good_cards
    assert dict(at.query_params) == good_address
    assert at.session_state["segments"] == bad  # what the user typed stays


def test_the_editor_folds_its_edits_into_the_table_keeping_what_was_typed() -> None:
    edits = {
        "edited_rows": {0: {"Churn %": 7.5, "Segment": "Small"}},
        "deleted_rows": [1],
        "added_rows": [{"Segment": "New", "Churn %": "abc"}],
    }
    table = edited_segments(TWO_SEGMENTS, edits)
    assert table[0] == ("Small", 7.5, 1.0, 2.0, 40.0, 80.0, 1_000.0)
    assert table[1] == ("New", "abc", None, None, None, None, None)
    with pytest.raises(ValueError, match="must be a number, got 'abc'"):
        scenario_from_values({**defaults(), "segments_on": True, "segments": table})


def test_the_uncertainty_page_shows_p10_p50_p90_bands() -> None:
    at = app("pages/uncertainty.py")
    at.slider(key="mc_paths").set_value(100).run()
    assert not at.exception
    shown = specs(at)
    assert len(shown) == 4
    banded = [shown[0], shown[2], shown[3]]
    assert all("8 futures in 10" in spec and '"Median (P50)"' in spec for spec in banded)
    assert "What makes the band wide" in shown[1] and "Luck alone (rates known exactly)" in shown[1]
    assert "Trailing-12 NRR: the trend" in shown[3]
    cards = metrics(at)
    assert {
        "Months NRR dips under 100%",
        "Top 10%'s expansion",
        "P10: a bad future",
        "P90: a good future",
    } <= set(cards)
    assert "100 futures, draw 0" in " ".join(c.value for c in at.caption)
    assert sum(len(spec) for spec in shown) < 150_000


def test_the_uncertainty_page_draws_each_rate_within_20_percent_and_says_which_makes_the_band_wide() -> None:
    """The page's figures are the engine's: the same simulation, seeded, with ±20% on every rate."""
    at = app("pages/uncertainty.py")
    at.slider(key="mc_paths").set_value(100).run()
    assert at.slider(key="mc_rate_spread").value == 20
    scenario = simulated_scenario(scenario_from_values(defaults()))
    result = simulate(scenario, paths=100, skew=1.0, seed=0, rates=RateUncertainty.each(0.2))
    text = shown_text(at)
    assert "each known to ±20%, so a churn of 1.00% a month runs between 0.80% and 1.20%" in text
    share = result.rates_share
    width = result.widths.iloc[-1]
    assert (
        f"At month 36 the band is {compact_money(width['mrr_width'], '$')} wide, and "
        f"{pct(share, decimals=0)} of its spread comes from not knowing your rates exactly, "
        f"{pct(1 - share, decimals=0)} from luck"
    ) in text
    assert f"known exactly it would be about {compact_money(width['mrr_width_luck_alone'], '$')} wide" in text
    assert "A longer or larger track record, which pins your rates down, would narrow it most." in text
    alone = json.loads(charts(at)[1].spec)["data"][1]
    assert alone["name"] == "Rates alone (luck removed)"
    assert metrics(at)["P90: a good future"] == compact_money(float(result.bands["mrr_p90"].iloc[-1]), "$")


def test_over_a_single_year_the_uncertainty_page_says_luck_makes_most_of_the_band() -> None:
    """A wrong rate compounds and luck does not, so over a 12-month horizon luck is the larger part: the
    rates make 32% of the spread with 200 futures, draw 0 (31% with 1,000)."""
    at = app("pages/uncertainty.py", months="12")
    at.slider(key="mc_paths").set_value(200).run()
    text = shown_text(at)
    assert "At month 12 the band is" in text
    assert "Luck is the larger part: better estimates of your rates would narrow it little." in text


def test_rates_known_exactly_give_the_luck_alone_band_and_no_breakdown() -> None:
    at = app("pages/uncertainty.py")
    at.slider(key="mc_paths").set_value(100).run()
    at.slider(key="mc_rate_spread").set_value(0).run()
    assert not at.exception
    scenario = simulated_scenario(scenario_from_values(defaults()))
    fixed = simulate(scenario, paths=100, skew=1.0, seed=0)
    assert metrics(at)["P10: a bad future"] == compact_money(float(fixed.bands["mrr_p10"].iloc[-1]), "$")
    assert len(specs(at)) == 3
    text = shown_text(at)
    assert "so the band is luck alone" in text and "Not knowing your rates" not in text


def test_with_an_export_loaded_the_rates_vary_as_much_as_its_latest_year_says() -> None:
    """The sample export measures churn ±18%, contraction ±32%, expansion ±14% (test_rate_uncertainty)."""
    at = app("pages/know-your-number.py")
    at.button(key=SAMPLE_KEY).click().run()
    at.switch_page("pages/uncertainty.py").run()
    at.slider(key="mc_paths").set_value(100).run()
    assert not at.exception
    assert at.toggle(key="mc_rates_from_export").value is True
    assert at.slider(key="mc_rate_spread").proto.disabled
    text = plain(shown_text(at))
    assert (
        "as closely as **Sample data**'s 12 months from 2025-01 to 2025-12 pin them down: "
        "churn ±18%, contraction ±32%, expansion ±14%"
    ) in text
    at.toggle(key="mc_rates_from_export").set_value(False).run()
    assert "each known to ±20%" in shown_text(at) and not at.slider(key="mc_rate_spread").proto.disabled


def test_the_uncertainty_page_is_reproducible_by_seed() -> None:
    at = app("pages/uncertainty.py")
    at.slider(key="mc_paths").set_value(100).run()
    first = metrics(at)
    at.number_input(key="mc_seed").set_value(7).run()
    other = metrics(at)
    at.number_input(key="mc_seed").set_value(0).run()
    assert metrics(at) == first != other


def test_goal_seek_starts_above_today_on_the_recommended_lever_and_says_the_engines_figures() -> None:
    """The typical company: 98.2% a year, at $3.96M ARR (top quartile 106%); churn first."""
    at = app("pages/biggest-lever.py")
    scenario = scenario_from_values(defaults())
    assert at.selectbox(key="goal_lever").value == "churn_rate"
    assert at.number_input(key="goal_nrr_pct").value == 106.0
    expected = goal_seek.seek(scenario, "churn_rate", annual_nrr=1.06)
    assert at.success[0].value == goal_text(expected, currency="$")
    assert at.button(key="goal_apply").proto.label == "Apply to my scenario"
    at.segmented_control(key="goal_kind").set_value("revenue_by_month").run()
    assert at.segmented_control(key="goal_kind").format_func("revenue_by_month") == "MRR by a month"
    at.number_input(key="goal_mrr").set_value(2_000_000).run()
    at.slider(key="goal_month").set_value(24).run()
    expected = goal_seek.seek(scenario, "churn_rate", mrr=2_000_000, by_month=24)
    shown = (at.success or at.warning)[0].value
    assert shown == goal_text(expected, currency="$")
    assert not at.exception


def test_a_goal_the_scenario_already_beats_warns_and_the_button_says_so() -> None:
    """Worked example 1 keeps 126.8% a year: 110% asks for less expansion."""
    at = app("pages/biggest-lever.py", **WORKED)
    at.selectbox(key="goal_lever").set_value("expansion_rate").run()
    at.number_input(key="goal_nrr_pct").set_value(110.0).run()
    assert "your scenario already beats this target" in at.warning[0].value
    assert at.button(key="goal_apply").proto.label == "Apply anyway: less expansion"


def test_under_arr_goal_seek_takes_and_answers_an_arr_target() -> None:
    at = app("pages/biggest-lever.py")
    at.sidebar.radio(key="sidebar_revenue").set_value("ARR").run()
    at.selectbox(key="goal_lever").set_value("new_customers_per_month").run()
    at.segmented_control(key="goal_kind").set_value("revenue_by_month").run()
    assert at.segmented_control(key="goal_kind").format_func("revenue_by_month") == "ARR by a month"
    scenario = scenario_from_values(defaults())
    target = at.number_input(key="goal_arr")
    assert target.label == "ARR target ($)"
    # A fifth above month 36's MRR, two significant figures up, a year of it.
    above = 1.2 * project(scenario).mrr_at(36)
    assert target.value == 12 * math.ceil(above / 100_000) * 100_000
    target.set_value(24_000_000).run()
    at.slider(key="goal_month").set_value(24).run()
    expected = goal_seek.seek(scenario, "new_customers_per_month", mrr=2_000_000, by_month=24)
    shown = (at.success or at.warning)[0].value
    assert shown == goal_text(expected, currency="$", shown=ARR)
    assert shown.startswith("ARR of $24,000,000 by month 24")
    assert not at.exception


def test_the_involuntary_lever_appears_when_a_share_is_set() -> None:
    at = app("pages/biggest-lever.py")
    at.segmented_control(key="lever_mode").set_value("relative").run()  # peers give no table for it
    assert not any("Failed payments" in spec for spec in specs(at))
    assert "involuntary_recovery_rate" not in at.selectbox(key="goal_lever").options
    at.sidebar.slider(key="sidebar_involuntary_pct").set_value(30.0).run()
    assert not at.exception
    assert any("Failed payments" in spec for spec in specs(at))
    assert "Failed payments: 10% more won back" in at.dataframe[0].value["Change"].tolist()
    assert "Failed payments recovered" in at.selectbox(key="goal_lever").options


def test_with_advanced_controls_back_at_defaults_every_page_shows_the_same_numbers() -> None:
    at = app()
    pristine = {}
    for page in EXISTING_PAGES:
        at.switch_page(page).run()
        pristine[page] = (metrics(at), specs(at), [m.value for m in at.markdown])

    # Switch every refinement on, then back off.
    at.sidebar.slider(key="sidebar_early_churn_x").set_value(4.0).run()
    at.sidebar.slider(key="sidebar_early_churn_months").set_value(9).run()
    at.sidebar.slider(key="sidebar_annual_plans_pct").set_value(50.0).run()
    at.sidebar.toggle(key="sidebar_ceiling_on").set_value(False).run()
    at.sidebar.toggle(key="sidebar_segments_on").set_value(True).run()
    at.sidebar.slider(key="sidebar_involuntary_pct").set_value(20.0).run()
    at.sidebar.slider(key="sidebar_recovery_pct").set_value(40.0).run()
    for key in ("early_churn_x", "early_churn_months", "annual_plans_pct", "involuntary_pct", "recovery_pct"):
        at.sidebar.slider(key=f"sidebar_{key}").set_value(controls.CONTROL_BY_KEY[key].default).run()
    at.sidebar.toggle(key="sidebar_ceiling_on").set_value(True).run()
    at.sidebar.toggle(key="sidebar_segments_on").set_value(False).run()

    assert values_of(at) == defaults()
    assert dict(at.query_params) == query_from_values(defaults())
    for page in EXISTING_PAGES:
        at.switch_page(page).run()
        assert not at.exception
        assert (metrics(at), specs(at), [m.value for m in at.markdown]) == pristine[page], page


def test_the_recovery_lever_gains_annual_nrr_like_a_churn_cut_of_the_same_size() -> None:
    scenario = scenario_from_values({**defaults(), **controls.WORKED_EXAMPLE, "involuntary_pct": 50.0})
    impacts = rank(scenario, mode="points", step=0.01).table.set_index("lever")
    # Half of 3% churn is involuntary: recovering a point of it is cutting churn by a point.
    assert impacts.loc["recovery", "annual_nrr_gain"] == pytest.approx(
        impacts.loc["churn", "annual_nrr_gain"]
    )
    assert impacts.loc["recovery", "annual_nrr_gain"] > 0.1
