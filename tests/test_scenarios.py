"""Named scenarios: the store, base / plan / downside, the comparison, files, links, and the page.

Reference values come from the engine itself (``simulator.project``): the
differences table must show exactly its MRR and trailing-12 NRR / GRR. The
default scenario is domain.md's worked example 1 (3% churn, 1% contraction,
6% expansion), the sidebar's defaults.
"""

from __future__ import annotations

import base64
import io
import json
import zlib
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import report.format
import ui.scenarios.files
import ui.scenarios.link
import ui.scenarios.store
from report.charts import overlays
from simulator.cli import main as cli_main
from simulator.comparison import DIFFERENCE_COLUMNS, checkpoints, compare
from simulator.output import csv_bytes
from simulator.projection import project
from simulator.scenario import Initiative, Scenario, Segment, to_dict
from simulator.scenario_json import from_json, to_json
from tests.apptest_support import WORKED, plain
from ui.scenarios import saved
from ui.scenarios.files import read_file, set_file
from ui.scenarios.link import link_text, scenarios_from_link
from ui.scenarios.store import StoreError, delete, duplicate, merge, rename, save
from ui.scenarios.variants import variant
from ui.state.controls import WORKED_EXAMPLE, defaults, scenario_from_values
from ui.state.loading import sidebar_values

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/scenarios.py"
TIMEOUT = 30

#: Domain example 1 (3% churn, 6% expansion): the variants' hand-computed values below.
BASE = scenario_from_values({**defaults(), **WORKED_EXAMPLE})
RICH = Scenario(
    starting_mrr=250_000,
    starting_customers=120,
    churn_rate=0.025,
    contraction_rate=0.008,
    expansion_rate=0.041,
    new_customers_per_month=7,
    acquisition_growth_rate=0.01,
    new_customer_mrr=1_800,
    months=48,
    segments=(
        Segment("SMB", 0.045, 0.015, 0.03, 0.3, 0.7, 800),
        Segment("Mid-market", 0.025, 0.01, 0.05, 0.4, 0.25, 3_000),
        Segment("Enterprise", 0.01, 0.005, 0.06, 0.3, 0.05, 12_000),
    ),
    early_churn_multiple=2.0,
    early_churn_months=3,
    expansion_ceiling=3.0,
    initiatives=(
        Initiative("Dunning", "churn_rate", -0.008, start_month=3, ramp_months=4),
        Initiative("Recession", "new_customers_per_month", -0.3, start_month=1, ramp_months=2, end_month=12),
    ),
)


# The store.


def test_saving_renaming_duplicating_and_deleting_keep_the_order_and_leave_the_input_alone() -> None:
    one = save({}, "Base", BASE)
    two = save(one, "  Board   plan ", variant(BASE, "Plan"))
    assert list(two) == ["Base", "Board plan"]
    assert one == {"Base": BASE}

    renamed = rename(two, "Base", "Today")
    assert list(renamed) == ["Today", "Board plan"]
    assert renamed["Today"] is BASE

    copied, copy = duplicate(renamed, "Today")
    assert copy == "Today (2)"
    assert list(copied) == ["Today", "Board plan", "Today (2)"]
    assert duplicate(copied, "Today")[1] == "Today (3)"

    assert list(delete(copied, "Board plan")) == ["Today", "Today (2)"]
    assert list(copied) == ["Today", "Board plan", "Today (2)"]


