"""Reference page for the browser benchmark: one slider and one plotly chart.

The chart is a 36-month line that moves with the slider, so a key press on
the slider reruns the script and redraws the chart, and nothing more.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Bare chart")  # every page has a title, and the browser helpers wait for it
churn_pct = st.slider("Monthly churn %", 0.0, 20.0, 2.0, step=0.1, key="churn_pct")
months = np.arange(37)
mrr = 100_000 * (1 - churn_pct / 100) ** months
figure = go.Figure(go.Scatter(x=months, y=mrr, mode="lines", name="MRR"))
figure.update_layout(xaxis_title="Month", yaxis_title="MRR ($)")
st.plotly_chart(figure)
