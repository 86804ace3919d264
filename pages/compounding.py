"""NRR compounding: monthly NRR turned into annual NRR and into revenue over the horizon."""

import streamlit as st

from simulator.benchmarks import nrr_tier
from ui import charts, engine, state
from ui.format import money, pct
from ui.insights import tier_text

state.ensure_app_navigation()

scenario = state.current_scenario()
currency = state.currency()
# The cards always show months 12 and 36, even when the horizon is shorter.
table = engine.projection(scenario.replace(months=max(scenario.months, 36))).table
shown = table.iloc[: scenario.months + 1]
layers = engine.cohort_layers(scenario)

st.title("📈 NRR compounding")
st.caption("A monthly NRR a little above or below 100% compounds into a very different business.")

cards = st.columns(5)
cards[0].metric("Monthly NRR", pct(scenario.monthly_nrr), border=True)
cards[1].metric("Annual NRR", pct(scenario.annual_nrr), help="Monthly NRR to the power 12.", border=True)
cards[2].metric(
    "Annual GRR",
    pct(scenario.annual_grr),
    help=f"Monthly GRR {pct(scenario.monthly_grr)}, to the power 12.",
    border=True,
)
cards[3].metric("MRR at 12 months", money(table["mrr"].iloc[12], currency), border=True)
cards[4].metric("MRR at 36 months", money(table["mrr"].iloc[36], currency), border=True)

tier = nrr_tier(scenario.annual_nrr)
st.markdown(tier_text(scenario.annual_nrr, tier.name, tier.meaning))
st.plotly_chart(charts.tiers(scenario.annual_nrr), theme=None, config=charts.PLOTLY_CONFIG, key="tiers_chart")

left, right = st.columns(2, gap="medium")
with left:
    st.plotly_chart(
        charts.revenue(shown, currency), theme=None, config=charts.PLOTLY_CONFIG, key="revenue_chart"
    )
with right:
    st.plotly_chart(
        charts.layer_cake(layers, currency), theme=None, config=charts.PLOTLY_CONFIG, key="layers_chart"
    )

base_end = shown["existing_base_mrr"].iloc[-1]
st.caption(
    f"If you stopped acquiring today, today's customers would pay {money(base_end, currency)} a month "
    f"at month {scenario.months}, against {money(shown['mrr'].iloc[-1], currency)} with acquisition."
)
