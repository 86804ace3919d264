"""The Know your number page's Streamlit side: the upload, its options, and each session's results.

What a session loaded stays in ``st.session_state``, never in ``st.cache_data`` (which
every session shares) and never on disk: an upload stays in this session's memory only.
A bad file never replaces what was loaded before: its one-line message is shown, and the
page goes on showing the earlier data."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from report.format import literal, money, pct
from report.revenue import MRR, Revenue
from simulator import budget
from simulator.backtest import Backtest, BacktestError, RollingBacktest, backtest, rolling_backtest
from simulator.export import SAME_MONTH_RULES, ExportError, header_columns, layout_of
from simulator.sample_data import generate_export
from ui.actuals.levers import lever_rows, lever_values
from ui.actuals.reading import (
    NOT_MAPPED,
    Loaded,
    Source,
    analyse_export,
    auto_detected,
    guess_mapping,
    result_key,
)
from ui.state import controls, session

# Widget keys.
UPLOAD_KEY = "export_file"
CENTS_KEY = "kyn_cents"
RATES_KEY = "kyn_rates"
SAME_MONTH_KEY = "kyn_same_month"
MAP_TOGGLE_KEY = "kyn_map_columns"
SAMPLE_KEY = "kyn_sample"
USE_KEY = "kyn_use_numbers"
DOWNLOAD_KEY = "kyn_download"
FORECAST_DOWNLOAD_KEY = "kyn_forecast_download"
HOLDOUT_KEY = "kyn_holdout"
STAGE_KEY = "kyn_stage"
PRICING_KEY = "kyn_pricing"
#: One select per canonical column, in the mapping form.
MAP_KEYS: dict[str, str] = {
    "customer_id": "kyn_map_customer_id",
    "month": "kyn_map_month",
    "mrr": "kyn_map_mrr",
    "segment": "kyn_map_segment",
}


# Session state (not widgets).
_SOURCE = "_kyn_source"
_SEEN_UPLOAD = "_kyn_seen_upload"
_RESULTS = "_kyn_results"
_LOADED = "_kyn_loaded"
_APPLIED = "_kyn_applied"
_BACKTESTS = "_kyn_backtests"
_ROLLING = "_kyn_rolling"
#: How many readings of the upload (or their errors) a session keeps, newest last: switching back
#: and forth between options is instant, and memory stays bounded. Of these, one analysed export at
#: most (an export of 41 MB took 1.2 GB a reading: four kept were 1.2 GB more for one visitor).
RESULTS_KEPT = 4

T = TypeVar("T")


SAMPLE_CUSTOMERS = 500
SAMPLE_MONTHS = 36
SAMPLE_SEED = 7


SAMPLE_NAME = "Sample data"


def max_upload_bytes() -> int:
    """The upload limit in bytes: ``server.maxUploadSize`` (megabytes) from the config."""
    return int(st.get_option("server.maxUploadSize")) * 1_000_000


@st.cache_data(show_spinner=False, max_entries=1)
def sample_bytes() -> bytes:
    """The seeded sample export as CSV bytes (the same for everyone, so a shared cache is right)."""
    export = generate_export(SAMPLE_CUSTOMERS, months=SAMPLE_MONTHS, seed=SAMPLE_SEED)
    return export.to_csv(index=False).encode("utf-8")


def _forget_mapping() -> None:
    for key in (*MAP_KEYS.values(), MAP_TOGGLE_KEY):
        st.session_state.pop(key, None)


def _load_sample() -> None:
    """Callback of the sample button: analyse the sample next, in dollars, columns as they are."""
    st.session_state[_SOURCE] = Source(SAMPLE_NAME, sample_bytes())
    st.session_state[CENTS_KEY] = False
    _forget_mapping()


def source_ui() -> Source | None:
    """The upload and the sample button; returns the bytes to analyse (the latest chosen)."""
    limit_mb = max_upload_bytes() / 1_000_000
    left, right = st.columns([3, 2], gap="large")
    with left:
        uploaded = st.file_uploader(
            "Your MRR export (CSV or Parquet)",
            type=["csv", "parquet"],
            key=UPLOAD_KEY,
            help=(
                "One row per customer and month: customer_id, month (2024-03 or a date), mrr, "
                "and optionally segment or plan. Other column names can be mapped below. Billing exports "
                "as they come are recognised: Stripe (MRR per subscriber, subscriptions), ChartMogul MRR "
                "movements, Baremetrics, dbt_stripe, Chargebee, and a sheet of customers by months."
            ),
        )
        st.caption(
            f"Up to {limit_mb:g} MB. Your file stays in this session's memory only: it is never "
            "written to disk, and it is gone when you close this tab."
        )
    with right:
        st.markdown("**No export at hand?**")
        st.button(
            "Load the sample data",
            key=SAMPLE_KEY,
            on_click=_load_sample,
            help=f"{SAMPLE_CUSTOMERS} made-up customers over {SAMPLE_MONTHS} months, three segments.",
        )
        st.checkbox(
            "Amounts are in cents",
            key=CENTS_KEY,
            help="Stripe and many billing tools export 1200.00 as 120000: tick to divide by 100.",
        )
        with st.expander("Currencies and short subscriptions"):
            st.text_input(
                "Exchange rates",
                key=RATES_KEY,
                placeholder="EUR=1.08, GBP=1.27",
                help="For an export in several currencies: one unit of each in your reporting currency. "
                "A file with several currencies and no rates is refused, never summed.",
            )
            st.selectbox(
                "A subscription started and cancelled within a month",
                SAME_MONTH_RULES,
                key=SAME_MONTH_KEY,
                format_func=lambda rule: {"ignore": "left out", "count": "counted in that month"}[rule],
                help="For a subscriptions export (Stripe, Baremetrics): such a subscription is active at no "
                "month's end, so it is left out by default (as ProfitWell does); counted, it is new MRR in "
                "its month and churn in the next.",
            )
    if uploaded is not None:
        token = (uploaded.file_id, uploaded.name, uploaded.size)
        if st.session_state.get(_SEEN_UPLOAD) != token:
            st.session_state[_SEEN_UPLOAD] = token
            st.session_state[_SOURCE] = Source(uploaded.name, uploaded.getvalue())
            _forget_mapping()
    source: Source | None = st.session_state.get(_SOURCE)
    return source


def mapping_ui(source: Source) -> dict[str, str] | None:
    """The column mapping, when the file's names are not found by themselves or on demand.

    Returns the mapping to pass to the engine, or None to let it find the columns.
    """
    try:
        header = header_columns(source.data)
    except ExportError:
        return None  # the engine says what is wrong when it reads the file
    layout = layout_of(header) if not auto_detected(header) else None
    if layout:
        st.caption(f"Recognised as {literal(layout)}.")
    if auto_detected(header) or layout:
        shown = st.checkbox("Map the columns by hand", key=MAP_TOGGLE_KEY)
        if not shown:
            return None
    else:
        st.info(
            f"Which column is which? The file's columns are: {literal(', '.join(header))}.",
            icon=":material/explore:",
        )
    guesses = guess_mapping(header)
    cells = st.columns(len(MAP_KEYS))
    mapping: dict[str, str] = {}
    for cell, (canonical, key) in zip(cells, MAP_KEYS.items(), strict=True):
        optional = canonical == "segment"
        options = [NOT_MAPPED, *header] if optional else list(header)
        guess = guesses[canonical]
        index = options.index(guess) if guess in options else (0 if optional else None)
        chosen = cell.selectbox(
            f"{canonical}{' (optional)' if optional else ''}",
            options,
            index=index,
            key=key,
            placeholder="Choose a column",
        )
        if chosen and chosen != NOT_MAPPED:
            mapping[canonical] = chosen
    return mapping


def load(source: Source, columns: Mapping[str, str] | None) -> None:
    """Analyse ``source`` once per session and options; show an error, or make it the loaded data."""
    # A large file makes every run of this page heavy work (its analysis, backtests and charts): it
    # waits its turn at the engine's gate with every visitor's heavy work, and holds it to the run's end.
    with st.spinner("Other visitors' large files and scenarios first: this one is next…"):
        budget.heavy_view(len(source.data))
    cents = bool(st.session_state.get(CENTS_KEY, False))
    rates = str(st.session_state.get(RATES_KEY) or "")
    same_month = str(st.session_state.get(SAME_MONTH_KEY) or SAME_MONTH_RULES[0])
    key = result_key(source.digest, columns, cents, rates=rates, same_month=same_month)
    results: dict[str, Loaded | str] = st.session_state.setdefault(_RESULTS, {})
    if key not in results:
        size = len(source.data) / 1e6
        with st.spinner(f"Reading and analysing {source.name} ({size:.1f} MB)…", show_time=size > 5):
            for other in [k for k, kept in results.items() if isinstance(kept, Loaded)]:
                del results[other]  # one analysed export per session: the one shown now is in _LOADED
            bar = st.progress(0.0, text="Reading the file…")

            def advance(done: float, step: str) -> None:
                bar.progress(done, text=f"{step.capitalize()}…")

            try:
                with budget.heavy(len(source.data)):  # outside a page's run (a test): for the analysis
                    results[key] = analyse_export(
                        source.data,
                        name=source.name,
                        columns=columns,
                        amounts_in_cents=cents,
                        max_bytes=max_upload_bytes(),
                        rates=rates,
                        same_month=same_month,
                        progress=advance,
                    )
            except ExportError as error:
                results[key] = str(error)
            finally:
                bar.empty()
        while len(results) > RESULTS_KEPT:
            results.pop(next(iter(results)))
    outcome = results[key]
    if isinstance(outcome, str):
        kept = " The data loaded before is still shown." if st.session_state.get(_LOADED) else ""
        st.error(f"**{literal(source.name)}**: {literal(outcome)}.{kept}", icon=":material/block:")
    elif st.session_state.get(_LOADED) is not outcome:
        st.session_state[_LOADED] = outcome
        st.session_state.pop(_APPLIED, None)


def loaded() -> Loaded | None:
    """The export this session shows, if any."""
    result: Loaded | None = st.session_state.get(_LOADED)
    return result


def _use_numbers() -> None:
    """Callback of "use my numbers": the sidebar takes the data's levers, the address follows."""
    data = loaded()
    if data is None:
        return
    values = lever_values(data.calibration, session.current_values())
    st.session_state.update({key: values[key] for key in controls.KEYS})
    st.session_state[session.PRESET_KEY] = controls.CUSTOM
    st.session_state[_APPLIED] = lever_rows(data.calibration, values, session.currency())
    session.on_control_change()


