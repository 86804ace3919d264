"""Reference page for the AppTest rerun benchmark: one slider and nothing else."""

import streamlit as st

st.slider("Monthly churn %", 0.0, 20.0, 2.0, step=0.1, key="churn_pct")
