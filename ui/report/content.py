"""What a report on a scenario says: its figures, sentences, assumptions and charts, as the pages show them.

Pure functions, no Streamlit: each takes a :class:`~simulator.scenario.Scenario`
and the currency symbol, so the Downloads page, the command line
(``python -m simulator report``) and tests make the same report."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from simulator import breakdown, ranking
from simulator.arr import scenario_bridge
from simulator.economics import UnitEconomics, unit_economics
from simulator.levers import BY_FIELD, LEVERS
from simulator.output import csv_bytes
from simulator.peers import Position, position
from simulator.projection import PROJECTION_COLUMNS
from simulator.scenario import Initiative, Scenario
from simulator.summary import BASIS_TEXT, HEADLINE_MONTHS, Summary, summarise
from ui import ranking as words
from ui import sentences
from ui.charts import bucket, growth, lever_bars, tier_bar
from ui.charts import economics as economics_charts
from ui.charts.inert import inert
from ui.economics import bridge_rows, economics_cards, lifetime_value_text, payback_text, position_text
from ui.format import money, pct
from ui.revenue import MRR, Revenue

#: Chart names, in report order, with their titles for file names and buttons.
CHART_TITLES: dict[str, str] = {
    "tiers": "Where annual NRR sits",
    "revenue": "Revenue over the horizon",
    "cohorts": "Revenue by acquisition cohort",
    "bridge": "Revenue bridge over the horizon",
    "treadmill": "The treadmill",
    "levers": "Biggest lever",
    "lifetime": "What a new customer earns",
    "arr": "ARR bridge, year by year",
    "position": "Where NRR and GRR sit among peers",
}
#: Where NRR sits among its stage's peers, in the few words a tile has room for.
_SHORT_STANDING = {
    "top quartile": "Top quartile",
    "between the median and the top quartile": "Above median",
    "below the median": "Below median",
}
#: The charts of the unit economics section (drawn there, not with the others).
ECONOMICS_CHARTS: tuple[str, ...] = ("lifetime", "arr", "position")


@dataclass(frozen=True)
class Report:
    """Everything a report shows, as text formatted as on screen, and its figures.

    Attributes
    ----------
    figures
        ``(label, value)`` pairs: monthly and annual NRR, annual GRR, both
        tiers, MRR at months 12 and 36 and at the horizon.
    tier_sentence
        The verdict: ``"Annual NRR 126.8%: **Best in class**, … Annual GRR
        61.3%: **Leaky**. GRR below 90%: …"`` (markdown bold).
    plateau_sentence, lever_sentence
        Where the leaky bucket levels off (or that the base grows by itself);
        which lever moves MRR most, each improved by 10% of its own value
        (the Biggest lever page's default).
    assumptions
        ``(lever, value)`` pairs, every lever in people's units.
    charts
        The report's plotly figures by name (see :data:`CHART_TITLES`).
    basis
        What annual NRR and GRR are (monthly ^ 12, or the cohort way).
    economics
        ``(label, value)`` pairs: the Unit economics page's cards, at its defaults (a 10% discount
        a year, a 5-year lifetime).
    economics_sentences
        What a new customer is worth beside revenue ÷ churn; how fast it pays back.
    position_sentence
        Where annual NRR and GRR sit among peers, the stage chosen from ARR.
    arr_bridge
        The yearly ARR bridge as text, as the Unit economics page's table shows it.
    levers
        The lever ranking as text, as the Biggest lever page's table shows it by default.
    peers
        ``(label, value)``: where annual NRR sits among its stage's peers, in a tile
        (``("NRR, $1M–10M ARR", "Top quartile")``).
    """

    scenario: Scenario
    currency: str
    date: dt.date
    figures: tuple[tuple[str, str], ...]
    tier_sentence: str
    plateau_sentence: str
    lever_sentence: str
    assumptions: tuple[tuple[str, str], ...]
    charts: Mapping[str, go.Figure]
    basis: str
    economics: tuple[tuple[str, str], ...] = ()
    economics_sentences: tuple[str, ...] = ()
    position_sentence: str = ""
    arr_bridge: pd.DataFrame | None = None
    peers: tuple[str, str] | None = None
    levers: pd.DataFrame | None = None


def format_date(day: dt.date) -> str:
    """``"23 November 2025"``: the report's date, the same in every locale."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _rate(fraction: float, unit: str = "of MRR a month") -> str:
    return f"{fraction * 100:.2f}% {unit}"


