"""NRR compounding: monthly NRR turned into annual NRR and into revenue over the horizon."""

import streamlit as st

from report import sentences
from report.charts import growth, plan_paths, tier_bar
from report.format import pct
from simulator.summary import headline_months
from ui import cache, show
from ui.state import navigation, session

navigation.require_app("compounding")

scenario = session.current_scenario()
currency = session.currency()
revenue = session.revenue()
summary = cache.summary(scenario)
shown = summary.projection.table
layers = cache.cohort_layers(scenario)
exact = summary.retention.annual_basis == "monthly ^ 12"

st.title("NRR compounding")
st.caption("A monthly NRR a little above or below 100% compounds into a very different business.")

# Revenue a year out and at the horizon, where the charts end (one card when they are the same month).
months = headline_months(summary.months)
cards = st.columns(3 + len(months))
show.card(cards[0], "Blended monthly NRR" if scenario.segments else "Monthly NRR", pct(summary.monthly_nrr))
show.card(
    cards[1],
    "Annual NRR",
    pct(summary.annual_nrr),
    help="Monthly NRR to the power 12." if exact else None,  # refined: explained under the cards
)
show.card(
    cards[2],
    "Annual GRR",
    pct(summary.annual_grr),
    help=f"Monthly GRR {pct(summary.monthly_grr)}, to the power 12." if exact else None,
)
# Up to five cards to a row: compact money fits any currency; the full figure is on hover.
for card, month in zip(cards[3:], months, strict=True):
    show.card(
        card,
        f"{revenue.name} at {month} months",
        revenue.compact(summary.mrr_at(month), currency),
        help=revenue.money(summary.mrr_at(month), currency),
    )
if not exact:
    st.caption(sentences.cards_note(summary))

if scenario.early_churn_multiple > 1 and scenario.early_churn_months > 0 and summary.months > 12:
    later, _ = summary.trailing_at(summary.months)
    gap = st.columns([1, 1, 2], gap="medium", vertical_alignment="center")
    show.card(gap[0], "Annual NRR, today's customers", pct(summary.annual_nrr))
    show.card(gap[1], f"Trailing-12 NRR, month {summary.months}", pct(later))
    gap[2].markdown(
        sentences.early_churn_gap_text(scenario, annual=summary.annual_nrr, later=later, month=summary.months)
    )

st.markdown(sentences.summary_verdict(summary))
show.chart(tier_bar.tiers(summary.annual_nrr), "tiers_chart")

# A ceiling that no account reaches within the horizon changes nothing on screen: no chart for it.
ceiling_binds = scenario.expansion_ceiling is not None and summary.nrr_moves
if scenario.annual_plan_share > 0 or ceiling_binds or scenario.initiatives:
    title = (
        "Annual plans: monthly NRR moves with the renewals, the trailing 12 months stay smooth"
        if scenario.annual_plan_share > 0
        else "With an expansion ceiling, NRR falls back toward GRR as accounts age"
        if ceiling_binds
        else "With the plan, NRR moves as its initiatives ramp in and end"
    )
    show.chart(growth.nrr_over_time(shown, title=title), "nrr_time_chart")
    if scenario.annual_plan_share > 0:
        st.caption(
            f"{pct(scenario.annual_plan_share, decimals=0)} of MRR is on annual plans, which churn or "
            "contract only in their renewal month, so a single month's NRR depends on the renewals that "
            "fall in it (today's renewals are spread over the year; new customers renew on their "
            "anniversary). Read the trailing 12 months."
        )

if scenario.initiatives:
    moved = tuple(dict.fromkeys(initiative.lever for initiative in scenario.initiatives))
    show.chart(plan_paths.lever_paths(cache.lever_paths(scenario), moved), "lever_paths_chart")
    st.caption(sentences.paths_caption(summary))

left, right = st.columns(2, gap="medium")
with left:
    by_segment = bool(scenario.segments) and st.toggle(
        f"Split {revenue.name} by segment", value=True, key="revenue_by_segment"
    )
    figure = (
        growth.segment_revenue(summary.projection.segments, currency, months=summary.months, shown=revenue)
        if by_segment
        else growth.revenue(shown, currency, shown=revenue)
    )
    show.chart(figure, "revenue_chart")
with right:
    show.chart(growth.layer_cake(layers, currency, shown=revenue), "layers_chart")

base_end = shown["existing_base_mrr"].iloc[-1]
st.caption(
    f"If you stopped acquiring today, today's customers would pay {revenue.money(base_end, currency)} "
    f"{revenue.per} at month {summary.months}, against "
    f"{revenue.money(summary.mrr_at(summary.months), currency)} with acquisition."
)
if scenario.segments:
    st.caption(sentences.segment_drift_text(shown, months=summary.months))
