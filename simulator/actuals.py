"""What an export says beyond the monthly bridge: cohorts, concentration, and levers.

Everything here reads an :class:`~simulator.metrics.ExportMetrics`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.export import month_labels, parse_months
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

    Notes
    -----
    One pass over the payments (a customer's months without one pay 0);
    the table is months × months, at most 601 × 601.
    """
    totals, sizes = _cohort_totals(metrics)
    n_months = len(metrics.months)
    start = totals[:, :1]
    with np.errstate(divide="ignore", invalid="ignore"):
        retained = np.where(start > 0, totals / start, np.nan)
    age = np.arange(n_months)
    retained[age[None, :] >= n_months - age[:, None]] = np.nan  # past the end of the data
    table = pd.DataFrame(retained, index=pd.Index(metrics.months, name="first_month"), columns=age)
    table.columns.name = "months_since"
    return table.loc[sizes > 0]


def _cohort_totals(metrics: ExportMetrics) -> tuple[np.ndarray, np.ndarray]:
    """Each cohort's MRR by months since its first payment (cohorts × ages), and its customer count."""
    payments = metrics.payments
    n_months = len(metrics.months)
    first = payments.is_first()
    # Each payment's cohort: its customer's first month (payments come by customer, then month).
    cohort = np.repeat(payments.month[first], np.diff(np.flatnonzero(np.append(first, True))))
    cell = cohort * n_months + (payments.month - cohort)
    totals = np.bincount(cell, weights=payments.mrr, minlength=n_months * n_months).reshape(
        n_months, n_months
    )
    return totals, np.bincount(payments.month[first], minlength=n_months)


#: The columns of :func:`cohort_curves`.
CURVE_COLUMNS: tuple[str, ...] = ("group", "months_since", "kept", "customers", "first_mrr")


def cohort_curves(metrics: ExportMetrics, *, most: int = 12) -> pd.DataFrame:
    """Revenue kept by groups of cohorts, by months since their first payment: the heatmap as curves.

    Cohorts (the customers whose first payment fell in one month) are grouped
    by month when there are at most ``most`` of them, else by quarter, else by
    year, and the latest ``most`` groups are kept. The export's first month is
    a group of its own, labelled "paying in …": it holds every customer already
    paying then, whatever their age. A group's ``kept`` at an age is what its
    cohorts observed at that age pay then ÷ what those same cohorts paid in
    their first month (1.0 at age 0), so a young cohort never drags down an
    age it has not reached.

    Returns
    -------
    pandas.DataFrame
        :data:`CURVE_COLUMNS`, one row per group and observed age: ``customers``
        is how many customers first paid in the group, ``first_mrr`` what they
        paid in their first month.

    Examples
    --------
    Two cohorts of one quarter: February's 100 pays 90 a month on and 0 the
    month after, March's 50 pays 60 a month on (and is not yet two months
    old): at age 1 the quarter keeps (90 + 60) ÷ (100 + 50) = 100%, at age 2
    February's cohort alone keeps 0 ÷ 100.

    >>> from simulator.export import read_export
    >>> from simulator.metrics import analyse
    >>> rows = "customer_id,month,mrr\\nz,2024-01,10\\na,2024-02,100\\na,2024-03,90\\n"
    >>> rows += "b,2024-03,50\\nb,2024-04,60\\n"
    >>> curves = cohort_curves(analyse(read_export(rows.encode())), most=1)
    >>> curves[curves["group"] == "2024 Q1"][["months_since", "kept", "customers"]].to_numpy().tolist()
    [[0.0, 1.0, 2.0], [1.0, 1.0, 2.0], [2.0, 0.0, 2.0]]
    """
    totals, sizes = _cohort_totals(metrics)
    n_months = len(metrics.months)
    first_mrr = totals[:, 0]
    later = np.flatnonzero(sizes[1:] > 0) + 1
    labels = np.asarray(metrics.months)
    # Month, quarter or year: the finest grouping with at most `most` groups.
    by_quarter = np.array([f"{label[:4]} Q{(int(label[5:7]) - 1) // 3 + 1}" for label in labels])
    by_year = np.array([label[:4] for label in labels])
    group_of = labels
    for candidate in (labels, by_quarter, by_year):
        group_of = candidate
        if len(np.unique(candidate[later])) <= most:
            break
    names = list(dict.fromkeys(group_of[later].tolist()))[-most:] if len(later) else []
    rows: list[pd.DataFrame] = []
    groups = [(f"paying in {labels[0]}", np.array([0]))] if sizes[0] > 0 else []
    groups += [(name, later[group_of[later] == name]) for name in names]
    age = np.arange(n_months)
    for name, cohorts in groups:
        # observed[c, a]: cohort c has reached age a within the data.
        observed = cohorts[:, None] + age[None, :] < n_months
        kept_now = np.where(observed, totals[cohorts], 0.0).sum(axis=0)
        at_start = np.where(observed, first_mrr[cohorts, None], 0.0).sum(axis=0)
        ages = np.flatnonzero(at_start > 0)
        rows.append(
            pd.DataFrame(
                {
                    "group": name,
                    "months_since": ages,
                    "kept": kept_now[ages] / at_start[ages],
                    "customers": int(sizes[cohorts].sum()),
                    "first_mrr": float(first_mrr[cohorts].sum()),
                }
            )
        )
    if not rows:
        return pd.DataFrame({column: [] for column in CURVE_COLUMNS})
    return pd.concat(rows, ignore_index=True)[list(CURVE_COLUMNS)]


