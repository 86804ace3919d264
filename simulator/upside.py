"""What an improvement costs and how fast it pays back: MRR gained per money spent, months to pay back.

Costs are optional and in the scenario's money:

- **acquisition** costs the CAC of every extra new customer it brings
  (:attr:`Costs.cac`, by default the scenario's own ``cac``);
- **churn, contraction and failed payments recovered** cost a retention
  programme's monthly cost (:attr:`Costs.retention_per_month`) for every
  month of the horizon;
- **expansion** costs an expansion programme's monthly cost
  (:attr:`Costs.expansion_per_month`).

**MRR gained per money spent** is the MRR gained at the horizon over all
that was spent until then. **Months to pay back** is the first month whose
cumulative extra revenue (times the gross margin, when the scenario sets
one) covers the cumulative spend; NaN when it never does within the horizon
or nothing was spent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.projection import Projection

#: The levers each programme pays for.
RETENTION_LEVERS: tuple[str, ...] = ("churn", "contraction", "recovery")
EXPANSION_LEVERS: tuple[str, ...] = ("expansion",)


@dataclass(frozen=True)
class Costs:
    """What improving each lever costs; ``None`` where it is not known."""

    cac: float | None = None
    retention_per_month: float | None = None
    expansion_per_month: float | None = None

    def __post_init__(self) -> None:
        for name in ("cac", "retention_per_month", "expansion_per_month"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a cost of 0 or more, got {value!r}")

    def programme(self, lever: str) -> float | None:
        """The monthly cost of the programme that improves ``lever`` (a registry key)."""
        if lever in RETENTION_LEVERS:
            return self.retention_per_month
        if lever in EXPANSION_LEVERS:
            return self.expansion_per_month
        return None

    @property
    def any(self) -> bool:
        """Whether any cost is given."""
        return any(
            value is not None for value in (self.cac, self.retention_per_month, self.expansion_per_month)
        )


@dataclass(frozen=True)
class Upside:
    """What an improvement cost over the horizon, what each unit of money bought, and when it paid back."""

    cost: float
    mrr_gain_per_cost: float
    payback_months: float


NO_COST = Upside(cost=math.nan, mrr_gain_per_cost=math.nan, payback_months=math.nan)


def upside(
    before: Projection,
    after: Projection,
    levers: tuple[str, ...],
    costs: Costs,
    *,
    gross_margin: float | None,
) -> Upside:
    """The cost of moving ``levers`` (registry keys) from ``before`` to ``after``, per :class:`Costs`.

    A lever whose cost is not given adds nothing; with no cost at all the
    figures are NaN.

    Examples
    --------
    A programme of 1,000 a month that adds 100 MRR a month more each month
    (100, 200, 300, …): the cumulative gain 100 × m(m+1)/2 covers 1,000 × m
    from m = 19.

    >>> from simulator.scenario import Scenario
    >>> from simulator.projection import project
    >>> base = project(Scenario(starting_mrr=0, new_customers_per_month=1, new_customer_mrr=0, months=24))
    >>> more = project(Scenario(starting_mrr=0, new_customers_per_month=1, new_customer_mrr=100, months=24))
    >>> u = upside(base, more, ("churn",), Costs(retention_per_month=1_000), gross_margin=None)
    >>> u.cost, u.payback_months, round(u.mrr_gain_per_cost, 4)
    (24000.0, 19.0, 0.1)
    """
    months = before.scenario.months
    spend = np.zeros(months)
    given = False
    for lever in levers:
        monthly = costs.programme(lever)
        if monthly is not None:
            spend += monthly
            given = True
    if "acquisition" in levers and costs.cac is not None:
        extra = after.table["new_customers"].to_numpy()[1:] - before.table["new_customers"].to_numpy()[1:]
        spend += costs.cac * np.maximum(extra, 0.0)
        given = True
    total = float(spend.sum())
    if not given or total <= 0:
        return NO_COST
    gained = after.table["mrr"].to_numpy()[1:] - before.table["mrr"].to_numpy()[1:]
    margin = 1.0 if gross_margin is None else gross_margin
    spent = np.cumsum(spend)
    covered = np.flatnonzero((np.cumsum(gained * margin) >= spent - 1e-9 * total) & (spent > 0))
    return Upside(
        cost=total,
        mrr_gain_per_cost=float(gained[-1]) / total,
        payback_months=float(covered[0] + 1) if covered.size else math.nan,
    )
