"""Definition settings (the reactivation rule, the NRR window), and an export's NRR as each vendor counts it.

The NRR windows, for a month t of an export's monthly table (:mod:`simulator.metrics`):

- ``month``: that month's flows on the MRR at its start,
  (start − churned − contraction + expansion) ÷ start (``nrr_month``);
- ``trailing-12`` (the default, the product's own): the cohort paying at t − 12,
  what it pays at t ÷ what it paid then, whatever happened between
  (``nrr_trailing_12``; GRR caps each customer at what they paid then);
- ``year-over-year``: the year's ARR bridge (:mod:`simulator.arr`), ARR at
  t − 12 against the twelve months of flows since, (start − Σ churned −
  Σ contraction + Σ expansion) ÷ start, GRR without the expansion. Unlike the
  cohort it counts the flows of customers who joined during the year (their
  expansion lifts it, their churn lowers it) and follows the reactivation rule
  (returns counted as expansion lift it); NRR = GRR + expansion ÷ start exactly,
  GRR at most 100% (below 0 when the year's newcomers churn more than the start).

Every figure is whole-array arithmetic on the monthly table; the vendor table
analyses the payments once per distinct rule (:func:`simulator.metrics.reclassified`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.metrics import METRICS_COLUMNS, ExportMetrics, reclassified
from simulator.reactivation import ANY, Reactivation, parse_reactivation

#: The NRR windows, in the order they are offered; the default is :data:`DEFAULT_WINDOW`.
NRR_WINDOWS: tuple[str, ...] = ("month", "trailing-12", "year-over-year")
DEFAULT_WINDOW = "trailing-12"
_YEAR = 12
#: Each window's NRR and GRR columns in a monthly table (year-over-year's added by :func:`with_window`).
WINDOW_COLUMNS: dict[str, tuple[str, str]] = {
    "month": ("nrr_month", "grr_month"),
    "trailing-12": ("nrr_trailing_12", "grr_trailing_12"),
    "year-over-year": ("nrr_year_over_year", "grr_year_over_year"),
}


class DefinitionError(ValueError):
    """A definition setting that does not read: what was given, and what would."""


def parse_window(text: str) -> str:
    """An NRR window from its name, case and surrounding spaces aside.

    >>> parse_window(" Year-over-Year ")
    'year-over-year'

    Raises
    ------
    DefinitionError
        For any other name, listing the windows.
    """
    given = text.strip().lower()
    if given not in NRR_WINDOWS:
        raise DefinitionError(f"NRR window {text!r} is not one of {', '.join(NRR_WINDOWS)}")
    return given


@dataclass(frozen=True)
class Definitions:
    """How NRR is counted: the reactivation rule and the NRR window (both checked here, once)."""

    reactivation: Reactivation = ANY
    nrr_window: str = DEFAULT_WINDOW

    def __post_init__(self) -> None:
        parse_window(self.nrr_window)

    @property
    def is_default(self) -> bool:
        """Whether every figure comes out as the product's defaults give it."""
        return self.reactivation.is_default and self.nrr_window == DEFAULT_WINDOW