def months_after(last: str, count: int) -> list[str]:
    """The ``YYYY-MM`` labels of the ``count`` months after ``last``, for a forecast from an export.

    >>> months_after("2025-11", 3)
    ['2025-12', '2026-01', '2026-02']
    """
    code = int(parse_months(pd.Series([last]))[0])
    return month_labels(np.arange(code + 1, code + 1 + count))


def top_expansion_share(metrics: ExportMetrics, *, top: float = 0.10) -> float:
    """The share of all expansion MRR that comes from the top ``top`` of accounts.

    Accounts are every customer in the export, ranked by the expansion they
    added over the whole period; NaN when there was no expansion.
    """
    payments = metrics.payments
    change = np.diff(payments.mrr, prepend=0.0)
    expanding = payments.follows() & (change > 0)
    per_customer = np.bincount(
        payments.customer[expanding], weights=change[expanding], minlength=len(metrics.customer_ids)
    )
    total = per_customer.sum()
    if total <= 0:
        return math.nan
    count = max(1, math.ceil(top * len(per_customer)))
    return float(np.sort(per_customer)[::-1][:count].sum() / total)


@dataclass(frozen=True)
class AnnualRetention:
    """An export's annual NRR and GRR, and what they are.

    ``basis`` is ``"trailing 12"`` (the latest month with a trailing-12
    figure: what the customers paying 12 months earlier pay now, the cohort
    way) or, for an export shorter than 13 months, ``"monthly rates"``: the
    MRR-weighted monthly NRR and GRR of its months compounded over a year.
    ``months`` is the first and last month the figures cover.
    """

    nrr: float
    grr: float
    basis: str
    months: tuple[str, str]

    @property
    def description(self) -> str:
        """What the figures measure, for a page: the customers of a month a year later, or monthly rates."""
        first, last = self.months
        if self.basis == "trailing 12":
            return f"the customers paying in {first}, what they pay in {last} ÷ what they paid then"
        return f"the MRR-weighted monthly rates of {first} to {last}, compounded over 12 months"


