"""The Streamlit pages under AppTest: they run, show the engine's figures, and keep the scenario.

Reference values: domain.md's worked example 1 (start $100,000; $3,000
churned, $1,000 contraction, $6,000 expansion: NRR 102.0%, GRR 96.0%,
expansion rate 6.0%, annualised 1.02^12 = 126.8%), opened as an address
(:data:`tests.apptest_support.WORKED`, what "Try the worked example" loads);
the default scenario is a typical company, whose own tests say its figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from report.format import compact_money, money
from simulator.benchmarks import STAGES, stage_for_arr
from simulator.plateau import plateau
from simulator.projection import project
from simulator.ranking import rank
from simulator.recommendation import recommend
from simulator.summary import summarise
from tests.apptest_support import WORKED, charts, plain
from ui.state import controls
from ui.state.address import query_from_values
from ui.state.controls import defaults, scenario_from_values

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = (
    "pages/calculator.py",
    "pages/compounding.py",
    "pages/leaky-bucket.py",
    "pages/biggest-lever.py",
    "pages/unit-economics.py",
)
TIMEOUT = 30


def app(**params: str) -> AppTest:
    """The whole app (sidebar and navigation), opened at an address with ``params``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def sidebar_values(at: AppTest) -> dict[str, object]:
    return {key: at.session_state[key] for key in controls.KEYS}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_alone_on_the_default_scenario(page: str) -> None:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_inside_the_app_with_the_sidebar(page: str) -> None:
    at = app()
    at.switch_page(page).run()
    assert not at.exception
    assert at.sidebar.slider(key="sidebar_churn_pct").value == defaults()["churn_pct"]


def test_calculator_shows_worked_example_one_exactly() -> None:
    at = app(**WORKED)
    at.switch_page("pages/calculator.py").run()
    cards = metrics(at)
    assert cards["NRR (month)"] == "102.0%"
    assert cards["GRR (month)"] == "96.0%"
    assert cards["Expansion rate (month)"] == "6.0%"
    assert cards["Annual NRR"] == "126.8%"
    assert any("Best in class" in m.value for m in at.markdown)


def test_the_default_is_a_typical_company_inside_its_stages_benchmarks() -> None:
    """$330,000 MRR is $3.96M ARR: the $1M–10M stage, whose NRR runs from 98% (median) to 106% (top
    quartile) and whose GRR from 85% to 92% (assumed). 1 − 1% − 0.3% + 1.15% = 99.85% a month:
    0.9985^12 = 98.2%; GRR 0.987^12 = 85.5%."""
    at = app()
    at.switch_page("pages/compounding.py").run()
    cards = metrics(at)
    assert (cards["Annual NRR"], cards["Annual GRR"]) == ("98.2%", "85.5%")
    summary = summarise(scenario_from_values(defaults()))
    stage = STAGES[stage_for_arr(12 * 330_000)[0]]
    assert stage.name == "$1M–10M ARR"
    assert stage.nrr[0] <= summary.annual_nrr <= stage.nrr[1]
    assert stage.grr[0] <= summary.annual_grr <= stage.grr[1]
    assert summary.scenario.expansion_ceiling == 3.0


def test_the_ceilings_chart_shows_only_once_an_account_reaches_the_ceiling_within_the_horizon() -> None:
    """The default caps expansion at 3× an account's start: at 1.15% a month an account gets there
    after ln 3 ÷ ln 1.0115 ≈ 96 months, so over 36 months NRR never moves and over 120 it does."""
    ceiling = "With an expansion ceiling, NRR falls back toward GRR as accounts age"
    at = app()
    at.switch_page("pages/compounding.py").run()
    assert not any(chart.title == ceiling for chart in charts(at))
    at = app(months="120")
    at.switch_page("pages/compounding.py").run()
    assert any(chart.title == ceiling for chart in charts(at))


def test_try_the_worked_example_gives_domain_example_one_in_one_click() -> None:
    at = app(currency="€")
    at.switch_page("pages/calculator.py").run()
    at.button(key="calc_worked_example").click().run()
    cards = metrics(at)
    assert (cards["NRR (month)"], cards["GRR (month)"], cards["Expansion rate (month)"]) == (
        "102.0%",
        "96.0%",
        "6.0%",
    )
    assert cards["Annual NRR"] == "126.8%"
    assert at.sidebar.slider(key="sidebar_churn_pct").value == 3.0
    assert at.query_params["starting_mrr"] == "100000" and at.query_params["currency"] == "€"