def _count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def initiative_text(initiative: Initiative) -> str:
    """``"churn −0.80 pts from month 3, in full by month 6"``: an initiative in words."""
    lever = BY_FIELD[initiative.lever].noun
    if BY_FIELD[initiative.lever].is_rate:
        change = f"{initiative.change * 100:+.2f} pts"
    else:
        change = f"{initiative.change * 100:+.0f}%"
    text = f"{lever} {change.replace('-', '−')} from month {initiative.start_month}"
    if initiative.ramp_months > 1:
        text += f", in full by month {initiative.start_month + initiative.ramp_months - 1}"
    if initiative.end_month is not None:
        text += f", until month {initiative.end_month}"
    return text


def assumptions(scenario: Scenario, currency: str) -> tuple[tuple[str, str], ...]:
    """Every lever of the scenario in people's units, refinements only when they are set."""
    rows: list[tuple[str, str]] = [
        ("Starting MRR", money(scenario.starting_mrr, currency)),
        (
            "Starting customers",
            "not set" if scenario.starting_customers is None else _count(scenario.starting_customers),
        ),
        # With segments, their own rates and new-customer MRR replace these (listed below).
        *(
            ()
            if scenario.segments
            else tuple(
                (LEVERS[key].name, _rate(LEVERS[key].value(scenario)))
                for key in ("churn", "contraction", "expansion")
            )
        ),
        (LEVERS["acquisition"].label, _count(scenario.new_customers_per_month)),
        ("Growth of new customers", _rate(scenario.acquisition_growth_rate, "a month")),
        *(
            ()
            if scenario.segments
            else (("MRR per new customer", money(scenario.new_customer_mrr, currency)),)
        ),
        ("Horizon", f"{scenario.months} months"),
    ]
    if scenario.involuntary_churn_share > 0:
        rows.append(("Involuntary share of churn", pct(scenario.involuntary_churn_share)))
        rows.append(("Failed payments recovered", pct(scenario.involuntary_recovery_rate)))
    if scenario.early_churn_months > 0 and scenario.early_churn_multiple != 1.0:
        rows.append(
            (
                "Early-life churn",
                f"{scenario.early_churn_multiple:g}× for a customer's first "
                f"{scenario.early_churn_months} months",
            )
        )
    if scenario.annual_plan_share > 0:
        rows.append(("Customers on annual plans", pct(scenario.annual_plan_share)))
    if scenario.expansion_ceiling is not None:
        rows.append(("Expansion ceiling", f"{scenario.expansion_ceiling:g}× a customer's first MRR"))
    for segment in scenario.segments:
        rows.append(
            (
                f"Segment {segment.name}",
                f"{pct(segment.mrr_share)} of MRR, {pct(segment.new_customer_share)} of new customers at "
                f"{money(segment.new_customer_mrr, currency)}; churn {segment.churn_rate * 100:.2f}%, "
                f"contraction {segment.contraction_rate * 100:.2f}%, "
                f"expansion {segment.expansion_rate * 100:.2f}% a month",
            )
        )
    for initiative in scenario.initiatives:
        rows.append((initiative.name, initiative_text(initiative)))
    return tuple(rows)


def _last_figure(summary: Summary, currency: str, shown: Revenue) -> tuple[str, str]:
    """MRR (or ARR) at the horizon, or, when the horizon is month 12 or 36 (already shown), the customers
    then."""
    months = summary.months
    if months not in HEADLINE_MONTHS:
        return f"{shown.name} at {months} months (horizon)", shown.money(summary.mrr_at(months), currency)
    customers = summary.customers_at(months)
    if math.isfinite(customers):
        return f"Customers at {months} months", f"{customers:,.0f}"
    return "Monthly GRR", pct(summary.monthly_grr)


