"""Leaky bucket: the MRR bridge, and how much acquisition only refills what leaks out."""

import streamlit as st

from report import sentences
from report.charts import bucket, plan_paths
from report.format import pct
from ui import cache, show
from ui.state import navigation, session

navigation.require_app("leaky-bucket")

scenario = session.current_scenario()
currency = session.currency()
revenue = session.revenue()
summary = cache.summary(scenario)
months = summary.months
table = summary.projection.table

st.title("Leaky bucket")
st.caption(
    "Below 100% NRR, acquisition first has to replace what the base loses before the business grows at all."
)

(st.success if summary.plateau.grows_by_itself else st.warning)(
    sentences.plateau_text(summary, currency, shown=revenue),
    icon=":material/trending_up:" if summary.plateau.grows_by_itself else ":material/water_drop:",
)

cards = st.columns(5)
show.card(cards[0], "Blended monthly NRR" if scenario.segments else "Monthly NRR", pct(summary.monthly_nrr))
show.card(
    cards[1],
    "Leaks out, month 1",
    revenue.compact(summary.leaking_at(1), currency),
    help=f"{revenue.money(summary.leaking_at(1), currency)} of {revenue.name} cancelled or downgraded.",
)
show.card(
    cards[2],
    "Expansion brings back",
    revenue.compact(summary.brought_back_at(1), currency),
    help=f"{revenue.money(summary.brought_back_at(1), currency)} of {revenue.name} from upgrades in month 1.",
)
show.card(
    cards[3],
    "To stay flat, month 1",
    revenue.compact(summary.stay_flat_at(1), currency),
    help=f"{revenue.money(summary.stay_flat_at(1), currency)} of new {revenue.name}: what leaks out minus "
    "what expansion brings back; zero when expansion covers it.",
)
show.card(
    cards[4],
    f"Plugging the leak, month {months}",
    pct(summary.refilling_at(months)),
    help=f"Share of that month's new revenue that only replaces losses ({pct(summary.refilling_at(1))} "
    "in month 1).",
)
st.caption(sentences.leak_text(summary, currency, shown=revenue))

st.subheader(f"{revenue.name} bridge")
pick_month, pick_year = st.columns(2, gap="medium")
month = pick_month.slider("Month", min_value=1, max_value=months, value=1, key="bridge_month")
years = months // 12
year = pick_year.selectbox(
    "Year",
    range(1, years + 1),
    format_func=lambda y: f"Year {y} (months {12 * y - 11}–{12 * y})",
    key="bridge_year",
)
left, right = st.columns(2, gap="medium")
with left:
    show.chart(
        bucket.waterfall(
            cache.bridge(scenario, month, month), currency, title=f"Month {month}", shown=revenue
        ),
        "bridge_month_chart",
    )
with right:
    show.chart(
        bucket.waterfall(
            cache.bridge(scenario, 12 * year - 11, 12 * year), currency, title=f"Year {year}", shown=revenue
        ),
        "bridge_year_chart",
    )

show.chart(bucket.stay_flat(table, currency, shown=revenue), "stay_flat_chart")

if scenario.initiatives:
    moved = tuple(dict.fromkeys(initiative.lever for initiative in scenario.initiatives))
    show.chart(plan_paths.lever_paths(cache.lever_paths(scenario), moved, height=440), "lever_paths_chart")
    st.caption(sentences.paths_caption(summary))
