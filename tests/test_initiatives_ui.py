"""The plan (initiatives and shocks) under AppTest: the sidebar, the address, bad rows, the pages.

Reference: the engine's own numbers. ``simulator.tiers.recession`` is the
preset, ``simulator.plan.initiative_impacts`` the ranking the lever page
shows, and with no initiatives the engine is exactly the plain scenario
(simulator tests), so every page must show exactly what it showed before.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from report import sentences
from report.charts import lever_bars, plan_paths
from report.format import money
from simulator import plan
from simulator.presets import recession
from simulator.projection import project
from tests.apptest_support import WORKED, app, charts, full_figures, metrics, plain, specs, values_of
from ui.state.address import query_from_values
from ui.state.controls import defaults, scenario_from_values
from ui.state.tables import PLAN_COLUMNS, edited_segments

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

PAGES = (
    "pages/calculator.py",
    "pages/compounding.py",
    "pages/leaky-bucket.py",
    "pages/biggest-lever.py",
)
RECESSION_ROWS = (
    ("Recession: churn", "churn_rate", 1.0, 1, 3, 12),
    ("Recession: downgrades", "contraction_rate", 0.5, 1, 3, 12),
    ("Recession: fewer new customers", "new_customers_per_month", -30.0, 1, 3, 12),
)
DUNNING = ("Dunning emails", "churn_rate", -0.8, 3, 4, None)


def with_plan(at: AppTest, rows: tuple[tuple[object, ...], ...]) -> AppTest:
    """Put a plan in the sidebar as the editor's callback does."""
    at.session_state["plan"] = rows
    at.run()
    return at


def test_adding_the_recession_preset_lowers_mrr_and_puts_the_plan_in_the_address() -> None:
    at = app("pages/compounding.py")
    before = full_figures(at)
    assert "plan" not in at.query_params

    at.sidebar.button(key="plan_recession").click().run()
    assert not at.exception
    scenario = scenario_from_values(values_of(at))
    assert scenario.initiatives == recession()
    assert at.session_state["plan"] == RECESSION_ROWS
    after = full_figures(at)
    assert after["MRR at 12 months"] == money(project(scenario).table["mrr"].iloc[12])
    for card in ("MRR at 12 months", "MRR at 36 months"):
        assert int(after[card].strip("$").replace(",", "")) < int(before[card].strip("$").replace(",", ""))
    assert json.loads(at.query_params["plan"]) == [list(row) for row in RECESSION_ROWS]
    assert any(
        "Recession: churn: churn +1 pt, months 1–12, 3-month ramp" in plain(c.value)
        for c in at.sidebar.caption
    )

    at.sidebar.button(key="plan_recession").click().run()  # a second click adds nothing
    assert at.session_state["plan"] == RECESSION_ROWS
    at.sidebar.button(key="plan_clear").click().run()
    assert at.session_state["plan"] == ()
    assert "plan" not in at.query_params
    assert full_figures(at) == before


def test_the_plan_round_trips_through_the_address_with_identical_cards() -> None:
    at = with_plan(app("pages/compounding.py"), (*RECESSION_ROWS, DUNNING))
    params = dict(at.query_params)
    assert json.loads(params["plan"])[-1] == ["Dunning emails", "churn_rate", -0.8, 3, 4, None]

    reopened = app("pages/compounding.py", **params)
    assert not reopened.exception
    assert not reopened.warning
    assert values_of(reopened) == values_of(at)
    assert metrics(reopened) == metrics(at)
    assert scenario_from_values(values_of(reopened)) == scenario_from_values(values_of(at))


@pytest.mark.parametrize(
    ("bad_row", "says"),
    [
        (("Dunning", "churn_rate", -0.8, 0, 4, None), "start_month is 0, outside the allowed range"),
        (("Dunning", "churn_rate", -0.8, 6, 4, 3), "end_month is 3, outside the allowed range (6 to"),
        (("", "churn_rate", -0.8, 3, 4, None), "every initiative needs a name"),
        (("Dunning", None, -0.8, 3, 4, None), "initiative 'Dunning' needs a lever"),
        (("Dunning", "churn_rate", -150.0, 3, 4, None), "change is -1.5, outside the allowed range"),
        (("Dunning", "churn_rate", None, 3, 4, None), "change must be a number"),
    ],
)
def test_a_bad_row_shows_the_engines_message_and_keeps_the_last_valid_scenario(
    bad_row: tuple[object, ...], says: str
) -> None:
    at = with_plan(app("pages/compounding.py"), RECESSION_ROWS)
    good_cards, good_address = metrics(at), dict(at.query_params)

    bad = (*RECESSION_ROWS, bad_row)
    with_plan(at, bad)
    assert not at.exception
    assert len(at.sidebar.error) == 1  # the plan's message, not the advanced model's too
    assert says in at.sidebar.error[0].value
    assert "keeps the last valid scenario" in at.sidebar.error[0].value
    assert metrics(at) == good_cards
    assert dict(at.query_params) == good_address
    assert at.session_state["plan"] == bad  # what the user typed stays


