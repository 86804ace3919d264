"""The comparison and the saved scenarios as the Scenarios page shows them (formatted text)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from report.format import pct, points
from report.revenue import MRR, Revenue
from simulator.scenario import Scenario


def differences_display(frame: pd.DataFrame, currency: str, shown: Revenue = MRR) -> pd.DataFrame:
    """The differences table as the page shows it: formatted text, "reference" in the first's gaps.

    The gap columns are named after the first scenario ("MRR vs Base", or "ARR vs Base").
    """
    first = frame["scenario"].iloc[0]

    def gap(value: float, name: str, text: str) -> str:
        return "reference" if name == first else "–" if not math.isfinite(value) else text

    return pd.DataFrame(
        {
            "Month": frame["month"].astype(int),
            "Scenario": frame["scenario"],
            shown.name: [shown.money(v, currency) for v in frame["mrr"]],
            f"{shown.name} vs {first}": [
                gap(v, n, shown.signed(v, currency))
                for v, n in zip(frame["mrr_vs_first"], frame["scenario"], strict=True)
            ],
            "NRR, trailing 12": [pct(v) for v in frame["nrr_trailing_12"]],
            f"NRR vs {first}": [
                gap(v, n, points(v)) for v, n in zip(frame["nrr_vs_first"], frame["scenario"], strict=True)
            ],
            "GRR, trailing 12": [pct(v) for v in frame["grr_trailing_12"]],
            f"GRR vs {first}": [
                gap(v, n, points(v)) for v, n in zip(frame["grr_vs_first"], frame["scenario"], strict=True)
            ],
        }
    )


def levers_table(store: Mapping[str, Scenario]) -> pd.DataFrame:
    """The saved scenarios' main levers, one row each, in people's units (percent a month)."""
    return pd.DataFrame(
        {
            "Scenario": list(store),
            "Churn %": [s.churn_rate * 100 for s in store.values()],
            "Contraction %": [s.contraction_rate * 100 for s in store.values()],
            "Expansion %": [s.expansion_rate * 100 for s in store.values()],
            "New customers a month": [s.new_customers_per_month for s in store.values()],
            "Starting MRR": [s.starting_mrr for s in store.values()],
            "Months": [s.months for s in store.values()],
            "Segments": [len(s.segments) for s in store.values()],
            "Initiatives": [len(s.initiatives) for s in store.values()],
        }
    )
