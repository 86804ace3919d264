"""The Biggest lever page under AppTest: every mode, costs, and "apply" reaching the sidebar and the address.

Every figure is checked against the engine (:func:`simulator.ranking.rank`), which
``tests/test_ranking.py`` holds to hand-computed values.
"""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from report import ranking as words
from report.format import literal, money, pct
from simulator.ranking import rank
from simulator.summary import summarise
from simulator.upside import Costs
from tests.apptest_support import WORKED, app, metrics
from ui.state.controls import WORKED_EXAMPLE, defaults, scenario_from_values

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

PAGE = "pages/biggest-lever.py"
#: A leaky business: 6% churn, 2% expansion; annual NRR well under the top quartile.
LEAKY = {"churn_pct": "6", "expansion_pct": "2"}
#: The hand-computed values below are domain example 1's ($100,000; 3% churn, 1% contraction, 6% expansion).
EXAMPLE = {**defaults(), **WORKED_EXAMPLE}


def lever_page(mode: str | None = None, **params: str) -> AppTest:
    """The page on the worked example (and ``params``), in ``mode`` (the default: against peers)."""
    at = app(PAGE, **{**WORKED, **params})
    if mode is not None:
        at.segmented_control(key="lever_mode").set_value(mode).run()
    assert not at.exception
    return at


def view_sentence(at: AppTest) -> str:
    """What the chosen view says under its chart (the headline above is the recommendation)."""
    return next(
        c.value for c in at.main.caption if c.value.startswith(("To reach", "Same", "A tactic", "No "))
    )


def test_the_default_table_is_the_engines_ranking_with_all_levers_together() -> None:
    at = lever_page()
    ranking = rank(scenario_from_values(EXAMPLE))
    assert ranking.mode == "headroom"
    shown = at.dataframe[0].value
    assert shown["Change"].tolist() == [*words.row_labels(ranking), "All together"]
    # Expansion (6%) is already past its peers' 1.18%: it stays, and gains nothing.
    assert shown["MRR gained, month 36"].tolist()[:-1] == [
        f"+{money(gain)}" if gain else money(gain) for gain in ranking.table["mrr_gain"]
    ]
    assert shown["Change"].tolist()[-2] == "Expansion: at peers"
    assert ranking.together is not None
    assert words.together_text(ranking, months=36, currency="$") in [m.value for m in at.markdown]
    assert "Cost" not in shown.columns  # no cost given


def test_a_phone_reads_the_tables_rows_as_paragraphs_each_gain_in_bold() -> None:
    """The table is wider than a phone: there (ui/style.py) its rows show as paragraphs instead."""
    at = lever_page()
    shown = at.dataframe[0].value
    paragraphs = words.table_text(shown)
    assert paragraphs in [m.value for m in at.markdown]
    said = paragraphs.split("\n\n")
    assert len(said) == len(shown)
    gained = "MRR gained, month 36"
    for row, text in zip(shown.to_dict("records"), said, strict=True):
        assert text.startswith(f"**{literal((row['#'] + '. ' if row['#'] else '') + row['Change'])}**")
        assert f"{literal(gained)}: **{literal(row[gained])}**" in text
        assert f"Annual NRR: {literal(row['Annual NRR'])}" in text


def test_applying_a_row_moves_the_sidebar_the_address_and_every_page() -> None:
    at = lever_page("relative")
    at.button(key="lever_apply_expansion").click().run()
    assert not at.exception
    assert at.session_state["expansion_pct"] == pytest.approx(6.6)
    assert at.query_params["expansion_pct"] == "6.6"
    assert at.success[0].value.startswith("Applied expansion +10%")
    at.switch_page("pages/compounding.py").run()
    applied = summarise(scenario_from_values({**EXAMPLE, "expansion_pct": 6.6}))
    assert metrics(at)["Annual NRR"] == pct(applied.annual_nrr)


def test_applying_all_together_moves_every_lever() -> None:
    at = lever_page("relative")
    at.button(key="lever_apply_together").click().run()
    state = at.session_state
    assert (state["churn_pct"], state["contraction_pct"], state["expansion_pct"]) == pytest.approx(
        (2.7, 0.9, 6.6)
    )
    assert state["new_customers"] == pytest.approx(5.5)


def test_a_goal_seek_result_can_be_applied() -> None:
    at = lever_page()
    at.selectbox(key="goal_lever").set_value("expansion_rate").run()
    at.number_input(key="goal_nrr_pct").set_value(110.0).run()
    at.button(key="goal_apply").click().run()
    assert not at.exception
    # 110% a year needs expansion of 1.10^(1/12) − 0.96 with churn 3% and contraction 1%.
    assert at.session_state["expansion_pct"] == pytest.approx((1.10 ** (1 / 12) - 0.96) * 100, abs=1e-4)


def test_to_a_target_shows_the_easiest_route_to_the_top_quartile() -> None:
    at = lever_page("target", **LEAKY)
    ranking = rank(
        scenario_from_values({**EXAMPLE, "churn_pct": 6.0, "expansion_pct": 2.0}),
        mode="target",
        target_nrr=1.06,
    )
    expected = words.verdict(
        ranking, months=36, currency="$", target_source="the top quartile of $1M–10M ARR"
    )
    assert view_sentence(at) == expected
    assert expected.startswith(
        "To reach 106.0% annual NRR (the top quartile of $1M–10M ARR), the easiest route is churn"
    )
    assert any("Contraction alone cannot reach 106.0%" in caption.value for caption in at.caption)
    at.selectbox(key="lever_target").set_value("Seat-based B2B").run()
    assert view_sentence(at).startswith(
        "To reach 120.0% annual NRR (the top of Seat-based B2B’s typical range)"
    )


def test_tactics_rank_concrete_changes() -> None:
    at = lever_page("tactic")
    assert view_sentence(at).startswith("A tactic: upgrade prompts at 80% of a plan limit moves the most.")
    assert set(at.dataframe[0].value["Change"]) == {
        "Upgrade prompts",
        "Retries and dunning",
        "Cancel-flow offers",
        "A middle tier",
        "All together",
    }


def test_costs_turn_the_ranking_into_money_per_money_spent_and_payback() -> None:
    at = lever_page("relative", cac="2000")
    at.number_input(key="lever_retention_cost").set_value(3_000).run()
    assert not at.exception
    scenario = scenario_from_values({**EXAMPLE, "cac": 2_000})
    costs = Costs(cac=2_000, retention_per_month=3_000)
    table = rank(scenario, mode="relative", costs=costs).table.set_index("lever")
    shown = at.dataframe[0].value.set_index("Change")
    churn = table.loc["churn"]
    assert shown.loc["Churn −10%", "Cost"] == money(churn["cost"])
    assert shown.loc["Churn −10%", "MRR per $1"] == money(churn["mrr_gain_per_cost"], decimals=2)
    payback = churn["payback_months"]
    assert shown.loc["Churn −10%", "Payback"] == (
        f"month {payback:.0f}" if math.isfinite(payback) else "not by the horizon"
    )
    assert shown.loc["Expansion +10%", "Cost"] == "–"  # no expansion programme given
    assert any("Per money spent:" in m.value for m in at.markdown)
