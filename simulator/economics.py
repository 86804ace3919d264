"""Unit economics of a scenario: what a new customer is worth, how fast it pays back its cost, and how
fast revenue is won against revenue lost.

**Lifetime value, counting expansion** (:attr:`UnitEconomics.ltv`). The
projection's own cohort: one customer acquired in month 1 (with segments, the
blend of new customers by their shares), followed for ``lifetime_months``
under every lever of the scenario (churn, contraction, expansion, and any
refinement: early-life churn, annual plans, an expansion ceiling, the plan's
initiatives). Its MRR in the ``a``-th month of its life (``a`` = 0 for the
month it joins) is kept at the gross margin and discounted at
``(1 + discount_rate) ^ (−a / 12)``:

    LTV = margin × Σ_{a=0}^{L−1} revenue_a × (1 + d) ^ (−a/12)

In the core model ``revenue_a = m × r^a`` (``m`` the new customer's MRR,
``r`` the monthly NRR), so with ``q = r × (1 + d) ^ (−1/12)``,
``LTV = margin × m × (1 − q^L) ÷ (1 − q)``: the closed form the tests check.

**The traditional figure** (:attr:`UnitEconomics.traditional_ltv`) is revenue
÷ churn: ``m × margin ÷ monthly logo churn``. It assumes a customer pays the
same every month until they leave, so it misses expansion (and contraction,
early-life churn, discounting): for expanding customers it undercounts.
:attr:`UnitEconomics.undercount` is the gap, and
:attr:`UnitEconomics.expansion_value` what expansion alone adds to the
cohort's LTV (the same cohort with no expansion, same lifetime and discount).

**CAC payback** (:attr:`UnitEconomics.payback_months`), gross-margin
adjusted: ``CAC ÷ (m × margin)``, the months of a new customer's first
margin that repay what acquiring it cost (the usual investor formula).
:attr:`UnitEconomics.cohort_payback_months` is the same on the cohort's
projected revenue, churn and expansion included: when its cumulative margin
(undiscounted) reaches CAC, within the month by linear interpolation.

**Quick ratio**: (new + reactivation + expansion) ÷ (churned + contraction)
over the first year of the projection (:func:`simulator.arr.scenario_bridge`);
**logo churn** beside **revenue churn**: month 1's share of customers lost,
and of MRR lost to churn and contraction (1 − monthly GRR). Logo churn is the
MRR lost to cancellations alone (:attr:`UnitEconomics.cancelled_mrr_churn`) ÷
the churned accounts' size (``churned_size_multiple``): equal at 1, twice it
when churned customers are half the average account. Revenue ÷ churn divides
by logo churn: a customer's expected life is 1 ÷ the share of customers who
leave a month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from simulator.arr import scenario_bridge
from simulator.projection import project
from simulator.scenario import Scenario, ScenarioError
from simulator.summary import Summary

#: A yearly discount rate of 10%: a common cost of capital for a software company.
DEFAULT_DISCOUNT_RATE = 0.10
#: Five years: LTV with expansion has no finite value when NRR outgrows the discount, so it is capped.
DEFAULT_LIFETIME_MONTHS = 60
#: The longest lifetime followed (20 years).
MAX_LIFETIME_MONTHS = 240


@dataclass(frozen=True)
class UnitEconomics:
    """A scenario's unit economics (see the module docstring for every formula).

    Money is per new customer, in the scenario's currency; rates are monthly
    fractions. A figure that does not exist is NaN (no CAC set) or ``inf``
    (revenue ÷ churn with no churn; a payback never reached).

    Attributes
    ----------
    discount_rate, lifetime_months
        The yearly discount rate and the months the cohort is followed.
    gross_margin, cac
        As the scenario sets them (``None`` when not set: LTV is then revenue, not margin).
    first_mrr
        What a new customer pays in the month it joins.
    revenue, revenue_without_expansion
        Its MRR in each month of its life (``lifetime_months`` values), and the same with no expansion.
    ltv, ltv_without_expansion, traditional_ltv
        Lifetime value counting expansion; the same cohort without expansion; revenue ÷ churn.
    ltv_to_cac, traditional_ltv_to_cac
        Each LTV ÷ CAC.
    payback_months, cohort_payback_months
        CAC payback on the first month's margin, and on the cohort's cumulative margin.
    quick_ratio, quick_ratio_period
        The first year's quick ratio, and the months it covers (``"months 1–12"``).
    logo_churn, revenue_churn, net_revenue_churn
        Month 1's share of customers lost; of MRR lost to churn and
        contraction; and 1 − monthly NRR (below 0: the base grows).
    cancelled_mrr_churn
        Month 1's share of MRR lost to cancellations alone (no contraction):
        what leaves with the customers of :attr:`logo_churn`.
    churned_size_multiple
        The scenario's churned customer's MRR ÷ the average account's.
    """

    discount_rate: float
    lifetime_months: int
    gross_margin: float | None
    cac: float | None
    first_mrr: float
    revenue: np.ndarray
    revenue_without_expansion: np.ndarray
    ltv: float
    ltv_without_expansion: float
    traditional_ltv: float
    ltv_to_cac: float
    traditional_ltv_to_cac: float
    payback_months: float
    cohort_payback_months: float
    quick_ratio: float
    quick_ratio_period: str
    logo_churn: float
    revenue_churn: float
    net_revenue_churn: float
    cancelled_mrr_churn: float
    churned_size_multiple: float

    @property
    def margin(self) -> float:
        """The share of revenue kept: the gross margin, or 1 when none is set."""
        return 1.0 if self.gross_margin is None else self.gross_margin

    @property
    def first_margin(self) -> float:
        """What a new customer's first month leaves: its MRR × the margin (what payback divides CAC by)."""
        return self.first_mrr * self.margin

    @property
    def undercount(self) -> float:
        """LTV counting expansion minus revenue ÷ churn (below 0: revenue ÷ churn says more)."""
        return self.ltv - self.traditional_ltv

    @property
    def expansion_value(self) -> float:
        """What expansion adds to the cohort's LTV, same lifetime and discount."""
        return self.ltv - self.ltv_without_expansion

    def cumulative_margin(self, *, expansion: bool = True) -> np.ndarray:
        """The cohort's margin added up month by month (undiscounted): month ``a`` holds months 0..a."""
        revenue = self.revenue if expansion else self.revenue_without_expansion
        return np.cumsum(revenue) * self.margin


