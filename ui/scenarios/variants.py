"""Base, plan and downside: one-click variants of the sidebar's scenario."""

from __future__ import annotations

from simulator.levers import LEVERS
from simulator.scenario import Scenario, from_dict, to_dict
from ui.scenarios.store import StoreError

#: What each one-click variant does to the current levers, as the page says it.
VARIANTS: dict[str, str] = {
    "Base": "the current levers, as they are",
    "Plan": "churn −1 point, expansion +1 point",
    "Downside": "churn +1 point, expansion −1 point, new customers −30%",
}


_VARIANT_CHANGES: dict[str, tuple[float, float, float]] = {
    # churn (fraction points), expansion (fraction points), new customers (relative)
    "Base": (0.0, 0.0, 0.0),
    "Plan": (-0.01, 0.01, 0.0),
    "Downside": (0.01, -0.01, -0.30),
}


def variant(scenario: Scenario, kind: str) -> Scenario:
    """The scenario as "Base", "Plan" or "Downside" (see :data:`VARIANTS`).

    Rates stay in their ranges: churn never below 0 nor above what contraction
    leaves; expansion never below 0. With segments, each segment's rates move
    the same way. Initiatives and every other field are kept.

    >>> base = Scenario(starting_mrr=100_000, churn_rate=0.03, expansion_rate=0.06, new_customers_per_month=5)
    >>> plan = variant(base, "Plan")
    >>> plan.churn_rate, plan.expansion_rate, plan.new_customers_per_month
    (0.02, 0.07, 5)
    >>> variant(base, "Downside").new_customers_per_month
    3.5
    """
    if kind not in _VARIANT_CHANGES:
        raise StoreError(f"'{kind}' is not one of {', '.join(VARIANTS)}")
    if kind == "Base":
        return scenario
    moved = scenario
    for lever, change in zip(("churn", "expansion", "acquisition"), _VARIANT_CHANGES[kind], strict=True):
        if change:
            # The registry moves a rate by points (every segment's, with segments) within its range,
            # and new customers by a share.
            moved = LEVERS[lever].moved(moved, change)
    return _tidy(moved)


def _tidy(scenario: Scenario) -> Scenario:
    """Drop floating-point dust (0.03 − 0.01 is 0.019999…98): 12 decimals are plenty for a rate."""
    data = to_dict(scenario)
    for fields in (data, *data["segments"]):
        for name in ("churn_rate", "expansion_rate", "new_customers_per_month"):
            if name in fields:
                fields[name] = round(fields[name], 12)
    return from_dict(data)
