"""How numbers look on screen: money in the chosen currency, percentages, points.

Pure functions, no Streamlit: the pages and the charts format through these so
that a card and a chart label never disagree.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from simulator.names import BIDI_CONTROLS
from simulator.output import CURRENCIES

__all__ = [
    "CURRENCIES",
    "MINUS",
    "Delta",
    "compact_money",
    "literal",
    "money",
    "money_delta",
    "pct",
    "points",
    "signed_money",
    "tick_prefix",
]

MINUS = "\u2212"  # a real minus sign, as wide as a plus


def money(value: float, currency: str = "$", *, decimals: int = 0) -> str:
    """Money with thousands separators: ``money(-3000, "€")`` is ``"−€3,000"``.

    >>> money(1234567.8)
    '$1,234,568'
    >>> money(-3000, "CHF")
    '−CHF 3,000'
    """
    if not math.isfinite(value):
        return "–"
    prefix = f"{currency} " if len(currency) > 1 else currency
    amount = round(abs(value), decimals)
    sign = MINUS if value < 0 and amount != 0 else ""
    return f"{sign}{prefix}{amount:,.{decimals}f}"


def signed_money(value: float, currency: str = "$") -> str:
    """Money with an explicit sign, for gains: ``"+$12,000"``.

    >>> signed_money(12000)
    '+$12,000'
    """
    text = money(value, currency)
    return text if text.startswith(MINUS) or round(value) == 0 else f"+{text}"


def pct(fraction: float, *, decimals: int = 1) -> str:
    """A fraction as a percentage with one decimal: ``pct(1.02)`` is ``"102.0%"``.

    >>> pct(1.02 ** 12)
    '126.8%'
    """
    if not math.isfinite(fraction):
        return "–"
    text = f"{fraction * 100:.{decimals}f}%"
    return text.replace("-", MINUS)


def points(fraction: float, *, decimals: int = 1) -> str:
    """A change of a rate in percentage points, signed: ``points(0.012)`` is ``"+1.2 pts"``.

    >>> points(-0.005)
    '−0.5 pts'
    """
    value = fraction * 100
    text = f"{value:+.{decimals}f} pts"
    return text.replace("-", MINUS)


def compact_money(value: float, currency: str = "$", *, signed: bool = False) -> str:
    """Money in three significant figures for chart labels: ``"$186k"``, ``"+$1.25M"``.

    >>> compact_money(186113), compact_money(-84717, signed=True), compact_money(1_250_000, "€")
    ('$186k', '−$84.7k', '€1.25M')
    """
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit * 0.9995:
            number = f"{size / limit:.3g}{suffix}"
            break
    else:
        number = f"{size:,.0f}"
    sign = MINUS if value < 0 and round(size) != 0 else "+" if signed and round(size) != 0 else ""
    prefix = f"{currency} " if len(currency) > 1 else currency
    return f"{sign}{prefix}{number}"


def tick_prefix(currency: str) -> str:
    """The prefix plotly puts before axis ticks and hover values."""
    return f"{currency} " if len(currency) > 1 else currency


@dataclass(frozen=True)
class Delta:
    """A card's change against a reference: its text, colour and arrow, said explicitly.

    ``st.metric`` guesses the direction from an ASCII hyphen; spelling the arrow
    and the colour out lets every amount keep the real minus sign (−$3,000),
    and a change of nothing show as grey, with no arrow.
    """

    text: str | None
    color: str
    arrow: str

    def metric(self) -> dict[str, Any]:
        """The ``st.metric`` arguments: ``card.metric(label, value, **delta.metric())``."""
        return {"delta": self.text, "delta_color": self.color, "delta_arrow": self.arrow}


def money_delta(gap: float, currency: str, *, against: str, compact: bool = False) -> Delta:
    """MRR gained or lost against ``against`` (a name, quoted as text: :func:`literal`); "same as" when
    it rounds to nothing.

    >>> money_delta(-76_945, "$", against="Base")
    Delta(text='−$76,945 vs Base', color='red', arrow='down')
    >>> money_delta(0.2, "$", against="Base").text
    'same as Base'
    """
    if not math.isfinite(gap):
        return Delta(None, "gray", "off")
    amount = compact_money(gap, currency, signed=True) if compact else signed_money(gap, currency)
    against = literal(against)  # a card's change is markdown; the name is the user's
    if round(gap) == 0:
        return Delta(f"same as {against}", "gray", "off")
    return Delta(f"{amount} vs {against}", "green" if gap > 0 else "red", "up" if gap > 0 else "down")


#: An invisible word joiner: breaks the patterns markdown turns into links.
_JOINER = "\u2060"
#: Every ASCII punctuation character: markdown (CommonMark, Streamlit's colours, icons and LaTeX)
#: gives each one a meaning somewhere, and a backslash before any of them means "just this character".
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def literal(text: str) -> str:
    r"""Text a user typed or uploaded, made safe to put inside markdown: shown as typed, never
    as a link, an image, bold, a colour, an icon or a formula; line breaks become spaces.

    Characters that change the direction text is drawn in (a right-to-left override) are
    removed. Every ASCII punctuation mark is escaped; an invisible word joiner (U+2060) after ``://``'s
    colon, ``www`` and ``@`` keeps markdown from making a bare address or e-mail a link.

    >>> print(literal("![x](http://host/a.png) **Q3** :red[up] $5").replace("\u2060", "~"))
    \!\[x\]\(http\:~\/\/host\/a\.png\) \*\*Q3\*\* \:red\[up\] \$5
    """
    flat = " ".join("".join(ch for ch in str(text) if ch not in BIDI_CONTROLS).split())
    flat = re.sub(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", _JOINER, flat)
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in flat)