def test_calculator_cards_follow_the_inputs() -> None:
    at = app(**WORKED)
    at.switch_page("pages/calculator.py").run()
    at.number_input(key="calc_expansion").set_value(1_000).run()
    # (100,000 − 3,000 − 1,000 + 1,000) ÷ 100,000 = 97.0%; GRR unchanged.
    assert metrics(at)["NRR (month)"] == "97.0%"
    assert metrics(at)["GRR (month)"] == "96.0%"


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("calc_churned", 99_500, "more than the starting MRR"),
        ("calc_start_mrr", 0, "must be above zero"),
        ("calc_expansion", 250_000, "Expansion"),
    ],
)
def test_calculator_explains_impossible_inputs_instead_of_failing(key: str, value: int, says: str) -> None:
    at = app(**WORKED)
    at.switch_page("pages/calculator.py").run()
    at.number_input(key=key).set_value(value).run()
    assert not at.exception
    assert says in at.error[0].value
    assert not at.metric


def test_compounding_cards_equal_the_engine_formatted() -> None:
    scenario = scenario_from_values({**defaults(), **controls.WORKED_EXAMPLE})
    table = project(scenario).table
    at = app(**WORKED)
    at.switch_page("pages/compounding.py").run()
    assert metrics(at) == {
        "Monthly NRR": "102.0%",
        "Annual NRR": "126.8%",  # 1.02^12
        "Annual GRR": "61.3%",  # 0.96^12
        "MRR at 12 months": compact_money(table["mrr"].iloc[12]),
        "MRR at 36 months": compact_money(table["mrr"].iloc[36]),
    }
    full = {m.label: m.proto.help for m in at.metric}
    assert full["MRR at 12 months"] == money(table["mrr"].iloc[12])


@pytest.mark.parametrize(
    ("horizon", "months"), [(12, (12,)), (24, (12, 24)), (36, (12, 36)), (60, (12, 60)), (120, (12, 120))]
)
def test_compounding_cards_read_revenue_a_year_out_and_at_the_horizon_never_past_it(
    horizon: int, months: tuple[int, ...]
) -> None:
    at = app(months=str(horizon))
    at.switch_page("pages/compounding.py").run()
    assert not at.exception
    table = project(scenario_from_values({**defaults(), "months": horizon})).table
    revenue = {label: value for label, value in metrics(at).items() if label.startswith("MRR at")}
    assert revenue == {f"MRR at {month} months": compact_money(table["mrr"].iloc[month]) for month in months}
    full = {m.label: m.proto.help for m in at.metric}
    assert full[f"MRR at {horizon} months"] == money(table["mrr"].iloc[horizon])
    # The revenue chart ends at the month the last card reads.
    (drawn,) = [chart for chart in charts(at) if chart.title == "MRR over the horizon"]
    assert json.loads(drawn.spec)["layout"]["xaxis"]["range"] == [0, horizon]


def test_moving_a_sidebar_slider_changes_the_cards() -> None:
    at = app(**WORKED)
    at.switch_page("pages/compounding.py").run()
    before = metrics(at)
    at.sidebar.slider(key="sidebar_churn_pct").set_value(5.0).run()
    after = metrics(at)
    assert not at.exception
    assert after["Monthly NRR"] == "100.0%" != before["Monthly NRR"]
    assert after["MRR at 36 months"] != before["MRR at 36 months"]


def test_sidebar_is_still_there_after_a_rerun() -> None:
    at = app(**WORKED)
    at.switch_page("pages/leaky-bucket.py").run()
    at.sidebar.slider(key="sidebar_expansion_pct").set_value(2.0).run()
    at.run()
    assert len(at.sidebar.slider) >= 5
    assert at.sidebar.slider(key="sidebar_expansion_pct").value == 2.0
    assert metrics(at)["Monthly NRR"] == "98.0%"


def test_sidebar_values_are_the_same_on_every_page() -> None:
    at = app()
    at.sidebar.slider(key="sidebar_churn_pct").set_value(4.2).run()
    at.sidebar.number_input(key="sidebar_starting_mrr").set_value(250_000).run()
    for page in PAGES:
        at.switch_page(page).run()
        assert at.sidebar.slider(key="sidebar_churn_pct").value == 4.2
        assert at.sidebar.number_input(key="sidebar_starting_mrr").value == 250_000


