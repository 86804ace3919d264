"""Views of a projection: the MRR bridge over some months, and MRR by acquisition cohort as layers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulator.projection import Projection

#: The order of an MRR bridge: start, the four flows, end.
BRIDGE_STEPS: tuple[str, ...] = (
    "starting_mrr",
    "new_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "ending_mrr",
)


def bridge(projection: Projection, *, first_month: int, last_month: int | None = None) -> pd.Series:
    """The MRR bridge from the start of ``first_month`` to the end of ``last_month``.

    Losses are negative, so the first five entries add up to the last.

    >>> from simulator import Scenario, project
    >>> p = project(Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01,
    ...                      expansion_rate=0.06, months=1))
    >>> bridge(p, first_month=1).to_dict()
    {'starting_mrr': 100000.0, 'new_mrr': 0.0, 'expansion_mrr': 6000.0, 'contraction_mrr': -1000.0, \
'churned_mrr': -3000.0, 'ending_mrr': 102000.0}
    """
    last_month = first_month if last_month is None else last_month
    if not 1 <= first_month <= last_month <= projection.scenario.months:
        raise ValueError(
            f"a bridge runs from month 1 to {projection.scenario.months}; "
            f"got months {first_month} to {last_month}"
        )
    rows = projection.table.iloc[first_month : last_month + 1]
    steps: dict[str, float] = {
        "starting_mrr": rows["starting_mrr"].to_numpy()[0],
        "new_mrr": rows["new_mrr"].to_numpy().sum(),
        "expansion_mrr": rows["expansion_mrr"].to_numpy().sum(),
        "contraction_mrr": -rows["contraction_mrr"].to_numpy().sum(),
        "churned_mrr": -rows["churned_mrr"].to_numpy().sum(),
        "ending_mrr": rows["mrr"].to_numpy()[-1],
    }
    return pd.Series({name: float(value) for name, value in steps.items()}, dtype=float)


def cohort_layers(projection: Projection, *, max_layers: int = 9) -> pd.DataFrame:
    """MRR by acquisition cohort, grouped into a few readable layers.

    The starting base is the bottom layer; monthly cohorts are grouped by
    year of acquisition when the horizon is longer than two years, by
    quarter otherwise, and merged further until there are at most
    ``max_layers`` layers in all.

    Returns
    -------
    pandas.DataFrame
        Indexed by month (0..months); one column per layer, starting base
        first. The columns add up to the total MRR.
    """
    months = projection.scenario.months
    group_size = 12 if months > 24 else 3
    while 1 + math.ceil(months / group_size) > max_layers:
        group_size *= 2
    cohort = np.arange(1, months + 1)
    group = (cohort - 1) // group_size
    sums = np.zeros((group.max() + 1, months + 1))
    np.add.at(sums, group, projection.cohort_mrr[1:])
    labels = []
    for g in range(sums.shape[0]):
        if group_size == 12:
            labels.append(f"Acquired in year {g + 1}")
        elif group_size == 3:
            labels.append(f"Acquired in quarter {g + 1}")
        else:
            labels.append(f"Acquired in months {g * group_size + 1}–{min((g + 1) * group_size, months)}")
    layers = pd.DataFrame(sums.T, columns=labels, index=pd.RangeIndex(months + 1, name="month"))
    layers.insert(0, "Starting base", projection.cohort_mrr[0])
    return layers