def use_numbers_ui(data: Loaded) -> None:
    """The "use my numbers" button, and what it set once pressed."""
    levers = data.levers
    measured = levers.measured
    calibration = data.calibration
    fit = calibration.forecast
    first, last = fit.window
    segments = (
        f" Each of your {len(calibration.segments)} segments at its own." if calibration.segments else ""
    )
    if calibration.churned_size is not None:
        segments += (
            f" The customers who leave are {calibration.churned_size.multiple:.2f}× the average account, "
            "as your cancellations show."
        )
    st.markdown(
        f"**Start the simulator from your data: the forecast below.** Starting MRR and customers from "
        f"{fit.origin}; churn, contraction and expansion at your monthly rates of {first} to {last} "
        f"({pct(calibration.measured.nrr)} NRR and {pct(calibration.measured.grr)} GRR a year, compounded); "
        f"new and returning customers a month and their MRR from a typical month of those, as far as "
        f"your past says to trust them.{segments}"
    )
    if measured.basis == "trailing 12":
        st.caption(
            f"The cards above follow the customers paying in {measured.months[0]}: they kept "
            f"{pct(measured.nrr)} and {pct(measured.grr)} of their MRR a year later. The monthly rates "
            "count every customer paying at the start of each month, the newer ones and those who came "
            "back too: what the forecast, which carries every customer on, needs."
        )
    st.button(
        "Use my numbers in the simulator",
        key=USE_KEY,
        type="primary",
        on_click=_use_numbers,
        help="Sets the sidebar's levers (and the address) to these numbers; the horizon stays.",
    )
    applied = st.session_state.get(_APPLIED)
    if applied is not None:
        st.success(
            "The sidebar now holds your numbers: every page of the simulator starts from them.",
            icon=":material/check_circle:",
        )
        st.dataframe(applied, hide_index=True, width="stretch")


