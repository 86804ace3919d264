"""Know your number: upload an MRR export, see the actual NRR and GRR, where they sit among peers, where
the simulator calibrated on it takes MRR, how that forecast would have done on the export's own past, and
start the simulator from it."""

import math

import streamlit as st

from report import actuals as words
from report import definitions as definition_words
from report import sentences
from report.charts import actual, forecast
from report.charts import economics as economics_charts
from report.economics import bridge_rows, position_text, quick
from report.format import literal, money, pct
from report.sentences import verdict_text
from simulator.actuals import months_after
from simulator.backtest import months_needed
from simulator.definitions import latest
from simulator.forecast import band
from simulator.peers import PRICING_MODELS, STAGES, position
from simulator.tiers import verdict
from ui import cache, show
from ui.actuals import definitions, reading, uploads
from ui.state import navigation, session

navigation.require_app("know-your-number")

currency = session.currency()
revenue = session.revenue()

st.title("Know your number")
st.caption("Upload a monthly MRR export to see your actual NRR and GRR, then start the simulator from them.")

source = uploads.source_ui()
if source is not None:
    uploads.load(source, uploads.mapping_ui(source))

data = uploads.loaded()
if data is None:
    st.info("Upload an export, or load the sample data, to see your numbers.", icon=":material/upload_file:")
    st.stop()

monthly = data.metrics.monthly
months = data.metrics.months
measured = data.levers.measured
last = monthly.iloc[-1]

st.subheader(f"{literal(data.name)}, {months[0]} to {months[-1]}")
for note in data.notes:  # how the file was read: its layout, its amounts' decimal separator, and why
    st.caption(literal(note[:1].upper() + note[1:]) + ".")
if data.repeats:
    st.warning(literal(data.repeats[:1].upper() + data.repeats[1:]) + ".", icon=":material/content_copy:")
cards = st.columns(5)
show.card(cards[0], "Annual NRR", pct(measured.nrr), help=f"NRR of {measured.description}.")
show.card(cards[1], "Annual GRR", pct(measured.grr), help=f"GRR of {measured.description}.")
show.card(cards[2], f"{revenue.name}, {months[-1]}", revenue.money(float(last["ending_mrr"]), currency))
show.card(cards[3], f"Customers, {months[-1]}", f"{int(last['customers']):,}")
show.card(
    cards[4],
    "Expansion, top 10%",
    "–" if math.isnan(data.top_share) else pct(data.top_share, decimals=0),
    help="Share of all expansion MRR that came from the 10% of accounts that expanded most.",
)
st.markdown(verdict_text(measured.nrr, measured.grr, verdict(measured.nrr, measured.grr)))
if data.warning:
    st.warning(data.warning, icon=":material/warning:")

FROM_ARR, NOT_CHOSEN = "From ARR", "Not chosen"
# The last year's ending ARR: 12 × the last month's MRR (an export has two months at least).
arr_now = float(data.arr_bridge["ending_arr"].to_numpy()[-1])
with st.expander("Where your NRR and GRR sit among peers", expanded=True):
    stage_cell, pricing_cell, _ = st.columns([2, 2, 3], gap="medium")
    stage = stage_cell.selectbox(
        "Company stage",
        (FROM_ARR, *STAGES),
        key=uploads.STAGE_KEY,
        help=f"By default the band of the benchmark tables that your ARR in {months[-1]} (12 × MRR) is in.",
    )
    pricing = pricing_cell.selectbox("Pricing model", (NOT_CHOSEN, *PRICING_MODELS), key=uploads.PRICING_KEY)
    placed = position(
        measured.nrr,
        measured.grr,
        arr=arr_now,
        stage=None if stage == FROM_ARR else stage,
        pricing=None if pricing == NOT_CHOSEN else pricing,
    )
    if math.isfinite(measured.nrr) and math.isfinite(measured.grr):
        show.chart(economics_charts.position_chart(placed), "kyn_position_chart")
        st.markdown(position_text(placed, currency))
        st.caption(sentences.benchmark_sources("nrr_by_stage", "nrr_by_pricing", "grr"))

with st.container(border=True):
    uploads.use_numbers_ui(data)

st.subheader(f"Where your {revenue.name} goes from here")
horizon = int(session.current_values()["months"])
calibrated = data.calibration.scenario.replace(months=horizon)
ahead = cache.summary(calibrated).projection.table["mrr"].to_numpy()
future = months_after(months[-1], horizon)
show.chart(
    forecast.ahead(
        monthly, ahead, future, currency, shown=revenue, band=band(data.calibration.forecast.band, ahead[1:])
    ),
    "kyn_forecast_chart",
)
st.caption(words.forecast_text(data.calibration, months=horizon, currency=currency, shown=revenue))
if not data.calibration.forecast.has_band:
    st.caption("No P10–P90 band yet: your export's past holds too few forecasts to measure one by.")

