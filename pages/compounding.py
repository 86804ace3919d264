"""NRR compounding: monthly NRR turned into annual NRR and into revenue over the horizon."""

import streamlit as st

from simulator.benchmarks import nrr_tier
from ui import charts, engine, insights, plan, state
from ui.format import money, pct
from ui.insights import tier_text

state.ensure_app_navigation()

scenario = state.current_scenario()
currency = state.currency()
# The cards always show months 12 and 36, even when the horizon is shorter.
projected = engine.projection(scenario.replace(months=max(scenario.months, 36)))
table = projected.table
shown = table.iloc[: scenario.months + 1]
layers = engine.cohort_layers(scenario)
monthly_nrr, monthly_grr = insights.blended_monthly(scenario)
if scenario.is_core:
    annual_nrr, annual_grr, annual_label = scenario.annual_nrr, scenario.annual_grr, "Annual NRR"
    annual_help: str | None = "Monthly NRR to the power 12."
else:
    # Refinements make a year's retention differ from monthly NRR ^ 12: read the cohort figure.
    year_end = max(12, scenario.months)
    annual_nrr = float(table["nrr_trailing_12"].iloc[year_end])
    annual_grr = float(table["grr_trailing_12"].iloc[year_end])
    annual_label = "Annual NRR (trailing 12)"
    annual_help = None  # explained under the cards: a help icon would cut the label short

st.title("📈 NRR compounding")
st.caption("A monthly NRR a little above or below 100% compounds into a very different business.")

cards = st.columns(5)
cards[0].metric("Blended monthly NRR" if scenario.segments else "Monthly NRR", pct(monthly_nrr), border=True)
cards[1].metric(annual_label, pct(annual_nrr), help=annual_help, border=True)
cards[2].metric(
    "Annual GRR" if scenario.is_core else "Annual GRR (trailing 12)",
    pct(annual_grr),
    help=f"Monthly GRR {pct(monthly_grr)}, to the power 12." if scenario.is_core else None,
    border=True,
)
cards[3].metric("MRR at 12 months", money(table["mrr"].iloc[12], currency), border=True)
cards[4].metric("MRR at 36 months", money(table["mrr"].iloc[36], currency), border=True)
if not scenario.is_core:
    st.caption(insights.cards_note(scenario, year_end=max(12, scenario.months), shortcut=monthly_nrr**12))

if scenario.early_churn_multiple > 1 and scenario.early_churn_months > 0:
    gap = st.columns([1, 1, 2], gap="medium", vertical_alignment="center")
    gap[0].metric("Monthly NRR ^ 12", pct(monthly_nrr**12), help="The shortcut.", border=True)
    gap[1].metric(
        "Real trailing-12 NRR", pct(annual_nrr), help="The cohort way: what a year really keeps.", border=True
    )
    gap[2].markdown(
        insights.early_churn_gap_text(
            scenario, shortcut=monthly_nrr**12, real=annual_nrr, month=max(12, scenario.months)
        )
    )

tier = nrr_tier(annual_nrr)
st.markdown(tier_text(annual_nrr, tier.name, tier.meaning))
st.plotly_chart(charts.tiers(annual_nrr), theme=None, config=charts.PLOTLY_CONFIG, key="tiers_chart")

if scenario.annual_plan_share > 0 or scenario.expansion_ceiling is not None or scenario.initiatives:
    title = (
        "Annual plans: monthly NRR moves with the renewals, the trailing 12 months stay smooth"
        if scenario.annual_plan_share > 0
        else "With an expansion ceiling, NRR falls back toward GRR as accounts age"
        if scenario.expansion_ceiling is not None
        else "With the plan, NRR moves as its initiatives ramp in and end"
    )
    st.plotly_chart(
        charts.nrr_over_time(shown, title=title),
        theme=None,
        config=charts.PLOTLY_CONFIG,
        key="nrr_time_chart",
    )
    if scenario.annual_plan_share > 0:
        st.caption(
            f"{pct(scenario.annual_plan_share, decimals=0)} of MRR is on annual plans, which churn or "
            "contract only in their renewal month, so a single month's NRR depends on the renewals that "
            "fall in it (today's renewals are spread over the year; new customers renew on their "
            "anniversary). Read the trailing 12 months."
        )

if scenario.initiatives:
    moved = tuple(dict.fromkeys(initiative.lever for initiative in scenario.initiatives))
    st.plotly_chart(
        charts.lever_paths(engine.lever_paths(scenario), moved, labels=state.LEVER_NAMES),
        theme=None,
        config=charts.PLOTLY_CONFIG,
        key="lever_paths_chart",
    )
    st.caption(plan.paths_caption(scenario))

left, right = st.columns(2, gap="medium")
with left:
    by_segment = bool(scenario.segments) and st.toggle(
        "Split MRR by segment", value=True, key="revenue_by_segment"
    )
    figure = (
        charts.segment_revenue(projected.segments, currency, months=scenario.months)
        if by_segment
        else charts.revenue(shown, currency)
    )
    st.plotly_chart(figure, theme=None, config=charts.PLOTLY_CONFIG, key="revenue_chart")
with right:
    st.plotly_chart(
        charts.layer_cake(layers, currency), theme=None, config=charts.PLOTLY_CONFIG, key="layers_chart"
    )

base_end = shown["existing_base_mrr"].iloc[-1]
st.caption(
    f"If you stopped acquiring today, today's customers would pay {money(base_end, currency)} a month "
    f"at month {scenario.months}, against {money(shown['mrr'].iloc[-1], currency)} with acquisition."
)
if scenario.segments:
    st.caption(insights.segment_drift_text(shown, months=scenario.months))