def test_a_taken_name_is_refused_unless_replacing() -> None:
    store = save({}, "Plan", BASE)
    with pytest.raises(StoreError, match="'Plan' exists already"):
        save(store, "Plan", variant(BASE, "Plan"))
    with pytest.raises(StoreError, match="'Plan' exists already"):
        rename(save(store, "Other", BASE), "Other", "Plan")
    assert save(store, "Plan", variant(BASE, "Plan"), replace=True)["Plan"].churn_rate == 0.02


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "give the scenario a name"), ("   ", "give the scenario a name"), ("x" * 41, "at most 40")],
)
def test_an_empty_or_long_name_is_refused(name: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        save({}, name, BASE)


def test_a_missing_scenario_and_a_full_store_are_refused_by_message() -> None:
    with pytest.raises(StoreError, match="no scenario named 'Ghost'"):
        delete({}, "Ghost")
    full = {f"S{i}": BASE for i in range(ui.scenarios.store.MAX_SCENARIOS)}
    with pytest.raises(StoreError, match="delete one first"):
        save(full, "One more", BASE)
    with pytest.raises(StoreError, match="at most 20"):
        merge(full, {"One more": BASE})
    assert merge(full, {"S3": RICH})["S3"] is RICH  # replacing never overflows


# Base, plan and downside.


def test_plan_moves_churn_down_and_expansion_up_by_one_point() -> None:
    plan = variant(BASE, "Plan")
    assert (plan.churn_rate, plan.expansion_rate) == (0.02, 0.07)
    assert plan.replace(churn_rate=BASE.churn_rate, expansion_rate=BASE.expansion_rate) == BASE
    assert variant(BASE, "Base") is BASE


def test_downside_moves_churn_up_expansion_down_and_cuts_new_customers_by_thirty_percent() -> None:
    downside = variant(BASE, "Downside")
    assert (downside.churn_rate, downside.expansion_rate) == (0.04, 0.05)
    assert downside.new_customers_per_month == pytest.approx(5 * 0.7)
    assert downside.contraction_rate == BASE.contraction_rate


def test_variants_stay_in_range_move_segments_and_keep_initiatives() -> None:
    low = BASE.replace(churn_rate=0.004, expansion_rate=0.003)
    assert variant(low, "Plan").churn_rate == 0.0
    assert variant(low, "Downside").expansion_rate == 0.0
    plan = variant(RICH, "Plan")
    assert [s.churn_rate for s in plan.segments] == [0.035, 0.015, 0.0]
    assert [s.expansion_rate for s in plan.segments] == [0.04, 0.06, 0.07]
    assert plan.initiatives == RICH.initiatives


def test_plan_never_ends_below_base_and_downside_never_above() -> None:
    mrr = {kind: project(variant(BASE, kind)).table["mrr"] for kind in ("Base", "Plan", "Downside")}
    assert (mrr["Plan"] >= mrr["Base"]).all()
    assert (mrr["Downside"] <= mrr["Base"]).all()


# Into the sidebar.


def test_a_sidebar_scenario_loads_back_into_the_sidebar_exactly() -> None:
    values = {**defaults(), "churn_pct": 2.35, "new_customers": 9, "months": 60}
    loaded, notes = sidebar_values(scenario_from_values(values), defaults())
    assert notes == []
    assert loaded == values


def test_a_scenarios_churned_size_loads_into_the_sidebar_on_its_grid() -> None:
    values, notes = sidebar_values(BASE.replace(churned_size_multiple=0.5), defaults())
    assert notes == [] and values["churned_size_x"] == 0.5
    assert scenario_from_values(values).churned_size_multiple == 0.5
    values, notes = sidebar_values(BASE.replace(churned_size_multiple=0.437), defaults())
    assert values["churned_size_x"] == 0.44
    assert "churned_size_multiple: 0.437 becomes 0.44" in notes


def test_what_the_sidebar_cannot_hold_is_named() -> None:
    values, notes = sidebar_values(variant(BASE, "Downside"), defaults())
    assert notes == [] and values["new_customers"] == 3.5  # a saved Downside loads back exactly
    _, notes = sidebar_values(RICH.replace(starting_customers=None), defaults())
    assert not any(note.startswith("initiatives") for note in notes)
    assert any(note.startswith("starting_customers") for note in notes)


def test_a_scenarios_initiatives_load_into_the_sidebars_plan() -> None:
    values, notes = sidebar_values(BASE.replace(initiatives=RICH.initiatives), defaults())
    assert notes == []
    assert values["plan"] == (
        ("Dunning", "churn_rate", -0.8, 3, 4, None),
        ("Recession", "new_customers_per_month", -30.0, 1, 2, 12),
    )
    assert scenario_from_values(values).initiatives == RICH.initiatives


# The comparison.


def test_checkpoints_are_12_24_36_and_the_horizon() -> None:
    assert checkpoints(36) == (12, 24, 36)
    assert checkpoints(120) == (12, 24, 36, 120)
    assert checkpoints(12) == (12,)


def test_the_differences_table_holds_the_engines_figures_and_the_gaps_to_the_first() -> None:
    scenarios = {"Base": BASE, "Plan": variant(BASE, "Plan"), "Downside": variant(BASE, "Downside")}
    tables = {name: project(s).table for name, s in scenarios.items()}
    frame = compare(scenarios).differences
    assert list(frame.columns) == list(DIFFERENCE_COLUMNS)
    assert list(frame["month"]) == [12, 12, 12, 24, 24, 24, 36, 36, 36]
    assert list(frame["scenario"][:3]) == ["Base", "Plan", "Downside"]
    for row in frame.itertuples():
        engine = tables[row.scenario].set_index("month").loc[row.month]
        first = tables["Base"].set_index("month").loc[row.month]
        assert row.mrr == engine["mrr"]
        assert row.nrr_trailing_12 == engine["nrr_trailing_12"]
        assert row.grr_trailing_12 == engine["grr_trailing_12"]
        assert row.mrr_vs_first == pytest.approx(engine["mrr"] - first["mrr"])
        assert row.nrr_vs_first == pytest.approx(engine["nrr_trailing_12"] - first["nrr_trailing_12"])
    assert (frame.loc[frame["scenario"] == "Base", "mrr_vs_first"] == 0).all()
    # Worked example 1: a core scenario's trailing-12 NRR is 1.02^12.
    assert frame.loc[0, "nrr_trailing_12"] == pytest.approx(1.02**12)


def test_every_scenario_is_compared_over_the_references_horizon() -> None:
    """A shorter or longer scenario is projected over the reference's months: every figure exists."""
    comparison = compare({"Long": BASE.replace(months=60), "Short": BASE.replace(months=24, churn_rate=0.02)})
    assert comparison.month == 60
    frame = comparison.differences
    assert sorted(set(frame["month"])) == [12, 24, 36, 60]
    assert not frame[["mrr", "mrr_vs_first", "nrr_trailing_12"]].isna().any().any()
    short = comparison.at_horizon.set_index("scenario").loc["Short"]
    assert short["mrr"] == pytest.approx(project(BASE.replace(churn_rate=0.02), months=60).mrr_at(60))
    assert len(comparison.tables["Short"]) == 61


def test_the_csv_reads_back_as_the_same_figures() -> None:
    comparison = compare({"Base": BASE, "Plan": variant(BASE, "Plan")})
    frame = comparison.differences
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)))
    assert list(back.columns) == list(frame.columns)
    assert back["mrr"].to_numpy() == pytest.approx(frame["mrr"].to_numpy(), abs=0.005)
    assert back["nrr_trailing_12"].to_numpy() == pytest.approx(frame["nrr_trailing_12"].to_numpy(), abs=5e-7)

    text = csv_bytes(comparison.month_by_month()).decode("utf-8")
    assert text.splitlines()[0] == (
        "scenario,month,mrr,customers,nrr_month,grr_month,nrr_trailing_12,grr_trailing_12,mrr_vs_first"
    )
    assert len(text.splitlines()) == 1 + 2 * 37
    back = pd.read_csv(io.StringIO(text))
    assert back["nrr_trailing_12"].isna().sum() == 2 * 12  # months 0 to 11 have no trailing year: empty


