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


def worked_example_two_csv() -> str:
    """domain.md's worked example 2 as an export: 50 customers, $100k a month through 2023; in
    2024-01 10 upgrade by $20k in all, 5 downgrade by $5k and 2 leave costing $10k ($105k)."""
    rows = []
    for customer in range(50):
        start = 5_000 if customer < 2 else 90_000 / 48
        if customer < 2:
            end = 0.0
        elif customer < 12:
            end = start + 2_000
        elif customer < 17:
            end = start - 1_000
        else:
            end = start
        rows += [f"c{customer},2023-{month:02d},{start}\n" for month in range(1, 13)]
        if end:
            rows.append(f"c{customer},2024-01,{end}\n")
    return "customer_id,month,mrr\n" + "".join(rows)
