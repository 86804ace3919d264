"""How a customer who pays again after months at 0 is counted: the reactivation rule.

Billing and analytics vendors disagree (docs/definitions.md quotes them). On
monthly data a return comes after a *gap*: the whole months at 0 between the
customer's last payment and the new one (paid in March, nothing in April and
May, paid in June: a gap of 2 months). The rules:

- ``any`` (the default, the product's own): every return is a reactivation;
- ``within:N`` (``90d`` or ``3m``): a gap of at most N months is a
  reactivation, a longer one makes the customer new again (their first
  payment after it is new MRR, and the cohort measures count them as a new
  customer from then on);
- ``after:N``: a gap of at least N months is a reactivation, a shorter one is
  expansion (the customer counts as never having left: their return is
  expansion MRR; the month they left is still churn);
- ``expansion``: every return is expansion.

Monthly data has no days, so a number of days becomes whole months, to the
nearest, at 365.25 ÷ 12 = 30.4375 days a month (half a month rounds up):
90 days is 3 months, 45 days 1, 46 days 2. Fewer than 16 days would be no
month at all, and is refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: Days in an average month (365.25 ÷ 12): how days become months.
DAYS_A_MONTH = 365.25 / 12
#: The longest gap a rule may name, in months (the longest export spans 100 years).
MAX_GAP_MONTHS = 1200
#: The rules' kinds, in the order they are offered.
KINDS: tuple[str, ...] = ("any", "within", "after", "expansion")

_FORMS = "any, within:90d (or within:3m), after:3m (or after:90d), or expansion"
_COUNTED = re.compile(r"^(within|after):(\d+)(d|m)$")


class ReactivationError(ValueError):
    """A reactivation rule that does not read: what was given, and the forms that do."""


def months_of_days(days: int) -> int:
    """Whole months in ``days``, to the nearest (half a month up).

    >>> months_of_days(90), months_of_days(45), months_of_days(46), months_of_days(365)
    (3, 1, 2, 12)
    """
    return math.floor(days / DAYS_A_MONTH + 0.5)


@dataclass(frozen=True)
class Reactivation:
    """A reactivation rule.

    Attributes
    ----------
    kind
        One of :data:`KINDS`.
    months
        ``within``: the longest gap (months at 0) still counted as a reactivation;
        ``after``: the shortest one. 0 for ``any`` and ``expansion``.
    text
        The rule as written (``within:90d``): what every surface shows.
    """

    kind: str = "any"
    months: int = 0
    text: str = "any"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ReactivationError(f"reactivation kind is {self.kind!r}; use one of {', '.join(KINDS)}")
        counted = self.kind in ("within", "after")
        if counted and not 1 <= self.months <= MAX_GAP_MONTHS:
            raise ReactivationError(
                f"reactivation {self.text!r} names a gap of {self.months} months; "
                f"use 1 to {MAX_GAP_MONTHS} months (16 days or more)"
            )
        if not counted and self.months != 0:
            raise ReactivationError(f"reactivation {self.kind!r} takes no number of months")

    @property
    def is_default(self) -> bool:
        """Whether this rule counts exactly as the default does (``after:1m`` is ``any`` on monthly data)."""
        return self.kind == "any" or (self.kind == "after" and self.months == 1)


#: The product's own rule: every return is a reactivation.
ANY = Reactivation()


def parse_reactivation(text: str) -> Reactivation:
    """A rule from its written form (:data:`_FORMS`), case and surrounding spaces aside.

    >>> parse_reactivation("within:90d")
    Reactivation(kind='within', months=3, text='within:90d')
    >>> parse_reactivation(" After:2m ").months
    2

    Raises
    ------
    ReactivationError
        For anything else, naming what was given and the forms that read.
    """
    given = text.strip().lower()
    if given in ("any", "expansion"):
        return Reactivation(given, 0, given)
    found = _COUNTED.match(given)
    if found is None:
        raise ReactivationError(f"reactivation rule {text!r} is not one of {_FORMS}")
    kind, number, unit = found.group(1), int(found.group(2)), found.group(3)
    months = months_of_days(number) if unit == "d" else number
    if unit == "d" and months < 1:
        raise ReactivationError(
            f"reactivation rule {text!r}: {number} days is less than half a month, and monthly data "
            f"sees gaps of whole months ({DAYS_A_MONTH:.4g} days each); give 16 days or more, or {kind}:1m"
        )
    if months > MAX_GAP_MONTHS:
        raise ReactivationError(
            f"reactivation rule {text!r} names a gap of {months:,} months, over {MAX_GAP_MONTHS:,}; "
            "give a shorter one"
        )
    if months < 1:
        raise ReactivationError(f"reactivation rule {text!r} names no month; give 1 or more, as in {kind}:1m")
    return Reactivation(kind, months, given)
