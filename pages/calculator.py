"""NRR calculator: one period's four amounts give NRR, GRR, expansion rate and annual NRR."""

import streamlit as st

from report.charts import tier_bar
from report.format import money, pct
from report.sentences import verdict_text
from ui import cache, show
from ui.calculator import (
    PeriodInputError,
    formula_amount,
    month_one_follows_rates,
    period_metrics,
    rate_ranges,
)
from ui.state import navigation, session

navigation.require_app("calculator")

currency = session.currency()
scenario = session.current_scenario()
month_one = cache.summary(scenario).projection.table.iloc[1]
# The calculator edits the scenario's own rates; where the advanced model's refinements (segments,
# recovered failed payments…) shape month 1 beyond them, it only shows month 1.
editable = month_one_follows_rates(scenario, month_one)

st.title("NRR calculator")
st.caption(
    "One month of your existing customers: what they paid at the start, what they took away, "
    "what they added. New customers won during the month do not count."
)
if editable:
    st.caption(
        "These are month 1 of the scenario in the sidebar: change an amount and the sidebar's rates, "
        "every page and the address follow."
    )
    st.button(
        "Try the worked example",
        key="calc_worked_example",
        icon=":material/school:",
        on_click=session.try_worked_example,
        help="Start $100,000 of MRR; $3,000 churns, $1,000 contracts, $6,000 expands in the month: NRR 102%, "
        "GRR 96%, expansion rate 6%, 126.8% a year. It replaces the sidebar's scenario (Reset brings back "
        "the typical company).",
    )
else:
    st.caption(
        "Your scenario uses the advanced model (segments, failed payments recovered, a plan…): these are "
        "its month 1, blended. Change its levers in the sidebar."
    )

session.show_month_one(
    tuple(
        float(month_one[column])
        for column in ("starting_mrr", "churned_mrr", "contraction_mrr", "expansion_mrr")
    )
)
inputs = st.columns(4)
labels = (
    ("calc_start_mrr", f"Starting MRR ({currency})", "MRR of the customers paying at the start."),
    ("calc_churned", f"Churned MRR ({currency})", "MRR of customers who cancelled entirely."),
    ("calc_contraction", f"Contraction ({currency})", "MRR lost from customers who stayed but pay less."),
    ("calc_expansion", f"Expansion ({currency})", "MRR gained from customers who stayed and pay more."),
)
amounts = [
    column.number_input(
        label,
        min_value=0,
        step=500,
        key=key,
        help=help_text,
        disabled=not editable,
        on_change=session.on_calculator_change,
    )
    for column, (key, label, help_text) in zip(inputs, labels, strict=True)
]
start, churned, contraction, expansion = amounts

try:
    result = period_metrics(start, churned, contraction, expansion, currency=currency)
except PeriodInputError as error:
    st.error(str(error), icon=":material/back_hand:")
    st.stop()
if session.calculator_has_own_amounts():
    st.info(
        f"These amounts make a month beyond the simulator's ranges ({rate_ranges()}): the "
        "figures below are this month's; the sidebar keeps its scenario.",
        icon=":material/info:",
    )

cards = st.columns(4)
show.card(
    cards[0], "NRR (month)", pct(result.nrr), help="(start − churned − contraction + expansion) ÷ start"
)
show.card(cards[1], "GRR (month)", pct(result.grr), help="(start − churned − contraction) ÷ start")
show.card(cards[2], "Expansion rate (month)", pct(result.expansion_rate), help="expansion ÷ start")
show.card(
    cards[3],
    "Annual NRR",
    pct(result.annual_nrr),
    help="This month's NRR compounded over 12 months: NRR¹² (annualised).",
)

st.subheader("The formula")
# The amounts on a line of their own, compact from a million: a formula never wraps, so it must fit.
start_, churned_, contraction_, expansion_ = (
    formula_amount(amount) for amount in (start, churned, contraction, expansion)
)
st.latex(
    r"\begin{aligned}"
    r"\text{NRR} &= \frac{\text{start} - \text{churned} - \text{contraction} + \text{expansion}}"
    r"{\text{start}}\\[4pt]"
    rf"&= \frac{{{start_} - {churned_} - {contraction_} + {expansion_}}}{{{start_}}}"
    rf" = {result.nrr * 100:.1f}\%\\[4pt]"
    rf"\text{{NRR}} &= \text{{GRR}} + \text{{expansion rate}} = {result.grr * 100:.1f}\% + "
    rf"{result.expansion_rate * 100:.1f}\%\\[4pt]"
    rf"\text{{annual NRR}} &= \text{{NRR}}^{{12}} = {result.annual_nrr * 100:.1f}\%"
    r"\end{aligned}"
)

st.subheader("Where that sits")
st.markdown(verdict_text(result.annual_nrr, result.annual_grr, result.verdict))
show.chart(tier_bar.tiers(result.annual_nrr), "calc_tiers_chart")
st.caption(
    f"Ending MRR of these customers: {money(start - churned - contraction + expansion, currency)}. "
    "New customers won in the month would come on top; they never count in NRR."
)
