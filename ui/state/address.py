"""The page address: the scenario's controls as query parameters, read back with every value checked.

A link carries every basic control and the advanced ones that differ from
their defaults; a value that cannot be read makes the whole link fall back to
the defaults, with a notice saying why. Parameters the app does not know are
left out of the scenario (the tracking ones that chat and social apps add,
``fbclid`` or ``utm_source``, without a word), and word values are read
whatever their case (``revenue=arr``). An address longer than
:data:`MAX_ADDRESS_CHARS` is never written (:func:`fits`).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from ui.state.controls import CONTROL_BY_KEY, CONTROLS, Control, defaults, on_grid, scenario_from_values
from ui.state.tables import plan_from_text, segments_from_text, segments_to_text

#: Address parameters that pick a view of one page, not part of the scenario
#: (the presenter's ``slide``, the scenarios page's ``compare``): a link may carry
#: them beside the scenario, and :func:`sync_url` keeps them while the scenario changes.
VIEW_PARAMS: tuple[str, ...] = ("slide", "compare")
#: Parameters that chat, mail and social apps add to a shared link to track its clicks: left out quietly.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id"}
    | {"igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ref", "ref_src", "si"}
)
TRACKING_PREFIXES = ("utm_",)
#: The longest address query the app writes, in characters as the browser sends it (percent-encoded):
#: what common proxies pass in a request line (nginx's default buffer is 8 KB).
MAX_ADDRESS_CHARS = 8_000


def address_length(params: Mapping[str, str]) -> int:
    """How many characters ``params`` take in an address, encoded as a browser encodes a query."""
    return len(urlencode(params))


def fits(params: Mapping[str, str]) -> bool:
    """Whether an address with ``params`` can be written, and so reopened from a link."""
    return address_length(params) <= MAX_ADDRESS_CHARS


def is_tracking(key: str) -> bool:
    """Whether ``key`` is a parameter that apps add to links to track clicks (``utm_source``, ``fbclid``)."""
    folded = key.casefold()
    return folded in TRACKING_PARAMS or folded.startswith(TRACKING_PREFIXES)


def _parse(control: Control, text: str) -> Any:
    """One URL value, checked against the control's range; raises ValueError with a message."""
    if control.kind is bool:
        if text not in ("0", "1"):
            raise ValueError(f"{control.key} is '{text}', not 0 or 1")
        return text == "1"
    if control.kind is tuple:
        return plan_from_text(text) if control.key == "plan" else segments_from_text(text)
    if control.kind is str:
        # Words in any case (revenue=arr): a link typed or passed through a chat app keeps its meaning.
        chosen = [option for option in control.options if option.casefold() == text.strip().casefold()]
        if not chosen:
            raise ValueError(f"{control.key} is '{text}', not one of {' '.join(control.options)}")
        return chosen[0]
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{control.key} is '{text}', not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{control.key} is '{text}', not a finite number")
    value = on_grid(control, number)
    if not control.low <= value <= control.high:
        raise ValueError(
            f"{control.key} is {text}, outside the allowed range {control.low:g} to {control.high:g}"
        )
    return value


def values_from_query(params: Mapping[str, str]) -> tuple[dict[str, Any], str | None]:
    """The control values a page address asks for, or the defaults and a notice why not.

    Missing parameters take their defaults; a parameter the app does not know
    is left out (with a notice naming it, unless apps add it to track clicks);
    a value that is not a number or is out of range, or a combination the
    engine refuses, makes the whole address fall back to the defaults, with a
    message.

    >>> values_from_query({"churn_pct": "5"})[0]["churn_pct"]
    5.0
    >>> print(values_from_query({"churn_pct": "lots"})[1])
    This link's scenario could not be read (churn_pct is 'lots', not a number), so the default ...
    """
    values = defaults()
    unknown = [key for key in params if key not in CONTROL_BY_KEY and key not in VIEW_PARAMS]
    try:
        for key, text in params.items():
            if key in CONTROL_BY_KEY:
                values[key] = _parse(CONTROL_BY_KEY[key], text)
        scenario_from_values(values)
        if "segments" in params:  # a table kept while segments are off must be valid too
            scenario_from_values({**values, "segments_on": True})
    except ValueError as error:  # ScenarioError is a ValueError
        return defaults(), (
            f"This link's scenario could not be read ({error}), so the default scenario is shown."
        )
    untracked = [key for key in unknown if not is_tracking(key)]
    if untracked:
        named = ", ".join(_named(key) for key in untracked[:3]) + (" and more" if len(untracked) > 3 else "")
        return values, (
            f"This link has {'a setting' if len(untracked) == 1 else 'settings'} this app does not know "
            f"({named}), left out; the rest of its scenario is shown."
        )
    return values, None


def _named(key: str) -> str:
    """An unknown parameter, quoted, with the closest setting when it looks misspelt."""
    close = difflib.get_close_matches(key, list(CONTROL_BY_KEY), n=1, cutoff=0.75)
    return f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else "")


def query_from_values(values: Mapping[str, Any]) -> dict[str, str]:
    """The address parameters for some control values: every control, in order.

    An advanced control is left out while it is at its default.

    >>> query_from_values(defaults())["churn_pct"]
    '1'
    >>> query_from_values({**defaults(), "ceiling_on": False})["ceiling_on"]
    '0'
    """
    return {
        c.key: _text(c, values[c.key]) for c in CONTROLS if not (c.advanced and values[c.key] == c.default)
    }


def _text(control: Control, value: Any) -> str:
    if control.kind is bool:
        return "1" if value else "0"
    if control.kind is tuple:
        return segments_to_text(value)  # the same compact JSON rows for the plan
    if control.kind is str:
        return str(value)
    if control.kind is int:
        return str(int(value))  # `:g` would write 25000000 as 2.5e+07 and lose digits past six
    return f"{value:.12g}"
