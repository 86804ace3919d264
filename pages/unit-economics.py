"""Unit economics: what a new customer is worth once expansion counts, how fast acquiring one pays back,
the yearly ARR bridge, and where NRR and GRR sit among peers."""

import streamlit as st

from report import sentences
from report.charts import economics as charts
from report.economics import (
    bridge_rows,
    churned_size_text,
    economics_cards,
    lifetime_value_text,
    payback_text,
    position_text,
)
from simulator.economics import DEFAULT_DISCOUNT_RATE, DEFAULT_LIFETIME_MONTHS
from simulator.peers import PRICING_MODELS, STAGES, position
from ui import cache, show
from ui.state import navigation, session

navigation.require_app("unit-economics")

DISCOUNT_KEY = "ue_discount_pct"
LIFETIME_KEY = "ue_lifetime_years"
STAGE_KEY = "ue_stage"
PRICING_KEY = "ue_pricing"
FROM_ARR = "From ARR"
NOT_CHOSEN = "Not chosen"

scenario = session.current_scenario()
currency = session.currency()
summary = cache.summary(scenario)

st.title("Unit economics")
st.caption(
    "What a new customer is worth once expansion counts, how fast acquiring one pays back, and how fast "
    "revenue is won against what is lost."
)

discount_cell, lifetime_cell, _ = st.columns([2, 2, 3], gap="medium")
discount_pct = discount_cell.slider(
    "Discount rate (% a year)",
    min_value=0,
    max_value=30,
    value=round(DEFAULT_DISCOUNT_RATE * 100),
    step=1,
    key=DISCOUNT_KEY,
    help="What money a year from now is worth today: the cost of capital. Each month's margin is discounted.",
)
lifetime_years = lifetime_cell.selectbox(
    "Lifetime followed",
    (3, 5, 10, 20),
    index=(3, 5, 10, 20).index(DEFAULT_LIFETIME_MONTHS // 12),
    format_func=lambda years: f"{years} years",
    key=LIFETIME_KEY,
    help="How long a new customer is followed: with NRR above the discount, lifetime value has no end.",
)
economics = cache.unit_economics(scenario, discount_pct / 100, lifetime_years * 12)
cards = economics_cards(economics, currency)

value_cards = st.columns(5)
for column, card in zip(value_cards, cards[:5], strict=True):
    show.card(column, card.label, card.value, help=card.help)
st.markdown(lifetime_value_text(economics, currency))
st.markdown(payback_text(economics, currency))
show.chart(charts.lifetime_value(economics, currency), "ue_lifetime_chart")

st.subheader("Won against lost")
flow_cards = st.columns(4)
for column, card in zip(flow_cards, cards[5:], strict=True):
    show.card(column, card.label, card.value, help=card.help)
if churned_size := churned_size_text(economics, segments=bool(scenario.segments)):
    st.markdown(churned_size)

st.subheader("ARR bridge (12 × MRR), year by year")
bridge = cache.arr_bridge(scenario)
show.chart(charts.arr_bridge(bridge, currency), "ue_arr_chart")
# Wider than a phone (or, in billions, a projector): the years stay in view as the flows scroll.
st.dataframe(
    bridge_rows(bridge, currency),
    hide_index=True,
    width="stretch",
    column_config={"Year": st.column_config.Column(pinned=True)},
)
st.caption(
    "Starting ARR + new + expansion − contraction − churned = ending ARR, every year; each flow is the "
    "year's monthly MRR flows × 12. The quick ratio is what the year won ÷ what it lost."
)

st.subheader("Where NRR and GRR sit among peers")
stage_cell, pricing_cell, _ = st.columns([2, 2, 3], gap="medium")
stage = stage_cell.selectbox(
    "Company stage",
    (FROM_ARR, *STAGES),
    key=STAGE_KEY,
    help="By default the band of the benchmark tables that today's ARR (12 × starting MRR) falls in.",
)
pricing = pricing_cell.selectbox(
    "Pricing model",
    (NOT_CHOSEN, *PRICING_MODELS),
    key=PRICING_KEY,
    help="Compare NRR with the typical range of your pricing model too.",
)
placed = position(
    summary.annual_nrr,
    summary.annual_grr,
    arr=float(bridge["starting_arr"].to_numpy()[0]),
    stage=None if stage == FROM_ARR else stage,
    pricing=None if pricing == NOT_CHOSEN else pricing,
)
show.chart(charts.position_chart(placed), "ue_position_chart")
st.markdown(position_text(placed, currency))
st.caption(sentences.benchmark_sources("nrr_by_stage", "nrr_by_pricing", "grr"))
