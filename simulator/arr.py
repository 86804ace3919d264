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


#: Every column of an amount of MRR that a table the app or the command line writes can hold:
#: recurring revenue a month, the one thing ARR restates (12 ×, named with ``arr`` for ``mrr``).
#: Money that does not recur monthly (a cost, a lifetime value) is not MRR and stays as it is.
MRR_AMOUNTS: frozenset[str] = frozenset(
    {
        # A projection (``project``, the projection CSV) and a comparison's tables.
        "mrr",
        "starting_mrr",
        "new_mrr",
        "expansion_mrr",
        "contraction_mrr",
        "churned_mrr",
        "existing_base_mrr",
        "new_mrr_to_stay_flat",
        "mrr_vs_first",
        # An export's metrics (``metrics``, Know your number's CSV) and its backtest.
        "returns_as_new_mrr",
        "returns_as_expansion_mrr",
        "reactivation_mrr",
        "ending_mrr",
        "actual_mrr",
        "forecast_mrr",
        "flat_mrr",
        "forecast_p10",
        "forecast_p90",
        # The lever ranking (``levers``) and the Monte Carlo bands.
        "mrr_gain",
        "mrr_at_horizon",
        "mrr_p10",
        "mrr_p50",
        "mrr_p90",
        "mrr_mean",
    }
)
#: Columns whose names speak of MRR but which hold no amount of it, each with what it is. ARR leaves
#: them as they are, name and value.
NOT_MRR_AMOUNTS: dict[str, str] = {
    "share_of_new_mrr_replacing_losses": (
        "a share: the part of a month's new MRR that only replaces what the base lost, the same part "
        "of its new ARR"
    ),
    "mrr_gain_per_cost": (
        "a ratio of money to money: the MRR gained by the horizon per unit of money spent on it; a cost "
        "is spent once and does not recur, so there is no annual run rate of it, and the name says the "
        "gain is counted in MRR"
    ),
    "mrr_share": "a segment's share of MRR, a fraction",
}


def arr_name(column: str) -> str:
    """The name of an MRR amount's column as ARR: ``mrr`` in it becomes ``arr``.

    >>> arr_name("new_mrr_to_stay_flat"), arr_name("mrr")
    ('new_arr_to_stay_flat', 'arr')
    """
    return "_".join("arr" if part == "mrr" else part for part in column.split("_"))


def as_arr(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its amounts of MRR as ARR: each column of :data:`MRR_AMOUNTS` 12 × it, renamed by
    :func:`arr_name`; every other column (customers, months, rates, shares, ratios, costs, text) as it is.

    What the command line's ``--revenue arr`` writes and the app's ARR view downloads. The columns
    converted are listed, not guessed from their names: a share of MRR or MRR per unit of cost holds no
    amount of MRR (:data:`NOT_MRR_AMOUNTS`).

    >>> as_arr(pd.DataFrame({"month": [1], "mrr": [10.0], "nrr_month": [1.02]})).to_dict("records")
    [{'month': 1, 'arr': 120.0, 'nrr_month': 1.02}]

    Raises
    ------
    ValueError
        For a column named after MRR (an ``mrr`` part in its name) listed in neither
        :data:`MRR_AMOUNTS` nor :data:`NOT_MRR_AMOUNTS`: what it holds must be said before a file is
        written with it.
    """
    names = [str(column) for column in table.columns]
    unknown = [
        name
        for name in names
        if "mrr" in name.split("_") and name not in MRR_AMOUNTS and name not in NOT_MRR_AMOUNTS
    ]
    if unknown:
        raise ValueError(
            f"column {unknown[0]!r} is named after MRR but listed in neither MRR_AMOUNTS nor "
            "NOT_MRR_AMOUNTS (simulator/arr.py): say whether it is an amount of MRR"
        )
    out = table.copy()
    moved = [name for name in names if name in MRR_AMOUNTS]
    for name in moved:
        out[name] = out[name].astype(float) * MONTHS_A_YEAR
    return out.rename(columns={name: arr_name(name) for name in moved})
