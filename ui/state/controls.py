"""The sidebar's controls: what each one is, its range and grid, and the scenario the values describe.

Every control keeps its value in ``st.session_state`` under its key; the same
keys, in the same people's units (percent, customers, whole currency units),
are the page address's parameters (:mod:`ui.state.address`). Everything here
is pure: values in, values or a :class:`~simulator.scenario.Scenario` out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from report.format import CURRENCIES
from report.revenue import VIEWS
from simulator.levers import LEVERS
from simulator.presets import PRESETS
from simulator.scenario import MAX_CHURNED_SIZE, MIN_CHURNED_SIZE, Scenario
from ui.state.tables import DEFAULT_SEGMENTS, initiatives_of, segments_of


@dataclass(frozen=True)
class Control:
    """One sidebar control: its key (also its URL parameter), range and engine field.

    ``divisor`` turns the widget's value into the engine's: 100 for a percent.
    ``advanced`` marks the controls the address carries only when they differ
    from their default (the "Advanced model" refinements, unit economics, how
    revenue is shown), so a core scenario's link stays as it was. ``kind``
    ``bool`` is a toggle ("1"/"0" in the address);
    ``tuple`` is a table: the segments (see :func:`segments_from_text`) or
    the plan's initiatives (see :func:`plan_from_text`).
    """

    key: str
    field: str | None
    kind: type
    default: Any
    low: float | None = None
    high: float | None = None
    divisor: float = 1.0
    options: tuple[str, ...] = ()
    advanced: bool = False
    label: str = ""
    help: str = ""

    def label_in(self, currency: str) -> str:
        """The control's label with the money it is in: ``"Starting MRR ($)"``."""
        return self.label.format(currency=currency)