def kept_for(data: Loaded, memo: str, key: Hashable, compute: Callable[[], T], *, kept: int) -> T:
    """``compute()`` for the loaded export, kept in this session's ``memo`` under ``key`` until another
    export is loaded: at most ``kept`` results, the oldest dropped first."""
    kept_so_far: dict[str, Any] = st.session_state.setdefault(memo, {"for": None, "results": {}})
    if kept_so_far["for"] is not data:
        kept_so_far["for"], kept_so_far["results"] = data, {}
    results: dict[Hashable, Any] = kept_so_far["results"]
    if key not in results:
        results[key] = compute()
        while len(results) > kept:
            results.pop(next(iter(results)))
    result: T = results[key]
    return result


def backtest_for(data: Loaded, holdout: int) -> Backtest | str:
    """The backtest of the loaded export holding out ``holdout`` months, or why there is none.

    Kept for the session (a few per export), so moving the holdout back and forth is instant.
    """

    def run() -> Backtest | str:
        try:
            return backtest(data.metrics, holdout=holdout, fits=data.fits)
        except BacktestError as error:
            return str(error)

    return kept_for(data, _BACKTESTS, holdout, run, kept=RESULTS_KEPT)


def rolling_for(data: Loaded, holdout: int) -> RollingBacktest | str:
    """The rolling backtest of the loaded export, every origin forecasting ``holdout`` months, or why
    there is none. Kept for the session, as :func:`backtest_for` is."""

    def run() -> RollingBacktest | str:
        try:
            return rolling_backtest(data.metrics, holdout=holdout, fits=data.fits)
        except BacktestError as error:
            return str(error)

    return kept_for(data, _ROLLING, holdout, run, kept=RESULTS_KEPT)


def backtest_rows(result: Backtest, currency: str, shown: Revenue = MRR) -> pd.DataFrame:
    """The held-out months as the page's table shows them: actual, forecast, flat, and each error."""
    table = result.table
    return pd.DataFrame(
        {
            "Month": table["month"],
            f"Actual {shown.name}": [
                money(shown.of(float(v)), currency, decimals=2) for v in table["actual_mrr"]
            ],
            "Forecast": [money(shown.of(float(v)), currency, decimals=2) for v in table["forecast_mrr"]],
            "Error": [pct(float(v)) for v in table["forecast_error"]],
            "Flat line": [money(shown.of(float(v)), currency, decimals=2) for v in table["flat_mrr"]],
            "Flat error": [pct(float(v)) for v in table["flat_error"]],
            "P10 to P90": [
                f"{money(shown.of(float(low)), currency)} to {money(shown.of(float(high)), currency)}"
                if math.isfinite(high)
                else "–"
                for low, high in zip(table["forecast_p10"], table["forecast_p90"], strict=True)
            ],
        }
    )
