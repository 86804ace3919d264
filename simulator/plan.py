"""The plan's initiatives and shocks, each ranked by what it adds to (or takes from) MRR at the horizon."""

from __future__ import annotations

import pandas as pd

from simulator.projection import project
from simulator.scenario import Scenario


def initiative_impacts(scenario: Scenario) -> pd.DataFrame:
    """Each initiative (or shock) ranked by its effect on MRR at the horizon.

    The effect of one initiative is the MRR at the horizon with all of them
    against the MRR with all but that one, so interactions are counted once
    the plan is in place.

    Returns
    -------
    pandas.DataFrame
        Columns ``initiative``, ``lever``, ``mrr_gain`` (negative for a
        shock), biggest gain first; empty without initiatives.
    """
    if not scenario.initiatives:
        return pd.DataFrame({"initiative": [], "lever": [], "mrr_gain": []})
    with_all = project(scenario).mrr_at(scenario.months)
    rows = []
    for index, initiative in enumerate(scenario.initiatives):
        others = scenario.initiatives[:index] + scenario.initiatives[index + 1 :]
        without = project(scenario.replace(initiatives=others)).mrr_at(scenario.months)
        rows.append(
            {"initiative": initiative.name, "lever": initiative.lever, "mrr_gain": with_all - without}
        )
    table = pd.DataFrame(rows)
    return table.sort_values("mrr_gain", ascending=False, kind="stable").reset_index(drop=True)