def build_report(
    scenario: Scenario, currency: str = "$", *, today: dt.date | None = None, shown: Revenue = MRR
) -> Report:
    """The numbers, sentences and charts of a report on ``scenario``, as the pages show them, with
    revenue ``shown`` as MRR or ARR."""
    summary = summarise(scenario)
    months = summary.months
    figures = (
        ("Blended monthly NRR" if scenario.segments else "Monthly NRR", pct(summary.monthly_nrr)),
        ("Annual NRR", pct(summary.annual_nrr)),
        ("Annual GRR", pct(summary.annual_grr)),
        ("NRR tier", summary.nrr_tier.name),
        ("GRR tier", summary.grr_tier.name),
        *(
            (f"{shown.name} at {month} months", shown.money(summary.mrr_at(month), currency))
            for month in HEADLINE_MONTHS
        ),
        _last_figure(summary, currency, shown),
    )
    levers = ranking.rank(scenario)
    # Unit economics at the page's defaults; the stage from ARR today (12 × starting MRR).
    economics = unit_economics(summary)
    bridge = scenario_bridge(summary.projection)
    placed = position(summary.annual_nrr, summary.annual_grr, arr=float(bridge["starting_arr"].to_numpy()[0]))
    return Report(
        scenario=scenario,
        currency=currency,
        date=today or dt.date.today(),
        figures=figures,
        tier_sentence=sentences.summary_verdict(summary),
        plateau_sentence=sentences.plateau_text(summary, currency, shown=shown),
        lever_sentence=words.verdict(levers, months=months, currency=currency, shown=shown),
        assumptions=assumptions(scenario, currency),
        charts={  # every chart's data text shown as text, never plotly's markup (ui.charts.inert)
            name: inert(figure)
            for name, figure in {
                **report_charts(summary, currency, levers=levers, shown=shown),
                **economics_figures(economics, bridge, placed, currency),
            }.items()
        },
        basis=BASIS_TEXT[summary.retention.annual_basis],
        economics=tuple((card.label, card.value) for card in economics_cards(economics, currency)),
        economics_sentences=(
            lifetime_value_text(economics, currency),
            payback_text(economics, currency),
        ),
        position_sentence=position_text(placed, currency),
        arr_bridge=bridge_rows(bridge, currency),
        peers=(f"NRR, {placed.stage}", _SHORT_STANDING[placed.stage_standing]),
        levers=words.table_rows(
            levers, months=months, currency=currency, costs=scenario.cac is not None, shown=shown
        ),
    )


def economics_figures(
    economics: UnitEconomics, bridge: pd.DataFrame, placed: Position, currency: str
) -> dict[str, go.Figure]:
    """The unit economics section's charts by name, as the Unit economics page draws them."""
    return {
        "lifetime": economics_charts.lifetime_value(economics, currency),
        "arr": economics_charts.arr_bridge(bridge, currency, title="ARR (12 × MRR), year by year"),
        "position": economics_charts.position_chart(placed),
    }


def report_charts(
    summary: Summary, currency: str, *, levers: ranking.Ranking | None = None, shown: Revenue = MRR
) -> dict[str, go.Figure]:
    """The report's charts by name, in the order of :data:`CHART_TITLES`."""
    projection = summary.projection
    months = summary.months
    if levers is None:
        levers = ranking.rank(summary.scenario)
    steps = breakdown.bridge(projection, first_month=1, last_month=months)
    return {
        "tiers": tier_bar.tiers(summary.annual_nrr),
        "revenue": growth.revenue(projection.table, currency, shown=shown),
        "cohorts": growth.layer_cake(breakdown.cohort_layers(projection), currency, shown=shown),
        "bridge": bucket.waterfall(
            steps, currency, title=f"{shown.name} bridge, months 1–{months}", shown=shown
        ),
        "treadmill": bucket.stay_flat(projection.table, currency, shown=shown),
        "levers": lever_bars.tornado(
            levers.table, words.row_labels(levers), currency, months=months, shown=shown
        ),
    }


def projection_csv(scenario: Scenario, shown: Revenue = MRR) -> bytes:
    """The projection as CSV: the command line's columns first, then the table's others.

    The first columns read exactly as ``python -m simulator project`` writes them (one writer,
    :func:`simulator.output.csv_bytes`, so one rounding policy); as ARR, each MRR column is 12 × it,
    named ``arr`` (``new_arr``…), as ``project --revenue arr`` writes it.
    """
    table = summarise(scenario).projection.table
    columns = [*PROJECTION_COLUMNS, *(c for c in table.columns if c not in PROJECTION_COLUMNS)]
    return csv_bytes(shown.columns(table[columns]))


def report_file_name(day: dt.date, extension: str) -> str:
    """``"nrr-report-2025-11-23.pdf"``."""
    return f"nrr-report-{day.isoformat()}.{extension}"


def png_file_name(name: str, day: dt.date) -> str:
    """``"nrr-revenue-2025-11-23.png"``."""
    return f"nrr-{name}-{day.isoformat()}.png"