def test_the_address_round_trips_the_scenario() -> None:
    at = app()
    at.sidebar.slider(key="sidebar_churn_pct").set_value(2.5).run()
    at.sidebar.slider(key="sidebar_expansion_pct").set_value(7.3).run()
    at.sidebar.number_input(key="sidebar_new_customers").set_value(12).run()
    at.sidebar.slider(key="sidebar_months").set_value(60).run()
    at.sidebar.selectbox(key="sidebar_currency").set_value("€").run()
    params = dict(at.query_params)
    assert params["churn_pct"] == "2.5"
    assert params["expansion_pct"] == "7.3"
    assert params["new_customers"] == "12"
    assert params["months"] == "60"
    assert params["currency"] == "€"

    reopened = app(**params)
    assert not reopened.exception
    assert not reopened.warning
    assert sidebar_values(reopened) == sidebar_values(at)
    assert reopened.sidebar.slider(key="sidebar_churn_pct").value == 2.5
    assert reopened.sidebar.slider(key="sidebar_expansion_pct").value == 7.3


def test_an_address_with_some_settings_keeps_the_rest_at_defaults() -> None:
    at = app(churn_pct="1.5")
    assert not at.warning
    assert at.sidebar.slider(key="sidebar_churn_pct").value == 1.5
    assert at.sidebar.slider(key="sidebar_expansion_pct").value == 1.15
    assert at.query_params["expansion_pct"] == "1.15"


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"churn_pct": "lots"}, "not a number"),
        ({"churn_pct": "-4"}, "outside the allowed range"),
        ({"months": "9999"}, "outside the allowed range"),
        ({"expansion_pct": "nan"}, "not a finite number"),
        ({"currency": "<b>BTC</b>"}, "not one of"),
    ],
)
def test_a_malformed_address_shows_a_notice_and_the_defaults(params: dict[str, str], says: str) -> None:
    at = app(churn_pct="9", **params) if "churn_pct" not in params else app(**params)
    assert not at.exception
    assert len(at.warning) == 1
    assert says in at.warning[0].value
    assert "default scenario" in at.warning[0].value
    assert sidebar_values(at) == defaults()
    assert dict(at.query_params) == query_from_values(defaults())


def test_a_misspelt_setting_is_left_out_with_a_notice_naming_the_closest_one() -> None:
    """An unknown parameter no longer throws the whole link away (issue 23): the rest is shown."""
    at = app(churn_rat="3", expansion_pct="6")
    assert not at.exception
    assert len(at.warning) == 1
    assert "'churn_rat' (did you mean 'churn_pct'?)" in plain(at.warning[0].value)
    assert sidebar_values(at)["expansion_pct"] == 6.0
    assert "churn_rat" not in at.query_params


def test_the_notice_goes_away_after_the_next_change() -> None:
    at = app(churn_pct="oops")
    assert at.warning
    at.sidebar.slider(key="sidebar_churn_pct").set_value(2.0).run()
    assert not at.warning


def test_a_preset_sets_the_levers_and_reset_restores_the_defaults() -> None:
    at = app()
    at.sidebar.selectbox(key="sidebar_preset").set_value("Flat-rate B2C").run()
    assert at.sidebar.slider(key="sidebar_churn_pct").value == 3.5
    assert at.sidebar.slider(key="sidebar_contraction_pct").value == 0.2
    assert at.sidebar.slider(key="sidebar_expansion_pct").value == 3.01  # the preset, on the 0.01 grid
    assert at.query_params["churn_pct"] == "3.5"
    at.sidebar.slider(key="sidebar_churn_pct").set_value(3.0).run()
    assert at.session_state["preset"] == "Custom"
    at.sidebar.button(key="reset").click().run()
    assert sidebar_values(at) == defaults()


def test_leaky_bucket_says_plainly_when_the_base_grows_by_itself() -> None:
    at = app(**WORKED)
    at.switch_page("pages/leaky-bucket.py").run()
    assert "NRR ≥ 100%: the base grows by itself" in at.success[0].value


