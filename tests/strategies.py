"""Hypothesis strategies shared by the engine tests: the whole valid scenario space."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import strategies as st

from simulator import Scenario

#: How many more examples each property test draws under `make fuzz` than in a normal run.
FUZZ_FACTOR = 20 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 1


def examples(count: int) -> int:
    """A test's own number of examples, multiplied under `make fuzz`."""
    return count * FUZZ_FACTOR


rates = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
money = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1e7, allow_nan=False))  # 0, or a cent up
counts = st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=1e4, allow_nan=False))


#: A churned customer's size against the average account's: today's 1 often, else anywhere in range.
churned_sizes = st.one_of(st.just(1.0), st.floats(0.2, 5.0))


segment_rows = st.lists(
    st.tuples(
        st.floats(0.0, 0.5),
        st.floats(0.0, 0.3),
        st.floats(0.0, 0.2),
        st.floats(0.01, 1.0),
        st.floats(0.01, 1.0),
        st.one_of(st.just(0.0), st.floats(0.01, 1e5)),
    ),
    min_size=1,
    max_size=4,
)


def plans() -> st.SearchStrategy[list[Any]]:
    """Up to three initiatives or shocks on any lever, starting and ramping at any time."""
    from simulator.scenario import INITIATIVE_LEVERS, Initiative

    return st.lists(
        st.builds(
            Initiative,
            name=st.sampled_from(["Dunning", "Upsell", "Shock"]),
            lever=st.sampled_from(INITIATIVE_LEVERS),
            change=st.floats(-1.0, 1.0),
            start_month=st.integers(1, 30),
            ramp_months=st.integers(1, 12),
        ),
        max_size=3,
    )


@st.composite
def refined_scenarios(draw: Any, *, max_months: int = 60) -> Scenario:
    """A valid scenario with any mix of refinements: segments, early-life churn, failed payments,
    annual plans, an expansion ceiling and a plan of initiatives."""
    from simulator.scenario import Segment

    base = draw(scenarios(max_months=max_months))
    changes: dict[str, Any] = {}
    if draw(st.booleans()):
        rows = draw(segment_rows)
        mrr_total = sum(row[3] for row in rows)
        new_total = sum(row[4] for row in rows)
        changes["segments"] = tuple(
            Segment(f"S{i}", churn, contraction, expansion, mrr / mrr_total, new / new_total, new_mrr)
            for i, (churn, contraction, expansion, mrr, new, new_mrr) in enumerate(rows)
        )
    if draw(st.booleans()):
        changes["early_churn_multiple"] = draw(st.floats(1.0, 10.0))
        changes["early_churn_months"] = draw(st.integers(0, 36))
    if draw(st.booleans()):
        changes["involuntary_churn_share"] = draw(st.floats(0.0, 1.0))
        changes["involuntary_recovery_rate"] = draw(st.floats(0.0, 1.0))
    changes["annual_plan_share"] = draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0)))
    changes["expansion_ceiling"] = draw(st.one_of(st.none(), st.floats(1.0, 100.0)))
    changes["churned_size_multiple"] = draw(churned_sizes)
    changes["initiatives"] = tuple(draw(plans()))
    return base.replace(**changes)


@st.composite
def scenarios(draw: Any, *, max_months: int = 120) -> Scenario:
    """Any valid scenario: 0% and 100% churn, zero MRR and zero acquisition included."""
    churn = draw(rates)
    contraction = draw(st.floats(min_value=0.0, max_value=1.0 - churn, allow_nan=False))
    return Scenario(
        starting_mrr=draw(money),
        starting_customers=draw(st.one_of(st.none(), counts)),
        churn_rate=churn,
        contraction_rate=contraction,
        expansion_rate=draw(rates),
        new_customers_per_month=draw(counts),
        acquisition_growth_rate=draw(st.floats(min_value=-0.99, max_value=1.0, allow_nan=False)),
        new_customer_mrr=draw(money),
        months=draw(st.integers(min_value=1, max_value=max_months)),
    )


def within(actual: Any, expected: Any, *, scale: Any, rel: float = 1e-9) -> bool:
    """``actual`` equals ``expected`` to ``rel`` of ``scale``: the size of the terms that were added up.

    Floating-point error grows with the magnitudes a result is made from, not with the
    result (a bridge of 1e11 flows that nets to 3 is off by about 1e-5): tolerances scale
    with the terms, never with a fixed absolute floor.
    """
    import numpy as np

    gap = np.abs(np.asarray(actual, dtype=float) - np.asarray(expected, dtype=float))
    return bool((gap <= rel * np.maximum(np.asarray(scale, dtype=float), 1.0)).all())