def unit_economics(
    summary: Summary,
    *,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    lifetime_months: int = DEFAULT_LIFETIME_MONTHS,
) -> UnitEconomics:
    """The unit economics of ``summary``'s scenario (see the module docstring).

    Raises
    ------
    ScenarioError
        When the discount rate is outside 0 to 1 or the lifetime outside 1 to
        :data:`MAX_LIFETIME_MONTHS` months.

    Examples
    --------
    domain.md's worked example 1 (102% a month) for a new customer paying
    $2,000, CAC $6,000, 75% margin: revenue ÷ churn says 2,000 × 0.75 ÷ 3% =
    $50,000; payback is 6,000 ÷ 1,500 = 4 months.

    >>> from simulator.summary import summarise
    >>> scenario = Scenario(starting_mrr=100_000, starting_customers=50, churn_rate=0.03,
    ...     contraction_rate=0.01, expansion_rate=0.06, new_customer_mrr=2_000, cac=6_000, gross_margin=0.75)
    >>> result = unit_economics(summarise(scenario))
    >>> round(result.traditional_ltv, 6), round(result.payback_months, 12), round(result.logo_churn, 12)
    (50000.0, 4.0, 0.03)
    """
    if not (isinstance(discount_rate, (int, float)) and 0.0 <= discount_rate <= 1.0):
        raise ScenarioError(
            f"discount_rate is {discount_rate!r}, outside the allowed range (0 to 1 a year, as a "
            "fraction: 0.1 means 10%)"
        )
    if isinstance(lifetime_months, bool) or not (
        isinstance(lifetime_months, int) and 1 <= lifetime_months <= MAX_LIFETIME_MONTHS
    ):
        raise ScenarioError(
            f"lifetime_months is {lifetime_months!r}, outside the allowed range (1 to {MAX_LIFETIME_MONTHS})"
        )
    scenario = summary.scenario
    margin = 1.0 if scenario.gross_margin is None else scenario.gross_margin
    revenue = cohort_revenue(scenario, months=lifetime_months)
    flat = cohort_revenue(_without_expansion(scenario), months=lifetime_months)
    discount = (1.0 + discount_rate) ** (-np.arange(lifetime_months) / 12.0)
    ltv = margin * float(revenue @ discount)
    ltv_flat = margin * float(flat @ discount)
    first_mrr = float(revenue[0])
    logo, cancelled = month_one_churn(scenario)
    traditional = _ratio(first_mrr * margin, logo)
    cac = scenario.cac
    bridge = scenario_bridge(summary.projection)
    return UnitEconomics(
        discount_rate=float(discount_rate),
        lifetime_months=lifetime_months,
        gross_margin=scenario.gross_margin,
        cac=cac,
        first_mrr=first_mrr,
        revenue=revenue,
        revenue_without_expansion=flat,
        ltv=ltv,
        ltv_without_expansion=ltv_flat,
        traditional_ltv=traditional,
        ltv_to_cac=math.nan if cac is None else _ratio(ltv, cac),
        traditional_ltv_to_cac=math.nan if cac is None else _ratio(traditional, cac),
        payback_months=math.nan if cac is None else _ratio(cac, first_mrr * margin),
        cohort_payback_months=math.nan if cac is None else _payback(revenue * margin, cac),
        quick_ratio=float(bridge["quick_ratio"].to_numpy()[0]),
        quick_ratio_period=f"months {bridge['first_month'].iat[0]}–{bridge['last_month'].iat[0]}",
        logo_churn=logo,
        revenue_churn=1.0 - summary.monthly_grr,
        net_revenue_churn=1.0 - summary.monthly_nrr,
        cancelled_mrr_churn=cancelled,
        churned_size_multiple=scenario.churned_size_multiple,
    )