def year_over_year(monthly: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per month, the year-over-year NRR and GRR (NaN for the first twelve months, and where the
    MRR twelve months before is 0)."""
    ending = monthly["ending_mrr"].to_numpy(dtype=float)
    months = len(ending)
    if months <= _YEAR:
        return np.full(months, np.nan), np.full(months, np.nan)
    sums = {}
    for name in ("churned_mrr", "contraction_mrr", "expansion_mrr"):
        running = np.concatenate(([0.0], np.cumsum(monthly[name].to_numpy(dtype=float))))
        year = np.full(months, np.nan)
        year[_YEAR:] = running[_YEAR + 1 :] - running[1 : months - _YEAR + 1]
        sums[name] = year
    start = np.full(months, np.nan)
    start[_YEAR:] = ending[: months - _YEAR]
    with np.errstate(divide="ignore", invalid="ignore"):
        kept = start - sums["churned_mrr"] - sums["contraction_mrr"]
        nrr = np.where(start > 0, (kept + sums["expansion_mrr"]) / start, np.nan)
        grr = np.where(start > 0, kept / start, np.nan)
    return nrr, grr


def with_window(monthly: pd.DataFrame, nrr_window: str) -> pd.DataFrame:
    """The monthly metrics a file carries for ``nrr_window``: :data:`METRICS_COLUMNS`, the
    trailing-12 pair replaced by the year-over-year one (``year-over-year``) or left out
    (``month``: the month's own pair is the NRR). ``trailing-12`` is the table as it always was."""
    table = monthly[list(METRICS_COLUMNS)]
    if nrr_window == "trailing-12":
        return table
    table = table.drop(columns=list(WINDOW_COLUMNS["trailing-12"]))
    if nrr_window == "month":
        return table
    nrr, grr = year_over_year(monthly)
    at = list(table.columns).index("grr_month") + 1
    table.insert(at, "nrr_year_over_year", nrr)
    table.insert(at + 1, "grr_year_over_year", grr)
    return table


@dataclass(frozen=True)
class Latest:
    """An export's latest NRR and GRR in one window: the months it spans (first, last), NaN when
    the export is too short for the window."""

    nrr: float
    grr: float
    months: tuple[str, str]


def latest(monthly: pd.DataFrame, nrr_window: str) -> Latest:
    """The last month's NRR and GRR in ``nrr_window``, and the months the figure spans.

    The export's last month always; NaN when it has no figure there (the month window
    needs a starting MRR, the others twelve months before it).
    """
    if nrr_window == "year-over-year":
        nrr, grr = (float(values[-1]) for values in year_over_year(monthly))
    else:
        names = WINDOW_COLUMNS[nrr_window]
        nrr, grr = (float(monthly[name].to_numpy(dtype=float)[-1]) for name in names)
    labels = monthly["month"].tolist()
    back = 1 if nrr_window == "month" else _YEAR
    first = labels[-1 - back] if len(labels) > back else labels[0]
    return Latest(nrr, grr, (str(first), str(labels[-1])))


@dataclass(frozen=True)
class Vendor:
    """One vendor's documented definition (docs/definitions.md quotes each source).

    ``assumed`` says, in a few words, what the vendor's documents leave open and this
    product assumed (empty when both settings are documented).
    """

    name: str
    definitions: Definitions
    source: str
    assumed: str = ""


def _vendor(name: str, rule: str, window: str, source: str, assumed: str = "") -> Vendor:
    return Vendor(name, Definitions(parse_reactivation(rule), window), source, assumed)


#: The vendors whose reactivation rule or NRR window is documented, as this product reads them.
VENDORS: tuple[Vendor, ...] = (
    _vendor(
        "ChartMogul",
        "any",
        "month",
        "https://help.chartmogul.com/hc/en-us/articles/6886664393500-Chart-Net-MRR-Retention",
        "the chart's report interval set to a month",
    ),
    _vendor(
        "ChartMogul Benchmarks",
        "any",
        "year-over-year",
        "https://help.chartmogul.com/hc/en-us/articles/12112768447004-Benchmarks",
        "how the year-over-year NRR is built is not documented: taken as the year's ARR bridge",
    ),
    _vendor(
        "Baremetrics",
        "any",
        "month",
        "https://changelog.baremetrics.com/new-metric-net-revenue-retention-2BOJIA",
        "reactivation not documented, taken as any return; 30 days as a month; its formula names "
        "churned MRR only, contraction counted with it",
    ),
    _vendor(
        "Stripe Billing",
        "any",
        "month",
        "https://docs.stripe.com/billing/subscriptions/analytics/glossary",
        "NRR window not documented: taken as a month, as its MRR movements",
    ),
    _vendor(
        "ProfitWell (Paddle)",
        "any",
        "month",
        "https://paddle.com/help/profitwell-metrics/measure/compare/profitwell-vs-chargify",
        "NRR window not documented: taken as a month",
    ),
    _vendor(
        "Maxio",
        "within:90d",
        "month",
        "https://paddle.com/help/profitwell-metrics/measure/compare/profitwell-vs-chargify",
        "NRR window not documented: taken as a month",
    ),
    _vendor(
        "Recurly",
        "after:1m",
        "month",
        "https://support.recurly.com/hc/en-us/articles/360041810792-How-can-I-calculate-Reactivation-MRR-",
        "NRR window not documented: taken as a month",
    ),
    _vendor(
        "dbt_stripe",
        "expansion",
        "month",
        "https://github.com/fivetran/dbt_stripe/blob/main/models/stripe_financial_reports/"
        "stripe__subscription_item_mrr_report.sql",
        "no NRR in the package: its monthly movements' NRR",
    ),
    _vendor(
        "Chargebee",
        "expansion",
        "month",
        "https://www.chargebee.com/docs/billing/2.0/reports-and-analytics/expansion-and-contraction-metrics",
        "NRR from its movements, the selected period taken as a month",
    ),
)

#: The columns of :func:`vendor_table`, in order.
VENDOR_COLUMNS: tuple[str, ...] = (
    "definition",
    "reactivation",
    "nrr_window",
    "from_month",
    "to_month",
    "nrr",
    "grr",
    "returns_as_new_mrr",
    "returns_as_expansion_mrr",
)
#: The first row's name: the product's own definitions (the defaults, or the settings chosen).
OWN = "NRR simulator"


def vendor_table(metrics: ExportMetrics, *, own: Definitions | None = None) -> pd.DataFrame:
    """An export's latest NRR and GRR under the product's definitions (first row) and each vendor's.

    ``returns_as_new_mrr`` and ``returns_as_expansion_mrr`` are the MRR of returning customers
    (every return, the default rule's reactivation MRR) that the row's rule counts as new or as
    expansion instead, over the months its figure spans after the first (the last month for the
    month window, the last twelve for the others): what moved out of reactivation.
    """
    own = own or Definitions()
    rows = [(OWN, own), *((vendor.name, vendor.definitions) for vendor in VENDORS)]
    base = reclassified(metrics, ANY)  # the analysis itself when it counted returns the default way
    tables: dict[Reactivation, pd.DataFrame] = {}
    records = []
    for name, definitions in rows:  # a dozen rows; each distinct rule analysed once
        rule = definitions.reactivation
        if not rule.is_default and rule not in tables:
            tables[rule] = reclassified(metrics, rule)
        monthly = base if rule.is_default else tables[rule]
        figure = latest(monthly, definitions.nrr_window)
        span = 1 if definitions.nrr_window == "month" else _YEAR
        recent = slice(max(len(monthly) - span, 1), None)
        moved = {
            flow: float(monthly[flow].iloc[recent].sum() - base[flow].iloc[recent].sum())
            for flow in ("new_mrr", "expansion_mrr")
        }
        records.append(
            {
                "definition": name,
                "reactivation": rule.text,
                "nrr_window": definitions.nrr_window,
                "from_month": figure.months[0],
                "to_month": figure.months[1],
                "nrr": figure.nrr,
                "grr": figure.grr,
                # To the cent, as every flow: a difference of sums of cents carries float dust.
                "returns_as_new_mrr": round(moved["new_mrr"], 2) + 0.0,
                "returns_as_expansion_mrr": round(moved["expansion_mrr"], 2) + 0.0,
            }
        )
    return pd.DataFrame(records, columns=list(VENDOR_COLUMNS))
