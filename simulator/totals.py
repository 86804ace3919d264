"""Additive monthly sums of a group of cohorts: what both models produce, and the table is made from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Totals:
    """The additive monthly sums a projection's table is made from (it alone takes ratios).

    Every array has one value per month 0..months. ``trailing_now`` is the
    MRR at t of the cohorts present at t − 12, ``trailing_gross`` the same
    with no expansion since t − 12 (both 0 before month 12).
    """

    cohort_mrr: np.ndarray
    new_mrr: np.ndarray
    new_customers: np.ndarray
    churned: np.ndarray
    contraction: np.ndarray
    expansion: np.ndarray
    customers: np.ndarray | None
    trailing_now: np.ndarray
    trailing_gross: np.ndarray

    @staticmethod
    def add(parts: list[Totals]) -> Totals:
        """The sum of several groups of cohorts (segments, plan types)."""
        if len(parts) == 1:
            return parts[0]
        known = [part.customers for part in parts if part.customers is not None]
        return Totals(
            cohort_mrr=np.sum([part.cohort_mrr for part in parts], axis=0),
            new_mrr=np.sum([part.new_mrr for part in parts], axis=0),
            new_customers=np.sum([part.new_customers for part in parts], axis=0),
            churned=np.sum([part.churned for part in parts], axis=0),
            contraction=np.sum([part.contraction for part in parts], axis=0),
            expansion=np.sum([part.expansion for part in parts], axis=0),
            customers=np.sum(known, axis=0) if len(known) == len(parts) else None,
            trailing_now=np.sum([part.trailing_now for part in parts], axis=0),
            trailing_gross=np.sum([part.trailing_gross for part in parts], axis=0),
        )
