"""Two to four scenarios compared: every one projected over the reference's horizon, read at one month.

The first scenario is the reference. Each scenario is projected over the
reference's horizon (whatever its own), so every figure exists at every
month compared, and "MRR at the horizon" means the same month for all of
them, on every surface.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from simulator.projection import project
from simulator.scenario import Scenario

#: Months the differences table reports, beside the reference scenario's horizon.
CHECKPOINTS: tuple[int, ...] = (12, 24, 36)

#: The differences table's columns (fractions for the rates, currency units for MRR).
DIFFERENCE_COLUMNS: tuple[str, ...] = (
    "month",
    "scenario",
    "mrr",
    "mrr_vs_first",
    "nrr_trailing_12",
    "nrr_vs_first",
    "grr_trailing_12",
    "grr_vs_first",
)
#: The month-by-month comparison's columns, per scenario.
SERIES_COLUMNS: tuple[str, ...] = (
    "mrr",
    "customers",
    "nrr_month",
    "grr_month",
    "nrr_trailing_12",
    "grr_trailing_12",
)


def checkpoints(months: int) -> tuple[int, ...]:
    """The months the differences table reports: 12, 24, 36 within the horizon, and the horizon.

    >>> checkpoints(36), checkpoints(60), checkpoints(18)
    ((12, 24, 36), (12, 24, 36, 60), (12, 18))
    """
    return tuple(sorted({*(m for m in CHECKPOINTS if m <= months), months}))


@dataclass(frozen=True)
class Comparison:
    """Scenarios side by side.

    Attributes
    ----------
    month
        The month compared: the reference's horizon, over which every
        scenario is projected.
    tables
        Each scenario's projection table over ``month`` months, by name, the
        reference first.
    differences
        One row per checkpoint month (:func:`checkpoints`) and scenario,
        columns :data:`DIFFERENCE_COLUMNS`: MRR and the trailing-12 NRR and
        GRR, and each one's gap to the reference ("vs first": MRR in
        currency, rates in fraction points).
    """

    month: int
    tables: dict[str, pd.DataFrame]
    differences: pd.DataFrame

    @property
    def names(self) -> list[str]:
        """The scenarios' names, the reference first."""
        return list(self.tables)

    @property
    def at_horizon(self) -> pd.DataFrame:
        """The differences at :attr:`month`, one row per scenario in order."""
        frame = self.differences
        return frame[frame["month"] == self.month].reset_index(drop=True)

    def month_by_month(self) -> pd.DataFrame:
        """Every scenario's monthly series, stacked: ``scenario``, ``month``, :data:`SERIES_COLUMNS`
        and ``mrr_vs_first`` (this scenario's MRR minus the reference's)."""
        first = self.tables[self.names[0]]["mrr"].to_numpy()
        frames = [
            table[["month", *SERIES_COLUMNS]]
            .assign(scenario=name, mrr_vs_first=table["mrr"].to_numpy() - first)
            .loc[:, ["scenario", "month", *SERIES_COLUMNS, "mrr_vs_first"]]
            for name, table in self.tables.items()
        ]
        return pd.concat(frames, ignore_index=True)


def compare(scenarios: Mapping[str, Scenario]) -> Comparison:
    """Compare named scenarios over the first one's horizon.

    >>> base = Scenario(starting_mrr=100_000, churn_rate=0.03, months=24)
    >>> c = compare({"Base": base, "Longer": base.replace(churn_rate=0.02, months=60)})
    >>> c.month, round(c.at_horizon["mrr_vs_first"].iat[1])
    (24, 13436)
    """
    names = list(scenarios)
    if not names:
        raise ValueError("compare needs at least one scenario")
    month = scenarios[names[0]].months
    tables = {name: project(scenario, months=month).table for name, scenario in scenarios.items()}
    months = list(checkpoints(month))
    picked = {
        name: table.set_index("month").loc[months, ["mrr", "nrr_trailing_12", "grr_trailing_12"]]
        for name, table in tables.items()
    }
    first = picked[names[0]]
    frames = [
        frame.assign(
            scenario=name,
            mrr_vs_first=frame["mrr"] - first["mrr"],
            nrr_vs_first=frame["nrr_trailing_12"] - first["nrr_trailing_12"],
            grr_vs_first=frame["grr_trailing_12"] - first["grr_trailing_12"],
        )
        for name, frame in picked.items()
    ]
    order = {name: i for i, name in enumerate(names)}
    long = pd.concat(frames).rename_axis("month").reset_index()
    long = long.sort_values(["month", "scenario"], key=lambda s: s.map(order) if s.name == "scenario" else s)
    return Comparison(
        month=month, tables=tables, differences=long[list(DIFFERENCE_COLUMNS)].reset_index(drop=True)
    )
