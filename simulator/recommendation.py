"""The one lever to pull first: the GRR diagnosis, settled by each lever's headroom against peers.

Every surface that names a lever to pull first (the Biggest lever headline,
the presenter's lever slide, the report, ``python -m simulator levers``'s
``recommended`` column) shows :func:`recommend`'s answer. The rule:

1. **Annual GRR below 90%** (the diagnosis: fix the leak first): the loss
   lever (churn or contraction) whose move to the stage's top quartile adds
   more MRR by the horizon: churn, unless the leak is mostly downgrades.
2. **GRR 90% or more with low expansion** (expansion adds fewer than 10
   points of annual NRR): expansion.
3. **Otherwise** (healthy expansion): the lever with the most headroom, the
   largest MRR gain of :func:`simulator.ranking.rank`'s headroom mode; when
   every lever is already at its peers' top quartile, expansion (the rule's
   "keep expansion paths open").

``reason`` says which case applied, so the words can say why; when the
lever with the largest gain is not the one recommended (``top`` differs from
``lever``), the words say why in one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from simulator.ranking import Ranking, rank
from simulator.scenario import Scenario
from simulator.summary import retention
from simulator.tiers import LOW_EXPANSION_POINTS, grr_diagnosis

Reason = Literal["leak", "leak_is_downgrades", "low_expansion", "most_headroom", "at_top_quartile"]
#: The tactic a page names for each lever: the fastest fix the notes give for it.
FIRST_TACTIC: dict[str, str] = {
    "churn": "dunning",
    "contraction": "packaging",
    "expansion": "upgrade_prompts",
}
#: Annual GRR below this: the leak comes first.
LEAKY_GRR = 0.90


@dataclass(frozen=True)
class Recommendation:
    """The lever to pull first, why, and the headroom ranking it was read from.

    Attributes
    ----------
    lever
        ``"churn"``, ``"contraction"`` or ``"expansion"`` (keys of :data:`simulator.levers.LEVERS`).
    tactic
        A key of :data:`simulator.tactics.TACTICS`: the first thing to try for that lever.
    reason
        Which case of the module's rule chose it.
    diagnosis
        The GRR diagnosis sentence (:func:`simulator.tiers.grr_diagnosis`).
    annual_nrr, annual_grr
        The scenario's, from :func:`simulator.summary.retention`.
    headroom
        The headroom ranking (each lever to its stage's top quartile).
    top
        The lever whose headroom adds the most MRR by the horizon.
    """

    lever: str
    tactic: str
    reason: Reason
    diagnosis: str
    annual_nrr: float
    annual_grr: float
    headroom: Ranking
    top: str

    @property
    def agrees_with_top(self) -> bool:
        """Whether the lever recommended is also the one with the largest gain."""
        return self.lever == self.top

    def gain(self, lever: str) -> float:
        """The MRR a lever's headroom adds by the horizon."""
        table = self.headroom.table
        return float(table.loc[table["lever"] == lever, "mrr_gain"].iloc[0])


def recommend(scenario: Scenario, *, stage: str | None = None) -> Recommendation:
    """The lever to pull first for ``scenario`` (module docstring), against ``stage``'s peers
    (by default the stage its ARR falls in).

    Examples
    --------
    The worked example as a business: GRR 61% (below 90%), so the leak comes first.

    >>> s = Scenario(starting_mrr=100_000, churn_rate=0.03, contraction_rate=0.01, expansion_rate=0.06)
    >>> r = recommend(s)
    >>> r.lever, r.reason, r.tactic
    ('churn', 'leak', 'dunning')
    """
    kept = retention(scenario)
    nrr, grr = kept.annual_nrr, kept.annual_grr
    headroom = rank(scenario, mode="headroom", stage=stage)
    gains = dict(zip(headroom.table["lever"], headroom.table["mrr_gain"].astype(float), strict=True))
    top = max(gains, key=lambda lever: gains[lever])  # the table is best first; max keeps the first tie
    reason: Reason
    if grr < LEAKY_GRR:
        lever = "contraction" if gains["contraction"] > gains["churn"] else "churn"
        reason = "leak" if lever == "churn" else "leak_is_downgrades"
    elif nrr - grr < LOW_EXPANSION_POINTS:
        lever, reason = "expansion", "low_expansion"
    elif gains[top] > 0:
        lever, reason = top, "most_headroom"
    else:
        lever, reason = "expansion", "at_top_quartile"
    return Recommendation(
        lever=lever,
        tactic=FIRST_TACTIC[lever],
        reason=reason,
        diagnosis=grr_diagnosis(grr, nrr),
        annual_nrr=nrr,
        annual_grr=grr,
        headroom=headroom,
        top=top if gains[top] > 0 else lever,
    )
