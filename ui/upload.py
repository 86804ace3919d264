"""The "Know your number" page's glue: the upload, its options, and each session's results.

The pure part (``analyse_export``, ``result_key``, ``guess_mapping``,
``lever_values``, ``lever_rows``, ``segment_summary``, ``metrics_csv``) works on
bytes and engine results. The Streamlit part keeps what a session loaded in
``st.session_state``, never in ``st.cache_data`` (which every session shares)
and never on disk: an upload stays in this session's memory only.

A bad file never replaces what was loaded before: its one-line message is
shown, and the page goes on showing the earlier data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from simulator.actuals import (
    Levers,
    annual_retention,
    cohort_retention,
    concentration_warning,
    levers_from_metrics,
    top_expansion_share,
)
from simulator.export import ExportError, header_columns, read_export
from simulator.levers import LEVERS
from simulator.metrics import METRICS_COLUMNS, ExportMetrics, analyse
from simulator.sample_data import generate_export
from ui.format import money, pct
from ui.state import controls, session

# Widget keys.
UPLOAD_KEY = "export_file"
CENTS_KEY = "kyn_cents"
MAP_TOGGLE_KEY = "kyn_map_columns"
SAMPLE_KEY = "kyn_sample"
USE_KEY = "kyn_use_numbers"
DOWNLOAD_KEY = "kyn_download"
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

#: How many parsed results (or errors) a session keeps, newest last: switching
#: back and forth between options is instant, and memory stays bounded.
RESULTS_KEPT = 4
SAMPLE_CUSTOMERS = 500
SAMPLE_MONTHS = 36
SAMPLE_SEED = 7
SAMPLE_NAME = "Sample data"

#: Header names each canonical column is guessed from (compared without case,
#: spaces or punctuation), best first.
_GUESSES: dict[str, tuple[str, ...]] = {
    "customer_id": ("customerid", "customer", "accountid", "account", "clientid", "client", "subscriber"),
    "month": ("month", "date", "period", "billingmonth", "billingdate", "invoicedate", "monthstart"),
    "mrr": ("mrr", "amount", "monthlyrevenue", "revenue", "mrramount", "value", "price"),
    "segment": ("segment", "plan", "tier", "planname", "customersegment"),
}
#: How the engine finds a column by itself: its canonical name, or these aliases.
_AUTO: dict[str, tuple[str, ...]] = {
    "customer_id": ("customerid",),
    "month": ("month",),
    "mrr": ("mrr",),
    "segment": ("segment", "plan"),
}
REQUIRED = ("customer_id", "month", "mrr")
NOT_MAPPED = "(not mapped)"


@dataclass(frozen=True)
class Source:
    """The bytes being analysed, what to call them, and their SHA-256 (hashed once, not per rerun)."""

    name: str
    data: bytes
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", hashlib.sha256(self.data).hexdigest())


@dataclass(frozen=True)
class Loaded:
    """An export analysed: everything the page shows, computed once."""

    name: str
    rows: int
    metrics: ExportMetrics
    cohorts: pd.DataFrame
    top_share: float
    warning: str | None
    levers: Levers
    segments: pd.DataFrame | None


# Pure functions.


def _normal(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def auto_detected(header: Sequence[str]) -> bool:
    """Whether the engine finds every required column of ``header`` by itself."""
    present = {_normal(name) for name in header}
    return all(any(alias in present for alias in _AUTO[name]) for name in REQUIRED)


def guess_mapping(header: Sequence[str]) -> dict[str, str | None]:
    """The header column that most likely holds each canonical column, or None.

    >>> guess_mapping(["Customer ID", "Date", "Amount"])
    {'customer_id': 'Customer ID', 'month': 'Date', 'mrr': 'Amount', 'segment': None}
    """
    by_normal: dict[str, str] = {}
    for name in header:
        by_normal.setdefault(_normal(name), name)
    chosen: dict[str, str | None] = {}
    taken: set[str] = set()
    for canonical, names in _GUESSES.items():
        found = next((by_normal[n] for n in names if n in by_normal and by_normal[n] not in taken), None)
        chosen[canonical] = found
        if found is not None:
            taken.add(found)
    return chosen


def result_key(digest: str, columns: Mapping[str, str] | None, amounts_in_cents: bool) -> str:
    """The key of one reading of a file: its bytes' digest and the options that change the reading.

    >>> result_key("ab12", {"mrr": "Amount"}, True)
    'ab12:[[["mrr", "Amount"]], true]'
    """
    return f"{digest}:{json.dumps([sorted((columns or {}).items()), amounts_in_cents])}"


def segment_summary(metrics: ExportMetrics) -> pd.DataFrame | None:
    """Per segment: customers and MRR in the last month, and its annual NRR and GRR
    (:func:`simulator.actuals.annual_retention`, as the page's cards read the whole export).

    Largest segment (by MRR) first; None without a segment column.
    """
    table = metrics.by_segment
    if table is None:
        return None
    rows = []
    for name, block in table.groupby("segment", sort=False):
        last = block.iloc[-1]
        measured = annual_retention(block.reset_index(drop=True))
        rows.append(
            {
                "segment": str(name),
                "customers": int(last["customers"]),
                "mrr": float(last["ending_mrr"]),
                "nrr": measured.nrr,
                "grr": measured.grr,
            }
        )
    return pd.DataFrame(rows).sort_values("mrr", ascending=False, ignore_index=True)


def analyse_export(
    data: bytes,
    *,
    name: str,
    columns: Mapping[str, str] | None = None,
    amounts_in_cents: bool = False,
    max_bytes: int | None = None,
) -> Loaded:
    """Read, validate and analyse an export's bytes.

    Raises
    ------
    ExportError
        With the engine's one-line message naming the problem.
    """
    export = read_export(data, columns=columns, amounts_in_cents=amounts_in_cents, max_bytes=max_bytes)
    metrics = analyse(export)
    share = top_expansion_share(metrics)
    return Loaded(
        name=name,
        rows=len(export),
        metrics=metrics,
        cohorts=cohort_retention(metrics),
        top_share=share,
        warning=concentration_warning(metrics, top_share=share if np.isfinite(share) else 0.0),
        levers=levers_from_metrics(metrics),
        segments=segment_summary(metrics),
    )


def metrics_csv(monthly: pd.DataFrame) -> bytes:
    """The monthly metrics as CSV bytes (UTF-8, a header row, :data:`METRICS_COLUMNS` in order)."""
    return monthly[list(METRICS_COLUMNS)].to_csv(index=False).encode("utf-8")


#: The rates rounded together, each with the sign it takes in a loss (churn and contraction
#: lose MRR, expansion gains it), so that the rounded rates keep GRR and NRR.
_RATE_FIELDS = tuple((lever.field, float(-lever.better)) for lever in LEVERS.values() if lever.segmented)


def _rounded_rates(percents: Sequence[float], signs: Sequence[float], decimals: int) -> list[float]:
    """Round rates so that every running signed sum is itself rounded once.

    Each rate then lies within one grid step of its true value, and every
    running sum (churn; churn + contraction; churn + contraction − expansion)
    within half a step: GRR and NRR move by at most half a grid step.

    >>> _rounded_rates([1.0187, 1.0680, 1.3210], [1, 1, -1], 2)
    [1.02, 1.07, 1.32]
    """
    values, before, total = [], 0.0, 0.0
    for percent, sign in zip(percents, signs, strict=True):
        total += sign * percent
        now = round(total, decimals)
        values.append(abs(round(sign * (now - before), decimals)))
        before = now
    return values


def lever_values(levers: Levers, current: Mapping[str, Any]) -> dict[str, Any]:
    """The sidebar values that start the simulator from the data.

    Every control that maps onto a scenario field takes the data's value; the
    "Advanced model" refinements, which an export does not measure, go back
    to their defaults (off), so that the simulator's first months reproduce
    the data; the horizon and the currency stay as they are. Values are put on
    each control's grid and inside its range.
    """
    scenario = levers.scenario
    values = dict(current)
    rates = [getattr(scenario, field) * 100 for field, _ in _RATE_FIELDS]
    rounded = dict(
        zip(
            (field for field, _ in _RATE_FIELDS),
            _rounded_rates(rates, [sign for _, sign in _RATE_FIELDS], controls.PERCENT_DECIMALS),
            strict=True,
        )
    )
    for control in controls.CONTROLS:
        if _advanced(control):
            values[control.key] = control.default
            continue
        if control.field is None or control.key == "months" or not hasattr(scenario, control.field):
            continue
        raw = getattr(scenario, control.field)
        if raw is None:
            continue
        if control.field in rounded:
            values[control.key] = controls.control_value(control, rounded[control.field] / control.divisor)
        else:
            values[control.key] = controls.control_value(control, raw)
    return values


def _advanced(control: controls.Control) -> bool:
    return bool(getattr(control, "advanced", False))


#: How the levers table names the sidebar's controls.
_LABELS = {
    "starting_mrr": "Starting MRR",
    "starting_customers": "Starting customers",
    "churn_pct": "Churn (% of MRR a month)",
    "contraction_pct": "Contraction (% of MRR a month)",
    "expansion_pct": "Expansion (% of MRR a month)",
    "new_customers": "New customers a month",
    "new_customer_mrr": "MRR per new customer",
    "acquisition_growth_pct": "Growth of new customers (% a month)",
}


def lever_rows(levers: Levers, values: Mapping[str, Any], currency: str) -> pd.DataFrame:
    """What "use my numbers" set: lever, value, and where the value came from."""
    first, last = levers.window
    window = f"{first} to {last} ({levers.months_in_window} months)"
    measured, measured_nrr = (f"{value * 100:.1f}%" for value in (levers.measured.grr, levers.measured.nrr))
    sources = {
        "starting_mrr": f"MRR in {levers.last_month}",
        "starting_customers": f"customers paying in {levers.last_month}",
        "churn_pct": (
            f"annual GRR {measured} ^ (1/12), split as the churned and contraction MRR of {window} "
            f"(month by month churn was {levers.monthly['churn'] * 100:.2f}%)"
        ),
        "contraction_pct": (
            f"the rest of that monthly loss (month by month: {levers.monthly['contraction'] * 100:.2f}%)"
        ),
        "expansion_pct": (
            f"annual NRR {measured_nrr} ^ (1/12) minus the monthly GRR "
            f"(month by month: {levers.monthly['expansion'] * 100:.2f}%)"
        ),
        "new_customers": f"average of {window}",
        "new_customer_mrr": f"new MRR ÷ new customers, {window}",
        "acquisition_growth_pct": "held flat: change it to try growth",
    }
    rows = []
    for control in controls.CONTROLS:
        if control.key in ("months", "currency") or control.field is None or _advanced(control):
            continue
        value = values.get(control.key)
        if value is None:
            continue
        if control.key in ("starting_mrr", "new_customer_mrr"):
            shown = money(float(value), currency)
        elif control.divisor == 100.0:
            shown = f"{value:.2f}%"
        else:
            shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        source = sources.get(control.key, "not in an export: the engine's default")
        rows.append(
            {"Lever": _LABELS.get(control.key, control.key), "Set to": shown, "From the data": source}
        )
    if any(_advanced(control) for control in controls.CONTROLS):
        rows.append(
            {
                "Lever": "Advanced model refinements",
                "Set to": "off",
                "From the data": "an export measures the core levers only",
            }
        )
    return pd.DataFrame(rows)


# Streamlit side.


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
            "Your MRR export (CSV)",
            type=["csv"],
            key=UPLOAD_KEY,
            help=(
                "One row per customer and month: customer_id, month (2024-03 or a date), mrr, "
                "and optionally segment or plan. Other column names can be mapped below."
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
    automatic = auto_detected(header)
    if automatic:
        shown = st.checkbox("Map the columns by hand", key=MAP_TOGGLE_KEY)
        if not shown:
            return None
    else:
        st.info(
            f"Which column is which? The file's columns are: {', '.join(header)}.",
            icon="🧭",
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
    cents = bool(st.session_state.get(CENTS_KEY, False))
    key = result_key(source.digest, columns, cents)
    results: dict[str, Loaded | str] = st.session_state.setdefault(_RESULTS, {})
    if key not in results:
        size = len(source.data) / 1e6
        with st.spinner(f"Reading and analysing {source.name} ({size:.1f} MB)…", show_time=size > 5):
            try:
                results[key] = analyse_export(
                    source.data,
                    name=source.name,
                    columns=columns,
                    amounts_in_cents=cents,
                    max_bytes=max_upload_bytes(),
                )
            except ExportError as error:
                results[key] = str(error)
        while len(results) > RESULTS_KEPT:
            results.pop(next(iter(results)))
    outcome = results[key]
    if isinstance(outcome, str):
        kept = " The data loaded before is still shown." if st.session_state.get(_LOADED) else ""
        st.error(f"**{source.name}**: {outcome}.{kept}", icon="🚫")
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
    values = lever_values(data.levers, session.current_values())
    st.session_state.update({key: values[key] for key in controls.KEYS})
    st.session_state[session.PRESET_KEY] = controls.CUSTOM
    st.session_state[_APPLIED] = lever_rows(data.levers, values, session.currency())
    session.on_control_change()


def use_numbers_ui(data: Loaded) -> None:
    """The "use my numbers" button, and what it set once pressed."""
    levers = data.levers
    first, last = levers.window
    measured = levers.measured
    rates = levers.monthly
    compounded_nrr = (1 - rates["churn"] - rates["contraction"] + rates["expansion"]) ** 12
    compounded_grr = (1 - rates["churn"] - rates["contraction"]) ** 12
    st.markdown(
        f"**Start the simulator from your data.** Starting MRR and customers from {levers.last_month}; "
        f"churn, contraction and expansion set so that the simulator's annual NRR and GRR are yours "
        f"({pct(measured.nrr)} and {pct(measured.grr)}); new customers a month and their MRR from "
        f"{first} to {last}."
    )
    if measured.basis == "trailing 12":
        st.caption(
            f"Your month-by-month rates of {first} to {last}, compounded over 12 months, would say "
            f"{pct(compounded_nrr)} and {pct(compounded_grr)}: lower, because a customer who leaves counts "
            "once in what a cohort keeps but in every month's rate, and monthly rates also count new "
            "customers' first months and ups and downs within the year. The simulator starts from what "
            "your customers actually kept."
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
            "The sidebar now holds your numbers: every page of the simulator starts from them.", icon="✅"
        )
        st.dataframe(applied, hide_index=True, width="stretch")
