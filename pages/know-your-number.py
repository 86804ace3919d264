"""Know your number: upload an MRR export, see the actual NRR and GRR, start the simulator from them."""

import math

import streamlit as st

from simulator.tiers import verdict
from ui import show
from ui.actuals import reading, uploads
from ui.charts import actual
from ui.format import money, pct
from ui.sentences import verdict_text
from ui.state import navigation, session

navigation.require_app("know-your-number")

currency = session.currency()

st.title("🔢 Know your number")
st.caption("Upload a monthly MRR export to see your actual NRR and GRR, then start the simulator from them.")

source = uploads.source_ui()
if source is not None:
    uploads.load(source, uploads.mapping_ui(source))

data = uploads.loaded()
if data is None:
    st.info("Upload an export, or load the sample data, to see your numbers.", icon="⬆️")
    st.stop()

monthly = data.metrics.monthly
months = data.metrics.months
measured = data.levers.measured
last = monthly.iloc[-1]

st.subheader(f"{data.name}, {months[0]} to {months[-1]}")
cards = st.columns(5)
cards[0].metric("Annual NRR", pct(measured.nrr), help=f"NRR of {measured.description}.", border=True)
cards[1].metric("Annual GRR", pct(measured.grr), help=f"GRR of {measured.description}.", border=True)
cards[2].metric(f"MRR, {months[-1]}", money(float(last["ending_mrr"]), currency), border=True)
cards[3].metric(f"Customers, {months[-1]}", f"{int(last['customers']):,}", border=True)
cards[4].metric(
    "Expansion, top 10%",
    "–" if math.isnan(data.top_share) else pct(data.top_share, decimals=0),
    help="Share of all expansion MRR that came from the 10% of accounts that expanded most.",
    border=True,
)
st.markdown(verdict_text(measured.nrr, measured.grr, verdict(measured.nrr, measured.grr)))
if data.warning:
    st.warning(data.warning, icon="⚠️")

with st.container(border=True):
    uploads.use_numbers_ui(data)

st.subheader("MRR bridge, month by month")
show.chart(actual.actual_bridge(monthly, currency), "kyn_bridge_chart")
st.subheader("NRR and GRR")
left, right = st.columns(2, gap="medium")
show.chart(actual.actual_retention(monthly, trailing=True), "kyn_trailing_chart", where=left)
show.chart(actual.actual_retention(monthly, trailing=False), "kyn_monthly_chart", where=right)
st.subheader("Cohorts")
show.chart(actual.cohort_heatmap(data.cohorts), "kyn_cohort_chart")

if data.segments is not None:
    st.subheader("By segment")
    chart, table = st.columns([3, 2], gap="medium")
    show.chart(actual.segment_retention(data.segments), "kyn_segment_chart", where=chart)
    table.dataframe(
        data.segments.rename(
            columns={"segment": "Segment", "customers": "Customers", "mrr": "MRR", "nrr": "NRR", "grr": "GRR"}
        ).assign(
            MRR=lambda t: t["MRR"].map(lambda v: money(v, currency)),
            NRR=lambda t: t["NRR"].map(pct),
            GRR=lambda t: t["GRR"].map(pct),
        ),
        hide_index=True,
        width="stretch",
    )

st.download_button(
    "Download the monthly metrics (CSV)",
    data=reading.metrics_csv(monthly),
    file_name="monthly_metrics.csv",
    mime="text/csv",
    key=uploads.DOWNLOAD_KEY,
    icon="⬇️",
)
