"""Hypothesis strategies shared by the engine tests: the whole valid scenario space."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from simulator import Scenario

rates = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
money = st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=1e7, allow_nan=False))
counts = st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=1e4, allow_nan=False))


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
