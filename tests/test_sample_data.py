"""The seeded sample export, checked by the metrics' own invariants."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.export import read_export
from simulator.metrics import analyse, rebuilt_ending
from simulator.sample_data import generate_export


@pytest.fixture(scope="module")
def sample() -> tuple:
    frame = generate_export()
    return frame, analyse(read_export(frame.to_csv(index=False).encode()))


def test_the_same_seed_gives_the_same_file_and_another_seed_another() -> None:
    assert generate_export(50, months=12).equals(generate_export(50, months=12))
    assert not generate_export(50, months=12, seed=1).equals(generate_export(50, months=12, seed=2))


def test_about_500_customers_over_36_months_in_three_segments(sample: tuple) -> None:
    frame, result = sample
    assert frame["customer_id"].nunique() == pytest.approx(500, rel=0.1)
    assert len(result.months) == 36
    assert set(frame["segment"]) == {"SMB", "Mid-market", "Enterprise"}


def test_the_sample_balances_and_shows_every_kind_of_flow(sample: tuple) -> None:
    _, result = sample
    table = result.monthly
    rebuilt = rebuilt_ending(table)
    assert rebuilt.to_numpy() == pytest.approx(table["ending_mrr"].to_numpy(), abs=0.02)
    for flow in ("new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"):
        assert table[flow].sum() > 0, flow
    assert 0.85 < table["nrr_trailing_12"].dropna().mean() < 1.25


def test_a_few_large_accounts_carry_most_of_the_expansion(sample: tuple) -> None:
    _, result = sample
    growth = np.clip(np.diff(result.matrix, axis=1), 0, None)
    growth[:, :][result.matrix[:, :-1] == 0] = 0  # expansion only, not new or returning
    per_customer = growth.sum(axis=1)
    top = np.sort(per_customer)[::-1][: len(per_customer) // 10]
    assert top.sum() / per_customer.sum() > 0.5


def test_young_customers_churn_more_than_established_ones(sample: tuple) -> None:
    _, result = sample
    paying = result.matrix > 0
    first = paying.argmax(axis=1)
    age = np.arange(paying.shape[1])[None, :] - first[:, None]
    left = paying[:, :-1] & ~paying[:, 1:]
    at_risk = paying[:, :-1]
    young = (age[:, :-1] < 3) & at_risk
    old = (age[:, :-1] >= 6) & at_risk
    assert left[young].mean() > 1.5 * left[old].mean()
