"""The yearly ARR bridge: a year's starting ARR, what was won and lost, its ending ARR.

ARR is 12 × MRR. A year's flows are the sums of its months' MRR flows, times
12: new, reactivation (customers paying again after a gap), expansion,
contraction and churned. Each month's bridge balances, so each year's does:

    starting ARR + new + reactivation + expansion − contraction − churned = ending ARR

and the year's quick ratio is :func:`simulator.metrics.quick_ratio` of its
flows. A scenario's years run from month 1 (its first year is months 1–12);
an export's run back from its last month (the last year is the twelve months
to it), so the latest year is always whole; the earliest year of either may
be shorter, and says how many months it holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.metrics import quick_ratio_of
from simulator.projection import Projection

#: ARR is this many times MRR.
MONTHS_A_YEAR = 12

#: The columns of a yearly ARR bridge, in order.
ARR_BRIDGE_COLUMNS: tuple[str, ...] = (
    "year",
    "months",
    "first_month",
    "last_month",
    "starting_arr",
    "new_arr",
    "reactivation_arr",
    "expansion_arr",
    "contraction_arr",
    "churned_arr",
    "ending_arr",
    "quick_ratio",
)
#: The flows, as named in a monthly table, and in the bridge.
_FLOWS: tuple[tuple[str, str], ...] = (
    ("new_mrr", "new_arr"),
    ("reactivation_mrr", "reactivation_arr"),
    ("expansion_mrr", "expansion_arr"),
    ("contraction_mrr", "contraction_arr"),
    ("churned_mrr", "churned_arr"),
)


def rebuilt_ending_arr(bridge: pd.DataFrame) -> pd.Series:
    """Ending ARR rebuilt from a bridge's start and flows (equal to ``ending_arr``, the identity)."""
    return (
        bridge["starting_arr"]
        + bridge["new_arr"]
        + bridge["reactivation_arr"]
        + bridge["expansion_arr"]
        - bridge["contraction_arr"]
        - bridge["churned_arr"]
    )


def scenario_bridge(projection: Projection) -> pd.DataFrame:
    """A projection's yearly ARR bridge: year 1 is months 1–12 (reactivation is always 0 here).

    Examples
    --------
    domain.md's worked example 1 with no acquisition, over a year: $1.2M ARR
    becomes 1.2M × 1.02^12; 6% expansion against 4% losses a month is a quick
    ratio of 1.5.

    >>> from simulator import Scenario, project
    >>> year = scenario_bridge(project(Scenario(starting_mrr=100_000, churn_rate=0.03,
    ...     contraction_rate=0.01, expansion_rate=0.06, months=12))).iloc[0]
    >>> float(year["starting_arr"]), round(float(year["ending_arr"]), 2)
    (1200000.0, 1521890.15)
    >>> round(float(year["quick_ratio"]), 12)
    1.5
    """
    table = projection.table
    months = projection.scenario.months
    first = np.arange(1, months + 1, 12)
    last = np.minimum(first + 11, months)
    flows = {name: table[name].to_numpy(dtype=float) for name, _ in _FLOWS if name in table}
    flows.setdefault("reactivation_mrr", np.zeros(months + 1))
    mrr = table["mrr"].to_numpy(dtype=float)
    return _bridge(
        years=[f"Year {index + 1}" for index in range(len(first))],
        first=first,
        last=last,
        starting_mrr=mrr[first - 1],
        ending_mrr=mrr[last],
        flows=flows,
        first_labels=first,
        last_labels=last,
    )


def export_bridge(monthly: pd.DataFrame) -> pd.DataFrame:
    """An export's yearly ARR bridge, years counted back from its last month (``monthly`` is
    :attr:`~simulator.metrics.ExportMetrics.monthly`, or one segment's block of it).

    The first month has no month before it, so flows start in the second;
    an export of one month has no year.

    Examples
    --------
    >>> from simulator.export import read_export
    >>> from simulator.metrics import analyse
    >>> rows = b"customer_id,month,mrr\\na,2024-01,100\\nb,2024-01,50\\na,2024-02,120\\n"
    >>> year = export_bridge(analyse(read_export(rows)).monthly).iloc[0]
    >>> year["year"], float(year["starting_arr"]), float(year["expansion_arr"]), float(year["churned_arr"])
    ('Year to 2024-02', 1800.0, 240.0, 600.0)
    >>> int(year["months"]), float(year["quick_ratio"])
    (1, 0.4)
    """
    n_months = len(monthly)
    last = np.arange(n_months - 1, 0, -12)[::-1]
    first = np.maximum(last - 11, 1)
    flows = {name: monthly[name].to_numpy(dtype=float) for name, _ in _FLOWS}
    ending = monthly["ending_mrr"].to_numpy(dtype=float)
    labels = monthly["month"].astype(str).to_numpy()
    return _bridge(
        years=[f"Year to {labels[end]}" for end in last],
        first=first,
        last=last,
        starting_mrr=ending[first - 1],
        ending_mrr=ending[last],
        flows=flows,
        first_labels=labels[first],
        last_labels=labels[last],
    )


def _bridge(
    *,
    years: list[str],
    first: np.ndarray,
    last: np.ndarray,
    starting_mrr: np.ndarray,
    ending_mrr: np.ndarray,
    flows: dict[str, np.ndarray],
    first_labels: np.ndarray,
    last_labels: np.ndarray,
) -> pd.DataFrame:
    """The bridge from month positions: each year's flows summed over its own months.

    Years are consecutive, so one ``reduceat`` sums them all; a running total would be shorter,
    but its differences would carry the float error of every earlier year into a small one.
    """
    sums: dict[str, np.ndarray] = {}
    for name, arr_name in _FLOWS:
        if len(first):
            sums[arr_name] = MONTHS_A_YEAR * np.add.reduceat(flows[name][: last[-1] + 1], first)
        else:
            sums[arr_name] = np.zeros(0)
    return pd.DataFrame(
        {
            "year": years,
            "months": (last - first + 1).astype(np.int64),
            "first_month": first_labels,
            "last_month": last_labels,
            "starting_arr": MONTHS_A_YEAR * starting_mrr,
            **sums,
            "ending_arr": MONTHS_A_YEAR * ending_mrr,
            "quick_ratio": quick_ratio_of(sums, "arr"),
        },
        columns=list(ARR_BRIDGE_COLUMNS),
    )


def as_arr(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its MRR columns as ARR: each column named ``mrr`` or with an ``mrr`` part
    (``new_mrr``, ``mrr_gain``, ``mrr_gain_per_cost``…) times 12, renamed with ``arr`` in its place;
    the other columns (customers, rates, ratios) as they are.

    What the command line's ``--revenue arr`` writes and the app's ARR view downloads.

    >>> as_arr(pd.DataFrame({"month": [1], "mrr": [10.0], "nrr_month": [1.02]})).to_dict("records")
    [{'month': 1, 'arr': 120.0, 'nrr_month': 1.02}]
    """
    moved = [column for column in table.columns if "mrr" in str(column).split("_")]
    out = table.copy()
    for column in moved:
        out[column] = out[column].astype(float) * MONTHS_A_YEAR
    renamed = {
        column: "_".join("arr" if part == "mrr" else part for part in str(column).split("_"))
        for column in moved
    }
    return out.rename(columns=renamed)
