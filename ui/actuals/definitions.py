"""Know your number's definition settings (the reactivation rule, the NRR window) and the vendor table.

The settings live in ``st.session_state``: the widgets' own keys while the page is drawn, and a copy
(:data:`_KEPT`) that Streamlit does not clear when another page is shown, so that they are still set on
coming back. The page puts no export setting in its address (an upload cannot travel in a link), so
neither do these. The tables each setting gives are computed once per loaded export and kept for the
session, a few at a time.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from report.definitions import KIND_WORDS, WINDOW_WORDS
from simulator.definitions import DEFAULT_WINDOW, NRR_WINDOWS, Definitions, vendor_table
from simulator.metrics import reclassified
from simulator.reactivation import KINDS, MAX_GAP_MONTHS, Reactivation, parse_reactivation
from ui.actuals.reading import Loaded
from ui.actuals.uploads import kept_for

KIND_KEY = "kyn_reactivation"
DAYS_KEY = "kyn_reactivation_days"
MONTHS_KEY = "kyn_reactivation_months"
WINDOW_KEY = "kyn_nrr_window"
#: Each widget's value before anyone moves it.
DEFAULTS: dict[str, Any] = {KIND_KEY: "any", DAYS_KEY: 90, MONTHS_KEY: 3, WINDOW_KEY: DEFAULT_WINDOW}
_KEPT = "_kyn_definitions"
_TABLES = "_kyn_defined"
#: The rules' tables kept per session (each a monthly table: small).
TABLES_KEPT = 6


def _keep() -> None:
    st.session_state[_KEPT] = {key: st.session_state.get(key, value) for key, value in DEFAULTS.items()}


def settings_ui() -> Definitions:
    """The settings' widgets (their last values, even after another page); the definitions they set."""
    kept: dict[str, Any] = st.session_state.get(_KEPT, DEFAULTS)
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = kept.get(key, value)
    kind_cell, number_cell, window_cell = st.columns([3, 1, 2], gap="medium", vertical_alignment="bottom")
    kind = kind_cell.selectbox(
        "A customer who pays again after months at $0",
        KINDS,
        key=KIND_KEY,
        format_func=KIND_WORDS.__getitem__,
        on_change=_keep,
        help="Monthly data has no days: days become whole months at 30.44 days a month (90 days: 3 months).",
    )
    if kind == "within":
        number_cell.number_input(
            "N days", min_value=16, max_value=36_525, step=15, key=DAYS_KEY, on_change=_keep
        )
        rule = parse_reactivation(f"within:{int(st.session_state[DAYS_KEY])}d")
    elif kind == "after":
        number_cell.number_input(
            "N months", min_value=1, max_value=MAX_GAP_MONTHS, step=1, key=MONTHS_KEY, on_change=_keep
        )
        rule = parse_reactivation(f"after:{int(st.session_state[MONTHS_KEY])}m")
    else:
        rule = parse_reactivation(str(kind))
    # The default first: a widget seeded from the session takes its first option as its default.
    windows = (DEFAULT_WINDOW, *(window for window in NRR_WINDOWS if window != DEFAULT_WINDOW))
    window = window_cell.selectbox(
        "NRR window",
        windows,
        key=WINDOW_KEY,
        format_func=lambda name: WINDOW_WORDS[name][:1].upper() + WINDOW_WORDS[name][1:],
        on_change=_keep,
        help="The trailing-12 cohort: what the customers paying 12 months ago pay now. One month: that "
        "month's flows on its starting MRR. Year over year: the year's ARR bridge, 12 months of flows on "
        "the MRR of 12 months ago.",
    )
    _keep()
    return Definitions(rule, str(window))


def monthly_for(data: Loaded, rule: Reactivation) -> pd.DataFrame:
    """The loaded export's monthly table with returns counted by ``rule`` (the default's as loaded)."""
    if rule.is_default:
        return data.metrics.monthly
    return kept_for(data, _TABLES, rule, lambda: reclassified(data.metrics, rule), kept=TABLES_KEPT)


def vendors_for(data: Loaded, definitions: Definitions) -> pd.DataFrame:
    """The vendor table of the loaded export, its first row under ``definitions``."""
    return kept_for(
        data,
        _TABLES,
        ("vendors", definitions),
        lambda: vendor_table(data.metrics, own=definitions),
        kept=TABLES_KEPT,
    )