def annual_retention(monthly: pd.DataFrame, *, window: int = 12) -> AnnualRetention:
    """The annual NRR and GRR of a metrics table (:attr:`~simulator.metrics.ExportMetrics.monthly`,
    or one segment's block of :attr:`~simulator.metrics.ExportMetrics.by_segment`).

    The latest trailing-12 figures; without any (fewer than 13 months), the
    last ``window`` months' flows over their starting MRR (each month counts
    by its MRR), compounded over twelve months. NaN when no month has a
    starting MRR.
    """
    trailing = monthly[["month", "nrr_trailing_12", "grr_trailing_12"]].dropna()
    if not trailing.empty:
        last = trailing.iloc[-1]
        then = monthly["month"].iat[int(trailing.index[-1]) - 12]
        return AnnualRetention(
            float(last["nrr_trailing_12"]),
            float(last["grr_trailing_12"]),
            "trailing 12",
            (str(then), str(last["month"])),
        )
    rates = monthly_rates(monthly, window=window)
    grr = (1.0 - rates["churn"] - rates["contraction"]) ** 12
    nrr = (1.0 - rates["churn"] - rates["contraction"] + rates["expansion"]) ** 12
    recent = monthly.iloc[1:].tail(window)
    return AnnualRetention(
        nrr, grr, "monthly rates", (str(recent["month"].iat[0]), str(recent["month"].iat[-1]))
    )


def monthly_rates(monthly: pd.DataFrame, *, window: int = 12) -> dict[str, float]:
    """Churn, contraction and expansion of the last ``window`` months (the first month has no
    month before it): each flow's total over the total starting MRR, so that each month counts
    by its MRR. NaN when no month has a starting MRR."""
    recent = monthly.iloc[1:].tail(window)
    base = float(recent["starting_mrr"].sum())
    names = {"churn": "churned_mrr", "contraction": "contraction_mrr", "expansion": "expansion_mrr"}
    return {
        name: float(recent[column].sum()) / base if base > 0 else math.nan for name, column in names.items()
    }


@dataclass(frozen=True)
class ChurnRates:
    """Logo churn beside revenue churn over an export's latest months (monthly fractions).

    ``logo`` is customers lost ÷ customers paying at the start of each month,
    ``revenue`` the MRR lost to churn and contraction ÷ the starting MRR
    (gross revenue churn), each the window's total over its total, so each
    month counts by its size. Logo churn above revenue churn: small customers
    leave; below: large ones do.
    """

    logo: float
    revenue: float
    months: tuple[str, str]


def churn_rates(monthly: pd.DataFrame, *, window: int = 12) -> ChurnRates:
    """:class:`ChurnRates` of the last ``window`` months of a metrics table (NaN without a base).

    >>> from simulator.export import read_export
    >>> from simulator.metrics import analyse
    >>> rows = "customer_id,month,mrr\\na,2024-01,100\\nb,2024-01,100\\nc,2024-01,800\\n"
    >>> rows += "a,2024-02,100\\nc,2024-02,800\\n"
    >>> rates = churn_rates(analyse(read_export(rows.encode())).monthly)
    >>> round(rates.logo, 4), rates.revenue
    (0.3333, 0.1)
    """
    recent = monthly.iloc[1:].tail(window)
    customers = monthly["customers"].to_numpy(dtype=float)
    at_start = float(customers[recent.index.to_numpy() - 1].sum()) if len(recent) else 0.0
    base = float(recent["starting_mrr"].sum())
    lost = float((recent["churned_mrr"] + recent["contraction_mrr"]).sum())
    months = (str(recent["month"].iat[0]), str(recent["month"].iat[-1])) if len(recent) else ("", "")
    return ChurnRates(
        logo=float(recent["churned_customers"].sum()) / at_start if at_start > 0 else math.nan,
        revenue=lost / base if base > 0 else math.nan,
        months=months,
    )


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
    measured: AnnualRetention
    monthly: dict[str, float]

    @property
    def compounded(self) -> tuple[float, float]:
        """The window's own monthly rates compounded over 12 months: (NRR, GRR), beside what was measured."""
        gross = 1.0 - self.monthly["churn"] - self.monthly["contraction"]
        return (gross + self.monthly["expansion"]) ** 12, gross**12


