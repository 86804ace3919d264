"""Uncertainty: the scenario's futures customer by customer, as P10/P50/P90 bands."""

import streamlit as st

from report import sentences
from report.charts import bands
from report.format import pct
from simulator.monte_carlo import simulated_scenario
from simulator.rate_uncertainty import DEFAULT, MIN_MONTHS, RateUncertainty, from_metrics
from ui import cache, show
from ui.actuals import uploads
from ui.state import navigation, session

navigation.require_app("uncertainty")

scenario = session.current_scenario()
currency = session.currency()
revenue = session.revenue()
months = scenario.months

st.title("Uncertainty")
st.caption(
    "The same levers, played out customer by customer: each one churns, contracts or expands at random "
    "with the scenario's rates, themselves known only within a range. Eight futures in ten fall inside "
    "the shaded band."
)

paths_col, skew_col, seed_col = st.columns(3, gap="medium")
paths = paths_col.slider(
    "Futures simulated", min_value=100, max_value=5_000, value=1_000, step=100, key="mc_paths"
)
skew = skew_col.slider(
    "How unequal accounts are",
    min_value=0.0,
    max_value=3.0,
    value=1.0,
    step=0.1,
    key="mc_skew",
    help="0: every account the same size. Higher: a few large accounts carry more of the MRR, "
    "so one of them leaving moves revenue more.",
)
seed = seed_col.number_input(
    "Draw number",
    min_value=0,
    max_value=1_000_000,
    value=0,
    step=1,
    key="mc_seed",
    help="Each number draws its own set of futures; the same number always draws the same ones.",
)
data = uploads.loaded()
measured = from_metrics(data.metrics.monthly) if data is not None else None
spread_col, source_col = st.columns([2, 1], gap="medium")
if measured is not None:
    from_export = source_col.toggle(
        "Rate ranges from my export",
        value=True,
        key="mc_rates_from_export",
        help="How much the loaded export's monthly churn, contraction and expansion moved over its latest "
        "year says how well it knows each rate (the standard error of each rate's average).",
    )
else:
    from_export = False
    source_col.caption(
        "Load your export on Know your number to measure these ranges from your own months."
        if data is None
        else f"The loaded export has fewer than {MIN_MONTHS} months with MRR at their start: too few to "
        "measure how much its rates vary, so the range is the one set here."
    )
spread_pct = spread_col.slider(
    "Rates known to within",
    min_value=0,
    max_value=50,
    value=round(DEFAULT.churn * 100),
    step=5,
    key="mc_rate_spread",
    format="±%d%%",
    disabled=from_export,
    help="Each future draws its own churn, contraction and expansion around yours, once for the whole "
    "horizon: one standard deviation, relative to each rate. 0 holds the rates exactly as set, and the "
    "band is luck alone.",
)
rates = (
    measured.uncertainty if measured is not None and from_export else RateUncertainty.each(spread_pct / 100)
)
result = cache.monte_carlo(scenario, int(paths), float(skew), int(seed), rates)
futures = result.bands
simulated = simulated_scenario(scenario)
expected_summary = cache.summary(simulated)
expected = expected_summary.projection.table.set_index("month")["mrr"]

cards = st.columns(5)
for card, (label, column, meaning) in zip(
    cards,
    (
        (f"Median {revenue.name}", "mrr_p50", "half the futures end above, half below"),
        ("P10: a bad future", "mrr_p10", "one future in ten ends below this"),
        ("P90: a good future", "mrr_p90", "one future in ten ends above this"),
    ),
    strict=False,
):
    # Compact in a narrow card, the full figure on hover.
    figure = float(futures[column].iloc[-1])
    show.card(
        card,
        label,
        revenue.compact(figure, currency),
        help=f"{revenue.money(figure, currency)}: {revenue.name} at month {months}, {meaning}.",
    )
show.card(
    cards[3],
    "Months NRR dips under 100%",
    pct(result.dip_share, decimals=0),
    help="Share of one future's months with NRR under 100% while the average month is at or above it.",
)
show.card(
    cards[4],
    "Top 10%'s expansion",
    pct(result.top_expansion_share, decimals=0),
    help="Median share of all expansion that comes from the largest-expanding tenth of accounts.",
)

show.chart(
    bands.band(
        futures,
        "mrr",
        title=f"{revenue.name}: the range of futures",
        currency=currency,
        expected=expected,
        revenue=revenue,
    ),
    "mc_mrr_chart",
)
st.markdown(
    " ".join(
        text
        for text in (
            sentences.rate_range_text(
                rates,
                simulated,
                measured=measured if from_export else None,
                export_name=data.name if data is not None else "",
            ),
            sentences.band_sources_text(result, currency, months=months, shown=revenue),
        )
        if text
    )
)
if not rates.fixed:
    show.chart(bands.widths(result.widths, currency=currency, revenue=revenue), "mc_widths_chart")
left, right = st.columns(2, gap="medium")
show.chart(bands.band(futures, "nrr_month", title="Monthly NRR: noisy"), "mc_nrr_month_chart", where=left)
show.chart(
    bands.band(futures, "nrr_trailing_12", title="Trailing-12 NRR: the trend"),
    "mc_nrr_trailing_chart",
    where=right,
)
st.markdown(sentences.dip_text(result.dip_share, result.paths))
not_simulated = (
    " Segments, early-life churn, annual plans, the expansion ceiling and the plan's initiatives are not "
    "part of this simulation; "
    "the basic levers, after recovered failed payments, are."
    if simulated != scenario
    else ""
)
if scenario.starting_customers:
    accounts = (
        f"from today's {result.starting_customers:,} customers; the projection expects "
        f"{expected_summary.customers_at(months):,.0f} paying customers at month {months}"
    )
else:
    accounts = (
        f"with today's MRR spread over {result.starting_customers:,} simulated accounts, since the "
        "scenario has no customer count"
    )
st.caption(f"{result.paths:,} futures, draw {seed}, {accounts}." + not_simulated)
if result.reduced:
    st.caption(sentences.reduced_text(result))
