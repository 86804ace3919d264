"""NRR calculator: one period's four amounts give NRR, GRR, expansion rate and annual NRR."""

import streamlit as st

from ui import show
from ui.calculator import PeriodInputError, period_metrics
from ui.charts import tier_bar
from ui.format import money, pct
from ui.sentences import verdict_text
from ui.state import navigation, session

navigation.require_app("calculator")

currency = session.currency()

st.title("🧮 NRR calculator")
st.caption(
    "One month of your existing customers: what they paid at the start, what they took away, "
    "what they added. New customers won during the month do not count."
)

inputs = st.columns(4)
labels = (
    ("calc_start_mrr", f"Starting MRR ({currency})", 100_000, "MRR of the customers paying at the start."),
    ("calc_churned", f"Churned MRR ({currency})", 3_000, "MRR of customers who cancelled entirely."),
    (
        "calc_contraction",
        f"Contraction ({currency})",
        1_000,
        "MRR lost from customers who stayed but pay less.",
    ),
    (
        "calc_expansion",
        f"Expansion ({currency})",
        6_000,
        "MRR gained from customers who stayed and pay more.",
    ),
)
amounts = [
    column.number_input(label, min_value=0, value=default, step=500, key=key, help=help_text)
    for column, (key, label, default, help_text) in zip(inputs, labels, strict=True)
]
start, churned, contraction, expansion = amounts

try:
    result = period_metrics(start, churned, contraction, expansion, currency=currency)
except PeriodInputError as error:
    st.error(str(error), icon="✋")
    st.stop()

cards = st.columns(4)
cards[0].metric(
    "NRR (month)", pct(result.nrr), help="(start − churned − contraction + expansion) ÷ start", border=True
)
cards[1].metric("GRR (month)", pct(result.grr), help="(start − churned − contraction) ÷ start", border=True)
cards[2].metric("Expansion rate (month)", pct(result.expansion_rate), help="expansion ÷ start", border=True)
cards[3].metric(
    "Annual NRR",
    pct(result.annual_nrr),
    help="This month's NRR compounded over 12 months: NRR¹² (annualised).",
    border=True,
)

st.subheader("The formula")
numbers = rf"\frac{{{start:,} - {churned:,} - {contraction:,} + {expansion:,}}}{{{start:,}}}".replace(
    ",", "{,}"
)
st.latex(
    r"\begin{aligned}"
    r"\text{NRR} &= \frac{\text{start} - \text{churned} - \text{contraction} + \text{expansion}}"
    r"{\text{start}}"
    rf" = {numbers} = {result.nrr * 100:.1f}\%\\[4pt]"
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
