"""Biggest lever: each lever improved by the same step, ranked by what it does to MRR and NRR."""

import streamlit as st

from ui import cache, sentences, show
from ui.charts import lever_bars
from ui.format import money, signed_money, tick_prefix
from ui.goal import goal_ui
from ui.state import navigation, session

navigation.require_app("biggest-lever")

scenario = session.current_scenario()
currency = session.currency()
summary = cache.summary(scenario)
months = summary.months

st.title("🎯 Biggest lever")
st.caption(
    "Improve each lever by the same step and see which one moves the business most. "
    "For acquisition the step is the same relative change in new customers."
)

step_points = st.slider(
    "Step (percentage points; % more new customers for acquisition)",
    min_value=0.1,
    max_value=5.0,
    value=1.0,
    step=0.1,
    format="%.1f",
    key="lever_step",
)
step = step_points / 100
impacts = cache.lever_impacts(scenario, step)
if scenario.segments:
    st.caption("Segments are on: each rate moves every segment's rate by the same points.")
kept = cache.customers_kept(scenario, step)

st.info(
    sentences.lever_verdict(
        impacts, step_points=step_points, months=months, currency=currency, customers_kept=kept
    ),
    icon="🏆",
)
show.chart(lever_bars.tornado(impacts, currency, step_points=step_points, months=months), "tornado_chart")
st.caption(
    "In this model a point of churn, contraction or expansion moves monthly NRR, and so MRR, by the same "
    "amount; churn and contraction cannot fall below 0%, so a lever already near zero gains less."
    if scenario.is_core or scenario.replace(initiatives=()).is_core  # a plan keeps equal steps equal
    else "With the advanced model on, equal steps no longer move NRR equally: recovered failed payments "
    "shrink what a point of gross churn is worth, and early-life churn, annual plans and a ceiling change "
    "when each change lands."
)

if scenario.initiatives:
    st.subheader("Your plan: each initiative ranked")
    ranked = cache.initiative_impacts(scenario)
    st.info(sentences.impacts_text(ranked, currency, months=months), icon="🗓️")
    show.chart(lever_bars.initiative_bars(ranked, currency, months=months), "initiatives_chart")
    st.caption(
        f"Each bar: MRR at month {months} with the whole plan, minus MRR with the plan except that "
        "initiative. The levers above are improved on top of the plan."
    )

st.subheader("Which lever first")
st.markdown(sentences.summary_verdict(summary))

st.subheader("+10 points of NRR, or 30–40% more new customers?")
comparison = cache.nrr_versus_acquisition(scenario)
cards = st.columns(3, gap="medium")
for card, change, gain, mrr in zip(
    cards, comparison["change"], comparison["mrr_gain"], comparison["mrr_at_horizon"], strict=True
):
    card.metric(
        str(change),
        signed_money(float(gain), currency),
        help=f"MRR at month {months}: {money(float(mrr), currency)}",
        border=True,
    )
st.markdown(sentences.comparison_text(comparison, currency, months=months))

st.subheader("Goal seek: what one lever needs")
st.caption("Pick a target and a lever; the other levers stay where the sidebar has them.")
goal = goal_ui(scenario, currency)
result = cache.goal(
    scenario,
    goal.lever,
    annual_nrr=goal.annual_nrr,
    mrr=goal.mrr,
    by_month=goal.by_month,
    currency=tick_prefix(currency),
)
(st.success if result.value is not None else st.warning)(result.message, icon="🎯")