def levers_from_metrics(metrics: ExportMetrics, *, months: int = 36, window: int = 12) -> Levers:
    """Set the simulator's levers from the data, so that it starts from what was measured.

    :func:`levers_from_table` of the export's monthly metrics.
    """
    return levers_from_table(metrics.monthly, months=months, window=window)


def levers_from_table(monthly: pd.DataFrame, *, months: int = 36, window: int = 12) -> Levers:
    """The simulator's core levers from a metrics table (all of an export's months, or its first ones).

    Starting MRR and customers are the last month's. Churn, contraction and
    expansion are set so that the simulator's annual NRR and GRR (monthly ^
    12) equal the table's :func:`annual_retention`: monthly GRR is annual
    GRR ^ (1/12), split into churn and contraction in the proportion of the
    window's churned and contraction MRR, and expansion is monthly NRR minus
    monthly GRR. (The window's own monthly rates compound to other annual
    figures: a customer lost counts once in a cohort, and the monthly rates
    also count new customers' first months and ups and downs within the year;
    :attr:`Levers.monthly` keeps them for the page to show.) New customers
    per month and their MRR are the window's averages; acquisition growth is
    left at 0.
    """
    table = monthly
    recent = table.iloc[1:].tail(window)  # the first month has no previous month to compare with
    last = table.iloc[-1]
    measured = annual_retention(table, window=window)
    rates = monthly_rates(table, window=window)
    monthly_grr = root12(measured.grr)
    monthly_nrr = max(root12(measured.nrr), monthly_grr)
    losses = 1.0 - monthly_grr
    churn_share = churn_share_of(rates)
    new_customers = float(recent["new_customers"].sum())
    scenario = Scenario(
        starting_mrr=float(last["ending_mrr"]),
        starting_customers=float(last["customers"]),
        churn_rate=losses * churn_share,
        contraction_rate=losses * (1.0 - churn_share),
        expansion_rate=min(monthly_nrr - monthly_grr, 1.0),
        new_customers_per_month=new_customers / len(recent),
        new_customer_mrr=float(recent["new_mrr"].sum()) / new_customers if new_customers else 0.0,
        months=months,
    )
    return Levers(
        scenario=scenario,
        last_month=str(last["month"]),
        window=(str(recent["month"].iat[0]), str(recent["month"].iat[-1])),
        months_in_window=len(recent),
        measured=measured,
        monthly=rates,
    )


def churn_share_of(rates: dict[str, float]) -> float:
    """The part of the monthly loss that is churn (the rest is contraction), as the window's flows
    split it; half and half when the window lost nothing."""
    lost = rates["churn"] + rates["contraction"]
    return rates["churn"] / lost if math.isfinite(lost) and lost > 0 else 0.5


def root12(annual: float) -> float:
    """The monthly rate that compounds to ``annual`` (0 or more; 1 when there is nothing to measure).

    >>> round(root12(1.02 ** 12), 12), root12(float("nan"))
    (1.02, 1.0)
    """
    if not math.isfinite(annual):
        return 1.0
    return float(max(annual, 0.0) ** (1.0 / 12.0))


def concentration_warning(metrics: ExportMetrics, *, top_share: float) -> str | None:
    """A plain warning when high NRR hides low GRR, or expansion sits in a few accounts.

    Reads :func:`annual_retention`, the figures the page's cards show.
    """
    measured = annual_retention(metrics.monthly)
    nrr, grr = measured.nrr, measured.grr
    if nrr >= 1.0 and grr < 0.90:
        return (
            f"NRR of {_pct(nrr)} hides a GRR of {_pct(grr)}: growth rests on a few expanding accounts "
            "while many customers leave. Fix churn before it outruns expansion."
        )
    if top_share > 0.6:
        return (
            f"{top_share:.0%} of expansion comes from the top 10% of accounts: "
            "NRR depends on a handful of customers."
        )
    return None


def _pct(fraction: float) -> str:
    """As the pages write a percentage: one decimal."""
    return f"{fraction * 100:.1f}%"