# Files.


@pytest.mark.parametrize("scenario", [BASE, RICH, variant(RICH, "Downside")])
def test_a_scenario_file_is_the_command_lines_and_reads_back_identical(
    scenario: Scenario, tmp_path: Path
) -> None:
    text = to_json(scenario)
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    assert cli_main(["project", str(path), "--format", "csv"], stdout=out) == 0
    assert out.getvalue().count("\n") == scenario.months + 2
    assert read_file(path.read_bytes(), file_name="plan.json") == {"plan": scenario}


def test_a_set_round_trips_with_its_names_and_order() -> None:
    store = {"Base": BASE, "Plan": variant(BASE, "Plan"), "Rich": RICH}
    text = set_file(store)
    parsed = json.loads(text)
    assert [item["name"] for item in parsed["scenarios"]] == ["Base", "Plan", "Rich"]
    assert from_json(json.dumps(parsed["scenarios"][2]["scenario"])) == RICH
    back = read_file(text.encode("utf-8"), file_name="scenarios.json")
    assert back == store and list(back) == list(store)
    bare = json.dumps([to_dict(BASE), {"name": "Plan", "scenario": to_dict(RICH)}])
    assert read_file(bare) == {"Scenario 1": BASE, "Plan": RICH}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"starting_mrr": 100000,', "not valid JSON: .* at line 1"),
        (
            '{"starting_mrr": 100000, "churn_rat": 0.03}',
            "unknown field 'churn_rat'; did you mean 'churn_rate'",
        ),
        ('{"churn_rate": 0.03}', "missing required field 'starting_mrr'"),
        ('{"starting_mrr": 100000, "churn_rate": 3}', r"churn_rate is 3, outside the allowed range"),
        ("[]", "non-empty list"),
        ('{"scenarios": [], "extra": 1}', "unknown field 'extra'"),
        (
            '{"scenarios": [{"name": "A", "scenario": {"starting_mrr": 1}}, '
            '{"name": "B", "scenario": {"starting_mrr": -5}}]}',
            r"scenario 2 \('B'\): starting_mrr is -5",
        ),
        (
            '[{"name": "A", "scenario": {"starting_mrr": 1}}, '
            '{"name": "A", "scenario": {"starting_mrr": 2}}]',
            "twice",
        ),
        ('[{"name": "", "scenario": {"starting_mrr": 1}}]', "scenario 1: give the scenario a name"),
    ],
)
def test_a_broken_file_says_what_is_wrong(content: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        read_file(content.encode("utf-8"))


def test_a_broken_scenario_file_gives_the_command_lines_own_message(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"starting_mrr": 100000, "churn_rat": 0.03}', encoding="utf-8")
    err = io.StringIO()
    assert cli_main(["project", str(path)], stdout=io.StringIO(), stderr=err) == 2
    with pytest.raises(StoreError) as refused:
        read_file(path.read_bytes())
    assert str(refused.value) in err.getvalue()


def test_a_file_that_is_not_utf8_text_is_refused() -> None:
    with pytest.raises(StoreError, match="not UTF-8"):
        read_file('{"starting_mrr": 1000, "name": "Café"}'.encode("latin-1"))


# The link.


def test_a_comparison_link_round_trips_four_rich_scenarios_well_under_two_thousand_characters() -> None:
    scenarios = {
        "Base": RICH,
        "Plan": variant(RICH, "Plan"),
        "Downside": variant(RICH, "Downside"),
        "Other start": variant(RICH, "Plan").replace(starting_mrr=300_000, months=60),
    }
    text = link_text(scenarios)
    assert len(text) < 1_000
    assert text.isascii() and all(c.isalnum() or c in "-_" for c in text)
    back = scenarios_from_link(text)
    assert back == scenarios and list(back) == list(scenarios)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no scenarios"),
        ("garbage!!", "damaged"),
        ("eNp9", "damaged"),
        ("x" * 7_000, "more than a link carries"),
    ],
)
def test_a_malformed_link_is_refused_by_message(text: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        scenarios_from_link(text)


def test_a_link_with_one_scenario_or_an_invalid_one_is_refused() -> None:
    with pytest.raises(StoreError, match="2 to 4 scenarios"):
        scenarios_from_link(link_text({"Only": BASE}))
    bad = json.dumps([["A", {"starting_mrr": 1}], ["B", {"churn_rate": 7}]]).encode()
    text = base64.urlsafe_b64encode(zlib.compress(bad)).decode().rstrip("=")
    with pytest.raises(StoreError, match=r"scenario 2 \('B'\) of the link: churn_rate is 7"):
        scenarios_from_link(text)


# The page, under AppTest (as the server runs it).


@pytest.fixture
def page(apptest_like_server: None, clear_streamlit_cache: None) -> AppTest:
    """The app opened on the scenarios page, at domain example 1 (:data:`BASE`)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in WORKED.items():
        at.query_params[key] = value
    return at.run().switch_page(PAGE).run()


def opened(**params: str) -> AppTest:
    """A fresh session opening the scenarios page at an address with ``params``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(PAGE).run()


def saved_as(at: AppTest, name: str) -> AppTest:
    at.text_input(key=saved.NAME_KEY).input(name)
    return at.button(key="scenario_save").click().run()


def test_saving_two_scenarios_compares_them_with_the_engines_values(page: AppTest) -> None:
    at = page
    assert not at.exception
    saved_as(at, "Today")
    at.sidebar.slider(key="sidebar_churn_pct").set_value(2.0).run()
    saved_as(at, "Less churn")

    assert not at.exception and not at.error
    assert list(at.session_state[saved.STORE_KEY]) == ["Today", "Less churn"]
    assert at.multiselect(key=saved.PICK_KEY).value == ["Today", "Less churn"]
    assert len(at.get("plotly_chart")) == 3
    mrr_chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in mrr_chart["data"]] == ["Today", "Less churn"]

    shown = at.dataframe[0].value.set_index(["Month", "Scenario"])
    engine = project(BASE.replace(churn_rate=0.02)).table.set_index("month")
    first = project(BASE).table.set_index("month")
    row = shown.loc[(36, "Less churn")]
    assert row["MRR"] == report.format.money(engine.loc[36, "mrr"])
    assert row["MRR vs Today"] == report.format.signed_money(engine.loc[36, "mrr"] - first.loc[36, "mrr"])
    assert row["NRR, trailing 12"] == report.format.pct(engine.loc[36, "nrr_trailing_12"])
    assert shown.loc[(12, "Today"), "NRR, trailing 12"] == "126.8%"  # worked example 1: 1.02^12


