"""Presenter mode under AppTest: every slide runs, the buttons step through them, the address follows.

Reference values come from closed forms and the engine itself (
``project``, ``ranking.nrr_versus_acquisition``) formatted the way the cards
format them, for a scenario read from the address that is not the default one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from report.format import compact_money, money, pct
from simulator.projection import project
from simulator.tradeoff import nrr_versus_acquisition
from tests.apptest_support import WORKED
from ui.presenter import SLIDES
from ui.state.address import query_from_values, values_from_query
from ui.state.controls import WORKED_EXAMPLE, defaults, scenario_from_values

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/present.py"
TIMEOUT = 30
# A scenario that is not the default: 2.5% churn, 4% expansion, 48 months, in euros.
#: Worked example 1's business with its own rates, as a link (hand-computed values below).
LINK = {**WORKED, "churn_pct": "2.5", "expansion_pct": "4", "months": "48", "currency": "€"}


def presenter(**params: str) -> AppTest:
    """The whole app opened on the presenter's address with ``params``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["slide"] = params.pop("slide", "1")
    for key, value in params.items():
        at.query_params[key] = value
    # The session's first run is on the presenter's page, as when a link is opened.
    return at.switch_page(PAGE).run()


def shown_title(at: AppTest) -> str:
    return at.title[0].value


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def link_scenario():  # type: ignore[no-untyped-def]
    from ui.state.controls import scenario_from_values

    return scenario_from_values(values_from_query(LINK)[0])


@pytest.mark.parametrize("number", range(1, len(SLIDES) + 1))
def test_every_slide_renders_its_title_and_one_chart(number: int) -> None:
    at = presenter(slide=str(number), **LINK)

    assert not at.exception
    assert not at.error
    assert shown_title(at) == SLIDES[number - 1].title
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("number", range(1, len(SLIDES) + 1))
def test_every_slide_runs_alone_on_the_default_scenario(number: int) -> None:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.query_params["slide"] = str(number)
    at.run()

    assert not at.exception
    assert shown_title(at) == SLIDES[number - 1].title


def test_next_and_back_step_through_every_slide_and_update_the_address() -> None:
    at = presenter(**LINK)
    assert at.button(key="present_back").disabled

    for number in range(2, len(SLIDES) + 1):
        at.button(key="present_next").click().run()
        assert not at.exception
        assert at.query_params["slide"] == str(number)
        assert shown_title(at) == SLIDES[number - 1].title
    assert at.button(key="present_next").disabled

    at.button(key="present_back").click().run()
    assert at.query_params["slide"] == str(len(SLIDES) - 1)
    assert shown_title(at) == SLIDES[-2].title


def test_the_address_keeps_the_scenario_beside_the_slide() -> None:
    at = presenter(slide="2", **LINK)
    at.button(key="present_next").click().run()

    scenario_params = {key: at.query_params[key] for key in query_from_values(values_from_query(LINK)[0])}
    assert scenario_params == query_from_values(values_from_query(LINK)[0])
    assert at.query_params["slide"] == "3"


def test_the_sidebar_is_not_drawn_in_presenter_mode() -> None:
    at = presenter(**LINK)
    at.button(key="present_next").click().run()

    assert len(at.sidebar.slider) == 0
    assert len(at.sidebar.number_input) == 0
    assert len(at.sidebar.selectbox) == 0


