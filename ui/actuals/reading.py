"""An uploaded MRR export read and analysed once: the file, its column mapping, and every figure the
Know your number page shows (pure: bytes in, engine results out)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from report.revenue import MRR, Revenue
from simulator.actuals import (
    ChurnRates,
    Levers,
    annual_retention,
    churn_rates,
    cohort_curves,
    cohort_retention,
    concentration_warning,
    top_expansion_share,
)
from simulator.arr import export_bridge
from simulator.calibration import Calibration, calibrate
from simulator.definitions import DEFAULT_WINDOW, with_window
from simulator.export import amount_note, layout_note, parse_rates, read_export, repeated_rows
from simulator.forecast import Fits, band, fit_export
from simulator.metrics import ExportMetrics, analyse
from simulator.output import csv_bytes
from simulator.projection import project

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
    """An export analysed: everything the page shows, computed once.

    ``calibration`` is the simulator calibrated on it (the forecast's, and
    "use my numbers"'s); ``fits`` the forecast at every month of it (for the
    backtests); ``levers`` its core levers as measured the cohort way; ``curves``
    the cohort retention curves; ``churn`` logo beside revenue churn;
    ``arr_bridge`` its yearly ARR bridge; ``notes`` what reading the file decided (how
    its amounts were read), one sentence each; ``repeats`` a warning when rows repeat an
    earlier one exactly (:func:`simulator.export.repeated_rows`).
    """

    name: str
    rows: int
    metrics: ExportMetrics
    cohorts: pd.DataFrame
    top_share: float
    warning: str | None
    calibration: Calibration
    fits: Fits
    segments: pd.DataFrame | None
    curves: pd.DataFrame
    churn: ChurnRates
    arr_bridge: pd.DataFrame
    notes: tuple[str, ...] = ()
    repeats: str | None = None

    @property
    def levers(self) -> Levers:
        """The core levers the export measures (and where each came from)."""
        return self.calibration.levers


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


def result_key(
    digest: str,
    columns: Mapping[str, str] | None,
    amounts_in_cents: bool,
    *,
    rates: str = "",
    same_month: str = "ignore",
) -> str:
    """The key of one reading of a file: its bytes' digest and the options that change the reading
    (the exchange rates as typed, and the same-month rule, only when given).

    >>> result_key("ab12", {"mrr": "Amount"}, True)
    'ab12:[[["mrr", "Amount"]], true]'
    >>> result_key("ab12", None, False, rates="EUR=1.08", same_month="count")
    'ab12:[[], false, "EUR=1.08", "count"]'
    """
    options: list[object] = [sorted((columns or {}).items()), amounts_in_cents]
    if rates.strip() or same_month != "ignore":
        options += [rates.strip(), same_month]
    return f"{digest}:{json.dumps(options)}"


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
    rates: str = "",
    same_month: str = "ignore",
    progress: Callable[[float, str], None] | None = None,
) -> Loaded:
    """Read, validate and analyse an export's bytes (``rates`` as typed: ``EUR=1.08, GBP=1.27``);
    ``progress`` is told each step (share done, step).

    Raises
    ------
    ExportError
        With the engine's one-line message naming the problem.
    """
    tell = progress or (lambda done, step: None)
    tell(0.0, "reading the file")
    export = read_export(
        data,
        columns=columns,
        amounts_in_cents=amounts_in_cents,
        max_bytes=max_bytes,
        rates=parse_rates(rates) if rates.strip() else None,
        same_month=same_month,
    )
    tell(0.3, "computing the monthly bridge")
    metrics = analyse(export)
    tell(0.5, "measuring cohorts and expansion")
    share = top_expansion_share(metrics)
    tell(0.6, "fitting the forecast")
    fits = fit_export(metrics)
    tell(0.8, "calibrating the simulator")
    loaded = Loaded(
        name=name,
        rows=len(export),
        metrics=metrics,
        cohorts=cohort_retention(metrics),
        top_share=share,
        warning=concentration_warning(metrics, top_share=share if np.isfinite(share) else 0.0),
        calibration=calibrate(metrics, fits=fits),
        fits=fits,
        segments=segment_summary(metrics),
        curves=cohort_curves(metrics),
        churn=churn_rates(metrics.monthly),
        arr_bridge=export_bridge(metrics.monthly),
        notes=tuple(note for note in (layout_note(export), amount_note(export)) if note),
        repeats=repeated_rows(export),
    )
    tell(1.0, "done")
    return loaded


def metrics_csv(monthly: pd.DataFrame, shown: Revenue = MRR, nrr_window: str = DEFAULT_WINDOW) -> bytes:
    """The monthly metrics as CSV bytes: :data:`METRICS_COLUMNS` in order (the 12-month pair as
    ``nrr_window`` says: :func:`simulator.definitions.with_window`), written as ``python -m simulator
    metrics --nrr-window`` writes them (:func:`simulator.output.csv_bytes`); as ARR, each amount of MRR
    12 × it and named ``arr``, as ``metrics --revenue arr`` writes them."""
    return csv_bytes(shown.columns(with_window(monthly, nrr_window)))


#: The columns of the forecast's CSV, in order.
FORECAST_COLUMNS: tuple[str, ...] = ("month", "forecast_mrr", "forecast_p10", "forecast_p90")


def forecast_table(calibration: Calibration, future: Sequence[str]) -> pd.DataFrame:
    """The forecast over the months ``future`` (the labels after the export's last month): its MRR,
    P10 and P90 (NaN when the export's past holds too few errors for a band)."""
    forecast = project(calibration.scenario.replace(months=len(future))).table["mrr"].to_numpy()[1:]
    low, high = band(calibration.forecast.band, forecast)
    return pd.DataFrame(
        {"month": list(future), "forecast_mrr": forecast, "forecast_p10": low, "forecast_p90": high}
    )


def forecast_csv(calibration: Calibration, future: Sequence[str], shown: Revenue = MRR) -> bytes:
    """The forecast as CSV bytes: :data:`FORECAST_COLUMNS`, written as the command line writes tables; as
    ARR, each amount 12 × it (the forecast renamed ``forecast_arr``)."""
    return csv_bytes(shown.columns(forecast_table(calibration, future)))
