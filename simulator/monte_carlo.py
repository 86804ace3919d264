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

**The rates need not be known exactly.** With a
:class:`~simulator.rate_uncertainty.RateUncertainty`, each future first draws
its own churn, contraction and expansion around the scenario's (from a random
stream of their own, so the customers' luck is the same draw whatever the
range: with no range the result is exactly the luck-alone one), then plays its
customers out at those rates. :attr:`MonteCarlo.widths` says which of the two
makes the band wide: the law of total variance splits the variance of MRR
across futures into the variance of each future's expected path at its drawn
rates (the rates' part: luck removed) and the mean squared distance of a
future from its expected path (luck's part). Both come from the one
simulation; no second run is made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.rate_uncertainty import FIXED, RateUncertainty
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
    rates
        The range the futures drew their rates from (:data:`FIXED`: none).
    widths
        One row per month 0..months: ``mrr_width``, the P10-to-P90 width of
        MRR across futures (rates and luck both); ``mrr_width_rates_alone``,
        the same of each future's expected path at its drawn rates (luck
        removed); ``mrr_width_luck_alone``, an estimate of the width with the
        rates fixed (each future's MRR ÷ its expected path, times the
        scenario's expected path); and ``rates_share``, the share of the
        variance of MRR across futures that the rates make (0 with
        :data:`FIXED`; luck makes the rest; NaN where MRR does not vary).
    drawn_rates
        One row per future: its ``churn_rate`` (after recovered failed
        payments), ``contraction_rate`` and ``expansion_rate``, monthly.
    """

    bands: pd.DataFrame
    dip_share: float
    top_expansion_share: float
    paths: int
    customers: int
    starting_customers: int
    paths_asked: int = 0
    customers_per_account: int = 1
    rates: RateUncertainty = FIXED
    widths: pd.DataFrame = field(default_factory=pd.DataFrame)
    drawn_rates: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def reduced(self) -> bool:
        """Whether the work bound simulated fewer futures or grouped customers."""
        return self.paths < self.paths_asked or self.customers_per_account > 1

    @property
    def rates_share(self) -> float:
        """The share of the variance of MRR at the horizon that the rates' uncertainty makes."""
        return float(self.widths["rates_share"].iloc[-1])


def simulate(
    scenario: Scenario,
    *,
    paths: int = 1000,
    customers: int | None = None,
    skew: float = 1.0,
    seed: int = 0,
    event_size: float = 0.25,
    rates: RateUncertainty = FIXED,
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
        Share of an account's MRR that one contraction or expansion moves
        (more when a future's rates need it: the largest need of any future).
    rates
        How well the rates are known: each future draws its churn,
        contraction and expansion from this range, once for the horizon.
        :data:`FIXED` (the default) plays every future at the scenario's
        rates: luck alone.
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

    drawn = _drawn_rates(scenario, rates, paths, seed)
    thresholds, factors = _event_table(drawn, event_size)
    factors = factors.astype(np.float32)
    # One set of thresholds for every future compares against scalars, as fast as without a range.
    cuts = thresholds[:, 0] if rates.fixed else thresholds[:, :, None]
    # Each future's expected MRR at its drawn rates (luck removed), and the scenario's own.
    drawn_nrr = 1.0 - drawn[0] - drawn[1] + drawn[2]
    own_nrr = 1.0 - scenario.effective_churn_rate - scenario.contraction_rate + scenario.expansion_rate
    new_mrr = arrivals * scenario.new_customer_mrr
    expected = np.empty((paths, months + 1))
    expected[:, 0] = scenario.starting_mrr
    own = np.empty(months + 1)
    own[0] = scenario.starting_mrr
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
        event = (draw >= cuts[0]).view(np.int8) + (draw >= cuts[1]) + (draw >= cuts[2])
        after = factors[event] * before
        expansion_by_account[:, :existing] += np.maximum(after[:tracked] - before[:tracked], 0.0)
        start_total = before.sum(axis=1, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            nrr[:, t] = np.where(start_total > 0, after.sum(axis=1, dtype=np.float64) / start_total, np.nan)
        mrr[:, :existing] = after
        mrr[:, bounds[t] : bounds[t + 1]] = arriving[:, bounds[t] - starting : bounds[t + 1] - starting]
        total[:, t] = mrr.sum(axis=1, dtype=np.float64)
        expected[:, t] = expected[:, t - 1] * drawn_nrr + new_mrr[t - 1]
        own[t] = own[t - 1] * own_nrr + new_mrr[t - 1]
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
        rates=rates,
        widths=_widths(total, expected, own, fixed=rates.fixed),
        drawn_rates=pd.DataFrame(
            {"churn_rate": drawn[0], "contraction_rate": drawn[1], "expansion_rate": drawn[2]}
        ),
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


def _drawn_rates(scenario: Scenario, rates: RateUncertainty, paths: int, seed: int) -> np.ndarray:
    """Each future's churn, contraction and expansion, ``(3, paths)``: the scenario's times a draw.

    The draws (:meth:`RateUncertainty.multipliers`) come from a stream of their
    own, spawned from ``seed``, so the customers' stream is the same whatever the
    range. A draw is kept within the scenario's limits: churn at most 1,
    contraction at most what churn leaves, expansion at most 1.
    """
    own = np.array([scenario.effective_churn_rate, scenario.contraction_rate, scenario.expansion_rate])
    if rates.fixed:
        return np.repeat(own[:, None], paths, axis=1)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    churn, contraction, expansion = own[:, None] * rates.multipliers(rng, paths)
    churn = np.minimum(churn, 1.0)
    return np.stack([churn, np.minimum(contraction, 1.0 - churn), np.minimum(expansion, 1.0)])


def _event_table(drawn: np.ndarray, event_size: float) -> tuple[np.ndarray, np.ndarray]:
    """Each future's thresholds on a uniform draw, ``(3, paths)``, and the MRR factor of each outcome.

    Outcomes: 0 churn, 1 contraction, 2 expansion, 3 nothing. Probabilities
    churn = c, contraction = k / size, expansion = e / size, where the size
    grows if needed to keep the probabilities within 1: one size for every
    future (the largest any needs), so the factors are shared.
    """
    churn, contraction, expansion = drawn
    room = 1.0 - churn
    need = np.divide(contraction + expansion, room, out=np.full(room.shape, event_size), where=room > 0)
    size = max(event_size, float(need.max()))
    contraction_size = min(size, 1.0)
    p_contract = np.divide(contraction, contraction_size, out=np.zeros(room.shape), where=contraction > 0)
    p_expand = np.divide(expansion, size, out=np.zeros(room.shape), where=expansion > 0)
    thresholds = np.stack([churn, churn + p_contract, churn + p_contract + p_expand]).astype(np.float32)
    factors = np.array([0.0, 1.0 - contraction_size, 1.0 + size, 1.0])
    return thresholds, factors


def _widths(total: np.ndarray, expected: np.ndarray, own: np.ndarray, *, fixed: bool) -> pd.DataFrame:
    """Which of the rates and luck makes the band wide, month by month (:attr:`MonteCarlo.widths`).

    ``total`` is each future's MRR and ``expected`` its expected MRR at its
    drawn rates (paths × months 0..horizon); ``own`` is the expected MRR at
    the scenario's rates.
    By the law of total variance, Var(MRR) = Var(E[MRR | rates]) +
    E[Var(MRR | rates)]: the first is the variance of ``expected``, the second
    the mean of (``total`` − ``expected``)², whose expectation it is since a
    future's expected path is exactly its mean at its rates.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        luck_alone = np.where(expected > 0, total / expected, 1.0) * own
    rates_variance = np.zeros(own.shape) if fixed else expected.var(axis=0)
    luck_variance = ((total - expected) ** 2).mean(axis=0)
    spread = rates_variance + luck_variance
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(spread > 0, rates_variance / spread, np.nan)

    def width(values: np.ndarray) -> np.ndarray:
        low, _, high = _quantiles(values)
        gap: np.ndarray = high - low
        return gap

    return pd.DataFrame(
        {
            "month": np.arange(own.size),
            "mrr_width": width(total),
            "mrr_width_rates_alone": np.zeros(own.shape) if fixed else width(expected),
            "mrr_width_luck_alone": width(luck_alone),
            "rates_share": share,
        }
    )


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
