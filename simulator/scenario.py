"""The scenario: one validated, immutable set of levers, and its JSON form.

Rates are monthly fractions (``0.03`` is 3% a month). The same JSON file is
read by the command line and saved by the app.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
from dataclasses import dataclass
from typing import Any

MAX_MONTHS = 600
#: Upper limits that keep every projection finite: a trillion a month, a billion customers.
MAX_MONEY = 1e12
MAX_COUNT = 1e9


class ScenarioError(ValueError):
    """A scenario field is missing, unknown or outside its allowed range."""


@dataclass(frozen=True)
class Scenario:
    """The levers of a subscription business, checked once on creation.

    Parameters
    ----------
    starting_mrr
        MRR of the existing customers at month 0.
    starting_customers
        Customer count at month 0, or ``None`` when unknown.
    churn_rate, contraction_rate, expansion_rate
        Share of start-of-month MRR lost to cancellations, lost to
        downgrades, gained from upgrades; each in [0, 1].
    new_customers_per_month
        Customers acquired in month 1.
    acquisition_growth_rate
        Monthly growth of that number, above -1 (shrinking) up to 1 (doubling).
    new_customer_mrr
        MRR each new customer starts with.
    months
        Horizon, 1 to 600.

    Raises
    ------
    ScenarioError
        Naming the field, the value received and the allowed range.

    Examples
    --------
    >>> Scenario(starting_mrr=100_000, churn_rate=0.03).monthly_nrr
    0.97
    """

    starting_mrr: float
    starting_customers: float | None = None
    churn_rate: float = 0.0
    contraction_rate: float = 0.0
    expansion_rate: float = 0.0
    new_customers_per_month: float = 0.0
    acquisition_growth_rate: float = 0.0
    new_customer_mrr: float = 0.0
    months: int = 36

    def __post_init__(self) -> None:
        for name in ("churn_rate", "contraction_rate", "expansion_rate"):
            _check_number(name, getattr(self, name), low=0.0, high=1.0, unit="fraction")
        for name in ("starting_mrr", "new_customer_mrr"):
            _check_number(name, getattr(self, name), low=0.0, high=MAX_MONEY)
        _check_number("new_customers_per_month", self.new_customers_per_month, low=0.0, high=MAX_COUNT)
        if self.starting_customers is not None:
            _check_number("starting_customers", self.starting_customers, low=0.0, high=MAX_COUNT)
        _check_number(
            "acquisition_growth_rate",
            self.acquisition_growth_rate,
            low=-1.0,
            high=1.0,
            low_open=True,
            unit="fraction",
        )
        # A JSON 36.0 is the whole number 36: store it as one.
        object.__setattr__(self, "months", _check_months(self.months))
        losses = self.churn_rate + self.contraction_rate
        if losses > 1.0 + 1e-12:
            raise ScenarioError(
                f"churn_rate + contraction_rate is {losses:g}, but together they can lose at most "
                "all of the MRR (1.0); lower one of them"
            )

    # Rates that follow from the levers (core model: the same every month).

    @property
    def monthly_nrr(self) -> float:
        """Monthly net revenue retention of existing MRR."""
        return 1.0 - self.churn_rate - self.contraction_rate + self.expansion_rate

    @property
    def monthly_grr(self) -> float:
        """Monthly gross revenue retention of existing MRR (never above 1)."""
        return 1.0 - self.churn_rate - self.contraction_rate

    @property
    def annual_nrr(self) -> float:
        """Monthly NRR compounded over twelve months."""
        return self.monthly_nrr**12

    @property
    def annual_grr(self) -> float:
        """Monthly GRR compounded over twelve months."""
        return self.monthly_grr**12

    @property
    def month_one_new_mrr(self) -> float:
        """New MRR added in month 1."""
        return self.new_customers_per_month * self.new_customer_mrr

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed, validated like any scenario."""
        return from_dict({**to_dict(self), **changes})


FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Scenario))
REQUIRED: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Scenario) if f.default is dataclasses.MISSING
)


def from_dict(data: Any) -> Scenario:
    """Build a scenario from a mapping, refusing unknown or missing fields.

    An unknown field is an error, not ignored, so that a misspelt
    ``churn_rat`` never silently becomes 0% churn; the message suggests the
    closest valid name.
    """
    if not isinstance(data, dict):
        raise ScenarioError(
            f'a scenario is a JSON object of fields such as {{"starting_mrr": 100000}}, '
            f"not {type(data).__name__}"
        )
    for name in data:
        if name not in FIELDS:
            close = difflib.get_close_matches(str(name), FIELDS, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; valid fields: {', '.join(FIELDS)}"
            raise ScenarioError(f"unknown field '{name}'{hint}")
    missing = [name for name in REQUIRED if name not in data]
    if missing:
        raise ScenarioError(f"missing required field '{missing[0]}' (a number ≥ 0, e.g. 100000)")
    return Scenario(**data)


def to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario's fields as a plain mapping (the JSON form)."""
    return dataclasses.asdict(scenario)


def from_json(text: str) -> Scenario:
    """Parse and validate a scenario from JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    return from_dict(data)


def to_json(scenario: Scenario) -> str:
    """The scenario as indented JSON text, readable back by :func:`from_json`."""
    return json.dumps(to_dict(scenario), indent=2) + "\n"


def _check_number(
    name: str,
    value: Any,
    *,
    low: float,
    high: float,
    low_open: bool = False,
    unit: str = "",
) -> None:
    # bool is an int subclass: `true` in a JSON file is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"{name} must be a number, got {value!r}")
    allowed = _range_text(low, high, low_open, unit)
    if not math.isfinite(value):
        raise ScenarioError(f"{name} must be a finite number {allowed}, got {value!r}")
    too_low = value <= low if low_open else value < low
    if too_low or value > high:
        raise ScenarioError(f"{name} is {value!r}, outside the allowed range {allowed}")


def _range_text(low: float, high: float, low_open: bool, unit: str) -> str:
    left = f"above {low:g}" if low_open else f"{low:g}"
    note = ", as a fraction: 0.03 means 3%" if unit == "fraction" else ""
    return f"({left} to {high:g}{note})"


def _check_months(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"months must be a whole number from 1 to {MAX_MONTHS}, got {value!r}")
    if not 1 <= value <= MAX_MONTHS:
        raise ScenarioError(f"months is {value}, outside the allowed range (1 to {MAX_MONTHS})")
    return value
