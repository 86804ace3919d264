"""What an export says beyond the monthly bridge: cohorts, concentration, and levers.

Everything here reads an :class:`~simulator.metrics.ExportMetrics`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.metrics import ExportMetrics
from simulator.scenario import Scenario


def cohort_retention(metrics: ExportMetrics) -> pd.DataFrame:
    """Revenue retained by each cohort, NRR-style, by months since its first payment.

    Returns
    -------
    pandas.DataFrame
        Rows: the month of first payment (``YYYY-MM``); columns: months since
        (0, 1, …); cells: the cohort's MRR then ÷ its MRR in its first month
        (1.0 at month 0; NaN past the end of the data). The first row holds
        every customer already paying in the export's first month.
    """
    matrix = metrics.matrix
    n_months = matrix.shape[1]
    paying = matrix > 0
    ever = paying.any(axis=1)
    first = paying.argmax(axis=1)[ever]
    rows = matrix[ever]
    # Align every customer on their first payment: aligned[c, age] = MRR at first + age.
    month = first[:, None] + np.arange(n_months)[None, :]
    inside = month < n_months
    aligned = np.where(inside, np.take_along_axis(rows, np.minimum(month, n_months - 1), axis=1), 0.0)
    cell = (first[:, None] * n_months + np.arange(n_months)[None, :]).ravel()
    totals = np.bincount(cell, weights=aligned.ravel(), minlength=n_months * n_months).reshape(
        n_months, n_months
    )
    start = totals[:, :1]
    with np.errstate(divide="ignore", invalid="ignore"):
        retained = np.where(start > 0, totals / start, np.nan)
    age = np.arange(n_months)
    retained[age[None, :] >= n_months - age[:, None]] = np.nan  # past the end of the data
    table = pd.DataFrame(retained, index=pd.Index(metrics.months, name="first_month"), columns=age)
    table.columns.name = "months_since"
    return table.loc[np.bincount(first, minlength=n_months) > 0]


def top_expansion_share(metrics: ExportMetrics, *, top: float = 0.10) -> float:
    """The share of all expansion MRR that comes from the top ``top`` of accounts.

    Accounts are every customer in the export, ranked by the expansion they
    added over the whole period; NaN when there was no expansion.
    """
    matrix = metrics.matrix
    change = np.diff(matrix, axis=1)
    expanding = (matrix[:, :-1] > 0) & (change > 0)
    per_customer = np.where(expanding, change, 0.0).sum(axis=1)
    total = per_customer.sum()
    if total <= 0:
        return math.nan
    count = max(1, math.ceil(top * len(per_customer)))
    return float(np.sort(per_customer)[::-1][:count].sum() / total)


@dataclass(frozen=True)
class Levers:
    """The simulator's levers as an export measures them.

    ``scenario`` is ready for the simulator; the other fields say where each
    value came from, for the page to show.
    """

    scenario: Scenario
    last_month: str
    window: tuple[str, str]
    months_in_window: int


def levers_from_metrics(metrics: ExportMetrics, *, months: int = 36, window: int = 12) -> Levers:
    """Set the simulator's levers from the data.

    Starting MRR and customers are the last month's. Churn, contraction and
    expansion rates are the averages of the last ``window`` months' monthly
    rates weighted by starting MRR (so each is that window's total flow over
    its total starting MRR, and the simulator's monthly NRR is the window's
    MRR-weighted monthly NRR). New customers per month and their MRR are the
    window's averages; acquisition growth is left at 0.
    """
    table = metrics.monthly
    recent = table.iloc[1:].tail(window)  # the first month has no previous month to compare with
    base = float(recent["starting_mrr"].sum())
    last = table.iloc[-1]

    def rate(column: str) -> float:
        return float(recent[column].sum()) / base if base > 0 else 0.0

    churn, contraction = rate("churned_mrr"), rate("contraction_mrr")
    new_customers = float(recent["new_customers"].sum())
    scenario = Scenario(
        starting_mrr=float(last["ending_mrr"]),
        starting_customers=float(last["customers"]),
        churn_rate=min(churn, 1.0),
        contraction_rate=min(contraction, 1.0 - min(churn, 1.0)),
        expansion_rate=min(rate("expansion_mrr"), 1.0),
        new_customers_per_month=new_customers / len(recent),
        new_customer_mrr=float(recent["new_mrr"].sum()) / new_customers if new_customers else 0.0,
        months=months,
    )
    return Levers(
        scenario=scenario,
        last_month=str(last["month"]),
        window=(str(recent["month"].iat[0]), str(recent["month"].iat[-1])),
        months_in_window=len(recent),
    )


def concentration_warning(metrics: ExportMetrics, *, top_share: float) -> str | None:
    """A plain warning when high NRR hides low GRR, or expansion sits in a few accounts.

    Reads the latest trailing-12 NRR and GRR; an export shorter than 13
    months uses its average monthly rates compounded over a year.
    """
    latest = metrics.monthly[["nrr_trailing_12", "grr_trailing_12"]].dropna()
    if latest.empty:
        nrr = float(metrics.monthly["nrr_month"].iloc[1:].mean()) ** 12
        grr = float(metrics.monthly["grr_month"].iloc[1:].mean()) ** 12
    else:
        nrr, grr = (float(v) for v in latest.iloc[-1])
    if nrr >= 1.0 and grr < 0.90:
        return (
            f"NRR of {nrr:.0%} hides a GRR of {grr:.0%}: growth rests on a few expanding accounts "
            "while many customers leave. Fix churn before it outruns expansion."
        )
    if top_share > 0.6:
        return (
            f"{top_share:.0%} of expansion comes from the top 10% of accounts: "
            "NRR depends on a handful of customers."
        )
    return None
