"""Biggest lever: which lever moves the business most, in units a founder can act on."""

import streamlit as st

from report import ranking as words
from report import sentences
from report.charts import lever_bars
from ui import cache, show, style
from ui.goal import goal_defaults, goal_ui
from ui.lever_controls import apply_buttons, apply_goal_button, ranking_ui, show_applied
from ui.state import navigation, session

navigation.require_app("biggest-lever")

scenario = session.current_scenario()
currency = session.currency()
revenue = session.revenue()
summary = cache.summary(scenario)
months = summary.months

st.title("Biggest lever")
st.caption(
    "Improve each lever on its own and see which one moves the business most: the "
    f"{revenue.name} it adds by "
    f"month {months}, the NRR it adds, and, with costs, what each unit of money buys."
)
show_applied()
chosen = cache.recommendation(scenario)
st.info(
    words.recommendation_text(chosen, months=months, currency=currency, shown=revenue),
    icon=":material/emoji_events:",
)

choice = ranking_ui(scenario, currency)
ranking = cache.lever_ranking(scenario, choice.mode, choice.step, choice.target_nrr, choice.costs)
source = choice.target.source if choice.target is not None else ""
if ranking.mode == "target":
    figure = lever_bars.needed_bars(ranking.table, words.bar_texts(ranking), target=source or "the target")
    show.chart(figure, "needed_chart")
else:
    figure = lever_bars.tornado(
        ranking.table, words.row_labels(ranking), currency, months=months, shown=revenue
    )
    show.chart(figure, "tornado_chart")
if ranking.mode != "headroom":  # the recommendation above already says what this view shows
    st.caption(words.verdict(ranking, months=months, currency=currency, target_source=source, shown=revenue))
for note in words.notes(ranking, currency=currency, shown=revenue):
    st.caption(note)
table = words.table_rows(ranking, months=months, currency=currency, costs=choice.costs.any, shown=revenue)
# Too wide for a phone: there (ui/style.py) the same rows show as paragraphs instead, gain in bold.
st.container(key=style.WIDE_ONLY + "lever_table").dataframe(table, hide_index=True, width="stretch")
st.container(key=style.NARROW_ONLY + "lever_rows").markdown(words.table_text(table))
if ranking.together is not None:
    st.markdown(words.together_text(ranking, months=months, currency=currency, shown=revenue))
if scenario.segments:
    st.caption(
        "Segments are on: each rate moves every segment's rate (by the same share, or the same points)."
    )
apply_buttons(ranking)

if scenario.initiatives:
    st.subheader("Your plan: each initiative ranked")
    ranked = cache.initiative_impacts(scenario)
    said = sentences.impacts_text(ranked, currency, months=months, shown=revenue)
    st.info(said, icon=":material/event_note:")
    show.chart(
        lever_bars.initiative_bars(ranked, currency, months=months, shown=revenue), "initiatives_chart"
    )
    st.caption(
        f"Each bar: {revenue.name} at month {months} with the whole plan, minus {revenue.name} with the plan "
        "except that "
        "initiative. The levers above are improved on top of the plan."
    )

st.subheader("Which lever first")
st.markdown(sentences.summary_verdict(summary))

st.subheader("+10 points of NRR, or 30–40% more new customers?")
comparison = cache.nrr_versus_acquisition(scenario, choice.costs)
cards = st.columns(3, gap="medium")
for card, row in zip(cards, comparison.to_dict("records"), strict=True):
    show.card(
        card,
        str(row["change"]),
        revenue.compact(float(row["mrr_gain"]), currency, signed=True),
        help=f"{revenue.signed(float(row['mrr_gain']), currency)}: {revenue.name} at month {months} "
        f"{revenue.money(float(row['mrr_at_horizon']), currency)}",
    )
st.markdown(sentences.comparison_text(comparison, currency, months=months, shown=revenue))

st.subheader("Goal seek: what one lever needs")
st.caption("Pick a target and a lever; the other levers stay where the sidebar has them.")
goal = goal_ui(
    scenario,
    currency,
    revenue,
    goal_defaults(
        scenario, annual_nrr=summary.annual_nrr, mrr_at_horizon=summary.mrr_at(months), lever=chosen.lever
    ),
)
result = cache.goal(scenario, goal.lever, annual_nrr=goal.annual_nrr, mrr=goal.mrr, by_month=goal.by_month)
said = words.goal_text(result, currency=currency, shown=revenue)
(st.success if result.value is not None and not result.worse else st.warning)(said, icon=":material/target:")
apply_goal_button(scenario, goal.lever, result.value, worse=result.worse)
