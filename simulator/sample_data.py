"""A seeded, realistic MRR export: the app's sample data and the benchmarks' large files.

Behaviour built in: acquisition that grows with a seasonal dip in summer
and a December push; three segments (SMB, Mid-market, Enterprise) with
their own account sizes and churn; churn that is three times higher in a
customer's first three months; a few large accounts that expand a lot;
downgrades; and churned customers who sometimes come back.

Usage: ``python -m simulator.sample_data [N_CUSTOMERS] [MONTHS] > export.csv``.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from simulator.export import month_labels

_SEGMENTS = np.array(["SMB", "Mid-market", "Enterprise"])
_SEGMENT_SHARE = np.array([0.70, 0.25, 0.05])
_MEDIAN_MRR = np.array([80.0, 600.0, 4_000.0])
_MONTHLY_CHURN = np.array([0.025, 0.012, 0.005])
_FIRST_MONTH = (2023 - 1970) * 12  # January 2023


def generate_export(n_customers: int = 500, *, months: int = 36, seed: int = 7) -> pd.DataFrame:
    """A synthetic MRR export with columns ``customer_id, month, mrr, segment``.

    The same arguments always give the same frame. Months when a customer
    pays nothing have no row, as in a real billing export.

    Parameters
    ----------
    n_customers
        Customers ever acquired, the first fifth of them already paying in month 1.
    months
        Months covered, from January 2023.
    seed
        Seed of the random generator.
    """
    rng = np.random.default_rng(seed)
    segment = rng.choice(len(_SEGMENTS), size=n_customers, p=_SEGMENT_SHARE)
    start = _start_months(rng, n_customers, months)
    size = _MEDIAN_MRR[segment] * rng.lognormal(0.0, 0.6, n_customers)
    # About one account in 25 is a land-and-expand account.
    expander = rng.random(n_customers) < 0.04

    mrr = np.zeros((n_customers, months))
    current = np.zeros(n_customers)
    active = np.zeros(n_customers, dtype=bool)
    churned = np.zeros(n_customers, dtype=bool)
    # One step per month, over all customers at once.
    for month in range(months):
        arriving = start == month
        current[arriving] = size[arriving]
        active |= arriving
        age = month - start
        churn = _MONTHLY_CHURN[segment] * np.where(age < 3, 3.0, 1.0) * np.where(expander, 0.3, 1.0)
        leaving = active & ~arriving & (rng.random(n_customers) < churn)
        active &= ~leaving
        churned |= leaving
        back = churned & ~active & (rng.random(n_customers) < 0.02)
        active |= back
        churned &= ~back

        draw = rng.random(n_customers)
        grow_chance = np.where(expander, 0.25, 0.07)
        grows = active & ~arriving & (draw < grow_chance)
        shrinks = active & ~arriving & ~grows & (draw > 0.97)
        step = np.where(expander, rng.uniform(0.10, 0.40, n_customers), rng.uniform(0.05, 0.30, n_customers))
        current = np.where(grows, current * (1 + step), current)
        current = np.where(shrinks, current * (1 - rng.uniform(0.10, 0.50, n_customers)), current)
        mrr[:, month] = np.where(active, np.round(current, 2), 0.0)

    customer, month_index = np.nonzero(mrr > 0)
    return pd.DataFrame(
        {
            "customer_id": pd.Series(customer).map("C{:06d}".format).to_numpy(),
            "month": np.asarray(month_labels(_FIRST_MONTH + np.arange(months)))[month_index],
            "mrr": mrr[customer, month_index],
            "segment": _SEGMENTS[segment[customer]],
        }
    )


def _start_months(rng: np.random.Generator, n_customers: int, months: int) -> np.ndarray:
    """Month each customer first pays: a fifth at once, the rest on a growing, seasonal curve."""
    month = np.arange(months)
    calendar = month % 12
    seasonal = 1.0 - 0.25 * np.isin(calendar, (6, 7)) + 0.3 * (calendar == 11)
    weight = (1.02**month) * seasonal
    later = rng.choice(months, size=n_customers, p=weight / weight.sum())
    return np.where(rng.random(n_customers) < 0.2, 0, later)


def main(argv: list[str] | None = None) -> int:
    """Write a sample export as CSV to standard output."""
    args = sys.argv[1:] if argv is None else argv
    n_customers = int(args[0]) if args else 500
    months = int(args[1]) if len(args) > 1 else 36
    generate_export(n_customers, months=months).to_csv(sys.stdout, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