st.subheader("How that forecast would have done: a backtest")
most = min(24, len(months) - months_needed(0))
if most >= 2:
    holdout = st.slider(
        "Months held out",
        min_value=1,
        max_value=most,
        value=min(12, most),
        key=uploads.HOLDOUT_KEY,
        help="Fit on all but these last months, forecast them, and compare with what happened.",
    )
else:  # too short for a choice: the engine says what a backtest needs
    holdout = 1
tested = uploads.backtest_for(data, holdout)
if isinstance(tested, str):
    st.info(f"No backtest: {tested}.", icon=":material/hourglass_empty:")
else:
    held = tested.table
    scores = st.columns(4)
    show.card(
        scores[0],
        "Forecast error",
        pct(tested.forecast_mape),
        help="Mean absolute percentage error over the held-out months: |forecast − actual| ÷ actual.",
    )
    show.card(
        scores[1],
        "Flat line error",
        pct(tested.flat_mape),
        help=f"The same error for revenue held flat at {tested.fitted[1]}'s.",
    )
    show.card(
        scores[2],
        f"Actual {revenue.name}, {tested.last_month}",
        revenue.money(float(held["actual_mrr"].to_numpy()[-1]), currency),
    )
    show.card(
        scores[3],
        f"Forecast, {tested.last_month}",
        revenue.money(float(held["forecast_mrr"].to_numpy()[-1]), currency),
    )
    show.chart(forecast.backtest(monthly, held, currency, shown=revenue), "kyn_backtest_chart")
    st.markdown(words.backtest_text(tested, currency, shown=revenue))
    with st.expander("The held-out months, one by one"):
        st.dataframe(
            uploads.backtest_rows(tested, currency, revenue),
            hide_index=True,
            width="stretch",
            column_config={"Month": st.column_config.Column(pinned=True)},
        )

st.subheader("The forecast on your whole past")
rolling = uploads.rolling_for(data, holdout)
if isinstance(rolling, str):
    st.info(f"Not yet: {rolling}.", icon=":material/hourglass_empty:")
else:
    st.markdown(f"**{words.rolling_verdict(rolling)}**")
    past = st.columns(4)
    show.card(
        past[0],
        "Beat the flat line",
        f"{rolling.beaten} of {rolling.origins}",
        help=(
            f"From each month with a year of data before it, the next {holdout} months forecast: how often "
            "the forecast's summed error was below the flat line's."
        ),
    )
    show.card(
        past[1],
        "Forecast's average error",
        revenue.money(rolling.forecast_mae, currency),
        help="|forecast − actual|, averaged over every month forecast from every one of those months.",
    )
    show.card(
        past[2],
        "Flat line's average error",
        revenue.money(rolling.flat_mae, currency),
        help="The same for MRR held at each of those months' own.",
    )
    show.card(
        past[3],
        "Band held the actual",
        "–" if math.isnan(rolling.coverage) else pct(rolling.coverage, decimals=0),
        help="How often the actual fell between the forecast's P10 and P90: meant to be 8 months in 10.",
    )
    st.markdown(words.rolling_text(rolling, currency, shown=revenue))

st.subheader("Your NRR the way each vendor counts it")
st.caption(
    "Billing and analytics tools count a returning customer and the NRR window differently, so one export "
    "gives several NRRs. Choose how this page counts them; the table sets your export's latest figures "
    "under each vendor's documented definition beside yours."
)
chosen = definitions.settings_ui()
defined = definitions.monthly_for(data, chosen.reactivation)
mine = latest(defined, chosen.nrr_window)
vendors = definitions.vendors_for(data, chosen)
setting_cards = st.columns(3)
window_words = definition_words.WINDOW_WORDS[chosen.nrr_window]
show.card(
    setting_cards[0],
    "NRR, your settings",
    "–" if math.isnan(mine.nrr) else pct(mine.nrr),
    help=f"{window_words[:1].upper() + window_words[1:]}, {mine.months[0]} to {mine.months[1]}; "
    f"{definition_words.rule_words(chosen.reactivation)}.",
)
show.card(
    setting_cards[1],
    "GRR, your settings",
    "–" if math.isnan(mine.grr) else pct(mine.grr),
    help=f"The same without expansion, {mine.months[0]} to {mine.months[1]}.",
)
show.card(
    setting_cards[2],
    f"Reactivation {revenue.name}, {months[-1]}",
    revenue.money(float(defined["reactivation_mrr"].to_numpy()[-1]), currency),
    help="Returning customers' MRR counted as reactivation under your rule.",
)
st.markdown(definition_words.spread_text(vendors))
st.dataframe(
    definition_words.vendor_rows(vendors, currency, revenue),
    hide_index=True,
    width="stretch",
    column_config={"Definition": st.column_config.Column(pinned=True)},
    key="kyn_vendor_table",
)
st.caption(
    "Each vendor's rule as its documentation says it (the addresses are in the project's "
    "docs/definitions.md); what a vendor leaves unsaid is marked assumed. The MRR bridge just below and "
    "the monthly metrics download follow your settings; everything else on this page keeps the simulator's "
    "own "
    "definitions (any return a reactivation, the trailing-12 cohort), the ones its model is built on."
)

