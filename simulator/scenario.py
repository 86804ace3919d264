"""The scenario: one validated, immutable set of levers, and its JSON form.

Rates are monthly fractions (``0.03`` is 3% a month). The same JSON file is
read by the command line and saved by the app.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from simulator.levers import BY_FIELD, MAX_COUNT, MAX_MONEY, PLAN_FIELDS
from simulator.names import BadNameError, check_name

MAX_MONTHS = 600


class ScenarioError(ValueError):
    """A scenario field is missing, unknown or outside its allowed range."""


MAX_SEGMENTS = 6
#: The longest names, in characters, at every entrance: what a link's address carries (its
#: segments and plan each hold at most 20,000 characters).
MAX_SEGMENT_NAME = 40
MAX_INITIATIVE_NAME = 200
#: The most initiatives a plan may hold, at every entrance (address, file, command line): each is
#: ranked by a projection of its own, and a link must stay short enough to reopen.
MAX_INITIATIVES = 50
MAX_EARLY_CHURN_MULTIPLE = 10.0
MAX_EARLY_CHURN_MONTHS = 36
MAX_EXPANSION_CEILING = 100.0
#: A churned customer's MRR as a multiple of the average account's: from a fifth (logo churn 5×
#: revenue churn, a long tail of small accounts leaving) to 5× (a fifth: the large ones leave).
#: Past either end one account decides the figure, which segments model better.
MIN_CHURNED_SIZE = 0.2
MAX_CHURNED_SIZE = 5.0


@dataclass(frozen=True)
class Segment:
    """One customer segment (SMB, mid-market, enterprise…) with its own levers.

    ``mrr_share`` is its share of the starting MRR (and of the starting
    customers' count, by ``new_customer_share``); ``new_customer_share`` its
    share of each month's new customers. Across a scenario's segments each
    share adds up to 1.
    """

    name: str
    churn_rate: float = 0.0
    contraction_rate: float = 0.0
    expansion_rate: float = 0.0
    mrr_share: float = 0.0
    new_customer_share: float = 0.0
    new_customer_mrr: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _name(self.name, "segment name", MAX_SEGMENT_NAME))
        where = f"segment '{self.name}'"
        for name in ("churn_rate", "contraction_rate", "expansion_rate", "mrr_share", "new_customer_share"):
            _check_number(f"{where}: {name}", getattr(self, name), low=0.0, high=1.0, unit="fraction")
        _check_number(f"{where}: new_customer_mrr", self.new_customer_mrr, low=0.0, high=MAX_MONEY)
        _check_losses(self.churn_rate, self.contraction_rate, where=f"{where}: ")


#: Levers an initiative or shock can move (see :mod:`simulator.levers`). Rates move by
#: fraction points (-0.008 is 0.8 points less); acquisition and new-customer MRR by a
#: relative change (-0.3 is 30% less).
INITIATIVE_LEVERS: tuple[str, ...] = PLAN_FIELDS


@dataclass(frozen=True)
class Initiative:
    """A change to one lever from a start month, ramping in over some months.

    ``change`` is in fraction points for a rate and relative for acquisition
    or new-customer MRR (see :data:`INITIATIVE_LEVERS`). The change is
    ``1 / ramp_months`` in force in ``start_month`` and in full
    ``ramp_months − 1`` months later; a shock with an ``end_month`` is over
    after that month. Rates stay within their ranges whatever the change.

    Example: dunning emails cutting churn by 0.8 points from month 3 over
    4 months: ``Initiative("Dunning", "churn_rate", -0.008, start_month=3, ramp_months=4)``.
    """

    name: str
    lever: str
    change: float
    start_month: int = 1
    ramp_months: int = 1
    end_month: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _name(self.name, "initiative name", MAX_INITIATIVE_NAME))
        where = f"initiative '{self.name}'"
        if self.lever not in INITIATIVE_LEVERS:
            close = difflib.get_close_matches(str(self.lever), INITIATIVE_LEVERS, n=1, cutoff=0.5)
            hint = (
                f"; did you mean '{close[0]}'?"
                if close
                else f"; choose one of {', '.join(INITIATIVE_LEVERS)}"
            )
            raise ScenarioError(f"{where}: unknown lever '{self.lever}'{hint}")
        low = -1.0
        high = 1.0 if BY_FIELD[self.lever].is_rate else 10.0
        _check_number(f"{where}: change", self.change, low=low, high=high)
        object.__setattr__(
            self,
            "start_month",
            _check_whole(f"{where}: start_month", self.start_month, low=1, high=MAX_MONTHS),
        )
        object.__setattr__(
            self,
            "ramp_months",
            _check_whole(f"{where}: ramp_months", self.ramp_months, low=1, high=MAX_MONTHS),
        )
        if self.end_month is not None:
            end = _check_whole(f"{where}: end_month", self.end_month, low=self.start_month, high=MAX_MONTHS)
            object.__setattr__(self, "end_month", end)

    def in_force(self, months: np.ndarray) -> np.ndarray:
        """The share of the change in force in each month (0 to 1)."""
        ramp = np.clip((months - self.start_month + 1) / self.ramp_months, 0.0, 1.0)
        if self.end_month is not None:
            ramp = np.where(months > self.end_month, 0.0, ramp)
        return ramp


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
    churned_size_multiple
        A churned customer's MRR as a multiple of the average account's
        (:data:`MIN_CHURNED_SIZE` to :data:`MAX_CHURNED_SIZE`; 1 by default:
        churned customers are average-sized). Revenue churn stays the lever
        and the MRR path does not move; the share of customers who leave,
        the logo churn, is revenue churn ÷ this multiple, at most all of
        them. With segments it holds within each segment.
    cac, gross_margin
        Optional unit economics: what acquiring one new customer costs, and
        the share of revenue kept after the cost of serving it (above 0, up
        to 1). ``None`` when not set; no projection depends on them.

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
    # Optional refinements (see simulator.refined); at their defaults the results
    # are exactly the core model's.
    segments: tuple[Segment, ...] = ()
    early_churn_multiple: float = 1.0
    early_churn_months: int = 0
    involuntary_churn_share: float = 0.0
    involuntary_recovery_rate: float = 0.0
    annual_plan_share: float = 0.0
    expansion_ceiling: float | None = None
    initiatives: tuple[Initiative, ...] = ()
    # Who leaves: it moves the customer count, never the MRR.
    churned_size_multiple: float = 1.0
    # Optional unit economics: they change no projection, only what growth costs and earns.
    cac: float | None = None
    gross_margin: float | None = None

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
        object.__setattr__(self, "months", _check_whole("months", self.months, low=1, high=MAX_MONTHS))
        _check_losses(self.churn_rate, self.contraction_rate, where="")
        _check_number(
            "early_churn_multiple", self.early_churn_multiple, low=1.0, high=MAX_EARLY_CHURN_MULTIPLE
        )
        object.__setattr__(
            self,
            "early_churn_months",
            _check_whole("early_churn_months", self.early_churn_months, low=0, high=MAX_EARLY_CHURN_MONTHS),
        )
        _check_number(
            "churned_size_multiple", self.churned_size_multiple, low=MIN_CHURNED_SIZE, high=MAX_CHURNED_SIZE
        )
        for name in ("involuntary_churn_share", "involuntary_recovery_rate", "annual_plan_share"):
            _check_number(name, getattr(self, name), low=0.0, high=1.0, unit="fraction")
        if self.cac is not None:
            _check_number("cac", self.cac, low=0.0, high=MAX_MONEY)
        if self.gross_margin is not None:
            _check_number(
                "gross_margin", self.gross_margin, low=0.0, high=1.0, low_open=True, unit="fraction"
            )
        if self.expansion_ceiling is not None:
            _check_number("expansion_ceiling", self.expansion_ceiling, low=1.0, high=MAX_EXPANSION_CEILING)
        object.__setattr__(self, "segments", _check_segments(self.segments))
        object.__setattr__(self, "initiatives", _items_from(self.initiatives, Initiative, "initiative"))
        if len(self.initiatives) > MAX_INITIATIVES:
            raise ScenarioError(
                f"initiatives has {len(self.initiatives)} initiatives; at most {MAX_INITIATIVES} are allowed"
            )

    @property
    def is_core(self) -> bool:
        """True when every optional refinement is at its default: the core model applies."""
        return self.compounds_monthly and self.involuntary_churn_share * self.involuntary_recovery_rate == 0.0

    @property
    def compounds_monthly(self) -> bool:
        """True when every customer retains at one rate every month, so that annual NRR is
        exactly monthly NRR ^ 12: no segments, early-life churn, annual plans, expansion
        ceiling or initiatives (recovered failed payments only lower the churn rate)."""
        return (
            not self.segments
            and self.early_churn_multiple == 1.0
            and self.early_churn_months == 0
            and self.annual_plan_share == 0.0
            and self.expansion_ceiling is None
            and not self.initiatives
        )

    @property
    def effective_churn_rate(self) -> float:
        """Churn after recovering part of the involuntary (failed-payment) churn."""
        return self.churn_rate * (1.0 - self.involuntary_churn_share * self.involuntary_recovery_rate)

    # The top-level levers' own arithmetic: the core model's retention factor. With
    # segments (which replace these rates) or other refinements the figures a page
    # shows come from simulator.summary, never from these.

    @property
    def monthly_nrr(self) -> float:
        """1 − churn (after recovered failed payments) − contraction + expansion, of the top-level levers."""
        return 1.0 - self.effective_churn_rate - self.contraction_rate + self.expansion_rate

    @property
    def monthly_grr(self) -> float:
        """1 − churn (after recovered failed payments) − contraction, of the top-level levers."""
        return 1.0 - self.effective_churn_rate - self.contraction_rate

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
            f'a scenario is a JSON object of fields such as {{"starting_mrr": 100000}}, not {json_kind(data)}'
        )
    _refuse_unknown(data, FIELDS, where="")
    missing = [name for name in REQUIRED if name not in data]
    if missing:
        raise ScenarioError(f"missing required field '{missing[0]}' (a number ≥ 0, e.g. 100000)")
    if "segments" in data:
        data = {**data, "segments": _items_from(data["segments"], Segment, "segment")}
    if "initiatives" in data:
        data = {**data, "initiatives": _items_from(data["initiatives"], Initiative, "initiative")}
    return Scenario(**data)


def json_kind(value: Any) -> str:
    """What a JSON value is, in a person's words: "null", "text", "a number", "a list", "an object"…

    >>> json_kind(None), json_kind([1]), json_kind("x")
    ('null', 'a list', 'text')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _refuse_unknown(data: dict[Any, Any], valid: tuple[str, ...], *, where: str) -> None:
    """Refuse the first unknown field, suggesting the closest valid name."""
    for name in data:
        if name not in valid:
            close = difflib.get_close_matches(str(name), valid, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; valid fields: {', '.join(valid)}"
            raise ScenarioError(f"{where}unknown field '{name}'{hint}")


_Item = TypeVar("_Item", "Segment", "Initiative")


def _items_from(items: Any, kind: type[_Item], label: str) -> tuple[_Item, ...]:
    """Segments or initiatives from a JSON list of objects (or already built)."""
    if not isinstance(items, (list, tuple)):
        raise ScenarioError(f"{label}s must be a list of {label} objects, not {json_kind(items)}")
    fields = tuple(f.name for f in dataclasses.fields(kind))
    built = []
    for position, item in enumerate(items, start=1):
        if isinstance(item, kind):
            built.append(item)
            continue
        if not isinstance(item, dict):
            raise ScenarioError(f"{label} {position} must be an object with a name, not {json_kind(item)}")
        _refuse_unknown(item, fields, where=f"{label} {position}: ")
        missing = [
            f.name
            for f in dataclasses.fields(kind)
            if f.default is dataclasses.MISSING and f.name not in item
        ]
        if missing:
            raise ScenarioError(f"{label} {position} needs a {missing[0]}")
        built.append(kind(**item))
    return tuple(built)


def to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario's fields as a plain mapping (the JSON form)."""
    data = dataclasses.asdict(scenario)
    data["segments"] = [dict(segment) for segment in data["segments"]]
    data["initiatives"] = [dict(initiative) for initiative in data["initiatives"]]
    return data


def _name(value: Any, what: str, most: int) -> str:
    """A segment's or initiative's name, checked and tidied (:func:`simulator.names.check_name`)."""
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"every {what.split()[0]} needs a name, got {value!r}")
    try:
        return check_name(value, what=what, most=most)
    except BadNameError as error:
        raise ScenarioError(str(error)) from None


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


def _check_whole(name: str, value: Any, *, low: int, high: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    if not low <= value <= high:
        raise ScenarioError(f"{name} is {value}, outside the allowed range ({low} to {high})")
    return value


def _check_losses(churn: float, contraction: float, *, where: str) -> None:
    if churn + contraction > 1.0 + 1e-12:
        raise ScenarioError(
            f"{where}churn_rate + contraction_rate is {churn + contraction:g}, but together they can lose "
            "at most all of the MRR (1.0); lower one of them"
        )


def _check_segments(items: Any) -> tuple[Segment, ...]:
    segments = _items_from(items, Segment, "segment")
    if not segments:
        return segments
    if len(segments) > MAX_SEGMENTS:
        raise ScenarioError(f"segments has {len(segments)} segments; at most {MAX_SEGMENTS} are allowed")
    names = [segment.name for segment in segments]
    if len(set(names)) < len(names):
        raise ScenarioError(f"segment names must differ; got {', '.join(names)}")
    for share in ("mrr_share", "new_customer_share"):
        total = sum(getattr(segment, share) for segment in segments)
        if abs(total - 1.0) > 1e-6:
            raise ScenarioError(
                f"the segments' {share} values add up to {total:g}; they must add up to 1 (100%)"
            )
    return segments