def test_base_plan_and_downside_are_one_click_each_and_compared(page: AppTest) -> None:
    at = page
    for kind in ("base", "plan", "downside"):
        at.button(key=f"scenario_variant_{kind}").click().run()
    assert not at.exception
    assert at.multiselect(key=saved.PICK_KEY).value == ["Base", "Plan", "Downside"]
    assert "new customers −30%" in plain(at.success[0].value)
    assert at.session_state[saved.STORE_KEY]["Plan"] == variant(BASE, "Plan")
    assert len(json.loads(at.get("plotly_chart")[1].proto.spec)["data"]) == 3
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    plan = project(variant(BASE, "Plan")).mrr_at(36) - project(BASE).mrr_at(36)
    assert cards["Plan: MRR at month 36"][1] == f"{report.format.signed_money(plan)} vs Base"
    assert cards["Downside: MRR at month 36"][1].startswith("−$")  # the real minus; the arrow is set
    downside = next(m for m in at.metric if m.label == "Downside: MRR at month 36")
    assert downside.proto.direction == downside.proto.MetricDirection.DOWN


def test_four_overlaid_ten_year_scenarios_stay_a_small_chart_payload() -> None:
    long = BASE.replace(months=120)
    tables = {k: project(variant(long, k)).table for k in ("Base", "Plan", "Downside")}
    tables["Rich"] = project(RICH.replace(months=120)).table
    for column, currency in (("mrr", "$"), ("nrr_month", None), ("grr_trailing_12", None)):
        fig = overlays.scenario_lines(tables, column, title="t", currency=currency)
        assert len(fig.data) == 4
        assert len(fig.to_json()) < 150_000


