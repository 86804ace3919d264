"""The app's few style rules beyond the theme: fixed strings only, never user text.

Cards shrink their figure with the card (a container query on each metric), so
five cards to a row on a 1280-pixel projector still show ``CHF 280M`` whole,
and a card's label wraps rather than ending in an ellipsis. Chart titles are
page text (:func:`ui.show.chart`), so they wrap on a phone instead of running
out of the chart. A formula wider than a phone scrolls sideways. A table too
wide for a phone can have a narrow twin that a phone shows instead
(:data:`WIDE_ONLY`, :data:`NARROW_ONLY`).
"""

from __future__ import annotations

import streamlit as st

APP_CSS = """
<style>
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetric"] > div { height: 100%; display: flex; flex-direction: column; }
[data-testid="stMetricLabel"] { margin-bottom: auto; }
[data-testid="stMetricValue"] > div { font-size: clamp(1.35rem, 19cqi, 2.25rem); }
@container (max-width: 170px) {
  [data-testid="stMetric"] > div { padding-left: 0.7rem; padding-right: 0.7rem; }
}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
/* The app's scripts (history, the presenter's keys) take no room: no gap above the page's title. */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) { display: none; }
.chart-title { font-size: 1.3rem; font-weight: 600; margin: 0 0 -0.6rem 0; line-height: 1.3; }
/* A formula never wraps: on a phone, where it can be wider than the screen, it scrolls, never cut.
   A row of choices (Same effort | Same points | To a target | A tactic) tightens its buttons to fit a
   phone, and wraps onto a second line where even that is too wide, never hiding its last choice. */
/* What a phone shows instead of a table too wide for it: a container keyed "narrow_only_…" shows
   on a phone alone, one keyed "wide_only_…" everywhere else. */
@media (min-width: 641px) { [class*="st-key-narrow_only_"] { display: none; } }
@media (max-width: 640px) { [class*="st-key-wide_only_"] { display: none; } }
@media (max-width: 640px) {
  .katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 0.3rem; }
  [data-testid="stButtonGroup"] > div { flex-wrap: wrap; }
  [data-testid="stButtonGroup"] button { padding-left: 0.6rem; padding-right: 0.6rem; }
}
</style>
"""

#: Key prefixes of a container shown only on a wider screen, or only on a phone (see :data:`APP_CSS`).
WIDE_ONLY = "wide_only_"
NARROW_ONLY = "narrow_only_"


def apply() -> None:
    """Put the app's style rules on the page (they take no room)."""
    st.html(APP_CSS)
