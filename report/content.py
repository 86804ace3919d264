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

from report import ranking as words
from report import sentences
from report.charts import bucket, growth, lever_bars, tier_bar
from report.charts import economics as economics_charts
from report.charts.inert import inert
from report.economics import (
    bridge_rows,
    churned_size_text,
    economics_cards,
    lifetime_value_text,
    payback_text,
    position_text,
    size_multiple,
)
from report.format import money, pct
from report.revenue import MRR, Revenue
from simulator import breakdown, ranking
from simulator.arr import scenario_bridge
from simulator.economics import UnitEconomics, unit_economics
from simulator.levers import BY_FIELD, LEVERS
from simulator.output import csv_bytes
from simulator.peers import Position, position
from simulator.projection import PROJECTION_COLUMNS
from simulator.recommendation import recommend
from simulator.scenario import Initiative, Scenario
from simulator.summary import BASIS_TEXT, Summary, headline_months, summarise

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
#: The key figures' tiles: two rows of four.
FIGURE_TILES = 8
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
        ``(label, value)`` pairs, :data:`FIGURE_TILES` of them: monthly and annual NRR, annual GRR,
        both tiers, MRR a year out and at the horizon (:func:`simulator.summary.headline_months`),
        then the customers at the horizon, monthly GRR and monthly expansion as room allows.
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
        What a new customer is worth beside revenue ÷ churn; how fast it pays back; who leaves when
        churned customers are not average-sized.
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


def assumptions(scenario: Scenario, currency: str, *, segments: bool = True) -> tuple[tuple[str, str], ...]:
    """Every lever of the scenario in people's units, refinements only when they are set; each segment
    too, unless ``segments`` is false (the one-pager shows them as :func:`segment_table`); the plan's
    initiatives last, in order (the one-pager lets the last ones make way when its page is full)."""
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
    if scenario.churned_size_multiple != 1.0:
        size = size_multiple(scenario.churned_size_multiple)
        rows.append(("Churned customers' size", f"{size} the average account"))
    for segment in scenario.segments if segments else ():
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


def segment_table(scenario: Scenario, currency: str) -> pd.DataFrame | None:
    """The scenario's segments as text, one row each (None without segments): their shares of MRR and
    of new customers, what a new customer pays a month, and their monthly rates."""
    if not scenario.segments:
        return None
    segments = scenario.segments
    return pd.DataFrame(
        {
            "Segment": [segment.name for segment in segments],
            "Share of MRR": [pct(segment.mrr_share) for segment in segments],
            "Of new customers": [pct(segment.new_customer_share) for segment in segments],
            "MRR per new customer": [money(segment.new_customer_mrr, currency) for segment in segments],
            # Monthly, as every rate a report shows unless it says annual (its footer says so).
            **{
                LEVERS[key].name: [f"{getattr(s, LEVERS[key].field) * 100:.2f}%" for s in segments]
                for key in ("churn", "contraction", "expansion")
            },
        }
    )


def _after_revenue(summary: Summary, room: int) -> tuple[tuple[str, str], ...]:
    """What fills the tiles left after the revenue figures: the customers at the horizon (when the
    scenario counts them), then monthly GRR and monthly expansion (NRR − GRR)."""
    months = summary.months
    customers = summary.customers_at(months)
    fillers = (
        *(((f"Customers at {months} months", f"{customers:,.0f}"),) if math.isfinite(customers) else ()),
        ("Monthly GRR", pct(summary.monthly_grr)),
        ("Monthly expansion", pct(summary.retention.monthly_expansion)),
    )
    return fillers[: max(room, 0)]


def build_report(
    scenario: Scenario, currency: str = "$", *, today: dt.date | None = None, shown: Revenue = MRR
) -> Report:
    """The numbers, sentences and charts of a report on ``scenario``, as the pages show them, with
    revenue ``shown`` as MRR or ARR."""
    summary = summarise(scenario)
    months = summary.months
    figures: tuple[tuple[str, str], ...] = (
        ("Blended monthly NRR" if scenario.segments else "Monthly NRR", pct(summary.monthly_nrr)),
        ("Annual NRR", pct(summary.annual_nrr)),
        ("Annual GRR", pct(summary.annual_grr)),
        ("NRR tier", summary.nrr_tier.name),
        ("GRR tier", summary.grr_tier.name),
    )
    # Revenue a year out and at the horizon, as the compounding page shows it; never past the horizon.
    revenue = tuple(
        (f"{shown.name} at {month} months", shown.money(summary.mrr_at(month), currency))
        for month in headline_months(months)
    )
    figures = (*figures, *revenue, *_after_revenue(summary, FIGURE_TILES - len(figures) - len(revenue)))
    chosen = recommend(scenario)
    levers = chosen.headroom
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
        lever_sentence=words.recommendation_text(chosen, months=months, currency=currency, shown=shown),
        assumptions=assumptions(scenario, currency),
        charts={  # every chart's data text shown as text, never plotly's markup (report.charts.inert)
            name: inert(figure)
            for name, figure in {
                **report_charts(summary, currency, levers=levers, shown=shown),
                **economics_figures(economics, bridge, placed, currency),
            }.items()
        },
        basis=BASIS_TEXT[summary.retention.annual_basis],
        economics=tuple((card.label, card.value) for card in economics_cards(economics, currency)),
        economics_sentences=tuple(
            sentence
            for sentence in (
                lifetime_value_text(economics, currency),
                payback_text(economics, currency),
                churned_size_text(economics, segments=bool(scenario.segments)),
            )
            if sentence
        ),
        position_sentence=f"{position_text(placed, currency)} "
        + sentences.benchmark_sources("nrr_by_stage", "grr"),
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
