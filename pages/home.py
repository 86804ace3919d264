"""Start here: what the simulator is for, and the pages that answer a founder's questions."""

import streamlit as st

from report.format import pct
from ui import cache
from ui.state import navigation, session

navigation.require_app("home")

scenario = session.current_scenario()
summary = cache.summary(scenario)

st.title("NRR simulator")
st.markdown(
    "**Does revenue from the customers you already have grow or shrink?** Move the levers in the sidebar "
    "(churn, contraction, expansion, acquisition) and see what they do to your business, years out."
)
st.caption(
    f"The scenario in the sidebar: monthly NRR {pct(summary.monthly_nrr)}, annual NRR "
    f"{pct(summary.annual_nrr)}, annual GRR {pct(summary.annual_grr)}."
)

questions = (
    (
        "pages/compounding.py",
        "How does a monthly NRR compound?",
        "Monthly NRR into annual NRR and into revenue years out.",
    ),
    (
        "pages/leaky-bucket.py",
        "How much of my acquisition only refills the bucket?",
        "The new MRR needed just to stay flat, and where MRR levels off.",
    ),
    (
        "pages/biggest-lever.py",
        "Which lever should I pull first?",
        "Churn, contraction, expansion and acquisition ranked by what they add.",
    ),
)
for column, (page, question, answer) in zip(st.columns(3, gap="medium"), questions, strict=True):
    with column.container(border=True):
        st.markdown(f"**{question}**")
        st.caption(answer)
        navigation.link(page, "Open")

st.markdown(
    "Start from your own numbers: **Know your number** reads an MRR export of your billing data. "
    "Everything runs on this machine; nothing you enter or upload leaves it."
)
navigation.link("pages/know-your-number.py", "Know your number")