def test_the_scenario_survives_the_presentation_and_the_sidebar_returns_on_exit() -> None:
    """AppTest keeps widget values a browser loses: tests/test_trips.py takes this trip in chromium."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.slider(key="sidebar_churn_pct").set_value(4.25).run()
    at.switch_page(PAGE).run()
    for _ in range(len(SLIDES) - 1):
        at.button(key="present_next").click().run()

    at.switch_page("pages/compounding.py").run()

    assert not at.exception
    assert at.sidebar.slider(key="sidebar_churn_pct").value == 4.25


def test_the_compounding_cards_equal_the_engine() -> None:
    scenario = link_scenario()
    at = presenter(slide="1", **LINK)

    shown = cards(at)
    assert shown["Monthly NRR"] == pct(scenario.monthly_nrr) == "100.5%"  # 1 − 2.5% − 1% + 4%
    assert shown["Annual NRR"] == pct(scenario.monthly_nrr**12) == "106.2%"
    assert shown[f"MRR at month {scenario.months}"] == compact_money(
        project(scenario).mrr_at(scenario.months), "€"
    )


def test_the_treadmill_cards_equal_the_engine() -> None:
    scenario = link_scenario()
    table = project(scenario).table
    at = presenter(slide="2", **LINK)

    shown = cards(at)
    # Month 1 of $100,000: 2.5% + 1% leaks out ($3,500), 4% comes back ($4,000).
    assert (
        shown["Leaks out, month 1"]
        == compact_money(3_500, "€")
        == compact_money(table["churned_mrr"].iloc[1] + table["contraction_mrr"].iloc[1], "€")
    )
    assert shown["Expansion brings back"] == compact_money(table["expansion_mrr"].iloc[1], "€") == "€4k"


def test_a_shrinking_base_shows_its_plateau_when_it_gets_there_within_the_horizon() -> None:
    """5% churn + 1% contraction − 1% expansion: monthly NRR 95%; 5 × $2,000 new MRR a month
    levels off at 10,000 ÷ 0.05 = $200,000 (simulator.plateau's closed form), within 5% of it from
    $100,000 after ⌈ln 0.1 ÷ ln 0.95⌉ = 45 months: inside a 60-month horizon."""
    at = presenter(slide="2", **{**WORKED, "churn_pct": "5", "expansion_pct": "1", "months": "60"})
    assert cards(at)["Plateau MRR"] == "$200k"
    assert "MRR levels off at $200,000" in " ".join(m.value for m in at.markdown)


def test_a_plateau_beyond_the_horizon_is_not_the_headline() -> None:
    """The same business over 36 months has not got there (45 months): the slide leads with month 36."""
    at = presenter(slide="2", **{**WORKED, "churn_pct": "5", "expansion_pct": "1"})
    scenario = scenario_from_values({**defaults(), **WORKED_EXAMPLE, "churn_pct": 5.0, "expansion_pct": 1.0})
    at36 = project(scenario).mrr_at(36)
    assert cards(at)["MRR at month 36"] == compact_money(at36)
    said = " ".join(m.value for m in at.markdown)
    assert f"MRR reaches {money(at36)} by month 36, short of the $200,000 where it would level off" in said
    assert "levels off at" not in said


def test_the_comparison_cards_equal_the_engine() -> None:
    scenario = link_scenario()
    table = nrr_versus_acquisition(scenario)
    at = presenter(slide="4", **LINK)

    shown = cards(at)
    for row in table.itertuples():
        assert shown[row.change] == compact_money(row.mrr_gain, "€", signed=True)


@pytest.mark.parametrize("number", ["3", "4"])
def test_a_slide_link_reopens_that_slide_with_its_scenario(number: str) -> None:
    at = presenter(slide=number, **LINK)

    assert shown_title(at) == SLIDES[int(number) - 1].title
    assert at.query_params["slide"] == number
    assert at.session_state["churn_pct"] == 2.5
    assert not at.warning  # the slide parameter is not taken for a broken scenario


@pytest.mark.parametrize("text", ["0", "9", "two"])
def test_a_wrong_slide_number_opens_the_first_slide(text: str) -> None:
    at = presenter(slide=text)

    assert not at.exception
    assert shown_title(at) == SLIDES[0].title
    assert at.query_params["slide"] == "1"


def test_the_comparison_slide_shows_the_scenarios_picked_on_the_scenarios_page(
    apptest_like_server: None, clear_streamlit_cache: None
) -> None:
    from simulator import Scenario
    from ui.scenarios import saved

    base = Scenario(starting_mrr=100_000, churn_rate=0.03, expansion_rate=0.02, months=36)
    plan = base.replace(churn_rate=0.02)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state[saved.STORE_KEY] = {"Base": base, "Plan": plan}
    at.session_state[saved.COMPARED_KEY] = ["Base", "Plan"]
    at.query_params["slide"] = "4"
    at.switch_page("pages/present.py").run()
    assert not at.exception
    labels = [metric.label for metric in at.metric]
    assert labels == ["Base", "Plan"]
    gain = project(plan).mrr_at(36) - project(base).mrr_at(36)
    assert any(m.value.startswith("At month 36, **Plan** ends highest") for m in at.markdown)
    assert at.metric[1].delta == f"{compact_money(gain, '$', signed=True)} vs Base"