#: The sidebar's controls, in the order they are drawn and written to the address.
#: Defaults: a typical company at the median of its stage ($1M–10M ARR, simulator.benchmarks):
#: $330,000 MRR ($3.96M ARR) from 660 customers paying $500 a month, 40 new customers a month at
#: the same $500; 1% churn, 0.3% contraction and 1.15% expansion a month: annual NRR 98.2% (the
#: stage's median is 98%, its top quartile 106%) and GRR 85.5% (85% to 92%, assumed), with
#: expansion capped at 3× an account's starting MRR. Domain example 1 is one click away
#: (:data:`WORKED_EXAMPLE`).
CONTROLS: tuple[Control, ...] = (
    Control(
        "churn_pct",
        "churn_rate",
        float,
        1.0,
        0.0,
        15.0,
        100.0,
        label=LEVERS["churn"].label,
        help=LEVERS["churn"].meaning,
    ),
    Control(
        "contraction_pct",
        "contraction_rate",
        float,
        0.3,
        0.0,
        5.0,
        100.0,
        label=LEVERS["contraction"].label,
        help=LEVERS["contraction"].meaning,
    ),
    Control(
        "expansion_pct",
        "expansion_rate",
        float,
        1.15,
        0.0,
        10.0,
        100.0,
        label=LEVERS["expansion"].label,
        help=LEVERS["expansion"].meaning,
    ),
    Control(
        "new_customers",
        "new_customers_per_month",
        float,
        40.0,
        0,
        100_000,
        label=LEVERS["acquisition"].label,
        help=LEVERS["acquisition"].meaning,
    ),
    Control(
        "acquisition_growth_pct",
        "acquisition_growth_rate",
        float,
        0.0,
        -5.0,
        10.0,
        100.0,
        label="Growth of new customers (% a month)",
        help="How fast the number of new customers a month grows (negative: shrinks).",
    ),
    Control(
        "new_customer_mrr",
        "new_customer_mrr",
        int,
        500,
        0,
        10_000_000,
        label=LEVERS["new_customer_mrr"].label,
        help=LEVERS["new_customer_mrr"].meaning,
    ),
    Control(
        "starting_mrr",
        "starting_mrr",
        int,
        330_000,
        0,
        10_000_000_000,
        label="Starting MRR ({currency})",
        help="MRR of today's customers, at month 0.",
    ),
    Control(
        "starting_customers",
        "starting_customers",
        int,
        660,
        0,
        100_000_000,
        label="Starting customers",
        help="How many customers pay today.",
    ),
    Control(
        "months",
        "months",
        int,
        36,
        12,
        120,
        label="Horizon (months)",
        help="How far ahead the projection runs.",
    ),
    Control(
        "currency",
        None,
        str,
        "$",
        options=CURRENCIES,
        label="Currency",
        help="Only changes how money is written; no conversion.",
    ),
    Control(
        "revenue",
        None,
        str,
        "MRR",
        options=tuple(VIEWS),
        advanced=True,
        label="Show revenue as",
        help="MRR: monthly recurring revenue. ARR: the annual run rate, 12 × MRR, on every page, chart "
        "and file. NRR and GRR do not change; costs, lifetime values and prices stay as they are.",
    ),
    # The "Advanced model" refinements; at these defaults the engine is exactly the core model.
    Control(
        "early_churn_x",
        "early_churn_multiple",
        float,
        1.0,
        1.0,
        10.0,
        advanced=True,
        label="New customers' churn in month 1 (× base)",
        help="New customers churn this multiple of the base rate in month 1, fading to the base rate.",
    ),
    Control(
        "early_churn_months",
        "early_churn_months",
        int,
        0,
        0,
        36,
        advanced=True,
        label="Months until it fades to the base rate",
        help="0 switches early-life churn off.",
    ),
    Control(
        "involuntary_pct",
        "involuntary_churn_share",
        float,
        0.0,
        0.0,
        100.0,
        100.0,
        advanced=True,
        label="Failed payments (% of churn)",
        help="Churn from expired cards and failed payments: typically 20–40% of all churn.",
    ),
    Control(
        "recovery_pct",
        "involuntary_recovery_rate",
        float,
        0.0,
        0.0,
        100.0,
        100.0,
        advanced=True,
        label="Of those, recovered (%)",
        help="Saved by payment retries, dunning emails and card-expiry reminders.",
    ),
    Control(
        "churned_size_x",
        "churned_size_multiple",
        float,
        1.0,
        MIN_CHURNED_SIZE,
        MAX_CHURNED_SIZE,
        advanced=True,
        label="Churned customers' size (× the average account)",
        help="What a customer who cancels pays, as a multiple of the average account. Below 1×, small "
        "accounts leave more often: a larger share of customers leaves than of MRR (logo churn above "
        "revenue churn; 0.5× doubles it). Above 1×, the large ones leave. MRR does not change; the "
        "customer count does.",
    ),
    Control(
        "annual_plans_pct",
        "annual_plan_share",
        float,
        0.0,
        0.0,
        100.0,
        100.0,
        advanced=True,
        label="MRR on annual plans (%)",
        help="Annual contracts churn or contract only in their renewal month: monthly NRR turns lumpy.",
    ),
    Control(
        "ceiling_on",
        None,
        bool,
        True,
        advanced=True,
        label="Cap expansion per account",
        help="Seats and usage saturate: an account stops expanding at a multiple of its starting MRR.",
    ),
    Control(
        "ceiling_x",
        None,
        float,
        3.0,
        1.0,
        100.0,
        advanced=True,
        label="Ceiling (× starting MRR)",
        help="How far expansion alone can grow an account.",
    ),
    Control(
        "segments_on",
        None,
        bool,
        False,
        advanced=True,
        label="Split customers into segments",
        help="SMB, mid-market, enterprise…: each with its own rates and shares.",
    ),
    Control("segments", None, tuple, DEFAULT_SEGMENTS, advanced=True, label="Segments"),
    # Unit economics, optional (0: not set); in the address only when set.
    Control(
        "cac",
        None,
        int,
        0,
        0,
        10_000_000,
        advanced=True,
        label="Cost to acquire a customer ({currency})",
        help="Sales and marketing spent per new customer (CAC). 0: not set.",
    ),
    Control(
        "gross_margin_pct",
        None,
        float,
        0.0,
        0.0,
        100.0,
        100.0,
        advanced=True,
        label="Gross margin (%)",
        help="Share of revenue left after the cost of serving it. 0: not set.",
    ),
    # The plan: initiatives and shocks (none by default; in the address only when there are some).
    Control("plan", None, tuple, (), advanced=True, label="Plan"),
)
CONTROL_BY_KEY: dict[str, Control] = {c.key: c for c in CONTROLS}
KEYS: tuple[str, ...] = tuple(CONTROL_BY_KEY)
#: The levers a preset sets; moving one by hand makes the preset "Custom".
PRESET_KEYS: tuple[str, ...] = (
    "churn_pct",
    "contraction_pct",
    "expansion_pct",
    "starting_mrr",
    "starting_customers",
    "new_customers",
    "new_customer_mrr",
)
CUSTOM = "Custom"
#: Rates are kept to 4 decimals of a percent (a millionth of MRR): fine enough that
#: levers measured from data reproduce their annual NRR and GRR to the decimal shown.
#: Sliders move in steps of 0.05 point (about a pixel each) and show two decimals;
#: any value can be typed.
PERCENT_DECIMALS = 4
PERCENT_STEP = 0.05
PERCENT_FORMAT = "%.2f"
#: New customers a month may be fractional (an average: 3.5 a month), to two decimals.
COUNT_DECIMALS = 2


