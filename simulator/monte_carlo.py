"""Uncertainty: a customer-level Monte Carlo of the scenario, seeded and reproducible.

Each month every customer, independently, churns, contracts, expands or stays,
with probabilities that make the expected flows equal the scenario's rates:
a contraction takes ``event_size`` off the account, an expansion adds it (the
size grows when the rates need it, so probabilities stay within 1). Account
sizes follow a lognormal distribution whose ``skew`` (its sigma) the user
sets; 0 makes every account the same size. New customers arrive in slots of
``ceil(n(t))`` per month, each filled with probability ``n(t) / ceil(n(t))``,
so that the expected arrivals are the scenario's.

The simulation steps month by month (a customer's state depends on the month
before) but every step works on all paths × customers at once.

**The work is bounded** whatever the scenario: at most
:data:`MAX_ACCOUNT_MONTHS` account-months in all (about a second here). A
larger run first simulates fewer futures (down to :data:`MIN_PATHS`), then
lets each simulated account stand for several customers
(:attr:`MonteCarlo.customers_per_account`): the expected MRR is unchanged,
and the bands are somewhat wider than that many separate customers would
give. :attr:`MonteCarlo.reduced` says when either happened.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.scenario import Scenario

QUANTILES = (0.10, 0.50, 0.90)
#: Accounts that stand for today's MRR when the scenario has no customer count.
STAND_INS = 2_000
#: Paths whose accounts are followed for the expansion-concentration figure.
TRACKED_PATHS = 100
#: The most account-months one simulation works through (paths × account slots × months).
MAX_ACCOUNT_MONTHS = 120_000_000
#: The fewest futures a bounded simulation keeps before it groups customers.
MIN_PATHS = 200


@dataclass(frozen=True)
class MonteCarlo:
    """The result of :func:`simulate`.

    Attributes
    ----------
    bands
        One row per month 0..months with the P10, P50 and P90 of MRR
        (``mrr_p10`` …), monthly NRR (``nrr_month_p10`` …) and trailing-12
        NRR (``nrr_trailing_12_p10`` …) across paths, and the mean MRR
        (``mrr_mean``).
    dip_share
        Share of path-months whose monthly NRR is below 100% while the
        average monthly NRR across paths (that month) is at or above it.
    top_expansion_share
        Median across paths (the first 100) of the share of all expansion
        that came from the top 10% of accounts.
    paths, customers
        Paths simulated; customer slots per path (starting customers plus
        arrival slots).
    starting_customers
        The customers today's MRR was spread over: the scenario's count, or
        :data:`STAND_INS` when it has none.
    paths_asked
        The futures asked for (``paths`` is fewer when the work bound cut them).
    customers_per_account
        How many customers one simulated account stands for (1 unless the
        work bound grouped them).
    """

    bands: pd.DataFrame
    dip_share: float
    top_expansion_share: float
    paths: int
    customers: int
    starting_customers: int
    paths_asked: int = 0
    customers_per_account: int = 1

    @property
    def reduced(self) -> bool:
        """Whether the work bound simulated fewer futures or grouped customers."""
        return self.paths < self.paths_asked or self.customers_per_account > 1


def simulate(
    scenario: Scenario,
    *,
    paths: int = 1000,
    customers: int | None = None,
    skew: float = 1.0,
    seed: int = 0,
    event_size: float = 0.25,
) -> MonteCarlo:
    """Simulate ``paths`` futures of the scenario's core levers, customer by customer.

    Parameters
    ----------
    scenario
        The levers (involuntary churn recovery is included through the
        effective churn rate; the other refinements are the deterministic
        engine's).
    paths
        Number of simulated futures.
    customers
        Starting customers; defaults to the scenario's count, else (none, or 0
        with MRR to spread) :data:`STAND_INS`.
    skew
        Sigma of the lognormal account sizes (0 to 3).
    seed
        Seed of the random generator: the same seed gives the same result.
    event_size
        Share of an account's MRR that one contraction or expansion moves.
    """
    if not 1 <= paths <= 100_000:
        raise ValueError(f"paths is {paths}, outside the allowed range (1 to 100000)")
    if not 0.0 <= skew <= 3.0:
        raise ValueError(f"skew is {skew}, outside the allowed range (0 to 3)")
    rng = np.random.default_rng(seed)
    months = scenario.months
    wanted = customers if customers is not None else scenario.starting_customers or STAND_INS
    month = np.arange(1, months + 1)
    arrivals = scenario.new_customers_per_month * (1.0 + scenario.acquisition_growth_rate) ** (month - 1.0)
    paths_asked = paths
    paths, group = _bounded(paths, float(wanted), arrivals, months)
    starting = max(int(round(wanted / group)), 1)
    # Arrival slots: ceil(n(t)) per month, each filled with probability n(t)/ceil(n(t)).
    expected_new = arrivals / group
    slots_per_month = np.ceil(expected_new - 1e-9).astype(np.int64)
    slot_month = np.repeat(month, slots_per_month)
    fill = np.repeat(
        np.divide(expected_new, slots_per_month, where=slots_per_month > 0, out=np.zeros(months)),
        slots_per_month,
    )
    slots = starting + slot_month.size
    # Cohort boundaries among the slots (slots are in arrival order): cohort m spans bounds[m]:bounds[m+1].
    bounds = np.concatenate(([0], starting + np.cumsum(np.concatenate(([0], slots_per_month)))))

    sizes = _account_sizes(rng, (paths, slots), skew)
    # float32 halves the memory traffic of the monthly step; totals are summed in float64.
    mrr = np.zeros((paths, slots), dtype=np.float32)
    mrr[:, :starting] = sizes[:, :starting] * (scenario.starting_mrr / starting)
    arriving = np.where(
        rng.random((paths, slot_month.size)) < fill,
        sizes[:, starting:] * scenario.new_customer_mrr * group,
        0.0,
    ).astype(np.float32)

    thresholds, factors = _event_table(scenario, event_size)
    factors = factors.astype(np.float32)
    tracked = min(paths, TRACKED_PATHS)
    expansion_by_account = np.zeros((tracked, slots))
    total = np.zeros((paths, months + 1))
    total[:, 0] = mrr.sum(axis=1, dtype=np.float64)
    nrr = np.full((paths, months + 1), np.nan)
    trailing_now = np.zeros((paths, months + 1))
    for t in range(1, months + 1):
        existing = bounds[t]  # slots that arrived before month t
        before = mrr[:, :existing]
        draw = rng.random(before.shape, dtype=np.float32)
        event = (draw >= thresholds[0]).view(np.int8) + (draw >= thresholds[1]) + (draw >= thresholds[2])
        after = factors[event] * before
        expansion_by_account[:, :existing] += np.maximum(after[:tracked] - before[:tracked], 0.0)
        start_total = before.sum(axis=1, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            nrr[:, t] = np.where(start_total > 0, after.sum(axis=1, dtype=np.float64) / start_total, np.nan)
        mrr[:, :existing] = after
        mrr[:, bounds[t] : bounds[t + 1]] = arriving[:, bounds[t] - starting : bounds[t + 1] - starting]
        total[:, t] = mrr.sum(axis=1, dtype=np.float64)
        if t >= 12:
            # The customers present at t - 12 are the slots that arrived by then.
            trailing_now[:, t] = mrr[:, : bounds[t - 11]].sum(axis=1, dtype=np.float64)

    trailing = np.full((paths, months + 1), np.nan)
    if months >= 12:
        then = total[:, :-12]
        with np.errstate(divide="ignore", invalid="ignore"):
            trailing[:, 12:] = np.where(then > 0, trailing_now[:, 12:] / then, np.nan)

    bands: dict[str, np.ndarray] = {"month": np.arange(months + 1), "mrr_mean": total.mean(axis=0)}
    for name, values in (("mrr", total), ("nrr_month", nrr), ("nrr_trailing_12", trailing)):
        for quantile, level in zip(QUANTILES, _quantiles(values), strict=True):
            bands[f"{name}_p{round(quantile * 100)}"] = level

    finite = np.isfinite(nrr[:, 1:])
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_nrr = np.where(finite, nrr[:, 1:], 0.0).sum(axis=0) / finite.sum(axis=0)
    healthy_months = finite.any(axis=0) & (mean_nrr >= 1.0)
    dips = nrr[:, 1:][:, healthy_months]
    dips = dips[np.isfinite(dips)] < 1.0
    return MonteCarlo(
        bands=pd.DataFrame(bands),
        dip_share=float(dips.mean()) if dips.size else math.nan,
        top_expansion_share=_top_share(expansion_by_account),
        paths=paths,
        customers=slots,
        starting_customers=int(round(wanted)) if group > 1 else starting,
        paths_asked=paths_asked,
        customers_per_account=group,
    )


def _bounded(paths: int, starting: float, arrivals: np.ndarray, months: int) -> tuple[int, int]:
    """Futures to simulate and customers per account, within :data:`MAX_ACCOUNT_MONTHS`.

    >>> _bounded(1_000, 2_000, np.zeros(60), 60)
    (1000, 1)
    >>> _bounded(5_000, 40_000, np.full(120, 400.0), 120)
    (200, 18)
    """

    def work(futures: int, group: int) -> float:
        slots = max(round(starting / group), 1) + float(np.ceil(arrivals / group - 1e-9).sum())
        return futures * slots * months

    if work(paths, 1) <= MAX_ACCOUNT_MONTHS:
        return paths, 1
    fewer = max(min(paths, MIN_PATHS), int(MAX_ACCOUNT_MONTHS // work(1, 1)))
    if work(fewer, 1) <= MAX_ACCOUNT_MONTHS:
        return fewer, 1
    group = max(2, math.ceil(work(fewer, 1) / MAX_ACCOUNT_MONTHS))
    while work(fewer, group) > MAX_ACCOUNT_MONTHS:
        group = math.ceil(group * 1.25)
    return fewer, group


def simulated_scenario(scenario: Scenario) -> Scenario:
    """The scenario the simulation plays out: the basic levers and recovered failed payments.

    The customer-level simulation does not model segments, early-life churn,
    annual plans, the ceiling or the plan's initiatives; its average path is
    this scenario's projection.
    """
    return scenario.replace(
        segments=(),
        early_churn_multiple=1.0,
        early_churn_months=0,
        annual_plan_share=0.0,
        expansion_ceiling=None,
        initiatives=(),
    )


def _account_sizes(rng: np.random.Generator, shape: tuple[int, int], skew: float) -> np.ndarray:
    """Lognormal account sizes with mean 1."""
    if skew == 0.0:
        return np.ones(shape)
    return rng.lognormal(-(skew**2) / 2.0, skew, size=shape)


def _event_table(scenario: Scenario, event_size: float) -> tuple[np.ndarray, np.ndarray]:
    """Thresholds on a uniform draw and the MRR factor of each outcome.

    Outcomes: 0 churn, 1 contraction, 2 expansion, 3 nothing. Probabilities
    churn = c, contraction = k / size, expansion = e / size, where the size
    grows if needed to keep the probabilities within 1.
    """
    churn = scenario.effective_churn_rate
    contraction, expansion = scenario.contraction_rate, scenario.expansion_rate
    room = 1.0 - churn
    size = max(event_size, (contraction + expansion) / room if room > 0 else event_size)
    contraction_size = min(size, 1.0)
    p_contract = contraction / contraction_size if contraction else 0.0
    p_expand = expansion / size if expansion else 0.0
    thresholds = np.array([churn, churn + p_contract, churn + p_contract + p_expand], dtype=np.float32)
    factors = np.array([0.0, 1.0 - contraction_size, 1.0 + size, 1.0])
    return thresholds, factors


def _quantiles(values: np.ndarray) -> np.ndarray:
    """Quantiles per month, NaN where no path has a value."""
    levels = np.full((len(QUANTILES), values.shape[1]), np.nan)
    defined = np.isfinite(values).any(axis=0)
    if defined.any():
        levels[:, defined] = np.nanquantile(values[:, defined], QUANTILES, axis=0)
    return levels


def _top_share(expansion_by_account: np.ndarray) -> float:
    """Median over paths of the share of expansion from the top 10% of accounts."""
    total = expansion_by_account.sum(axis=1)
    if not (total > 0).any():
        return math.nan
    count = max(1, math.ceil(0.1 * expansion_by_account.shape[1]))
    top = -np.partition(-expansion_by_account, count - 1, axis=1)[:, :count]
    shares = top.sum(axis=1)[total > 0] / total[total > 0]
    return float(np.median(shares))
