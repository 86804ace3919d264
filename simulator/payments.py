"""An export's payments: one per customer and month with MRR above 0, sorted by customer then month.

The shape every export metric is computed on (:mod:`simulator.metrics`,
:mod:`simulator.calibration`): work and memory proportional to the rows,
never to customers × months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Payments:
    """Every customer and month with MRR above 0, sorted by customer then month.

    Attributes
    ----------
    customer
        Position of the customer in :attr:`simulator.metrics.ExportMetrics.customer_ids` (int64).
    month
        Position of the month in :attr:`simulator.metrics.ExportMetrics.months` (int64).
    mrr
        The MRR of that customer in that month, all its rows added up (float64, > 0).
    """

    customer: np.ndarray
    month: np.ndarray
    mrr: np.ndarray

    def follows(self) -> np.ndarray:
        """Per payment, whether the same customer paid in the month just before (bool)."""
        follows = np.zeros(len(self.month), dtype=bool)
        np.equal(self.customer[1:], self.customer[:-1], out=follows[1:])
        follows[1:] &= self.month[1:] - self.month[:-1] == 1
        return follows

    def is_first(self) -> np.ndarray:
        """Per payment, whether it is its customer's first (bool)."""
        first = np.ones(len(self.customer), dtype=bool)
        np.not_equal(self.customer[1:], self.customer[:-1], out=first[1:])
        return first


def payments_of(customer: np.ndarray, month: np.ndarray, mrr: np.ndarray, n_months: int) -> Payments:
    """One payment per customer and month with MRR above 0, sorted by customer then month.

    An export that already comes one row per customer and month, in that
    order, with no zero rows, is taken as it is (no copy).
    """
    key = customer.astype(np.int64) * n_months + month
    if not bool(np.all(key[1:] > key[:-1])):
        if not bool(np.all(key[1:] >= key[:-1])):
            # Stable, so that the rows of one customer and month add up in file order.
            order = np.argsort(key, kind="stable")
            key, mrr = key[order], mrr[order]
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        key, mrr = key[starts], np.add.reduceat(mrr, starts)
        customer, month = key // n_months, key % n_months
    paying = mrr > 0
    if not bool(paying.all()):
        customer, month, mrr = customer[paying], month[paying], mrr[paying]
    return Payments(customer=customer.astype(np.int64, copy=False), month=month, mrr=mrr)


def a_year_on(payments: Payments, n_months: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of payments by one customer twelve months apart: their (earlier, later) positions.

    A customer's payments come in month order, one a month at most, so the
    one a year on is at most twelve payments on: exactly twelve when the
    customer paid every month in between (one comparison of shifted arrays
    finds most pairs), fewer after a gap.
    """
    customer, month = payments.customer, payments.month
    if len(month) == 0:
        return month, month
    twelve_on = np.zeros(len(month), dtype=bool)
    np.equal(customer[12:], customer[:-12], out=twelve_on[:-12])
    twelve_on[:-12] &= month[12:] - month[:-12] == 12
    earlier = np.flatnonzero(twelve_on)
    found_early, found_later = [earlier], [earlier + 12]
    # The others: only a customer still paying a year on can have a pair (after a gap).
    last = np.flatnonzero(np.append(payments.is_first()[1:], True))
    last_month = np.zeros(int(customer[-1]) + 1 if len(customer) else 0, dtype=month.dtype)
    last_month[customer[last]] = month[last]
    rest = np.flatnonzero(~twelve_on & (month < n_months - 12))
    rest = rest[last_month[customer[rest]] >= month[rest] + 12]
    customer_rest, year_on = customer[rest], month[rest] + 12
    # One step per possible distance (eleven, whatever the data), over those few payments.
    for distance in range(1, 12):
        candidate = np.minimum(rest + distance, len(month) - 1)
        hit = (candidate == rest + distance) & (customer[candidate] == customer_rest)
        hit &= month[candidate] == year_on
        found_early.append(rest[hit])
        found_later.append(candidate[hit])
    return np.concatenate(found_early), np.concatenate(found_later)
