"""Scenarios the tests share, each with what it stands for (hand-computed values live in the tests)."""

from __future__ import annotations

from simulator import Scenario

#: domain.md's worked example 1 (3% churn, 1% contraction, 6% expansion: 102% a month) from
#: 50 customers paying $2,000 each, with 5 new customers a month at the same $2,000: the
#: sidebar's defaults.
WORKED_EXAMPLE = Scenario(
    starting_mrr=100_000,
    starting_customers=50,
    churn_rate=0.03,
    contraction_rate=0.01,
    expansion_rate=0.06,
    new_customers_per_month=5,
    new_customer_mrr=2_000,
    months=36,
)
#: A base that shrinks (98% a month) while 10 new customers at $500 come in: a plateau of
#: $5,000 ÷ 2% = $250,000, over five years.
LEAKY = Scenario(
    starting_mrr=100_000,
    churn_rate=0.03,
    contraction_rate=0.01,
    expansion_rate=0.02,
    new_customers_per_month=10,
    new_customer_mrr=500,
    months=60,
)