def test_the_comparison_link_reopens_the_same_comparison_in_a_fresh_session(page: AppTest) -> None:
    at = page
    at.sidebar.slider(key="sidebar_expansion_pct").set_value(4.5).run()
    for kind in ("base", "downside"):
        at.button(key=f"scenario_variant_{kind}").click().run()
    link = {key: at.query_params[key] for key in at.query_params}
    assert "compare" in link and len(link["compare"]) < 2_000

    again = opened(**link)
    assert not again.exception and not again.warning
    assert list(again.session_state[saved.STORE_KEY]) == ["Base", "Downside"]
    assert again.session_state[saved.STORE_KEY] == at.session_state[saved.STORE_KEY]
    assert again.dataframe[0].value.equals(at.dataframe[0].value)
    assert again.sidebar.slider(key="sidebar_expansion_pct").value == 4.5  # the link's scenario too
    assert again.query_params["compare"] == link["compare"]


def test_a_malformed_comparison_link_shows_a_notice_and_falls_back() -> None:
    at = opened(compare="not-a-comparison", churn_pct="2")
    assert not at.exception and not at.error
    assert "comparison could not be opened" in at.warning[0].value
    assert "compare" not in at.query_params
    assert at.query_params["churn_pct"] == "2"  # the scenario part of the link still holds
    assert at.info[0].value.startswith("Pick two to four")


