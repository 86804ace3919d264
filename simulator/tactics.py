"""Tactics: what a founder can actually do, each as a concrete change to one lever.

The sizes are assumptions, stated in each tactic's :attr:`Tactic.what` so a
page can show them; the churn split follows the domain notes (20–40% of
churn is involuntary: failed payments, expired cards).

- **Payment retries and dunning** win back half of the failed payments
  still lost. With the advanced model's failed payments set, that raises
  the share recovered; otherwise churn falls by half of a typical 30%
  involuntary share (churn × 0.85).
- **A cancellation flow with pause and downgrade offers** keeps 10% of the
  customers who cancel on purpose (churn × 0.93 with 30% involuntary).
- **A middle tier that matches usage** stops a fifth of downgrades
  (contraction × 0.8).
- **Upgrade prompts at 80% of a plan limit** bring a fifth more expansion
  (expansion × 1.2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.levers import LEVERS

if TYPE_CHECKING:
    from simulator.scenario import Scenario

#: The share of churn that is failed payments when the scenario does not say (20–40% is typical).
TYPICAL_INVOLUNTARY_SHARE = 0.30
#: The share of failed payments still lost that retries and dunning win back.
DUNNING_RECOVERS = 0.5
#: The share of voluntary cancellations a pause/downgrade flow keeps.
CANCEL_FLOW_KEEPS = 0.10
#: How much a packaging fix cuts contraction, and upgrade prompts raise expansion.
PACKAGING_CUTS = 0.20
PROMPTS_ADD = 0.20


#: What the tactics assume, in a sentence a page can show beside them.
ASSUMPTIONS = (
    "Failed payments are taken as 30% of churn (20–40% is typical) unless the advanced model sets "
    "them; retries and dunning win back half of those still lost; a pause or downgrade offer keeps "
    "10% of deliberate cancellations; a middle tier stops a fifth of downgrades; upgrade prompts "
    "bring a fifth more expansion."
)


@dataclass(frozen=True)
class Tactic:
    """One tactic: its name (and a short one for charts), the change it makes in words, and how it
    moves its lever."""

    key: str
    name: str
    short: str
    what: str
    _move: Callable[[Scenario], tuple[str, float, Scenario]]

    def applied(self, scenario: Scenario) -> tuple[str, float, float, bool, Scenario]:
        """The lever moved (a registry key), its value before and after, whether it was held at a
        limit, and the scenario after.

        >>> from simulator.scenario import Scenario
        >>> s = Scenario(starting_mrr=100_000, churn_rate=0.04)
        >>> lever, before, after, clamped, _ = TACTICS["dunning"].applied(s)
        >>> lever, before, round(after, 6), clamped
        ('churn', 0.04, 0.034, False)
        """
        key, aimed, moved = self._move(scenario)
        after = LEVERS[key].value(moved)
        return key, LEVERS[key].value(scenario), after, abs(after - aimed) > 1e-12 * max(1.0, aimed), moved


def _involuntary_share(scenario: Scenario) -> float:
    return scenario.involuntary_churn_share or TYPICAL_INVOLUNTARY_SHARE


def _scaled(scenario: Scenario, key: str, factor: float) -> tuple[str, float, Scenario]:
    lever = LEVERS[key]
    return key, lever.value(scenario) * factor, lever.scaled(scenario, factor)


def _dunning(scenario: Scenario) -> tuple[str, float, Scenario]:
    recovery = LEVERS["recovery"]
    if recovery.applies_to(scenario):
        now = scenario.involuntary_recovery_rate
        aimed = now + (1.0 - now) * DUNNING_RECOVERS
        return "recovery", aimed, recovery.set_to(scenario, aimed)
    return _scaled(scenario, "churn", 1.0 - TYPICAL_INVOLUNTARY_SHARE * DUNNING_RECOVERS)


def _cancel_flow(scenario: Scenario) -> tuple[str, float, Scenario]:
    return _scaled(scenario, "churn", 1.0 - CANCEL_FLOW_KEEPS * (1.0 - _involuntary_share(scenario)))


def _packaging(scenario: Scenario) -> tuple[str, float, Scenario]:
    return _scaled(scenario, "contraction", 1.0 - PACKAGING_CUTS)


def _prompts(scenario: Scenario) -> tuple[str, float, Scenario]:
    return _scaled(scenario, "expansion", 1.0 + PROMPTS_ADD)


#: Every tactic, by key, in the order a page lists them.
TACTICS: dict[str, Tactic] = {
    tactic.key: tactic
    for tactic in (
        Tactic(
            "dunning",
            "Payment retries and dunning",
            "Retries and dunning",
            "half of the failed payments still lost won back",
            _dunning,
        ),
        Tactic(
            "cancel_flow",
            "Pause and downgrade offers when cancelling",
            "Cancel-flow offers",
            "10% of deliberate cancellations kept",
            _cancel_flow,
        ),
        Tactic(
            "packaging",
            "A middle tier that matches usage",
            "A middle tier",
            "a fifth fewer downgrades",
            _packaging,
        ),
        Tactic(
            "upgrade_prompts",
            "Upgrade prompts at 80% of a plan limit",
            "Upgrade prompts",
            "a fifth more expansion",
            _prompts,
        ),
    )
}