@pytest.mark.parametrize(
    ("plan", "says"),
    [
        ("not json", "plan is not a list of initiatives"),
        ('[["Dunning","churn",-0.8,3,4,null]]', "has the lever 'churn'"),
        ('[["Dunning","churn_rate",-0.8]]', "initiative 1 must have 6 values"),
        ('[["Dunning","churn_rate",-0.8,0,4,null]]', "start_month is 0"),
        ("[]", "plan must be a list of 1 to"),
    ],
)
def test_a_tampered_plan_in_the_address_falls_back_with_the_notice(plan: str, says: str) -> None:
    at = app(plan=plan)
    assert not at.exception
    assert says in plain(at.warning[0].value)
    assert values_of(at) == defaults()


def test_the_lever_page_ranks_initiatives_with_the_engines_numbers() -> None:
    at = with_plan(app("pages/biggest-lever.py"), (*RECESSION_ROWS, DUNNING))
    assert not at.exception
    scenario = scenario_from_values(values_of(at))
    ranked = plan.initiative_impacts(scenario)
    assert list(ranked["initiative"])[0] == "Dunning emails"  # the only gain, then the shocks
    assert (ranked["mrr_gain"].iloc[1:] < 0).all()

    assert sentences.impacts_text(ranked, "$", months=36) in [i.value for i in at.info]
    chart = next(json.loads(c.spec) for c in charts(at) if "Each initiative's effect" in c.title)
    bars = chart["data"][0]
    assert [label.split(" · ")[0] for label in bars["y"]] == list(ranked["initiative"])
    assert bars["y"][0] == "Dunning emails · Churn"  # the lever named unless the name says it
    assert bars["text"] == [f"+${v:,.0f}" if v >= 0 else f"−${-v:,.0f}" for v in ranked["mrr_gain"]]
    colours = bars["marker"]["color"]
    assert colours[0] != colours[1] and len(set(colours[1:])) == 1  # gains and shocks coloured apart


def test_compounding_and_leaky_bucket_show_the_levers_ramping() -> None:
    at = with_plan(app("pages/compounding.py", **WORKED), RECESSION_ROWS)  # no ceiling: the plan's chart
    assert any("The plan's levers, month by month" in spec for spec in specs(at))
    assert any("NRR moves as its initiatives ramp in" in spec for spec in specs(at))
    at.switch_page("pages/leaky-bucket.py").run()
    assert not at.exception
    chart = next(json.loads(c.spec) for c in charts(at) if "The plan's levers" in c.title)
    assert [trace["name"] for trace in chart["data"]] == [
        "Churn",
        "Contraction",
        "New customers (vs today)",
    ]


def test_without_initiatives_every_page_shows_the_same_numbers() -> None:
    at = app()
    pristine = {}
    for page in PAGES:
        at.switch_page(page).run()
        pristine[page] = (metrics(at), specs(at), [m.value for m in at.markdown])

    at.sidebar.button(key="plan_recession").click().run()
    at.switch_page("pages/biggest-lever.py").run()
    assert any("Each initiative's effect" in spec for spec in specs(at))
    at.sidebar.button(key="plan_clear").click().run()

    assert values_of(at) == defaults()
    assert dict(at.query_params) == query_from_values(defaults())
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception
        assert (metrics(at), specs(at), [m.value for m in at.markdown]) == pristine[page], page


def test_the_editor_folds_plan_edits_and_ignores_the_unit_column() -> None:
    edits = {
        "edited_rows": {0: {"Change": 2.0, "Unit": "pts"}},
        "deleted_rows": [2],
        "added_rows": [
            {"Initiative": "New tier", "Lever": "expansion_rate", "Change": 1.0, "Start month": 6}
        ],
    }
    table = edited_segments(RECESSION_ROWS, edits, columns=PLAN_COLUMNS)
    assert table == (
        ("Recession: churn", "churn_rate", 2.0, 1, 3, 12),
        RECESSION_ROWS[1],
        ("New tier", "expansion_rate", 1.0, 6, None, None),
    )
    with pytest.raises(ValueError, match="ramp_months must be a whole number"):
        scenario_from_values({**defaults(), "plan": table})


@pytest.mark.parametrize("rows", [RECESSION_ROWS, (DUNNING,), (RECESSION_ROWS[2],)])
def test_the_plan_charts_are_valid_plotly_figures(rows: tuple[tuple[object, ...], ...]) -> None:
    import plotly.graph_objects as go

    from simulator.refined import lever_paths

    scenario = scenario_from_values({**defaults(), "plan": rows})
    moved = tuple(dict.fromkeys(i.lever for i in scenario.initiatives))
    figures = (
        lever_bars.initiative_bars(plan.initiative_impacts(scenario), "€", months=36),
        plan_paths.lever_paths(lever_paths(scenario), moved),
    )
    for figure in figures:
        go.Figure(figure.to_dict())  # validates every property; raises on a typo