st.subheader(f"{revenue.name} bridge, month by month")
show.chart(actual.actual_bridge(defined, currency, shown=revenue), "kyn_bridge_chart")

st.subheader("ARR (12 × MRR), year by year to the last month")
churn = data.churn
window = f"{churn.months[0]} to {churn.months[1]}"
bridge = data.arr_bridge
year_cards = st.columns(3)
show.card(year_cards[0], f"ARR, {months[-1]}", money(arr_now, currency), help="12 × MRR.")
show.card(
    year_cards[1],
    f"Quick ratio, {months[-1]}",
    quick(float(monthly["quick_ratio"].to_numpy()[-1])),
    help="MRR won (new, reactivated, expansion) ÷ MRR lost (churn, contraction) that month.",
)
if len(bridge):
    show.card(
        year_cards[2],
        "Quick ratio, last 12 months",
        quick(float(bridge["quick_ratio"].to_numpy()[-1])),
        help=f"The same over the {str(bridge['year'].iat[-1]).lower()}, its months added up.",
    )
if len(bridge):
    show.chart(
        economics_charts.arr_bridge(bridge, currency),
        "kyn_arr_chart",
    )
    st.dataframe(
        bridge_rows(bridge, currency),
        hide_index=True,
        width="stretch",
        column_config={"Year": st.column_config.Column(pinned=True)},
    )
churn_cards = st.columns([1, 1, 2], vertical_alignment="center")
show.card(
    churn_cards[0],
    "Logo churn a month",
    pct(churn.logo, decimals=2),
    help=f"Customers lost ÷ customers paying at the start of each month, {window}.",
)
show.card(
    churn_cards[1],
    "Revenue churn a month",
    pct(churn.revenue, decimals=2),
    help=f"MRR lost to churn and contraction ÷ starting MRR, {window}.",
)
churn_cards[2].markdown(words.export_churn_text(churn))

st.subheader("NRR and GRR")
left, right = st.columns(2, gap="medium")
show.chart(actual.actual_retention(monthly, trailing=True), "kyn_trailing_chart", where=left)
show.chart(actual.actual_retention(monthly, trailing=False), "kyn_monthly_chart", where=right)
st.subheader("Cohorts")
heatmap_cell, curves_cell = st.columns(2, gap="large")
show.chart(actual.cohort_heatmap(data.cohorts), "kyn_cohort_chart", where=heatmap_cell)
show.chart(actual.cohort_curves(data.curves, currency), "kyn_curves_chart", where=curves_cell)
if data.calibration.early_churn is not None:
    st.caption(
        "Your cohorts show early-life churn: "
        + words.early_churn_found_text(data.calibration.early_churn)
        + "; the forecast's monthly rates hold it, at your mix of young and seasoned customers."
    )

if data.segments is not None:
    st.subheader("By segment")
    # Half each: in two fifths of a projector the table's five columns did not fit.
    chart, table = st.columns(2, gap="medium")
    show.chart(actual.segment_retention(data.segments), "kyn_segment_chart", where=chart)
    table.dataframe(
        data.segments.rename(
            columns={
                "segment": "Segment",
                "customers": "Customers",
                "mrr": revenue.name,
                "nrr": "NRR",
                "grr": "GRR",
            }
        ).assign(
            **{revenue.name: lambda t: t[revenue.name].map(lambda v: revenue.money(v, currency))},
            NRR=lambda t: t["NRR"].map(pct),
            GRR=lambda t: t["GRR"].map(pct),
        ),
        hide_index=True,
        width="stretch",
        column_config={"Segment": st.column_config.Column(pinned=True)},
    )

st.download_button(
    "Download the monthly metrics (CSV)",
    data=reading.metrics_csv(defined, revenue, chosen.nrr_window),
    file_name="monthly_metrics.csv",
    mime="text/csv",
    key=uploads.DOWNLOAD_KEY,
    icon=":material/download:",
)
st.download_button(
    f"Download the forecast with its P10 and P90 (CSV, {horizon} months)",
    data=reading.forecast_csv(data.calibration, future, revenue),
    file_name="forecast.csv",
    mime="text/csv",
    key=uploads.FORECAST_DOWNLOAD_KEY,
    icon=":material/download:",
)
