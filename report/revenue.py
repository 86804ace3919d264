"""How revenue is shown: monthly (MRR) or as an annual run rate (ARR = 12 × MRR).

A view, not a figure: the engine works in MRR, and a page, a chart, a report
or a file multiplies a revenue amount by :attr:`Revenue.factor` and names it
:attr:`Revenue.name` as it writes it. It applies to revenue that recurs
(MRR and its flows, gains in it, the plateau); a cost, a lifetime value, a
customer's price in the sidebar and the calculator's month stay as they are,
and NRR and GRR, which are ratios, do not change.

>>> ARR.money(10_000, "$"), ARR.compact(10_000, "€"), MRR.money(10_000, "$")
('$120,000', '€120k', '$10,000')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from report.format import compact_money, money, signed_money
from simulator.arr import MONTHS_A_YEAR, as_arr

T = TypeVar("T", float, np.ndarray, pd.Series)


@dataclass(frozen=True)
class Revenue:
    """One way of showing revenue: its name, and how many months of MRR one amount holds."""

    name: str
    factor: float
    #: "a month" or "a year": how a sentence says the amount recurs.
    per: str

    def of(self, mrr: T) -> T:
        """An amount of MRR (a number, an array or a column) in this view."""
        return mrr * self.factor

    def money(self, mrr: float, currency: str) -> str:
        return money(self.of(mrr), currency)

    def compact(self, mrr: float, currency: str, *, signed: bool = False) -> str:
        return compact_money(self.of(mrr), currency, signed=signed)

    def signed(self, mrr: float, currency: str) -> str:
        return signed_money(self.of(mrr), currency)

    def columns(self, table: pd.DataFrame) -> pd.DataFrame:
        """A table's MRR columns in this view: as ARR, :func:`simulator.arr.as_arr` (``new_arr``…)."""
        return table if self.factor == 1.0 else as_arr(table)


MRR = Revenue("MRR", 1.0, "a month")
ARR = Revenue("ARR", float(MONTHS_A_YEAR), "a year")
#: The views by name, as the sidebar and the address spell them.
VIEWS: dict[str, Revenue] = {"MRR": MRR, "ARR": ARR}