def cohort_revenue(scenario: Scenario, *, months: int) -> np.ndarray:
    """What one customer acquired in month 1 pays in each of its first ``months`` months.

    The scenario's own projection with no starting base and one new customer a
    month (the plan's changes to acquisition volume dropped: they change how
    many customers come, not what one is worth); the cohort of month 1 is
    read off it.
    """
    cohort = scenario.replace(
        starting_mrr=0.0,
        starting_customers=None,
        new_customers_per_month=1.0,
        acquisition_growth_rate=0.0,
        months=months,
        initiatives=[i for i in scenario.initiatives if i.lever != "new_customers_per_month"],
    )
    revenue: np.ndarray = project(cohort).cohort_mrr[1, 1:]
    return revenue


def logo_churn(scenario: Scenario) -> float:
    """Month 1's share of today's customers who leave (with segments, their customer-weighted blend).

    The count does not change the share, so it is measured on one customer.
    """
    return month_one_churn(scenario)[0]


def month_one_churn(scenario: Scenario) -> tuple[float, float]:
    """Month 1's logo churn and the share of MRR lost to cancellations (no contraction) with it.

    Both are shares of today's customers, measured on one customer paying 1:
    the count and the MRR do not change them. With segments, logo churn is
    their customer-weighted blend and the MRR share their MRR-weighted one.

    >>> skewed = Scenario(starting_mrr=9, churn_rate=0.03, churned_size_multiple=0.5)
    >>> logo, cancelled = month_one_churn(skewed)
    >>> round(logo, 12), round(cancelled, 12)
    (0.06, 0.03)
    """
    # Today's customers alone (new ones arrive at month 1's end and never churn in it): the
    # segments' and plans' shares of the one add up to it only to a float's precision, so the
    # share lost is taken on the same sum at months 0 and 1.
    counted = scenario.replace(
        starting_customers=1.0, starting_mrr=1.0, new_customers_per_month=0.0, months=1
    )
    table = project(counted).table
    customers = table["customers"].to_numpy(dtype=float)
    mrr = table["mrr"].to_numpy(dtype=float)
    churned = table["churned_mrr"].to_numpy(dtype=float)
    return float((customers[0] - customers[1]) / customers[0]), float(churned[1] / mrr[0])


def _without_expansion(scenario: Scenario) -> Scenario:
    """The same scenario with no expansion anywhere: its levers, its segments, its plan."""
    return scenario.replace(
        expansion_rate=0.0,
        segments=[replace(segment, expansion_rate=0.0) for segment in scenario.segments],
        initiatives=[i for i in scenario.initiatives if i.lever != "expansion_rate"],
    )


def _ratio(top: float, bottom: float) -> float:
    """``top ÷ bottom``; ``inf`` over 0 (0 ÷ 0 is 0: nothing to repay, or nothing earned)."""
    if bottom > 0:
        return top / bottom
    return math.inf if top > 0 else 0.0


def _payback(margin: np.ndarray, cac: float) -> float:
    """Months until the cumulative margin reaches ``cac``, within the month by linear interpolation.

    ``margin[a]`` is earned in month ``a`` (0 for the month the customer joins): the payback is
    ``n + (cac − earned before month n) ÷ margin[n]`` for the first month ``n`` that reaches it,
    ``inf`` when the lifetime never does.

    >>> _payback(np.array([1500.0, 1530.0, 1560.6, 1591.812]), 6000.0)
    3.8854...
    """
    if cac <= 0:
        return 0.0
    earned = np.cumsum(margin)
    reached = np.flatnonzero(earned >= cac)
    if not len(reached):
        return math.inf
    month = int(reached[0])
    before = float(earned[month - 1]) if month else 0.0
    return month + (cac - before) / float(margin[month])
