"""The definition settings and the vendor table in words (pure: the engine's table in, text out).

Every figure comes from :func:`simulator.definitions.vendor_table`; this module only says them.
"""

from __future__ import annotations

import math

import pandas as pd

from report.format import pct
from report.revenue import MRR, Revenue
from simulator.definitions import OWN, VENDORS
from simulator.reactivation import Reactivation

#: Each NRR window in words, as the page offers it.
WINDOW_WORDS: dict[str, str] = {
    "month": "one month's flows",
    "trailing-12": "the trailing-12 cohort",
    "year-over-year": "the year over year ARR bridge",
}

#: Each kind of reactivation rule, as the page offers it.
KIND_WORDS: dict[str, str] = {
    "any": "Any return is a reactivation",
    "within": "A return within N days is a reactivation, later is new",
    "after": "A return after N months or more at $0 is a reactivation, sooner is expansion",
    "expansion": "Every return is expansion",
}

_ASSUMED = {vendor.name: vendor.assumed for vendor in VENDORS}
_SOURCES = {vendor.name: vendor.source for vendor in VENDORS}


def rule_words(rule: Reactivation) -> str:
    """A rule in a few words.

    >>> from simulator.reactivation import parse_reactivation
    >>> rule_words(parse_reactivation("within:90d")), rule_words(parse_reactivation("after:3m"))
    ('reactivation within 90 days (3 months), else new', 'reactivation after 3 months at 0, else expansion')
    """
    if rule.kind == "any":
        return "any return is a reactivation"
    if rule.kind == "expansion":
        return "returns count as expansion"
    if rule.kind == "within":
        number, unit = rule.text.split(":")[1][:-1], rule.text[-1]
        said = f"{number} days ({rule.months} months)" if unit == "d" else f"{rule.months} months"
        return f"reactivation within {said}, else new"
    months = f"{rule.months} month{'s' if rule.months != 1 else ''}"
    return f"reactivation after {months} at 0, else expansion"


def _figure(value: float) -> str:
    return "–" if math.isnan(value) else pct(value)


def differs_text(row: pd.Series, own: pd.Series, currency: str = "$", shown: Revenue = MRR) -> str:
    """What makes a row's figure differ from the product's own (the table's first row): its window,
    and the MRR of returning customers its rule counted as new or expansion rather than as the own
    row does; what the vendor's documents leave open, said as assumed."""
    if row["definition"] == OWN:
        return "the figures this page shows (your settings)"
    parts = []
    if row["nrr_window"] != own["nrr_window"]:
        parts.append(f"{WINDOW_WORDS[str(row['nrr_window'])]}, not {WINDOW_WORDS[str(own['nrr_window'])]}")
    for flow, words in (("returns_as_new_mrr", "new"), ("returns_as_expansion_mrr", "expansion")):
        moved = float(row[flow]) - float(own[flow])
        if abs(moved) >= 0.005:
            amount = shown.money(abs(moved), currency)
            if moved > 0:
                parts.append(f"{amount} of returning customers' {shown.name} counted as {words}")
            else:
                parts.append(f"{amount} fewer of returning customers' {shown.name} counted as {words}")
    if not parts:
        parts.append("counts as your settings do here")
    assumed = _ASSUMED.get(str(row["definition"]), "")
    return "; ".join(parts) + (f" (assumed: {assumed})" if assumed else "")


def vendor_rows(table: pd.DataFrame, currency: str = "$", shown: Revenue = MRR) -> pd.DataFrame:
    """The vendor table as the page shows it: who, how they count, NRR, GRR, and what differs."""
    own = table.iloc[0]
    return pd.DataFrame(
        {
            "Definition": table["definition"],
            "Reactivation": table["reactivation"],
            "NRR window": [WINDOW_WORDS[str(window)] for window in table["nrr_window"]],
            "Months": [
                f"{first} to {last}"
                for first, last in zip(table["from_month"], table["to_month"], strict=True)
            ],
            "NRR": [_figure(float(v)) for v in table["nrr"]],
            "GRR": [_figure(float(v)) for v in table["grr"]],
            "What makes it differ": [differs_text(row, own, currency, shown) for _, row in table.iterrows()],
        }
    )


def spread_text(table: pd.DataFrame) -> str:
    """The answer to "why does our dashboard say 104% and this 98%?" in one sentence."""
    known = table[table["nrr"].notna()]
    if known.empty:
        return "Your export is too short for any of these windows yet."
    low, high = known["nrr"].min(), known["nrr"].max()
    if high - low < 0.00005:
        return (
            f"Every definition gives your export the same NRR, {pct(high)}: returns and windows change "
            "nothing here."
        )
    lows = ", ".join(known.loc[known["nrr"] == low, "definition"])
    highs = ", ".join(known.loc[known["nrr"] == high, "definition"])
    return (
        f"The same customers give an NRR from {pct(low)} ({lows}) to {pct(high)} ({highs}): what differs is "
        "the window (one month's flows or a year's) and where a returning customer's MRR goes (reactivation, "
        "new or expansion; only expansion lifts NRR)."
    )


def source_of(name: str) -> str:
    """The address of a vendor's documentation this product read its definitions from ('' for its own)."""
    return _SOURCES.get(name, "")