def test_leaky_bucket_shows_the_engines_plateau_below_100_percent() -> None:
    """Worked example 1 with 1% expansion over ten years: monthly NRR 97%, a plateau of $10,000 ÷ 3%
    reached within the horizon."""
    at = app(**{**WORKED, "expansion_pct": "1", "months": "120"})
    at.switch_page("pages/leaky-bucket.py").run()
    worked = {**defaults(), **controls.WORKED_EXAMPLE, "expansion_pct": 1.0, "months": 120}
    expected = plateau(scenario_from_values(worked))
    assert expected.mrr == pytest.approx(10_000 / 0.03)
    assert money(expected.mrr) in at.warning[0].value
    assert f"after {expected.months_to_within_5pct} months" in at.warning[0].value


def test_a_plateau_beyond_the_horizon_is_a_note_under_the_horizons_figure() -> None:
    """Over 36 months the same business is still 7 years from its plateau: the page leads with
    month 36's MRR and says the plateau as a note."""
    at = app(**{**WORKED, "expansion_pct": "1"})
    at.switch_page("pages/leaky-bucket.py").run()
    worked = scenario_from_values({**defaults(), **controls.WORKED_EXAMPLE, "expansion_pct": 1.0})
    said = at.warning[0].value
    assert said.startswith(f"By month 36 MRR reaches {money(project(worked).mrr_at(36))}, still climbing.")
    assert f"a plateau of {money(10_000 / 0.03)}" in said and "about 7 years from today" in said


def test_the_leak_is_said_gross_even_when_expansion_covers_it() -> None:
    """Worked example 1: $4,000 leaks in month 1 ($3,000 churned, $1,000 contraction) and expansion
    brings back $6,000: the page says what leaks, never that nothing does."""
    at = app(**WORKED)
    at.switch_page("pages/leaky-bucket.py").run()
    cards = metrics(at)
    assert (cards["Leaks out, month 1"], cards["Expansion brings back"], cards["To stay flat, month 1"]) == (
        "$4k",
        "$6k",
        "$0",
    )
    said = " ".join(c.value for c in at.caption)
    assert (
        "In month 1 $4,000 of MRR leaks out (cancellations and downgrades); expansion brings back $6,000"
        in said
    )
    assert "nothing leaks" not in said.lower()
    assert all("nothing leaks" not in chart.text for chart in charts(at))


def test_leaky_bucket_draws_a_month_and_a_year_bridge() -> None:
    at = app()
    at.switch_page("pages/leaky-bucket.py").run()
    at.slider(key="bridge_month").set_value(7).run()
    at.selectbox(key="bridge_year").set_value(2).run()
    titles = [chart.title for chart in charts(at)]
    assert "Month 7" in titles
    assert "Year 2" in titles


def test_biggest_lever_leads_with_the_recommendation_and_keeps_the_other_views_as_views() -> None:
    """The typical company: GRR 85%, below 90%, so churn first, against its stage's top quartile."""
    at = app()
    at.switch_page("pages/biggest-lever.py").run()
    chosen = recommend(scenario_from_values(defaults()))
    assert at.info[0].value.startswith("Fix churn first: annual GRR is 85.5%, below 90%")
    assert money(chosen.gain("churn")) in at.info[0].value
    assert "GRR below 90%" in " ".join(m.value for m in at.markdown)
    at.segmented_control(key="lever_mode").set_value("relative").run()
    assert at.info[0].value.startswith("Fix churn first")  # the headline does not follow the view
    said = " ".join(c.value for c in at.caption)
    assert "Same effort: 10% more new customers (40 a month → 44 a month) adds" in said
    at.segmented_control(key="lever_mode").set_value("points").run()
    said = " ".join(c.value for c in at.caption)
    # Contraction (0.35%) can only fall 0.35 point: churn and expansion tie ahead of it.
    assert "Churn and expansion tie: 1.0 point in any of them" in said
    assert "Same effort (a share of each lever's own value) tells them apart" in said