def defaults() -> dict[str, Any]:
    """The default value of every control."""
    return {c.key: c.default for c in CONTROLS}


#: Domain example 1 run as a business, what "Try the worked example" loads: start $100,000 from 50
#: customers paying $2,000; 3% churn, 1% contraction, 6% expansion a month (monthly NRR 102%, GRR
#: 96%, annualised 126.8%); 5 new customers a month at $2,000; the core model (no ceiling).
WORKED_EXAMPLE: dict[str, Any] = {
    "churn_pct": 3.0,
    "contraction_pct": 1.0,
    "expansion_pct": 6.0,
    "new_customers": 5.0,
    "new_customer_mrr": 2_000,
    "starting_mrr": 100_000,
    "starting_customers": 50,
    "ceiling_on": False,
}


def preset_label(name: str) -> str:
    """How a preset is listed: its group, then its name."""
    if name == CUSTOM:
        return "Custom (your own levers)"
    group = "Stage" if PRESETS[name].group == "Company stage" else "Pricing"
    return f"{group} · {name}"


PRESET_OPTIONS: tuple[str, ...] = (CUSTOM, *PRESETS)


def preset_values(name: str) -> dict[str, Any]:
    """The control values a preset sets: its rates and, for a stage, its business."""
    levers = PRESETS[name].levers()
    return {
        key: control_value(CONTROL_BY_KEY[key], levers[field])
        for key in PRESET_KEYS
        if (field := CONTROL_BY_KEY[key].field) in levers
    }


def on_grid(control: Control, number: float) -> Any:
    """A number in the control's units on its grid: whole, or to its decimals (not clipped).

    >>> on_grid(CONTROL_BY_KEY["churn_pct"], 3.018749), on_grid(CONTROL_BY_KEY["new_customers"], 3.5)
    (3.0187, 3.5)
    """
    if control.kind is int:
        return int(round(number))
    decimals = PERCENT_DECIMALS if control.divisor == 100.0 else COUNT_DECIMALS
    return float(round(number, decimals))


def control_value(control: Control, field_value: float) -> Any:
    """The control's value for an engine field's value: in people's units, on the grid, in range.

    >>> control_value(CONTROL_BY_KEY["churn_pct"], 0.0301874), control_value(CONTROL_BY_KEY["months"], 600)
    (3.0187, 120)
    """
    value = on_grid(control, field_value * control.divisor)
    return control.kind(min(max(value, control.low), control.high))


def scenario_from_values(values: Mapping[str, Any]) -> Scenario:
    """The engine's scenario for some control values (percent → fraction).

    Raises
    ------
    ScenarioError
        When the engine refuses the combination.
    """
    fields: dict[str, Any] = {c.field: values[c.key] / c.divisor for c in CONTROLS if c.field is not None}
    fields["months"] = int(values["months"])
    fields["early_churn_months"] = int(values["early_churn_months"])
    fields["expansion_ceiling"] = float(values["ceiling_x"]) if values["ceiling_on"] else None
    fields["cac"] = float(values["cac"]) if values["cac"] > 0 else None
    fields["gross_margin"] = values["gross_margin_pct"] / 100 if values["gross_margin_pct"] > 0 else None
    if values["segments_on"]:
        fields["segments"] = segments_of(values["segments"])
    if values.get("plan"):
        fields["initiatives"] = initiatives_of(values["plan"])
    return Scenario(**fields)
