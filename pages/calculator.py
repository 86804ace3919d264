"""NRR calculator: one period's four amounts give NRR, GRR, expansion rate and annual NRR."""

import streamlit as st

from ui import state
from ui.format import money, pct
from ui.insights import tier_text
from ui.period import PeriodInputError, period_metrics

currency = state.currency()

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
    "Annualised NRR (annual)",
    pct(result.annual_nrr),
    help="Monthly NRR compounded over 12 months: NRR¹²",
    border=True,
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("The formula")
    st.latex(
        r"\text{NRR}=\frac{\text{start}-\text{churned}-\text{contraction}+\text{expansion}}{\text{start}}"
        rf"=\frac{{{start:,}-{churned:,}-{contraction:,}+{expansion:,}}}{{{start:,}}}"
        rf"={result.nrr * 100:.1f}\%".replace(",", "{,}")
    )
    st.latex(
        r"\text{NRR}=\text{GRR}+\text{expansion rate}"
        rf"={result.grr * 100:.1f}\%+{result.expansion_rate * 100:.1f}\%"
        r"\qquad \text{annual NRR}=\text{NRR}^{12}"
        rf"={result.annual_nrr * 100:.1f}\%"
    )
with right:
    st.subheader("Where that sits")
    st.markdown(tier_text(result.annual_nrr, result.tier.name, result.tier.meaning))
    st.caption(
        f"Ending MRR of these customers: {money(start - churned - contraction + expansion, currency)}. "
        "Tiers are for annual NRR: 130%+ elite, 115–130% best in class, 105–115% good, "
        "100–105% okay, 90–100% concerning, below 90% a red flag."
    )
