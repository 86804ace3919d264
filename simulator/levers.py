"""The levers: one registry of what a founder can move, in what unit, how far, and how a step moves it.

Every other module that names, moves or limits a lever reads it from here:
the plan's initiatives, the refined model's lever paths, the lever ranking,
goal seek, and the pages' labels. Adding a lever means one :class:`Lever`
entry (and its tests).

A lever moves in one of two ways:

- a **rate** (churn, contraction, expansion, failed payments recovered) by
  *points*: fraction points, so 0.01 is one percentage point;
- a **volume** (new customers a month, MRR per new customer) *relatively*:
  0.3 is 30% more, −0.3 is 30% less.

An initiative's ``change`` and a ranking's "same points" step use that unit;
a "relative" step scales any lever by a share of its own value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from simulator.scenario import Scenario

#: Upper limits of volumes (mirrored by :mod:`simulator.scenario`'s checks).
MAX_MONEY = 1e12
MAX_COUNT = 1e9

Unit = Literal["points", "relative"]
#: The unit of churn, contraction and expansion.
RATE_UNIT = "% of MRR a month"


@dataclass(frozen=True)
class Lever:
    """One lever of the business.

    Attributes
    ----------
    key
        Short name used in files and on the command line: ``churn``.
    field
        The :class:`~simulator.scenario.Scenario` field it sets: ``churn_rate``.
    name
        How a founder names it: ``Churn``.
    unit
        What its value is: ``% of MRR a month``.
    better
        +1 when more is better (expansion), −1 when less is (churn).
    moves_by
        ``"points"`` for a rate, ``"relative"`` for a volume (module docstring).
    segmented
        With segments, the segments' own values are the ones the model uses:
        moving the lever moves every segment's value by the same points.
    in_plan
        An initiative of the plan can move it.
    meaning
        What it is, in a founder's words (the sidebar's help).
    """

    key: str
    field: str
    name: str
    unit: str
    better: int
    moves_by: Unit
    segmented: bool = False
    in_plan: bool = True
    meaning: str = ""
    _applies: Callable[[Scenario], bool] = dataclasses.field(
        default=lambda scenario: True, repr=False, compare=False
    )

    @property
    def is_rate(self) -> bool:
        """A share of MRR (or of failed payments), 0 to 1, moved by points."""
        return self.moves_by == "points"

    @property
    def noun(self) -> str:
        """The name inside a sentence: ``churn``, ``new customers``, ``MRR per new customer``."""
        return self.name if self.name.startswith("MRR") else self.name.lower()

    @property
    def phrase(self) -> str:
        """The lever with its period: ``monthly churn``, ``new customers a month``."""
        if self.unit == RATE_UNIT:
            return f"monthly {self.noun}"
        if self.key == "acquisition":
            return f"{self.noun} a month"
        return self.noun

    @property
    def label(self) -> str:
        """How a control names it, unit included (``{currency}`` for money):
        ``Churn (% of MRR a month)``, ``New customers a month``, ``MRR per new customer ({currency})``.

        >>> [LEVERS[key].label for key in ("churn", "acquisition", "new_customer_mrr")]
        ['Churn (% of MRR a month)', 'New customers a month', 'MRR per new customer ({currency})']
        """
        if self.key == "acquisition":
            return f"{self.name} a month"
        if self.field == "new_customer_mrr":
            return f"{self.name} ({{currency}})"
        return f"{self.name} ({self.unit})"

    def applies_to(self, scenario: Scenario) -> bool:
        """Whether moving this lever can change anything in ``scenario``."""
        return self._applies(scenario)

    def value(self, scenario: Scenario) -> float:
        """The lever's value; with segments, a segmented rate's MRR-weighted mean over the segments.

        >>> LEVERS["churn"].value(_scenario(churn_rate=0.03))
        0.03
        """
        if self.segmented and scenario.segments:
            return float(sum(s.mrr_share * getattr(s, self.field) for s in scenario.segments))
        return float(getattr(scenario, self.field))

    def bounds(self, scenario: Scenario) -> tuple[float, float]:
        """The values the lever may take with every other lever held.

        >>> LEVERS["churn"].bounds(_scenario(contraction_rate=0.3))
        (0.0, 0.7)
        """
        if self.segmented and scenario.segments:
            return 0.0, float(sum(s.mrr_share * _room(s, self.field) for s in scenario.segments))
        if self.is_rate:
            return 0.0, _room(scenario, self.field)
        return 0.0, MAX_MONEY if self.field == "new_customer_mrr" else MAX_COUNT

    def set_to(self, scenario: Scenario, value: float) -> Scenario:
        """The scenario with this lever at ``value``, held within :meth:`bounds`.

        With segments, a segmented rate moves every segment by the same points
        (``value`` minus :meth:`value`), each held within its own range (churn
        plus contraction at most 1).
        """
        low, high = self.bounds(scenario)
        target = min(max(float(value), low), high)
        if not (self.segmented and scenario.segments):
            return scenario.replace(**{self.field: target})
        shift = target - self.value(scenario)
        return self._each_segment(scenario, lambda now: now + shift)

    def scaled(self, scenario: Scenario, factor: float) -> Scenario:
        """The scenario with this lever times ``factor`` (each segment's, with segments), held in range."""
        if not (self.segmented and scenario.segments):
            return self.set_to(scenario, self.value(scenario) * factor)
        return self._each_segment(scenario, lambda now: now * factor)

    def moved(self, scenario: Scenario, change: float) -> Scenario:
        """The scenario with the lever moved by ``change`` in its own unit (points or relative)."""
        if self.is_rate:
            return self.set_to(scenario, self.value(scenario) + change)
        return self.scaled(scenario, 1.0 + change)

    def _each_segment(self, scenario: Scenario, new_value: Callable[[float], float]) -> Scenario:
        segments = []
        for segment in scenario.segments:
            moved: dict[str, Any] = {
                self.field: min(max(new_value(getattr(segment, self.field)), 0.0), _room(segment, self.field))
            }
            segments.append(dataclasses.replace(segment, **moved))
        return scenario.replace(segments=segments)


def _room(rates: object, field: str) -> float:
    """The most a rate may be with the others held: churn plus contraction lose at most everything."""
    other = {"churn_rate": "contraction_rate", "contraction_rate": "churn_rate"}.get(field)
    return 1.0 - float(getattr(rates, other)) if other else 1.0


def _scenario(**fields: Any) -> Scenario:
    """A small scenario for the examples."""
    from simulator.scenario import Scenario

    return Scenario(starting_mrr=100_000, **fields)


def _has_failed_payments(scenario: Scenario) -> bool:
    return scenario.involuntary_churn_share > 0 and scenario.churn_rate > 0


#: Every lever, in the order pages list them.
LEVERS: dict[str, Lever] = {
    lever.key: lever
    for lever in (
        Lever(
            "churn",
            "churn_rate",
            "Churn",
            RATE_UNIT,
            -1,
            "points",
            segmented=True,
            meaning="MRR lost to customers who cancel, each month.",
        ),
        Lever(
            "contraction",
            "contraction_rate",
            "Contraction",
            RATE_UNIT,
            -1,
            "points",
            segmented=True,
            meaning="MRR lost to customers who stay but pay less (downgrades, fewer seats).",
        ),
        Lever(
            "expansion",
            "expansion_rate",
            "Expansion",
            RATE_UNIT,
            +1,
            "points",
            segmented=True,
            meaning="MRR gained from customers who stay and pay more (upsells, seats, usage).",
        ),
        Lever(
            "acquisition",
            "new_customers_per_month",
            "New customers",
            "customers a month",
            +1,
            "relative",
            meaning="Customers won in month 1 (an average: 3.5 is fine).",
        ),
        Lever(
            "new_customer_mrr",
            "new_customer_mrr",
            "MRR per new customer",
            "a month",
            +1,
            "relative",
            meaning="What each new customer pays a month when they join.",
        ),
        Lever(
            "recovery",
            "involuntary_recovery_rate",
            "Failed payments recovered",
            "% of failed payments",
            +1,
            "points",
            in_plan=False,
            _applies=_has_failed_payments,
        ),
    )
}
#: The levers by the scenario field they set.
BY_FIELD: dict[str, Lever] = {lever.field: lever for lever in LEVERS.values()}
#: The fields an initiative of the plan can move.
PLAN_FIELDS: tuple[str, ...] = tuple(lever.field for lever in LEVERS.values() if lever.in_plan)
#: The levers the biggest-lever ranking compares (recovery joins when part of churn is failed payments).
RANKED: tuple[str, ...] = ("churn", "contraction", "expansion", "acquisition", "recovery")


def ranked_levers(scenario: Scenario) -> tuple[Lever, ...]:
    """The levers the ranking compares for ``scenario``, in registry order."""
    return tuple(LEVERS[key] for key in RANKED if LEVERS[key].applies_to(scenario))