def test_biggest_lever_step_changes_the_view_and_says_when_a_lever_stops_at_zero() -> None:
    at = app(**{**WORKED, "contraction_pct": "0.5"})
    at.switch_page("pages/biggest-lever.py").run()
    at.segmented_control(key="lever_mode").set_value("points").run()
    before = " ".join(c.value for c in at.caption)
    at.slider(key="lever_step_points").set_value(2.0).run()
    worked = {**defaults(), **controls.WORKED_EXAMPLE, "contraction_pct": 0.5}
    table = rank(scenario_from_values(worked), mode="points", step=0.02).table
    # Contraction can only fall 0.5 point, so churn and expansion tie ahead of it.
    said = " ".join(c.value for c in at.caption)
    assert said != before
    assert "Churn and expansion tie: 2.0 points in any of them" in said
    assert money(float(table["mrr_gain"].iat[0])) in said
    assert "Contraction stops at 0.00%" in said


@pytest.mark.parametrize("page", PAGES)
def test_each_page_sends_well_under_150_kb_of_charts_at_the_longest_horizon(page: str) -> None:
    at = app(months="120")
    at.switch_page(page).run()
    payload = sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))
    assert payload < 60_000


def test_money_follows_the_chosen_currency() -> None:
    at = app(currency="€")
    at.switch_page("pages/compounding.py").run()
    assert metrics(at)["MRR at 12 months"].startswith("€")


def test_a_typed_rate_moves_the_slider_the_scenario_and_the_address() -> None:
    at = app(**WORKED)
    at.switch_page("pages/compounding.py").run()
    at.number_input(key="typed_churn_pct").set_value(2.37).run()
    assert not at.exception
    assert at.sidebar.slider(key="sidebar_churn_pct").value == 2.37
    assert at.query_params["churn_pct"] == "2.37"
    # 1 − 2.37% − 1% + 6% = 102.63% a month.
    assert metrics(at)["Monthly NRR"] == "102.6%"


def test_a_slider_follows_a_typed_rate_and_the_typed_box_follows_the_slider() -> None:
    at = app()
    at.number_input(key="typed_churn_pct").set_value(12.5).run()
    assert at.sidebar.slider(key="sidebar_churn_pct").value == 12.5
    at.sidebar.slider(key="sidebar_churn_pct").set_value(4.0).run()
    assert not at.exception and at.session_state["typed_churn_pct"] == 4.0


def test_a_stage_preset_sets_its_business_and_says_what_its_levers_give() -> None:
    at = app()
    at.sidebar.selectbox(key="sidebar_preset").set_value("$100M+ ARR").run()
    assert not at.exception
    # The stage's median company: monthly losses 1 − 0.92^(1/12) = 0.6924%, three quarters churn.
    assert at.session_state["starting_mrr"] == 12_500_000 and at.session_state["churn_pct"] == 0.5193
    caption = " ".join(c.value for c in at.sidebar.caption)
    assert "median NRR 115%" in caption
    assert "annual NRR 115.0% (best in class, which starts at 115%) and GRR 92.0%" in caption
    at.sidebar.number_input(key="sidebar_starting_mrr").set_value(1_000_000).run()
    assert at.session_state["preset"] == "Custom"


def test_the_calculator_is_month_one_of_the_sidebars_scenario() -> None:
    at = app(**{**WORKED, "churn_pct": "5"})
    at.switch_page("pages/calculator.py").run()
    # 5% churn, 1% contraction, 6% expansion of $100,000: $5,000, $1,000 and $6,000.
    assert at.number_input(key="calc_churned").value == 5_000
    assert metrics(at)["NRR (month)"] == "100.0%"


def test_editing_the_calculator_moves_the_sidebar_and_the_address() -> None:
    at = app(**WORKED)
    at.switch_page("pages/calculator.py").run()
    at.number_input(key="calc_churned").set_value(2_000).run()
    assert at.sidebar.slider(key="sidebar_churn_pct").value == 2.0
    assert at.query_params["churn_pct"] == "2"
    at.switch_page("pages/compounding.py").run()
    assert metrics(at)["Monthly NRR"] == "103.0%"


def test_a_month_beyond_the_simulators_ranges_is_shown_but_not_sent_to_the_sidebar() -> None:
    at = app(**WORKED)
    at.switch_page("pages/calculator.py").run()
    at.number_input(key="calc_churned").set_value(20_000).run()  # 20% churn: over the sidebar's 15%
    assert not at.exception and at.sidebar.slider(key="sidebar_churn_pct").value == 3.0
    assert metrics(at)["NRR (month)"] == "85.0%"
    assert "beyond the simulator's ranges" in at.info[0].value