def test_loading_a_saved_scenario_moves_the_sidebar_and_the_address(page: AppTest) -> None:
    at = page
    at.button(key="scenario_variant_plan").click().run()
    at.selectbox(key=saved.SELECTED_KEY).set_value("Plan")
    at.button(key="scenario_load").click().run()
    assert not at.exception
    assert at.sidebar.slider(key="sidebar_churn_pct").value == 2.0
    assert at.sidebar.slider(key="sidebar_expansion_pct").value == 7.0
    assert at.query_params["churn_pct"] == "2"
    assert "Loaded 'Plan'" in plain(at.success[0].value)


def test_rename_duplicate_and_delete_follow_the_comparison(page: AppTest) -> None:
    at = page
    for kind in ("base", "plan"):
        at.button(key=f"scenario_variant_{kind}").click().run()
    at.selectbox(key=saved.SELECTED_KEY).set_value("Plan")
    at.text_input(key=saved.NEW_NAME_KEY).input("Board plan")
    at.button(key="scenario_rename").click().run()
    assert at.multiselect(key=saved.PICK_KEY).value == ["Base", "Board plan"]
    at.button(key="scenario_duplicate").click().run()
    assert list(at.session_state[saved.STORE_KEY]) == ["Base", "Board plan", "Board plan (2)"]
    at.selectbox(key=saved.SELECTED_KEY).set_value("Base")
    at.button(key="scenario_delete").click().run()
    assert not at.exception
    assert list(at.session_state[saved.STORE_KEY]) == ["Board plan", "Board plan (2)"]
    assert at.multiselect(key=saved.PICK_KEY).value == ["Board plan"]
    assert "compare" not in at.query_params


def test_an_uploaded_set_is_added_and_a_broken_file_changes_nothing(page: AppTest) -> None:
    at = page
    uploader = at.get("file_uploader")[0]
    good = set_file({"Base": BASE, "Rich": RICH}).encode("utf-8")
    uploader.set_value(("scenarios.json", good, "application/json")).run()
    assert not at.exception
    assert at.session_state[saved.STORE_KEY] == {"Base": BASE, "Rich": RICH}

    broken = b'{"scenarios": [{"name": "X", "scenario": {"starting_mrr": 1, "churn_rat": 0.1}}]}'
    at.get("file_uploader")[0].set_value(("broken.json", broken, "application/json")).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "nothing changed" in at.error[0].value
    assert "did you mean 'churn_rate'" in plain(at.error[0].value)
    assert at.session_state[saved.STORE_KEY] == {"Base": BASE, "Rich": RICH}


def test_the_page_runs_alone_on_the_default_scenario(clear_streamlit_cache: None) -> None:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT).run()
    assert not at.exception and not at.error
    assert at.info[0].value.startswith("Pick two to four")
